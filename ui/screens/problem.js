// The database cannot be used: staff are told what happened, where the file is, and
// how to put a backup in its place. Nothing else is possible until then.
import { el } from '../dom.js';
import { register, showScreen } from '../navigation.js';
import { t, translated } from '../words.js';

function showProblem(problem) {
  const what = translated(problem) || String(problem.message || '');
  if (!problem.damaged) {
    showScreen(t('problem.busy.heading'), [
      el('p', null, t('problem.busy.lead')),
      el('p', { class: 'error-text' }, what),
      el('p', null, t('problem.busy.next')),
    ]);
    return;
  }
  showScreen(t('problem.damaged.heading'), [
    el('p', null, t('problem.damaged.lead')),
    el('h2', null, t('problem.damaged.what')),
    el('p', { class: 'error-text' }, what),
    el('h2', null, t('problem.damaged.where')),
    el('p', null, el('code', { class: 'path' }, String(problem.path || ''))),
    el('h2', null, t('problem.damaged.how')),
    el('ol', { class: 'steps' },
      el('li', null, t('problem.damaged.step_close')),
      el('li', null, t('problem.damaged.step_restore_before'), el('code', null, 'psi-feedback restore BACKUP-FILE'),
        t('problem.damaged.step_restore_after')),
      el('li', null, t('problem.damaged.step_open'))),
    el('p', null, t('problem.damaged.kept')),
  ]);
}

register('problem', showProblem);
