import i18next from "i18next";
import en from "./locales/en.json";
import ru from "./locales/ru.json";

export type Language = "ru" | "en";

const storageKey = "switchboard.lang";

// initI18n starts i18next with the language chosen earlier in this browser, or Russian,
// because the first users work in Russian.
export async function initI18n(): Promise<void> {
  const lng = savedLanguage() ?? "ru";
  await i18next.init({
    lng,
    fallbackLng: "en",
    resources: { ru: { translation: ru }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = lng;
}

// savedLanguage returns the language chosen in the switcher in this browser, if any.
export function savedLanguage(): Language | undefined {
  const saved = localStorage.getItem(storageKey);
  return saved === "ru" || saved === "en" ? saved : undefined;
}

// setLanguage switches the page to lng. remember stores it as this browser's choice, which
// outranks the user's locale on the server at the next sign-in.
export async function setLanguage(lng: Language, remember = true): Promise<void> {
  if (remember) localStorage.setItem(storageKey, lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export function currentLanguage(): Language {
  return i18next.language === "en" ? "en" : "ru";
}

export function isLanguage(value: string): value is Language {
  return value === "ru" || value === "en";
}

export const t = i18next.t.bind(i18next);
