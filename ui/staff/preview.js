// Staff area: the preview of an export, exactly the rows the file would hold, with the
// measures, statistics and answers (ids from the Rust side) in words.
import { el } from '../dom.js';
import { state } from '../state.js';
import { announce } from '../status.js';
import { t, tn, hasWord } from '../words.js';
import { scrollingTable } from './part.js';

/** The value cell of a preview row: withheld values say so in words, with the reason. */
function valueCell(value) {
  const v = value && typeof value === 'object' ? value : { text: value, withheld: false, reason: null };
  const text = String(v.text === null || v.text === undefined ? '' : v.text);
  if (!v.withheld) return el('td', null, text);
  return el('td', { class: 'withheld' },
    el('span', { class: 'withheld__text' }, t('export.withheld')),
    v.reason ? el('span', { class: 'withheld__reason' }, String(v.reason)) : null);
}

/** A measure of an export, by id: a PSI dimension's score, an item, or "responses". */
function measureText(id) {
  for (const key of ['q.score.' + id, 'q.item.' + id, 'export.measure.' + id]) {
    if (hasWord(key)) return t(key);
  }
  return String(id);
}

/** The answer scale of a measure: an item's own, or a dimension's items'. */
function measureScale(id) {
  for (const section of (state.questionnaire && state.questionnaire.sections) || []) {
    for (const item of section.items || []) {
      if (item.id === id || section.id === id) return item.scale;
    }
  }
  return null;
}

/** A preview row's statistic: "mean", "percent", ... or the count of one answer. */
function statisticText(row) {
  const option = row.option ? 'q.option.' + measureScale(row.measure) + '.' + row.option : null;
  if (row.statistic === 'count' && option && hasWord(option)) return t('export.option_count', { option: t(option) });
  const key = 'export.statistic.' + row.statistic;
  return hasWord(key) ? t(key) : String(row.statistic || '');
}

function previewTable(rows) {
  const headers = ['team', 'period', 'breakdown_value', 'measure', 'statistic', 'value']
    .map((column) => t('export.column.' + column));
  return scrollingTable(t('export.preview_caption'), headers, rows.map((row) => el('tr', null,
    el('th', { scope: 'row' }, String(row.team || '')),
    el('td', null, String(row.period || '')),
    el('td', null, row.breakdown_value === null || row.breakdown_value === undefined
      ? t('export.no_breakdown_value') : String(row.breakdown_value)),
    el('td', null, measureText(row.measure)),
    el('td', null, statisticText(row)),
    valueCell(row.value))), { tall: true });
}

/** Puts the reply to `preview_export` in `box`, and reads out what it says. */
export function showPreview(box, data) {
  const rows = Array.isArray(data.rows) ? data.rows : [];
  const total = Number(data.total_rows) || 0;
  const summary = t('export.preview_summary', {
    groups: tn('export.groups', Number(data.groups) || 0),
    withheld: tn('export.values_withheld', Number(data.withheld) || 0),
    rows: tn('export.rows', total),
  });
  const parts = [el('h3', null, t('export.preview_heading')), el('p', { class: 'preview__summary' }, summary)];
  const spoken = [summary];
  if (data.reissued) {
    const again = t('export.preview_reissued');
    parts.push(el('p', { class: 'preview__reissued' }, again));
    spoken.push(again);
  }
  if (rows.length && total > rows.length) {
    parts.push(el('p', { class: 'note' }, tn('export.preview_first_rows', total, { shown: rows.length })));
  }
  parts.push(rows.length ? previewTable(rows) : el('p', null, t('export.no_rows')));
  const notes = Array.isArray(data.notes) ? data.notes : [];
  if (notes.length) {
    parts.push(el('h4', { class: 'small-heading' }, t('export.notes_heading')),
      el('ul', { class: 'plain-list' }, notes.map((n) => el('li', null, String(n)))));
  }
  box.classList.remove('preview--stale');
  box.replaceChildren(...parts);
  box.hidden = false;
  announce(t('export.preview_ready', { details: spoken.join(' ') }), { visible: false });
}

/** The form changed: a preview on show no longer matches it, and says so. */
export function markStale(box) {
  if (box.hidden || !box.firstChild || box.classList.contains('preview--stale')) return;
  box.classList.add('preview--stale');
  box.replaceChildren(el('p', { class: 'note' }, t('export.preview_stale')));
}
