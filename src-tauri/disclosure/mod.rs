//! Disclosure control: turns true counts into what may be published.
//!
//! This module is the only way to make a [`Release`], and every export writer takes a
//! `Release`, so nothing reaches a file without passing the rules of
//! `disclosure-rules.md`:
//!
//! 1. [`primary`]: rules 3 to 5 in each group (the floor, small counts and rounding,
//!    averages and percentages from enough answers and from rounded counts).
//! 2. Rule 8: a group released before shows what it showed then.
//! 3. [`protect`]'s last step ([`search`]): every count that is withheld, or that the
//!    layout does not show and is from 1 to 7, must keep at least
//!    `rules.min_possible_values` possible values against everything this release and
//!    every earlier release of the same months publish. The check is constructive: for
//!    each such count it looks for other data sets, told apart from the truth by
//!    nothing published, in which the count is different. Where it finds none, it
//!    withholds the published values that stand in the way, cheapest first ([`cost`]).
//!
//! [`audit`] checks the result the other way round, with an integer-programming
//! solver: the narrowest range an intruder can prove for each withheld value.

pub mod audit;
mod board;
mod codec;
mod cores;
mod cost;
mod moves;
pub mod primary;
mod rules;
mod search;

pub use crate::domain::rules::{
    RuleSettings, Rules, HIGHEST_FLOOR, HIGHEST_ROUNDING_BASE, LOWEST_FLOOR,
};
pub use codec::{decode, encode};
pub use primary::count;
pub use rules::Reason;

use serde::{Deserialize, Serialize};

use crate::period::{Period, PeriodKind};
use crate::questionnaire::AnswerOption;
use crate::summary::{
    group_members, measures, merge_roles, Atoms, Breakdown, GroupKey, Measure, Names, StaffCounts,
    Tally, ESTIMATE_MEASURES,
};

/// What a release holds for each group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// The figures most people read: responses; for power, safety, identity and the
    /// overall rating, the average and the share of positive answers; the share who
    /// said something did not feel right; the share attending by choice.
    Headline,
    /// Every answer count of every question too, for analysts.
    Full,
}

impl Layout {
    pub fn id(self) -> &'static str {
        match self {
            Layout::Headline => "headline",
            Layout::Full => "full",
        }
    }

    /// Whether the layout shows the comparisons with practitioners' estimates.
    pub fn shows_estimates(self) -> bool {
        self == Layout::Headline
    }

    /// The measures (by id) a group of this layout shows. The measures comparing a
    /// practitioner's estimate with the person's score are headline figures only: they
    /// count the same sessions, so their answer counts side by side would pin one
    /// another down, which the protection (measure by measure) would not see.
    pub fn shows(self, measure: &Measure) -> bool {
        match self {
            Layout::Full => !measure.is_estimate(),
            Layout::Headline => HEADLINE_MEASURES.contains(&measure.id),
        }
    }
}

/// The measures of the headline layout, in the order they are shown: the person's
/// ([`PERSON_MEASURES`]), then, for each PSI dimension, the practitioners' estimates
/// beside the people's own scores in the sessions where both were given
/// ([`ESTIMATE_MEASURES`]).
pub const HEADLINE_MEASURES: [&str; 18] = headline_measures();

const fn headline_measures() -> [&'static str; 18] {
    let mut out = [""; 18];
    let mut i = 0;
    while i < PERSON_MEASURES.len() {
        out[i] = PERSON_MEASURES[i];
        i += 1;
    }
    let mut d = 0;
    while d < ESTIMATE_MEASURES.len() {
        let mut k = 0;
        while k < ESTIMATE_MEASURES[d].len() {
            out[i] = ESTIMATE_MEASURES[d][k];
            i += 1;
            k += 1;
        }
        d += 1;
    }
    out
}

/// The headline measures of what people said: the first six of [`HEADLINE_MEASURES`].
pub const PERSON_MEASURES: [&str; 6] = [
    "power",
    "safety",
    "identity",
    "overall",
    "rupture",
    "attending_choice",
];

/// The three PSI dimensions and the overall rating: the scores a summary leads with.
pub const SCORES: [&str; 4] = ["power", "safety", "identity", "overall"];

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
    /// How many answered (declined and skipped left out); only in the full layout.
    pub answered: Option<Value>,
    /// Each answer's count; only in the full layout.
    pub options: Vec<OptionValue>,
    /// Only for scales.
    pub mean: Option<Value>,
    /// Only in releases recorded before the layouts.
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
    /// The rules this group's values were first released under, where they differ from
    /// the release's own (a group released before the rules were tightened).
    pub first_rules: Option<Rules>,
}

