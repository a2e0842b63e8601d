// Words: every language's texts from ui/locales, and the functions that pick one for
// the screen. No text the window shows is written anywhere else.
import { state } from './state.js';

// The parts of each language's words, as in src-tauri/locale.rs.
const LOCALE_PARTS = ['common', 'user', 'questionnaire', 'young', 'staff', 'errors'];

// Every language's keys and texts, the language of the device (chosen by staff at
// hand-over) and the language on screen now (which the person may change).
export const words = { byLanguage: {}, languages: [], device: 'en', current: 'en' };

/** Reads every language's locale files (ui/locales/<language>/<part>.json). */
export async function loadWords() {
  const read = async (path) => {
    const reply = await fetch(path);
    if (!reply.ok) throw new Error(path + ': ' + reply.status);
    return reply.json();
  };
  const languages = await read('locales/languages.json');
  for (const code of languages) {
    const all = {};
    for (const part of LOCALE_PARTS) Object.assign(all, await read('locales/' + code + '/' + part + '.json'));
    words.byLanguage[code] = all;
  }
  words.languages = languages;
}

/** `template` with its `{name}` placeholders filled from `args`. */
export function fill(template, args) {
  if (!args) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name) => (
    Object.prototype.hasOwnProperty.call(args, name) ? String(args[name]) : whole));
}

/** The text of `key` in the language on screen, with `{name}` placeholders filled from
 *  `args`. A key missing there falls back to English, then to the key itself (a test
 *  checks that every language has every key, so neither happens in a release). */
export function t(key, args) {
  const here = words.byLanguage[words.current] || {};
  const english = words.byLanguage.en || {};
  const template = here[key] !== undefined ? here[key] : (english[key] !== undefined ? english[key] : key);
  return fill(template, args);
}

/** A text that depends on a number: `key.one`, `key.few`, `key.other`, ... by the
 *  language's own plural rules; `{n}` is the number. */
export function tn(key, n, args) {
  const category = new Intl.PluralRules(words.current).select(n);
  const here = words.byLanguage[words.current] || {};
  const chosen = here[key + '.' + category] !== undefined ? key + '.' + category : key + '.other';
  return t(chosen, { n, ...(args || {}) });
}

/** A questionnaire text: the young-person version (`yp.`) or the adult one (`q.`). */
export function tq(key, args) {
  const young = state.session && state.session.version === 'young';
  return t((young ? 'yp.' : 'q.') + key, args);
}

/** Whether there are words for `key` (English has every key; so, in a release, has
 *  every other language). */
export function hasWord(key) {
  return (words.byLanguage.en || {})[key] !== undefined;
}

/** Puts a language on screen: words, the page language and its direction. */
export function setLanguage(code) {
  words.current = words.byLanguage[code] ? code : 'en';
  document.documentElement.lang = words.current;
  document.getElementById('app-name').textContent = t('app.name');
  document.documentElement.dir = t('locale.dir') === 'rtl' ? 'rtl' : 'ltr';
}

/** A message from the Rust side in the language on screen: its key and arguments,
 *  or its English text if the key is unknown here. */
export function translated(source) {
  const key = source && typeof source.key === 'string' ? source.key : '';
  const here = words.byLanguage[words.current] || {};
  const args = source && source.args && typeof source.args === 'object' ? { ...source.args } : {};
  // The question an answer belongs to, in the words the person saw.
  if (typeof args.item === 'string' && args.question !== undefined) args.question = tq('item.' + args.item);
  if (key && here[key] !== undefined) return t(key, args);
  if (key && here[key + '.other'] !== undefined && /^\d+$/.test(String(args.n))) {
    return tn(key, Number(args.n), args);
  }
  return source && typeof source.message === 'string' ? source.message : '';
}
