//! Rule 6, secondary suppression: a table that carries totals (all teams, all periods,
//! all breakdown values), together with earlier releases of the same responses, must
//! not let anyone work out a withheld cell.
//!
//! One statistic at a time (a group's responses, a measure's answers, one option's
//! count) is a table of cells. Each cell is the sum of some *atoms*: the finest pieces
//! of data any cell is made of (one team, one stretch of months, one breakdown value).
//! Two checks, repeated until both pass:
//!
//! 1. **Span.** Every published cell is taken as an exact linear equation over the
//!    atoms. A withheld cell whose atoms' sum is a linear combination of them could be
//!    worked out, so one more cell is withheld (the smallest in a line with it) and the
//!    check runs again. Gaussian elimination decides it, in exact arithmetic modulo the
//!    prime 2^61 - 1 (no rounding error; the crates for exact rationals grow without
//!    bound on tables this size, and the tables here are 0/1 sums where the modular
//!    rank is the rational rank).
//! 2. **Intervals.** An intruder who knows the rounding (a published count c is
//!    c - 2 to c + 2) and that a withheld count is 1 to 7 narrows every cell by
//!    interval reasoning over every total. Each withheld cell must keep at least
//!    `rules.min_possible_values` whole values; where it does not, one more cell is
//!    withheld.
//!
//! Only cells of the release being made can be withheld further; cells released
//! before keep what they were (rule 8).

use std::collections::{BTreeMap, HashMap};

use crate::period::Month;

/// A cell's place: team (`None`: all teams), a stretch of months, and breakdown value
/// (`None`: all values, or no breakdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Coords {
    pub team: Option<u32>,
    pub first: Month,
    pub last: Month,
    pub value: Option<u32>,
    /// A group of one period (not a total over periods). Atoms come only from these:
    /// where no such group exists there are no responses, and everyone knows it, since
    /// every group with a response is listed.
    pub base: bool,
}

/// The shape of a table: every cell's coordinates and atoms, shared by all statistics.
pub struct Grid {
    cells: Vec<Coords>,
    /// Sorted atom indices of each cell.
    atoms: Vec<Vec<u32>>,
    n_atoms: usize,
    /// Cells in one line: the same coordinates but one.
    lines: Vec<[usize; 3]>,
    line_members: Vec<Vec<usize>>,
    /// For each atom, the cells that hold it.
    cells_of_atom: Vec<Vec<u32>>,
}

