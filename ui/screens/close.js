// Kiosk mode (or answers not yet saved): the window's close button asks for the staff
// passphrase first. A dialog over whatever screen is showing, which stays as it was.
import { el, uid } from '../dom.js';
import { modal, closeDialog } from '../dialog.js';
import { passphraseForm } from '../forms.js';
import { call } from '../ipc.js';
import { register } from '../navigation.js';
import { state } from '../state.js';
import { t } from '../words.js';

let open = null;

function showCloseDialog() {
  if (open && open.isConnected) return;
  const { form, input, other: cancel } = passphraseForm({
    id: uid('close-passphrase'),
    submit: t('close.close'),
    other: t('action.cancel'),
    // The app exits once the Rust side accepts the passphrase.
    send: (passphrase) => call('close_app', { passphrase }),
  });
  const why = state.kiosk ? t('close.why_kiosk') : t('close.why_unsaved');
  const dialog = modal(t('close.title'), [el('p', null, why), form], input);
  cancel.addEventListener('click', () => closeDialog(dialog));
  open = dialog;
}

register('close', showCloseDialog);
