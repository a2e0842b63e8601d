// Staff area: device safety. What staff must know about the data file, answers that
// could not be saved, kiosk mode, how long responses are kept, a backup, and the staff
// passphrase.
import { confirmTwice } from '../confirm.js';
import { el, uid, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, clearErrors } from '../errors.js';
import { textField } from '../forms.js';
import { call } from '../ipc.js';
import { sameScreen } from '../navigation.js';
import { state } from '../state.js';
import { announce, resultLine, say } from '../status.js';
import { t, tn, translated } from '../words.js';
import { staffSection, failed } from './part.js';

/** What staff must know about the data file (a log kept aside, damage found by the
 *  full check), in the words of the Rust side's keys. */
function noticesPart(notices) {
  if (!Array.isArray(notices) || !notices.length) return null;
  return el('div', { class: 'safety-part warning-box' },
    el('h3', { class: 'warning-box__title' }, t('safety.notices.title')),
    notices.map((n) => el('p', null, translated(n))));
}

/** Responses held in memory: save them now, or (press twice) discard them. */
function unsavedPart(count, onChange) {
  if (!count) return null;
  const slot = errorSlot();
  const result = resultLine();
  const retry = button(t('safety.unsaved.retry'), { primary: true });
  const discard = button(t('safety.unsaved.discard'));
  const discarding = confirmTwice(discard, uid('discard-warning'));
  const part = el('div', { class: 'safety-part warning-box' },
    el('h3', null, t('safety.unsaved.title')),
    el('p', null, tn('safety.unsaved.text', count)),
    slot, discarding.warning, actions(retry, discard), result);
  /** `done(n)` says what happened to the n responses. */
  async function run(command, done) {
    try {
      const n = await call(command);
      state.unsaved = 0;
      say(result, done(Number(n) || 0));
      onChange();
    } catch (error) {
      failed(error, part, slot);
    }
  }
  retry.addEventListener('click', () => run('retry_unsaved', (n) => tn('safety.unsaved.saved', n)));
  discard.addEventListener('click', () => {
    if (!discarding.armedFor()) {
      discarding.arm(t('safety.unsaved.discard_warning'), t('safety.unsaved.discard_confirm'));
      return;
    }
    run('discard_unsaved', (n) => tn('safety.unsaved.discarded', n));
  });
  return part;
}

function kioskPart(on, onChange) {
  const status = el('p', { class: 'status-line' });
  const toggle = button('');
  const slot = errorSlot();
  const part = el('div', { class: 'safety-part' },
    el('h3', null, t('safety.kiosk.title')),
    el('p', null, t('safety.kiosk.text')),
    slot, status, actions(toggle));
  function render() {
    status.textContent = state.kiosk ? t('safety.kiosk.on') : t('safety.kiosk.off');
    toggle.textContent = state.kiosk ? t('safety.kiosk.turn_off') : t('safety.kiosk.turn_on');
  }
  state.kiosk = on;
  render();
  toggle.addEventListener('click', async () => {
    const want = !state.kiosk;
    try {
      await call('set_kiosk', { on: want });
    } catch (error) {
      failed(error, part, slot);
      return;
    }
    clearErrors(part, slot);
    state.kiosk = want;
    render();
    announce(status.textContent, { visible: false });
    onChange();
  });
  return part;
}

/** The months typed (null: keep everything), or NaN if that is not a number of months. */
function monthsTyped(input) {
  const text = input.value.trim();
  const value = text === '' ? null : (/^\d+$/.test(text) ? Number(text) : NaN);
  return value !== null && !(value >= 1 && value <= 600) ? NaN : value;
}

/** How long responses are kept. A change that would delete responses says how many
 *  first, and needs a second press. */
