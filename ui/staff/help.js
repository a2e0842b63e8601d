// Staff area, settings: the help lines, per language, that say what to do if someone
// needs help now. A language without the clinic's own lines shows its default lines
// (for England), which the box shows here for staff to check.
import { el, uid, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, clearErrors } from '../errors.js';
import { lines } from '../format.js';
import { textAreaField } from '../forms.js';
import { call } from '../ipc.js';
import { state } from '../state.js';
import { resultLine, say } from '../status.js';
import { t, words } from '../words.js';
import { failed } from './part.js';

/** The clinic's own lines for `code`, or null. */
function ownLines(code) {
  const own = state.help && state.help[code];
  return Array.isArray(own) && own.length ? own : null;
}

/** The default lines of `code`, from its locale files. */
function defaultLines(code) {
  const text = (words.byLanguage[code] || {})['help.default_lines'] || '';
  return text.split('\n').filter((line) => line.trim());
}

export function helpForm() {
  const slot = errorSlot();
  const result = resultLine();
  const fields = words.languages.map((code) => {
    const name = (words.byLanguage[code] || {})['locale.name'] || code;
    const field = textAreaField(uid('help-lines-' + code), t('help_settings.lines', { language: name }),
      (ownLines(code) || defaultLines(code)).join('\n'),
      { rows: 4, hint: ownLines(code) ? t('help_settings.is_own') : t('help_settings.is_default') });
    field.input.setAttribute('lang', code);
    const hint = field.wrap.querySelector('.hint');
    return { code, field, hint };
  });
  const render = () => {
    for (const { code, hint } of fields) {
      hint.textContent = ownLines(code) ? t('help_settings.is_own') : t('help_settings.is_default');
    }
  };
  render();
  const save = button(t('help_settings.save'), { primary: true, type: 'submit' });
  const headingId = uid('help-settings-title');
  const form = el('form', { novalidate: true, autocomplete: 'off', 'aria-labelledby': headingId },
    el('h3', { id: headingId, class: 'form-heading' }, t('help_settings.title')),
    slot,
    el('p', { class: 'note' }, t('help_settings.note')),
    fields.map((f) => f.field.wrap),
    actions(save), result);

  const busy = oneAtATime();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    say(result, '');
    // Lines the same as the default are not the clinic's own: they follow the default.
    const sent = {};
    for (const { code, field } of fields) {
      const typed = lines(field.input.value);
      sent[code] = typed.join('\n') === defaultLines(code).join('\n') ? [] : typed;
    }
    let saved;
    try {
      saved = await busy([save], () => call('update_help_lines', { help: { lines: sent } }));
    } catch (error) {
      const target = fields.find((f) => f.code === error.field);
      failed(error, form, slot, { target: target ? target.field.input : null });
      return;
    }
    clearErrors(form, slot);
    state.help = saved && typeof saved === 'object' ? saved : {};
    for (const { code, field } of fields) field.input.value = (ownLines(code) || defaultLines(code)).join('\n');
    render();
    say(result, t('help_settings.saved'));
  });
  return form;
}
