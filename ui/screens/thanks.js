// Thanks, after the answers are saved; back to hand-over by itself after a while.
import { el, button, actions } from '../dom.js';
import { waitText } from '../format.js';
import { register, show, showScreen, onScreenChange } from '../navigation.js';
import { t, tq } from '../words.js';

const THANKS_TIMEOUT_MS = 20000;
let timer = null;

onScreenChange(() => {
  clearTimeout(timer);
  timer = null;
});

function showThanks() {
  const finish = button(t('thanks.finish'), { primary: true });
  finish.addEventListener('click', () => show('handover'));
  showScreen(t('thanks.heading'), [
    el('p', { class: 'thanks' }, tq('thanks')),
    el('p', { class: 'hint' }, t('thanks.closes', { time: waitText(THANKS_TIMEOUT_MS / 1000) })),
    actions(finish),
  ]);
  timer = setTimeout(() => show('handover'), THANKS_TIMEOUT_MS);
}

register('thanks', showThanks);
