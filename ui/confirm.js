// Press twice to confirm, for what cannot be undone: the first press says what would
// happen, next to the button; the second does it.
import { el, addDescribedBy, removeDescribedBy } from './dom.js';
import { announce, hush } from './status.js';

/**
 * For `button`, whose own words come back when disarmed. Put `warning` (hidden until
 * armed) next to the button. `arm(text, confirmWords, what)` after a first press: the
 * warning says `text`, the button `confirmWords` and is described by the warning, and
 * the warning is read out. `armedFor(what)` says whether the next press confirms `what`
 * (any value; leave it out when there is one thing to confirm). Call `disarm()` as soon
 * as what the press would do changes.
 */
export function confirmTwice(button, id) {
  const own = button.textContent;
  const warning = el('p', { class: 'cancel-warning', id, hidden: true });
  let armed = false;
  let armedWhat;
  return {
    warning,
    armedFor: (what = true) => armed && armedWhat === what,
    arm(text, confirmWords, what = true) {
      armed = true;
      armedWhat = what;
      warning.textContent = text;
      warning.hidden = false;
      button.textContent = confirmWords;
      addDescribedBy(button, warning.id);
      announce(text, { visible: false });
    },
    disarm() {
      if (!armed) return;
      armed = false;
      button.textContent = own;
      warning.textContent = '';
      warning.hidden = true;
      removeDescribedBy(button, warning.id);
      hush();
    },
  };
}
