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

pub mod inversion;

use serde::Serialize;

use crate::period::{Period, PeriodKind};
use crate::questionnaire::{AnswerOption, Kind};
use crate::summary::{measures, Breakdown, GroupKey, Measure, Tally};

/// The rule settings. They can be made stricter, never looser than the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
        }
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
                inversion::MIN_POSSIBLE_VALUES
            ),
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
}

impl Reason {
    pub const ALL: [Reason; 5] = [
        Reason::GroupBelowFloor,
        Reason::SmallCount,
        Reason::SmallBase,
        Reason::RevealsSmallCount,
        Reason::NarrowsWithheld,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Reason::GroupBelowFloor => "group_below_floor",
            Reason::SmallCount => "small_count",
            Reason::SmallBase => "small_base",
            Reason::RevealsSmallCount => "reveals_small_count",
            Reason::NarrowsWithheld => "narrows_withheld",
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
                inversion::MIN_POSSIBLE_VALUES
            ),
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

/// Everything one export publishes. Only [`protect`] makes one.
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
}

/// Applies the rules to true group counts.
pub fn protect(scope: Scope, groups: Vec<(GroupKey, Tally)>, rules: &Rules) -> Release {
    let all = measures();
    let groups = groups
        .into_iter()
        .map(|(key, tally)| {
            if tally.responses < rules.group_floor {
                return GroupRelease {
                    key,
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
                key,
                responses: count(tally.responses, rules),
                measures,
            }
        })
        .collect();
    Release {
        rules: *rules,
        period_kind: scope.period_kind,
        periods: scope.periods,
        breakdown: scope.breakdown,
        groups,
        left_out_other_versions: count(scope.left_out_other_versions, rules),
        _sealed: (),
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
        }
    }

    fn key() -> GroupKey {
        GroupKey {
            team: "North".into(),
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
        let all_positive = protect(scope(), vec![(key(), tally(40, [0, 0, 0, 0, 0, 40]))], &r);
        let m = &all_positive.groups[0].measures[3];
        assert_eq!(m.share, Value::PercentAtLeast(95));
        let none_positive = protect(scope(), vec![(key(), tally(40, [0, 40, 0, 0, 0, 0]))], &r);
        assert_eq!(
            none_positive.groups[0].measures[3].share,
            Value::PercentAtMost(5)
        );
        let few_positive = protect(scope(), vec![(key(), tally(40, [0, 35, 0, 0, 0, 5]))], &r);
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
