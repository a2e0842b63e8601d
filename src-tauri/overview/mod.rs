//! The team's view: what a manager takes to a team meeting, read from a headline
//! release alone. For each team and all teams together, each score and percentage over
//! the periods, the latest period's teams side by side, and plain flags, all computed
//! from published figures only: a withheld value is a gap, never a guess.
//!
//! Plain Rust: the window shows a [`Picture`] as it is, and the printable report draws
//! the same charts from it (`chart`), so the two always agree.

pub mod chart;
mod perception;

pub use perception::Perception;

use serde::Serialize;

use crate::disclosure::{Release, Value, PERSON_MEASURES, SCORES};
use crate::period::Period;
use chart::Scale;

/// The three PSI dimensions: the flags compare them with each other.
pub const DIMENSIONS: [&str; 3] = ["power", "safety", "identity"];

/// The mark a chart puts where a value is withheld; the legend says what it means.
pub const GAP_MARK: &str = "–";

/// A fall of at least this many tenths of a point over two periods is flagged.
pub const FALL_TENTHS: i64 = 3;

/// A fall, or a rupture percentage above the median, is flagged when it is in one of
/// this many latest periods.
pub const RECENT: usize = 2;

/// For how many periods running a dimension must be the team's lowest to be flagged.
pub const LOWEST_RUN: usize = 3;

fn scale(measure: &str) -> Scale {
    // The averages of the comparisons with practitioners' estimates are scores too.
    let average = crate::summary::all_measures()
        .iter()
        .any(|m| m.id == measure && m.is_estimate() && m.kind == crate::questionnaire::Kind::Scale);
    if SCORES.contains(&measure) || average {
        Scale::Score
    } else {
        Scale::Percent
    }
}

/// One published value, as a number to compare and as the text every format shows.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Point {
    pub period: String,
    /// The published text ("3.8", "12%", "95% or more"); empty when withheld. The
    /// window writes the same from `value`, `percent` and `bound` in its own language,
    /// so this is not sent to it.
    #[serde(skip)]
    pub text: String,
    pub withheld: bool,
    /// The number published: 3.8, or 12 (percent); `None` when withheld.
    pub value: Option<f64>,
    pub percent: bool,
    /// "at_least" ("95% or more"), "at_most" ("5% or less"), or `None`.
    pub bound: Option<&'static str>,
    /// Scores in tenths (38 for 3.8), percentages in points; `None` when withheld.
    #[serde(skip)]
    pub units: Option<i64>,
    /// For "N% or less": the value is at most this, so it is never "above" anything.
    #[serde(skip)]
    pub at_most: bool,
    /// "N% or more" or "N% or less": a bound, not the value.
    #[serde(skip)]
    pub bounded: bool,
}

impl Point {
    fn of(period: Period, v: Value) -> Point {
        let units = match v {
            Value::Tenths(t) => Some(t as i64),
            Value::Percent(p) | Value::PercentAtLeast(p) | Value::PercentAtMost(p) => {
                Some(i64::from(p))
            }
            Value::Count(_) | Value::Withheld(_) => None,
        };
        Point {
            period: period.to_string(),
            text: if units.is_some() {
                v.display()
            } else {
                String::new()
            },
            withheld: units.is_none(),
            value: units.map(|u| match v {
                Value::Tenths(_) => u as f64 / 10.0,
                _ => u as f64,
            }),
            percent: matches!(
                v,
                Value::Percent(_) | Value::PercentAtLeast(_) | Value::PercentAtMost(_)
            ),
            bound: match v {
                Value::PercentAtLeast(_) => Some("at_least"),
                Value::PercentAtMost(_) => Some("at_most"),
                _ => None,
            },
            units,
            at_most: matches!(v, Value::PercentAtMost(_)),
            bounded: matches!(v, Value::PercentAtMost(_) | Value::PercentAtLeast(_)),
        }
    }

    fn number(&self, scale: Scale) -> Option<f64> {
        self.units.map(|u| match scale {
            Scale::Score => u as f64 / 10.0,
            Scale::Percent => u as f64,
        })
    }
}

/// The change from the first published value shown to the last.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    pub from: Point,
    pub to: Point,
    /// How much, without its sign: "0.4" (a score), "5" (percentage points).
    pub by: String,
    /// "up", "down" or "same".
    pub direction: &'static str,
}

/// Only exact values count: "5% or less" to "10%" may be no change at all.
fn change(points: &[Point], scale: Scale) -> Option<Change> {
    let published: Vec<&Point> = points
        .iter()
        .filter(|p| p.units.is_some() && !p.bounded)
        .collect();
    let (first, last) = (*published.first()?, *published.last()?);
    if published.len() < 2 {
        return None;
    }
    let d = last.units? - first.units?;
    let by = match scale {
        Scale::Score => format!("{}.{}", d.abs() / 10, d.abs() % 10),
        Scale::Percent => d.abs().to_string(),
    };
    Some(Change {
        from: first.clone(),
        to: last.clone(),
        by,
        direction: match d.signum() {
            1 => "up",
            -1 => "down",
            _ => "same",
        },
    })
}

