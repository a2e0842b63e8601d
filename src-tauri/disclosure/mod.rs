//! Disclosure control: turns true counts into what may be published.
//!
//! This module is the only way to make a [`Release`], and every export writer takes a
//! `Release`, so nothing reaches a file without passing the rules of
//! `disclosure-rules.md`. Implemented here: rules 1-5 and 9 (content, whole periods,
//! group floor, small counts and rounding, derived statistics with the inversion check
//! inside each group, reasons for every withheld value). The later rules (margins
//! across groups, role merging, the release ledger) are further passes over the same
//! cells: each cell carries its reason, so a pass can withhold more cells without
//! touching the writers.

mod codec;
pub mod inversion;
pub mod margins;

pub use codec::{decode, encode};

use std::collections::HashMap;

use serde::Serialize;

use crate::error::Message;
use crate::period::{Period, PeriodKind};
use crate::questionnaire::{AnswerOption, Kind};
use crate::summary::{measures, Breakdown, GroupKey, Measure, Tally};

/// The rule settings. They can be made stricter, never looser than the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rules {
    /// Groups with fewer responses than this show only "fewer than N" (rule 3).
    pub group_floor: u64,
    /// Counts from 1 to this are withheld (rule 4).
    pub small_count_max: u64,
    /// Every other count is rounded to the nearest multiple of this (rule 4).
    pub rounding_base: u64,
    /// Means, SDs and percentages need at least this many answers (rule 5).
    pub derived_min_n: u64,
    /// Percentages at or above this are shown as "N or more" (rule 5).
    pub percent_top_code: u32,
    /// Percentages at or below this are shown as "N or less" (rule 5).
    pub percent_bottom_code: u32,
    /// A withheld count must keep at least this many possible values for an intruder
    /// who knows everything published (rules 5 and 6).
    pub min_possible_values: u64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            group_floor: 10,
            small_count_max: 7,
            rounding_base: 5,
            derived_min_n: 10,
            percent_top_code: 95,
            percent_bottom_code: 5,
            min_possible_values: 3,
        }
    }
}

/// The settings staff may change: each can only make the rules stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    pub group_floor: u64,
    pub rounding_base: u64,
    pub min_possible_values: u64,
}

/// The lowest a group floor may ever be (rule 3).
pub const LOWEST_FLOOR: u64 = 8;
pub const HIGHEST_FLOOR: u64 = 1000;
pub const HIGHEST_ROUNDING_BASE: u64 = 100;

impl Rules {
    pub fn settings(&self) -> RuleSettings {
        RuleSettings {
            group_floor: self.group_floor,
            rounding_base: self.rounding_base,
            min_possible_values: self.min_possible_values,
        }
    }

    /// The rules with `new` settings, if each is at least as strict as now: the floor
    /// never below 8 nor below what it is, the rounding base and the protection only
    /// larger. Returns the field and the reason otherwise.
    pub fn tightened(&self, new: RuleSettings) -> Result<Rules, (&'static str, Message)> {
        if new.group_floor < LOWEST_FLOOR || new.group_floor > HIGHEST_FLOOR {
            return Err((
                "group_floor",
                Message::new(
                    "error.rules.floor_range",
                    vec![
                        ("min", LOWEST_FLOOR.to_string()),
                        ("max", HIGHEST_FLOOR.to_string()),
                    ],
                ),
            ));
        }
        if new.group_floor < self.group_floor {
            return Err((
                "group_floor",
                Message::new(
                    "error.rules.floor_lower",
                    vec![("floor", self.group_floor.to_string())],
                ),
            ));
        }
        if new.rounding_base < self.rounding_base || new.rounding_base > HIGHEST_ROUNDING_BASE {
            return Err((
                "rounding_base",
                Message::new(
                    "error.rules.rounding",
                    vec![
                        ("from", self.rounding_base.to_string()),
                        ("to", HIGHEST_ROUNDING_BASE.to_string()),
                    ],
                ),
            ));
        }
        if new.min_possible_values < self.min_possible_values
            || new.min_possible_values > self.small_count_max
        {
            return Err((
                "min_possible_values",
                Message::new(
                    "error.rules.protection",
                    vec![
                        ("from", self.min_possible_values.to_string()),
                        ("to", self.small_count_max.to_string()),
                    ],
                ),
            ));
        }
        Ok(Rules {
            group_floor: new.group_floor,
            rounding_base: new.rounding_base,
            min_possible_values: new.min_possible_values,
            // Averages need as many answers as a group needs responses, and never fewer than 10.
            derived_min_n: new.group_floor.max(Rules::default().derived_min_n),
            ..*self
        })
    }
}

