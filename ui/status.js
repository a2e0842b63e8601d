// What the window says about what just happened: the line above the screen, the hidden
// live region that reads it out, and the result line under a form or part.
import { el } from './dom.js';

const noticeEl = document.getElementById('notice');
const statusEl = document.getElementById('status');
let statusTimer = null;

/**
 * Shows a message above the screen and puts it in the role="status" live region
 * (empty string clears both). The visible copy is set at once, in the same frame as
 * the screen it belongs to, so nothing moves under a finger after the screen appears;
 * only the hidden live region waits.
 */
export function announce(message, { visible = true } = {}) {
  clearTimeout(statusTimer);
  statusEl.textContent = '';
  if (visible || !message) {
    noticeEl.textContent = message;
    noticeEl.hidden = !message;
  }
  if (message) {
    // A short pause, so screen readers notice the change even for a repeated message.
    statusTimer = setTimeout(() => {
      statusEl.textContent = message;
    }, 100);
  }
}

/** Empties the live region (a warning that no longer holds); the line above stays. */
export function hush() {
  clearTimeout(statusTimer);
  statusEl.textContent = '';
}

/** A line saying how a form or part's last action went (empty and hidden at first). */
export function resultLine() {
  return el('p', { class: 'result', hidden: true });
}

/** Puts `text` in a result line and reads it out; empty text hides the line. */
export function say(result, text) {
  result.textContent = text;
  result.hidden = !text;
  if (text) announce(text, { visible: false });
}
