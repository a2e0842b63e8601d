// Staff area: the preview of an export: the headline figures a group a row (with the
// comparisons with practitioners' estimates where there are any), or, for the full
// layout, exactly the rows the file would hold, with the measures, statistics and
// answers (ids from the Rust side) in words.
import { el } from '../dom.js';
import { state } from '../state.js';
import { announce } from '../status.js';
import { t, tn, hasWord } from '../words.js';
import { scrollingTable } from './part.js';
import { reasonMarks, summaryCell } from './summary.js';

// The headline layout's figures, a column each: [measure, statistic].
const HEADLINE_COLUMNS = [['responses', 'count'],
  ...['power', 'safety', 'identity', 'overall'].flatMap((m) => [[m, 'mean'], [m, 'percent']]),
  ['rupture', 'percent'], ['attending_choice', 'percent']];

// Where some session has a practitioner's estimate, the comparisons, by dimension:
// [measure, statistic, what it is, dimension].
const COMPARISON_COLUMNS = ['power', 'safety', 'identity'].flatMap((d) => [
  [`estimate_${d}`, 'mean', 'estimate', d], [`paired_${d}`, 'mean', 'person', d],
  [`higher_${d}`, 'percent', 'higher', d], [`lower_${d}`, 'percent', 'lower', d]]);

function headlineHeader([measure, statistic, kind, dimension]) {
  if (kind) return t('perception.column.' + kind, { measure: t('overview.measure.' + dimension) });
  if (measure === 'responses') return t('summary.column.responses');
  if (measure === 'rupture') return t('summary.column.rupture');
  if (measure === 'attending_choice') return t('overview.measure.attending_choice');
  return statistic === 'mean' ? t('summary.column.' + measure)
    : t('export.wide.positive', { measure: t('overview.measure.' + measure) });
}

/** The headline layout as a person reads it: a group a row, its figures as columns,
 *  a withheld value one word and a letter, each letter's reason once under the table.
 *  A group under the smallest size shown has its number of responses alone. */
function headlineTable(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = JSON.stringify([row.team, row.period, row.breakdown_value]);
    if (!groups.has(key)) groups.set(key, { row, values: new Map() });
    groups.get(key).values.set(row.measure + '.' + row.statistic, row.value);
  }
  const byValue = rows.some((row) => row.breakdown_value !== null && row.breakdown_value !== undefined);
  const columns = rows.some((row) => String(row.measure).startsWith('estimate_'))
    ? [...HEADLINE_COLUMNS, ...COMPARISON_COLUMNS] : HEADLINE_COLUMNS;
  const marks = reasonMarks();
  const headers = [t('export.column.team'), t('export.column.period'),
    ...(byValue ? [t('export.column.breakdown_value')] : []), ...columns.map(headlineHeader)];
  const body = [...groups.values()].map(({ row, values }) => el('tr', null,
    el('th', { scope: 'row' }, String(row.team || '')),
    el('td', null, String(row.period || '')),
    byValue ? el('td', null, String(row.breakdown_value || '')) : null,
    columns.map(([m, s]) => {
      const value = values.get(m + '.' + s);
      return value === undefined ? el('td', null, '') : summaryCell(value, 1, marks);
    })));
  return [scrollingTable(t('export.preview_caption'), headers, body, { tall: true }), marks.legend()].filter(Boolean);
}

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
  const table = data.layout === 'headline' ? headlineTable(rows) : [previewTable(rows)];
  parts.push(...(rows.length ? table : [el('p', null, t('export.no_rows'))]));
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