impl Rules {
    /// The rules in plain words, as every export states them (rule 9).
    pub fn plain_words(&self) -> Vec<String> {
        vec![
            "Only whole calendar months or quarters are shown. There are no dates, times, names, ids or comments.".into(),
            format!(
                "A group (one team, one period, and at most one breakdown value) with fewer than {} responses shows only \"fewer than {}\".",
                self.group_floor, self.group_floor
            ),
            format!(
                "Inside a group, any count from 1 to {} is withheld. Every other count, the number of responses included, is rounded to the nearest {}. A true zero is shown as 0.",
                self.small_count_max, self.rounding_base
            ),
            format!(
                "Averages and standard deviations are only shown where at least {} people answered, to one decimal place.",
                self.derived_min_n
            ),
            format!(
                "Percentages are worked out from the rounded counts, shown as whole numbers, and shown as \"{}% or more\" or \"{}% or less\" at the ends.",
                self.percent_top_code, self.percent_bottom_code
            ),
            format!(
                "If an average, SD, percentage or number who answered would let someone work a withheld count down to fewer than {} possible values, it is withheld too.",
                self.min_possible_values
            ),
            "Rows for all teams, for all the periods together and for all breakdown values are totals. Where a total, with the other rows or with earlier exports of the same responses, would let someone work out a withheld value, or narrow it to fewer possible values than above, more values are withheld, smallest first.".into(),
            "Practitioner roles held by fewer than 3 staff in a team are shown together as \"Other roles\"; a team whose roles are all held by so few shows no role rows.".into(),
            "Exports are recorded in the release ledger. A period exported before keeps the values it had; responses added to it later are left out and counted below.".into(),
            "Every withheld value says \"withheld\" and why. A withheld value is never shown as blank or zero.".into(),
        ]
    }
}

/// Why a value is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The whole group has fewer responses than the floor.
    GroupBelowFloor,
    /// A count from 1 to the small-count limit.
    SmallCount,
    /// A mean, SD or percentage from too few answers.
    SmallBase,
    /// A percentage whose numerator is a withheld count.
    RevealsSmallCount,
    /// A value that, with the others published, would narrow a withheld count to
    /// fewer than 3 possible values (the inversion check).
    NarrowsWithheld,
    /// A value that, with the totals, would let a withheld value be worked out (rule 6),
    /// or that describes such a value.
    ProtectsWithheld,
}

impl Reason {
    pub const ALL: [Reason; 6] = [
        Reason::GroupBelowFloor,
        Reason::SmallCount,
        Reason::SmallBase,
        Reason::RevealsSmallCount,
        Reason::NarrowsWithheld,
        Reason::ProtectsWithheld,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Reason::GroupBelowFloor => "group_below_floor",
            Reason::SmallCount => "small_count",
            Reason::SmallBase => "small_base",
            Reason::RevealsSmallCount => "reveals_small_count",
            Reason::NarrowsWithheld => "narrows_withheld",
            Reason::ProtectsWithheld => "protects_withheld",
        }
    }

    pub fn explain(self, rules: &Rules) -> String {
        match self {
            Reason::GroupBelowFloor => format!(
                "fewer than {} responses in this group, so nothing else about it is shown (rule 3)",
                rules.group_floor
            ),
            Reason::SmallCount => format!(
                "a count from 1 to {} could identify someone (rule 4)",
                rules.small_count_max
            ),
            Reason::SmallBase => format!(
                "fewer than {} answers, too few for an average or a percentage (rule 5)",
                rules.derived_min_n
            ),
            Reason::RevealsSmallCount => {
                format!(
                    "this percentage would give away a count from 1 to {} (rule 5)",
                    rules.small_count_max
                )
            }
            Reason::NarrowsWithheld => format!(
                "with the other figures shown, this would narrow a withheld count to fewer than {} possible values (rule 5)",
                rules.min_possible_values
            ),
            Reason::ProtectsWithheld => "withheld so that a withheld value cannot be worked out from the totals or from earlier exports (rules 6 and 8)".to_string(),
        }
    }
}

