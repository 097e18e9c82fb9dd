import { defineStore } from 'pinia';
import { ref } from 'vue';
import { detectLocale, LOCALES, translate, type Locale, type MessageKey } from '../i18n.js';

const LOCALE_KEY = 'parley-locale';

function savedLocale(): Locale | null {
  try {
    const value = localStorage.getItem(LOCALE_KEY);
    return value && (LOCALES as readonly string[]).includes(value) ? (value as Locale) : null;
  } catch {
    return null;
  }
}

/** UI preferences: the language (browser's by default, switchable, remembered). */
export const useSettingsStore = defineStore('settings', () => {
  const locale = ref<Locale>(savedLocale() ?? detectLocale());

  function setLocale(next: Locale): void {
    locale.value = next;
    try {
      localStorage.setItem(LOCALE_KEY, next);
    } catch {
      /* not persisted */
    }
    if (typeof document !== 'undefined') document.documentElement.lang = next;
  }

  function t(key: MessageKey, params?: Record<string, string | number>): string {
    return translate(locale.value, key, params);
  }

  return { locale, setLocale, t };
});
