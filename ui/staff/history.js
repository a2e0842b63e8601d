// Staff area: the release history, one row per export saved.
import { el } from '../dom.js';
import { localDateTime } from '../format.js';
import { t } from '../words.js';
import { scrollingTable, breakdownText, listSection } from './part.js';

function periodsText(entry) {
  const kind = entry.period_kind === 'quarter' ? 'quarters' : 'months';
  const first = String(entry.first_month || '');
  const last = String(entry.last_month || '');
  return first === last
    ? t('history.periods.single.' + kind, { first })
    : t('history.periods.range.' + kind, { first, last });
}

function historyTable(entries) {
  const headers = ['number', 'saved', 'periods', 'breakdown', 'groups', 'withheld']
    .map((column) => t('history.column.' + column));
  return scrollingTable(t('history.caption'), headers, entries.map((e) => el('tr', null,
    el('th', { scope: 'row' }, String(e.number)),
    el('td', null, el('time', { datetime: String(e.released_at || '') }, localDateTime(e.released_at))),
    el('td', null, periodsText(e)),
    el('td', null, breakdownText(e.breakdown)),
    el('td', { class: 'number' }, String(Number(e.groups) || 0)),
    el('td', { class: 'number' }, String(Number(e.withheld) || 0)))));
}

export function historySection() {
  return listSection({
    id: 'history',
    title: t('history.title'),
    note: t('history.note'),
    loading: t('history.loading'),
    command: 'release_history',
    render: historyTable,
    empty: t('history.empty'),
  });
}
