//! The counts of a group the intruder's programme is asked about.

use super::{sum_counts, terms_of, what, Check, Unknowns};
use crate::disclosure::{GroupRelease, Layout, Reason, Release, Value, HEADLINE_MEASURES};
use crate::summary::{Atoms, Measure};

const CONCEALED: Value = Value::Withheld(Reason::Concealed);

/// The counts of a group to check in one programme: withheld ones, and hidden ones
/// from 1 to the small-count limit.
pub(super) fn targets(
    release: &Release,
    group: &GroupRelease,
    cell: &[usize],
    atoms: &Atoms,
    u: &Unknowns,
    measure: Option<&Measure>,
) -> Vec<Check> {
    let small = release.rules.small_count_max as i64;
    let mut out = Vec::new();
    let Some(m) = measure else {
        if group.responses.is_withheld() {
            let terms = cell.iter().map(|a| (u.responses[*a], 1.0)).collect();
            let truth = cell
                .iter()
                .map(|a| atoms.tallies[*a].responses as i64)
                .sum();
            out.push((what(None, None), terms, truth));
        }
        return out;
    };
    // Under the floor, or concealed whole: no figures, so every count is hidden.
    let hidden = group.shows_no_figures()
        || (release.layout == Layout::Headline && HEADLINE_MEASURES.contains(&m.id));
    let shown = group.measure(m.id);
    let truth_of = |c: usize| -> i64 {
        cell.iter()
            .map(|a| atoms.tallies[*a].counts[m.index][c] as i64)
            .sum()
    };
    let counts = sum_counts(cell, u);
    let answered_truth: i64 = m
        .options
        .iter()
        .map(|o| truth_of(usize::from(o.code)))
        .sum();
    let answered_terms: Vec<(usize, f64)> = m
        .options
        .iter()
        .flat_map(|o| terms_of(&counts[usize::from(o.code)]))
        .collect();
    // A concealed true zero is no one's count: rule 4 would show it.
    let to_check = |v: Value, truth: i64| v.is_withheld() && !(v == CONCEALED && truth == 0);
    let answered_withheld = shown
        .and_then(|s| s.answered)
        .is_some_and(|v| to_check(v, answered_truth));
    if answered_withheld || (hidden && (1..=small).contains(&answered_truth)) {
        out.push((what(Some(m), None), answered_terms, answered_truth));
    }
    for o in m.options {
        let c = usize::from(o.code);
        let withheld = shown
            .and_then(|s| s.options.iter().find(|x| x.option.code == o.code))
            .is_some_and(|x| to_check(x.count, truth_of(c)));
        if withheld || (hidden && (1..=small).contains(&truth_of(c))) {
            out.push((what(Some(m), Some(o.id)), terms_of(&counts[c]), truth_of(c)));
        }
    }
    out
}
