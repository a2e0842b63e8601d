//! The measures comparing a practitioner's estimate with the person's score count the
//! same sessions: an intruder knows that the estimate's average, the person's average
//! and the shares where the estimate was higher and lower all come from one number of
//! sessions, and the last two from one comparison.
//! The protection and the solver's audit keep the two shares as one set of counts, but
//! link the measures through their number of sessions only as far as each measure's
//! own figures do, so this test checks the link with an exhaustive search: for one
//! team's headline group, every
//! number of sessions and every set of answer counts of the measures that publish what
//! the release publishes, with the same number of sessions for all. Every
//! count the layout hides that is from 1 to 7 must keep at least 3 possible values.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;
use psi_feedback::disclosure::audit::audit;
use psi_feedback::disclosure::primary::derive;
use psi_feedback::disclosure::{self, Data, Layout, Reason, Rules, Scope, Value};
use psi_feedback::period::{Month, Period, PeriodKind};
use psi_feedback::store::{ContextList, ResponseRow};
use psi_feedback::summary::{
    all_measures, Atoms, Breakdown, Dims, Measure, Names, StaffCounts, Tallier, ESTIMATE_MEASURES,
};

fn names() -> Names {
    let mut names = Names::new();
    names.insert(ContextList::Teams, [(1, "North".to_string())].into());
    names.insert(
        ContextList::SessionTypes,
        [(1, "Individual".to_string())].into(),
    );
    names.insert(ContextList::Roles, [(1, "Nurse".to_string())].into());
    names
}

fn measure(id: &str) -> &'static Measure {
    all_measures().iter().find(|m| m.id == id).unwrap()
}

/// Whether counts `c` of `m` publish what `mean` and `share` say.
fn agrees(m: &Measure, c: &[u64; 6], mean: Option<Value>, share: Value, rules: &Rules) -> bool {
    let d = derive(m, c, rules);
    let n: u64 = c[1..].iter().sum();
    let same = |shown: Value, would: Value| match shown {
        // Withheld to protect another value: it would have been a number.
        Value::Withheld(Reason::NarrowsWithheld | Reason::ProtectsWithheld) => {
            n >= rules.derived_min_n && !would.is_withheld()
        }
        // Concealed: nothing is known.
        Value::Withheld(Reason::Concealed) => true,
        v => v == would,
    };
    mean.zip(d.mean).is_none_or(|(s, w)| same(s, w)) && same(share, d.share)
}

/// Every way of putting `n` answers into `k` options (codes 1 to k).
fn splits(n: u64, k: usize, out: &mut Vec<[u64; 6]>, at: usize, acc: &mut [u64; 6]) {
    if at == k {
        out.push(*acc);
        return;
    }
    let left = n - acc[1..=at].iter().sum::<u64>();
    if at + 1 == k {
        acc[at + 1] = left;
        out.push(*acc);
        acc[at + 1] = 0;
        return;
    }
    for v in 0..=left {
        acc[at + 1] = v;
        splits(n, k, out, at + 1, acc);
    }
    acc[at + 1] = 0;
}

