import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type * as channels from './channels.ts';
import * as common from './common.ts';
import type * as contact from './contact.ts';
import type * as conversation from './conversation.ts';
import type * as handoff from './handoff.ts';
import * as inbox from './inbox.ts';
import * as incidents from './incidents.ts';
import type * as merge from './merge.ts';
import * as palette from './palette.ts';
import type * as privacy from './privacy.ts';
import type * as rules from './rules.ts';
import type * as supervisor from './supervisor.ts';
import type * as templates from './templates.ts';

export type Lang = 'es' | 'en';
export const LANGS: readonly Lang[] = ['es', 'en'];

// One file per screen, each holding its English and its Spanish: a key missing from either is a
// compile error (`Strings<typeof en>`), and test/i18n.test.ts checks the same at run time.
export const resources = {
  en: {
    translation: {
      ...common.en,
      inbox: inbox.en,
      incidents: incidents.en,
      palette: palette.en,
    },
  },
  es: {
    translation: {
      ...common.es,
      inbox: inbox.es,
      incidents: incidents.es,
      palette: palette.es,
    },
  },
} as const;

/**
 * Screens loaded on first visit (a conversation, supervisor, rules, channels) bring their own words with them
 * (`addScreenStrings`), so the inbox does not download them; their keys are typed all the same.
 */
export type LazyStrings = {
  conversation: typeof conversation.en;
  contact: typeof contact.en;
  handoff: typeof handoff.en;
  merge: typeof merge.en;
  privacy: typeof privacy.en;
  supervisor: typeof supervisor.en;
  rules: typeof rules.en;
  channels: typeof channels.en;
  templates: typeof templates.en;
};

type AllStrings = (typeof resources)['en']['translation'] & LazyStrings;

/** Adds a lazily loaded screen's words in both languages; its module calls this when it loads. */
export function addScreenStrings<K extends keyof LazyStrings>(name: K, strings: { en: LazyStrings[K]; es: LazyStrings[K] }): void {
  for (const lang of LANGS) i18next.addResourceBundle(lang, 'translation', { [name]: strings[lang] }, true, true);
}

declare module 'i18next' {
  interface CustomTypeOptions {
    resources: { translation: AllStrings };
  }
}

const STORAGE_KEY = 'centralita.lang';

/** The agent's choice, else the browser's language when it is Spanish, else English. */
export function initialLang(): Lang {
  const stored = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (stored === 'es' || stored === 'en') return stored;
  return globalThis.navigator?.language?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

/** Keys asked for that no dictionary holds: the browser tests fail when this is not empty. */
export const missingKeys = new Set<string>();

export function setupI18n(lang: Lang = initialLang()) {
  void i18next.use(initReactI18next).init({
    resources,
    lng: lang,
    fallbackLng: false,
    // React escapes what it renders; escaping here too would show &amp; to agents.
    interpolation: { escapeValue: false },
    saveMissing: true,
    missingKeyHandler: (_langs, _ns, key) => {
      missingKeys.add(key);
      console.error(`missing translation: ${key}`);
    },
    returnNull: false,
  });
  document.documentElement.lang = lang;
  return i18next;
}

export function setLang(lang: Lang): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  void i18next.changeLanguage(lang);
}

/** `t` and the current language, for components. */
export function useT() {
  const { t, i18n } = useTranslation();
  return { t, lang: (i18n.language === 'es' ? 'es' : 'en') as Lang, setLang };
}
