//! The intruder with a solver: what someone holding every release of the same months
//! can prove about each withheld count, by integer programming.
//!
//! The intruder's unknowns are the counts of every atom (every team, month and
//! breakdown value the releases split by): its responses and, for one measure at a
//! time, how many gave each answer. What the releases publish becomes linear
//! constraints: a rounded count is its value +/- half the rounding base; a count
//! withheld as small is 1 to the small-count limit; a count withheld to protect another
//! is above that limit; a group withheld for its size has 1 to floor - 1 responses; a
//! group or month a release shows no row for holds nothing, and one it shows a row for
//! at least one response (an atom may hold none); "answered" is the sum of
//! its answer counts and no more than the responses; an average to one decimal place
//! bounds the sum of the answers between two multiples of the number who answered; a
//! percentage is worked out from the rounded counts, which are integer unknowns too.
//! The solver (microlp, in pure Rust) then finds, for each withheld count, other values
//! it can take: the nearest first, and the smallest and largest where those are too few.
//!
//! It places groups over atoms with its own code, not the exporter's, so that a mistake
//! in one is not repeated in the other. Two simplifications keep the programmes small:
//! each measure is solved with the responses but apart from the other measures (which
//! tie in only through "no more answers than responses"; the two shares of one
//! comparison with the practitioners' estimates are one measure's counts, and solved
//! together), and the SDs that releases
//! made before the layouts published are left out (they are not linear).
//!
//! A withheld count that another release shows, or that the other releases already
//! narrow while it is not small, was published by them, not by the release that
//! withholds it (see `published.rs`).

mod place;
mod program;
mod published;
mod range;
mod targets;

use std::collections::{BTreeMap, HashSet};

use super::cores::{self, on_threads};
use place::members;
use program::{Program, BIG};
use published::{shown_counts, Elsewhere};
use range::range;
use targets::targets;

use super::{Reason, Release, Rules, Value};
use crate::domain::ContextList;
use crate::summary::{
    also_counted, counted_as, measures, Atoms, Measure, Names, NOT_ANSWERED, OTHER_ROLES,
};

/// What the intruder proves about one withheld count.
#[derive(Debug, Clone)]
pub struct Finding {
    /// Index of the release in the input, and of the group in it.
    pub release: usize,
    pub group: usize,
    /// What the count is, in words: "responses", "answered power_say", "power_say = 2".
    pub what: String,
    pub truth: i64,
    /// The smallest and largest values found that the count can take: its whole range
    /// where it keeps fewer values than the rules ask, else the span of those found.
    pub lo: i64,
    pub hi: i64,
    /// How many values it can take, counted up to 3 (3 means "3 or more").
    pub values: u32,
    /// Whether the solver could tell: false where, with too few values found, it ran
    /// out of time (see [`audit_within`]) or failed before it could rule the others
    /// out, or could not tell whether the other releases alone pin the count; `values`
    /// then counts only those it found.
    pub decided: bool,
}

/// A count to check: what it is in words, its terms and its true value.
type Check = (String, Vec<(usize, f64)>, i64);

/// Where a measure's unknowns are: per atom, its responses and (for a measure) each
/// answer's count.
struct Unknowns {
    responses: Vec<usize>,
    /// Per atom, per option code, the unknown (or a fixed 0 / the responses for the
    /// choice answer where atoms are split by it).
    counts: Vec<[Term; 6]>,
}

#[derive(Debug, Clone, Copy)]
enum Term {
    Zero,
    Var(usize),
}

/// Adds "a count is `shown`" for the count `terms`.
fn count_rows(
    p: &mut Program,
    terms: Vec<(usize, f64)>,
    shown: Value,
    rules: &Rules,
    strict: bool,
) {
    let small = rules.small_count_max as f64;
    let half_down = (rules.rounding_base / 2) as f64;
    let half_up = ((rules.rounding_base - 1) / 2) as f64;
    match shown {
        Value::Count(0) => p.row(terms, 0.0, 0.0),
        Value::Count(c) => p.row(
            terms,
            (c as f64 - half_down).max(small + 1.0),
            c as f64 + half_up,
        ),
        Value::Withheld(Reason::SmallCount) => p.row(terms, 1.0, small),
        Value::Withheld(Reason::GroupBelowFloor) => {
            p.row(terms, 1.0, rules.group_floor as f64 - 1.0)
        }
        Value::Withheld(Reason::Concealed) => {}
        Value::Withheld(_) if strict => p.row(terms, small + 1.0, BIG),
        _ => {}
    }
}

