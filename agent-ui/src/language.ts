import { h } from "./dom";
import { currentLanguage, Language, setLanguage, t } from "./i18n";

// languagePicker returns the language switcher shown on the login page and in the desk's
// header. Each language is named in itself, so a user who cannot read the current one still
// finds theirs. onChanged runs after the switch, to redraw the page.
export function languagePicker(onChanged: (lng: Language) => void): HTMLSelectElement {
  const select = h("select", { "data-testid": "language", "aria-label": t("header.language") },
    h("option", { value: "ru", selected: currentLanguage() === "ru" }, "Русский"),
    h("option", { value: "en", selected: currentLanguage() === "en" }, "English"),
  );
  select.addEventListener("change", async () => {
    const lng = select.value as Language;
    await setLanguage(lng);
    document.title = t("app.title");
    onChanged(lng);
  });
  return select;
}
