//! Every published value of every release in question, placed over the atoms: what
//! another data set must publish to be told apart from the truth by nothing, and how
//! far a changed data set is from that.

use std::collections::BTreeMap;

mod atoms;

use super::primary::{count_gap, mean_gap, sd_gap, share_gap, Fact};
use super::{Rules, Value};
use crate::summary::{also_counted, counted_as, measures, Atoms, Measure, Tally, N_MEASURES};

/// A statistic of a group that is a count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stat {
    Responses,
    Answered(u8),
    Option(u8, u8),
}

/// A published value's place in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SlotId {
    Responses,
    Answered(u8),
    Option(u8, u8),
    Mean(u8),
    Sd(u8),
    Share(u8),
}

/// One published value, and whether this release may still withhold it.
#[derive(Debug, Clone, Copy)]
pub struct Slot {
    pub value: Value,
    pub open: bool,
}

/// What one group publishes of one measure.
#[derive(Debug, Clone, Default)]
pub struct MeasureSlots {
    pub answered: Option<Slot>,
    pub options: [Option<Slot>; 6],
    pub mean: Option<Slot>,
    pub sd: Option<Slot>,
    pub share: Option<Slot>,
}

/// One group of one release over the atoms.
#[derive(Debug, Clone)]
pub struct Cell {
    pub release: usize,
    /// The group's index in its release.
    pub group: usize,
    pub members: Vec<u32>,
    pub truth: Tally,
    pub below_floor: bool,
    pub responses: Option<Slot>,
    pub measures: Vec<Option<MeasureSlots>>,
    /// Measures whose counts the release does not show, so that a count from 1 to 7
    /// among them must be protected as if withheld.
    pub hidden: Vec<u8>,
    /// Its published values disagree with the data (months deleted since), so it
    /// cannot be checked against.
    pub unreliable: bool,
    /// How many of the totals' dimensions it spans (team, period, value), for its cost.
    pub totals: u8,
}

/// The releases in question over one set of atoms.
pub struct Board<'a> {
    pub atoms: &'a Atoms,
    pub measures: Vec<Measure>,
    pub rules: Vec<Rules>,
    /// Whether the release's reasons are facts (recorded since the layouts).
    pub strict: Vec<bool>,
    pub cells: Vec<Cell>,
    pub cells_of_atom: Vec<Vec<u32>>,
    pub choice_measure: usize,
    /// How many changed data sets were weighed (for tracing the search's cost).
    pub evaluations: std::sync::atomic::AtomicU64,
}

/// A change to some atoms' counts: the stat, atom and amount.
pub type Delta = BTreeMap<(u32, AtomStat), i64>;

/// A count kept per atom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AtomStat {
    Responses,
    Count(u8, u8),
}

/// How far a changed data set is from publishing the same: the sum of the gaps, and
/// the published values that disagree.
#[derive(Debug, Clone, Default)]
pub struct Gaps {
    pub total: u64,
    pub invalid: bool,
    pub at: Vec<(u32, SlotId, u64)>,
}

impl Gaps {
    pub fn ok(&self) -> bool {
        !self.invalid && self.total == 0
    }
}

