// The questionnaire: one part a page ("Part 2 of 6"), with Back and Continue, sent whole
// from the last page; every question may be skipped. All the pages are one form, so the
// answers stay while the person moves between them, the idle reset covers every page,
// and nothing of a person's answers stays in the page after it (the form is emptied
// and removed).
import { confirmTwice } from '../confirm.js';
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showError } from '../errors.js';
import { helpBox } from '../help.js';
import { watchIdle } from '../idle.js';
import { call } from '../ipc.js';
import { register, show, showScreen, retitle } from '../navigation.js';
import { questionBlock, commentField } from '../questions.js';
import { state } from '../state.js';
import { talkOffer, wantsTalk, askToTalk } from '../talk.js';
import { t, tq } from '../words.js';

// Sections asked on one page with another; every other section has a page of its own.
const ASKED_WITH = { rupture: 'overall', choice: 'overall' };

/** The pages of questions: [{ id, items }], in the questionnaire's order. */
function partsOf(q) {
  const parts = [];
  for (const section of q.sections || []) {
    const id = ASKED_WITH[section.id] || section.id;
    let part = parts.find((p) => p.id === id);
    if (!part) {
      part = { id, title: tq('section.' + id), items: [] };
      parts.push(part);
    }
    part.items.push(...(section.items || []));
  }
  return parts;
}

/** The answers given so far, by question id ("I'd rather not say" is 0). */
function answersIn(form) {
  const answers = {};
  for (const input of form.querySelectorAll('input[type="radio"]')) {
    if (input.checked) answers[input.name] = Number(input.value);
  }
  return answers;
}

/** The response to send: the session's details, the answers given, the comment. The
 *  choice to talk to someone is not part of it. */
function response(form, comment, session) {
  const text = comment.value.trim();
  return {
    team: session.team,
    session_type: session.session_type,
    role: session.role,
    answers: answersIn(form),
    comment: text ? text : null,
  };
}

/** Puts back what the person gave before they went back to the first screen. */
function restore(form, comment, held) {
  for (const input of form.querySelectorAll('input[type="radio"]')) {
    input.checked = held.answers[input.name] === Number(input.value);
  }
  comment.value = held.comment || '';
  for (const input of form.querySelectorAll('input[name="talk"]')) input.checked = Boolean(held.talk);
}

/** The control a refusal is about: the comment, or the first radio of a question. */
function errorTarget(form, comment, field) {
  if (field === 'comment') return comment;
  if (!field) return null;
  const question = form.querySelector('#question-' + CSS.escape(field));
  return question ? question.querySelector('input[type="radio"]') : null;
}

/** Empties the form and forgets the session, so nothing of this person is left. */
function leaveQuestionnaire(form) {
  form.reset();
  form.remove();
  state.session = null;
}

/** The offer to talk to someone, shown under "did anything not feel right?" once the
 *  answer is yes. */
function offerAfterRupture(item, block) {
  const yes = (item.options || []).find((o) => o.id === 'yes');
  const offer = el('div', { class: 'talk-offer--after' }, talkOffer('after-rupture'));
  const sync = () => {
    const chosen = block.querySelector('input[type="radio"]:checked');
    offer.hidden = !(yes && chosen && Number(chosen.value) === yes.code);
  };
  block.addEventListener('change', sync);
  sync();
  return { offer, sync };
}

