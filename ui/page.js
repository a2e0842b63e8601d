// What the page itself must never do mid-questionnaire: go back or reload at a key
// press, offer the built-in menu (Back, Reload), or leave a person's words on the
// clipboard for the next person.

/** Keys that would reload the page or go back: a reload clears the screen, and the
 *  window keeps no history, but neither should happen by accident mid-questionnaire. */
function isNavigationKey(event) {
  const key = event.key;
  const ctrl = event.ctrlKey || event.metaKey;
  if (key === 'F5' || key === 'BrowserBack' || key === 'BrowserForward' || key === 'BrowserRefresh') return true;
  if (ctrl && (key === 'r' || key === 'R')) return true;
  if (event.altKey && (key === 'ArrowLeft' || key === 'ArrowRight' || key === 'Home')) return true;
  const target = event.target;
  const editable = target instanceof HTMLElement
    && (target.isContentEditable || target.matches('input:not([type="radio"]):not([type="checkbox"]), textarea'));
  return key === 'Backspace' && !editable;
}

/** Also stops the Enter key on a radio button or checkbox from sending the whole form:
 *  it chooses a radio, and turns a checkbox on or off, as Space does. */
function onKeyDown(event) {
  if (isNavigationKey(event)) {
    event.preventDefault();
    return;
  }
  const target = event.target;
  if (event.key === 'Enter' && target instanceof HTMLInputElement && target.type === 'radio') {
    event.preventDefault();
    if (!target.checked) {
      target.checked = true;
      target.dispatchEvent(new Event('change', { bubbles: true }));
    }
  } else if (event.key === 'Enter' && target instanceof HTMLInputElement && target.type === 'checkbox') {
    event.preventDefault();
    target.click();
  }
}

export function guardPage() {
  document.addEventListener('keydown', onKeyDown);
  // The built-in menu offers Back and Reload; text fields keep theirs (copy, paste).
  document.addEventListener('contextmenu', (event) => {
    const target = event.target;
    if (!(target instanceof HTMLElement && target.matches('input, textarea'))) event.preventDefault();
  });
  // A person's words must not stay on the clipboard for the next person to paste.
  for (const type of ['copy', 'cut']) {
    document.addEventListener(type, (event) => {
      const target = event.target;
      if (target instanceof Element && target.closest('#questionnaire')) event.preventDefault();
    });
  }
}
