// Navigation: each screen module registers its screen under a name, and screens ask for
// one another by name, so no screen imports another. showScreen() puts a screen in place.
import { el } from './dom.js';
import { t } from './words.js';
import { announce } from './status.js';

const screenEl = document.getElementById('screen');
const screens = new Map();
const leaving = [];
// Increases on every screen change, so late replies for an old screen are ignored.
let current = 0;

/** Makes `showFn(...args)` the way to show the screen called `name`. */
export function register(name, showFn) {
  if (screens.has(name)) throw new Error('screen registered twice: ' + name);
  screens.set(name, showFn);
}

/** Shows the screen called `name`, with the arguments its show function takes. */
export function show(name, ...args) {
  const showFn = screens.get(name);
  if (!showFn) throw new Error('no screen called ' + name);
  return showFn(...args);
}

/** `fn` runs each time a screen is replaced, so what belonged to the old one stops. */
export function onScreenChange(fn) {
  leaving.push(fn);
}

/** The <h1>'s content: a caption before the heading (such as "Part 2 of 6") is read
 *  with it, as GOV.UK's captions are. */
function headingContent(heading, caption) {
  return caption ? [el('span', { class: 'caption' }, caption), ' ', heading] : [heading];
}

function pageTitle(heading, caption) {
  return t('app.title', { heading: caption ? caption + ': ' + heading : heading, app: t('app.name') });
}

/** The window's title for a part of the screen on show: "Staff area: Overview". */
export function setTitle(heading, caption) {
  document.title = pageTitle(heading, caption);
}

/** Replaces the screen content, sets the page title and moves focus to the <h1>. */
export function showScreen(heading, children, { wide = false, caption = null } = {}) {
  current += 1;
  for (const fn of leaving) fn();
  announce('');
  const h1 = el('h1', { tabindex: '-1' }, headingContent(heading, caption));
  screenEl.replaceChildren(h1, ...children.flat(Infinity).filter((c) => c instanceof Node));
  document.body.classList.toggle('wide', wide);
  document.title = pageTitle(heading, caption);
  window.scrollTo(0, 0);
  h1.focus();
}

/** A new page within the same screen (a part of the questionnaire): a new <h1> and
 *  title, the top of the page, focus on the heading. Late replies stay valid. */
export function retitle(heading, caption = null) {
  const h1 = screenEl.querySelector('h1');
  announce('');
  h1.replaceChildren(...headingContent(heading, caption));
  document.title = pageTitle(heading, caption);
  window.scrollTo(0, 0);
  h1.focus();
}

/**
 * The late-reply guard. Call it when a request is sent (or a timer set); the function
 * it returns says whether the screen is still the one the reply is for.
 */
export function sameScreen() {
  const mine = current;
  return () => mine === current;
}

/**
 * The late-reply guard for a part that may ask again before its last reply came (or
 * whose form changes meanwhile): `next()` when a request is sent returns a check that
 * passes while the screen is the same and no newer request was made; `forget()` makes
 * every reply still on its way stale.
 */
export function latestReply() {
  let request = 0;
  return {
    next() {
      request += 1;
      const mine = request;
      const here = sameScreen();
      return () => here() && mine === request;
    },
    forget() {
      request += 1;
    },
  };
}
