// Form building blocks: labelled fields, radio groups, selects, the language choice and
// the staff passphrase form. Every control has a visible label.
import { el, button, actions, addDescribedBy, oneAtATime } from './dom.js';
import { errorSlot, showError } from './errors.js';
import { t, words } from './words.js';

function hintFor(control, text) {
  const id = control.id + '-hint';
  addDescribedBy(control, id);
  return el('p', { class: 'hint', id }, text);
}

/** A labelled field round `input`; `label` is text, or an array of text and nodes. */
function field(input, label, hint) {
  const wrap = el('div', { class: 'field' }, el('label', { for: input.id, class: 'label' }, ...[label].flat()),
    hint ? hintFor(input, hint) : null, input);
  return { wrap, input };
}

export function textField(id, label, { type = 'text', hint = null, value = '', autocomplete = 'off', className = '' } = {}) {
  const input = el('input', {
    type, id, name: id, autocomplete, spellcheck: 'false',
    class: 'input ' + className, value: value || null,
  });
  return field(input, label, hint);
}

export function textAreaField(id, label, value, { hint = null, rows = 5 } = {}) {
  const input = el('textarea', { id, name: id, rows, class: 'textarea', spellcheck: 'true' }, value || '');
  return field(input, label, hint);
}

export function numberField(id, label, value, { min, max, hint = null }) {
  const input = el('input', {
    type: 'number', id, name: id, inputmode: 'numeric', min, max, step: 1, autocomplete: 'off',
    class: 'input input--number', value: String(value),
  });
  return field(input, label, hint);
}

/** The input's whole number if it is one from min to max, or null. */
export function wholeNumber(input, min, max) {
  const text = input.value.trim();
  if ((input.validity && input.validity.badInput) || !/^\d{1,7}$/.test(text)) return null;
  const n = Number(text);
  return n >= min && n <= max ? n : null;
}

/** A select of { value, text } options; placeholder is a first empty option if given. */
export function selectField(id, label, options, selected, placeholder) {
  const select = el('select', { id, name: id, class: 'select' });
  fillSelect(select, options, selected, placeholder);
  const wrap = el('div', { class: 'field' }, el('label', { for: id, class: 'label' }, label), select);
  return { wrap, select };
}

export function fillSelect(select, options, selected, placeholder) {
  const found = options.some((o) => String(o.value) === String(selected));
  select.replaceChildren();
  if (placeholder !== null && placeholder !== undefined) {
    select.append(el('option', { value: '' }, placeholder));
  }
  for (const o of options) select.append(el('option', { value: String(o.value) }, o.text));
  select.value = found ? String(selected) : '';
}

export function radioOption(id, name, value, label, { checked = false, className = '' } = {}) {
  const input = el('input', {
    type: 'radio', id, name, value: String(value), class: 'option__input', checked: checked,
  });
  const text = el('label', { for: id, class: 'option__label' }, label);
  return el('div', { class: ('option ' + className).trim() }, input, text);
}

function radioFieldset(legend, ...children) {
  return el('fieldset', { class: 'radio-group' }, el('legend', { class: 'radio-group__legend' }, legend), ...children);
}

/** A fieldset of radios, one per { value, label } option. */
export function radioGroup({ legend, name, idPrefix, options, checked, inline = false }) {
  const box = el('div', { class: inline ? 'options options--inline' : 'options' });
  for (const o of options) {
    box.append(radioOption(idPrefix + '-' + o.value, name, o.value, o.label, {
      checked: String(o.value) === String(checked),
    }));
  }
  return radioFieldset(legend, box);
}

export function checkedValue(scope, name) {
  for (const input of scope.querySelectorAll('input[type="radio"]')) {
    if (input.name === name && input.checked) return input.value;
  }
  return null;
}

/** A choice of language: each name in its own language, marked as such for screen
 *  readers, with a note where a translation still awaits a native speaker's review.
 *  Staff see every such note, in the language on screen and in the language concerned.
 *  With `chosenOnly` (the person's own choice), only the note of the language on screen
 *  shows, in that language: a reader of another language has no use for it. */
export function languageGroup(idPrefix, legend, checked, { chosenOnly = false } = {}) {
  const box = el('div', { class: 'options options--inline' });
  for (const code of words.languages) {
    const own = words.byLanguage[code] || {};
    const option = radioOption(idPrefix + '-' + code, idPrefix, code, own['locale.name'] || code, {
      checked: code === checked,
    });
    option.querySelector('label').setAttribute('lang', code);
    box.append(option);
  }
  const notes = words.languages
    .filter((code) => (words.byLanguage[code] || {})['locale.review_note'])
    .filter((code) => !chosenOnly || code === words.current)
    .map((code) => {
      const own = words.byLanguage[code];
      if (chosenOnly) return el('p', { class: 'hint', lang: code }, own['locale.review_note']);
      return el('p', { class: 'hint' }, t('language.awaiting_review', { language: own['locale.name'] }),
        code === words.current ? null : [' ', el('span', { lang: code }, own['locale.review_note'])]);
    });
  return chosenOnly ? radioFieldset(legend, box, notes) : radioFieldset(legend, notes, box);
}

/**
 * A staff passphrase field with a submit button and a second button (`other`). On
 * submit the field is emptied and `send(passphrase)` is called; an error it throws is
 * shown in the error summary, and the form can be sent again.
 */
export function passphraseForm({ id, submit, other, send }) {
  const pass = textField(id, t('staff.passphrase'), { type: 'password', className: 'input--medium' });
  const ok = button(submit, { primary: true, type: 'submit' });
  const second = button(other);
  const slot = errorSlot();
  const form = el('form', { novalidate: true, autocomplete: 'off' }, slot, pass.wrap, actions(ok, second));
  const busy = oneAtATime();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    const passphrase = pass.input.value;
    pass.input.value = '';
    if (!passphrase) {
      showError(form, slot, t('staff.enter_passphrase'), { target: pass.input });
      return;
    }
    await busy([ok], async () => {
      try {
        await send(passphrase);
      } catch (error) {
        showError(form, slot, error.message, { target: pass.input });
      }
    });
  });
  return { form, input: pass.input, other: second };
}
