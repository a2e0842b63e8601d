// The questionnaire's building blocks: a question (a fieldset of native radios) and the
// comment box. The pages that hold them are screens/questionnaire.js.
import { el } from './dom.js';
import { radioOption } from './forms.js';
import { state } from './state.js';
import { tn, tq } from './words.js';

/** One question: a fieldset of native radios. In the young-person version the ordered
 *  scales also show faces; the words stay in each label, so screen readers read them. */
export function questionBlock(item) {
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

/** Scrolls so that all of `node` is in view if it fits, else its top: the browser
 *  scrolls a field it focuses only just into view, which can leave a tall box's top at
 *  the bottom edge of the window. */
function keepInView(node) {
  const box = node.getBoundingClientRect();
  const margin = 16;
  if (box.top >= margin && box.bottom <= window.innerHeight - margin) return;
  const fits = box.height + 2 * margin <= window.innerHeight;
  window.scrollBy(0, fits && box.top >= margin ? box.bottom - window.innerHeight + margin : box.top - margin);
}

/** The comment box, which says when staff read comments (so that it is not the way to
 *  ask for help now) and counts the characters left near its limit. */
export function commentField(q) {
  const max = Number(q.comment_max_chars) || 2000;
  const nearLimit = Math.min(200, Math.floor(max / 10));
  const textarea = el('textarea', {
    id: 'comment', name: 'comment', rows: 5, maxlength: max, class: 'textarea',
    'aria-describedby': 'comment-hint comment-when comment-count',
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
  textarea.addEventListener('focus', () => requestAnimationFrame(() => keepInView(textarea)));
  const wrap = el('div', { class: 'field field--comment' },
    el('label', { for: 'comment', class: 'label label--question' }, tq('comment.prompt')),
    el('p', { class: 'hint', id: 'comment-hint' }, tq('comment.hint')),
    el('p', { class: 'hint hint--strong', id: 'comment-when' }, tq('comment.when')),
    textarea, count);
  return { wrap, textarea };
}
