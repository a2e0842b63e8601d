//! The protection against the intruder with a solver, on small data sets built for
//! each attack: every attack finds what it is after in the figures without the
//! protection, and nothing in the protected release.

use super::audit::{audit, Finding};
use super::*;
use crate::domain::{ContextList, ResponseRow};
use crate::period::Month;
use crate::questionnaire::{item_index, ITEMS};
use crate::summary::{Atoms, Dims, Names, Tallier};

pub(super) fn m(s: &str) -> Month {
    Month::parse(s).unwrap()
}

/// One response: team, month, session type, role and answers by item id.
pub(super) fn row(
    team: i64,
    month: &str,
    st: i64,
    role: i64,
    answers: &[(&str, u8)],
) -> ResponseRow {
    let mut a = [None; ITEMS.len()];
    for (id, v) in answers {
        a[item_index(id).unwrap()] = Some(*v);
    }
    ResponseRow {
        team,
        session_type: st,
        role,
        month: m(month),
        answers: a,
        estimate: crate::questionnaire::NO_ESTIMATE,
    }
}

pub(super) fn names() -> Names {
    let mut n = Names::new();
    n.insert(
        ContextList::Teams,
        [
            (1, "North".to_string()),
            (2, "South".to_string()),
            (3, "East".to_string()),
        ]
        .into(),
    );
    n.insert(
        ContextList::SessionTypes,
        [
            (1, "Individual".to_string()),
            (2, "Group".to_string()),
            (3, "Family".to_string()),
        ]
        .into(),
    );
    n.insert(
        ContextList::Roles,
        [
            (1, "Nurse".to_string()),
            (2, "Psychologist".to_string()),
            (3, "Psychiatrist".to_string()),
        ]
        .into(),
    );
    n
}

pub(super) fn atoms(rows: &[ResponseRow], dims: Dims) -> Atoms {
    let mut t = Tallier::new(dims);
    for r in rows {
        t.add(r);
    }
    t.finish()
}

/// A request: months or quarters from `from` to `to`, a breakdown and a layout.
pub(super) fn scope(
    kind: PeriodKind,
    from: &str,
    to: &str,
    by: Breakdown,
    layout: Layout,
) -> Scope {
    let periods = crate::period::periods(kind, from, to, m("2030-01")).unwrap();
    Scope {
        period_kind: kind,
        periods,
        breakdown: by,
        layout,
        left_out_other_versions: 0,
        left_out_added_later: 0,
    }
}

/// Makes each release in turn, each checked against those before it, as exports in a
/// row would be; returns them all. With `protected` false, the releases are made
/// without the protection across groups and releases.
pub(super) fn release_all(
    rows: &[ResponseRow],
    requests: Vec<Scope>,
    protected: bool,
) -> (Vec<Release>, Atoms) {
    let dims = Dims::of(requests.iter().map(|s| s.breakdown));
    let atoms = atoms(rows, dims);
    let out = with_data(&atoms, |data| {
        let rules = Rules::default();
        let mut out: Vec<Release> = Vec::new();
        for s in requests {
            let r = if protected {
                protect(s, data, &rules, &out)
            } else {
                unprotected(s, data, &rules)
            };
            out.push(r);
        }
        out
    });
    (out, atoms)
}

/// Runs `f` over `atoms` with the tests' names and 3 staff in every role of every team.
fn with_data<T>(atoms: &Atoms, f: impl FnOnce(&Data) -> T) -> T {
    let names = names();
    let staff: StaffCounts = [1, 2, 3]
        .iter()
        .flat_map(|t| [1, 2, 3].map(|r| ((*t, r), 3)))
        .collect();
    f(&Data {
        atoms,
        names: &names,
        staff: &staff,
    })
}

/// The counts the intruder narrows below 3 possible values.
pub(super) fn narrowed(releases: &[Release], atoms: &Atoms) -> Vec<Finding> {
    audit(releases, atoms, &names())
        .into_iter()
        .filter(|f| f.values < 3)
        .collect()
}

fn repeat(n: usize, r: ResponseRow) -> Vec<ResponseRow> {
    vec![r; n]
}