/// Adds what a published average and percentage say about a measure's counts.
fn derived_rows(
    p: &mut Program,
    m: &Measure,
    counts: &[Term; 6],
    mean: Option<Value>,
    share: Value,
    rules: &Rules,
    strict: bool,
) {
    let var = |t: Term| match t {
        Term::Var(i) => Some(i),
        Term::Zero => None,
    };
    let n: Vec<(usize, f64)> = m
        .options
        .iter()
        .filter_map(|o| var(counts[usize::from(o.code)]).map(|i| (i, 1.0)))
        .collect();
    let min = rules.derived_min_n as f64;
    let secondary = |v: Value| {
        matches!(
            v,
            Value::Withheld(Reason::NarrowsWithheld | Reason::ProtectsWithheld)
        )
    };
    match mean {
        Some(Value::Tenths(t)) => {
            // (2t - 1) n <= 20 sum < (2t + 1) n, in integers: <= (2t + 1) n - 1.
            let row = |k: f64| -> Vec<(usize, f64)> {
                m.options
                    .iter()
                    .filter_map(|o| {
                        var(counts[usize::from(o.code)]).map(|i| (i, 20.0 * f64::from(o.code) - k))
                    })
                    .collect()
            };
            p.row(row(2.0 * t as f64 - 1.0), 0.0, BIG);
            p.row(row(2.0 * t as f64 + 1.0), -BIG, -1.0);
            p.row(n.clone(), min, BIG);
        }
        Some(Value::Withheld(Reason::SmallBase)) => p.row(n.clone(), 0.0, min - 1.0),
        Some(v) if secondary(v) && strict => p.row(n.clone(), min, BIG),
        _ => {}
    }
    let num: Vec<(usize, f64)> = m
        .options
        .iter()
        .filter(|o| m.in_share(usize::from(o.code)))
        .filter_map(|o| var(counts[usize::from(o.code)]).map(|i| (i, 1.0)))
        .collect();
    let small = rules.small_count_max as f64;
    let base = rules.rounding_base as f64;
    let (half_down, half_up) = (
        (rules.rounding_base / 2) as f64,
        ((rules.rounding_base - 1) / 2) as f64,
    );
    // A number that is 0 or above the small counts: `b` says which.
    let zero_or_large = |p: &mut Program, terms: &[(usize, f64)]| -> usize {
        let b = p.var(0.0, 1.0, f64::from(u8::from(p.known(terms) > 0.0)));
        let mut lo = terms.to_vec();
        lo.push((b, -(small + 1.0)));
        p.row(lo, 0.0, BIG);
        let mut hi = terms.to_vec();
        hi.push((b, -BIG));
        p.row(hi, -BIG, 0.0);
        b
    };
    // The rounded value of a number that is 0 or above the small counts, as `base * k`.
    let rounded = |p: &mut Program, terms: &[(usize, f64)]| -> usize {
        let k = p.var(0.0, BIG, ((p.known(terms) + half_down) / base).floor());
        let mut lo = terms.to_vec();
        lo.push((k, -base));
        p.row(lo.clone(), -half_down, half_up);
        k
    };
    match share {
        Value::Percent(_) | Value::PercentAtLeast(_) | Value::PercentAtMost(_) => {
            p.row(n.clone(), min, BIG);
            zero_or_large(p, &num);
            let k = rounded(p, &num);
            let j = rounded(p, &n);
            // p = floor((200 k + j) / (2 j)): 2 j p <= 200 k + j < 2 j (p + 1).
            let (lo_p, hi_p) = match share {
                Value::Percent(x) => (Some(x as f64), Some(x as f64)),
                Value::PercentAtLeast(x) => (Some(x as f64), None),
                _ => (None, Some(rules.percent_bottom_code as f64)),
            };
            if let Some(x) = lo_p {
                p.row(vec![(k, 200.0), (j, 1.0 - 2.0 * x)], 0.0, BIG);
            }
            if let Some(x) = hi_p {
                p.row(vec![(k, 200.0), (j, 1.0 - 2.0 * (x + 1.0))], -BIG, -1.0);
            }
        }
        Value::Withheld(Reason::SmallBase) => p.row(n, 0.0, min - 1.0),
        Value::Withheld(Reason::RevealsSmallCount) => {
            p.row(n, min, BIG);
            p.row(num, 1.0, small);
        }
        v if secondary(v) && strict => {
            p.row(n, min, BIG);
            zero_or_large(p, &num);
        }
        _ => {}
    }
}

