//! How many values a count can take in the intruder's programme: the values nearest
//! the truth first, the whole range where those are too few.

use super::program::{out_of_time, Program, Solved, Until};

/// How many values a count can take, as far as the solver could tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Range {
    /// The smallest and largest values found.
    pub lo: i64,
    pub hi: i64,
    /// How many values were found, counted up to the number asked for (the truth is
    /// always one of them).
    pub values: u32,
    /// Whether that is all of them: false where the solver ran out of time before it
    /// could rule out the others (and found too few).
    pub decided: bool,
}

/// How far from the truth the quick check looks for other values before it asks for
/// the exact range.
pub(super) const NEAR: i64 = 8;

/// How many values `target` can take, counted up to `need` (the truth is always one of
/// them), and the smallest and largest of those it found.
///
/// First the values nearest the truth, each a feasibility question (no objective, so
/// the first integer solution answers it): far cheaper for the solver than the
/// smallest and largest values, whose optimality it must prove. Only a count with
/// fewer than `need` values within `NEAR` of the truth gets the exact range, so a
/// count reported below `need` is always one the exact search confirmed, or one it
/// could not decide in time (see [`Range::decided`]).
pub(super) fn range(p: &Program, target: &[(usize, f64)], truth: i64, need: i64) -> Range {
    // What the rows alone leave the target: no value outside is asked about.
    let (lowest, highest) = p.reach(target).unwrap_or((truth as f64, truth as f64));
    let candidates: Vec<i64> = (1..=NEAR)
        .flat_map(|d| [truth - d, truth + d])
        .filter(|v| (lowest..=highest).contains(&(*v as f64)))
        .collect();
    // Near the known solution for every candidate first: a value found there needs
    // no proof, while a value with no solution takes the whole programme to rule out.
    let until = p.clock();
    let mut found: Vec<i64> = vec![truth];
    for v in &candidates {
        if (found.len() as i64) < need && p.near_solution(target, *v, until) {
            found.push(*v);
        }
    }
    let short = |found: &[i64]| (found.len() as i64) < need;
    // Whether a question went unanswered: the count is decided only if enough values
    // are found anyway.
    let mut unsure = false;
    for v in &candidates {
        if short(&found) && !found.contains(v) {
            match p.solution(target, *v, until) {
                Solved::Value { .. } => found.push(*v),
                Solved::Nothing => {}
                // Out of time: the exact range would be too. A solver's fault: the
                // other values are still asked about.
                Solved::Undecided if out_of_time(until) => return so_far(&found, need),
                Solved::Undecided => unsure = true,
            }
        }
    }
    if !short(&found) {
        return so_far(&found, need);
    }
    let mut out = exact_range(p, target, need, found, until);
    out.decided &= !unsure || out.values as i64 >= need;
    out
}

/// What the values found so far say of a count: enough decide it; too few, where
/// some questions went unanswered, do not.
fn so_far(found: &[i64], need: i64) -> Range {
    Range {
        lo: *found.iter().min().expect("the truth"),
        hi: *found.iter().max().expect("the truth"),
        values: found.len().min(need.max(1) as usize) as u32,
        decided: found.len() as i64 >= need,
    }
}

/// The smallest and largest value of `target`, and how many values it can take,
/// counted up to `need`, from the values `found` already (the truth first).
fn exact_range(
    p: &Program,
    target: &[(usize, f64)],
    need: i64,
    mut found: Vec<i64>,
    until: Until,
) -> Range {
    let truth = found[0];
    let mut ends = [truth; 2];
    for (k, sign) in [1.0, -1.0].into_iter().enumerate() {
        match p.optimum(target, sign, &[], until) {
            Solved::Value { v, proven } => {
                if !found.contains(&v) {
                    found.push(v);
                }
                if !proven {
                    return so_far(&found, need);
                }
                ends[k] = v;
            }
            // The truth is a solution: a programme said to have none is one the
            // solver could not settle.
            Solved::Nothing | Solved::Undecided => return so_far(&found, need),
        }
    }
    let (lo, hi) = (ends[0].min(truth), ends[1].max(truth));
    let mut unsure = false;
    let mut v = lo + 1;
    while (found.len() as i64) < need && v < hi {
        if !found.contains(&v) {
            match p.feasible(target, v, until) {
                Solved::Value { .. } => found.push(v),
                Solved::Nothing => {}
                Solved::Undecided if out_of_time(until) => return so_far(&found, need),
                Solved::Undecided => unsure = true,
            }
        }
        v += 1;
    }
    Range {
        lo,
        hi,
        values: found.len().min(need.max(1) as usize) as u32,
        decided: !unsure || found.len() as i64 >= need,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_near_the_known_solution_and_ruled_out_by_the_whole_programme() {
        // Four unknowns adding up to 20, the last held at 5, the known solution 5 each:
        // the first can be 8 (found near the data) and at most 15, never 16.
        let mut p = Program::default();
        let xs: Vec<usize> = (0..4).map(|_| p.var(0.0, 20.0, 5.0)).collect();
        p.row(xs.iter().map(|i| (*i, 1.0)).collect(), 20.0, 20.0);
        p.row(vec![(xs[3], 1.0)], 5.0, 5.0);
        let target = [(xs[0], 1.0)];
        assert!(p.near_solution(&target, 8, None));
        assert!(p.feasible(&target, 15, None).found());
        assert_eq!(p.feasible(&target, 16, None), Solved::Nothing);
        assert_eq!(range(&p, &target, 5, 3).values, 3);
        let whole = exact_range(&p, &target, 3, vec![5], None);
        assert_eq!((whole.lo, whole.hi, whole.values), (0, 15, 3));
        assert!(whole.decided);
    }

    #[test]
    fn a_count_the_solver_cannot_settle_in_time_is_undecided_not_narrowed() {
        // x + 2y + 2z = 5, y and z 0 to 2, the data 1, 1, 1: x is 1, 3 or 5. That 0, 2
        // and 4 are impossible takes the solver's search (the rows alone allow them).
        let mut p = Program::default();
        let x = p.var(0.0, 5.0, 1.0);
        let y = p.var(0.0, 2.0, 1.0);
        let z = p.var(0.0, 2.0, 1.0);
        p.row(vec![(x, 1.0), (y, 2.0), (z, 2.0)], 5.0, 5.0);
        let target = [(x, 1.0)];
        assert_eq!(p.reach(&target), Some((0.0, 5.0)));
        // Asked for four values: three, proved.
        let whole = range(&p, &target, 1, 4);
        assert_eq!((whole.lo, whole.hi, whole.values), (1, 5, 3));
        assert!(whole.decided);
        // With no time at all: the truth alone is known, and nothing is claimed of the
        // other values.
        p.limit = Some(0.0);
        let hurried = range(&p, &target, 1, 3);
        assert_eq!((hurried.lo, hurried.hi, hurried.values), (1, 1, 1));
        assert!(!hurried.decided);
        // With time for the search near the data: 3 and 5 are found there.
        p.limit = Some(600.0);
        assert_eq!(range(&p, &target, 1, 3).values, 3);
        assert!(range(&p, &target, 1, 3).decided);
    }
}