impl Grid {
    /// Builds the grid. Atoms are cut at every month boundary any cell uses, for each
    /// (team, value) pair some cell names.
    pub fn new(cells: Vec<Coords>) -> Grid {
        // Month boundaries: a cell from `first` to `last` cuts before `first` and after `last`.
        let mut cuts: Vec<Month> = cells
            .iter()
            .flat_map(|c| [c.first, c.last.next()])
            .collect();
        cuts.sort();
        cuts.dedup();
        let teams: Vec<u32> = sorted_unique(cells.iter().filter_map(|c| c.team));
        let mut values: Vec<Option<u32>> = sorted_unique(cells.iter().filter_map(|c| c.value))
            .into_iter()
            .map(Some)
            .collect();
        values.push(None);
        // A team's groups without a value are atoms only where the team has no groups
        // with one (no breakdown, or every role merged).
        let valued: std::collections::HashSet<(u32, Month, Month)> = cells
            .iter()
            .filter(|c| c.value.is_some())
            .filter_map(|c| c.team.map(|t| (t, c.first, c.last)))
            .collect();
        // Atoms: (team, stretch between two cuts, value), from the groups of one period.
        let mut atom_ids: BTreeMap<(u32, usize, Option<u32>), u32> = BTreeMap::new();
        for c in &cells {
            let Some(team) = c.team else { continue };
            if !c.base || (c.value.is_none() && valued.contains(&(team, c.first, c.last))) {
                continue;
            }
            for s in stretches(&cuts, c.first, c.last) {
                let next = atom_ids.len() as u32;
                atom_ids.entry((team, s, c.value)).or_insert(next);
            }
        }
        // Renumber in sorted order, so that a line's atoms are near each other.
        for (i, id) in atom_ids.values_mut().enumerate() {
            *id = i as u32;
        }
        let atoms: Vec<Vec<u32>> = cells
            .iter()
            .map(|c| {
                let mut out = Vec::new();
                let ts: Vec<u32> = c.team.map(|t| vec![t]).unwrap_or_else(|| teams.clone());
                let vs: Vec<Option<u32>> = match c.value {
                    Some(v) => vec![Some(v)],
                    None => values.clone(),
                };
                for t in &ts {
                    for s in stretches(&cuts, c.first, c.last) {
                        for v in &vs {
                            if let Some(a) = atom_ids.get(&(*t, s, *v)) {
                                out.push(*a);
                            }
                        }
                    }
                }
                out.sort_unstable();
                out
            })
            .collect();
        type LineKey = (u8, Option<u32>, Option<(Month, Month)>, Option<u32>);
        let mut line_ids: HashMap<LineKey, usize> = HashMap::new();
        let mut line_members: Vec<Vec<usize>> = Vec::new();
        let mut lines = Vec::with_capacity(cells.len());
        for (i, c) in cells.iter().enumerate() {
            let keys = [
                (0u8, None, Some((c.first, c.last)), c.value),
                (1, c.team, None, c.value),
                (2, c.team, Some((c.first, c.last)), None),
            ];
            let mut ids = [0; 3];
            for (k, key) in keys.into_iter().enumerate() {
                let next = line_members.len();
                let id = *line_ids.entry(key).or_insert(next);
                if id == next {
                    line_members.push(Vec::new());
                }
                line_members[id].push(i);
                ids[k] = id;
            }
            lines.push(ids);
        }
        let mut cells_of_atom: Vec<Vec<u32>> = vec![Vec::new(); atom_ids.len()];
        for (i, a) in atoms.iter().enumerate() {
            for x in a {
                cells_of_atom[*x as usize].push(i as u32);
            }
        }
        Grid {
            n_atoms: atom_ids.len(),
            cells,
            atoms,
            lines,
            line_members,
            cells_of_atom,
        }
    }

    /// For each cell, the other cells made of exactly the same atoms (the same value).
    fn twins(&self) -> Vec<Vec<usize>> {
        let mut by_atoms: HashMap<&[u32], Vec<usize>> = HashMap::new();
        for (i, a) in self.atoms.iter().enumerate() {
            if !a.is_empty() {
                by_atoms.entry(a.as_slice()).or_default().push(i);
            }
        }
        (0..self.cells.len())
            .map(|i| {
                by_atoms
                    .get(self.atoms[i].as_slice())
                    .map(|v| v.iter().copied().filter(|j| *j != i).collect())
                    .unwrap_or_default()
            })
            .collect()
    }
}

fn sorted_unique(it: impl Iterator<Item = u32>) -> Vec<u32> {
    let mut v: Vec<u32> = it.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The indices of the stretches between cuts that lie within `first..=last`.
fn stretches(cuts: &[Month], first: Month, last: Month) -> std::ops::Range<usize> {
    let start = cuts.partition_point(|c| *c < first);
    let end = cuts.partition_point(|c| *c <= last);
    start..end
}

/// What is known of one cell of one statistic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Known {
    /// Published: the true value lies in `lo..=hi` (a rounded count's range, or an
    /// exact zero).
    Published { lo: u64, hi: u64 },
    /// Withheld: an intruder knows only that the true value lies in `lo..=hi`.
    Withheld { lo: u64, hi: u64 },
}

/// One cell of one statistic.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub known: Known,
    /// The true value (never published; it orders the choice of cells to withhold).
    pub truth: u64,
    /// Whether this release may still withhold it (false for cells released before).
    pub open: bool,
}

