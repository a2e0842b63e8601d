//! Looking for witnesses: other data sets that publish exactly what the truth does
//! but in which a count differs, made of small moves and repaired greedily.

use super::*;

/// A change's fingerprint, for telling changes already weighed (two different changes
/// with the same fingerprint would only mean one of them is not tried).
pub(super) fn fingerprint(d: &Delta) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for ((a, s), v) in d {
        let s = match s {
            crate::disclosure::board::AtomStat::Responses => 0u64,
            crate::disclosure::board::AtomStat::Count(m, o) => {
                1 + u64::from(*m) * 8 + u64::from(*o)
            }
        };
        for x in [u64::from(*a), s, *v as u64] {
            h = (h ^ x).wrapping_mul(0x0000_0100_0000_01b3);
            h ^= h >> 29;
        }
    }
    h
}

/// How far one search for a witness goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Effort {
    /// The likeliest moves in each atom (those that keep its averages and shares).
    FirstMoves,
    /// Every move, balanced by neighbours too, without repairs.
    Moves,
    /// Every move, then a beam search of repairs.
    Repairs,
}

/// What the moves of one search left where none made a witness: the attempts, each
/// with its score, and the changes already weighed.
pub(super) struct Tried {
    attempts: Vec<Attempt>,
    seen: HashSet<u64>,
}

/// The score of one unit of gap in a value that cannot be withheld.
pub(super) const HARD: u64 = 1 << 40;

