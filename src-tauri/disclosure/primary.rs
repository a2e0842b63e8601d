//! Rules 3 to 5 for one group: the floor, small counts and rounding, and the figures
//! derived from the counts. The same functions say whether other counts would publish
//! the same, which is how the protection tells what an intruder cannot rule out.

use super::{Reason, Rules, Value};
use crate::questionnaire::Kind;
use crate::summary::Measure;

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
pub struct Derived {
    pub answered: Value,
    pub mean: Option<Value>,
    /// Only releases recorded before the layouts published SDs; kept to check them.
    pub sd: Option<Value>,
    pub share: Value,
}

/// The true number who answered, the sum of their codes and the number in the share.
fn sums(measure: &Measure, counts: &[u64; 6]) -> (u64, u64, u64) {
    let mut n = 0;
    let mut sum = 0;
    let mut share = 0;
    for o in measure.options {
        let c = usize::from(o.code);
        n += counts[c];
        sum += counts[c] * c as u64;
        if measure.in_share(c) {
            share += counts[c];
        }
    }
    (n, sum, share)
}

/// Mean in tenths, rounded half up, in exact integers: (20 * sum + n) / (2 * n).
fn mean_tenths(sum: u64, n: u64) -> u64 {
    (20 * sum + n) / (2 * n)
}

pub fn derive(measure: &Measure, counts: &[u64; 6], rules: &Rules) -> Derived {
    let (n, sum, share_true) = sums(measure, counts);
    let enough = n >= rules.derived_min_n;
    let (mean, sd) = match measure.kind {
        Kind::Choice => (None, None),
        Kind::Scale if !enough => (
            Some(Value::Withheld(Reason::SmallBase)),
            Some(Value::Withheld(Reason::SmallBase)),
        ),
        Kind::Scale => {
            let sum_sq: u64 = measure
                .options
                .iter()
                .map(|o| counts[usize::from(o.code)] * u64::from(o.code).pow(2))
                .sum();
            // Sample standard deviation (n - 1).
            let var =
                (n as f64 * sum_sq as f64 - (sum as f64).powi(2)) / (n as f64 * (n as f64 - 1.0));
            let sd = (var.max(0.0).sqrt() * 10.0).round() as u64;
            (
                Some(Value::Tenths(mean_tenths(sum, n))),
                Some(Value::Tenths(sd)),
            )
        }
    };
    Derived {
        answered: count(n, rules),
        mean,
        sd,
        share: share(share_true, n, rules),
    }
}

