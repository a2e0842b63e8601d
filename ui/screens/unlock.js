// The staff passphrase, before the staff area.
import { resetDisplay } from '../display.js';
import { el } from '../dom.js';
import { passphraseForm } from '../forms.js';
import { call } from '../ipc.js';
import { register, show, showScreen } from '../navigation.js';
import { state } from '../state.js';
import { announce } from '../status.js';
import { t } from '../words.js';

/** `message`, if any, says why (the staff area locked itself, say). */
function showStaffUnlock(message) {
  resetDisplay();
  const { form, other: back } = passphraseForm({
    id: 'unlock-passphrase',
    submit: t('unlock.unlock'),
    other: t('action.back'),
    send: async (passphrase) => {
      try {
        await call('unlock_staff', { passphrase });
      } catch (error) {
        if (error.kind !== 'not_configured') throw error;
        await show('start', error.message);
        return;
      }
      state.staffUnlocked = true;
      show('staff', t('unlock.unlocked'));
    },
  });
  back.addEventListener('click', () => show('handover'));

  showScreen(t('unlock.heading'), [
    el('p', null, t('unlock.lead')),
    form,
  ]);
  if (message) announce(message);
}

register('unlock', showStaffUnlock);