/// One measure of one team over the periods shown.
#[derive(Debug, Clone, Serialize)]
pub struct Trend {
    pub measure: &'static str,
    pub points: Vec<Point>,
    pub change: Option<Change>,
    /// The chart of `points` (SVG, a picture only: `points` are its text).
    pub svg: String,
}

/// A plain-words flag and the published figures it rests on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Flag {
    /// "lowest": a dimension was the team's lowest for [`LOWEST_RUN`] periods running;
    /// "fall": a score fell by at least 0.3 over two periods;
    /// "rupture": the team's latest rupture percentage is above the clinic's median.
    pub kind: &'static str,
    pub measure: &'static str,
    /// The figures the flag rests on, oldest first.
    pub points: Vec<Point>,
    /// For "rupture": the median of every team's published rupture percentages shown,
    /// as text ("9%") and as a number.
    pub median: Option<String>,
    pub median_value: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TeamView {
    pub team: String,
    /// The row of all teams together.
    pub all_teams: bool,
    pub trends: Vec<Trend>,
    pub flags: Vec<Flag>,
    /// Where practitioners gave estimates: their sense of sessions beside what people
    /// said, by dimension (empty where no estimate's figure is published).
    pub perception: Vec<Perception>,
}

/// One score in the latest period, team by team.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub measure: &'static str,
    pub teams: Vec<(String, Point)>,
    /// The team (or teams, when tied) with the lowest published value.
    pub lowest: Vec<String>,
    pub svg: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Picture {
    /// "month" or "quarter".
    pub period_kind: &'static str,
    pub periods: Vec<String>,
    /// The latest period shown, which the comparison is of.
    pub latest: Option<String>,
    /// All teams first, then each team.
    pub teams: Vec<TeamView>,
    pub comparison: Vec<Comparison>,
}

/// The picture of `release` (a headline release without breakdown) over `shown`, the
/// periods to show, oldest first; periods not in the release are skipped.
pub fn picture(release: &Release, shown: &[Period]) -> Picture {
    let periods: Vec<Period> = shown
        .iter()
        .copied()
        .filter(|p| release.periods.contains(p))
        .collect();
    let mut names: Vec<Option<String>> = Vec::new();
    for g in &release.groups {
        if g.key.breakdown_value.is_none()
            && periods.contains(&g.key.period)
            && !names.contains(&g.key.team)
        {
            names.push(g.key.team.clone());
        }
    }
    // All teams first.
    names.sort_by_key(|t| t.is_some());
    let value = |team: &Option<String>, period: Period, measure: &str| -> Value {
        release
            .groups
            .iter()
            .find(|g| {
                &g.key.team == team && g.key.period == period && g.key.breakdown_value.is_none()
            })
            // A period with no responses has no group: a gap like a withheld value.
            .map_or(Value::Count(0), |g| g.headline(measure))
    };
    build(release.period_kind.id(), &periods, &names, &value)
}