/// Runs both checks on one statistic, withholding more open cells where needed.
/// Returns the cells it withheld, each with the domain it gave it.
pub fn protect(
    grid: &Grid,
    cells: &mut [Cell],
    secondary_domain: (u64, u64),
    min_values: u64,
) -> Vec<usize> {
    let mut withheld = Vec::new();
    let twins = grid.twins();
    let hide = |cells: &mut [Cell], i: usize, withheld: &mut Vec<usize>| {
        cells[i].known = Known::Withheld {
            lo: secondary_domain.0,
            hi: secondary_domain.1,
        };
        withheld.push(i);
    };
    // Each round withholds at least one cell or stops, so this ends. The cheap checks
    // come first (peeling, then intervals); the exact elimination runs only when both
    // find nothing, and the loop ends only when all three do.
    loop {
        let mut exposed = span_exposed(grid, cells, false);
        if exposed.is_empty() {
            exposed = interval_exposed(grid, cells, min_values);
        }
        if exposed.is_empty() {
            exposed = span_exposed(grid, cells, true);
        }
        if exposed.is_empty() {
            break;
        }
        let mut changed = false;
        for c in exposed {
            if let Some(extra) = choose(grid, cells, &twins, c) {
                // Cells with the same atoms are one value: withhold them together.
                for t in twins[extra].iter().copied().chain([extra]) {
                    if cells[t].open && matches!(cells[t].known, Known::Published { .. }) {
                        hide(cells, t, &mut withheld);
                        changed = true;
                    }
                }
            }
        }
        if !changed {
            // Nothing open is left to withhold near these cells: what is exposed was
            // exposed by earlier releases alone.
            break;
        }
    }
    withheld
}

