// First run: the staff passphrase and the three name lists.
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, showError } from '../errors.js';
import { lines } from '../format.js';
import { textField } from '../forms.js';
import { call } from '../ipc.js';
import { listFields, validateLists } from '../lists.js';
import { register, show, showScreen } from '../navigation.js';
import { announce } from '../status.js';
import { t } from '../words.js';

/** What is wrong with the passphrase typed twice, as error-summary entries. */
function passphraseErrors(pass, again) {
  const passphrase = pass.input.value;
  if (!passphrase) return [{ target: pass.input, message: t('setup.enter_passphrase') }];
  if (Array.from(passphrase).length < 8) return [{ target: pass.input, message: t('setup.passphrase_too_short') }];
  if (passphrase !== again.input.value) return [{ target: again.input, message: t('setup.passphrases_differ') }];
  return [];
}

function showSetup(message) {
  const slot = errorSlot();
  const pass = textField('setup-passphrase', t('setup.passphrase'), {
    type: 'password', autocomplete: 'new-password', className: 'input--medium',
    hint: t('setup.passphrase_hint'),
  });
  const again = textField('setup-passphrase-again', t('setup.passphrase_again'), {
    type: 'password', autocomplete: 'new-password', className: 'input--medium',
  });
  // Suggested lists, one name a line, in the device's language; staff can change them.
  const lists = listFields('setup', {
    teams: [],
    session_types: lines(t('setup.default_session_types')),
    roles: lines(t('setup.default_roles')),
  }, true);
  const save = button(t('setup.save'), { primary: true, type: 'submit' });
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, pass.wrap, again.wrap, lists.teams.wrap, lists.sessionTypes.wrap, lists.roles.wrap, actions(save));
  const fieldTargets = {
    passphrase: pass.input,
    passphrase_again: again.input,
    teams: lists.teams.input,
    session_types: lists.sessionTypes.input,
    roles: lists.roles.input,
  };

  const busy = oneAtATime();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    const checked = validateLists(lists);
    const errors = [...passphraseErrors(pass, again), ...checked.errors];
    if (errors.length) {
      showErrors(form, slot, errors);
      return;
    }
    await busy([save], async () => {
      try {
        await call('setup', { setup: { passphrase: pass.input.value, ...checked.lists } });
      } catch (error) {
        if (error.kind === 'already_configured') await show('start', error.message);
        else showError(form, slot, error.message, { target: fieldTargets[error.field] || null });
        return;
      }
      await show('start', t('setup.done'));
    });
  });

  showScreen(t('setup.heading'), [
    el('p', null, t('setup.lead')),
    el('p', null, t('setup.lists_lead')),
    form,
  ]);
  if (message) announce(message);
}

register('setup', showSetup);
