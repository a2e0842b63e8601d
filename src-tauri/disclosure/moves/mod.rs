//! The small changes a witness is made of, in the atoms: an answer changed, added or
//! taken away; a response added, taken away or moved to a neighbouring atom. A change
//! in one atom is often paired with the opposite change in a neighbour (an atom that
//! differs in one of team, month, session type, role or choice answer), or in the three
//! other corners of a rectangle of neighbours, so that the totals both share stay as
//! they were.

mod balanced;

use std::collections::HashMap;

use super::board::{AtomStat, Board, Delta, SlotId, Stat};
use crate::summary::{counted_as, AtomKey, Tally};

/// One move: amounts added to some atoms' counts.
pub type Move = Vec<(u32, AtomStat, i64)>;

/// Which atoms neighbour which.
pub struct Neighbours {
    /// Per coordinate (team, month, session type, role, choice), the atoms that share
    /// every other coordinate.
    lines: [HashMap<AtomKey, Vec<u32>>; 5],
    by_key: HashMap<AtomKey, u32>,
    keys: Vec<AtomKey>,
}

/// An atom's key with one coordinate blanked.
fn blank(k: &AtomKey, dim: usize) -> AtomKey {
    let mut k = *k;
    match dim {
        0 => k.team = i64::MIN,
        1 => k.month = crate::period::Month::new(1900, 1).expect("a month"),
        2 => k.session_type = i64::MIN,
        3 => k.role = i64::MIN,
        _ => k.choice = i64::MIN,
    }
    k
}

/// `k` with coordinate `dim` taken from `from`.
fn with(k: &AtomKey, dim: usize, from: &AtomKey) -> AtomKey {
    let mut k = *k;
    match dim {
        0 => k.team = from.team,
        1 => k.month = from.month,
        2 => k.session_type = from.session_type,
        3 => k.role = from.role,
        _ => k.choice = from.choice,
    }
    k
}

impl Neighbours {
    pub fn new(keys: &[AtomKey]) -> Neighbours {
        let mut lines: [HashMap<AtomKey, Vec<u32>>; 5] = Default::default();
        for (i, k) in keys.iter().enumerate() {
            for (d, line) in lines.iter_mut().enumerate() {
                line.entry(blank(k, d)).or_default().push(i as u32);
            }
        }
        Neighbours {
            lines,
            by_key: keys
                .iter()
                .enumerate()
                .map(|(i, k)| (*k, i as u32))
                .collect(),
            keys: keys.to_vec(),
        }
    }

    /// The atoms that differ from `a` in coordinate `dim` only.
    fn along(&self, a: u32, dim: usize) -> impl Iterator<Item = u32> + '_ {
        let k = self.keys[a as usize];
        self.lines[dim]
            .get(&blank(&k, dim))
            .into_iter()
            .flatten()
            .copied()
            .filter(move |b| *b != a)
    }

    /// The atom with the same key but the given choice answer.
    pub fn with_choice(&self, a: u32, choice: i64) -> Option<u32> {
        let k = AtomKey {
            choice,
            ..self.keys[a as usize]
        };
        self.by_key.get(&k).copied()
    }
}

/// Makes moves over one board.
pub struct Mover<'a> {
    pub board: &'a Board<'a>,
    pub near: &'a Neighbours,
}

/// One answer to measure `m` changed from `from` to `to` (0: skipped) in atom `a`.
pub fn change(a: u32, m: u8, from: u8, to: u8) -> Move {
    let mut mv = Vec::with_capacity(2);
    if from > 0 {
        mv.push((a, AtomStat::Count(m, from), -1));
    }
    if to > 0 {
        mv.push((a, AtomStat::Count(m, to), 1));
    }
    mv
}

/// The move and its opposite in another atom.
fn paired(mv: &Move, b: u32) -> Move {
    let mut out = mv.clone();
    out.extend(mv.iter().map(|(_, s, v)| (b, *s, -v)));
    out
}