/// One published cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A rounded count (or a true zero).
    Count(u64),
    /// A mean or SD, in tenths (43 means 4.3).
    Tenths(u64),
    Percent(u32),
    /// "N% or more" (top-coded).
    PercentAtLeast(u32),
    /// "N% or less" (bottom-coded).
    PercentAtMost(u32),
    Withheld(Reason),
}

impl Value {
    pub fn is_withheld(self) -> bool {
        matches!(self, Value::Withheld(_))
    }

    pub fn reason(self) -> Option<Reason> {
        match self {
            Value::Withheld(r) => Some(r),
            _ => None,
        }
    }

    /// The value as text, the same in every format.
    pub fn text(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Tenths(t) => format!("{}.{}", t / 10, t % 10),
            Value::Percent(p) => p.to_string(),
            Value::PercentAtLeast(p) => format!("{p} or more"),
            Value::PercentAtMost(p) => format!("{p} or less"),
            Value::Withheld(_) => "withheld".to_string(),
        }
    }

    /// The value for people to read: percentages carry their sign ("80%", "95% or more").
    pub fn display(self) -> String {
        match self {
            Value::Percent(p) => format!("{p}%"),
            Value::PercentAtLeast(p) => format!("{p}% or more"),
            Value::PercentAtMost(p) => format!("{p}% or less"),
            other => other.text(),
        }
    }
}

/// One option's published count.
#[derive(Debug, Clone)]
pub struct OptionValue {
    pub option: &'static AnswerOption,
    pub count: Value,
}

/// What is published of one measure in one group.
#[derive(Debug, Clone)]
pub struct MeasureValues {
    pub measure: Measure,
    /// How many answered (declined and skipped left out).
    pub answered: Value,
    pub options: Vec<OptionValue>,
    /// Only for scales.
    pub mean: Option<Value>,
    pub sd: Option<Value>,
    /// The share of answers in the measure's headline options, in percent.
    pub share: Value,
}

/// What is published of one group.
#[derive(Debug, Clone)]
pub struct GroupRelease {
    pub key: GroupKey,
    pub responses: Value,
    /// Empty when the group is below the floor.
    pub measures: Vec<MeasureValues>,
}

/// Everything one export publishes. Only [`protect`] (and [`decode`], for a release
/// recorded in the ledger) makes one.
#[derive(Debug, Clone)]
pub struct Release {
    pub rules: Rules,
    pub period_kind: PeriodKind,
    pub periods: Vec<Period>,
    pub breakdown: Breakdown,
    pub groups: Vec<GroupRelease>,
    /// Responses in the periods that answered an incompatible questionnaire version,
    /// as a count under the same rules as every other.
    pub left_out_other_versions: Value,
    /// Responses added to a period after it was first released (rule 8), as a count.
    pub left_out_added_later: Value,
    _sealed: (),
}

impl Release {
    /// Every cell, in order, for counting and checking.
    pub fn values(&self) -> impl Iterator<Item = Value> + '_ {
        self.groups.iter().flat_map(|g| {
            std::iter::once(g.responses).chain(g.measures.iter().flat_map(|m| {
                std::iter::once(m.answered)
                    .chain(m.options.iter().map(|o| o.count))
                    .chain(m.mean)
                    .chain(m.sd)
                    .chain(std::iter::once(m.share))
            }))
        })
    }

    pub fn withheld_count(&self) -> usize {
        self.values().filter(|v| v.is_withheld()).count()
    }
}

