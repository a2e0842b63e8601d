// Hand-over: staff choose the session's team, type and practitioner role, the version
// and language, then give the device to the person.
import { resetDisplay } from '../display.js';
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, showError } from '../errors.js';
import { radioGroup, checkedValue, languageGroup } from '../forms.js';
import { findById } from '../lists.js';
import { lockStaff, openStaffArea } from '../lock.js';
import { register, show, showScreen } from '../navigation.js';
import { state } from '../state.js';
import { announce } from '../status.js';
import { t, tn, words, setLanguage } from '../words.js';

/** One of the session's details: radios rather than a drop-down, so every choice is
 *  visible, one tap, large targets. */
function choice(id, label, list, selected) {
  const options = (list || []).map((x) => ({ value: x.id, label: x.name }));
  const group = radioGroup({ legend: label, name: id, idPrefix: id, options, checked: selected });
  return { wrap: group, value: () => checkedValue(group, id), first: () => group.querySelector('input') };
}

function versionGroup() {
  return radioGroup({
    legend: t('handover.version'), name: 'handover-version', idPrefix: 'handover-version', inline: true,
    options: [
      { value: 'adult', label: t('handover.version.adult') },
      { value: 'young', label: t('handover.version.young') },
    ],
    checked: 'adult',
  });
}

function unsavedNote() {
  if (state.unsaved <= 0) return null;
  return el('div', { class: 'warning-box' },
    el('h2', { class: 'warning-box__title' }, t('handover.unsaved_title')),
    el('p', null, tn('handover.unsaved', state.unsaved)));
}

/** The hand-over screen, for staff and the next person. `message` may be a function,
 *  so that it is said in the device's language, not the last person's. */
function showHandOver(message) {
  resetDisplay();
  if (typeof message === 'function') message = message();
  const context = state.context || { teams: [], session_types: [], roles: [], defaults: {} };
  const defaults = context.defaults || {};
  const slot = errorSlot();
  const team = choice('handover-team', t('handover.team'), context.teams, defaults.team);
  const sessionType = choice('handover-session-type', t('handover.session_type'), context.session_types,
    defaults.session_type);
  const role = choice('handover-role', t('handover.role'), context.roles, defaults.role);
  const version = versionGroup();
  const language = languageGroup('handover-language', t('handover.language'), words.device);

  const start = button(t('handover.start'), { primary: true, type: 'submit' });
  const staff = button(t('action.staff_area'));
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, team.wrap, sessionType.wrap, role.wrap, version, language, actions(start, staff));
  staff.addEventListener('click', openStaffArea);

  const busy = oneAtATime();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    const chosen = {
      team: findById(context.teams, team.value()),
      session_type: findById(context.session_types, sessionType.value()),
      role: findById(context.roles, role.value()),
    };
    const errors = [];
    if (!chosen.team) errors.push({ target: team.first(), message: t('handover.choose_team') });
    if (!chosen.session_type) {
      errors.push({ target: sessionType.first(), message: t('handover.choose_session_type') });
    }
    if (!chosen.role) errors.push({ target: role.first(), message: t('handover.choose_role') });
    if (errors.length) {
      showErrors(form, slot, errors);
      return;
    }
    // The person gets the device next: make sure the staff area is locked first.
    await busy([start], async () => {
      try {
        await lockStaff();
      } catch (error) {
        showError(form, slot, error.message);
        return;
      }
      state.session = {
        team: chosen.team.id,
        session_type: chosen.session_type.id,
        role: chosen.role.id,
        // Only for the window: the stored response is the same whichever version or
        // language was used, so summaries combine and exports stay in one language.
        version: checkedValue(version, 'handover-version') === 'young' ? 'young' : 'adult',
      };
      setLanguage(checkedValue(language, 'handover-language') || words.device);
      show('intro');
    });
  });

  showScreen(t('handover.heading'), [
    unsavedNote(),
    el('p', null, t('handover.lead')),
    form,
  ]);
  if (message) announce(message);
}

register('handover', showHandOver);
