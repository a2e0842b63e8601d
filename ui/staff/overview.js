// Staff area: the Overview, what a manager takes to a team meeting. For the periods
// chosen: the teams compared in the latest period, plain flags, each team's scores over
// time (small charts, their figures as text behind them), where practitioners gave
// estimates their sense of sessions beside what people said, questions to talk about,
// and the summary table. Every figure is one an export would publish.
import { el } from '../dom.js';
import { errorSlot, clearErrors } from '../errors.js';
import { radioGroup, checkedValue } from '../forms.js';
import { call } from '../ipc.js';
import { latestReply } from '../navigation.js';
import { state } from '../state.js';
import { t, tn, hasWord } from '../words.js';
import { staffSection, scrollingTable, failed } from './part.js';
import { chartNode, measureName, pointText, trendFigure, figuresTable, flagText, gapLegend } from './charts.js';
import { perceptionPart } from './perception.js';
import { summaryTable } from './summary.js';

// Questions for a team to talk about, by dimension: `overview.questions.<id>.<n>`, from 1
// for as long as the words go on.
const QUESTIONS = ['power', 'safety', 'identity', 'rupture'];

function questions(id) {
  const out = [];
  for (let n = 1; hasWord(`overview.questions.${id}.${n}`); n += 1) out.push(t(`overview.questions.${id}.${n}`));
  return out;
}

/** A team's name: "All teams" in the language on screen. */
export function teamName(team) {
  return team.all_teams ? t('overview.all_teams') : team.team;
}

function lowestText(comparison) {
  const measure = measureName(comparison.measure);
  if (!comparison.lowest.length) return t('overview.lowest.none', { measure });
  const value = pointText(comparison.teams.find(([team]) => team === comparison.lowest[0])[1]);
  const said = t('overview.lowest.' + (comparison.lowest.length > 1 ? 'tied' : 'single'), {
    measure, teams: comparison.lowest.join(', '), value,
  });
  // Said when a team's figure is withheld: it may be lower still.
  return comparison.teams.some(([, point]) => point.withheld) ? said + ' ' + t('overview.lowest.not_all') : said;
}

/** The teams side by side in the latest period: a table, a bar chart per score, and
 *  which team is lowest on each, in words. */
function comparisonPart(picture) {
  if (!picture.latest || !picture.comparison.length) return null;
  const headingId = 'overview-compared-heading';
  const teams = picture.comparison[0].teams.map(([team]) => team);
  const rows = teams.map((team, i) => el('tr', null,
    el('th', { scope: 'row' }, team),
    picture.comparison.map((c) => {
      const point = c.teams[i][1];
      return el('td', point.withheld ? { class: 'withheld' } : null, pointText(point));
    })));
  const table = scrollingTable(t('overview.compared_caption', { period: picture.latest }),
    [t('summary.column.team'), ...picture.comparison.map((c) => measureName(c.measure))], rows);
  return el('section', { class: 'overview-part', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, t('overview.compared', { period: picture.latest })),
    el('ul', { class: 'plain-list lowest-list' }, picture.comparison.map((c) => el('li', null, lowestText(c)))),
    el('div', { class: 'chart-row' }, picture.comparison.map((c) => el('figure', { class: 'trend' },
      el('figcaption', { class: 'trend__title' }, measureName(c.measure)), chartNode(c.svg)))),
    table);
}

function flagsPart(picture) {
  const headingId = 'overview-flags-heading';
  const items = picture.teams.flatMap((team) => team.flags.map((flag) => el('li', null, flagText(flag, teamName(team)))));
  return el('section', { class: 'overview-part', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, t('overview.flags')),
    el('p', { class: 'note' }, t('overview.flags_note')),
    items.length ? el('ul', { class: 'flag-list' }, items) : el('p', null, t('overview.no_flags')));
}

