//! The headline layout's measures and its comparisons with the practitioners'
//! estimates, and the search on any number of threads.

use super::*;

#[test]
fn the_headline_measures_are_the_persons_then_each_dimensions_comparisons() {
    let ids: Vec<&str> = HEADLINE_MEASURES.to_vec();
    let mut expected: Vec<&str> = PERSON_MEASURES.to_vec();
    expected.extend(crate::summary::ESTIMATE_MEASURES.concat());
    assert_eq!(ids, expected);
    let all = crate::summary::measures();
    assert!(
        ids.iter().all(|id| all.iter().any(|m| m.id == *id)),
        "{ids:?}"
    );
}

/// Months with no practitioner's estimate make a release of generation 2, with no row
/// for the comparisons; one estimate makes the headline show them (generation 3), and
/// the full layout never does. Each reads back from its ledger record as it was.
#[test]
fn the_comparisons_are_shown_only_where_some_session_has_an_estimate() {
    let answers = [
        ("power_say", 4),
        ("safety_honest", 3),
        ("identity_person", 5),
    ];
    let mut rows = repeat(30, row(1, "2026-01", 1, 1, &answers));
    let headline = || {
        scope(
            PeriodKind::Month,
            "2026-01",
            "2026-01",
            Breakdown::None,
            Layout::Headline,
        )
    };
    let full = || {
        scope(
            PeriodKind::Month,
            "2026-01",
            "2026-01",
            Breakdown::None,
            Layout::Full,
        )
    };
    // Sorted: a release holds its measures in their own order, not the headline's.
    let ids = |r: &Release| -> Vec<&str> {
        let mut ids: Vec<&str> = r.groups[0].measures.iter().map(|m| m.measure.id).collect();
        ids.sort_unstable();
        ids
    };
    let sorted = |ids: &[&'static str]| -> Vec<&'static str> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids
    };
    let (none, _) = release_all(&rows, vec![headline()], true);
    assert_eq!(
        (none[0].generation, ids(&none[0])),
        (2, sorted(&PERSON_MEASURES))
    );
    for r in rows.iter_mut().take(12) {
        r.estimate = [Some(5), Some(3), None];
    }
    let (some, _) = release_all(&rows, vec![headline(), full()], true);
    assert_eq!(
        (some[0].generation, ids(&some[0])),
        (3, sorted(&HEADLINE_MEASURES))
    );
    assert_eq!(some[1].generation, 2);
    assert!(ids(&some[1]).iter().all(|id| !id.contains("estimate")));
    let power = some[0].groups[0].measure("estimate_power").unwrap();
    assert_eq!(power.mean, Some(Value::Tenths(50)));
    for r in none.iter().chain(&some) {
        let back = decode(&encode(r)).unwrap();
        assert_eq!(encode(&back), encode(r));
        assert_eq!(back.generation, r.generation);
    }
}

#[test]
fn the_protection_is_the_same_on_any_number_of_threads() {
    // Three teams, three months, two session types and three roles, answers drawn by a
    // fixed generator: many small counts, some of them needing the search with repairs.
    let mut seed: u64 = 7;
    let mut next = |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let rows: Vec<ResponseRow> = (0..600)
        .map(|_| {
            let month = ["2026-01", "2026-02", "2026-03"][next(3) as usize];
            let (team, st, role) = (1 + next(3) as i64, 1 + next(2) as i64, 1 + next(3) as i64);
            let answers = [
                ("power_say", 1 + next(5) as u8),
                ("safety_honest", 1 + next(5) as u8),
                ("rupture", 1 + next(3) as u8),
            ];
            row(team, month, st, role, &answers)
        })
        .collect();
    let request = || {
        scope(
            PeriodKind::Month,
            "2026-01",
            "2026-03",
            Breakdown::Role,
            Layout::Full,
        )
    };
    let atoms = atoms(&rows, Dims::of([Breakdown::Role]));
    with_data(&atoms, |data| {
        let rules = Rules::default();
        let one = super::protect_on(request(), data, &rules, &[], 1);
        let withheld = format!("{one:?}").matches("ProtectsWithheld").count()
            + format!("{one:?}").matches("NarrowsWithheld").count();
        assert!(
            withheld > 0,
            "the search withheld something to protect others"
        );
        for threads in [2, 5] {
            let searched = &super::search::SEARCHED_WITH_REPAIRS;
            searched.with(|n| n.set(0));
            let many = super::protect_on(request(), data, &rules, &[], threads);
            assert_eq!(format!("{many:?}"), format!("{one:?}"), "{threads} threads");
            assert!(
                searched.with(|n| n.get()) > 0,
                "some targets needed the search with repairs, on {threads} threads"
            );
        }
    });
}
