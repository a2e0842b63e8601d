//! The intruder's integer programme, and the values a count can take in it.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, ResolutionError, Solution,
    SolutionStatus, SolverModel, Variable, WithMipGap, WithTimeLimit,
};

/// `lo <= sum(coef * x) <= hi`, as (terms, lo, hi).
pub(super) type Row = (Vec<(usize, f64)>, f64, f64);

/// A linear programme over integer unknowns, row by row, with a solution known to
/// meet it (the data itself), from which the search for other solutions starts.
#[derive(Debug, Clone, Default)]
pub(super) struct Program {
    bounds: Vec<(f64, f64)>,
    rows: Vec<Row>,
    known: Vec<f64>,
    /// How long, in seconds, the solver may take over all the questions about one
    /// count (`None`: as long as it needs).
    pub(super) limit: Option<f64>,
}

/// When the time for one count's questions runs out (`None`: never).
pub(super) type Until = Option<Instant>;

/// Whether the time until `until` is up.
pub(super) fn out_of_time(until: Until) -> bool {
    until.is_some_and(|u| Instant::now() >= u)
}

/// The seconds left until `until`, none below zero (`None`: no limit).
fn left(until: Until) -> Option<f64> {
    until.map(|u| u.saturating_duration_since(Instant::now()).as_secs_f64())
}

/// What the solver says of one question.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Solved {
    /// A solution, checked row by row, and the target's value in it: the smallest or
    /// largest asked for only where `proven`.
    Value { v: i64, proven: bool },
    /// No solution: proved, by the solver or before it.
    Nothing,
    /// The solver ran out of time, or failed, before it could say: nothing is known.
    Undecided,
}

impl Solved {
    pub(super) fn found(self) -> bool {
        matches!(self, Solved::Value { .. })
    }
}

pub(super) const BIG: f64 = 1e7;

/// How long, in seconds, the solver may look for a solution near the known one before
/// it is asked about the whole programme. Only a solution found ends the question
/// early: a search near the known solution that finds none proves nothing.
const NEAR_LIMIT: f64 = 1.0;

impl Program {
    /// A new unknown between `lo` and `hi`, `known` in the data.
    pub(super) fn var(&mut self, lo: f64, hi: f64, known: f64) -> usize {
        self.bounds.push((lo, hi));
        self.known.push(known);
        self.bounds.len() - 1
    }

    /// The smallest and largest values the rows alone leave `target` (their bounds
    /// narrowed, see [`propagate`]); `None` where they leave no solution at all.
    pub(super) fn reach(&self, target: &[(usize, f64)]) -> Option<(f64, f64)> {
        propagate(&self.bounds, &self.rows).map(|b| activity(target, &b))
    }

    /// The value of `terms` in the known solution.
    pub(super) fn known(&self, terms: &[(usize, f64)]) -> f64 {
        terms.iter().map(|(i, c)| c * self.known[*i]).sum()
    }

    pub(super) fn row(&mut self, terms: Vec<(usize, f64)>, lo: f64, hi: f64) {
        self.rows.push((terms, lo, hi));
    }

    /// When the time for a count's questions, starting now, runs out.
    pub(super) fn clock(&self) -> Until {
        // A limit too long to count in is no limit.
        let limit = self.limit?;
        Instant::now().checked_add(Duration::try_from_secs_f64(limit.max(0.0)).ok()?)
    }

    /// Whether `target` can equal `v`: first near the known solution (see
    /// [`Program::near_solution`]), then in the whole programme.
    pub(super) fn feasible(&self, target: &[(usize, f64)], v: i64, until: Until) -> Solved {
        if self.near_solution(target, v, until) {
            return Solved::Value { v, proven: true };
        }
        self.solution(target, v, until)
    }

    /// Whether the whole programme has a solution with `target` equal to `v`: only this
    /// can say that there is none.
    pub(super) fn solution(&self, target: &[(usize, f64)], v: i64, until: Until) -> Solved {
        let fixed = [(target.to_vec(), v as f64, v as f64)];
        self.optimum(target, 0.0, &fixed, until)
    }

