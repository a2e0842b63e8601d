// Thanks, after the answers are saved: what to do if you need help now, and whether
// staff were told that the person would like to talk. Back to hand-over by itself
// after a while.
import { el, button, actions } from '../dom.js';
import { waitText } from '../format.js';
import { helpBox } from '../help.js';
import { register, show, showScreen, onScreenChange } from '../navigation.js';
import { t, tq } from '../words.js';

const THANKS_TIMEOUT_MS = 20000;
let timer = null;

onScreenChange(() => {
  clearTimeout(timer);
  timer = null;
});

/** `talk`: true if staff were told the person would like to talk to someone, false if
 *  that could not be recorded, null if they did not ask. */
function showThanks(talk = null) {
  const finish = button(t('thanks.finish'), { primary: true });
  finish.addEventListener('click', () => show('handover'));
  let told = null;
  if (talk === true) told = el('p', { class: 'talk-told' }, t('talk.sent'));
  if (talk === false) told = el('p', { class: 'talk-told' }, t('talk.not_sent'));
  showScreen(t('thanks.heading'), [
    el('p', { class: 'thanks' }, tq('thanks')),
    told,
    helpBox(),
    el('p', { class: 'hint' }, t('thanks.closes', { time: waitText(THANKS_TIMEOUT_MS / 1000) })),
    actions(finish),
  ]);
  timer = setTimeout(() => show('handover'), THANKS_TIMEOUT_MS);
}

register('thanks', showThanks);