/// The request half of a release: what was asked for.
pub struct Scope {
    pub period_kind: PeriodKind,
    pub periods: Vec<Period>,
    pub breakdown: Breakdown,
    pub left_out_other_versions: u64,
    pub left_out_added_later: u64,
}

/// Applies the rules to true group counts (totals included), given every earlier
/// release that covers some of the same responses.
///
/// 1. Rules 3 to 5 in each group (floor, small counts and rounding, derived figures
///    with the inversion check).
/// 2. Rule 8: a group released before shows what it showed then.
/// 3. Rule 6: the margin check over this release's cells and the earlier ones,
///    withholding more of this release's cells where needed (see [`margins`]).
pub fn protect(
    scope: Scope,
    groups: Vec<(GroupKey, Tally)>,
    rules: &Rules,
    earlier: &[Release],
) -> Release {
    let all = measures();
    let mut out: Vec<GroupRelease> = groups
        .iter()
        .map(|(key, tally)| primary(key, tally, &all, rules))
        .collect();
    let mut open = vec![true; out.len()];
    let same = |g: &GroupRelease, breakdown: Breakdown| {
        (
            g.key.team.clone(),
            g.key.period.first_month(),
            g.key.period.last_month(),
            g.key.breakdown_value.clone().map(|v| (breakdown, v)),
        )
    };
    let mut released: HashMap<_, (&GroupRelease, &Rules)> = HashMap::new();
    for r in earlier {
        for g in &r.groups {
            released
                .entry(same(g, r.breakdown))
                .or_insert((g, &r.rules));
        }
    }
    let mut reused = std::collections::HashSet::new();
    for (i, g) in out.iter_mut().enumerate() {
        let id = same(g, scope.breakdown);
        if let Some((before, _)) = released.get(&id) {
            let key = g.key.clone();
            *g = (*before).clone();
            g.key = key;
            open[i] = false;
            reused.insert(id);
        }
    }
    // Earlier cells this release does not repeat, in the same breakdown or totals.
    let others: Vec<(&GroupRelease, &Rules)> = released
        .iter()
        .filter(|(id, _)| !reused.contains(*id))
        .filter(|(id, _)| id.3.as_ref().is_none_or(|(b, _)| *b == scope.breakdown))
        .map(|(_, v)| *v)
        .collect();
    let tallies: Vec<&Tally> = groups.iter().map(|(_, t)| t).collect();
    protect_margins(&mut out, &open, &tallies, &others, rules);
    Release {
        rules: *rules,
        period_kind: scope.period_kind,
        periods: scope.periods,
        breakdown: scope.breakdown,
        groups: out,
        left_out_other_versions: count(scope.left_out_other_versions, rules),
        left_out_added_later: count(scope.left_out_added_later, rules),
        _sealed: (),
    }
}

/// Rules 3 to 5 for one group.
fn primary(key: &GroupKey, tally: &Tally, all: &[Measure], rules: &Rules) -> GroupRelease {
    if tally.responses < rules.group_floor {
        return GroupRelease {
            key: key.clone(),
            responses: Value::Withheld(Reason::GroupBelowFloor),
            measures: Vec::new(),
        };
    }
    let measures = all
        .iter()
        .zip(&tally.counts)
        .map(|(m, counts)| {
            let mut values = protect_measure(*m, counts, rules);
            inversion::protect(&mut values, rules);
            values
        })
        .collect();
    GroupRelease {
        key: key.clone(),
        responses: count(tally.responses, rules),
        measures,
    }
}

/// One statistic across groups: the table rule 6 checks.
#[derive(Debug, Clone, Copy)]
enum Line {
    Responses,
    Answered(usize),
    Option(usize, usize),
}

impl Line {
    fn value(self, g: &GroupRelease) -> Option<Value> {
        match self {
            Line::Responses => Some(g.responses),
            Line::Answered(m) => g.measures.get(m).map(|m| m.answered),
            Line::Option(m, o) => g.measures.get(m).map(|m| m.options[o].count),
        }
    }