/// The picture of the published `value(team, period, measure)` of `teams` (`None` for
/// all teams) over `periods`.
fn build(
    period_kind: &'static str,
    periods: &[Period],
    names: &[Option<String>],
    value: &dyn Fn(&Option<String>, Period, &str) -> Value,
) -> Picture {
    let series = |team: &Option<String>, measure: &str| -> Vec<Point> {
        periods
            .iter()
            .map(|&p| Point::of(p, value(team, p, measure)))
            .collect()
    };
    let labels: Vec<String> = periods.iter().map(|p| p.to_string()).collect();
    let median = rupture_median(
        names
            .iter()
            .filter(|t| t.is_some())
            .flat_map(|t| series(t, "rupture")),
    );
    let teams = names
        .iter()
        .map(|team| {
            // Each team's trends: the headline layout's measures, in its order.
            let trends: Vec<Trend> = PERSON_MEASURES
                .iter()
                .map(|&measure| {
                    let points = series(team, measure);
                    let s = scale(measure);
                    let values: Vec<Option<f64>> = points.iter().map(|p| p.number(s)).collect();
                    Trend {
                        measure,
                        change: change(&points, s),
                        svg: chart::line(&labels, &values, s, GAP_MARK),
                        points,
                    }
                })
                .collect();
            let mut flags = lowest_run(&trends).into_iter().collect::<Vec<_>>();
            flags.extend(falls(&trends));
            if team.is_some() {
                flags.extend(rupture_flag(&trends, median));
            }
            let perception = perception::perceptions(&labels, &|m| series(team, m));
            TeamView {
                perception,
                team: team
                    .as_deref()
                    .unwrap_or(crate::summary::ALL_TEAMS)
                    .to_string(),
                all_teams: team.is_none(),
                trends,
                flags,
            }
        })
        .collect::<Vec<_>>();
    let latest = periods.last().copied();
    let comparison = latest
        .map(|p| {
            SCORES
                .iter()
                .map(|&measure| {
                    let rows: Vec<(String, Point)> = names
                        .iter()
                        .filter(|t| t.is_some())
                        .map(|t| {
                            (
                                t.clone().unwrap_or_default(),
                                Point::of(p, value(t, p, measure)),
                            )
                        })
                        .collect();
                    let min = rows.iter().filter_map(|(_, pt)| pt.units).min();
                    let lowest = rows
                        .iter()
                        .filter(|(_, pt)| min.is_some() && pt.units == min)
                        .map(|(t, _)| t.clone())
                        .collect();
                    let bars: Vec<(String, Option<f64>)> = rows
                        .iter()
                        .map(|(t, pt)| (t.clone(), pt.number(Scale::Score)))
                        .collect();
                    Comparison {
                        measure,
                        svg: chart::bars(&bars, Scale::Score, GAP_MARK),
                        teams: rows,
                        lowest,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    Picture {
        period_kind,
        periods: labels,
        latest: latest.map(|p| p.to_string()),
        teams,
        comparison,
    }
}

fn trend<'a>(trends: &'a [Trend], measure: &str) -> &'a Trend {
    trends
        .iter()
        .find(|t| t.measure == measure)
        .expect("every trend is built")
}

/// A dimension that was strictly the lowest of the three in each of the last
/// [`LOWEST_RUN`] periods, all of whose values are published.
fn lowest_run(trends: &[Trend]) -> Option<Flag> {
    let n = trend(trends, DIMENSIONS[0]).points.len();
    if n < LOWEST_RUN {
        return None;
    }
    DIMENSIONS.iter().find_map(|&d| {
        let run = (n - LOWEST_RUN..n).all(|i| {
            let mine = trend(trends, d).points[i].units;
            mine.is_some()
                && DIMENSIONS.iter().filter(|&&o| o != d).all(|&o| {
                    let theirs = trend(trends, o).points[i].units;
                    theirs.is_some() && mine < theirs
                })
        });
        run.then(|| Flag {
            kind: "lowest",
            measure: d,
            points: trend(trends, d).points[n - LOWEST_RUN..].to_vec(),
            median: None,
            median_value: None,
        })
    })
}

/// For each score, a fall of at least 0.3 within two periods (from one or two periods
/// before, both published) that ends in one of the last [`RECENT`] periods: flags are
/// about now, not a dip long past (the charts show those). The latest and largest fall.
fn falls(trends: &[Trend]) -> Vec<Flag> {
    SCORES
        .iter()
        .filter_map(|&m| {
            let points = &trend(trends, m).points;
            let n = points.len();
            (1.max(n.saturating_sub(RECENT))..n).rev().find_map(|i| {
                let after = points[i].units?;
                let (j, drop) = (i.saturating_sub(2)..i)
                    .filter_map(|j| Some((j, points[j].units? - after)))
                    .max_by_key(|&(j, d)| (d, std::cmp::Reverse(j)))?;
                (drop >= FALL_TENTHS).then(|| Flag {
                    kind: "fall",
                    measure: m,
                    points: vec![points[j].clone(), points[i].clone()],
                    median: None,
                    median_value: None,
                })
            })
        })
        .collect()
}

/// The median of the published rupture percentages (each team's, each period); "N% or
/// less" and "N% or more" count as N.
fn rupture_median(points: impl Iterator<Item = Point>) -> Option<i64> {
    let mut v: Vec<i64> = points.filter_map(|p| p.units).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let mid = v.len() / 2;
    // An even count takes the mean of the middle two, rounded down: a flag needs a
    // value above it, so rounding down never hides one.
    Some(if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2
    })
}

/// The team's latest published rupture percentage, in one of the last [`RECENT`]
/// periods, if it is above the clinic's median.
fn rupture_flag(trends: &[Trend], median: Option<i64>) -> Option<Flag> {
    let median = median?;
    let latest = trend(trends, "rupture")
        .points
        .iter()
        .rev()
        .take(RECENT)
        .find(|p| p.units.is_some())?;
    (!latest.at_most && latest.units? > median).then(|| Flag {
        kind: "rupture",
        measure: "rupture",
        points: vec![latest.clone()],
        median: Some(format!("{median}%")),
        median_value: Some(median),
    })
}

#[cfg(test)]
mod tests;