impl<'a> Board<'a> {
    pub fn new(atoms: &'a Atoms) -> Board<'a> {
        let choice_measure = measures()
            .iter()
            .position(|m| m.id == "attending_choice")
            .expect("the choice item is a measure");
        Board {
            atoms,
            measures: measures(),
            rules: Vec::new(),
            strict: Vec::new(),
            cells: Vec::new(),
            cells_of_atom: vec![Vec::new(); atoms.len()],
            choice_measure,
            evaluations: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub fn add_cell(&mut self, mut cell: Cell) {
        let id = self.cells.len() as u32;
        cell.truth = Tally::default();
        for a in &cell.members {
            cell.truth.add(&self.atoms.tallies[*a as usize]);
            self.cells_of_atom[*a as usize].push(id);
        }
        self.cells.push(cell);
        let unreliable = self.baseline_gap(id as usize) > 0;
        self.cells[id as usize].unreliable = unreliable;
    }

    pub fn fact(&self, cell: &Cell, slot: &Slot) -> Fact {
        Fact::of(slot.value, self.strict[cell.release])
    }

    /// The gap of one cell whose responses are now `responses` (`None`: unchanged)
    /// and whose counts of the measures in `measures` are now as given; records the
    /// disagreeing slots in `at`.
    pub fn cell_gaps(
        &self,
        c: usize,
        responses: Option<u64>,
        measures: &[(u8, [u64; 6])],
        at: &mut Vec<(u32, SlotId, u64)>,
    ) -> u64 {
        let cell = &self.cells[c];
        let rules = &self.rules[cell.release];
        let mut total = 0;
        let mut note = |slot: SlotId, gap: u64, total: &mut u64| {
            if gap > 0 {
                *total += gap;
                at.push((c as u32, slot, gap));
            }
        };
        if let Some(n) = responses {
            // A group a release shows a row for holds at least one response, whatever
            // its size says (concealed, or reissued from an earlier release): atoms may
            // be emptied, groups may not.
            let mut gap = u64::from(n == 0);
            if let Some(s) = &cell.responses {
                gap += count_gap(self.fact(cell, s), n, rules);
                if !cell.below_floor && n < rules.group_floor {
                    gap += rules.group_floor - n;
                }
            }
            note(SlotId::Responses, gap, &mut total);
        }
        for (m, counts) in measures {
            let m = *m;
            let Some(Some(slots)) = cell.measures.get(usize::from(m)) else {
                continue;
            };
            let measure = &self.measures[usize::from(m)];
            if let Some(s) = &slots.answered {
                let n: u64 = measure
                    .options
                    .iter()
                    .map(|o| counts[usize::from(o.code)])
                    .sum();
                note(
                    SlotId::Answered(m),
                    count_gap(self.fact(cell, s), n, rules),
                    &mut total,
                );
            }
            for o in measure.options {
                if let Some(s) = &slots.options[usize::from(o.code)] {
                    let gap = count_gap(self.fact(cell, s), counts[usize::from(o.code)], rules);
                    note(SlotId::Option(m, o.code), gap, &mut total);
                }
            }
            if let Some(s) = &slots.mean {
                note(
                    SlotId::Mean(m),
                    mean_gap(self.fact(cell, s), measure, counts, rules),
                    &mut total,
                );
            }
            if let Some(s) = &slots.sd {
                note(
                    SlotId::Sd(m),
                    sd_gap(self.fact(cell, s), measure, counts, rules),
                    &mut total,
                );
            }
            if let Some(s) = &slots.share {
                note(
                    SlotId::Share(m),
                    share_gap(self.fact(cell, s), measure, counts, rules),
                    &mut total,
                );
            }
        }
        total
    }

    /// The gap of a cell as it truly is (0 unless the data changed since it was
    /// published).
    fn baseline_gap(&self, c: usize) -> u64 {
        let t = &self.cells[c].truth;
        let all: Vec<(u8, [u64; 6])> = (0..N_MEASURES).map(|m| (m as u8, t.counts[m])).collect();
        self.cell_gaps(c, Some(t.responses), &all, &mut Vec::new())
    }

    /// The true value of a count statistic in a cell, plus a change.
    pub fn stat_value(&self, c: usize, stat: Stat, delta: &Delta) -> i64 {
        let cell = &self.cells[c];
        let base = match stat {
            Stat::Responses => cell.truth.responses,
            Stat::Answered(m) => cell.truth.answered(usize::from(m)),
            Stat::Option(m, o) => cell.truth.counts[usize::from(m)][usize::from(o)],
        } as i64;
        let mut d = 0;
        for ((a, s), v) in delta {
            // A change is kept in the measure the counts are counted as.
            let same = |m: u8, n: u8| counted_as(usize::from(m)) == usize::from(n);
            let x = match (stat, s) {
                (Stat::Responses, AtomStat::Responses) => *v,
                (Stat::Answered(m), AtomStat::Count(n, code)) if same(m, *n) && *code > 0 => *v,
                (Stat::Option(m, o), AtomStat::Count(n, code)) if same(m, *n) && o == *code => *v,
                _ => 0,
            };
            // The statistic first: whether the atom is in the cell is the dearer test.
            if x != 0 && self.cells_of_atom[*a as usize].contains(&(c as u32)) {
                d += x;
            }
        }
        base + d
    }

    /// How far a change is from publishing the same as the truth, over every cell it
    /// touches.
    pub fn gaps(&self, delta: &Delta) -> Gaps {
        self.evaluations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if !self.valid(delta) {
            return Gaps {
                invalid: true,
                ..Gaps::default()
            };
        }
        self.gaps_in(delta, None)
    }

    /// [`Board::gaps`] of `delta`, made from a valid change whose gaps are `before` by
    /// a move in the atoms `moved`: only those atoms can have become impossible, and
    /// only the cells that hold them can have moved, so only those are weighed again.
    /// The same as [`Board::gaps`], to the order of the values that disagree: a repair
    /// adds one move at a time to a change that reaches many cells.
    pub fn gaps_after(
        &self,
        delta: &Delta,
        before: &Gaps,
        moved: impl IntoIterator<Item = u32>,
    ) -> Gaps {
        self.evaluations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut moved: Vec<u32> = moved.into_iter().collect();
        moved.sort_unstable();
        moved.dedup();
        if !moved.iter().all(|a| self.atom_valid_in(*a, delta)) {
            return Gaps {
                invalid: true,
                ..Gaps::default()
            };
        }
        let mut cells: Vec<u32> = moved
            .iter()
            .flat_map(|a| self.cells_of_atom[*a as usize].iter().copied())
            .collect();
        cells.sort_unstable();
        cells.dedup();
        let fresh = self.gaps_in(delta, Some(&cells));
        // The cells weighed again replace theirs; both lists are in the order of cells.
        let kept = before
            .at
            .iter()
            .filter(|(c, _, _)| cells.binary_search(c).is_err());
        let mut out = Gaps {
            total: fresh.total,
            invalid: false,
            at: Vec::with_capacity(before.at.len() + fresh.at.len()),
        };
        let mut fresh = fresh.at.into_iter().peekable();
        for x in kept {
            while let Some(y) = fresh.next_if(|y| y.0 < x.0) {
                out.at.push(y);
            }
            out.total += x.2;
            out.at.push(*x);
        }
        out.at.extend(fresh);
        #[cfg(test)]
        {
            assert!(
                self.valid(delta),
                "only the moved atoms can have become impossible"
            );
            let all = self.gaps_in(delta, None);
            assert_eq!((all.total, &all.at), (out.total, &out.at));
        }
        out
    }

    /// The gaps of a valid change, over every cell it touches, or only over `only` (in
    /// order).
    fn gaps_in(&self, delta: &Delta, only: Option<&[u32]>) -> Gaps {
        // Per touched cell and measure (`RESPONSES` for the responses), the changes to
        // each answer: one flat list of (cell and measure, answer, amount), sorted by
        // cell, then measure, and added up below.
        const RESPONSES: u32 = 31;
        const _: () = assert!(N_MEASURES < RESPONSES as usize);
        let size = delta
            .keys()
            .map(|(a, _)| 2 * self.cells_of_atom[*a as usize].len())
            .sum();
        let mut changes: Vec<(u32, u8, i64)> = Vec::with_capacity(size);
        for ((a, s), v) in delta {
            if *v == 0 {
                continue;
            }
            let (m, o) = match s {
                AtomStat::Responses => (RESPONSES, 0),
                AtomStat::Count(m, o) => (u32::from(*m), *o),
            };
            // A measure counted as this one changes with it.
            let also: &[usize] = match s {
                AtomStat::Count(m, _) => also_counted(usize::from(*m)),
                AtomStat::Responses => &[],
            };
            for c in &self.cells_of_atom[*a as usize] {
                if only.is_some_and(|o| o.binary_search(c).is_err()) {
                    continue;
                }
                // A measure a cell shows nothing of is passed over below (see
                // `unseen`): left out here, it is not sorted either.
                let shows = |k: u32| {
                    k == RESPONSES
                        || matches!(
                            self.cells[*c as usize].measures.get(k as usize),
                            Some(Some(_))
                        )
                };
                if shows(m) {
                    changes.push((c * 32 + m, o, *v));
                }
                for k in also {
                    if shows(*k as u32) {
                        changes.push((c * 32 + *k as u32, o, *v));
                    }
                }
            }
        }
        changes.sort_unstable_by_key(|x| x.0);
        let mut out = Gaps::default();
        let mut now: Vec<(u8, [u64; 6])> = Vec::new();
        let mut i = 0;
        while i < changes.len() {
            let c = changes[i].0 / 32;
            let cell = &self.cells[c as usize];
            let mut j = i;
            let mut responses = None;
            now.clear();
            while j < changes.len() && changes[j].0 / 32 == c {
                // One measure's changes, added up.
                let key = changes[j].0;
                let mut d = [0i64; 6];
                while j < changes.len() && changes[j].0 == key {
                    d[usize::from(changes[j].1)] += changes[j].2;
                    j += 1;
                }
                if cell.unreliable {
                    continue;
                }
                let m = key % 32;
                if m == RESPONSES {
                    if d[0] != 0 {
                        responses = Some((cell.truth.responses as i64 + d[0]) as u64);
                    }
                    continue;
                }
                let m = m as u8;
                if self.unseen(cell, m, &d) {
                    continue;
                }
                let mut counts = cell.truth.counts[usize::from(m)];
                for (x, dx) in counts.iter_mut().zip(&d) {
                    *x = (*x as i64 + dx) as u64;
                }
                now.push((m, counts));
            }
            i = j;
            if !cell.unreliable {
                out.total += self.cell_gaps(c as usize, responses, &now, &mut out.at);
            }
        }
        out
    }

    /// Whether a change `d` to measure `m`'s counts leaves every value a cell shows of
    /// it as it was without working it out: the cell shows no counts of the measure
    /// and the change keeps the number who answered, the sum of the answers and the
    /// number in the share.
    fn unseen(&self, cell: &Cell, m: u8, d: &[i64; 6]) -> bool {
        let Some(Some(slots)) = cell.measures.get(usize::from(m)) else {
            return true;
        };
        if slots.answered.is_some() || slots.options.iter().any(Option::is_some) {
            return false;
        }
        let measure = &self.measures[usize::from(m)];
        let (mut n, mut sum, mut share) = (0, 0, 0);
        for o in measure.options {
            let c = usize::from(o.code);
            n += d[c];
            sum += d[c] * c as i64;
            if measure.in_share(c) {
                share += d[c];
            }
        }
        n == 0 && share == 0 && (sum == 0 || slots.mean.is_none() && slots.sd.is_none())
    }

    /// The choice item's index among the measures, as a count's measure number.
    pub fn choice_m(&self) -> u8 {
        self.choice_measure as u8
    }

    /// Whether an atom's counts include the choice answer as its own split.
    pub fn atom_choice(&self, a: u32) -> Option<u8> {
        (self.atoms.dims.choice).then(|| self.atoms.keys[a as usize].choice as u8)
    }
}
