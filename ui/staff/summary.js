// Staff area: the summary, by month or quarter, with the responses per team.
import { el } from '../dom.js';
import { errorSlot, clearErrors } from '../errors.js';
import { radioGroup, checkedValue } from '../forms.js';
import { call } from '../ipc.js';
import { latestReply } from '../navigation.js';
import { state } from '../state.js';
import { t, tn } from '../words.js';
import { staffSection, scrollingTable, failed } from './part.js';

/** A cell: withheld values say so in words, with the reason. */
function summaryCell(cell, index) {
  const isObject = cell !== null && typeof cell === 'object';
  const text = isObject ? String(cell.text === null || cell.text === undefined ? '' : cell.text)
    : String(cell === null || cell === undefined ? '' : cell);
  const withheld = isObject && Boolean(cell.withheld);
  const attrs = index === 0 ? { scope: 'row' } : {};
  if (withheld) attrs.class = 'withheld';
  const content = withheld
    ? [el('span', { class: 'withheld__text' }, t('export.withheld')),
      isObject && cell.reason ? el('span', { class: 'withheld__reason' }, cell.reason) : null]
    : [text];
  return el(index === 0 ? 'th' : 'td', attrs, content);
}

function summaryTable(data, period) {
  const caption = period === 'quarter' ? t('summary.caption.quarter') : t('summary.caption.month');
  const rows = (data.rows || []).map((row) => el('tr', null, row.map(summaryCell)));
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
    tableBox.replaceChildren(
      (data.rows || []).length ? summaryTable(data, period) : el('p', null, t('summary.nothing_yet')),
      el('p', { class: 'note' }, t('summary.note')),
    );
  }

  periods.addEventListener('change', () => {
    state.overviewPeriod = checkedValue(periods, 'overview-period') || 'month';
    load();
  });
  return { section, load };
}
