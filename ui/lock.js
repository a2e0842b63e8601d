// The staff lock as the window sees it: one way into the staff area, one way to lock it,
// and one path for a staff command refused because the staff area has locked.
import { state } from './state.js';
import { call } from './ipc.js';
import { show } from './navigation.js';
import { t } from './words.js';

/** The staff area if it is unlocked, else the unlock screen. */
export function openStaffArea() {
  show(state.staffUnlocked ? 'staff' : 'unlock');
}

/** Locks the staff area; throws (and the window keeps it unlocked) if the Rust side fails. */
export async function lockStaff() {
  await call('lock_staff');
  state.staffUnlocked = false;
}

/** For the error of a staff command: if it says the staff area has locked (its idle
 *  time ran out on the Rust side), goes to the unlock screen and returns true. */
export function lockedOut(error) {
  if (!error || error.kind !== 'locked') return false;
  state.staffUnlocked = false;
  show('unlock', t('staff.locked_relock'));
  return true;
}