function showQuestionnaire() {
  const q = state.questionnaire;
  const session = state.session;
  if (!q || !session) {
    show('handover');
    return;
  }
  const comment = commentField(q);
  const parts = partsOf(q);
  const syncs = [];
  const pages = parts.map((part) => {
    const questions = part.items.map((item) => {
      const block = questionBlock(item);
      if (item.id !== 'rupture') return block;
      const { offer, sync } = offerAfterRupture(item, block);
      syncs.push(sync);
      return [block, offer];
    });
    return { title: part.title, slot: errorSlot(), body: [el('p', { class: 'hint' }, tq('lead')), questions] };
  });
  pages.push({
    title: tq('part.comment'),
    slot: errorSlot(),
    body: [comment.wrap, helpBox(), talkOffer('end')],
  });
  const total = pages.length;
  const send = button(t('questionnaire.send'), { primary: true, type: 'submit' });
  const cancel = button(t('questionnaire.cancel'));
  const cancelling = confirmTwice(cancel, 'cancel-warning');
  const busy = oneAtATime();
  let here = 0;
  for (const [i, page] of pages.entries()) {
    const back = button(t('action.back'));
    const next = i === total - 1 ? send : button(t('questionnaire.continue'), { primary: true });
    back.addEventListener('click', () => (i === 0 ? backToStart() : goTo(i - 1)));
    if (next !== send) next.addEventListener('click', () => goTo(i + 1));
    page.back = back;
    page.row = actions(next, back);
    page.node = el('div', { class: 'q-part', hidden: i !== 0 }, page.slot, page.body, page.row);
  }
  const form = el('form', { id: 'questionnaire', novalidate: true, autocomplete: 'off' }, pages.map((p) => p.node));
  // One Cancel for the whole questionnaire, beside Continue and Back on the page in view.
  const placeCancel = () => pages[here].row.append(cancel, cancelling.warning);
  const progress = (i) => t('questionnaire.progress', { n: i + 1, total });
  const watch = () => watchIdle('questionnaire', () => {
    const talk = wantsTalk(form);
    leaveQuestionnaire(form);
    // Walking away does not take the request back: someone may still need to talk.
    if (talk) askToTalk();
  });

  function goTo(i) {
    cancelling.disarm();
    pages[here].node.hidden = true;
    here = i;
    pages[here].node.hidden = false;
    placeCancel();
    retitle(pages[here].title, progress(here));
  }

  /** Back from the first part: to the first screen, where the language and look can be
   *  changed; the answers wait with the session, not in the page. */
  function backToStart() {
    session.held = { answers: answersIn(form), comment: comment.textarea.value, talk: wantsTalk(form) };
    form.reset();
    form.remove();
    show('intro');
  }

  form.addEventListener('change', cancelling.disarm);
  comment.textarea.addEventListener('input', cancelling.disarm);
  cancel.addEventListener('click', () => {
    if (busy.running()) return;
    if (!cancelling.armedFor()) {
      cancelling.arm(t('questionnaire.cancel_warning'), t('questionnaire.cancel_confirm'));
      return;
    }
    leaveQuestionnaire(form);
    show('handover', () => t('handover.cleared'));
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    cancelling.disarm();
    const sent = response(form, comment.textarea, session);
    const talk = wantsTalk(form);
    await busy([send, cancel, pages[total - 1].back], async () => {
      // No idle reset while the answers are on their way: the reply decides what next.
      watchIdle(null);
      try {
        await call('submit_response', { response: sent });
      } catch (error) {
        if (error.kind === 'not_saved') {
          // The Rust side keeps the answers until staff save them or discard them; the
          // page keeps nothing, so the next person cannot see them.
          leaveQuestionnaire(form);
          state.unsaved += 1;
          if (talk) askToTalk();
          show('not-saved');
          return;
        }
        watch();
        // The answers stay on screen, and the error shows on the page it is about.
        const target = errorTarget(form, comment.textarea, error.field);
        const page = Math.max(0, pages.findIndex((p) => target && p.node.contains(target)));
        const at = target ? page : here;
        if (at !== here) goTo(at);
        const message = error.kind === 'storage' ? t('questionnaire.not_saved') : error.message;
        showError(pages[at].node, pages[at].slot, message, { target });
        return;
      }
      // Nothing of this person's answers may stay in the page.
      leaveQuestionnaire(form);
      show('thanks', talk ? await askToTalk() : null);
    });
  });

  placeCancel();
  showScreen(pages[0].title, [form], { caption: progress(0) });
  if (session.held) {
    restore(form, comment.textarea, session.held);
    delete session.held;
    for (const sync of syncs) sync();
  }
  watch();
}

register('questionnaire', showQuestionnaire);
