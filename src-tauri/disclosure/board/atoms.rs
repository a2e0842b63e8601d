//! One atom under a change: its counts, and whether it is still a possible set of
//! responses.

use super::{AtomStat, Board, Delta};
use crate::summary::{also_counted, counted_as, Tally, N_MEASURES};

/// Atom `a`'s entries of a change, in order.
fn of_atom(delta: &Delta, a: u32) -> impl Iterator<Item = (&AtomStat, &i64)> {
    delta
        .range((a, AtomStat::Responses)..=(a, AtomStat::Count(u8::MAX, u8::MAX)))
        .map(|((_, s), v)| (s, v))
}

impl Board<'_> {
    /// An atom's counts after a change.
    pub fn atom_now(&self, a: u32, delta: &Delta) -> Tally {
        let mut t = self.atoms.tallies[a as usize].clone();
        for (s, v) in of_atom(delta, a) {
            match s {
                AtomStat::Responses => t.responses = (t.responses as i64 + v).max(0) as u64,
                AtomStat::Count(m, o) => {
                    let m = usize::from(*m);
                    for k in std::iter::once(&m).chain(also_counted(m)) {
                        let c = &mut t.counts[*k][usize::from(*o)];
                        *c = (*c as i64 + v).max(0) as u64;
                    }
                }
            }
        }
        t
    }

    /// One statistic of atom `a` under `delta`, as [`Board::atom_now`] has it, without
    /// making the whole tally.
    pub fn atom_stat_now(&self, a: u32, stat: AtomStat, delta: &Delta) -> u64 {
        let t = &self.atoms.tallies[a as usize];
        let mut c = match stat {
            AtomStat::Responses => t.responses,
            AtomStat::Count(m, o) => t.counts[usize::from(m)][usize::from(o)],
        } as i64;
        for (s, v) in of_atom(delta, a) {
            let hit = match (stat, *s) {
                (AtomStat::Responses, AtomStat::Responses) => true,
                (AtomStat::Count(k, o), AtomStat::Count(m, p)) => {
                    o == p && (k == m || also_counted(usize::from(m)).contains(&usize::from(k)))
                }
                _ => false,
            };
            if hit {
                c = (c + v).max(0);
            }
        }
        c as u64
    }

    /// Whether a change leaves every atom a possible set of responses: counts not
    /// negative, no more answers to a measure than responses, and the choice answers
    /// matching an atom's choice where atoms are split by it.
    pub(super) fn valid(&self, delta: &Delta) -> bool {
        let mut rest = delta.iter().peekable();
        while let Some(((a, _), _)) = rest.peek() {
            let a = *a;
            let changes = std::iter::from_fn(|| rest.next_if(|((b, _), _)| *b == a));
            if !self.atom_valid(a, changes.map(|((_, s), v)| (s, v))) {
                return false;
            }
        }
        true
    }

    /// Whether a change leaves atom `a` a possible set of responses (its part of
    /// [`Board::valid`]).
    pub(super) fn atom_valid_in(&self, a: u32, delta: &Delta) -> bool {
        self.atom_valid(a, of_atom(delta, a))
    }

    /// One atom's part of [`Board::valid`]: `changes` are its entries of the change.
    fn atom_valid<'d>(
        &self,
        a: u32,
        changes: impl Iterator<Item = (&'d AtomStat, &'d i64)>,
    ) -> bool {
        let before = &self.atoms.tallies[a as usize];
        let mut responses = before.responses as i64;
        let mut touched: [Option<[i64; 6]>; N_MEASURES] = [None; N_MEASURES];
        for (s, v) in changes {
            match s {
                AtomStat::Responses => responses += *v,
                AtomStat::Count(m, o) => {
                    let m = usize::from(*m);
                    let counts =
                        touched[m].get_or_insert_with(|| before.counts[m].map(|x| x as i64));
                    counts[usize::from(*o)] += *v;
                }
            }
        }
        // An atom may be emptied: no release shows one alone, only the groups it adds up
        // to, whose published sizes the gaps check. Never made: moves are only in atoms
        // the data has.
        if responses < 0 {
            return false;
        }
        for (m, counts) in touched.iter().enumerate() {
            if counted_as(m) != m {
                // Its counts are another measure's, checked there.
                continue;
            }
            let answered = match counts {
                Some(c) => {
                    if c.iter().any(|x| *x < 0) {
                        return false;
                    }
                    c[1..].iter().sum::<i64>()
                }
                // Fewer responses must still hold every answer.
                None if responses < before.responses as i64 => before.answered(m) as i64,
                None => continue,
            };
            if answered > responses {
                return false;
            }
        }
        if self.atoms.dims.choice {
            // Split by the choice answer: every response gives the atom's own.
            let c = self.atoms.keys[a as usize].choice as usize;
            let counts = touched[self.choice_measure]
                .unwrap_or_else(|| before.counts[self.choice_measure].map(|x| x as i64));
            let answered: i64 = counts[1..].iter().sum();
            let ok = if c == 0 {
                answered == 0
            } else {
                counts[c] == responses && answered == responses
            };
            if !ok {
                return false;
            }
        }
        true
    }
}
