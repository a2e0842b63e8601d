// The Overview's part on the practitioners' sense of sessions beside what people said:
// for each team where practitioners gave estimates at hand-over, each dimension's two
// averages over time (a chart, and the latest figures in words), how often the estimate
// was higher and how often lower, and a question for the team. Published figures only, like every part.
import { el } from '../dom.js';
import { t } from '../words.js';
import { chartNode, measureName, pointText } from './charts.js';
import { scrollingTable } from './part.js';

/** The latest period with both averages published, in words. */
function latestText(p) {
  for (let i = p.estimate.length - 1; i >= 0; i -= 1) {
    const [estimate, person, higher, lower] = [p.estimate[i], p.person[i], p.higher[i], p.lower[i]];
    if (!estimate.withheld && !person.withheld) {
      const said = t('perception.latest', {
        period: estimate.period, estimate: pointText(estimate), person: pointText(person),
      });
      return higher && !higher.withheld && lower && !lower.withheld
        ? said + ' ' + t('perception.higher', { higher: pointText(higher), lower: pointText(lower) }) : said;
    }
  }
  return t('perception.none');
}

function dimensionFigure(p) {
  return el('figure', { class: 'trend' },
    el('figcaption', { class: 'trend__title' }, measureName(p.dimension)),
    chartNode(p.svg),
    el('p', { class: 'trend__change' }, latestText(p)));
}

/** Every period's figures: for each dimension, the estimate, what people said, and the
 *  shares where the estimate was higher and lower. */
function figures(team, name, periods) {
  const headers = [t('summary.column.period'), ...team.perception.flatMap((p) => [
    t('perception.column.estimate', { measure: measureName(p.dimension) }),
    t('perception.column.person', { measure: measureName(p.dimension) }),
    t('perception.column.higher', { measure: measureName(p.dimension) }),
    t('perception.column.lower', { measure: measureName(p.dimension) }),
  ])];
  const cell = (point) => el('td', point && point.withheld ? { class: 'withheld' } : null, pointText(point));
  const rows = periods.map((period, i) => el('tr', null,
    el('th', { scope: 'row' }, period),
    team.perception.map((p) => [cell(p.estimate[i]), cell(p.person[i]), cell(p.higher[i]), cell(p.lower[i])])));
  return el('details', { class: 'figures' },
    el('summary', null, t('perception.figures', { team: name })),
    scrollingTable(t('perception.figures_caption', { team: name }), headers, rows));
}

/** The part, or null where no team has a published estimate. `teamName` names a team
 *  in the language on screen. */
export function perceptionPart(picture, teamName) {
  const teams = picture.teams.filter((team) => team.perception && team.perception.length);
  if (!teams.length) return null;
  const headingId = 'overview-perception-heading';
  return el('section', { class: 'overview-part', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, t('perception.title')),
    el('p', { class: 'note' }, t('perception.note')),
    el('p', { class: 'legend note' },
      el('span', { class: 'key key--people', 'aria-hidden': 'true' }), ' ', t('perception.key.people'), ' ',
      el('span', { class: 'key key--estimate', 'aria-hidden': 'true' }), ' ', t('perception.key.estimate')),
    teams.map((team, i) => el('section', { class: 'overview-team', 'aria-labelledby': headingId + '-' + i },
      el('h4', { id: headingId + '-' + i }, teamName(team)),
      el('div', { class: 'chart-row' }, team.perception.map(dimensionFigure)),
      figures(team, teamName(team), picture.periods))),
    el('h4', null, t('perception.prompt_title')),
    el('ul', null, ['power', 'safety', 'identity'].map((d) => el('li', null, t('perception.prompt.' + d)))),
    el('p', { class: 'note' }, t('perception.prompt_note')));
}
