// Hand-over: staff choose the session's team, type and practitioner role, the version
// and language, then give the device to the person. The device remembers the last
// team, type and role, so a practitioner handing over again only presses Start; a
// request to talk from the last person shows at the top until staff have seen it.
// Where the device asks for it, the practitioner's estimate comes next (estimate.js).
import { resetDisplay } from '../display.js';
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, showError } from '../errors.js';
import { radioGroup, checkedValue, languageGroup } from '../forms.js';
import { call } from '../ipc.js';
import { findById } from '../lists.js';
import { lockStaff, openStaffArea } from '../lock.js';
import { register, show, showScreen } from '../navigation.js';
import { state } from '../state.js';
import { announce } from '../status.js';
import { talkNotice } from '../talk.js';
import { t, tn, words, setLanguage } from '../words.js';

/** One of the session's details: radios rather than a drop-down, so every choice is
 *  visible, one tap, large targets. With a choice already made (the last hand-over's,
 *  or the settings' default), the radios wait behind a line saying it and a Change
 *  button, which keeps Start in view. */
function choice(id, key, list, selected) {
  const options = (list || []).map((x) => ({ value: x.id, label: x.name }));
  const known = findById(list, selected);
  const group = radioGroup({
    legend: t('handover.' + key), name: id, idPrefix: id, options, checked: known ? known.id : null,
  });
  const first = () => group.querySelector('input:checked') || group.querySelector('input');
  let wrap = group;
  if (known) {
    const change = button(t('handover.change.' + key), { id: id + '-change' });
    const line = el('div', { class: 'chosen' },
      el('p', { class: 'chosen__text' }, el('span', { class: 'chosen__label' }, t('handover.' + key)), ' ',
        el('strong', { class: 'chosen__value' }, known.name)),
      change);
    group.hidden = true;
    change.addEventListener('click', () => {
      line.remove();
      group.hidden = false;
      first().focus();
    });
    wrap = el('div', { class: 'choice' }, line, group);
  }
  return { wrap, value: () => checkedValue(group, id), first };
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
  // An estimate held for a person who did not send their answers (the idle reset, the
  // questionnaire left) goes with them; one whose answers were sent went with those.
  call('forget_estimate').catch(() => {});
  if (typeof message === 'function') message = message();
  const context = state.context || { teams: [], session_types: [], roles: [], defaults: {} };
  const defaults = context.defaults || {};
  const last = context.last || {};
  // The last hand-over's choice if it is still in the list, else the settings' default.
  const starting = (list, key) => (findById(list, last[key]) ? last[key] : defaults[key]);
  const slot = errorSlot();
  const team = choice('handover-team', 'team', context.teams, starting(context.teams, 'team'));
  const sessionType = choice('handover-session-type', 'session_type', context.session_types,
    starting(context.session_types, 'session_type'));
  const role = choice('handover-role', 'role', context.roles, starting(context.roles, 'role'));
  const version = versionGroup();
  const language = languageGroup('handover-language', t('handover.language'), words.device);

  const start = button(t('handover.start'), { primary: true, type: 'submit' });
  const staff = button(t('action.staff_area'));
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, team.wrap, sessionType.wrap, role.wrap, version, language, actions(start, staff));
  staff.addEventListener('click', openStaffArea);
  const h1 = () => document.querySelector('h1');
  const notice = talkNotice((error) => {
    announce(error ? error.message : t('handover.talk_done'));
    if (slot.firstChild) slot.replaceChildren();
    h1().focus();
  });

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
    // Someone asked to talk: staff say they have seen it before the next person starts.
    if (notice && notice.isConnected) {
      errors.push({ target: null, message: t('handover.talk_first') });
    }
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
      const ids = { team: chosen.team.id, session_type: chosen.session_type.id, role: chosen.role.id };
      // The next hand-over starts from these. Not remembering them is no reason to stop.
      context.last = { ...ids };
      call('remember_choices', { choices: ids }).catch(() => {});
      state.session = {
        ...ids,
        // Only for the window: the stored response is the same whichever version or
        // language was used, so summaries combine and exports stay in one language.
        version: checkedValue(version, 'handover-version') === 'young' ? 'young' : 'adult',
      };
      const chosenLanguage = checkedValue(language, 'handover-language') || words.device;
      const handOver = () => {
        setLanguage(chosenLanguage);
        show('intro');
      };
      // Where the device asks for it, the practitioner's estimate comes first, in the
      // device's language; otherwise no estimate is held for this person.
      if (context.ask_estimate) {
        show('estimate', handOver);
        return;
      }
      try {
        await call('hold_estimate', { estimate: null });
      } catch (error) {
        showError(form, slot, error.message);
        return;
      }
      handOver();
    });
  });

  showScreen(t('handover.heading'), [
    notice,
    unsavedNote(),
    el('p', null, t('handover.lead')),
    form,
  ]);
  if (message) announce(message);
}

register('handover', showHandOver);
