// What to do if you need help now: said on the first screen, beside the comment box and
// on the thank-you screen. The lines are the clinic's (set in the staff area, per
// language), or the default lines for England from the locale files.
import { el, uid } from './dom.js';
import { state } from './state.js';
import { t, words } from './words.js';

/** The help lines in the language on screen. */
export function helpLines() {
  const own = state.help && state.help[words.current];
  if (Array.isArray(own) && own.length) return own.map(String);
  return t('help.default_lines').split('\n').filter((line) => line.trim());
}

/** The box that says what to do if you need help now. */
export function helpBox() {
  const titleId = uid('help-title');
  return el('section', { class: 'help-box', 'aria-labelledby': titleId },
    el('h2', { id: titleId, class: 'help-box__title' }, t('help.title')),
    el('p', { class: 'help-box__lead' }, t('help.lead')),
    el('ul', { class: 'help-box__lines' }, helpLines().map((line) => el('li', null, line))));
}
