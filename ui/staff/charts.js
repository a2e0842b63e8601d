// The Overview's pictures and figures: the charts come from the Rust side as SVG (the
// same module draws the printable report's), and each sits beside its figures as text.
import { el } from '../dom.js';
import { t, tn, words } from '../words.js';
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

/** A published point's figure in the language on screen: "3.8" ("3,8" in Polish),
 *  "12%", "95% or more"; "no figure" for a withheld one. */
export function pointText(point) {
  if (!point || point.withheld || typeof point.value !== 'number') return t('overview.no_figure');
  const figure = point.percent
    ? new Intl.NumberFormat(words.current, { maximumFractionDigits: 0 }).format(point.value) + '%'
    : new Intl.NumberFormat(words.current, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(point.value);
  return point.bound ? t('overview.bound.' + point.bound, { value: figure }) : figure;
}

const PERCENTAGES = ['rupture', 'attending_choice'];

/** "Up 0.4: 3.4 in 2025-12, 3.8 in 2026-11.", or why there is no change to show. */
export function changeText(change, measure) {
  if (!change) return t('overview.change.none');
  const by = PERCENTAGES.includes(measure) ? tn('overview.points', Number(change.by))
    : new Intl.NumberFormat(words.current, { minimumFractionDigits: 1 }).format(Number(change.by));
  return t('overview.change.' + change.direction, {
    from: pointText(change.from), from_period: change.from.period,
    to: pointText(change.to), to_period: change.to.period, by,
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
    const figures = points.map((p) => t('overview.flag.point', { value: pointText(p), period: p.period })).join(', ');
    return t('overview.flag.lowest', { team, measure, n: points.length, figures });
  }
  if (flag.kind === 'fall') {
    const [from, to] = points;
    return t('overview.flag.fall', {
      team, measure, from: pointText(from), from_period: from.period, to: pointText(to), to_period: to.period,
    });
  }
  const [latest] = points;
  const median = pointText({ value: flag.median_value, percent: true });
  return t('overview.flag.rupture', { team, value: pointText(latest), period: latest.period, median });
}

/** The legend for the gap mark, said once under the charts. */
export function gapLegend() {
  return el('p', { class: 'legend note' },
    el('span', { class: 'withheld__mark', 'aria-hidden': 'true' }, t('overview.gap')), ' ', t('overview.gap_legend'));
}