/// `base` with move `mv` added. A change to a measure counted as another
/// ([`counted_as`]) is the other's change: renamed, or dropped where the move changes
/// the other in that atom itself (a whole response moved holds both).
pub fn apply(base: &Delta, mv: &Move) -> Delta {
    let mut d = base.clone();
    for (a, s, v) in mv {
        let s = match *s {
            AtomStat::Count(m, o) if counted_as(usize::from(m)) != usize::from(m) => {
                let k = counted_as(usize::from(m)) as u8;
                let own = mv
                    .iter()
                    .any(|(b, t, _)| b == a && matches!(t, AtomStat::Count(x, _) if *x == k));
                if own {
                    continue;
                }
                AtomStat::Count(k, o)
            }
            s => s,
        };
        let e = d.entry((*a, s)).or_insert(0);
        *e += v;
        if *e == 0 {
            d.remove(&(*a, s));
        }
    }
    d
}

/// The count statistic a slot is, or stands on (an average's number who answered).
pub fn slot_stat(slot: SlotId) -> Stat {
    match slot {
        SlotId::Responses => Stat::Responses,
        SlotId::Answered(m) | SlotId::Mean(m) | SlotId::Sd(m) | SlotId::Share(m) => {
            Stat::Answered(m)
        }
        SlotId::Option(m, o) => Stat::Option(m, o),
    }
}

impl<'a> Mover<'a> {
    fn now(&self, a: u32, base: &Delta) -> Tally {
        self.board.atom_now(a, base)
    }

    /// Moves within atom `a` alone that change a count statistic by `dir`.
    pub fn single(&self, a: u32, stat: Stat, dir: i64, base: &Delta) -> Vec<Move> {
        let now = self.now(a, base);
        let choice = self.board.choice_m();
        let split = self.board.atom_choice(a);
        let mut out = Vec::new();
        match stat {
            Stat::Responses => out.push(if dir > 0 {
                self.new_response(a, None)
            } else {
                self.remove_response(a, None, &now)
            }),
            Stat::Option(m, code) if m == choice && split.is_some() => {
                // The choice answer is the atom's own split: move a whole response.
                if split == Some(code) {
                    for other in (0..=3).filter(|o| *o != i64::from(code)) {
                        if let Some(b) = self.near.with_choice(a, other) {
                            out.push(if dir > 0 {
                                self.move_response(b, a, base)
                            } else {
                                self.move_response(a, b, base)
                            });
                        }
                    }
                    out.push(if dir > 0 {
                        self.new_response(a, None)
                    } else {
                        self.remove_response(a, None, &now)
                    });
                }
            }
            Stat::Answered(m) if m == choice && split.is_some() => {
                if split != Some(0) {
                    if let Some(b) = self.near.with_choice(a, 0) {
                        out.push(if dir > 0 {
                            self.move_response(b, a, base)
                        } else {
                            self.move_response(a, b, base)
                        });
                    }
                }
            }
            Stat::Option(m, code) => {
                let counts = &now.counts[usize::from(m)];
                let spare = now.responses > now.answered(usize::from(m));
                let mut others: Vec<u8> = self.board.measures[usize::from(m)]
                    .options
                    .iter()
                    .map(|o| o.code)
                    .filter(|c| *c != code)
                    .collect();
                // Neighbouring answers first: they move an average least.
                others.sort_by_key(|c| (c.abs_diff(code), *c));
                // First, two answers changed in the atom so that its sum and share stay:
                // every average and percentage over the atom stays as it was.
                out.extend(self.neutral(a, m, code, dir, counts));
                if dir > 0 {
                    for o in others.iter().filter(|o| counts[usize::from(**o)] > 0) {
                        out.push(change(a, m, *o, code));
                    }
                    if spare {
                        out.push(change(a, m, 0, code));
                    }
                    out.push(self.new_response(a, Some((m, code))));
                } else if counts[usize::from(code)] > 0 {
                    for o in &others {
                        out.push(change(a, m, code, *o));
                    }
                    out.push(change(a, m, code, 0));
                    out.push(self.remove_response(a, Some((m, code)), &now));
                }
            }
            Stat::Answered(m) => {
                let counts = &now.counts[usize::from(m)];
                let spare = now.responses > now.answered(usize::from(m));
                for o in self.board.measures[usize::from(m)].options {
                    if dir > 0 && spare {
                        out.push(change(a, m, 0, o.code));
                    } else if dir < 0 && counts[usize::from(o.code)] > 0 {
                        out.push(change(a, m, o.code, 0));
                    }
                }
                if dir > 0 {
                    // A new response answering it (the most common answer there).
                    let code = (1..6u8)
                        .max_by_key(|c| (counts[usize::from(*c)], *c))
                        .filter(|c| {
                            self.board.measures[usize::from(m)]
                                .options
                                .iter()
                                .any(|o| o.code == *c)
                        })
                        .unwrap_or(1);
                    out.push(self.new_response(a, Some((m, code))));
                }
            }
        }
        out
    }