#[test]
fn the_search_goes_through_every_split() {
    for (n, k, all) in [(10, 5, 1001), (10, 3, 66), (0, 5, 1), (36, 5, 91390)] {
        let mut out = Vec::new();
        splits(n, k, &mut out, 0, &mut [0; 6]);
        assert_eq!(out.len(), all, "{n} into {k}");
        assert!(out.iter().all(|c| c[1..=k].iter().sum::<u64>() == n));
        let distinct: BTreeSet<[u64; 6]> = out.iter().copied().collect();
        assert_eq!(distinct.len(), all);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn the_three_measures_of_a_dimension_together_narrow_no_hidden_count(
        sessions in prop::collection::vec((1u8..=5, 1u8..=5, prop::bool::weighted(0.85)), 10..36),
        extra in 0usize..6,
    ) {
        check(&sessions, extra)?;
    }
}

/// One team's month of these sessions ((score, estimate, whether the estimate was
/// given)) and `extra` responses with no estimate.
fn month_of(sessions: &[(u8, u8, bool)], extra: usize) -> Atoms {
    // One team, one month: power answered in every session (its three questions
    // alike, so the score is the answer), the estimate given where the flag says so;
    // a few responses with no estimate at all.
    let mut tallier = Tallier::new(Dims::default());
    let power: Vec<usize> = ["power_say", "power_expert", "power_care"]
        .iter()
        .map(|id| psi_feedback::questionnaire::item_index(id).unwrap())
        .collect();
    let month = month();
    let rows = sessions
        .iter()
        .copied()
        .chain((0..extra).map(|_| (3, 3, false)));
    for (score, estimate, given) in rows {
        let mut answers = [None; psi_feedback::questionnaire::ITEMS.len()];
        for i in &power {
            answers[*i] = Some(score);
        }
        tallier.add(&ResponseRow {
            team: 1,
            session_type: 1,
            role: 1,
            month,
            answers,
            estimate: [given.then_some(estimate), None, None],
        });
    }
    tallier.finish()
}

fn month() -> Month {
    Month::new(2026, 3).unwrap()
}

/// The headline export of the month, with no breakdown.
fn headline() -> Scope {
    Scope {
        period_kind: PeriodKind::Month,
        periods: vec![Period::Month(month())],
        breakdown: Breakdown::None,
        layout: Layout::Headline,
        left_out_other_versions: 0,
        left_out_added_later: 0,
    }
}

/// One team's month of these sessions ((score, estimate, whether the estimate was
/// given)) and `extra` responses with no estimate, checked as the module says.
fn check(sessions: &[(u8, u8, bool)], extra: usize) -> Result<(), TestCaseError> {
    let atoms = month_of(sessions, extra);
    let names = names();
    let rules = Rules::default();
    let data = Data {
        atoms: &atoms,
        names: &names,
        staff: &StaffCounts::new(),
    };
    let release = disclosure::protect(headline(), &data, &rules, &[]);
    let group = release
        .groups
        .iter()
        .find(|g| g.key.team.is_some())
        .unwrap();
    let truth = &atoms.tallies[0];
    // The comparison is one set of counts (lower, the same, higher), of which the
    // release publishes two shares: it must agree with both.
    let [e_id, p_id, h_id, l_id] = ESTIMATE_MEASURES[0];
    let ms = [measure(e_id), measure(p_id), measure(h_id)];
    let lower = measure(l_id);
    let Some(lower_shown) = group.measure(l_id) else {
        return Ok(());
    };
    let Some(shown) = ms
        .iter()
        .map(|m| group.measure(m.id))
        .collect::<Option<Vec<_>>>()
    else {
        // Under the floor: no measure is shown.
        return Ok(());
    };
    let responses = truth.responses;
    // Every number of sessions up to the responses, and what each measure's counts
    // can be with it.
    let mut possible: Vec<BTreeMap<u64, Vec<[u64; 6]>>> = vec![BTreeMap::new(); 3];
    for n in 0..=responses {
        for (k, m) in ms.iter().enumerate() {
            let mut all = Vec::new();
            splits(n, m.options.len(), &mut all, 0, &mut [0; 6]);
            let fit: Vec<[u64; 6]> = all
                .into_iter()
                .filter(|c| agrees(m, c, shown[k].mean, shown[k].share, &rules))
                .filter(|c| k < 2 || agrees(lower, c, None, lower_shown.share, &rules))
                .collect();
            if !fit.is_empty() {
                possible[k].insert(n, fit);
            }
        }
    }
    let common: BTreeSet<u64> = possible[0]
        .keys()
        .filter(|n| possible[1].contains_key(n) && possible[2].contains_key(n))
        .copied()
        .collect();
    let n_true: u64 = truth.counts[ms[0].index][1..].iter().sum();
    prop_assert!(
        common.contains(&n_true),
        "the truth is one of the data sets"
    );
    for (k, m) in ms.iter().enumerate() {
        for o in m.options {
            let c = usize::from(o.code);
            let t = truth.counts[m.index][c];
            if !(1..=rules.small_count_max).contains(&t) {
                continue;
            }
            let values: BTreeSet<u64> = common
                .iter()
                .flat_map(|n| possible[k][n].iter().map(move |x| x[c]))
                .collect();
            prop_assert!(
                values.len() >= rules.min_possible_values as usize,
                "{} = {}: true {}, possible {:?} (sessions {:?}; published {:?} {:?})",
                m.id,
                o.id,
                t,
                values,
                common,
                shown[k].mean,
                shown[k].share
            );
        }
    }
    Ok(())
}

#[test]
fn the_two_shares_of_a_comparison_do_not_pin_the_sessions_where_it_was_the_same() {
    // 22 sessions: the estimate higher in 13, lower in 8, the same in one; two
    // responses without an estimate. Published from rounded counts, the two shares
    // (75% and 50% of about 20) add up to more than the whole but for at most one
    // session the same.
    let sessions = [
        (2, 1),
        (1, 2),
        (4, 1),
        (4, 4),
        (1, 2),
        (1, 2),
        (1, 2),
        (2, 1),
        (2, 4),
        (4, 5),
        (2, 5),
        (3, 1),
        (3, 2),
        (2, 5),
        (3, 2),
        (4, 2),
        (4, 5),
        (1, 3),
        (2, 3),
        (2, 5),
        (4, 5),
        (5, 2),
    ];
    let sessions: Vec<(u8, u8, bool)> = sessions.iter().map(|&(s, e)| (s, e, true)).collect();
    check(&sessions, 2).unwrap();
    // The solver's audit knows the two shares are one comparison: it finds what the
    // shares alone give away, and nothing in the export.
    let atoms = month_of(&sessions, 2);
    let names = names();
    let rules = Rules::default();
    let data = Data {
        atoms: &atoms,
        names: &names,
        staff: &StaffCounts::new(),
    };
    let narrowed = |release| {
        audit(&[release], &atoms, &names)
            .into_iter()
            .filter(|f| u64::from(f.values) < rules.min_possible_values)
            .map(|f| (f.what, f.lo, f.hi))
            .collect::<Vec<_>>()
    };
    let bare = narrowed(disclosure::unprotected(headline(), &data, &rules));
    assert!(
        bare.contains(&("higher_power = same".to_string(), 0, 1)),
        "{bare:?}"
    );
    let found = narrowed(disclosure::protect(headline(), &data, &rules, &[]));
    assert!(found.is_empty(), "{found:?}");
}
