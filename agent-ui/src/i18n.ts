import i18next from "i18next";
import en from "./locales/en.json";
import ru from "./locales/ru.json";

export type Language = "ru" | "en";

const storageKey = "switchboard.lang";

// initI18n starts i18next with Russian as the default, because the first users work in Russian;
// a language chosen in the switcher is remembered in localStorage.
export async function initI18n(): Promise<void> {
  const saved = localStorage.getItem(storageKey);
  const lng: Language = saved === "en" ? "en" : "ru";
  await i18next.init({
    lng,
    fallbackLng: "en",
    resources: { ru: { translation: ru }, en: { translation: en } },
    interpolation: { escapeValue: false },
  });
  document.documentElement.lang = lng;
}

export async function setLanguage(lng: Language): Promise<void> {
  localStorage.setItem(storageKey, lng);
  await i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}

export function currentLanguage(): Language {
  return i18next.language === "en" ? "en" : "ru";
}

export const t = i18next.t.bind(i18next);