impl GroupRelease {
    /// Whether the group shows no figures: under the floor, or concealed whole (its
    /// size concealed and no figures; releases recorded before whole concealment hold
    /// groups with their size concealed and their figures shown, which do say they
    /// reach the floor).
    pub fn shows_no_figures(&self) -> bool {
        self.responses == Value::Withheld(Reason::GroupBelowFloor)
            || (self.responses == Value::Withheld(Reason::Concealed) && self.measures.is_empty())
    }

    pub fn measure(&self, id: &str) -> Option<&MeasureValues> {
        self.measures.iter().find(|m| m.measure.id == id)
    }

    /// What a summary shows for measure `id`: for a score or an estimate's average, its
    /// average (its percentage where it has none); otherwise its percentage. A group
    /// under the floor shows its "fewer than N" instead.
    pub fn headline(&self, id: &str) -> Value {
        self.measure(id).map_or(self.responses, |m| match m.mean {
            Some(mean) if SCORES.contains(&id) || m.measure.is_estimate() => mean,
            _ => m.share,
        })
    }
}

/// Everything one export publishes. Only [`protect`] (and [`decode`], for a release
/// recorded in the ledger) makes one.
#[derive(Debug, Clone)]
// Sealed by a private field, not `#[non_exhaustive]`: that would not stop the rest of
// this crate from building a release by hand.
#[allow(clippy::manual_non_exhaustive)]
pub struct Release {
    pub rules: Rules,
    pub layout: Layout,
    /// 1: recorded before the layouts (full, with SDs, the wording of then); 2: with
    /// layouts, without the comparisons with practitioners' estimates (recorded before
    /// them, or made of months with no estimate, or of the full layout); 3: with them.
    pub generation: u8,
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
                m.answered
                    .into_iter()
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

    /// The span of months the release covers.
    pub fn months(&self) -> Option<(crate::period::Month, crate::period::Month)> {
        Some((
            self.periods.first()?.first_month(),
            self.periods.last()?.last_month(),
        ))
    }
}

/// The generation of the releases made now that show the comparisons with
/// practitioners' estimates (see [`Release::generation`]).
pub const GENERATION: u8 = 3;

/// The request half of a release: what was asked for.
pub struct Scope {
    pub period_kind: PeriodKind,
    pub periods: Vec<Period>,
    pub breakdown: Breakdown,
    pub layout: Layout,
    pub left_out_other_versions: u64,
    pub left_out_added_later: u64,
}

/// How a release's groups are read from the data.
pub struct Data<'a> {
    /// Every atom of every month any release in question covers.
    pub atoms: &'a Atoms,
    pub names: &'a Names,
    pub staff: &'a StaffCounts,
}

/// Applies the rules to the data, given every earlier release that shares months with
/// this one (directly or through each other).
pub fn protect(scope: Scope, data: &Data, rules: &Rules, earlier: &[Release]) -> Release {
    protect_on(scope, data, rules, earlier, cores::available())
}

/// [`protect`], its search on `threads` threads.
fn protect_on(
    scope: Scope,
    data: &Data,
    rules: &Rules,
    earlier: &[Release],
    threads: usize,
) -> Release {
    let (mut release, members) = primary_release(scope, data, rules);
    search::protect(&mut release, members, data, earlier, threads);
    release
}

/// Rules 3 to 5 alone, without the protection across groups and releases: what an
/// export would publish without it, for the tests that show an attack works there.
pub fn unprotected(scope: Scope, data: &Data, rules: &Rules) -> Release {
    primary_release(scope, data, rules).0
}

type Members = Vec<(crate::summary::IdKey, Vec<u32>, Tally)>;

