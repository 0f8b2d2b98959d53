import i18n from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import en from './locales/en';
import zh from './locales/zh';

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const STORAGE_KEY = 'cbec.lang';

declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: typeof zh };
  }
}

function initialLang(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'zh' || saved === 'en') return saved;
  } catch {
    // storage unavailable (private mode): fall through
  }
  const nav = typeof navigator !== 'undefined' ? navigator.language : 'zh-CN';
  return nav.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

function applyDocument(lang: Lang): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.title = lang === 'zh' ? zh.app.name : en.app.name;
}

void i18n.use(initReactI18next).init({
  resources: { zh: { translation: zh }, en: { translation: en } },
  lng: initialLang(),
  fallbackLng: 'zh',
  interpolation: { escapeValue: false },
  returnNull: false,
});
applyDocument(currentLang());

export function currentLang(): Lang {
  return i18n.language === 'en' ? 'en' : 'zh';
}

/** Switches the language and remembers the choice in localStorage. */
export function setLang(lang: Lang): void {
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered; still switch
  }
  void i18n.changeLanguage(lang);
  applyDocument(lang);
}

/** Translates a key built from backend data, falling back to the raw value when the key is unknown. */
export function useLabel(): (
  group: 'status' | 'role' | 'entRole' | 'action' | 'auditAction',
  value: string | null | undefined,
) => string {
  const { t, i18n: inst } = useTranslation();
  return (group, value) => {
    if (!value) return '';
    const key = `${group}.${value}`;
    return inst.exists(key) ? (t(key as never) as string) : value;
  };
}

/** Formats an ISO timestamp in the current language, or '—'. */
export function formatTime(iso: string | null | undefined, lang: string): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'zh-CN', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d);
}

export default i18n;