    /// Whether a solution with `target` equal to `v` is found near the known one: where
    /// this says no, there may still be one.
    ///
    /// A solution usually differs from the known one in a few unknowns, close to the
    /// target's, and the solver finds one far sooner where all the others are held at
    /// their known values (a neighbourhood search, as MIP solvers' local heuristics do):
    /// first the unknowns sharing a row with the target's, then those one row further.
    /// A solution found there is one of the whole programme, checked row by row like
    /// any other.
    pub(super) fn near_solution(&self, target: &[(usize, f64)], v: i64, until: Until) -> bool {
        let fixed = [(target.to_vec(), v as f64, v as f64)];
        [1, 2, usize::MAX].into_iter().any(|reach| {
            let limit = left(until).map_or(NEAR_LIMIT, |l| l.min(NEAR_LIMIT));
            if limit <= 0.0 {
                return false;
            }
            let bounds = self.near(target, reach);
            self.solve(&bounds, target, 0.0, &fixed, Some(limit), true)
                .found()
        })
    }

    /// The bounds with every unknown more than `reach` rows from `target`'s held at
    /// its known value.
    fn near(&self, target: &[(usize, f64)], reach: usize) -> Vec<(f64, f64)> {
        if reach == usize::MAX {
            return self.bounds.clone();
        }
        let mut free: HashSet<usize> = target.iter().map(|(i, _)| *i).collect();
        for _ in 0..reach {
            let touched: Vec<usize> = self
                .rows
                .iter()
                .filter(|(terms, _, _)| terms.iter().any(|(i, _)| free.contains(i)))
                .flat_map(|(terms, _, _)| terms.iter().map(|(i, _)| *i))
                .collect();
            free.extend(touched);
        }
        self.bounds
            .iter()
            .zip(&self.known)
            .enumerate()
            .map(|(i, (&(lo, hi), &k))| {
                if free.contains(&i) || !(lo..=hi).contains(&k) {
                    (lo, hi)
                } else {
                    (k, k)
                }
            })
            .collect()
    }

    /// The smallest (`sign` 1) or largest (`sign` -1) value of `target` with `extra`
    /// rows added, if the solver can tell by `until`.
    pub(super) fn optimum(
        &self,
        target: &[(usize, f64)],
        sign: f64,
        extra: &[Row],
        until: Until,
    ) -> Solved {
        let limit = left(until);
        if limit.is_some_and(|l| l <= 0.0) {
            return Solved::Undecided;
        }
        self.solve(&self.bounds, target, sign, extra, limit, false)
    }

