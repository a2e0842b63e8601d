// Staff area: the audit trail, the latest staff actions on this device.
import { el } from '../dom.js';
import { localDateTime } from '../format.js';
import { t, hasWord } from '../words.js';
import { scrollingTable, listSection } from './part.js';

/** An audit row's action (audit.action.<id>) or who did it (audit.who.<id>); an id
 *  with no words is shown as it is. */
function auditWord(kind, id) {
  const key = 'audit.' + kind + '.' + id;
  return id && hasWord(key) ? t(key) : String(id || '');
}

function auditTable(entries) {
  const headers = ['when', 'who', 'what', 'details'].map((column) => t('audit.column.' + column));
  return scrollingTable(t('audit.caption'), headers,
    entries.map((e) => el('tr', null,
      el('td', null, el('time', { datetime: String(e.at || '') }, localDateTime(e.at))),
      el('td', null, auditWord('who', e.who)),
      el('td', null, auditWord('action', e.action)),
      el('td', null, String(e.detail || '')))));
}

export function auditSection() {
  return listSection({
    id: 'audit',
    title: t('audit.title'),
    note: t('audit.note'),
    loading: t('audit.loading'),
    command: 'audit_trail',
    render: auditTable,
    empty: t('audit.empty'),
  });
}