#[test]
fn answered_is_the_total_of_its_answer_counts_in_the_months_and_their_quarter() {
    // North, January and February: 9 "no", 1 "not sure", 1 "yes" each month, nothing in
    // March. The quarter publishes answered 20 and "no" 20 (a release no longer holds
    // a total over its own months, which once made this one export's attack); the four
    // small counts of the months are each at least 1 and together at most 4 without
    // the protection.
    let mut rows = Vec::new();
    for month in ["2026-01", "2026-02"] {
        rows.extend(repeat(
            9,
            row(1, month, 1, 1, &[("rupture", 1), ("attending_choice", 1)]),
        ));
        rows.push(row(
            1,
            month,
            1,
            1,
            &[("rupture", 2), ("attending_choice", 1)],
        ));
        rows.push(row(
            1,
            month,
            1,
            1,
            &[("rupture", 3), ("attending_choice", 1)],
        ));
        rows.extend(repeat(
            30,
            row(2, month, 1, 1, &[("rupture", 1), ("attending_choice", 1)]),
        ));
    }
    let request = || {
        vec![
            scope(
                PeriodKind::Month,
                "2026-01",
                "2026-02",
                Breakdown::Choice,
                Layout::Full,
            ),
            scope(
                PeriodKind::Quarter,
                "2026-01",
                "2026-03",
                Breakdown::Choice,
                Layout::Full,
            ),
        ]
    };
    let (open, atoms) = release_all(&rows, request(), false);
    let found = narrowed(&open, &atoms);
    assert!(
        found
            .iter()
            .any(|f| f.what.starts_with("rupture") && f.hi == 1),
        "the attack works without the protection: {found:?}"
    );
    let (protected, atoms) = release_all(&rows, request(), true);
    assert_eq!(narrowed(&protected, &atoms), Vec::<Finding>::new());
}

impl PartialEq for Finding {
    fn eq(&self, other: &Finding) -> bool {
        (self.release, self.group, &self.what) == (other.release, other.group, &other.what)
    }
}

#[test]
fn a_month_with_no_row_is_a_published_zero_across_single_month_exports_and_the_quarter() {
    // January, North: 14 "no", 6 "yes"; February: South 20 "no", North nothing; March,
    // North: 12 "yes", 10 "no". Each month exported, then the quarter.
    let mut rows = Vec::new();
    rows.extend(repeat(14, row(1, "2024-01", 1, 1, &[("rupture", 1)])));
    rows.extend(repeat(6, row(1, "2024-01", 1, 1, &[("rupture", 3)])));
    rows.extend(repeat(20, row(2, "2024-01", 1, 1, &[("rupture", 1)])));
    rows.extend(repeat(20, row(2, "2024-02", 1, 1, &[("rupture", 1)])));
    rows.extend(repeat(12, row(1, "2024-03", 1, 1, &[("rupture", 3)])));
    rows.extend(repeat(10, row(1, "2024-03", 1, 1, &[("rupture", 1)])));
    rows.extend(repeat(20, row(2, "2024-03", 1, 1, &[("rupture", 1)])));
    let requests = || {
        let month = |x: &str| scope(PeriodKind::Month, x, x, Breakdown::None, Layout::Full);
        vec![
            month("2024-01"),
            month("2024-02"),
            month("2024-03"),
            scope(
                PeriodKind::Quarter,
                "2024-01",
                "2024-03",
                Breakdown::None,
                Layout::Full,
            ),
        ]
    };
    let (open, atoms) = release_all(&rows, requests(), false);
    assert!(
        !narrowed(&open, &atoms).is_empty(),
        "the attack works without the protection"
    );
    let (protected, atoms) = release_all(&rows, requests(), true);
    assert_eq!(narrowed(&protected, &atoms), Vec::<Finding>::new());
}

#[test]
fn a_reason_that_bounds_the_answers_is_a_fact_the_protection_keeps() {
    // Twelve responses; nine answered power_say: one "Mostly", eight "Completely".
    // "Fewer than 10 answers" on the mean bounds the answers to 8 or 9, and a count
    // withheld to protect another is one that would have been shown (8 or more).
    let mut rows = repeat(8, row(1, "2026-01", 1, 1, &[("power_say", 5)]));
    rows.push(row(1, "2026-01", 1, 1, &[("power_say", 4)]));
    rows.extend(repeat(3, row(1, "2026-01", 1, 1, &[("overall", 4)])));
    let request = || {
        vec![scope(
            PeriodKind::Month,
            "2026-01",
            "2026-01",
            Breakdown::None,
            Layout::Full,
        )]
    };
    let (open, atoms) = release_all(&rows, request(), false);
    let found = narrowed(&open, &atoms);
    assert!(
        found
            .iter()
            .any(|f| f.what.starts_with("power_say") && f.hi == 1),
        "the attack works without the protection: {found:?}"
    );
    let (protected, atoms) = release_all(&rows, request(), true);
    assert_eq!(narrowed(&protected, &atoms), Vec::<Finding>::new());
}

