//! Rule 5's inversion check, inside one group: an intruder who knows the rules
//! enumerates every distribution over a measure's options that would publish exactly
//! what was published (rounded counts are their value +/- 2, withheld counts are 1 to 7,
//! zeros are exact; the number who answered, the mean, the SD and the percentage must
//! come out the same). Where a withheld count keeps fewer than 3 possible values, more
//! is withheld (the mean and SD, then the percentage, then the number who answered) and
//! the check runs again.

use super::{derive, MeasureValues, Reason, Rules, Value};

/// Withholds what would narrow a withheld count to fewer than `rules.min_possible_values`.
pub(super) fn protect(m: &mut MeasureValues, rules: &Rules) {
    let narrows = Value::Withheld(Reason::NarrowsWithheld);
    let hide = |v: &mut Value| {
        if !v.is_withheld() {
            *v = narrows;
        }
    };
    for step in 0..4 {
        if !pinned(m, rules) {
            return;
        }
        match step {
            0 => {
                m.mean.iter_mut().chain(m.sd.iter_mut()).for_each(hide);
            }
            1 => hide(&mut m.share),
            2 => hide(&mut m.answered),
            _ => {
                // A reason is a fact too: "fewer than 10 answers" bounds the total, and
                // "would give away a count" bounds the percentage's numerator. Last of
                // all, every figure but the counts says only that it would narrow one.
                for v in [&mut m.answered, &mut m.share]
                    .into_iter()
                    .chain(m.mean.iter_mut())
                    .chain(m.sd.iter_mut())
                {
                    *v = narrows;
                }
            }
        }
    }
    // With only the counts left, each withheld count is free over 1 to 7.
    debug_assert!(!pinned(m, rules));
}

/// Whether some withheld count of `m` has fewer than `rules.min_possible_values` values
/// consistent with everything published for it.
fn pinned(m: &MeasureValues, rules: &Rules) -> bool {
    possible_values(m, rules)
        .iter()
        .any(|(_, values)| (values.len() as u64) < rules.min_possible_values)
}

/// For each withheld option count (by option index), the values it could have: those
/// that appear in some whole distribution publishing the same. The search stops as soon
/// as every withheld count has `rules.min_possible_values` values, which is enough to know
/// they are safe, so the lists may be cut short there.
pub fn possible_values(m: &MeasureValues, rules: &Rules) -> Vec<(usize, Vec<u64>)> {
    let withheld: Vec<usize> = (0..m.options.len())
        .filter(|i| m.options[*i].count == Value::Withheld(Reason::SmallCount))
        .collect();
    if withheld.is_empty() {
        return Vec::new();
    }
    let mut search = Search::new(m, rules, withheld);
    search.walk(0, 0, 0, 0);
    search
        .withheld
        .iter()
        .zip(&search.seen)
        .map(|(i, bits)| (*i, (0..64).filter(|v| bits & (1u64 << v) != 0).collect()))
        .collect()
}

/// The true values a published count stands for.
fn domain(v: Value, rules: &Rules) -> (u64, u64) {
    let base = rules.rounding_base;
    match v {
        Value::Count(0) => (0, 0),
        Value::Count(c) => (
            (c - base / 2).max(rules.small_count_max + 1),
            c + (base - 1) / 2,
        ),
        Value::Withheld(Reason::SmallCount) => (1, rules.small_count_max),
        _ => (0, u64::MAX),
    }
}

/// A depth-first walk over every distribution within the counts' domains, pruned by
/// what the remaining options can still add to the number who answered and, where the
/// mean is published, to the two linear conditions the mean sets:
/// `20 * sum >= (2M - 1) * n` and `20 * sum < (2M + 1) * n` for a mean of M tenths.
struct Search<'a> {
    m: &'a MeasureValues,
    rules: &'a Rules,
    domains: Vec<(u64, u64)>,
    answered: (u64, u64),
    /// Per option, its coefficients in the two mean conditions.
    coef: Vec<(i64, i64)>,
    mean_published: bool,
    /// From each index on: (min n, max n, max of condition 1, max of condition 2).
    rest: Vec<(u64, u64, i64, i64)>,
    withheld: Vec<usize>,
    /// Per withheld option, the values seen so far, as bits.
    seen: Vec<u64>,
    counts: [u64; 6],
}

