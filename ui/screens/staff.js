// The staff area: one long screen of sections (staff/*.js), with links to each at the
// top. It locks when staff press Lock or leave it alone.
import { resetDisplay } from '../display.js';
import { el, button, oneAtATime } from '../dom.js';
import { watchIdle } from '../idle.js';
import { lockStaff } from '../lock.js';
import { register, show, showScreen } from '../navigation.js';
import { announce } from '../status.js';
import { t } from '../words.js';
import { auditSection } from '../staff/audit.js';
import { commentsSection } from '../staff/comments.js';
import { exportSection } from '../staff/export.js';
import { historySection } from '../staff/history.js';
import { safetySection } from '../staff/safety.js';
import { settingsSection } from '../staff/settings.js';
import { summarySection } from '../staff/summary.js';

/** Links to each section of the staff area, so nobody has to scroll past every comment. */
function staffNav(sections) {
  const items = sections.map((section) => {
    const heading = section.querySelector('h2');
    const link = el('a', { href: '#' + heading.id }, heading.textContent);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      heading.scrollIntoView({ block: 'start' });
      heading.focus({ preventScroll: true });
    });
    return el('li', null, link);
  });
  return el('nav', { class: 'staff-nav', 'aria-labelledby': 'staff-nav-heading' },
    el('h2', { id: 'staff-nav-heading', class: 'staff-nav__title' }, t('staff.on_this_page')),
    el('ul', { class: 'staff-nav__list' }, items));
}

function lockButton() {
  const lock = button(t('staff.lock'));
  const busy = oneAtATime();
  lock.addEventListener('click', () => busy([lock], async () => {
    try {
      await lockStaff();
    } catch (error) {
      announce(error.message);
      return;
    }
    show('handover', () => t('staff.locked'));
  }));
  return lock;
}

/** `message`, if any, is said above the screen ("Staff area unlocked."). */
function showStaffArea(message) {
  resetDisplay();
  const summary = summarySection();
  const comments = commentsSection();
  const history = historySection();
  const audit = auditSection();
  const exporter = exportSection({
    onSaved: () => {
      history.load();
      audit.load();
    },
  });
  const settings = settingsSection();
  const safety = safetySection(() => audit.load());
  const sections = [summary, comments, exporter, history, settings, safety, audit].map((s) => s.section);
  showScreen(t('staff.heading'), [
    el('div', { class: 'actions actions--top' }, lockButton()),
    staffNav(sections),
    sections,
  ], { wide: true });
  watchIdle('staff');
  if (message) announce(message);
  for (const part of [safety, audit, summary, comments, history, settings]) part.load();
}

register('staff', showStaffArea);
