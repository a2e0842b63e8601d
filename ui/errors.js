// Errors in a form: the GOV.UK pattern of a summary at the top, with links to each
// field, and the message again next to the field.
import { el, uid, addDescribedBy, removeDescribedBy } from './dom.js';
import { t } from './words.js';

/** Where a form's error summary goes. */
export function errorSlot() {
  return el('div', { class: 'error-slot' });
}

function focusField(target) {
  const box = target.closest('.question, .field, fieldset') || target;
  box.scrollIntoView({ block: 'start' });
  target.focus({ preventScroll: true });
}

export function clearErrors(scope, slot) {
  if (slot) slot.replaceChildren();
  for (const message of scope.querySelectorAll('.error-message')) {
    for (const node of scope.querySelectorAll('[aria-describedby~="' + message.id + '"]')) {
      removeDescribedBy(node, message.id);
    }
    message.remove();
  }
  for (const node of scope.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  for (const node of scope.querySelectorAll('.has-error')) node.classList.remove('has-error');
}

/** Shows a message next to the field or question it is about. */
function markInvalid(target, message) {
  const id = uid('error');
  const text = el('p', { class: 'error-message', id }, el('span', { class: 'visually-hidden' }, t('error.prefix') + ' '), message);
  const group = target.type === 'radio' ? target.closest('fieldset') : null;
  if (group) {
    const legend = group.querySelector('legend');
    if (legend) legend.after(text);
    else group.prepend(text);
    addDescribedBy(group, id);
    (group.closest('.question') || group).classList.add('has-error');
  } else {
    target.before(text);
    addDescribedBy(target, id);
    target.setAttribute('aria-invalid', 'true');
    const field = target.closest('.field');
    if (field) field.classList.add('has-error');
  }
}

/**
 * The error summary: a box at the top of the form with a list of links, each moving
 * focus to the field concerned. errors: [{ message, target: element|null }].
 */
export function showErrors(scope, slot, errors, { focus = true } = {}) {
  clearErrors(scope, slot);
  const list = el('ul', { class: 'error-summary__list' });
  const marked = new Set();
  for (const error of errors) {
    const target = error.target || null;
    if (target && target.id) {
      const link = el('a', { href: '#' + target.id }, error.message);
      link.addEventListener('click', (event) => {
        event.preventDefault();
        focusField(target);
      });
      list.append(el('li', null, link));
      if (!marked.has(target)) {
        marked.add(target);
        markInvalid(target, error.message);
      }
    } else {
      list.append(el('li', null, error.message));
    }
  }
  const titleId = uid('error-summary-title');
  const summary = el('div', {
    class: 'error-summary',
    role: 'alert',
    tabindex: '-1',
    'aria-labelledby': titleId,
  }, el('h2', { class: 'error-summary__title', id: titleId }, t('error.summary_title')), list);
  slot.append(summary);
  if (focus) {
    summary.scrollIntoView({ block: 'start' });
    summary.focus({ preventScroll: true });
  }
  return summary;
}

/** One error, about `target` (a field) or about the whole form or part. */
export function showError(scope, slot, message, { target = null, focus = true } = {}) {
  return showErrors(scope, slot, [{ target, message }], { focus });
}
