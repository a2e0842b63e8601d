// The questionnaire: every question on one screen, each answer a native radio, an
// optional comment. Nothing of a person's answers stays in the page after it.
import { confirmTwice } from '../confirm.js';
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showError } from '../errors.js';
import { radioOption } from '../forms.js';
import { watchIdle } from '../idle.js';
import { call } from '../ipc.js';
import { register, show, showScreen } from '../navigation.js';
import { state } from '../state.js';
import { t, tn, tq } from '../words.js';

/** One question: a fieldset of native radios. In the young-person version the ordered
 *  scales also show faces; the words stay in each label, so screen readers read them. */
function questionBlock(item) {
  const young = state.session && state.session.version === 'young';
  const faces = young && item.kind === 'scale';
  const options = el('div', { class: faces ? 'options options--faces' : 'options' });
  for (const option of item.options || []) {
    const row = radioOption('q-' + item.id + '-' + option.code, item.id, option.code,
      tq('option.' + item.scale + '.' + option.id));
    if (faces) {
      const label = row.querySelector('label');
      label.prepend(el('img', { src: 'faces/face-' + option.code + '.svg', alt: '', class: 'face', width: 56, height: 56 }));
    }
    options.append(row);
  }
  options.append(radioOption('q-' + item.id + '-0', item.id, 0, tq('decline'), { className: 'option--decline' }));
  const fieldset = el('fieldset', { class: 'question__fieldset' },
    el('legend', { class: 'question__legend' }, tq('item.' + item.id)), options);
  return el('div', { class: 'question', id: 'question-' + item.id }, fieldset);
}

/** The comment box, which counts the characters left near its limit. */
function commentField(q) {
  const max = Number(q.comment_max_chars) || 2000;
  const nearLimit = Math.min(200, Math.floor(max / 10));
  const textarea = el('textarea', {
    id: 'comment', name: 'comment', rows: 6, maxlength: max, class: 'textarea',
    'aria-describedby': 'comment-hint comment-count',
  });
  const count = el('p', { id: 'comment-count', class: 'char-count', hidden: true });
  textarea.addEventListener('input', () => {
    const left = max - textarea.value.length;
    if (left <= nearLimit) {
      count.textContent = tn('questionnaire.characters_left', Math.max(left, 0));
      count.hidden = false;
    } else {
      count.textContent = '';
      count.hidden = true;
    }
  });
  const wrap = el('div', { class: 'field field--comment' },
    el('label', { for: 'comment', class: 'label label--question' }, tq('comment.prompt')),
    el('p', { class: 'hint', id: 'comment-hint' }, tq('comment.hint')),
    textarea, count);
  return { wrap, textarea };
}

/** The response to send: the session's details, the answers given, the comment. */
function response(form, comment, session) {
  const answers = {};
  for (const input of form.querySelectorAll('input[type="radio"]')) {
    if (input.checked) answers[input.name] = Number(input.value);
  }
  const text = comment.value.trim();
  return {
    team: session.team,
    session_type: session.session_type,
    role: session.role,
    answers,
    comment: text ? text : null,
  };
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

function showQuestionnaire() {
  const q = state.questionnaire;
  const session = state.session;
  if (!q || !session) {
    show('handover');
    return;
  }
  const slot = errorSlot();
  const sections = (q.sections || []).map((section) => el('div', { class: 'q-section' },
    el('h2', { class: 'q-section__title' }, tq('section.' + section.id)),
    (section.items || []).map((item) => questionBlock(item))));
  const comment = commentField(q);
  const send = button(t('questionnaire.send'), { primary: true, type: 'submit' });
  const cancel = button(t('questionnaire.cancel'));
  const cancelling = confirmTwice(cancel, 'cancel-warning');
  const form = el('form', { id: 'questionnaire', novalidate: true, autocomplete: 'off' },
    slot, sections, comment.wrap, actions(send, cancel), cancelling.warning);
  const busy = oneAtATime();
  const watch = () => watchIdle('questionnaire', () => leaveQuestionnaire(form));

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
    await busy([send, cancel], async () => {
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
          show('not-saved');
          return;
        }
        watch();
        // The answers stay on screen: nothing is lost until staff deal with it.
        const message = error.kind === 'storage' ? t('questionnaire.not_saved') : error.message;
        showError(form, slot, message, { target: errorTarget(form, comment.textarea, error.field) });
        return;
      }
      // Nothing of this person's answers may stay in the page.
      leaveQuestionnaire(form);
      show('thanks');
    });
  });

  showScreen(tq('heading.questions'), [
    el('p', { class: 'hint hint--lead' }, tq('lead')),
    form,
  ]);
  watch();
}

register('questionnaire', showQuestionnaire);
