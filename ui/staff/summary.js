// Staff area: the summary, by month or quarter, with the responses per team.
import { el } from '../dom.js';
import { errorSlot, clearErrors } from '../errors.js';
import { radioGroup, checkedValue } from '../forms.js';
import { call } from '../ipc.js';
import { latestReply } from '../navigation.js';
import { state } from '../state.js';
import { t, tn } from '../words.js';
import { staffSection, scrollingTable, failed } from './part.js';

/**
 * A cell: a withheld value says so in one word and a letter; the letter's reason is in
 * the legend under the table, once (`marks` gives each reason its letter).
 */
function summaryCell(cell, index, marks) {
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
function reasonMarks() {
  const letters = new Map();
  return {
    of(reason) {
      if (!letters.has(reason)) letters.set(reason, String.fromCharCode(97 + (letters.size % 26)));
      return letters.get(reason);
    },
    legend() {
      if (!letters.size) return null;
      return el('div', { class: 'legend' },
        el('h3', { class: 'small-heading' }, t('summary.legend')),
        el('ul', { class: 'plain-list' }, [...letters].map(([reason, letter]) =>
          el('li', null, el('span', { class: 'withheld__mark' }, letter), ': ', reason))));
    },
  };
}

function summaryTable(data, period, marks) {
  const caption = period === 'quarter' ? t('summary.caption.quarter') : t('summary.caption.month');
  const rows = (data.rows || []).map((row) => el('tr', null, row.map((cell, i) => summaryCell(cell, i, marks))));
  const headers = (data.columns || []).map((id) => t('summary.column.' + id));
  return scrollingTable(caption, headers, rows);
}

function teamCounts(data) {
  const teamList = data.teams || [];
  return teamList.length ? [
    el('h3', { class: 'small-heading' }, t('summary.by_team')),
    el('ul', { class: 'plain-list' }, teamList.map((count) => el('li', null,
      tn('summary.team_responses', Number(count.responses) || 0, { team: count.team })))),
  ] : [];
}

export function summarySection() {
  const slot = errorSlot();
  const total = el('p', { class: 'total' }, t('summary.loading'));
  const teams = el('div', { class: 'team-counts' });
  const periods = radioGroup({
    legend: t('summary.periods'), name: 'overview-period', idPrefix: 'overview-period', inline: true,
    options: [{ value: 'month', label: t('summary.by_month') }, { value: 'quarter', label: t('summary.by_quarter') }],
    checked: state.overviewPeriod,
  });
  const tableBox = el('div', { class: 'table-box' });
  const section = staffSection('summary', t('summary.title'), slot, total, teams, periods, tableBox);
  const replies = latestReply();

  async function load() {
    const current = replies.next();
    const period = state.overviewPeriod;
    tableBox.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await call('staff_overview', { period });
    } catch (error) {
      if (!current()) return;
      tableBox.removeAttribute('aria-busy');
      failed(error, section, slot, { focus: false });
      return;
    }
    if (!current()) return;
    tableBox.removeAttribute('aria-busy');
    clearErrors(section, slot);
    total.textContent = tn('summary.total', Number(data.total_responses) || 0);
    teams.replaceChildren(...teamCounts(data));
    const marks = reasonMarks();
    const table = (data.rows || []).length ? summaryTable(data, period, marks) : el('p', null, t('summary.nothing_yet'));
    tableBox.replaceChildren(...[table, marks.legend(), el('p', { class: 'note' }, t('summary.note'))].filter(Boolean));
  }

  periods.addEventListener('change', () => {
    state.overviewPeriod = checkedValue(periods, 'overview-period') || 'month';
    load();
  });
  return { section, load };
}