/// The open, published, non-zero cell to withhold to protect `c`: the smallest in the
/// line where `c` has the fewest other withheld cells. A cell with a published twin
/// that cannot be withheld (released before) would be withheld in vain, so is skipped.
fn choose(grid: &Grid, cells: &[Cell], twins: &[Vec<usize>], c: usize) -> Option<usize> {
    let published = |m: usize| matches!(cells[m].known, Known::Published { .. });
    let usable = |m: usize| {
        m != c
            && cells[m].open
            && published(m)
            && !twins[m].iter().any(|t| !cells[*t].open && published(*t))
    };
    let mut best: Option<(usize, u64, usize)> = None; // (hidden others, truth, cell)
    for line in grid.lines[c] {
        let members = &grid.line_members[line];
        let hidden_others = members
            .iter()
            .filter(|m| **m != c && !published(**m))
            .count();
        for m in members.iter().copied() {
            if usable(m) && cells[m].truth > 0 {
                let key = (hidden_others, cells[m].truth, m);
                if best.is_none_or(|b| key < b) {
                    best = Some(key);
                }
            }
        }
    }
    if let Some((_, _, m)) = best {
        return Some(m);
    }
    // No line has a cell to withhold (the exposure runs through totals of other shapes,
    // or through published zeros): the smallest open published cell near `c`, zeros
    // included. Near: sharing an atom with `c`, then sharing one with a published cell
    // among those, the cells a derivation of `c` goes through.
    let sharing = |of: &[u32]| -> Vec<usize> {
        let mut out: Vec<usize> = of
            .iter()
            .flat_map(|a| grid.cells_of_atom[*a as usize].iter().map(|m| *m as usize))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    let first = sharing(&grid.atoms[c]);
    let smallest = |set: &[usize]| {
        set.iter()
            .copied()
            .filter(|m| usable(*m))
            .min_by_key(|m| (cells[*m].truth, *m))
    };
    if let Some(m) = smallest(&first) {
        return Some(m);
    }
    let mut near: Vec<u32> = first
        .iter()
        .filter(|m| published(**m))
        .flat_map(|m| grid.atoms[*m].iter().copied())
        .collect();
    near.sort_unstable();
    near.dedup();
    smallest(&sharing(&near))
}

/// Atoms inside a published total of 0: they are 0, as rule 4 publishes true zeros.
/// A withheld cell made only of them is not a disclosure (a total of 0 says every part
/// of it is 0) and is left out of both checks.
fn zero_atoms(grid: &Grid, cells: &[Cell]) -> Vec<bool> {
    let mut zero = vec![false; grid.n_atoms];
    for (i, cell) in cells.iter().enumerate() {
        if cell.known == (Known::Published { lo: 0, hi: 0 }) {
            for a in &grid.atoms[i] {
                zero[*a as usize] = true;
            }
        }
    }
    zero
}

fn all_zero(grid: &Grid, zero: &[bool], cell: usize) -> bool {
    let atoms = &grid.atoms[cell];
    !atoms.is_empty() && atoms.iter().all(|a| zero[*a as usize])
}

/// Withheld cells that published cells pin down exactly (check 1). Without `exact`,
/// only what peeling finds.
fn span_exposed(grid: &Grid, cells: &[Cell], exact: bool) -> Vec<usize> {
    let published = |i: usize| matches!(cells[i].known, Known::Published { .. });
    // Atoms inside a published 0 are known. Then peeling: a published cell with one
    // atom left unknown determines it. Peeling is linear in the table's size and finds
    // most exposures; the elimination below runs only when it finds none.
    let zero = zero_atoms(grid, cells);
    let mut determined = zero.clone();
    let mut remaining: Vec<u32> = (0..cells.len())
        .map(|i| {
            if published(i) {
                grid.atoms[i].iter().filter(|a| !zero[**a as usize]).count() as u32
            } else {
                0
            }
        })
        .collect();
    let mut queue: Vec<usize> = (0..cells.len()).filter(|i| remaining[*i] == 1).collect();
    while let Some(r) = queue.pop() {
        if remaining[r] != 1 {
            continue;
        }
        let Some(&a) = grid.atoms[r].iter().find(|a| !determined[**a as usize]) else {
            continue;
        };
        determined[a as usize] = true;
        for c in &grid.cells_of_atom[a as usize] {
            let c = *c as usize;
            if published(c) {
                remaining[c] -= 1;
                if remaining[c] == 1 {
                    queue.push(c);
                }
            }
        }
    }
    let withheld: Vec<usize> = (0..cells.len())
        .filter(|i| !published(*i) && !all_zero(grid, &zero, *i))
        .collect();
    let peeled: Vec<usize> = withheld
        .iter()
        .copied()
        .filter(|i| grid.atoms[*i].iter().all(|a| determined[*a as usize]))
        .collect();
    if !peeled.is_empty() || !exact {
        return peeled;
    }
    // Then exact elimination over what peeling left undetermined.
    let undetermined = |i: usize| -> Vec<u32> {
        grid.atoms[i]
            .iter()
            .copied()
            .filter(|a| !determined[*a as usize])
            .collect()
    };
    let mut rows: Vec<Vec<u32>> = (0..cells.len())
        .filter(|i| published(*i) && remaining[*i] >= 2)
        .map(undetermined)
        .collect();
    rows.sort_by_key(Vec::len);
    rows.dedup();
    let t0 = std::time::Instant::now();
    let mut basis = Basis::default();
    for r in &rows {
        basis.insert(r.iter().map(|a| (*a, 1)).collect());
    }
    if std::env::var_os("PSI_MARGIN_TRACE").is_some() {
        let und = determined.iter().filter(|d| !**d).count();
        let entries: usize = basis.pivots.values().map(Vec::len).sum();
        eprintln!(
            "elim rows {} undetermined {} pivots {} entries {} in {:.4}",
            rows.len(),
            und,
            basis.pivots.len(),
            entries,
            t0.elapsed().as_secs_f64()
        );
    }
    withheld
        .into_iter()
        .filter(|i| {
            let target: BTreeMap<u32, u64> = undetermined(*i).into_iter().map(|a| (a, 1)).collect();
            // Reduction leaves a first column that no row starts with untouched: such a
            // target is not in the span, without reducing it.
            match target.keys().next() {
                None => true,
                Some(first) if !basis.pivots.contains_key(first) => false,
                Some(_) => basis.reduce(target).is_empty(),
            }
        })
        .collect()
}

/// Withheld cells that interval reasoning narrows to fewer than `min_values` (check 2).
fn interval_exposed(grid: &Grid, cells: &[Cell], min_values: u64) -> Vec<usize> {
    const MAX: u64 = u64::MAX / 4;
    let range = |k: Known| match k {
        Known::Published { lo, hi } | Known::Withheld { lo, hi } => (lo, hi.min(MAX)),
    };
    let mut cell_iv: Vec<(u64, u64)> = cells.iter().map(|c| range(c.known)).collect();
    let mut atom_iv = vec![(0u64, MAX); grid.n_atoms];
    // Propagate "cell = sum of its atoms" both ways until nothing narrows.
    for _round in 0..50 {
        let mut changed = false;
        for (i, atoms) in grid.atoms.iter().enumerate() {
            if atoms.is_empty() {
                continue;
            }
            let sum_lo: u64 = atoms.iter().map(|a| atom_iv[*a as usize].0).sum();
            let sum_hi: u64 = atoms
                .iter()
                .map(|a| atom_iv[*a as usize].1)
                .fold(0, |s, x| (s + x).min(MAX));
            let iv = &mut cell_iv[i];
            let new = (iv.0.max(sum_lo), iv.1.min(sum_hi));
            if new != *iv {
                *iv = new;
                changed = true;
            }
            let (c_lo, c_hi) = *iv;
            for a in atoms {
                let (a_lo, a_hi) = atom_iv[*a as usize];
                let others_hi = (sum_hi.saturating_sub(a_hi)).min(MAX);
                let others_lo = sum_lo - a_lo;
                let lo = if sum_hi >= MAX {
                    a_lo
                } else {
                    a_lo.max(c_lo.saturating_sub(others_hi))
                };
                let hi = a_hi.min(c_hi.saturating_sub(others_lo));
                if (lo, hi) != (a_lo, a_hi) {
                    atom_iv[*a as usize] = (lo, hi);
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let zero = zero_atoms(grid, cells);
    cells
        .iter()
        .enumerate()
        .filter(|(i, c)| {
            matches!(c.known, Known::Withheld { .. }) && !all_zero(grid, &zero, *i) && {
                let (lo, hi) = cell_iv[*i];
                hi < lo + min_values - 1
            }
        })
        .map(|(i, _)| i)
        .collect()
}

/// Arithmetic modulo the Mersenne prime 2^61 - 1.
const P: u64 = (1 << 61) - 1;

fn mul(a: u64, b: u64) -> u64 {
    ((u128::from(a) * u128::from(b)) % u128::from(P)) as u64
}

fn sub(a: u64, b: u64) -> u64 {
    if a >= b {
        a - b
    } else {
        a + P - b
    }
}

fn inverse(a: u64) -> u64 {
    // Fermat: a^(P-2).
    let (mut base, mut exp, mut out) = (a, P - 2, 1);
    while exp > 0 {
        if exp & 1 == 1 {
            out = mul(out, base);
        }
        base = mul(base, base);
        exp >>= 1;
    }
    out
}

/// Rows in echelon form, each keyed by its first column, with a 1 there.
#[derive(Default)]
struct Basis {
    pivots: HashMap<u32, Vec<(u32, u64)>>,
}

impl Basis {
    /// What is left of `row` once every pivot is eliminated from it.
    fn reduce(&self, row: BTreeMap<u32, u64>) -> BTreeMap<u32, u64> {
        let mut w = row;
        let mut cursor = 0u32;
        while let Some((&col, &v)) = w.range(cursor..).next() {
            match self.pivots.get(&col) {
                Some(p) => {
                    for &(pc, pv) in p {
                        let e = w.entry(pc).or_insert(0);
                        *e = sub(*e, mul(v, pv));
                        if *e == 0 {
                            w.remove(&pc);
                        }
                    }
                }
                None => cursor = col + 1,
            }
        }
        w
    }

    fn insert(&mut self, row: BTreeMap<u32, u64>) {
        let w = self.reduce(row);
        if let Some((&col, &v)) = w.iter().next() {
            let inv = inverse(v);
            let normalised = w.into_iter().map(|(c, x)| (c, mul(x, inv))).collect();
            self.pivots.insert(col, normalised);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    /// Teams 0..teams and an all-teams total, one month, no breakdown.
    fn teams_and_total(teams: u32) -> Grid {
        let jan = m("2026-01");
        let mut cells: Vec<Coords> = (0..teams)
            .map(|t| Coords {
                team: Some(t),
                first: jan,
                last: jan,
                value: None,
                base: true,
            })
            .collect();
        cells.push(Coords {
            team: None,
            first: jan,
            last: jan,
            value: None,
            base: true,
        });
        Grid::new(cells)
    }

    fn published(truth: u64) -> Cell {
        let (lo, hi) = if truth == 0 {
            (0, 0)
        } else {
            let r = (truth + 2) / 5 * 5;
            ((r - 2).max(8), r + 2)
        };
        Cell {
            known: Known::Published { lo, hi },
            truth,
            open: true,
        }
    }

    fn small(truth: u64) -> Cell {
        Cell {
            known: Known::Withheld { lo: 1, hi: 7 },
            truth,
            open: true,
        }
    }

    #[test]
    fn a_total_minus_the_other_teams_gives_a_withheld_cell_away_unless_one_more_is_withheld() {
        let grid = teams_and_total(3);
        let mut cells = vec![published(40), small(3), published(20), published(63)];
        assert_eq!(
            span_exposed(&grid, &cells, true),
            vec![1],
            "the attack works"
        );
        let extra = protect(&grid, &mut cells, (8, u64::MAX), 3);
        assert_eq!(extra, vec![2], "the smaller other team is withheld");
        assert!(span_exposed(&grid, &cells, true).is_empty());
        assert!(interval_exposed(&grid, &cells, 3).is_empty());
    }

    #[test]
    fn cells_released_before_cannot_be_withheld_now() {
        let grid = teams_and_total(3);
        let mut cells = vec![published(40), small(3), published(20), published(63)];
        cells[2].open = false;
        let extra = protect(&grid, &mut cells, (8, u64::MAX), 3);
        assert_eq!(extra, vec![0], "the next smallest open cell");
    }

    #[test]
    fn two_small_cells_in_a_line_protect_each_other_unless_the_intervals_pin_them() {
        // 1 + 1 with a total "withheld" would be fine; here the total of the two small
        // cells is published through the grand total: 40 + x + y = 42 -> x + y about 2.
        let grid = teams_and_total(3);
        let cells = vec![published(40), small(1), small(1), published(42)];
        assert!(
            span_exposed(&grid, &cells, true).is_empty(),
            "not in the span"
        );
        // Total 40 (38..42) minus 40 (38..42) leaves x + y in 0..4: x is 1..3, y too.
        assert!(
            interval_exposed(&grid, &cells, 3).is_empty(),
            "three values each"
        );
        assert_eq!(interval_exposed(&grid, &cells, 4), vec![1, 2]);
    }

    #[test]
    fn a_quarter_released_before_and_months_now_share_atoms() {
        let (jan, feb, mar) = (m("2026-01"), m("2026-02"), m("2026-03"));
        let cell = |first, last| Coords {
            team: Some(0),
            first,
            last,
            value: None,
            base: true,
        };
        let grid = Grid::new(vec![
            cell(jan, mar),
            cell(jan, jan),
            cell(feb, feb),
            cell(mar, mar),
        ]);
        assert_eq!(grid.n_atoms, 3);
        assert_eq!(grid.atoms[0], vec![0, 1, 2]);
        let mut cells = vec![published(50), published(20), small(5), published(25)];
        cells[0].open = false;
        protect(&grid, &mut cells, (8, u64::MAX), 3);
        assert!(
            matches!(cells[1].known, Known::Withheld { .. }),
            "January is withheld so February cannot be worked out from the quarter"
        );
    }

    #[test]
    fn modular_elimination_finds_combinations() {
        let mut b = Basis::default();
        let row = |cols: &[u32]| cols.iter().map(|c| (*c, 1)).collect::<BTreeMap<_, _>>();
        b.insert(row(&[0, 1]));
        b.insert(row(&[1, 2]));
        b.insert(row(&[0, 2, 3]));
        // (0+1) - (1+2) = 0 - 2; (0+2+3) - (0 - 2)... 3 + 2*2: {2, 3} not in span, {0, 1} is.
        assert!(b.reduce(row(&[0, 1])).is_empty());
        assert!(!b.reduce(row(&[3])).is_empty());
        // 2*(1+2) ... (0+2+3) - (0+1) + (1+2) = 2*2 + 3: {2} alone is not in the span.
        assert!(!b.reduce(row(&[2])).is_empty());
        assert_eq!(mul(inverse(12345), 12345), 1);
    }
}
