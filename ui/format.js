// Dates, months, waits and typed lists, put into words or read from text.
import { t, tn } from './words.js';

/** Splits a textarea's value into trimmed, non-empty lines. */
export function lines(text) {
  return text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
}

/** "2026-03" -> "March 2026"; anything else is shown as it is. */
export function monthName(value) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(value || ''));
  if (!m) return String(value || '');
  const index = Number(m[2]) - 1;
  return index >= 0 && index < 12 ? t('month.with_year', { month: t('month.' + (index + 1)), year: m[1] }) : String(value);
}

/** The previous calendar month as YYYY-MM. */
export function previousMonth() {
  const now = new Date();
  let year = now.getFullYear();
  let month = now.getMonth(); // 0-based current month = 1-based previous month
  if (month === 0) {
    year -= 1;
    month = 12;
  }
  return year + '-' + String(month).padStart(2, '0');
}

/** "2026-03-05T14:07:00Z" -> "5 March 2026, 14:07" in the device's time zone. */
export function localDateTime(value) {
  const date = new Date(String(value || ''));
  if (Number.isNaN(date.getTime())) return String(value || '');
  const month = date.getFullYear() + '-' + String(date.getMonth() + 1).padStart(2, '0');
  return t('staff.date_time', {
    day: date.getDate(),
    month: monthName(month),
    time: String(date.getHours()).padStart(2, '0') + ':' + String(date.getMinutes()).padStart(2, '0'),
  });
}

/** "30 seconds", "5 minutes". */
export function waitText(seconds) {
  const n = Number(seconds) || 0;
  return n >= 120 ? tn('time.minutes', Math.round(n / 60)) : tn('time.seconds', n);
}
