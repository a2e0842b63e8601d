// "Would you like to talk to someone?": the person's choice in the questionnaire, the
// request it sends, and the notice staff see on the hand-over screen. A request is a
// count on the Rust side, never tied to anyone's answers; nothing is sent unless the
// person chooses it.
import { el, uid, button } from './dom.js';
import { call } from './ipc.js';
import { state } from './state.js';
import { t, tn, tq } from './words.js';

/** The choice, as a checkbox: on the page about what did not feel right (shown only
 *  after that answer) and on the last page for anyone. Every copy has the same name and
 *  they keep in step, so either one is the person's choice. */
export function talkOffer(idSuffix) {
  const id = 'talk-' + idSuffix;
  const hintId = id + '-hint';
  const input = el('input', {
    type: 'checkbox', id, name: 'talk', value: 'yes', class: 'option__input', 'aria-describedby': hintId,
  });
  input.addEventListener('change', () => {
    const form = input.form;
    if (!form) return;
    for (const other of form.querySelectorAll('input[name="talk"]')) other.checked = input.checked;
  });
  return el('div', { class: 'talk-offer' }, el('fieldset', null,
    el('legend', { class: 'question__legend' }, tq('talk.question')),
    el('p', { class: 'hint', id: hintId }, tq('talk.hint')),
    el('div', { class: 'option' }, input, el('label', { for: id, class: 'option__label' }, tq('talk.yes')))));
}

/** Whether the person chose to talk to someone. */
export function wantsTalk(form) {
  return Array.from(form.querySelectorAll('input[name="talk"]')).some((input) => input.checked);
}

/** Tells staff a person would like to talk. The window counts it at once, so the
 *  hand-over screen shows it even if the Rust side could not keep it. Resolves to
 *  whether the Rust side kept it. */
export async function askToTalk() {
  state.talk += 1;
  try {
    const waiting = Number(await call('ask_to_talk'));
    if (waiting > state.talk) state.talk = waiting;
    return true;
  } catch (error) {
    return false;
  }
}

/**
 * The notice on the hand-over screen, or null when nobody asked. "I have seen this"
 * clears it (the Rust side records the count in the audit trail); `onSeen(error)` runs
 * after, with the error if it could not be recorded: the notice goes either way, since
 * staff have seen it.
 */
export function talkNotice(onSeen) {
  if (state.talk <= 0) return null;
  const titleId = uid('talk-title');
  const seen = button(t('handover.talk_seen'), { primary: true, id: 'talk-seen' });
  const notice = el('section', { class: 'talk-notice', 'aria-labelledby': titleId },
    el('h2', { id: titleId, class: 'talk-notice__title' }, t('handover.talk_title')),
    el('p', { class: 'talk-notice__text' }, tn('handover.talk', state.talk)),
    el('p', null, t('handover.talk_note')),
    el('div', { class: 'actions actions--tight' }, seen));
  seen.addEventListener('click', async () => {
    seen.disabled = true;
    let failure = null;
    try {
      await call('acknowledge_talk');
    } catch (error) {
      failure = error;
    }
    state.talk = 0;
    notice.remove();
    onSeen(failure);
  });
  return notice;
}
