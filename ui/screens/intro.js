// The first screen the person sees: first their choice of language, text size and
// colours (compact, at the top), then what the questionnaire is, then what to do if
// they need help now.
import { TEXT_SIZES, display, applyDisplay } from '../display.js';
import { el, uid, button, actions } from '../dom.js';
import { radioGroup, languageGroup } from '../forms.js';
import { helpBox } from '../help.js';
import { watchIdle } from '../idle.js';
import { register, show, showScreen } from '../navigation.js';
import { state } from '../state.js';
import { askToTalk } from '../talk.js';
import { t, tq, words, setLanguage } from '../words.js';

/** Language, text size and colours. Each change applies at once; everything goes back
 *  to the defaults for the next person. */
function displayChoices(onLanguage) {
  const language = languageGroup('display-language', t('display.language'), words.current, { chosenOnly: true });
  const size = radioGroup({
    legend: t('display.text_size'), name: 'display-size', idPrefix: 'display-size', inline: true,
    options: TEXT_SIZES.map((n) => ({ value: n, label: t('display.size.' + n) })),
    checked: display.size,
  });
  const colours = radioGroup({
    legend: t('display.colours'), name: 'display-colours', idPrefix: 'display-colours', inline: true,
    options: [
      { value: 'standard', label: t('display.colours.standard') },
      { value: 'high', label: t('display.colours.high') },
    ],
    checked: display.contrast,
  });
  language.addEventListener('change', (event) => onLanguage(event.target.value, event.target.id));
  size.addEventListener('change', (event) => {
    const n = Number(event.target.value);
    display.size = TEXT_SIZES.includes(n) ? n : 0;
    applyDisplay();
  });
  colours.addEventListener('change', (event) => {
    display.contrast = event.target.value === 'high' ? 'high' : 'standard';
    applyDisplay();
  });
  const headingId = uid('display-title');
  return el('section', { class: 'display-choices', 'aria-labelledby': headingId },
    el('h2', { id: headingId, class: 'display-choices__title' }, t('display.title')), language, size, colours);
}

/** `focusId`: the control to keep focus on, after the screen is rebuilt in another language. */
function showIntro(focusId) {
  if (!state.questionnaire || !state.session) {
    show('handover');
    return;
  }
  const start = button(t('intro.start'), { primary: true });
  start.addEventListener('click', () => show('questionnaire'));
  const intro = ['about', 'anonymous', 'stays', 'comments', 'skip'].map((key) => el('p', null, tq('intro.' + key)));
  showScreen(tq('heading.intro'), [
    displayChoices((code, id) => {
      setLanguage(code);
      showIntro(id);
    }),
    el('div', { class: 'intro' }, intro),
    actions(start),
    helpBox(),
  ]);
  const keep = focusId ? document.getElementById(focusId) : null;
  if (keep) keep.focus();
  watchIdle('questionnaire', () => {
    // Answers held while the person came back here go with the session; a request to
    // talk among them is still sent, as it is from any page.
    const talk = Boolean(state.session && state.session.held && state.session.held.talk);
    state.session = null;
    if (talk) askToTalk();
  });
}

register('intro', showIntro);