    fn slot(self, g: &mut GroupRelease) -> Option<&mut Value> {
        match self {
            Line::Responses => Some(&mut g.responses),
            Line::Answered(m) => g.measures.get_mut(m).map(|m| &mut m.answered),
            Line::Option(m, o) => g.measures.get_mut(m).map(|m| &mut m.options[o].count),
        }
    }

    fn truth(self, t: &Tally, all: &[Measure]) -> u64 {
        match self {
            Line::Responses => t.responses,
            Line::Answered(m) => all[m]
                .options
                .iter()
                .map(|o| t.counts[m][usize::from(o.code)])
                .sum(),
            Line::Option(m, o) => t.counts[m][usize::from(all[m].options[o].code)],
        }
    }

    /// What an intruder knows of this cell of group `g`, released under `rules`.
    fn known(self, g: &GroupRelease, rules: &Rules) -> margins::Known {
        use margins::Known;
        const ANY: u64 = u64::MAX / 4;
        let below = g.responses == Value::Withheld(Reason::GroupBelowFloor);
        match (self.value(g), self) {
            (_, Line::Responses) if below => Known::Withheld {
                lo: 1,
                hi: rules.group_floor - 1,
            },
            (None, _) => Known::Withheld {
                lo: 0,
                hi: if below { rules.group_floor - 1 } else { ANY },
            },
            (Some(Value::Count(0)), _) => Known::Published { lo: 0, hi: 0 },
            (Some(Value::Count(c)), _) => Known::Published {
                lo: c
                    .saturating_sub(rules.rounding_base / 2)
                    .max(rules.small_count_max + 1),
                hi: c + (rules.rounding_base - 1) / 2,
            },
            (Some(Value::Withheld(Reason::SmallCount)), _) => Known::Withheld {
                lo: 1,
                hi: rules.small_count_max,
            },
            // Withheld to protect another: 0 or more than the small counts, which an
            // interval can only say as "0 or more".
            (Some(Value::Withheld(Reason::ProtectsWithheld)), _) => {
                Known::Withheld { lo: 0, hi: ANY }
            }
            (Some(_), _) => Known::Withheld { lo: 0, hi: ANY },
        }
    }
}

