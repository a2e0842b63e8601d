// Idle time. A person who walks away mid-questionnaire is asked "Are you still there?",
// then their answers are cleared; a staff area left alone locks itself.
import { el, uid, button, actions } from './dom.js';
import { modal, closeDialog } from './dialog.js';
import { waitText } from './format.js';
import { call } from './ipc.js';
import { lockStaff, lockedOut } from './lock.js';
import { show, sameScreen, onScreenChange } from './navigation.js';
import { state } from './state.js';
import { t } from './words.js';

const idle = { mode: null, timer: null, onClear: null, dialog: null, lastPing: 0 };

/**
 * Watches for a person who has walked away. 'questionnaire': after a quiet spell,
 * "Are you still there?", then the answers are cleared (`onClear`) and the hand-over
 * screen comes back. 'staff': the staff area locks. null: nothing is watched.
 */
export function watchIdle(mode, onClear) {
  clearTimeout(idle.timer);
  idle.timer = null;
  // Only the idle warning: staff may be typing in the close dialog.
  closeDialog(idle.dialog);
  idle.dialog = null;
  idle.mode = mode;
  idle.onClear = onClear || null;
  idle.lastPing = Date.now();
  if (mode) restartIdleTimer();
}

// Each screen says what it wants watched; until then, nothing is.
onScreenChange(() => watchIdle(null));

function restartIdleTimer() {
  clearTimeout(idle.timer);
  const timeouts = state.timeouts;
  const staff = idle.mode === 'staff';
  const seconds = Number(staff ? timeouts.staffIdleSeconds : timeouts.questionnaireIdleSeconds) || 120;
  idle.timer = setTimeout(staff ? lockForIdle : showStillThere, seconds * 1000);
}

function onActivity() {
  if (!idle.mode || idle.dialog) return; // the warning needs its own answer
  restartIdleTimer();
  if (idle.mode === 'staff') {
    // The Rust side ends an unlock that has been quiet too long: tell it someone is here.
    const every = Math.min(30000, (Number(state.timeouts.staffIdleSeconds) || 300) * 500);
    if (Date.now() - idle.lastPing >= every) {
      idle.lastPing = Date.now();
      call('staff_activity').catch(lockedOut);
    }
  }
}

/** Counts any key, pointer, touch, scroll or typing as someone being there. */
export function listenForActivity() {
  for (const type of ['keydown', 'pointerdown', 'input', 'wheel', 'touchstart', 'focusin']) {
    document.addEventListener(type, onActivity, { capture: true, passive: true });
  }
}

async function lockForIdle() {
  idle.mode = null;
  try {
    await lockStaff();
  } catch (error) {
    // Locked on this side whatever the answer: the Rust side also expires it.
    state.staffUnlocked = false;
  }
  show('handover', () => t('staff.locked_idle', { time: waitText(state.timeouts.staffIdleSeconds) }));
}

function showStillThere() {
  const here = sameScreen();
  const yes = button(t('still_there.yes'), { primary: true });
  const clear = button(t('still_there.clear'));
  const textId = uid('still-there-text');
  const dialog = modal(t('still_there.title'), [
    el('div', { id: textId },
      el('p', null, t('still_there.closing', { time: waitText(state.timeouts.warningSeconds) })),
      el('p', null, t('still_there.carry_on_hint'))),
    actions(yes, clear),
  ], yes);
  dialog.setAttribute('aria-describedby', textId);
  idle.dialog = dialog;

  function clearNow(chosen) {
    if (!here()) return;
    const onClear = idle.onClear;
    idle.mode = null;
    idle.dialog = null;
    closeDialog(dialog);
    if (onClear) onClear();
    show('handover', () => (chosen === true ? t('handover.cleared') : t('handover.cleared_idle')));
  }

  function carryOn() {
    if (!here()) return;
    idle.dialog = null;
    closeDialog(dialog);
    restartIdleTimer();
  }

  clearTimeout(idle.timer);
  idle.timer = setTimeout(clearNow, (Number(state.timeouts.warningSeconds) || 30) * 1000);
  yes.addEventListener('click', carryOn);
  clear.addEventListener('click', () => clearNow(true));
  // Escape means "still here", never "clear".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    carryOn();
  });
}