/// What a count is in words: "responses", "answered power_say", "power_say = a_lot".
fn what(m: Option<&Measure>, option: Option<&str>) -> String {
    match (m, option) {
        (None, _) => "responses".to_string(),
        (Some(m), None) => format!("answered {}", m.id),
        (Some(m), Some(o)) => format!("{} = {}", m.id, o),
    }
}

/// Every count withheld, or hidden and from 1 to the small-count limit, in `releases`,
/// with what an intruder holding all of them can prove about it. `releases` are every
/// release of some months; `atoms` the data of those months.
pub fn audit(releases: &[Release], atoms: &Atoms, names: &Names) -> Vec<Finding> {
    audit_within(releases, atoms, names, None)
}

/// [`audit`], the solver taking at most `limit` seconds over all the questions about
/// one count (`None`: as long as it needs). A count it cannot settle in that time is
/// reported undecided, with the values found so far.
pub fn audit_within(
    releases: &[Release],
    atoms: &Atoms,
    names: &Names,
    limit: Option<f64>,
) -> Vec<Finding> {
    let all = measures();
    let placed: Vec<Vec<Vec<usize>>> = releases.iter().map(|r| members(r, atoms, names)).collect();
    let mut findings = Vec::new();
    // A count a release shows is published, whatever another release withholds of the
    // same responses: a team's only session type, concealed in its row, is its team's
    // total shown beside it (the rows for its other session types are zeros). So it is
    // not a withheld value to check.
    let mut seen = shown_counts(releases, &placed);
    // The responses first, then each measure on its own.
    // A measure counted as another is checked with it (see `build`).
    let own = all.iter().filter(|m| counted_as(m.index) == m.index);
    for measure in std::iter::once(None).chain(own.map(Some)) {
        let (mut program, unknowns) = build(releases, &placed, atoms, measure, None);
        program.limit = limit;
        let mut checks = Vec::new();
        for (r, release) in releases.iter().enumerate() {
            for (g, group) in release.groups.iter().enumerate() {
                let cell = &placed[r][g];
                for (what, terms, truth) in targets(release, group, cell, atoms, &unknowns, measure)
                {
                    if seen.insert((what.clone(), cell.clone())) {
                        checks.push((r, g, what, terms, truth));
                    }
                }
            }
        }
        let need = |r: usize| releases[r].rules.min_possible_values as i64;
        // Each count's questions depend only on the programme and the count: asked on
        // every core at once.
        let ranges = on_threads(&checks, cores::available(), |(r, _, _, terms, truth)| {
            range(&program, terms, *truth, need(*r))
        });
        let mut elsewhere = Elsewhere::default();
        for ((r, g, what, terms, truth), mut found) in checks.into_iter().zip(ranges) {
            if i64::from(found.values) < need(r) && !small(&releases[r], measure.is_none(), truth) {
                let pinned = elsewhere.pins(r, &terms, truth, need(r), || {
                    let mut p = build(releases, &placed, atoms, measure, Some(r)).0;
                    p.limit = limit;
                    p
                });
                match pinned {
                    Some(true) => continue,
                    Some(false) => {}
                    // Whether the other releases published it is not known: neither
                    // is whether this one narrowed it.
                    None => found.decided = false,
                }
            }
            findings.push(Finding {
                release: r,
                group: g,
                what,
                truth,
                lo: found.lo,
                hi: found.hi,
                values: found.values,
                decided: found.decided,
            });
        }
    }
    findings
}