/// The headline share from the true numbers, by rule 5: from the rounded counts.
fn share(num: u64, n: u64, rules: &Rules) -> Value {
    if n < rules.derived_min_n {
        return Value::Withheld(Reason::SmallBase);
    }
    match (count(num, rules), count(n, rules)) {
        (Value::Count(num), Value::Count(den)) if den > 0 => percent(num, den, rules),
        _ => Value::Withheld(Reason::RevealsSmallCount),
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

/// How a published value constrains the truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    /// The truth publishes exactly this (a number, or a withheld value whose reason is
    /// a fact about the truth: fewer than the floor, a small count, too few answers).
    Is(Value),
    /// Withheld to protect another value: the truth would have published a number.
    Published,
    /// Nothing is known (a value withheld for protection by a release recorded before
    /// the layouts, whose reasons did not always say this).
    Unknown,
}

impl Fact {
    pub fn of(shown: Value, strict: bool) -> Fact {
        match shown {
            Value::Withheld(Reason::Concealed) => Fact::Unknown,
            Value::Withheld(Reason::NarrowsWithheld | Reason::ProtectsWithheld) => {
                if strict {
                    Fact::Published
                } else {
                    Fact::Unknown
                }
            }
            v => Fact::Is(v),
        }
    }
}

/// How far a count `n` is from agreeing with `fact`, in responses (0: it agrees).
pub fn count_gap(fact: Fact, n: u64, rules: &Rules) -> u64 {
    let small = rules.small_count_max;
    let outside = |lo: u64, hi: u64| lo.saturating_sub(n) + n.saturating_sub(hi);
    match fact {
        Fact::Unknown => 0,
        Fact::Published => (small + 1).saturating_sub(n),
        Fact::Is(Value::Count(0)) => n,
        Fact::Is(Value::Count(c)) => outside(
            c.saturating_sub(rules.rounding_base / 2).max(small + 1),
            c + (rules.rounding_base - 1) / 2,
        ),
        Fact::Is(Value::Withheld(Reason::SmallCount)) => outside(1, small),
        Fact::Is(Value::Withheld(Reason::GroupBelowFloor)) => outside(1, rules.group_floor - 1),
        Fact::Is(_) => u64::from(count(n, rules) != Value::Count(n)),
    }
}

/// How far a measure's counts are from agreeing with a published mean, in code points
/// of the sum (or in answers, where the number who answered is on the wrong side of
/// the minimum).
pub fn mean_gap(fact: Fact, measure: &Measure, counts: &[u64; 6], rules: &Rules) -> u64 {
    let (n, sum, _) = sums(measure, counts);
    let min = rules.derived_min_n;
    match fact {
        Fact::Unknown => 0,
        Fact::Is(Value::Withheld(Reason::SmallBase)) => (n + 1).saturating_sub(min),
        Fact::Published => min.saturating_sub(n),
        Fact::Is(Value::Tenths(t)) => {
            if n < min {
                return min - n;
            }
            // mean_tenths(sum, n) == t  <=>  (2t - 1) n <= 20 sum < (2t + 1) n.
            let lo = ((2 * t).saturating_sub(1) * n).div_ceil(20);
            let hi = ((2 * t + 1) * n).div_ceil(20).saturating_sub(1);
            lo.saturating_sub(sum) + sum.saturating_sub(hi)
        }
        Fact::Is(_) => 1,
    }
}

/// Whether a measure's counts publish a recorded SD (only releases recorded before the
/// layouts have them): 0 if so, 1 if not.
pub fn sd_gap(fact: Fact, measure: &Measure, counts: &[u64; 6], rules: &Rules) -> u64 {
    match fact {
        Fact::Unknown => 0,
        Fact::Published => rules.derived_min_n.saturating_sub(sums(measure, counts).0),
        Fact::Is(v) => u64::from(derive(measure, counts, rules).sd != Some(v)),
    }
}

/// Whether a measure's counts publish a recorded share: 0 if so, else how far the
/// number who answered is from the minimum, or 1.
pub fn share_gap(fact: Fact, measure: &Measure, counts: &[u64; 6], rules: &Rules) -> u64 {
    let (n, _, num) = sums(measure, counts);
    let min = rules.derived_min_n;
    match fact {
        Fact::Unknown => 0,
        Fact::Published => {
            let low = min.saturating_sub(n);
            if low > 0 {
                low
            } else {
                u64::from(share(num, n, rules).is_withheld())
            }
        }
        Fact::Is(v) => {
            if v != Value::Withheld(Reason::SmallBase) && n < min {
                min - n
            } else {
                u64::from(share(num, n, rules) != v)
            }
        }
    }
}

/// Rule 3 for the rows of breakdown values: a team under the floor in a period shows
/// none there. Each would be under the floor too, and say nothing but that it holds
/// someone; with the totals beside it, that alone can pin a small group (a team's two
/// rows, one of each session type, say it has at least two, where the totals leave it
/// two or three). Given each group's key and size, whether it is shown.
pub(super) fn shown_rows<'a>(
    groups: impl Iterator<Item = (&'a crate::summary::GroupKey, u64)> + Clone,
    floor: u64,
) -> Vec<bool> {
    let small_teams: std::collections::HashSet<(&str, crate::period::Period)> = groups
        .clone()
        .filter(|(key, n)| key.breakdown_value.is_none() && *n < floor)
        .filter_map(|(key, _)| Some((key.team.as_deref()?, key.period)))
        .collect();
    groups
        .map(|(key, _)| {
            key.breakdown_value.is_none()
                || key
                    .team
                    .as_deref()
                    .is_none_or(|t| !small_teams.contains(&(t, key.period)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::measures;

    fn power_say() -> Measure {
        measures()[3]
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
    fn a_gap_is_zero_exactly_when_the_truth_publishes_the_same() {
        let r = Rules::default();
        let m = power_say();
        for a in 0..12u64 {
            for b in 0..12u64 {
                for e in [0u64, 9, 30] {
                    let truth = [0, e, 0, a, b, 7];
                    let d = derive(&m, &truth, &r);
                    for other_b in 0..14u64 {
                        let other = [0, e, 0, a, other_b, 7];
                        let o = derive(&m, &other, &r);
                        let mean = d.mean.unwrap();
                        assert_eq!(
                            mean_gap(Fact::Is(mean), &m, &other, &r) == 0,
                            o.mean == Some(mean),
                            "{truth:?} {other:?}"
                        );
                        assert_eq!(
                            share_gap(Fact::Is(d.share), &m, &other, &r) == 0,
                            o.share == d.share,
                            "{truth:?} {other:?}"
                        );
                    }
                }
            }
        }
        for n in 0..40 {
            for truth in 0..40 {
                let shown = count(truth, &r);
                assert_eq!(
                    count_gap(Fact::Is(shown), n, &r) == 0,
                    count(n, &r) == shown,
                    "{truth} {n}"
                );
            }
            // Withheld to protect another: a count the rules would publish, and never a
            // zero (the search does not withhold zeros).
            assert_eq!(
                count_gap(Fact::Published, n, &r) == 0,
                n > r.small_count_max
            );
        }
    }

    #[test]
    fn percentages_are_top_and_bottom_coded_and_never_reveal_a_small_count() {
        let r = Rules::default();
        let m = power_say();
        assert_eq!(
            derive(&m, &[0, 0, 0, 0, 0, 40], &r).share,
            Value::PercentAtLeast(95)
        );
        assert_eq!(
            derive(&m, &[0, 40, 0, 0, 0, 0], &r).share,
            Value::PercentAtMost(5)
        );
        assert_eq!(
            derive(&m, &[0, 35, 0, 0, 0, 5], &r).share,
            Value::Withheld(Reason::RevealsSmallCount)
        );
        // Mean (9 + 36 + 55) / 23 = 4.347 -> 4.3; share 20 of 25 (rounded) = 80%.
        let d = derive(&m, &[0, 0, 0, 3, 9, 11], &r);
        assert_eq!(d.mean, Some(Value::Tenths(43)));
        assert_eq!(d.share, Value::Percent(80));
        assert_eq!(d.answered, Value::Count(25));
        // Nine answers: too few for a mean, whatever the group's size.
        let few = derive(&m, &[0, 0, 0, 0, 4, 5], &r);
        assert_eq!(few.mean, Some(Value::Withheld(Reason::SmallBase)));
        assert_eq!(few.share, Value::Withheld(Reason::SmallBase));
    }
}