    /// Two answers to measure `m` changed in atom `a`, one to or from `code` (by `dir`)
    /// and one between two other answers, so that the sum of the codes and the number
    /// in the share do not change.
    fn neutral(&self, a: u32, m: u8, code: u8, dir: i64, counts: &[u64; 6]) -> Vec<Move> {
        let measure = &self.board.measures[usize::from(m)];
        let scale = measure.kind == crate::questionnaire::Kind::Scale;
        let codes: Vec<u8> = measure.options.iter().map(|o| o.code).collect();
        let share = |c: u8| i64::from(measure.in_share(c.into()));
        let mut out = Vec::new();
        for &o in codes.iter().filter(|o| **o != code) {
            // The first change: o -> code (up) or code -> o (down).
            let (from, to) = if dir > 0 { (o, code) } else { (code, o) };
            let mut left = *counts;
            if left[usize::from(from)] == 0 {
                continue;
            }
            left[usize::from(from)] -= 1;
            let d_sum = i64::from(to) - i64::from(from);
            let d_share = share(to) - share(from);
            for &p in codes
                .iter()
                .filter(|p| **p != code && left[usize::from(**p)] > 0)
            {
                for &q in codes.iter().filter(|q| **q != code && **q != p) {
                    let sum_ok = !scale || i64::from(q) - i64::from(p) == -d_sum;
                    if sum_ok && share(q) - share(p) == -d_share {
                        let mut mv = change(a, m, from, to);
                        mv.extend(change(a, m, p, q));
                        out.push(mv);
                    }
                }
            }
        }
        out
    }

    /// Moves in atom `a` aimed at a published value that disagrees.
    pub fn repairs(&self, a: u32, slot: SlotId, base: &Delta) -> Vec<Move> {
        let mut out = Vec::new();
        match slot {
            SlotId::Responses | SlotId::Answered(_) | SlotId::Option(..) => {
                let stat = slot_stat(slot);
                for dir in [1, -1] {
                    out.extend(self.single(a, stat, dir, base));
                }
            }
            SlotId::Mean(m) | SlotId::Sd(m) | SlotId::Share(m) => {
                let now = self.now(a, base);
                let measure = &self.board.measures[usize::from(m)];
                let counts = &now.counts[usize::from(m)];
                for from in measure.options {
                    for to in measure.options {
                        let (f, t) = (from.code, to.code);
                        if f == t || counts[usize::from(f)] == 0 {
                            continue;
                        }
                        let useful = match slot {
                            SlotId::Share(_) => {
                                measure.in_share(f.into()) != measure.in_share(t.into())
                            }
                            _ => f.abs_diff(t) == 1,
                        };
                        if useful {
                            out.push(change(a, m, f, t));
                        }
                    }
                }
                // One more or one fewer answer, in a response there or a new one: for
                // a minimum number who answered.
                let spare = now.responses > now.answered(usize::from(m));
                for o in measure.options {
                    if spare {
                        out.push(change(a, m, 0, o.code));
                    }
                    out.push(self.new_response(a, Some((m, o.code))));
                    if counts[usize::from(o.code)] > 0 {
                        out.push(change(a, m, o.code, 0));
                    }
                }
            }
        }
        out
    }

    /// A new response in atom `a`: skipping everything but its choice answer (where
    /// atoms are split by it) and, if given, one answer.
    pub fn new_response(&self, a: u32, answer: Option<(u8, u8)>) -> Move {
        let mut mv = vec![(a, AtomStat::Responses, 1)];
        let choice = self.board.choice_m();
        if let Some(c) = self.board.atom_choice(a).filter(|c| *c > 0) {
            mv.push((a, AtomStat::Count(choice, c), 1));
        }
        if let Some((m, code)) = answer {
            if m != choice || self.board.atom_choice(a).is_none() {
                mv.push((a, AtomStat::Count(m, code), 1));
            }
        }
        mv
    }