function teamPart(team, picture) {
  const headingId = 'overview-team-' + picture.teams.indexOf(team);
  const scores = team.trends.filter((tr) => tr.measure !== 'rupture' && tr.measure !== 'attending_choice');
  const shares = team.trends.filter((tr) => !scores.includes(tr));
  return el('section', { class: 'overview-team', 'aria-labelledby': headingId },
    el('h4', { id: headingId }, teamName(team)),
    el('div', { class: 'chart-row' }, scores.map(trendFigure)),
    el('div', { class: 'chart-row' }, shares.map(trendFigure)),
    figuresTable(team, teamName(team), picture.periods));
}

function questionsPart() {
  const headingId = 'overview-questions-heading';
  return el('section', { class: 'overview-part', 'aria-labelledby': headingId },
    el('h3', { id: headingId }, t('overview.questions')),
    el('p', { class: 'note' }, t('overview.questions_note')),
    QUESTIONS.map((id) => [
      el('h4', null, measureName(id)),
      el('ul', null, questions(id).map((q) => el('li', null, q))),
    ]));
}

function teamCounts(data) {
  const teamList = data.teams || [];
  return teamList.length ? [
    el('h4', { class: 'small-heading' }, t('summary.by_team')),
    el('ul', { class: 'plain-list' }, teamList.map((count) => el('li', null,
      tn('summary.team_responses', Number(count.responses) || 0, { team: count.team })))),
  ] : [];
}

/** Everything the Overview shows of one reply. */
function overviewParts(data, period) {
  const picture = data.picture;
  if (!picture || !picture.periods.length) return [el('p', null, t('summary.nothing_yet'))];
  const all = el('details', { class: 'figures' },
    el('summary', null, t('overview.every_figure')),
    summaryTable(data, period));
  return [
    comparisonPart(picture),
    flagsPart(picture),
    el('section', { class: 'overview-part', 'aria-labelledby': 'overview-trends-heading' },
      el('h3', { id: 'overview-trends-heading' },
        t('overview.trends', { from: picture.periods[0], to: picture.periods[picture.periods.length - 1] })),
      gapLegend(),
      picture.teams.map((team) => teamPart(team, picture))),
    perceptionPart(picture, teamName),
    questionsPart(),
    el('section', { class: 'overview-part', 'aria-labelledby': 'overview-summary-heading' },
      el('h3', { id: 'overview-summary-heading' }, t('summary.title')), teamCounts(data), all,
      el('p', { class: 'note' }, t('summary.note'))),
  ].filter(Boolean);
}

export function overviewSection() {
  const slot = errorSlot();
  const total = el('p', { class: 'total' }, t('summary.loading'));
  const periods = radioGroup({
    legend: t('summary.periods'), name: 'overview-period', idPrefix: 'overview-period', inline: true,
    options: [{ value: 'month', label: t('summary.by_month') }, { value: 'quarter', label: t('summary.by_quarter') }],
    checked: state.overviewPeriod,
  });
  const span = radioGroup({
    legend: t('overview.span'), name: 'overview-span', idPrefix: 'overview-span', inline: true,
    options: [{ value: 'year', label: t('overview.span.year') }, { value: 'all', label: t('overview.span.all') }],
    checked: state.overviewSpan,
  });
  const box = el('div', { class: 'overview-box' });
  const section = staffSection('overview', t('overview.title'), slot, total,
    el('div', { class: 'overview-choices' }, periods, span), box);
  const replies = latestReply();

  async function load() {
    const current = replies.next();
    const period = state.overviewPeriod;
    box.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await call('staff_overview', { period, span: state.overviewSpan });
    } catch (error) {
      if (!current()) return;
      box.removeAttribute('aria-busy');
      failed(error, section, slot, { focus: false });
      return;
    }
    if (!current()) return;
    box.removeAttribute('aria-busy');
    clearErrors(section, slot);
    total.textContent = tn('summary.total', Number(data.total_responses) || 0);
    box.replaceChildren(...overviewParts(data, period).flat(Infinity));
  }

  periods.addEventListener('change', () => {
    state.overviewPeriod = checkedValue(periods, 'overview-period') || 'month';
    load();
  });
  span.addEventListener('change', () => {
    state.overviewSpan = checkedValue(span, 'overview-span') || 'year';
    load();
  });
  return { section, load };
}
