// The Overview's pictures and figures: the charts come from the Rust side as SVG (the
// same module draws the printable report's), and each sits beside its figures as text.
import { el } from '../dom.js';
import { t, tn } from '../words.js';
import { scrollingTable } from './part.js';

// What the chart module draws, and nothing else: a chart with anything more is dropped.
const SVG_ELEMENTS = new Set(['svg', 'line', 'polyline', 'circle', 'rect', 'text']);
const SVG_ATTRIBUTES = new Set([
  'class', 'aria-hidden', 'focusable', 'width', 'height', 'viewBox', 'xmlns', 'x', 'y', 'x1', 'x2',
  'y1', 'y2', 'cx', 'cy', 'r', 'points', 'fill', 'stroke', 'stroke-width', 'font-size',
  'font-style', 'text-anchor',
]);

/** The chart `markup` as a node, parsed as XML (no script runs) and checked element by
 *  element; `null` if it holds anything the chart module does not draw. */
export function chartNode(markup) {
  const doc = new DOMParser().parseFromString(String(markup || ''), 'image/svg+xml');
  const svg = doc.documentElement;
  if (!svg || svg.localName !== 'svg' || doc.querySelector('parsererror')) return null;
  for (const node of [svg, ...svg.querySelectorAll('*')]) {
    if (!SVG_ELEMENTS.has(node.localName)) return null;
    for (const attr of node.attributes) if (!SVG_ATTRIBUTES.has(attr.name)) return null;
  }
  return document.importNode(svg, true);
}

/** A measure's name: "Power", "Said something did not feel right", ... */
export function measureName(id) {
  return t('overview.measure.' + id);
}

/** A published point as text: its value, or the gap mark for a withheld one. */
export function pointText(point) {
  return point && !point.withheld ? point.text : t('overview.no_figure');
}

const PERCENTAGES = ['rupture', 'attending_choice'];

/** "Up 0.4: 3.4 in 2025-12, 3.8 in 2026-11.", or why there is no change to show. */
export function changeText(change, measure) {
  if (!change) return t('overview.change.none');
  const by = PERCENTAGES.includes(measure) ? tn('overview.points', Number(change.by)) : change.by;
  return t('overview.change.' + change.direction, {
    from: change.from.text, from_period: change.from.period,
    to: change.to.text, to_period: change.to.period, by,
  });
}

/** One small chart of a team's measure over time, its change under it in words. */
export function trendFigure(trend) {
  return el('figure', { class: 'trend' },
    el('figcaption', { class: 'trend__title' }, measureName(trend.measure)),
    chartNode(trend.svg),
    el('p', { class: 'trend__change' }, changeText(trend.change, trend.measure)));
}

/** A team's figures behind its charts: a row per period, a column per measure. */
export function figuresTable(team, name, periods) {
  const headers = [t('summary.column.period'), ...team.trends.map((tr) => measureName(tr.measure))];
  const rows = periods.map((period, i) => el('tr', null,
    el('th', { scope: 'row' }, period),
    team.trends.map((tr) => {
      const point = tr.points[i];
      return el('td', point && point.withheld ? { class: 'withheld' } : null, pointText(point));
    })));
  return el('details', { class: 'figures' },
    el('summary', null, t('overview.figures', { team: name })),
    scrollingTable(t('overview.figures_caption', { team: name }), headers, rows));
}

/** A flag in plain words, with the figures it rests on. */
export function flagText(flag, team) {
  const measure = measureName(flag.measure);
  const points = flag.points || [];
  if (flag.kind === 'lowest') {
    const figures = points.map((p) => t('overview.flag.point', { value: p.text, period: p.period })).join(', ');
    return t('overview.flag.lowest', { team, measure, n: points.length, figures });
  }
  if (flag.kind === 'fall') {
    const [from, to] = points;
    return t('overview.flag.fall', {
      team, measure, from: from.text, from_period: from.period, to: to.text, to_period: to.period,
    });
  }
  const [latest] = points;
  return t('overview.flag.rupture', { team, value: latest.text, period: latest.period, median: flag.median });
}

/** The legend for the gap mark, said once under the charts. */
export function gapLegend() {
  return el('p', { class: 'legend note' },
    el('span', { class: 'withheld__mark', 'aria-hidden': 'true' }, t('overview.gap')), ' ', t('overview.gap_legend'));
}
