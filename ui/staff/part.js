// What the staff area's sections share: the section itself, a scrolling table, the one
// way a failed staff command is handled, and a section that shows a loaded list.
import { el, uid } from '../dom.js';
import { errorSlot, clearErrors, showError } from '../errors.js';
import { call } from '../ipc.js';
import { lockedOut } from '../lock.js';
import { latestReply } from '../navigation.js';
import { t, hasWord } from '../words.js';

/** A section of the staff area, headed `title`; its id is `staff-<id>`. */
export function staffSection(id, title, ...children) {
  const headingId = 'staff-' + id + '-heading';
  // tabindex -1: the links at the top of the staff area move focus to the heading.
  return el('section', { class: 'staff-section', id: 'staff-' + id, 'aria-labelledby': headingId },
    el('h2', { id: headingId, tabindex: '-1' }, title), ...children);
}

/**
 * A captioned table in its own scrolling box: a wide (or, with `tall`, long) table
 * scrolls there, keyboard too, and the page never scrolls sideways.
 */
export function scrollingTable(caption, headers, rows, { tall = false } = {}) {
  const captionId = uid('table-caption');
  const head = el('tr', null, headers.map((h) => el('th', { scope: 'col' }, h)));
  const table = el('table', { class: 'table' },
    el('caption', { id: captionId }, caption), el('thead', null, head), el('tbody', null, rows));
  return el('div', {
    class: tall ? 'table-wrap table-wrap--tall' : 'table-wrap',
    role: 'region', 'aria-labelledby': captionId, tabindex: '0',
  }, table);
}

/**
 * A staff command failed. If the staff area has locked, back to the unlock screen;
 * otherwise the error goes in the form or part's error summary, on `target` if given.
 * `focus: false` for a load, which must not take focus from where staff are.
 */
export function failed(error, scope, slot, { target = null, focus = true } = {}) {
  if (lockedOut(error)) return;
  showError(scope, slot, error.message, { target, focus });
}

/** What an export is broken down by (the form's choice or a stored release's id). */
export function breakdownText(id) {
  const key = 'export.breakdown.' + (id === 'attending_choice' ? 'choice' : id);
  return hasWord(key) ? t(key) : String(id || '');
}

/** A staff section showing a list loaded with `command`: `render(entries)` when
 *  there are some, else the `empty` sentence. */
export function listSection({ id, title, note, loading, command, render, empty }) {
  const slot = errorSlot();
  const box = el('div', { class: id + '-box' }, el('p', null, loading));
  const section = staffSection(id, title, slot, el('p', { class: 'note' }, note), box);
  const replies = latestReply();

  async function load() {
    const current = replies.next();
    box.setAttribute('aria-busy', 'true');
    let entries;
    try {
      entries = await call(command);
    } catch (error) {
      if (!current()) return;
      box.removeAttribute('aria-busy');
      box.replaceChildren();
      failed(error, section, slot, { focus: false });
      return;
    }
    if (!current()) return;
    box.removeAttribute('aria-busy');
    clearErrors(section, slot);
    box.replaceChildren(Array.isArray(entries) && entries.length ? render(entries) : el('p', null, empty));
  }
  return { section, load };
}