    /// Takes a response away from atom `a`: one that skipped each question where some
    /// response did, otherwise one with the most common answer (or `keep`).
    pub fn remove_response(&self, a: u32, keep: Option<(u8, u8)>, now: &Tally) -> Move {
        let mut mv = vec![(a, AtomStat::Responses, -1)];
        for (m, counts) in now.counts.iter().enumerate() {
            let mu = m as u8;
            if let Some((km, code)) = keep.filter(|k| k.0 == mu) {
                mv.push((a, AtomStat::Count(km, code), -1));
                continue;
            }
            if now.responses > now.answered(m) {
                continue;
            }
            if let Some(code) = (1..6).max_by_key(|c| (counts[*c], *c)) {
                if counts[code] > 0 {
                    mv.push((a, AtomStat::Count(mu, code as u8), -1));
                }
            }
        }
        mv
    }

    /// Moves a response from `from1` to `to1` and one with the same answers from `from2`
    /// to `to2`. Where the two have no answer to a question in common, each moves one of
    /// its own (or a skip, where some response skipped it): the averages over the
    /// corners then move a little, which their rounding often keeps unseen.
    fn swap_responses(&self, [from1, to1, from2, to2]: [u32; 4], base: &Delta) -> Option<Move> {
        let (a, b) = (self.now(from1, base), self.now(from2, base));
        let choice = self.board.choice_m();
        let split = self.board.atoms.dims.choice;
        let mut mv = Vec::new();
        for (atom, sign) in [(from1, -1), (to1, 1), (from2, -1), (to2, 1)] {
            mv.push((atom, AtomStat::Responses, sign));
            if let Some(c) = self.board.atom_choice(atom).filter(|c| *c > 0) {
                mv.push((atom, AtomStat::Count(choice, c), sign));
            }
        }
        for m in 0..a.counts.len() {
            if split && m == usize::from(choice) {
                continue;
            }
            if a.responses > a.answered(m) && b.responses > b.answered(m) {
                continue;
            }
            let common = (1..6)
                .filter(|c| a.counts[m][*c] > 0 && b.counts[m][*c] > 0)
                .max_by_key(|c| (a.counts[m][*c].min(b.counts[m][*c]), *c));
            if let Some(code) = common {
                for (atom, sign) in [(from1, -1), (to1, 1), (from2, -1), (to2, 1)] {
                    mv.push((atom, AtomStat::Count(m as u8, code as u8), sign));
                }
                continue;
            }
            for (now, from, to) in [(&a, from1, to1), (&b, from2, to2)] {
                if now.responses > now.answered(m) {
                    continue;
                }
                let code = (1..6).max_by_key(|c| (now.counts[m][*c], *c))?;
                mv.push((from, AtomStat::Count(m as u8, code as u8), -1));
                mv.push((to, AtomStat::Count(m as u8, code as u8), 1));
            }
        }
        Some(mv)
    }

    /// Moves one response from atom `from` to atom `to`, with its answers (skipped where
    /// some response in `from` skipped, else the most common answer), and its choice
    /// answer set to `to`'s where atoms are split by it.
    pub fn move_response(&self, from: u32, to: u32, base: &Delta) -> Move {
        let now = self.now(from, base);
        let choice = self.board.choice_m();
        let split = self.board.atoms.dims.choice;
        let mut mv = vec![
            (from, AtomStat::Responses, -1),
            (to, AtomStat::Responses, 1),
        ];
        for (atom, sign) in [(from, -1), (to, 1)] {
            if let Some(c) = self.board.atom_choice(atom).filter(|c| *c > 0) {
                mv.push((atom, AtomStat::Count(choice, c), sign));
            }
        }
        for (m, counts) in now.counts.iter().enumerate() {
            if (split && m == usize::from(choice)) || now.responses > now.answered(m) {
                continue;
            }
            if let Some(code) = (1..6).max_by_key(|c| (counts[*c], *c)) {
                mv.push((from, AtomStat::Count(m as u8, code as u8), -1));
                mv.push((to, AtomStat::Count(m as u8, code as u8), 1));
            }
        }
        mv
    }
}