    /// As [`Program::optimum`] within `bounds`, which may be narrower than the
    /// programme's own, and within `limit` seconds; `guided`, a search for any solution
    /// near the known one (see below).
    fn solve(
        &self,
        bounds: &[(f64, f64)],
        target: &[(usize, f64)],
        sign: f64,
        extra: &[Row],
        limit: Option<f64>,
        guided: bool,
    ) -> Solved {
        // A bound or row no value meets: no solution, without asking the solver.
        let empty = |lo: f64, hi: f64| lo > hi;
        if bounds.iter().any(|(lo, hi)| empty(*lo, *hi))
            || self
                .rows
                .iter()
                .chain(extra)
                .any(|(_, lo, hi)| empty(*lo, *hi))
        {
            return Solved::Nothing;
        }
        let rows: Vec<Row> = self.rows.iter().chain(extra).cloned().collect();
        // Bounds and rows no whole-number solution can notice: what is left is the same
        // programme, which the solver's search settles in far fewer steps.
        let Some(bounds) = propagate(bounds, &rows) else {
            return Solved::Nothing;
        };
        let rows = tighten(rows, &bounds);
        let mut vars = ProblemVariables::new();
        let xs: Vec<Variable> = bounds
            .iter()
            .map(|(lo, hi)| vars.add(variable().integer().min(*lo).max(*hi)))
            .collect();
        let expr =
            |terms: &[(usize, f64)]| -> Expression { terms.iter().map(|(i, c)| *c * xs[*i]).sum() };
        let mut objective = sign * expr(target);
        // Guided: the distance from the known solution to minimise, unknown by unknown,
        // so that the solver's relaxations lie near whole numbers; the first solution
        // found answers (a gap of 1 stops there, the distance being never negative).
        let mut guide = Vec::new();
        if guided {
            for (i, (lo, hi)) in bounds.iter().enumerate() {
                if lo < hi {
                    let d = vars.add(variable().min(0.0));
                    guide.push((xs[i], d, self.known[i]));
                    objective += d;
                }
            }
        }
        let mut problem = vars.minimise(objective).using(microlp);
        for (x, d, k) in guide {
            problem = problem.with(constraint!(x - d <= k));
            problem = problem.with(constraint!(x + d >= k));
        }
        if let Some(seconds) = limit {
            problem = problem.with_time_limit(seconds);
        }
        if guided {
            let Ok(p) = problem.with_mip_gap(1.0) else {
                return Solved::Undecided;
            };
            problem = p;
        }
        for (terms, lo, hi) in &rows {
            let e = expr(terms);
            if lo == hi {
                problem = problem.with(constraint!(e == *lo));
                continue;
            }
            if *lo > -BIG {
                problem = problem.with(constraint!(e.clone() >= *lo));
            }
            if *hi < BIG {
                problem = problem.with(constraint!(e <= *hi));
            }
        }
        let solution = match problem.solve() {
            Ok(s) => s,
            Err(ResolutionError::Infeasible) => return Solved::Nothing,
            // Out of time before any solution, or a fault: neither proves anything.
            Err(_) => return Solved::Undecided,
        };
        // A solution counts only once checked, in whole numbers, against every bound
        // and row: a solver's tolerance, or a fault, never makes a value possible.
        let x: Vec<f64> = xs.iter().map(|v| solution.value(*v).round()).collect();
        if !self.holds(&x, extra) {
            return Solved::Undecided;
        }
        Solved::Value {
            v: target.iter().map(|(i, c)| c * x[*i]).sum::<f64>().round() as i64,
            proven: matches!(solution.status(), SolutionStatus::Optimal),
        }
    }

    /// Whether whole numbers `x` meet every bound and row (and `extra`).
    fn holds(&self, x: &[f64], extra: &[Row]) -> bool {
        let within = |v: f64, lo: f64, hi: f64| v >= lo - EPS && v <= hi + EPS;
        self.bounds
            .iter()
            .zip(x)
            .all(|((lo, hi), v)| within(*v, *lo, *hi))
            && self.rows.iter().chain(extra).all(|(terms, lo, hi)| {
                let v: f64 = terms.iter().map(|(i, c)| c * x[*i]).sum();
                within(v, *lo, *hi)
            })
    }
}

/// Tolerance for the sums of whole numbers times the programme's coefficients.
const EPS: f64 = 1e-6;

/// The smallest and largest each term can add to a row within `bounds`.
fn activity(terms: &[(usize, f64)], bounds: &[(f64, f64)]) -> (f64, f64) {
    terms.iter().fold((0.0, 0.0), |(lo, hi), (i, c)| {
        let (a, b) = (c * bounds[*i].0, c * bounds[*i].1);
        (lo + a.min(b), hi + a.max(b))
    })
}

/// Every unknown's bounds narrowed to what the rows leave a whole number (bound
/// propagation, the first step of a MIP solver's presolve, which microlp has not got):
/// a row's other terms at their extremes bound each term. `None` where the rows leave
/// an unknown no value at all, which proves the programme has no solution. Only values
/// no solution can take are removed, so the programme's solutions are the same.
fn propagate(bounds: &[(f64, f64)], rows: &[Row]) -> Option<Vec<(f64, f64)>> {
    let mut b = bounds.to_vec();
    // Each pass is linear in the programme; bounds of a few thousand settle in a few.
    for _ in 0..32 {
        let mut changed = false;
        for (terms, lo, hi) in rows {
            let (min, max) = activity(terms, &b);
            if min > hi + EPS || max < lo - EPS {
                return None;
            }
            for (i, c) in terms.iter().filter(|(_, c)| *c != 0.0) {
                let (a, z) = (c * b[*i].0, c * b[*i].1);
                // The term's room: from the row's limit less the others' extremes.
                let upper = if *hi < BIG {
                    hi - (min - a.min(z))
                } else {
                    f64::INFINITY
                };
                let lower = if *lo > -BIG {
                    lo - (max - a.max(z))
                } else {
                    f64::NEG_INFINITY
                };
                let (x_lo, x_hi) = if *c > 0.0 {
                    (lower / c, upper / c)
                } else {
                    (upper / c, lower / c)
                };
                let (x_lo, x_hi) = ((x_lo - EPS).ceil(), (x_hi + EPS).floor());
                if x_lo > b[*i].0 {
                    b[*i].0 = x_lo;
                    changed = true;
                }
                if x_hi < b[*i].1 {
                    b[*i].1 = x_hi;
                    changed = true;
                }
                if b[*i].0 > b[*i].1 {
                    return None;
                }
            }
        }
        if !changed {
            break;
        }
    }
    Some(b)
}

