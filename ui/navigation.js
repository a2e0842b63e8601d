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

/** Replaces the screen content, sets the page title and moves focus to the <h1>. */
export function showScreen(heading, children, { wide = false } = {}) {
  current += 1;
  for (const fn of leaving) fn();
  announce('');
  const h1 = el('h1', { tabindex: '-1' }, heading);
  screenEl.replaceChildren(h1, ...children.flat(Infinity).filter((c) => c instanceof Node));
  document.body.classList.toggle('wide', wide);
  document.title = t('app.title', { heading, app: t('app.name') });
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
