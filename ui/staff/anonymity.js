// Staff area, settings: the anonymity form. It loads the rules and staff counts, asks
// for a second press before rules get stricter, and saves all or nothing.
import { confirmTwice } from '../confirm.js';
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, clearErrors } from '../errors.js';
import { call } from '../ipc.js';
import { latestReply } from '../navigation.js';
import { resultLine, say } from '../status.js';
import { t } from '../words.js';
import { failed } from './part.js';
import {
  countKey, rulesNow, ruleFieldset, staffFieldset, readSettings, stricterWarning,
} from './anonymity-fields.js';

export function anonymityForm() {
  const slot = errorSlot();
  const headingId = 'anonymity-heading';
  const body = el('div', { class: 'anonymity-box' }, el('p', null, t('anonymity.loading')));
  const form = el('form', { novalidate: true, autocomplete: 'off', 'aria-labelledby': headingId },
    el('h3', { id: headingId, class: 'form-heading' }, t('anonymity.title')), slot, body);
  const busy = oneAtATime();
  const replies = latestReply();
  // Set by render(), from the settings last loaded or saved.
  let inForce = null;
  let maxStaff = 0;
  let ruleInputs = {};
  let staffEntries = [];
  let save = null;
  let result = null;
  let stricter = null;

  /** Builds the inputs for `data`; `typed` holds values typed before (see load()). */
  function render(data, typed) {
    inForce = rulesNow(data);
    maxStaff = Number(data && data.max_staff) || 0;
    const kept = (key, value) => (typed && typed.has(key) ? typed.get(key) : value);
    const rules = ruleFieldset(inForce, kept);
    const staff = staffFieldset(data, maxStaff, kept);
    ruleInputs = rules.inputs;
    staffEntries = staff.entries;
    save = button(t('anonymity.save'), { primary: true, type: 'submit' });
    stricter = confirmTwice(save, 'anonymity-warning');
    result = resultLine();
    body.replaceChildren(rules.fieldset, staff.fieldset, stricter.warning, actions(save), result);
  }

  /** With `keep`, what staff typed stays (the lists changed; the counts follow them). */
  async function load({ keep = false } = {}) {
    const current = replies.next();
    const typed = new Map();
    if (keep) {
      for (const [key, input] of Object.entries(ruleInputs)) typed.set(key, input.value);
      for (const s of staffEntries) typed.set(countKey(s.team, s.role), s.input.value);
    }
    body.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await call('disclosure_settings');
    } catch (error) {
      if (!current()) return;
      body.removeAttribute('aria-busy');
      if (!inForce) body.replaceChildren(); // nothing loaded yet: no form to show
      failed(error, form, slot, { focus: false });
      return;
    }
    if (!current()) return;
    body.removeAttribute('aria-busy');
    clearErrors(form, slot);
    render(data, keep ? typed : null);
  }

  /** The input a refusal from the Rust side names: a rule, or the nth count sent. */
  function errorTarget(field, sent) {
    const m = /^staff_counts\[(\d+)\]$/.exec(field || '');
    if (m) return sent[Number(m[1])] || null;
    return Object.prototype.hasOwnProperty.call(ruleInputs, field) ? ruleInputs[field] : null;
  }

  form.addEventListener('input', () => stricter && stricter.disarm());
  form.addEventListener('change', () => stricter && stricter.disarm());

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running() || !inForce) return;
    say(result, '');
    const { settings, sent, errors } = readSettings(inForce, ruleInputs, staffEntries, maxStaff);
    if (errors.length) {
      stricter.disarm();
      showErrors(form, slot, errors);
      return;
    }
    clearErrors(form, slot);
    // Stricter rules cannot be undone: say what changes and ask for a second press.
    const warning = stricterWarning(inForce, settings.rules);
    if (warning && !stricter.armedFor()) {
      stricter.arm(warning, t('anonymity.stricter_confirm'));
      // Enter may have been pressed far above: bring the warning and its button to view.
      stricter.warning.scrollIntoView({ block: 'center' });
      save.focus({ preventScroll: true });
      return;
    }
    let saved;
    try {
      saved = await busy([save], () => call('update_disclosure_settings', { settings }));
    } catch (error) {
      stricter.disarm();
      failed(error, form, slot, { target: errorTarget(error.field, sent) });
      return;
    }
    render(saved, null);
    save.focus({ preventScroll: true });
    say(result, t('anonymity.saved'));
  });

  return { form, load };
}
