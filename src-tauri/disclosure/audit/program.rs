//! The intruder's integer programme, and the values a count can take in it.

use good_lp::{
    constraint, microlp, variable, Expression, ProblemVariables, Solution, SolverModel, Variable,
};

/// `lo <= sum(coef * x) <= hi`, as (terms, lo, hi).
pub(super) type Row = (Vec<(usize, f64)>, f64, f64);

/// A linear programme over integer unknowns, row by row.
#[derive(Debug, Clone, Default)]
pub(super) struct Program {
    bounds: Vec<(f64, f64)>,
    rows: Vec<Row>,
}

pub(super) const BIG: f64 = 1e7;

impl Program {
    pub(super) fn var(&mut self, lo: f64, hi: f64) -> usize {
        self.bounds.push((lo, hi));
        self.bounds.len() - 1
    }

    pub(super) fn row(&mut self, terms: Vec<(usize, f64)>, lo: f64, hi: f64) {
        self.rows.push((terms, lo, hi));
    }

    /// Whether `target` can equal `v`.
    pub(super) fn feasible(&self, target: &[(usize, f64)], v: i64) -> bool {
        let fixed = [(target.to_vec(), v as f64, v as f64)];
        self.optimum(target, 0.0, &fixed).is_some()
    }

    /// The smallest (`sign` 1) or largest (`sign` -1) value of `target` with `extra`
    /// rows added; `None` if there is no solution.
    pub(super) fn optimum(&self, target: &[(usize, f64)], sign: f64, extra: &[Row]) -> Option<i64> {
        // A bound or row no value meets: no solution, without asking the solver.
        let empty = |lo: f64, hi: f64| lo > hi;
        if self.bounds.iter().any(|(lo, hi)| empty(*lo, *hi))
            || self
                .rows
                .iter()
                .chain(extra)
                .any(|(_, lo, hi)| empty(*lo, *hi))
        {
            return None;
        }
        let mut vars = ProblemVariables::new();
        let xs: Vec<Variable> = self
            .bounds
            .iter()
            .map(|(lo, hi)| vars.add(variable().integer().min(*lo).max(*hi)))
            .collect();
        let expr =
            |terms: &[(usize, f64)]| -> Expression { terms.iter().map(|(i, c)| *c * xs[*i]).sum() };
        let objective = expr(target);
        let mut problem = vars.minimise(sign * objective.clone()).using(microlp);
        for (terms, lo, hi) in self.rows.iter().chain(extra) {
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
        let solution = problem.solve().ok()?;
        // A solution counts only once checked, in whole numbers, against every bound
        // and row: a solver's tolerance, or a fault, never makes a value possible.
        let x: Vec<f64> = xs.iter().map(|v| solution.value(*v).round()).collect();
        if !self.holds(&x, extra) {
            return None;
        }
        Some(target.iter().map(|(i, c)| c * x[*i]).sum::<f64>().round() as i64)
    }

    /// Whether whole numbers `x` meet every bound and row (and `extra`).
    fn holds(&self, x: &[f64], extra: &[Row]) -> bool {
        const EPS: f64 = 1e-6;
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
/// count reported below `need` is always one the exact search confirmed.
pub(super) fn range(
    p: &Program,
    target: &[(usize, f64)],
    truth: i64,
    need: i64,
) -> (i64, i64, u32) {
    let (lowest, highest) = target.iter().fold((0.0, 0.0), |(lo, hi), (i, c)| {
        let (a, b) = (c * p.bounds[*i].0, c * p.bounds[*i].1);
        (lo + a.min(b), hi + a.max(b))
    });
    let mut found: Vec<i64> = vec![truth];
    for d in 1..=NEAR {
        for v in [truth - d, truth + d] {
            if (found.len() as i64) < need
                && (lowest..=highest).contains(&(v as f64))
                && p.feasible(target, v)
            {
                found.push(v);
            }
        }
    }
    if found.len() as i64 >= need {
        let (lo, hi) = (found.iter().min(), found.iter().max());
        return (*lo.unwrap(), *hi.unwrap(), need as u32);
    }
    exact_range(p, target, truth, need)
}

/// The smallest and largest value of `target`, and how many values it can take,
/// counted up to `need` (the truth is always one of them).
pub(super) fn exact_range(
    p: &Program,
    target: &[(usize, f64)],
    truth: i64,
    need: i64,
) -> (i64, i64, u32) {
    let lo = p.optimum(target, 1.0, &[]).unwrap_or(truth).min(truth);
    let hi = p.optimum(target, -1.0, &[]).unwrap_or(truth).max(truth);
    let mut found: Vec<i64> = vec![truth];
    for v in [lo, hi] {
        if !found.contains(&v) {
            found.push(v);
        }
    }
    let mut v = lo + 1;
    while (found.len() as i64) < need && v < hi {
        if !found.contains(&v) {
            let fixed = vec![(target.to_vec(), v as f64, v as f64)];
            if p.optimum(target, 1.0, &fixed).is_some() {
                found.push(v);
            }
        }
        v += 1;
    }
    (lo, hi, found.len().min(need.max(1) as usize) as u32)
}