/// Rule 6 over the new groups (`open` marks those this release may still change) and
/// the earlier releases' other cells. Option counts first; a measure with a count
/// withheld here also withholds its number who answered and its derived figures, which
/// would otherwise bound that count within the group; then the numbers who answered;
/// then the groups' responses.
fn protect_margins(
    out: &mut [GroupRelease],
    open: &[bool],
    tallies: &[&Tally],
    others: &[(&GroupRelease, &Rules)],
    rules: &Rules,
) {
    let all = measures();
    let mut teams: HashMap<String, u32> = HashMap::new();
    let mut values: HashMap<String, u32> = HashMap::new();
    let intern = |map: &mut HashMap<String, u32>, s: &String| -> u32 {
        let next = map.len() as u32;
        *map.entry(s.clone()).or_insert(next)
    };
    let coords: Vec<margins::Coords> = out
        .iter()
        .chain(others.iter().map(|(g, _)| *g))
        .map(|g| margins::Coords {
            team: g.key.team.as_ref().map(|t| intern(&mut teams, t)),
            first: g.key.period.first_month(),
            last: g.key.period.last_month(),
            value: g
                .key
                .breakdown_value
                .as_ref()
                .map(|v| intern(&mut values, v)),
            base: !matches!(g.key.period, Period::Span(..)),
        })
        .collect();
    let grid = margins::Grid::new(coords);
    let n = out.len();
    let secondary = (0, u64::MAX / 4);
    let run = |lines: &[Line], out: &[GroupRelease]| -> Vec<(Line, Vec<usize>)> {
        let check = |line: Line| {
            let mut cells: Vec<margins::Cell> = out
                .iter()
                .enumerate()
                .map(|(i, g)| margins::Cell {
                    known: line.known(g, rules),
                    truth: line.truth(tallies[i], &all),
                    open: open[i],
                })
                .chain(others.iter().map(|(g, r)| margins::Cell {
                    known: line.known(g, r),
                    truth: 0,
                    open: false,
                }))
                .collect();
            let extra = margins::protect(&grid, &mut cells, secondary, rules.min_possible_values);
            (
                line,
                extra.into_iter().filter(|e| *e < n).collect::<Vec<_>>(),
            )
        };
        // Lines are independent: check them on two threads.
        let half = lines.len() / 2;
        std::thread::scope(|s| {
            let first = s.spawn(|| lines[..half].iter().map(|l| check(*l)).collect::<Vec<_>>());
            let mut rest: Vec<_> = lines[half..].iter().map(|l| check(*l)).collect();
            let mut done = first.join().expect("a margin check thread panicked");
            done.append(&mut rest);
            done
        })
    };
    let protects = Value::Withheld(Reason::ProtectsWithheld);
    let withhold = |v: &mut Value| {
        if !v.is_withheld() {
            *v = protects;
        }
    };
    let option_lines: Vec<Line> = all
        .iter()
        .enumerate()
        .flat_map(|(m, measure)| (0..measure.options.len()).map(move |o| Line::Option(m, o)))
        .collect();
    let mut touched = std::collections::HashSet::new();
    for (line, extra) in run(&option_lines, out) {
        for e in extra {
            if let Some(v) = line.slot(&mut out[e]) {
                withhold(v);
            }
            if let Line::Option(m, _) = line {
                touched.insert((e, m));
            }
        }
    }
    let hide_derived = |out: &mut [GroupRelease], e: usize, m: usize, answered_too: bool| {
        if let Some(mv) = out[e].measures.get_mut(m) {
            if answered_too {
                withhold(&mut mv.answered);
            }
            mv.mean
                .iter_mut()
                .chain(mv.sd.iter_mut())
                .for_each(withhold);
            withhold(&mut mv.share);
        }
    };
    for (e, m) in touched.drain() {
        hide_derived(out, e, m, true);
    }
    let answered_lines: Vec<Line> = (0..all.len()).map(Line::Answered).collect();
    for (line, extra) in run(&answered_lines, out) {
        if let Line::Answered(m) = line {
            for e in extra {
                hide_derived(out, e, m, true);
            }
        }
    }
    for (line, extra) in run(&[Line::Responses], out) {
        for e in extra {
            if let Some(v) = line.slot(&mut out[e]) {
                withhold(v);
            }
        }
    }
}

/// Rule 4: zero stays zero, 1..=small_count_max is withheld, the rest is rounded.
pub fn count(n: u64, rules: &Rules) -> Value {
    match n {
        0 => Value::Count(0),
        n if n <= rules.small_count_max => Value::Withheld(Reason::SmallCount),
        n => Value::Count(round_to(n, rules.rounding_base)),
    }
}

/// Nearest multiple of `base`, halves up.
fn round_to(n: u64, base: u64) -> u64 {
    (n + base / 2) / base * base
}

/// The figures rules 4 and 5 derive from a measure's true counts, besides the counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Derived {
    pub answered: Value,
    pub mean: Option<Value>,
    pub sd: Option<Value>,
    pub share: Value,
}

/// Computes [`Derived`] without allocating: the inversion check calls it for every
/// candidate distribution.
pub(crate) fn derive(measure: &Measure, counts: &[u64; 6], rules: &Rules) -> Derived {
    let codes = || measure.options.iter().map(|o| usize::from(o.code));
    let n: u64 = codes().map(|c| counts[c]).sum();
    let enough = n >= rules.derived_min_n;
    let (mean, sd) = match measure.kind {
        Kind::Choice => (None, None),
        Kind::Scale if !enough => (
            Some(Value::Withheld(Reason::SmallBase)),
            Some(Value::Withheld(Reason::SmallBase)),
        ),
        Kind::Scale => {
            let sum: u64 = codes().map(|c| counts[c] * c as u64).sum();
            let sum_sq: u64 = codes().map(|c| counts[c] * (c * c) as u64).sum();
            // Mean in tenths, rounded half up, in exact integers: (20 * sum + n) / (2 * n).
            let mean = (20 * sum + n) / (2 * n);
            // Sample standard deviation (n - 1).
            let var =
                (n as f64 * sum_sq as f64 - (sum as f64).powi(2)) / (n as f64 * (n as f64 - 1.0));
            let sd = (var.max(0.0).sqrt() * 10.0).round() as u64;
            (Some(Value::Tenths(mean)), Some(Value::Tenths(sd)))
        }
    };
    let share_true: u64 = measure
        .share_codes
        .iter()
        .map(|c| counts[usize::from(*c)])
        .sum();
    let share = if !enough {
        Value::Withheld(Reason::SmallBase)
    } else {
        match (count(share_true, rules), count(n, rules)) {
            (Value::Count(num), Value::Count(den)) if den > 0 => percent(num, den, rules),
            _ => Value::Withheld(Reason::RevealsSmallCount),
        }
    };
    Derived {
        answered: count(n, rules),
        mean,
        sd,
        share,
    }
}

