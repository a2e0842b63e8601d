//! What other releases publish of a count one release withholds: a count shown, or
//! one the others already pin, is theirs to answer for, not the withholding release's.

use std::collections::{HashMap, HashSet};

use super::program::Program;
use super::range::range;
use super::what;
use crate::disclosure::{Release, Value};

/// Every count shown in `releases`, as (what, the atoms it counts).
pub(super) fn shown_counts(
    releases: &[Release],
    placed: &[Vec<Vec<usize>>],
) -> HashSet<(String, Vec<usize>)> {
    let shown = |v: Option<Value>| matches!(v, Some(Value::Count(_)));
    let mut out = HashSet::new();
    for (r, release) in releases.iter().enumerate() {
        for (g, group) in release.groups.iter().enumerate() {
            let cell = &placed[r][g];
            if shown(Some(group.responses)) {
                out.insert((what(None, None), cell.clone()));
            }
            for mv in &group.measures {
                if shown(mv.answered) {
                    out.insert((what(Some(&mv.measure), None), cell.clone()));
                }
                for o in &mv.options {
                    if shown(Some(o.count)) {
                        out.insert((what(Some(&mv.measure), Some(o.option.id)), cell.clone()));
                    }
                }
            }
        }
    }
    out
}

/// The other releases' programmes, asked whether they alone narrow a count that one
/// release withholds. A count that is not small, and that the other releases already
/// narrow below the values the rules ask, was published by them (a headline layout
/// does not show "answered", but its average, percentage and rounded size may leave
/// only two values of it, and a count of 13 may be published): withholding it after
/// does not make it secret, and showing it again could give away a small count that
/// concealing it protects. So it is not a finding of the release that withholds it.
/// A small count never has this excuse.
#[derive(Default)]
pub(super) struct Elsewhere {
    /// Per release left out, the programme of all the others (for one measure).
    without: HashMap<usize, Program>,
}

impl Elsewhere {
    /// Whether the releases other than `r` alone leave the count `terms` fewer than
    /// `need` values (`None`: the solver could not tell); `build` makes their
    /// programme, once per release.
    pub(super) fn pins(
        &mut self,
        r: usize,
        terms: &[(usize, f64)],
        truth: i64,
        need: i64,
        build: impl FnOnce() -> Program,
    ) -> Option<bool> {
        let program = self.without.entry(r).or_insert_with(build);
        let range = range(program, terms, truth, need);
        range.decided.then_some(i64::from(range.values) < need)
    }
}
