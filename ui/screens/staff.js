// The staff area: its sections (staff/*.js), one at a time, chosen in its own
// navigation. It locks when staff press Lock or leave it alone.
import { resetDisplay } from '../display.js';
import { el, button, oneAtATime } from '../dom.js';
import { watchIdle } from '../idle.js';
import { lockStaff } from '../lock.js';
import { register, setTitle, show, showScreen } from '../navigation.js';
import { announce } from '../status.js';
import { t } from '../words.js';
import { auditSection } from '../staff/audit.js';
import { commentsSection } from '../staff/comments.js';
import { exportSection } from '../staff/export.js';
import { historySection } from '../staff/history.js';
import { safetySection } from '../staff/safety.js';
import { settingsSection } from '../staff/settings.js';
import { overviewSection } from '../staff/overview.js';

/**
 * The staff area's own navigation: one link per section, one section shown at a time
 * (the side-navigation pattern: a labelled nav, the section shown marked
 * aria-current="page"). Following a link shows its section and moves focus to its
 * heading. Unlocking opens the first, the Overview.
 */
function staffNav(sections) {
  const links = sections.map((section) => {
    const heading = section.querySelector('h2');
    const link = el('a', { href: '#' + section.id, class: 'staff-nav__link' }, heading.textContent);
    link.addEventListener('click', (event) => {
      event.preventDefault();
      choose(section.id, { focus: true });
    });
    return link;
  });
  function choose(id, { focus = false } = {}) {
    const chosen = sections.find((s) => s.id === id) || sections[0];
    sections.forEach((section, i) => {
      section.hidden = section !== chosen;
      if (section === chosen) links[i].setAttribute('aria-current', 'page');
      else links[i].removeAttribute('aria-current');
    });
    setTitle(chosen.querySelector('h2').textContent, t('staff.heading'));
    if (focus) chosen.querySelector('h2').focus();
  }
  const nav = el('nav', { class: 'staff-nav', 'aria-label': t('staff.sections') },
    el('ul', { class: 'staff-nav__list' }, links.map((link) => el('li', null, link))));
  return { nav, choose };
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
  const summary = overviewSection();
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
  const navigation = staffNav(sections);
  showScreen(t('staff.heading'), [
    el('div', { class: 'actions actions--top' }, lockButton()),
    navigation.nav,
    sections,
  ], { wide: true });
  navigation.choose(sections[0].id);
  watchIdle('staff');
  if (message) announce(message);
  for (const part of [safety, audit, summary, comments, history, settings]) part.load();
}

register('staff', showStaffArea);
