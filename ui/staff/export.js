// Staff area: the export form. A preview shows what the file would hold; saving writes
// it through the native save dialog and records the release.
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showErrors, clearErrors } from '../errors.js';
import { previousMonth } from '../format.js';
import { radioGroup, textField, checkedValue } from '../forms.js';
import { call } from '../ipc.js';
import { latestReply, sameScreen } from '../navigation.js';
import { resultLine, say } from '../status.js';
import { t, tn } from '../words.js';
import { staffSection, breakdownText, failed } from './part.js';
import { showPreview, markStale } from './preview.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The form's fields; `month` is the example and first value of From and To. */
function exportFields(month) {
  return {
    period: radioGroup({
      legend: t('export.period'), name: 'export-period', idPrefix: 'export-period', inline: true, checked: 'month',
      options: [{ value: 'month', label: t('export.period.months') }, { value: 'quarter', label: t('export.period.quarters') }],
    }),
    from: textField('export-from', t('export.from'), { value: month, className: 'input--month' }),
    to: textField('export-to', t('export.to'), { value: month, className: 'input--month' }),
    by: radioGroup({
      legend: t('export.breakdown'), name: 'export-by', idPrefix: 'export-by', checked: 'none',
      options: ['none', 'session_type', 'role', 'choice'].map((value) => ({ value, label: breakdownText(value) })),
    }),
    layout: radioGroup({
      legend: t('export.layout'), name: 'export-layout', idPrefix: 'export-layout', checked: 'headline',
      options: ['headline', 'full'].map((value) => ({ value, label: t('export.layout.' + value) })),
    }),
    format: radioGroup({
      legend: t('export.format'), name: 'export-format', idPrefix: 'export-format', checked: 'csv',
      options: ['csv', 'json', 'html'].map((value) => ({ value, label: t('export.format.' + value) })),
    }),
  };
}

/** The request the fields describe, and what is wrong with it. */
function readRequest(fields, month) {
  const request = {
    period: checkedValue(fields.period, 'export-period') || 'month',
    from: fields.from.input.value.trim(),
    to: fields.to.input.value.trim(),
    by: checkedValue(fields.by, 'export-by') || 'none',
    layout: checkedValue(fields.layout, 'export-layout') || 'headline',
    format: checkedValue(fields.format, 'export-format') || 'csv',
  };
  const errors = [];
  if (!MONTH.test(request.from)) {
    errors.push({ target: fields.from.input, message: t('export.enter_from', { example: month }) });
  }
  if (!MONTH.test(request.to)) {
    errors.push({ target: fields.to.input, message: t('export.enter_to', { example: month }) });
  }
  if (!errors.length && request.from > request.to) {
    errors.push({ target: fields.to.input, message: t('export.to_before_from') });
  }
  return { request, errors };
}

/** What the reply to `export_file` says: saved where, with how much withheld, or cancelled. */
function savedText(answer) {
  if (!answer || !answer.saved) return t('export.cancelled');
  return t(answer.reissued ? 'export.saved_reissued' : 'export.saved', {
    path: String(answer.path || ''),
    groups: tn('export.groups', Number(answer.groups) || 0),
    withheld: tn('export.values_withheld', Number(answer.withheld) || 0),
  });
}

/** `onSaved` runs after a file is saved (the history and audit trail then reload). */
export function exportSection({ onSaved = null } = {}) {
  const slot = errorSlot();
  const month = previousMonth();
  const fields = exportFields(month);
  const save = button(t('export.save'), { primary: true, type: 'submit' });
  const preview = button(t('export.preview'));
  const result = resultLine();
  const previewBox = el('div', { class: 'preview', hidden: true });
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, fields.period, el('div', { class: 'field-row' }, fields.from.wrap, fields.to.wrap), fields.by,
    fields.layout, fields.format, actions(preview, save), result);
  const fieldTargets = {
    period: fields.period.querySelector('input'),
    from: fields.from.input,
    to: fields.to.input,
    by: fields.by.querySelector('input'),
    layout: fields.layout.querySelector('input'),
    format: fields.format.querySelector('input'),
  };
  const section = staffSection('export', t('export.title'),
    el('p', { class: 'note' }, t('export.note')),
    form, previewBox);
  const busy = oneAtATime();
  // A change to the form makes a preview still on its way stale too, so it never shows
  // under choices it was not made for.
  const previews = latestReply();

  /** The request, or null after showing what is wrong with it. */
  function validRequest() {
    const { request, errors } = readRequest(fields, month);
    if (errors.length) {
      showErrors(form, slot, errors);
      return null;
    }
    clearErrors(form, slot);
    return request;
  }

  function forgetPreview(event) {
    // The format changes only how the file is written, not what it holds.
    if (event && event.target && event.target.name === 'export-format') return;
    previews.forget();
    markStale(previewBox);
  }
  form.addEventListener('input', forgetPreview);
  form.addEventListener('change', forgetPreview);

  preview.addEventListener('click', async () => {
    if (busy.running()) return;
    say(result, '');
    const request = validRequest();
    if (!request) return;
    const current = previews.next();
    const here = sameScreen();
    previewBox.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await busy([save, preview], () => call('preview_export', { request }));
    } catch (error) {
      previewBox.removeAttribute('aria-busy');
      // An error still counts after a change to the form (a locked staff area above all).
      if (here()) failed(error, form, slot, { target: fieldTargets[error.field] || null });
      return;
    }
    previewBox.removeAttribute('aria-busy');
    if (current()) showPreview(previewBox, data || {});
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy.running()) return;
    say(result, '');
    const request = validRequest();
    if (!request) return;
    let answer;
    try {
      answer = await busy([save, preview], () => call('export_file', { request }));
    } catch (error) {
      failed(error, form, slot, { target: fieldTargets[error.field] || null });
      return;
    }
    say(result, savedText(answer));
    if (answer && answer.saved && onSaved) onSaved();
  });
  return { section };
}