fn primary_release(scope: Scope, data: &Data, rules: &Rules) -> (Release, Members) {
    let (first, last) = match (scope.periods.first(), scope.periods.last()) {
        (Some(f), Some(l)) => (f.first_month(), l.last_month()),
        _ => return (empty(scope, rules), Vec::new()),
    };
    let in_range = |k: &&crate::summary::AtomKey| (first..=last).contains(&k.month);
    let roles = merge_roles(
        data.atoms
            .keys
            .iter()
            .filter(in_range)
            .map(|k| (k.team, k.role)),
        data.staff,
    );
    let shape = crate::summary::groups::Shape {
        kind: scope.period_kind,
        breakdown: scope.breakdown,
        first,
        last,
        // No total over all the periods of a release: it is one more margin to
        // difference the months against, and keeping it cost far more monthly figures
        // than it gave (on the demo data, a fifth of the averages in groups of 30 or
        // more, and most of the export's time). Releases recorded before keep theirs.
        span: None,
        roles,
    };
    // The comparisons with practitioners' estimates are shown only where some session
    // of these months has one (most devices never ask): a release without them is one
    // of generation 2, whose files and ledger record have no rows for them.
    let compared: Vec<usize> = crate::summary::all_measures()
        .iter()
        .filter(|m| m.is_estimate())
        .map(|m| m.index)
        .collect();
    let estimates = data
        .atoms
        .keys
        .iter()
        .zip(&data.atoms.tallies)
        .filter(|(k, _)| in_range(k))
        .any(|(_, t)| compared.iter().any(|m| t.answered(*m) > 0));
    let all: Vec<Measure> = measures()
        .into_iter()
        .filter(|m| estimates || !m.is_estimate())
        .collect();
    let built = group_members(data.atoms, &shape, data.names);
    let tallies: Vec<Tally> = built
        .iter()
        .map(|(_, _, m)| {
            let mut tally = Tally::default();
            for a in m {
                tally.add(&data.atoms.tallies[*a as usize]);
            }
            tally
        })
        .collect();
    let shown = primary::shown_rows(
        built
            .iter()
            .zip(&tallies)
            .map(|((key, _, _), t)| (key, t.responses)),
        rules.group_floor,
    );
    let mut groups = Vec::with_capacity(built.len());
    let mut members = Vec::with_capacity(built.len());
    for (((key, id, m), tally), shown) in built.into_iter().zip(tallies).zip(shown) {
        if !shown {
            continue;
        }
        groups.push(primary_group(key, &tally, &all, scope.layout, rules));
        members.push((id, m, tally));
    }
    let mut release = release(scope, rules, groups);
    if !(estimates && release.layout.shows_estimates()) {
        release.generation = 2;
    }
    (release, members)
}

fn empty(scope: Scope, rules: &Rules) -> Release {
    release(scope, rules, Vec::new())
}

/// A release of these groups, made now under `rules`.
fn release(scope: Scope, rules: &Rules, groups: Vec<GroupRelease>) -> Release {
    Release {
        rules: *rules,
        layout: scope.layout,
        generation: GENERATION,
        period_kind: scope.period_kind,
        periods: scope.periods,
        breakdown: scope.breakdown,
        groups,
        left_out_other_versions: count(scope.left_out_other_versions, rules),
        left_out_added_later: count(scope.left_out_added_later, rules),
        _sealed: (),
    }
}

/// Rules 3 to 5 for one group, in a layout.
fn primary_group(
    key: GroupKey,
    tally: &Tally,
    all: &[Measure],
    layout: Layout,
    rules: &Rules,
) -> GroupRelease {
    if tally.responses < rules.group_floor {
        return GroupRelease {
            key,
            responses: Value::Withheld(Reason::GroupBelowFloor),
            measures: Vec::new(),
            first_rules: None,
        };
    }
    let measures = all
        .iter()
        .filter(|m| layout.shows(m))
        .map(|m| primary_measure(*m, &tally.counts[m.index], layout, rules))
        .collect();
    GroupRelease {
        key,
        responses: count(tally.responses, rules),
        measures,
        first_rules: None,
    }
}

fn primary_measure(
    measure: Measure,
    counts: &[u64; 6],
    layout: Layout,
    rules: &Rules,
) -> MeasureValues {
    let d = primary::derive(&measure, counts, rules);
    let full = layout == Layout::Full;
    MeasureValues {
        measure,
        answered: full.then_some(d.answered),
        options: if full {
            measure
                .options
                .iter()
                .map(|o| OptionValue {
                    option: o,
                    count: count(counts[usize::from(o.code)], rules),
                })
                .collect()
        } else {
            Vec::new()
        },
        mean: d.mean,
        sd: None,
        share: d.share,
    }
}

#[cfg(test)]
mod tests;
