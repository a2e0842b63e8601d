//! Balanced moves: a change in one atom undone in its neighbours (a pair, or the
//! corners of a rectangle or cube), so that the totals over them stay as they were.

use std::ops::ControlFlow;

use super::*;

impl Mover<'_> {
    /// Moves that change a count statistic of atom `a` by `dir` and undo it in a
    /// neighbour (pairs), or in the three other corners of a rectangle of neighbours,
    /// so that the totals over both stay as they were. Each is handed to `f` as it is
    /// made, until `f` has what it needs: most searches stop at one of the first few,
    /// and making the hundreds after it cost as much as weighing them.
    pub fn balanced(
        &self,
        a: u32,
        stat: Stat,
        dir: i64,
        base: &Delta,
        f: &mut dyn FnMut(Move) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let singles = self.single(a, stat, dir, base);
        // The one-change moves, for rectangles: the fewer changes, the likelier every
        // corner can take them.
        let simple: Vec<&Move> = singles.iter().filter(|m| m.len() <= 2).take(3).collect();
        // Whether the statistic moves with whole responses: the responses, or, where
        // atoms are split by the choice answer, that answer's counts.
        let whole = stat == Stat::Responses
            || matches!(stat, Stat::Option(m, _) | Stat::Answered(m)
                if m == self.board.choice_m() && self.board.atom_choice(a).is_some());
        // Rectangles first: they leave every total of two corners as it was.
        for d1 in 0..5 {
            for d2 in d1 + 1..5 {
                for b in self.near.along(a, d1).take(4) {
                    for c in self.near.along(a, d2).take(4) {
                        let key =
                            with(&self.near.keys[a as usize], d1, &self.near.keys[b as usize]);
                        let key = with(&key, d2, &self.near.keys[c as usize]);
                        let Some(d) = self.near.by_key.get(&key).copied() else {
                            continue;
                        };
                        if whole {
                            // a takes a response from b and d one from c, the same
                            // answers both: every total of two corners stays (for a
                            // choice answer: a response's answer changed in one line
                            // of atoms, and changed back in the next).
                            let m = if dir > 0 {
                                self.swap_responses([b, a, c, d], base)
                            } else {
                                self.swap_responses([a, b, d, c], base)
                            };
                            if let Some(m) = m {
                                f(m)?;
                            }
                        }
                        for mv in &simple {
                            let (Some(p), Some(q), Some(r)) = (
                                self.mirror(mv, a, b, base),
                                self.mirror(mv, a, c, base),
                                self.copy(mv, a, d, base),
                            ) else {
                                continue;
                            };
                            // a and d change the same way, b and c the opposite way.
                            let mut x: Move = p;
                            x.extend(q.into_iter().filter(|(at, _, _)| *at == c));
                            x.extend(r);
                            f(x)?;
                        }
                    }
                }
            }
        }
        // Cubes: over three coordinates at once (team, month and breakdown value, say),
        // so that totals over any one of them stay too, the totals over all periods
        // among them.
        self.cubes(a, &simple, base, f)?;
        // Then pairs with one neighbour.
        for dim in 0..5 {
            for b in self.near.along(a, dim) {
                if stat == Stat::Responses {
                    // A whole response, with its answers, from or to a neighbour.
                    f(if dir > 0 {
                        self.move_response(b, a, base)
                    } else {
                        self.move_response(a, b, base)
                    })?;
                }
                for mv in &singles {
                    if let Some(p) = self.mirror(mv, a, b, base) {
                        f(p)?;
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// `mv` made at every corner of a cube of neighbours of `a`, with the sign of the
    /// corner (+ where an even number of coordinates differ from `a`'s, - where odd).
    pub(super) fn cubes(
        &self,
        a: u32,
        simple: &[&Move],
        base: &Delta,
        f: &mut dyn FnMut(Move) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let dims: Vec<(usize, Vec<u32>)> = (0..5)
            .map(|d| (d, self.near.along(a, d).take(2).collect::<Vec<_>>()))
            .filter(|(_, n)| !n.is_empty())
            .collect();
        if dims.len() < 3 {
            return ControlFlow::Continue(());
        }
        let key = self.near.keys[a as usize];
        for i in 0..dims.len() {
            for j in i + 1..dims.len() {
                for k in j + 1..dims.len() {
                    let picked = [&dims[i], &dims[j], &dims[k]];
                    for choice in 0..8usize {
                        let ns: Vec<(usize, u32)> = picked
                            .iter()
                            .enumerate()
                            .filter_map(|(x, (d, n))| n.get((choice >> x) & 1).map(|b| (*d, *b)))
                            .collect();
                        if ns.len() < 3 {
                            continue;
                        }
                        let corners: Option<Vec<(u32, bool)>> = (0..8usize)
                            .map(|mask| {
                                let mut k2 = key;
                                for (bit, (d, b)) in ns.iter().enumerate() {
                                    if mask >> bit & 1 == 1 {
                                        k2 = with(&k2, *d, &self.near.keys[*b as usize]);
                                    }
                                }
                                let at = self.near.by_key.get(&k2).copied()?;
                                Some((at, mask.count_ones() % 2 == 0))
                            })
                            .collect();
                        let Some(corners) = corners else { continue };
                        for mv in simple.iter().take(2) {
                            let mut x: Move = Vec::new();
                            let mut ok = true;
                            for (at, plus) in &corners {
                                let part = if *plus {
                                    self.copy(mv, a, *at, base)
                                } else {
                                    self.copy(
                                        &mv.iter().map(|(p, s, v)| (*p, *s, -v)).collect(),
                                        a,
                                        *at,
                                        base,
                                    )
                                };
                                match part {
                                    Some(p) => x.extend(p),
                                    None => {
                                        ok = false;
                                        break;
                                    }
                                }
                            }
                            if ok {
                                f(x)?;
                            }
                        }
                    }
                }
            }
        }
        ControlFlow::Continue(())
    }

    /// `mv` (made in atom `a`) made in atom `d` instead, where `d` can take it.
    pub(super) fn copy(&self, mv: &Move, a: u32, d: u32, base: &Delta) -> Option<Move> {
        self.can_take(mv, a, d, 1, base)
            .then(|| mv.iter().map(|(_, s, v)| (d, *s, *v)).collect())
    }

    /// `mv` (made in atom `a`) with its opposite in atom `b`, where `b` can take it.
    pub(super) fn mirror(&self, mv: &Move, a: u32, b: u32, base: &Delta) -> Option<Move> {
        self.can_take(mv, a, b, -1, base).then(|| paired(mv, b))
    }

    /// Whether `mv`, all made in atom `a`, can be made in atom `d` times `sign` (1: the
    /// same, -1: its opposite) without taking any count of `d` below zero.
    pub(super) fn can_take(&self, mv: &Move, a: u32, d: u32, sign: i64, base: &Delta) -> bool {
        if mv.iter().any(|(x, _, _)| *x != a) {
            return false;
        }
        mv.iter()
            .all(|(_, s, v)| self.board.atom_stat_now(d, *s, base) as i64 + sign * v >= 0)
    }
}