/// The rows with each 0-or-1 unknown's coefficient in a one-sided row made no larger
/// than the row needs (coefficient tightening): "x <= BIG * b" becomes "x <= U * b",
/// with U the most x can be. Within `bounds` the whole-number solutions are the same,
/// and the solver's relaxation, no longer loose by millions, prunes its search.
fn tighten(mut rows: Vec<Row>, bounds: &[(f64, f64)]) -> Vec<Row> {
    for (terms, lo, hi) in rows.iter_mut() {
        if (*lo > -BIG) == (*hi < BIG) {
            continue;
        }
        for k in 0..terms.len() {
            let (j, c) = terms[k];
            if bounds[j] != (0.0, 1.0) {
                continue;
            }
            let (min, max) = activity(terms, bounds);
            let (rest_min, rest_max) = (min - c.min(0.0), max - c.max(0.0));
            if *hi < BIG && c < 0.0 {
                // rest + c b <= hi: with b = 1, rest <= hi - c; rest never exceeds
                // rest_max, so -c need be no more than rest_max - hi.
                terms[k].1 = c.max(-(rest_max - *hi).max(0.0));
            } else if *lo > -BIG && c > 0.0 {
                terms[k].1 = c.min((*lo - rest_min).max(0.0));
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn propagation_narrows_bounds_and_finds_a_programme_without_solutions() {
        // x + y = 10 with x <= 3: y is 7 to 10; then y <= 8 leaves x 2 or 3.
        let bounds = [(0.0, 3.0), (0.0, BIG)];
        let mut rows: Vec<Row> = vec![(vec![(0, 1.0), (1, 1.0)], 10.0, 10.0)];
        assert_eq!(
            propagate(&bounds, &rows),
            Some(vec![(0.0, 3.0), (7.0, 10.0)])
        );
        rows.push((vec![(1, 1.0)], -BIG, 8.0));
        assert_eq!(
            propagate(&bounds, &rows),
            Some(vec![(2.0, 3.0), (7.0, 8.0)])
        );
        rows.push((vec![(0, 2.0)], 7.0, BIG));
        assert_eq!(propagate(&bounds, &rows), None, "2x >= 7 needs x = 4");
    }

    #[test]
    fn tightening_keeps_every_whole_solution() {
        // x <= BIG * b with x at most 12 becomes x <= 12 b; x >= 8 b stays.
        let bounds = [(0.0, 12.0), (0.0, 1.0)];
        let rows: Vec<Row> = vec![
            (vec![(0, 1.0), (1, -BIG)], -BIG, 0.0),
            (vec![(0, 1.0), (1, -8.0)], 0.0, BIG),
        ];
        let tight = tighten(rows.clone(), &bounds);
        assert_eq!(tight[0].0, vec![(0, 1.0), (1, -12.0)]);
        assert_eq!(tight[1], rows[1]);
        let meets = |rows: &[Row], x: f64, b: f64| {
            rows.iter().all(|(t, lo, hi)| {
                let v = t[0].1 * x + t[1].1 * b;
                v >= *lo && v <= *hi
            })
        };
        for x in 0..=12 {
            for b in 0..=1 {
                let (x, b) = (f64::from(x), f64::from(b));
                assert_eq!(meets(&rows, x, b), meets(&tight, x, b), "x {x}, b {b}");
            }
        }
    }
}
