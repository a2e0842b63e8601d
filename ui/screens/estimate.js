// The practitioner's estimate, where the device asks for it: after the session details
// and before the device goes to the person, the practitioner may say how they think
// the person felt about their say, their safety and being seen, in the questionnaire's
// own five words. It goes to the Rust side at once and the page keeps nothing of it:
// the next screen replaces this one, and the person never sees it. Skip is always there.
import { el, button, actions, oneAtATime } from '../dom.js';
import { errorSlot, showError } from '../errors.js';
import { radioGroup, checkedValue } from '../forms.js';
import { call } from '../ipc.js';
import { register, showScreen } from '../navigation.js';
import { t } from '../words.js';

const DIMENSIONS = ['power', 'safety', 'identity'];
const CODES = [
  [1, 'not_at_all'], [2, 'a_little'], [3, 'partly'], [4, 'mostly'], [5, 'completely'],
];

function question(dimension) {
  return radioGroup({
    legend: t('estimate.' + dimension),
    name: 'estimate-' + dimension,
    idPrefix: 'estimate-' + dimension,
    options: CODES.map(([code, id]) => ({ value: code, label: t('q.option.agreement.' + id) })),
    checked: null,
  });
}

/** `handOver()` gives the device to the person once the estimate (or none) is held. */
function showEstimate(handOver) {
  const slot = errorSlot();
  const groups = DIMENSIONS.map((d) => [d, question(d)]);
  const give = button(t('estimate.give'), { primary: true, type: 'submit' });
  const skip = button(t('estimate.skip'));
  const form = el('form', { novalidate: true, autocomplete: 'off' },
    slot, groups.map(([, g]) => g), actions(give, skip));
  const busy = oneAtATime();

  async function hold(estimate) {
    if (busy.running()) return;
    await busy([give, skip], async () => {
      try {
        await call('hold_estimate', { estimate });
      } catch (error) {
        showError(form, slot, error.message);
        return;
      }
      handOver();
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const estimate = {};
    for (const [d, g] of groups) {
      const value = checkedValue(g, 'estimate-' + d);
      estimate[d] = value === null ? null : Number(value);
    }
    hold(estimate);
  });
  skip.addEventListener('click', () => hold(null));

  showScreen(t('estimate.heading'), [
    el('p', null, t('estimate.lead')),
    el('p', { class: 'hint' }, t('estimate.privacy')),
    form,
  ]);
}

register('estimate', showEstimate);