fn protect_measure(measure: Measure, counts: &[u64; 6], rules: &Rules) -> MeasureValues {
    let options: Vec<OptionValue> = measure
        .options
        .iter()
        .map(|o| OptionValue {
            option: o,
            count: count(counts[usize::from(o.code)], rules),
        })
        .collect();
    let d = derive(&measure, counts, rules);
    MeasureValues {
        measure,
        answered: d.answered,
        options,
        mean: d.mean,
        sd: d.sd,
        share: d.share,
    }
}

/// A percentage from rounded counts, whole, top- and bottom-coded.
fn percent(num: u64, den: u64, rules: &Rules) -> Value {
    let p = ((200 * num + den) / (2 * den)) as u32; // round half up
    if p >= rules.percent_top_code {
        Value::PercentAtLeast(rules.percent_top_code)
    } else if p <= rules.percent_bottom_code {
        Value::PercentAtMost(rules.percent_bottom_code)
    } else {
        Value::Percent(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Month;

    fn scope() -> Scope {
        Scope {
            period_kind: PeriodKind::Month,
            periods: vec![Period::Month(Month::parse("2026-01").unwrap())],
            breakdown: Breakdown::None,
            left_out_other_versions: 0,
            left_out_added_later: 0,
        }
    }

    fn key() -> GroupKey {
        GroupKey {
            team: Some("North".into()),
            period: Period::Month(Month::parse("2026-01").unwrap()),
            breakdown_value: None,
        }
    }

    fn tally(responses: u64, power_say: [u64; 6]) -> Tally {
        let mut counts = vec![[0; 6]; measures().len()];
        counts[3] = power_say; // power, safety, identity, then power_say
        Tally { responses, counts }
    }

    #[test]
    fn counts_follow_rule_4() {
        let r = Rules::default();
        assert_eq!(count(0, &r), Value::Count(0));
        for n in 1..=7 {
            assert_eq!(count(n, &r), Value::Withheld(Reason::SmallCount), "{n}");
        }
        assert_eq!(count(8, &r), Value::Count(10));
        assert_eq!(count(12, &r), Value::Count(10));
        assert_eq!(count(13, &r), Value::Count(15));
        assert_eq!(count(1002, &r), Value::Count(1000));
    }

    #[test]
    fn group_below_floor_publishes_nothing_else() {
        let release = protect(
            scope(),
            vec![(key(), tally(9, [0, 0, 0, 0, 4, 5]))],
            &Rules::default(),
            &[],
        );
        let g = &release.groups[0];
        assert_eq!(g.responses, Value::Withheld(Reason::GroupBelowFloor));
        assert!(g.measures.is_empty());
    }

    #[test]
    fn a_published_group_rounds_withholds_and_derives_from_enough_answers() {
        // power_say: 3 x "3", 9 x "4", 11 x "5" = 23 answers.
        let release = protect(
            scope(),
            vec![(key(), tally(23, [0, 0, 0, 3, 9, 11]))],
            &Rules::default(),
            &[],
        );
        let g = &release.groups[0];
        assert_eq!(g.responses, Value::Count(25));
        let m = g
            .measures
            .iter()
            .find(|m| m.measure.id == "power_say")
            .unwrap();
        assert_eq!(m.answered, Value::Count(25));
        let counts: Vec<Value> = m.options.iter().map(|o| o.count).collect();
        assert_eq!(
            counts,
            [
                Value::Count(0),
                Value::Count(0),
                Value::Withheld(Reason::SmallCount),
                Value::Count(10),
                Value::Count(10)
            ]
        );
        // Mean (9 + 36 + 55) / 23 = 4.347 -> 4.3, and the sample SD, as rules 4-5 compute them.
        let raw = protect_measure(m.measure, &[0, 0, 0, 3, 9, 11], &Rules::default());
        assert_eq!(raw.mean, Some(Value::Tenths(43)));
        let mean = 100.0 / 23.0;
        let ss = 3.0 * (3.0f64 - mean).powi(2)
            + 9.0 * (4.0f64 - mean).powi(2)
            + 11.0 * (5.0f64 - mean).powi(2);
        assert_eq!(
            raw.sd,
            Some(Value::Tenths(((ss / 22.0).sqrt() * 10.0).round() as u64))
        );
        // Published, that mean would narrow the withheld "3" count: the inversion check withholds it.
        assert_eq!(m.mean, Some(Value::Withheld(Reason::NarrowsWithheld)));
        assert_eq!(m.sd, Some(Value::Withheld(Reason::NarrowsWithheld)));
        // Share positive: true 20 -> rounded 20, over rounded 25 = 80%.
        assert_eq!(m.share, Value::Percent(80));
        // An unanswered measure in a published group: zeros, and too few for a mean.
        let other = g
            .measures
            .iter()
            .find(|m| m.measure.id == "overall")
            .unwrap();
        assert_eq!(other.answered, Value::Count(0));
        assert_eq!(other.mean, Some(Value::Withheld(Reason::SmallBase)));
        assert_eq!(other.share, Value::Withheld(Reason::SmallBase));
    }

    #[test]
    fn percentages_are_top_and_bottom_coded_and_never_reveal_a_small_count() {
        let r = Rules::default();
        let all_positive = protect(
            scope(),
            vec![(key(), tally(40, [0, 0, 0, 0, 0, 40]))],
            &r,
            &[],
        );
        let m = &all_positive.groups[0].measures[3];
        assert_eq!(m.share, Value::PercentAtLeast(95));
        let none_positive = protect(
            scope(),
            vec![(key(), tally(40, [0, 40, 0, 0, 0, 0]))],
            &r,
            &[],
        );
        assert_eq!(
            none_positive.groups[0].measures[3].share,
            Value::PercentAtMost(5)
        );
        let few_positive = protect(
            scope(),
            vec![(key(), tally(40, [0, 35, 0, 0, 0, 5]))],
            &r,
            &[],
        );
        assert_eq!(
            few_positive.groups[0].measures[3].share,
            Value::Withheld(Reason::RevealsSmallCount)
        );
    }

    #[test]
    fn few_answers_in_a_big_group_withhold_mean_and_sd() {
        let release = protect(
            scope(),
            vec![(key(), tally(30, [0, 0, 0, 0, 4, 5]))],
            &Rules::default(),
            &[],
        );
        let m = &release.groups[0].measures[3];
        assert_eq!(m.answered, Value::Count(10), "9 answers round to 10");
        assert_eq!(
            m.mean,
            Some(Value::Withheld(Reason::SmallBase)),
            "but the true n is 9"
        );
        assert_eq!(m.share, Value::Withheld(Reason::SmallBase));
    }

    #[test]
    fn every_rule_and_reason_is_in_plain_words() {
        let r = Rules::default();
        let words = r.plain_words().join(" ");
        for needle in [
            "fewer than 3 possible values",
            "fewer than 10",
            "from 1 to 7",
            "nearest 5",
            "at least 10",
            "95% or more",
        ] {
            assert!(words.contains(needle), "{needle}");
        }
        for reason in Reason::ALL {
            assert!(reason.explain(&r).contains("rule"));
        }
    }
}
