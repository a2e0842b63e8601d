// Staff area: the summary table of the Overview, one row per team and period.
import { el } from '../dom.js';
import { t } from '../words.js';
import { scrollingTable } from './part.js';

/**
 * A cell: a withheld value says so in one word and a letter; the letter's reason is in
 * the legend under the table, once (`marks` gives each reason its letter).
 */
export function summaryCell(cell, index, marks) {
  const isObject = cell !== null && typeof cell === 'object';
  const text = isObject ? String(cell.text === null || cell.text === undefined ? '' : cell.text)
    : String(cell === null || cell === undefined ? '' : cell);
  const withheld = isObject && Boolean(cell.withheld);
  const attrs = index === 0 ? { scope: 'row' } : {};
  if (withheld) attrs.class = 'withheld';
  const content = withheld
    ? [t('export.withheld'), cell.reason ? [' ', el('sup', { class: 'withheld__mark' }, marks.of(cell.reason))] : null]
    : [text];
  return el(index === 0 ? 'th' : 'td', attrs, content);
}

/** Letters for reasons, in the order they first appear. */
export function reasonMarks() {
  const letters = new Map();
  return {
    of(reason) {
      if (!letters.has(reason)) letters.set(reason, String.fromCharCode(97 + (letters.size % 26)));
      return letters.get(reason);
    },
    legend() {
      if (!letters.size) return null;
      return el('div', { class: 'legend' },
        el('h4', { class: 'small-heading' }, t('summary.legend')),
        el('ul', { class: 'plain-list' }, [...letters].map(([reason, letter]) =>
          el('li', null, el('span', { class: 'withheld__mark' }, letter), ': ', reason))));
    },
  };
}

/** The summary table, one row per team and period, with its legend of reasons. */
export function summaryTable(data, period) {
  const marks = reasonMarks();
  const caption = period === 'quarter' ? t('summary.caption.quarter') : t('summary.caption.month');
  const rows = (data.rows || []).map((row) => el('tr', null, row.map((cell, i) => summaryCell(cell, i, marks))));
  const headers = (data.columns || []).map((id) => t('summary.column.' + id));
  return [scrollingTable(caption, headers, rows), marks.legend()].filter(Boolean);
}