#[test]
fn a_group_under_the_floor_that_pins_an_earlier_count_has_its_size_concealed() {
    // January: North 10 responses, all "Partly"; East 9, all "A little". The month's
    // full export withholds the all-teams count of "A little" (9) to protect East; the
    // exports by session type then say East's January group has fewer than 10, which
    // bounds that count to 8 or 9 unless it is concealed too.
    let mut rows = Vec::new();
    rows.extend(repeat(
        10,
        row(1, "2026-01", 1, 1, &[("power_say", 3), ("rupture", 1)]),
    ));
    rows.extend(repeat(
        9,
        row(3, "2026-01", 2, 1, &[("power_say", 2), ("rupture", 1)]),
    ));
    let requests = || {
        let s = |from, to, by, layout| scope(PeriodKind::Month, from, to, by, layout);
        vec![
            s("2026-01", "2026-01", Breakdown::None, Layout::Full),
            s("2026-02", "2026-02", Breakdown::None, Layout::Headline),
            s(
                "2026-01",
                "2026-03",
                Breakdown::SessionType,
                Layout::Headline,
            ),
            s("2026-01", "2026-03", Breakdown::SessionType, Layout::Full),
        ]
    };
    let (protected, atoms) = release_all(&rows, requests(), true);
    assert_eq!(narrowed(&protected, &atoms), Vec::<Finding>::new());
}

#[test]
fn a_witness_may_empty_an_atom_but_never_a_group_a_release_shows() {
    use super::board::{AtomStat, Board, Cell, Delta, Slot};
    use crate::summary::Tally;
    // East, January: one response of session type 2, and ten of session type 1.
    let mut rows = vec![row(3, "2026-01", 2, 1, &[("power_say", 3)])];
    rows.extend(repeat(10, row(3, "2026-01", 1, 1, &[("power_say", 3)])));
    let atoms = atoms(&rows, Dims::of([Breakdown::SessionType]));
    let one = (0..atoms.len() as u32)
        .find(|a| atoms.tallies[*a as usize].responses == 1)
        .unwrap();
    let ten = (0..atoms.len() as u32)
        .find(|a| atoms.tallies[*a as usize].responses == 10)
        .unwrap();
    let mut board = Board::new(&atoms);
    board.rules.push(Rules::default());
    board.strict.push(true);
    let cell = |members: Vec<u32>, size: Value| Cell {
        release: 0,
        group: 0,
        members,
        truth: Tally::default(),
        below_floor: size != Value::Count(10),
        responses: Some(Slot {
            value: size,
            open: false,
        }),
        measures: vec![None; crate::summary::N_MEASURES],
        hidden: Vec::new(),
        unreliable: false,
        totals: 0,
    };
    // The session type 2 group, its size concealed (it says nothing of the size), and
    // the month's group of all session types, 11 shown as 10.
    board.add_cell(cell(vec![one], Value::Withheld(Reason::Concealed)));
    board.add_cell(cell(vec![one, ten], Value::Count(10)));
    // The one response moved to the other session type: the atom is emptied, and with
    // it the group shown as concealed, which a release could not show.
    // (Measure 0 is the power score, measure 3 its one question, both answered 3.)
    let move_one = |from: u32, to: u32| {
        let mut d = Delta::new();
        for (atom, sign) in [(from, -1), (to, 1)] {
            d.insert((atom, AtomStat::Responses), sign);
            d.insert((atom, AtomStat::Count(0, 3)), sign);
            d.insert((atom, AtomStat::Count(3, 3)), sign);
        }
        d
    };
    let emptied = board.gaps(&move_one(one, ten));
    assert!(!emptied.invalid, "an atom may be emptied");
    assert!(
        emptied.total > 0,
        "a group shown holds at least one response: {emptied:?}"
    );
    // The other way, every group keeps its size and a response: nothing to tell.
    let kept = board.gaps(&move_one(ten, one));
    assert!(kept.ok(), "{kept:?}");
}

// The headline's measures, and the search's threads.
mod headline;
