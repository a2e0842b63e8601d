// PSI Feedback: the web UI's entry. Plain DOM and ES modules, no framework, no bundler.
// Each screen is a module under screens/ that registers itself with navigation.js;
// importing them here is what makes them known. All text from the Rust side (team names,
// comments, ...) goes into the page as text nodes only, never as HTML.
import { resetDisplay } from './display.js';
import { listenForActivity } from './idle.js';
import { lockStaff } from './lock.js';
import { show } from './navigation.js';
import { guardPage } from './page.js';
import { words, loadWords } from './words.js';
import './screens/start.js';
import './screens/problem.js';
import './screens/setup.js';
import './screens/handover.js';
import './screens/estimate.js';
import './screens/intro.js';
import './screens/questionnaire.js';
import './screens/thanks.js';
import './screens/not-saved.js';
import './screens/unlock.js';
import './screens/staff.js';
import './screens/close.js';

guardPage();
listenForActivity();
// The Rust side calls this when the window's close button is pressed in kiosk mode.
window.psiFeedback = Object.freeze({ closeRequested: () => show('close') });
// A fresh page (a start or a reload) never opens on an unlocked staff area.
lockStaff().catch(() => {}).finally(async () => {
  try {
    await loadWords();
  } catch (error) {
    // Without its words the app cannot say anything: this one line stays English.
    document.getElementById('screen').textContent = 'PSI Feedback could not read its language files. Please reinstall it.';
    return;
  }
  // The device speaks the system's language if there are words for it, else English.
  const system = String(navigator.language || 'en').toLowerCase().split('-')[0];
  words.device = words.byLanguage[system] ? system : 'en';
  resetDisplay();
  show('start');
});