impl Search<'_> {
    /// Looks for witnesses until `need - 1` values other than the truth are known
    /// (`known`: found before). Returns the witnesses found, and, if there are still too
    /// few, the steps that failed: (direction, the witness it started from, the value
    /// it sought); none if enough are known. The search goes as far as `upto`; short of
    /// repairs, no step is returned as failed.
    pub(super) fn witnesses(
        &self,
        t: Target,
        need: usize,
        known: &BTreeMap<i64, Delta>,
        upto: Effort,
        failures: &mut Vec<Attempt>,
    ) -> (Vec<Delta>, Vec<(i64, Delta, i64)>) {
        let enough = |have: &BTreeMap<i64, Delta>| have.len() + 1 >= need;
        if enough(known) {
            return (Vec::new(), Vec::new());
        }
        let mut have = known.clone();
        let mut found = Vec::new();
        let mut open = Vec::new();
        // The likeliest moves alone first, then every move, without repairs, each way
        // as far as they go: most counts need no more, and a search that fails one way
        // costs hundreds of changed data sets where a step the other way needs none.
        // Where every move failed, what they left is kept for the repairs that follow,
        // which would otherwise weigh the same moves again: (direction, value sought,
        // the witness it started from, what the moves left).
        let repairs = upto == Effort::Repairs;
        let mut tried: Vec<(i64, i64, Delta, Tried)> = Vec::new();
        for effort in [Effort::FirstMoves, Effort::Moves] {
            if effort > upto {
                break;
            }
            for dir in [1i64, -1] {
                let mut value = t.truth;
                let mut base = Delta::new();
                while !enough(&have) {
                    value += dir;
                    if value < t.lo || value > t.hi {
                        break;
                    }
                    if let Some(d) = have.get(&value) {
                        base = d.clone();
                        continue;
                    }
                    let d = match self.moves(t, dir, &base, value, false, effort) {
                        Ok(d) => d,
                        Err(left) => {
                            if repairs && effort == Effort::Moves {
                                tried.push((dir, value, base, left));
                            }
                            break;
                        }
                    };
                    have.insert(value, d.clone());
                    found.push(d.clone());
                    base = d;
                }
            }
        }
        // Then with repairs: one step each way first, then further in a way that worked.
        let mut blocked = [!repairs, !repairs];
        for pass in 0..2 {
            for (k, dir) in [1i64, -1].into_iter().enumerate() {
                if blocked[k] || enough(&have) {
                    continue;
                }
                let mut value = t.truth;
                let mut base = Delta::new();
                loop {
                    value += dir;
                    if value < t.lo || value > t.hi {
                        blocked[k] = true;
                        break;
                    }
                    if let Some(d) = have.get(&value) {
                        base = d.clone();
                        continue;
                    }
                    let left = tried
                        .iter()
                        .position(|(d, v, b, _)| *d == dir && *v == value && *b == base)
                        .map(|k| tried.swap_remove(k).3);
                    let result = match left {
                        Some(left) => self.repair_left(t, value, left, false),
                        None => self.search(t, dir, &base, value, false, Effort::Repairs),
                    };
                    match result {
                        Ok(d) => {
                            have.insert(value, d.clone());
                            found.push(d);
                        }
                        Err(mut f) => {
                            failures.append(&mut f);
                            open.push((dir, base, value));
                            blocked[k] = true;
                        }
                    }
                    break;
                }
                if pass == 0 && enough(&have) {
                    break;
                }
            }
        }
        if enough(&have) {
            open.clear();
        }
        (found, open)
    }

    /// Records, for every target a witness changes, the value it shows possible.
    pub(super) fn credit(&mut self, d: &Delta) {
        let mut cells: Vec<u32> = d
            .keys()
            .flat_map(|(a, _)| self.board.cells_of_atom[*a as usize].iter().copied())
            .collect();
        cells.sort_unstable();
        cells.dedup();
        for c in cells {
            let Some(ts) = self.by_cell.get(&c) else {
                continue;
            };
            for &j in ts {
                let t = self.queue[j];
                let v = self.board.stat_value(t.cell, t.stat, d);
                if v != t.truth && (t.lo..=t.hi).contains(&v) {
                    self.witnessed[j].entry(v).or_insert_with(|| d.clone());
                }
            }
        }
    }

    /// A data set that publishes the same as the truth, in which the target has `value`,
    /// reached from `base` (where it has `value - dir`) by one move and repairs.
    ///
    /// `relaxed`: a data set that disagrees only with values this release may still
    /// withhold, as cheaply as can be found (their cost, see [`cost`]), for
    /// [`Search::withhold_cheapest`]; it is not returned at the first found.
    /// `effort`: how far the search goes (see [`Effort`]).
    pub(super) fn search(
        &self,
        t: Target,
        dir: i64,
        base: &Delta,
        value: i64,
        relaxed: bool,
        effort: Effort,
    ) -> Result<Delta, Vec<Attempt>> {
        match self.moves(t, dir, base, value, relaxed, effort) {
            Ok(d) => Ok(d),
            Err(left) if effort == Effort::Repairs => self.repair_left(t, value, left, relaxed),
            Err(_) => Err(Vec::new()),
        }
    }

    /// The moves of [`Search::search`], as far as `effort` goes, without repairs: a
    /// witness, or what the moves left (after every move, unless `effort` is
    /// [`Effort::FirstMoves`]).
    fn moves(
        &self,
        t: Target,
        dir: i64,
        base: &Delta,
        value: i64,
        relaxed: bool,
        effort: Effort,
    ) -> Result<Delta, Tried> {
        let mover = self.mover();
        let cell = &self.board.cells[t.cell];
        let atoms = self.largest_atoms(&cell.members, t.stat);
        let mut attempts: Vec<Attempt> = Vec::new();
        let mut seen: HashSet<u64> = HashSet::new();
        let mut consider = |mv: &Move, attempts: &mut Vec<Attempt>| -> Option<Delta> {
            let delta = apply(base, mv);
            if self.board.stat_value(t.cell, t.stat, &delta) != value
                || !seen.insert(fingerprint(&delta))
            {
                return None;
            }
            let gaps = self.board.gaps(&delta);
            if tracing("PSI_SEARCH_DEBUG")
                && (attempts.len() < 2 || delta.len() > 12 && attempts.len() < 40)
            {
                eprintln!(
                    "  try {:?} -> invalid {} {:?}",
                    delta,
                    gaps.invalid,
                    gaps.at
                        .iter()
                        .map(|(c, s, g)| (self.board.cells[*c as usize].group, *s, *g))
                        .collect::<Vec<_>>()
                );
            }
            if gaps.invalid {
                return None;
            }
            if gaps.ok() && !relaxed {
                return Some(delta);
            }
            let score = self.score(&gaps, relaxed);
            attempts.push(Attempt { delta, gaps, score });
            None
        };
        // The likeliest moves in each atom first (those that keep its averages and
        // shares), then moves balanced by a neighbour or a rectangle, then the rest.
        let singles: Vec<Vec<Move>> = atoms
            .iter()
            .map(|a| mover.single(*a, t.stat, dir, base))
            .collect();
        for moves in &singles {
            for mv in moves.iter().take(FIRST_MOVES) {
                if let Some(d) = consider(mv, &mut attempts) {
                    return Ok(d);
                }
            }
        }
        if effort == Effort::FirstMoves {
            return Err(Tried { attempts, seen });
        }
        for a in atoms.iter().take(BALANCED_ATOMS) {
            let mut hit = None;
            let _ = mover.balanced(*a, t.stat, dir, base, &mut |mv| {
                hit = consider(&mv, &mut attempts);
                if hit.is_some() {
                    std::ops::ControlFlow::Break(())
                } else {
                    std::ops::ControlFlow::Continue(())
                }
            });
            if let Some(d) = hit {
                return Ok(d);
            }
        }
        for moves in &singles {
            for mv in moves.iter().skip(FIRST_MOVES) {
                if let Some(d) = consider(mv, &mut attempts) {
                    return Ok(d);
                }
            }
        }
        Err(Tried { attempts, seen })
    }

    /// The repairs of [`Search::search`], from what its moves left.
    fn repair_left(
        &self,
        t: Target,
        value: i64,
        left: Tried,
        relaxed: bool,
    ) -> Result<Delta, Vec<Attempt>> {
        let Tried {
            mut attempts,
            mut seen,
        } = left;
        attempts.sort_by_key(|a| a.score);
        attempts.truncate(self.repairs.beam);
        self.repair(t, value, attempts, relaxed, &mut seen)
    }

    /// How bad an attempt is: the sum of its gaps; or, relaxed, the cost of withholding
    /// the values it disagrees with, where this release may, and a prohibitive amount
    /// per unit of gap where it may not.
    pub(super) fn score(&self, gaps: &Gaps, relaxed: bool) -> u64 {
        if !relaxed {
            return gaps.total;
        }
        gaps.at
            .iter()
            .map(|(c, s, g)| {
                let cell = &self.board.cells[*c as usize];
                if withholdable(cell, *s) {
                    cost(cell, *s)
                } else {
                    HARD.saturating_mul(*g)
                }
            })
            .fold(0u64, u64::saturating_add)
    }

    /// A beam search of repairs: each step tries, in each of the best few attempts so
    /// far, moves aimed at the values that disagree most (keeping the target's value),
    /// and keeps the best few results, better or not, so that a repair may pass through
    /// a worse state on its way.
    pub(super) fn repair(
        &self,
        t: Target,
        value: i64,
        mut beam: Vec<Attempt>,
        relaxed: bool,
        seen: &mut HashSet<u64>,
    ) -> Result<Delta, Vec<Attempt>> {
        let mover = self.mover();
        let mut best: Vec<Attempt> = Vec::new();
        for _ in 0..self.repairs.steps {
            let mut next: Vec<Attempt> = Vec::new();
            for at in &beam {
                let mut worst = at.gaps.at.clone();
                worst.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
                worst.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
                // Relaxed, the values that cannot be withheld need repairs first, then
                // the dearest to withhold: sparing an average of many answers is worth
                // a few more tries before it is given up.
                if relaxed {
                    worst.sort_by_key(|(c, s, _)| {
                        let cell = &self.board.cells[*c as usize];
                        if withholdable(cell, *s) {
                            u64::MAX - cost(cell, *s)
                        } else {
                            0
                        }
                    });
                }
                for (c, slot, _) in worst.into_iter().take(3) {
                    let members = &self.board.cells[c as usize].members;
                    for a in self.repair_atoms(members, slot_stat(slot)) {
                        for mv in mover.repairs(a, slot, &at.delta) {
                            let delta = apply(&at.delta, &mv);
                            if self.board.stat_value(t.cell, t.stat, &delta) != value
                                || !seen.insert(fingerprint(&delta))
                            {
                                continue;
                            }
                            let moved = mv.iter().map(|x| x.0);
                            let gaps = self.board.gaps_after(&delta, &at.gaps, moved);
                            if gaps.invalid {
                                continue;
                            }
                            if gaps.ok() && !relaxed {
                                return Ok(delta);
                            }
                            let score = self.score(&gaps, relaxed);
                            next.push(Attempt { delta, gaps, score });
                        }
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            next.sort_by_key(|a| a.score);
            next.truncate(self.repairs.beam);
            best.extend(std::mem::take(&mut beam));
            beam = next;
        }
        best.extend(beam);
        best.sort_by_key(|a| a.score);
        if relaxed {
            if let Some(b) = best.first().filter(|b| b.score < HARD) {
                return Ok(b.delta.clone());
            }
        }
        best.truncate(2 * self.repairs.beam);
        Err(best)
    }

    pub(super) fn mover(&self) -> Mover<'_> {
        Mover {
            board: &self.board,
            near: &self.near,
        }
    }

    /// The atoms repairs are tried in: the four with the most of the statistic, and the
    /// two with the most responses that skipped its question (for an answer added).
    pub(super) fn repair_atoms(&self, members: &[u32], stat: Stat) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .largest_atoms(members, stat)
            .into_iter()
            .take(4)
            .collect();
        if let Stat::Answered(m) | Stat::Option(m, _) = stat {
            let mut spare: Vec<(u64, u32)> = members
                .iter()
                .map(|a| {
                    let t = &self.board.atoms.tallies[*a as usize];
                    (t.responses - t.answered(usize::from(m)), *a)
                })
                .filter(|(s, a)| *s > 0 && !out.contains(a))
                .collect();
            spare.sort_by(|a, b| b.cmp(a));
            out.extend(spare.into_iter().take(2).map(|x| x.1));
        }
        out
    }

    /// The atoms of a cell moves are tried in: those with the most of the statistic
    /// first (most room to move), then by size.
    pub(super) fn largest_atoms(&self, members: &[u32], stat: Stat) -> Vec<u32> {
        let mut m: Vec<(u64, u64, u32)> = members
            .iter()
            .map(|a| {
                let t = &self.board.atoms.tallies[*a as usize];
                let s = match stat {
                    Stat::Responses => t.responses,
                    Stat::Answered(m) => t.answered(usize::from(m)),
                    Stat::Option(m, o) => t.counts[usize::from(m)][usize::from(o)],
                };
                (s, t.responses, *a)
            })
            .collect();
        m.sort_by(|a, b| b.cmp(a));
        m.into_iter().take(ATOMS_TRIED).map(|x| x.2).collect()
    }
}
