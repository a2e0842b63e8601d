//! Rule 5's inversion check, inside one group: an intruder who knows the rules
//! enumerates every distribution over a measure's options that would publish exactly
//! what was published (rounded counts are their value +/- 2, withheld counts are 1 to 7,
//! zeros are exact; the number who answered, the mean, the SD and the percentage must
//! come out the same). Where a withheld count keeps fewer than 3 possible values, more
//! is withheld (the mean and SD, then the percentage, then the number who answered) and
//! the check runs again.

use super::{protect_measure, MeasureValues, Reason, Rules, Value};

/// Fewer possible values than this for a withheld count is a disclosure.
pub const MIN_POSSIBLE_VALUES: usize = 3;

/// Withholds what would narrow a withheld count to fewer than [`MIN_POSSIBLE_VALUES`].
pub(super) fn protect(m: &mut MeasureValues, rules: &Rules) {
    let narrows = Value::Withheld(Reason::NarrowsWithheld);
    for step in 0..3 {
        if !pinned(m, rules) {
            return;
        }
        match step {
            0 => {
                m.mean = m.mean.map(|v| if v.is_withheld() { v } else { narrows });
                m.sd = m.sd.map(|v| if v.is_withheld() { v } else { narrows });
            }
            1 => {
                if !m.share.is_withheld() {
                    m.share = narrows;
                }
            }
            _ => {
                if !m.answered.is_withheld() {
                    m.answered = narrows;
                }
            }
        }
    }
    // Without the number who answered, each withheld count is free over 1 to 7.
    debug_assert!(!pinned(m, rules));
}

/// Whether some withheld count of `m` has fewer than [`MIN_POSSIBLE_VALUES`] values
/// consistent with everything published for it.
fn pinned(m: &MeasureValues, rules: &Rules) -> bool {
    possible_values(m, rules)
        .iter()
        .any(|(_, values)| values.len() < MIN_POSSIBLE_VALUES)
}

/// For each withheld option count (by option index), the values it could have, found by
/// searching for a whole distribution that publishes the same. Each list stops at
/// [`MIN_POSSIBLE_VALUES`]: that is enough to know the count is safe.
pub fn possible_values(m: &MeasureValues, rules: &Rules) -> Vec<(usize, Vec<u64>)> {
    let domains: Vec<(u64, u64)> = m.options.iter().map(|o| domain(o.count, rules)).collect();
    let answered = match m.answered {
        Value::Withheld(Reason::NarrowsWithheld) => (0, u64::MAX),
        v => domain(v, rules),
    };
    let mut out = Vec::new();
    for (i, o) in m.options.iter().enumerate() {
        if o.count != Value::Withheld(Reason::SmallCount) {
            continue;
        }
        let mut values = Vec::new();
        for v in domains[i].0..=domains[i].1 {
            let mut fixed = domains.clone();
            fixed[i] = (v, v);
            let mut counts = [0u64; 6];
            if search(m, rules, &fixed, answered, 0, 0, &mut counts) {
                values.push(v);
                if values.len() >= MIN_POSSIBLE_VALUES {
                    break;
                }
            }
        }
        out.push((i, values));
    }
    out
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

/// Depth-first search for one distribution within `domains` whose total lies in
/// `answered` and which publishes exactly the published values of `m`.
fn search(
    m: &MeasureValues,
    rules: &Rules,
    domains: &[(u64, u64)],
    answered: (u64, u64),
    index: usize,
    total: u64,
    counts: &mut [u64; 6],
) -> bool {
    // What the remaining options can still add.
    let rest_min: u64 = domains[index..].iter().map(|d| d.0).sum();
    let rest_max: u64 = domains[index..]
        .iter()
        .map(|d| d.1)
        .fold(0u64, |a, b| a.saturating_add(b));
    if total + rest_min > answered.1 || total.saturating_add(rest_max) < answered.0 {
        return false;
    }
    if index == domains.len() {
        return publishes_the_same(m, rules, counts);
    }
    let code = usize::from(m.options[index].option.code);
    for v in domains[index].0..=domains[index].1 {
        counts[code] = v;
        if search(m, rules, domains, answered, index + 1, total + v, counts) {
            return true;
        }
    }
    counts[code] = 0;
    false
}

/// Whether these true counts would publish what `m` shows (values withheld because
/// they would narrow a count tell nothing and are not compared).
fn publishes_the_same(m: &MeasureValues, rules: &Rules, counts: &[u64; 6]) -> bool {
    let candidate = protect_measure(m.measure, counts, rules);
    let same = |shown: Value, would: Value| {
        shown == Value::Withheld(Reason::NarrowsWithheld) || shown == would
    };
    let same_opt = |shown: Option<Value>, would: Option<Value>| match (shown, would) {
        (Some(s), Some(w)) => same(s, w),
        (None, None) => true,
        _ => false,
    };
    same(m.answered, candidate.answered)
        && same(m.share, candidate.share)
        && same_opt(m.mean, candidate.mean)
        && same_opt(m.sd, candidate.sd)
        && m.options
            .iter()
            .zip(&candidate.options)
            .all(|(a, b)| a.count == b.count)
}

#[cfg(test)]
mod tests {
    use super::*;
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
            assert!(values.len() >= MIN_POSSIBLE_VALUES, "{values:?}");
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
    fn big_groups_keep_their_means() {
        let mut m = power_say([0, 3, 20, 60, 90, 70]);
        let before = m.clone();
        protect(&mut m, &Rules::default());
        assert_eq!(m.mean, before.mean);
        assert_eq!(m.share, before.share);
        assert_eq!(m.answered, before.answered);
    }
}
