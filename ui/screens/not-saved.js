// The answers could not be saved: the Rust side holds them, the page does not. The
// person can try again or fetch staff.
import { el, button, actions, oneAtATime } from '../dom.js';
import { call } from '../ipc.js';
import { openStaffArea } from '../lock.js';
import { register, show, showScreen } from '../navigation.js';
import { state } from '../state.js';
import { resultLine, say } from '../status.js';
import { t } from '../words.js';

function showNotSaved() {
  const retry = button(t('action.try_again'), { primary: true });
  const staff = button(t('action.staff_area'));
  const result = resultLine();
  const busy = oneAtATime();
  retry.addEventListener('click', () => busy([retry], async () => {
    let saved;
    try {
      saved = await call('retry_unsaved');
    } catch (error) {
      say(result, error.message);
      return;
    }
    state.unsaved = 0;
    show(Number(saved) > 0 ? 'thanks' : 'handover');
  }));
  staff.addEventListener('click', openStaffArea);
  showScreen(t('not_saved.heading'), [
    el('p', null, t('not_saved.kept')),
    result,
    actions(retry, staff),
  ]);
}

register('not-saved', showNotSaved);
