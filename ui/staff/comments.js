// Staff area: the comments, readable here and never exported.
import { el } from '../dom.js';
import { errorSlot } from '../errors.js';
import { monthName } from '../format.js';
import { call } from '../ipc.js';
import { sameScreen } from '../navigation.js';
import { t } from '../words.js';
import { staffSection, failed } from './part.js';

export function commentsSection() {
  const slot = errorSlot();
  const box = el('div', { class: 'comments-box' }, el('p', null, t('comments.loading')));
  const section = staffSection('comments', t('comments.title'), slot,
    el('p', { class: 'note' }, t('comments.note')), box);

  async function load() {
    const here = sameScreen();
    let comments;
    try {
      comments = await call('staff_comments');
    } catch (error) {
      if (!here()) return;
      box.replaceChildren();
      failed(error, section, slot, { focus: false });
      return;
    }
    if (!here()) return;
    if (!Array.isArray(comments) || comments.length === 0) {
      box.replaceChildren(el('p', null, t('comments.none')));
      return;
    }
    box.replaceChildren(el('ul', { class: 'comments' }, comments.map((c) => el('li', { class: 'comment' },
      el('p', { class: 'comment__meta' }, t('comments.meta', { team: String(c.team || ''), month: monthName(c.month) })),
      el('p', { class: 'comment__text' }, String(c.comment || ''))))));
  }
  return { section, load };
}