impl<'a> Search<'a> {
    fn new(m: &'a MeasureValues, rules: &'a Rules, withheld: Vec<usize>) -> Search<'a> {
        let domains: Vec<(u64, u64)> = m.options.iter().map(|o| domain(o.count, rules)).collect();
        let answered = match m.answered {
            Value::Withheld(Reason::NarrowsWithheld) => (0, u64::MAX / 4),
            v => {
                let (lo, hi) = domain(v, rules);
                (lo, hi.min(u64::MAX / 4))
            }
        };
        let (mean_published, tenths) = match m.mean {
            Some(Value::Tenths(t)) => (true, t as i64),
            _ => (false, 0),
        };
        let coef: Vec<(i64, i64)> = m
            .options
            .iter()
            .map(|o| {
                let code = i64::from(o.option.code);
                (20 * code - (2 * tenths - 1), (2 * tenths + 1) - 20 * code)
            })
            .collect();
        let best = |c: i64, (lo, hi): (u64, u64)| (c * lo as i64).max(c * hi as i64);
        let mut rest = vec![(0u64, 0u64, 0i64, 0i64); domains.len() + 1];
        for i in (0..domains.len()).rev() {
            let (n_lo, n_hi, g1, g2) = rest[i + 1];
            rest[i] = (
                n_lo + domains[i].0,
                n_hi + domains[i].1,
                g1 + best(coef[i].0, domains[i]),
                g2 + best(coef[i].1, domains[i]),
            );
        }
        let seen = vec![0; withheld.len()];
        Search {
            m,
            rules,
            domains,
            answered,
            coef,
            mean_published,
            rest,
            withheld,
            seen,
            counts: [0; 6],
        }
    }

    /// Returns true once every withheld count has enough values (the walk can stop).
    fn walk(&mut self, index: usize, n: u64, g1: i64, g2: i64) -> bool {
        let (rest_lo, rest_hi, rest_g1, rest_g2) = self.rest[index];
        if n + rest_lo > self.answered.1 || n + rest_hi < self.answered.0 {
            return false;
        }
        if self.mean_published && (g1 + rest_g1 < 0 || g2 + rest_g2 <= 0) {
            return false;
        }
        if index == self.domains.len() {
            if self.publishes_the_same() {
                for (bits, i) in self.seen.iter_mut().zip(&self.withheld) {
                    *bits |= 1 << self.counts[usize::from(self.m.options[*i].option.code)];
                }
                return self
                    .seen
                    .iter()
                    .all(|b| u64::from(b.count_ones()) >= self.rules.min_possible_values);
            }
            return false;
        }
        let code = usize::from(self.m.options[index].option.code);
        let (c1, c2) = self.coef[index];
        for v in self.domains[index].0..=self.domains[index].1 {
            self.counts[code] = v;
            let (a, b) = (c1 * v as i64, c2 * v as i64);
            if self.walk(index + 1, n + v, g1 + a, g2 + b) {
                return true;
            }
        }
        self.counts[code] = 0;
        false
    }

    /// Whether the current counts would publish what is shown (values withheld because
    /// they would narrow a count tell nothing and are not compared; the option counts
    /// agree by construction of their domains).
    fn publishes_the_same(&self) -> bool {
        let d = derive(&self.m.measure, &self.counts, self.rules);
        let same = |shown: Value, would: Value| {
            shown == Value::Withheld(Reason::NarrowsWithheld) || shown == would
        };
        let same_opt = |shown: Option<Value>, would: Option<Value>| match (shown, would) {
            (Some(s), Some(w)) => same(s, w),
            (None, None) => true,
            _ => false,
        };
        same(self.m.answered, d.answered)
            && same(self.m.share, d.share)
            && same_opt(self.m.mean, d.mean)
            && same_opt(self.m.sd, d.sd)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disclosure::protect_measure;
    use crate::summary::measures;

    fn power_say(counts: [u64; 6]) -> MeasureValues {
        let m = measures()
            .into_iter()
            .find(|m| m.id == "power_say")
            .unwrap();
        protect_measure(m, &counts, &Rules::default())
    }

    #[test]
    fn a_mean_near_the_top_pins_a_single_other_answer() {
        // Nine answered 5 and one answered 4: the mean 4.9 says exactly one 4.
        let unprotected = power_say([0, 0, 0, 0, 1, 9]);
        assert_eq!(unprotected.mean, Some(Value::Tenths(49)));
        let found = possible_values(&unprotected, &Rules::default());
        assert_eq!(
            found,
            vec![(3, vec![1])],
            "the attack works without the check"
        );

        let mut protected = unprotected.clone();
        protect(&mut protected, &Rules::default());
        assert_eq!(
            protected.mean,
            Some(Value::Withheld(Reason::NarrowsWithheld))
        );
        assert_eq!(protected.sd, Some(Value::Withheld(Reason::NarrowsWithheld)));
        for (_, values) in possible_values(&protected, &Rules::default()) {
            assert!(values.len() >= 3, "{values:?}");
        }
    }

    #[test]
    fn the_number_who_answered_and_the_percentage_can_pin_a_count_too() {
        // 12 "Mostly" and 6 "Completely": published 10, withheld, 20 answered, share 95%+.
        let mut m = power_say([0, 0, 0, 0, 12, 6]);
        assert!(
            pinned(&m, &Rules::default()),
            "answered 20 minus 10 leaves 6 to 7 only"
        );
        protect(&mut m, &Rules::default());
        assert!(!pinned(&m, &Rules::default()));
        assert_eq!(m.answered, Value::Withheld(Reason::NarrowsWithheld));
        assert!(
            m.options.iter().any(|o| o.count == Value::Count(10)),
            "the counts stay published"
        );
    }

    #[test]
    fn a_reason_that_bounds_the_total_is_withheld_too() {
        // Nine answers: one "Mostly", eight "Completely". 8 rounds to 10 and the mean is
        // withheld for "fewer than 10 answers", which with 10 "Completely" leaves one 4.
        let mut m = power_say([0, 0, 0, 0, 1, 8]);
        assert_eq!(m.mean, Some(Value::Withheld(Reason::SmallBase)));
        assert!(pinned(&m, &Rules::default()));
        protect(&mut m, &Rules::default());
        assert!(!pinned(&m, &Rules::default()));
        assert_eq!(m.mean, Some(Value::Withheld(Reason::NarrowsWithheld)));
        assert_eq!(m.share, Value::Withheld(Reason::NarrowsWithheld));
    }

    #[test]
    fn big_groups_keep_their_means() {
        let mut m = power_say([0, 3, 20, 60, 90, 70]);
        let before = m.clone();
        protect(&mut m, &Rules::default());
        assert_eq!(m.mean, before.mean);
        assert_eq!(m.share, before.share);
        assert_eq!(m.answered, before.answered);
    }
}
