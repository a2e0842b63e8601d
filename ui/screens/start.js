// Start-up: the app's state from the Rust side decides the first screen (a problem with
// the data, setup on a new device, or hand-over). Also shown after setup, to start afresh.
import { button, el, actions } from '../dom.js';
import { call } from '../ipc.js';
import { register, show, showScreen } from '../navigation.js';
import { state, applyAppState } from '../state.js';
import { t } from '../words.js';

/** `message`, if any, is said on the screen that follows. */
async function loadAppState(message) {
  let appState;
  try {
    appState = await call('app_state');
  } catch (error) {
    showStartError(error);
    return;
  }
  applyAppState(appState);
  if (state.problem) show('problem', state.problem);
  else if (!state.configured) show('setup', message);
  else show('handover', message);
}

function showStartError(error) {
  const retry = button(t('action.try_again'), { primary: true });
  retry.addEventListener('click', () => loadAppState());
  showScreen(t('start_error.heading'), [
    el('p', null, t('start_error.lead')),
    el('p', { class: 'error-text' }, error.message),
    el('p', null, t('start_error.ask')),
    actions(retry),
  ]);
}

register('start', loadAppState);
