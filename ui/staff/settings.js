// Staff area: settings. The three name lists and their defaults at hand-over, whether
// the practitioner is asked for an estimate, the help lines for someone who needs help
// now, then the anonymity form.
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, clearErrors } from '../errors.js';
import { lines } from '../format.js';
import { selectField, fillSelect } from '../forms.js';
import { call } from '../ipc.js';
import { listFields, validateLists, findById } from '../lists.js';
import { state } from '../state.js';
import { resultLine, say } from '../status.js';
import { t } from '../words.js';
import { anonymityForm } from './anonymity.js';
import { helpForm } from './help.js';
import { staffSection, failed } from './part.js';

const names = (list) => (list || []).map((x) => x.name);
const asOptions = (values) => values.map((v) => ({ value: v, text: v }));

/** The name of the entry with this id, or ''. */
function nameOf(list, id) {
  const found = findById(list, id);
  return found ? found.name : '';
}

/** A default at hand-over: a select of the names in `list`, or none. */
function defaultField(id, label, list, selected) {
  return selectField(id, label, asOptions(names(list)), nameOf(list, selected), t('settings.no_default'));
}

/** Whether the practitioner is asked for an estimate at hand-over: on or off. */
function estimatePart() {
  const status = el('p', { class: 'status-line' });
  const toggle = button('');
  const slot = errorSlot();
  const part = el('div', { class: 'safety-part' },
    el('h3', null, t('settings.estimate.title')),
    el('p', null, t('settings.estimate.text')),
    slot, status, actions(toggle));
  const on = () => Boolean(state.context && state.context.ask_estimate);
  function render() {
    status.textContent = on() ? t('settings.estimate.on') : t('settings.estimate.off');
    toggle.textContent = on() ? t('settings.estimate.turn_off') : t('settings.estimate.turn_on');
  }
  render();
  toggle.addEventListener('click', async () => {
    const want = !on();
    try {
      await call('set_ask_estimate', { on: want });
    } catch (error) {
      failed(error, part, slot);
      return;
    }
    clearErrors(part, slot);
    if (state.context) state.context.ask_estimate = want;
    render();
    say(status, status.textContent);
  });
  return part;
}

export function settingsSection() {
  const slot = errorSlot();
  const context = state.context || { teams: [], session_types: [], roles: [], defaults: {} };
  const lists = listFields('settings', {
    teams: names(context.teams),
    session_types: names(context.session_types),
    roles: names(context.roles),
  }, false);
  const defaults = context.defaults || {};
  const defaultTeam = defaultField('settings-default-team', t('settings.default_team'), context.teams,
    defaults.team);
  const defaultSessionType = defaultField('settings-default-session-type', t('settings.default_session_type'),
    context.session_types, defaults.session_type);
  const defaultRole = defaultField('settings-default-role', t('settings.default_role'), context.roles,
    defaults.role);
  // Each list with its default, whose choices keep in step while staff edit the list.
  const pairs = [
    [lists.teams.input, defaultTeam.select, 'teams', 'team'],
    [lists.sessionTypes.input, defaultSessionType.select, 'session_types', 'session_type'],
    [lists.roles.input, defaultRole.select, 'roles', 'role'],
  ];
  for (const [textarea, select] of pairs) {
    textarea.addEventListener('input', () => {
      fillSelect(select, asOptions(lines(textarea.value)), select.value, t('settings.no_default'));
    });
  }

  const save = button(t('settings.save'), { primary: true, type: 'submit' });
  const result = resultLine();
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot,
    el('p', { class: 'note' }, t('settings.note')),
    lists.teams.wrap, lists.sessionTypes.wrap, lists.roles.wrap,
    defaultTeam.wrap, defaultSessionType.wrap, defaultRole.wrap,
    actions(save), result);
  const anonymity = anonymityForm();
  // The fields the Rust side's errors may name.
  const fieldTargets = {
    teams: lists.teams.input,
    session_types: lists.sessionTypes.input,
    roles: lists.roles.input,
    defaults: defaultTeam.select,
    team: defaultTeam.select,
    default_team: defaultTeam.select,
    'defaults.team': defaultTeam.select,
    session_type: defaultSessionType.select,
    default_session_type: defaultSessionType.select,
    'defaults.session_type': defaultSessionType.select,
    role: defaultRole.select,
    default_role: defaultRole.select,
    'defaults.role': defaultRole.select,
  };
  const section = staffSection('settings', t('settings.title'), form, estimatePart(), helpForm(),
    anonymity.form);

  /** The lists and defaults as the Rust side saved them. */
  function showSaved(newContext) {
    const d = newContext.defaults || {};
    for (const [textarea, select, list, key] of pairs) {
      textarea.value = names(newContext[list]).join('\n');
      fillSelect(select, asOptions(names(newContext[list])), nameOf(newContext[list], d[key]),
        t('settings.no_default'));
    }
  }

  const busy = oneAtATime();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    say(result, '');
    const checked = validateLists(lists);
    if (checked.errors.length) {
      showErrors(form, slot, checked.errors);
      return;
    }
    const settings = {
      ...checked.lists,
      defaults: {
        team: defaultTeam.select.value || null,
        session_type: defaultSessionType.select.value || null,
        role: defaultRole.select.value || null,
      },
    };
    clearErrors(form, slot);
    let newContext;
    try {
      newContext = await busy([save], () => call('update_settings', { settings }));
    } catch (error) {
      failed(error, form, slot, { target: fieldTargets[error.field] || null });
      return;
    }
    if (newContext && typeof newContext === 'object') {
      state.context = newContext;
      showSaved(newContext);
    }
    say(result, t('settings.saved'));
    // The staff counts follow the lists; what was typed there stays.
    anonymity.load({ keep: true });
  });
  return { section, load: () => anonymity.load() };
}