/// The programme for one measure (or, with `None`, the responses alone).
/// With `skip`, that release's figures are left out.
fn build(
    releases: &[Release],
    placed: &[Vec<Vec<usize>>],
    atoms: &Atoms,
    measure: Option<&Measure>,
    skip: Option<usize>,
) -> (Program, Unknowns) {
    let mut p = Program::default();
    let choice_index = crate::summary::measure_index("attending_choice").expect("choice");
    // An atom (a team, month, session type, role and choice answer together) may hold
    // no response: no release shows one alone, only the groups it adds up to. The
    // intruder is still granted which atoms the data has none in (they are no unknown).
    let responses: Vec<usize> = atoms
        .tallies
        .iter()
        .map(|t| p.var(0.0, BIG, t.responses as f64))
        .collect();
    let counts: Vec<[Term; 6]> = atoms
        .keys
        .iter()
        .enumerate()
        .map(|(a, key)| {
            let mut t = [Term::Zero; 6];
            if let Some(m) = measure {
                let split = atoms.dims.choice && m.index == choice_index;
                for o in m.options {
                    let c = usize::from(o.code);
                    t[c] = if split {
                        if key.choice == i64::from(o.code) {
                            Term::Var(responses[a])
                        } else {
                            Term::Zero
                        }
                    } else {
                        Term::Var(p.var(0.0, BIG, atoms.tallies[a].counts[m.index][c] as f64))
                    };
                }
                if !split {
                    // No more answers than responses.
                    let mut row: Vec<(usize, f64)> = t
                        .iter()
                        .filter_map(|x| match x {
                            Term::Var(i) => Some((*i, 1.0)),
                            Term::Zero => None,
                        })
                        .collect();
                    row.push((responses[a], -1.0));
                    p.row(row, -BIG, 0.0);
                }
            }
            t
        })
        .collect();
    let unknowns = Unknowns { responses, counts };
    for (r, release) in releases.iter().enumerate() {
        if skip == Some(r) {
            continue;
        }
        let rules = &release.rules;
        let strict = release.generation >= 2;
        for (g, group) in release.groups.iter().enumerate() {
            let cell = &placed[r][g];
            let resp: Vec<(usize, f64)> =
                cell.iter().map(|a| (unknowns.responses[*a], 1.0)).collect();
            count_rows(&mut p, resp.clone(), group.responses, rules, strict);
            // A row shown holds at least one response, whatever its size says.
            if !cell.is_empty() && group.responses != Value::Count(0) {
                p.row(resp.clone(), 1.0, BIG);
            }
            if !group.measures.is_empty() {
                p.row(resp, rules.group_floor as f64, BIG);
            }
            let Some(m) = measure else { continue };
            // The measure, and any counted as it: the same unknowns.
            let all = crate::summary::all_measures();
            for m in std::iter::once(m).chain(also_counted(m.index).iter().map(|i| &all[*i])) {
                let Some(mv) = group.measure(m.id) else {
                    continue;
                };
                published_rows(&mut p, m, mv, cell, &unknowns, rules, strict);
            }
        }
    }
    (p, unknowns)
}

/// Adds what group `cell` publishes of measure `m` (`mv`) over its unknowns.
fn published_rows(
    p: &mut Program,
    m: &Measure,
    mv: &super::MeasureValues,
    cell: &[usize],
    unknowns: &Unknowns,
    rules: &Rules,
    strict: bool,
) {
    let cell_counts = sum_counts(cell, unknowns);
    let of = |c: usize| terms_of(&cell_counts[c]);
    if let Some(v) = mv.answered {
        let all: Vec<(usize, f64)> = m
            .options
            .iter()
            .flat_map(|o| of(usize::from(o.code)))
            .collect();
        count_rows(p, all, v, rules, strict);
    }
    for o in &mv.options {
        count_rows(p, of(usize::from(o.option.code)), o.count, rules, strict);
    }
    // Sums over the cell as single unknowns, for the average and percentage rows.
    let mut merged = [Term::Zero; 6];
    for o in m.options {
        let c = usize::from(o.code);
        let terms = of(c);
        if !terms.is_empty() {
            let v = p.var(0.0, BIG, p.known(&terms));
            let mut row = terms.clone();
            row.push((v, -1.0));
            p.row(row, 0.0, 0.0);
            merged[c] = Term::Var(v);
        }
    }
    derived_rows(p, m, &merged, mv.mean, mv.share, rules, strict);
}

fn sum_counts(cell: &[usize], u: &Unknowns) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new(); 6];
    for a in cell {
        for (c, t) in u.counts[*a].iter().enumerate() {
            if let Term::Var(i) = t {
                out[c].push(*i);
            }
        }
    }
    out
}

fn terms_of(vars: &[usize]) -> Vec<(usize, f64)> {
    let mut m: BTreeMap<usize, f64> = BTreeMap::new();
    for v in vars {
        *m.entry(*v).or_default() += 1.0;
    }
    m.into_iter().collect()
}

/// Whether a count is one the rules protect for itself: a group's responses under the
/// floor, or another count from 1 to the small-count limit.
fn small(release: &Release, responses: bool, truth: i64) -> bool {
    let rules = &release.rules;
    let limit = if responses {
        rules.group_floor as i64 - 1
    } else {
        rules.small_count_max as i64
    };
    (1..=limit).contains(&truth)
}
