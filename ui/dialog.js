// Modal dialogs over the screen (the native <dialog>, which keeps focus inside).
import { el, uid } from './dom.js';

/** A modal dialog over the screen: focus goes to `first` and comes back on close. */
export function modal(title, children, first) {
  const titleId = uid('dialog-title');
  const dialog = el('dialog', { class: 'dialog', 'aria-labelledby': titleId },
    el('h2', { id: titleId, class: 'dialog__title' }, title), children);
  const back = document.activeElement;
  dialog.addEventListener('close', () => {
    dialog.remove();
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  });
  document.body.append(dialog);
  dialog.showModal();
  if (first) first.focus();
  return dialog;
}

export function closeDialog(dialog) {
  if (dialog && dialog.open) dialog.close();
}