function retentionPart(months, onChange) {
  const slot = errorSlot();
  const result = resultLine();
  const field = textField(uid('retention-months'), t('safety.retention.label'), {
    value: months ? String(months) : '', className: 'input--short',
    hint: t('safety.retention.hint'),
  });
  const save = button(t('safety.retention.save'), { primary: true, type: 'submit' });
  const deleting = confirmTwice(save, uid('retention-warning'));
  const status = el('p', { class: 'status-line' });
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, field.wrap, deleting.warning, actions(save), result);
  const part = el('div', { class: 'safety-part' }, el('h3', null, t('safety.retention.title')), status, form);
  let kept = months;
  function render() {
    status.textContent = kept ? tn('safety.retention.kept', kept) : t('safety.retention.keep_all');
  }
  render();
  field.input.addEventListener('input', deleting.disarm);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(result, '');
    const value = monthsTyped(field.input);
    if (Number.isNaN(value)) {
      deleting.disarm();
      showErrors(form, slot, [{ target: field.input, message: t('safety.retention.enter_months') }]);
      return;
    }
    clearErrors(form, slot);
    try {
      if (!deleting.armedFor(value)) {
        const check = await call('update_retention', { retention: { months: value, confirm: false } });
        if (Number(check.deleted) > 0) {
          deleting.arm(tn('safety.retention.delete_warning', Number(check.deleted)),
            t('safety.retention.delete_confirm'), value);
          return;
        }
      }
      const done = await call('update_retention', { retention: { months: value, confirm: true } });
      deleting.disarm();
      kept = value;
      render();
      say(result, Number(done.deleted) > 0
        ? tn('safety.retention.saved_deleted', Number(done.deleted))
        : t('safety.retention.saved'));
      onChange();
    } catch (error) {
      deleting.disarm();
      failed(error, form, slot, { target: error.field === 'months' ? field.input : null });
    }
  });
  return part;
}

function backupPart(onChange) {
  const slot = errorSlot();
  const result = resultLine();
  const save = button(t('safety.backup.save'), { primary: true });
  const part = el('div', { class: 'safety-part' },
    el('h3', null, t('safety.backup.title')),
    el('p', null, t('safety.backup.text')),
    slot, actions(save), result);
  const busy = oneAtATime();
  save.addEventListener('click', () => busy([save], async () => {
    say(result, '');
    let path;
    try {
      path = await call('backup_file');
    } catch (error) {
      failed(error, part, slot);
      return;
    }
    clearErrors(part, slot);
    if (path) {
      say(result, t('safety.backup.saved', { path }));
      onChange();
    }
  }));
  return part;
}

function passphrasePart(onChange) {
  const slot = errorSlot();
  const result = resultLine();
  const current = textField(uid('current-passphrase'), t('safety.passphrase.current'), {
    type: 'password', className: 'input--medium',
  });
  const fresh = textField(uid('new-passphrase'), t('safety.passphrase.new'), {
    type: 'password', className: 'input--medium', autocomplete: 'new-password', hint: t('safety.passphrase.new_hint'),
  });
  const again = textField(uid('new-passphrase-again'), t('safety.passphrase.again'), {
    type: 'password', className: 'input--medium', autocomplete: 'new-password',
  });
  const save = button(t('safety.passphrase.save'), { primary: true, type: 'submit' });
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, current.wrap, fresh.wrap, again.wrap, actions(save), result);
  const part = el('div', { class: 'safety-part' }, el('h3', null, t('safety.passphrase.title')), form);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    say(result, '');
    const errors = [];
    if (!current.input.value) errors.push({ target: current.input, message: t('safety.passphrase.enter_current') });
    if (Array.from(fresh.input.value).length < 8) {
      errors.push({ target: fresh.input, message: t('safety.passphrase.too_short') });
    } else if (fresh.input.value !== again.input.value) {
      errors.push({ target: again.input, message: t('safety.passphrase.differ') });
    }
    if (errors.length) {
      showErrors(form, slot, errors);
      return;
    }
    const change = { current: current.input.value, new: fresh.input.value };
    current.input.value = '';
    try {
      await call('change_passphrase', { change });
    } catch (error) {
      const target = error.field === 'current' ? current.input : (error.field === 'passphrase' ? fresh.input : null);
      failed(error, form, slot, { target });
      return;
    }
    fresh.input.value = '';
    again.input.value = '';
    clearErrors(form, slot);
    say(result, t('safety.passphrase.changed'));
    onChange();
  });
  return part;
}

/** `onChange` runs after any change here (the audit trail then reloads). */
export function safetySection(onChange) {
  const slot = errorSlot();
  const body = el('div', { class: 'safety-box' }, el('p', null, t('safety.loading')));
  const section = staffSection('safety', t('safety.title'), slot, body);

  async function load() {
    const here = sameScreen();
    body.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await call('safety_settings');
    } catch (error) {
      if (!here()) return;
      body.removeAttribute('aria-busy');
      failed(error, section, slot, { focus: false });
      return;
    }
    if (!here()) return;
    body.removeAttribute('aria-busy');
    state.unsaved = Number(data.unsaved) || 0;
    const changed = () => onChange && onChange();
    const reload = () => {
      changed();
      load();
    };
    body.replaceChildren(...[
      noticesPart(data.notices),
      unsavedPart(state.unsaved, reload),
      kioskPart(Boolean(data.kiosk), changed),
      retentionPart(data.retentionMonths || null, changed),
      backupPart(changed),
      passphrasePart(changed),
    ].filter(Boolean));
  }
  return { section, load };
}
