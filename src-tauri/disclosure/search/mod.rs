//! The protection: every count that is withheld, or hidden by the layout and from 1 to
//! the small-count limit, must keep at least `min_possible_values` possible values
//! against everything published, in this release and in every earlier release of the
//! same months.
//!
//! The check is constructive. For a count with true value x, it looks for other data
//! sets that publish exactly what the truth publishes (every rounded count, every
//! average and percentage, every reason a value is withheld, every missing row) but in
//! which the count is x + 1 or x - 1 (and then x + 2 or x - 2): the truth and two such
//! witnesses are three values that no intruder, however clever, can tell apart. A
//! witness is made of small moves in the atoms (one answer changed, one answer added
//! or taken away, one response added, taken away or moved to another answer to "was
//! coming today your choice?"), then repaired greedily where a published value moved.
//!
//! Where no witness is found, the published values that stood in the way of the
//! closest attempt are withheld, choosing the attempt that costs readers least
//! ([`super::cost`]), and the search runs again. Withholding only ever loosens what
//! a witness must match, so every witness found stays one.
//!
//! Counts are taken in batches ([`batch`]): the likeliest moves for each in order, then
//! the searches still needed on every core at once. A count concealed is a count to
//! protect too; one concealed in vain is shown again at the end ([`conceal`]).

mod batch;
mod conceal;
mod rests;
mod reuse;
mod slots;
mod witness;

#[cfg(test)]
pub(crate) use batch::SEARCHED_WITH_REPAIRS;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::board::{Board, Cell, Delta, Gaps, Slot, SlotId, Stat};
use super::cost::cost;
use super::moves::{apply, slot_stat, Move, Mover, Neighbours};
use super::primary::Fact;
use super::{Data, Layout, Reason, Release, Value};
use crate::summary::groups::{id_of, RoleMap, Shape};
use crate::summary::{counted_as, IdKey, Tally};
use conceal::slot_mut;
use reuse::{place, reuse, totals_of};
use slots::{hidden_measures, slots_of};

/// A count to protect: its cell, statistic, true value and the values it may take.
#[derive(Debug, Clone, Copy)]
struct Target {
    cell: usize,
    stat: Stat,
    truth: i64,
    lo: i64,
    hi: i64,
    /// How many times whole measures were concealed for it (see [`Search::conceal`]).
    level: u8,
    /// Whether concealment may now hide true zeros too (see [`Search::conceal_in`]).
    zeros: bool,
}

/// How far a repair goes: how many steps it may take, and how many attempts it
/// carries at each step.
#[derive(Debug, Clone, Copy)]
struct Repairs {
    steps: usize,
    beam: usize,
}

/// The headline layout shows few values of each group: most repairs that work do so
/// in a few steps.
const HEADLINE_REPAIRS: Repairs = Repairs { steps: 5, beam: 4 };
/// The full layout shows every answer count, so a repair meets more values on its
/// way: deeper repairs find witnesses where the shallower ones gave up and withheld
/// more. Measured on the demo's 20,000 responses by choice (monthly, 12 months): 8
/// steps of 6 withhold 23.6% of the values, where 5 of 4 withheld 24.3% (6 of 6:
/// 23.9%; 8 of 4: 23.9%), for about half as much time again.
const FULL_REPAIRS: Repairs = Repairs { steps: 8, beam: 6 };
/// How many of a cell's atoms moves are tried in (the largest first), and in how many
/// of them moves balanced by neighbours are tried.
const ATOMS_TRIED: usize = 6;
const BALANCED_ATOMS: usize = 2;
/// How many moves in each atom are tried before balanced ones.
const FIRST_MOVES: usize = 2;
/// How many times one count may lead to more values being withheld.
const ROUNDS: usize = 12;
/// How many times one count may have figures concealed: its own group, then other
/// groups that hold its responses, one at a time (a month's breakdown value is in at
/// most four groups of a release, and its months in a few more).
const CONCEAL_LEVELS: u8 = 8;

/// Protects `release` against itself and the `earlier` releases, searching on
/// `threads` threads (the result is the same on any number).
pub(super) fn protect(
    release: &mut Release,
    members: Vec<(IdKey, Vec<u32>, Tally)>,
    data: &Data,
    earlier: &[Release],
    threads: usize,
) {
    let mut board = Board::new(data.atoms);
    board.rules.push(release.rules);
    board.strict.push(true);
    let closed = reuse(release, &members, earlier, data);
    for (g, (id, m, _)) in members.iter().enumerate() {
        // A group concealed whole before (its size reissued concealed, and no figure
        // of it reissued) shows no figures now either (see [`Search::conceal_in`]).
        let whole = closed[g].iter().all(|s| *s == SlotId::Responses);
        if release.groups[g].responses == Value::Withheld(Reason::Concealed) && whole {
            release.groups[g].measures.clear();
        }
        let (mut responses, mut ms) = slots_of(release, g, true);
        // Values reissued from an earlier release are checked there, under its rules.
        for slot in &closed[g] {
            if *slot == SlotId::Responses {
                responses = None;
                continue;
            }
            let (SlotId::Answered(m)
            | SlotId::Option(m, _)
            | SlotId::Mean(m)
            | SlotId::Sd(m)
            | SlotId::Share(m)) = *slot
            else {
                continue;
            };
            let Some(x) = ms[usize::from(m)].as_mut() else {
                continue;
            };
            match *slot {
                SlotId::Answered(_) => x.answered = None,
                SlotId::Option(_, o) => x.options[usize::from(o)] = None,
                SlotId::Mean(_) => x.mean = None,
                SlotId::Sd(_) => x.sd = None,
                _ => x.share = None,
            }
        }
        let below = release.groups[g].shows_no_figures();
        board.add_cell(Cell {
            release: 0,
            group: g,
            members: m.clone(),
            truth: Tally::default(),
            below_floor: below,
            responses,
            measures: ms,
            hidden: hidden_measures(release.layout, below),
            unreliable: false,
            totals: totals_of(id),
        });
    }
    for (i, e) in earlier.iter().enumerate() {
        place(&mut board, i + 1, e, data);
    }
    rests::add_rests(&mut board, release.rules);
    let near = Neighbours::new(&data.atoms.keys);
    let mut search = Search {
        near,
        board,
        queue: Vec::new(),
        witnessed: Vec::new(),
        by_cell: HashMap::new(),
        seen: HashSet::new(),
        fresh: Vec::new(),
        shown: HashMap::new(),
        unprotected: Vec::new(),
        lines: HashMap::new(),
        kinds: Vec::new(),
        withheld: 0,
        failed: 0,
        repairs: match release.layout {
            Layout::Full => FULL_REPAIRS,
            Layout::Headline => HEADLINE_REPAIRS,
        },
    };
    let cells = search.board.cells.len();
    for c in 0..cells {
        search.push_targets(c);
    }
    search.run(0, threads);
    search.show_again(threads);
    if tracing("PSI_SEARCH_TRACE") {
        eprintln!(
            "search: {} cells, {} counts checked, {} evaluations, {} withheld to protect, {} not protected",
            search.board.cells.len(),
            search.queue.len(),
            search.board.evaluations.load(std::sync::atomic::Ordering::Relaxed),
            search.withheld,
            search.failed
        );
    }
    // Write the values withheld back into the release.
    for cell in search.board.cells.iter().filter(|c| c.release == 0) {
        let g = &mut release.groups[cell.group];
        if let Some(s) = cell.responses {
            g.responses = s.value;
        }
        // A group concealed whole shows no figures, as a group under the floor.
        if cell.below_floor {
            g.measures.clear();
        }
        for mv in g.measures.iter_mut() {
            let Some(Some(s)) = cell.measures.get(mv.measure.index) else {
                continue;
            };
            if let Some(x) = s.answered {
                mv.answered = Some(x.value);
            }
            for o in mv.options.iter_mut() {
                if let Some(x) = s.options[usize::from(o.option.code)] {
                    o.count = x.value;
                }
            }
            if let Some(x) = s.mean {
                mv.mean = Some(x.value);
            }
            if let Some(x) = s.share {
                mv.share = x.value;
            }
        }
    }
}

struct Search<'a> {
    board: Board<'a>,
    near: Neighbours,
    queue: Vec<Target>,
    /// Per target, the other values witnesses have shown it can take, with them: a
    /// witness found for one count often changes others (a rectangle changes four).
    witnessed: Vec<BTreeMap<i64, Delta>>,
    /// The targets of each cell.
    by_cell: HashMap<u32, Vec<usize>>,
    /// Counts already queued, by statistic and atoms (the same count may be a group of
    /// several releases).
    seen: HashSet<(Stat, Vec<u32>)>,
    /// Cells with values concealed since [`Search::settle`] last ran.
    fresh: Vec<u32>,
    /// What the counts concealed showed before, where they were shown.
    shown: HashMap<(u32, SlotId), Slot>,
    /// The targets left without enough values.
    unprotected: Vec<usize>,
    /// Per group and kind of group, this release's groups of that kind under it (see
    /// [`Search::under`]).
    lines: HashMap<(u32, u8), Vec<u32>>,
    /// This release's groups by kind (which totals they are), filled when first needed.
    kinds: Vec<Vec<u32>>,
    /// Values withheld to protect others, and counts left without enough values (only
    /// possible where earlier releases alone narrow them).
    withheld: usize,
    failed: usize,
    /// How far this release's repairs go (see [`Repairs`]).
    repairs: Repairs,
}

/// One attempt that did not publish the same: where it got to and what stood in its way.
struct Attempt {
    delta: Delta,
    gaps: Gaps,
    score: u64,
}

/// Whether this release may still withhold a value to protect another: its own, shown,
/// and not a zero (a zero withheld would say nothing true about a count).
fn withholdable(cell: &Cell, s: SlotId) -> bool {
    slot_mut(cell, s)
        .is_some_and(|x| x.open && !x.value.is_withheld() && x.value != Value::Count(0))
}

impl<'a> Search<'a> {
    /// Queues the counts of cell `c` that must keep their possible values.
    fn push_targets(&mut self, c: usize) {
        let cell = &self.board.cells[c];
        if cell.unreliable {
            return;
        }
        let rules = self.board.rules[cell.release];
        let small = rules.small_count_max as i64;
        let mut found: Vec<(Stat, Option<Slot>)> = Vec::new();
        if let Some(s) = cell.responses.filter(|s| s.value.is_withheld()) {
            found.push((Stat::Responses, Some(s)));
        }
        for (m, slots) in cell.measures.iter().enumerate() {
            let Some(slots) = slots else { continue };
            let m = m as u8;
            if let Some(s) = slots.answered.filter(|s| s.value.is_withheld()) {
                found.push((Stat::Answered(m), Some(s)));
            }
            for (o, s) in slots.options.iter().enumerate() {
                if let Some(s) = s.filter(|s| s.value.is_withheld()) {
                    found.push((Stat::Option(m, o as u8), Some(s)));
                }
            }
        }
        for &m in &cell.hidden {
            let measure = &self.board.measures[usize::from(m)];
            let counts = &cell.truth.counts[usize::from(m)];
            let answered = cell.truth.answered(usize::from(m)) as i64;
            if (1..=small).contains(&answered) {
                found.push((Stat::Answered(m), None));
            }
            for o in measure.options {
                if (1..=small).contains(&(counts[usize::from(o.code)] as i64)) {
                    found.push((Stat::Option(m, o.code), None));
                }
            }
        }
        // Where every atom of the cell has the same answer to the choice question (a
        // group of the choice breakdown), that measure's counts are its responses (or
        // zero): checked as the responses.
        let one_choice = self.board.atoms.dims.choice && {
            let k = &self.board.atoms.keys;
            cell.members
                .windows(2)
                .all(|w| k[w[0] as usize].choice == k[w[1] as usize].choice)
        };
        let choice = self.board.choice_m();
        found.retain(|(stat, _)| {
            !one_choice || !matches!(stat, Stat::Answered(m) | Stat::Option(m, _) if *m == choice)
        });
        for (stat, slot) in found {
            // A count is queued once, as the measure it is counted as.
            let stat = match stat {
                Stat::Answered(m) => Stat::Answered(counted_as(usize::from(m)) as u8),
                Stat::Option(m, o) => Stat::Option(counted_as(usize::from(m)) as u8, o),
                s => s,
            };
            let (lo, hi) = match slot.map(|s| self.board.fact(cell, &s)) {
                Some(Fact::Is(Value::Withheld(Reason::SmallCount))) => (1, small),
                Some(Fact::Is(Value::Withheld(Reason::GroupBelowFloor))) => {
                    (1, rules.group_floor as i64 - 1)
                }
                Some(Fact::Published) => (small + 1, i64::MAX),
                _ => (0, i64::MAX),
            };
            // A group shown holds at least one response, whatever its size says.
            let lo = if stat == Stat::Responses {
                lo.max(1)
            } else {
                lo
            };
            let truth = self.board.stat_value(c, stat, &Delta::new());
            let concealed = slot.is_some_and(|s| s.value == Value::Withheld(Reason::Concealed));
            if (concealed && truth == 0) || !self.seen.insert((stat, cell.members.clone())) {
                continue;
            }
            self.by_cell
                .entry(c as u32)
                .or_default()
                .push(self.queue.len());
            self.queue.push(Target {
                cell: c,
                stat,
                truth,
                lo,
                hi,
                level: 0,
                zeros: false,
            });
            self.witnessed.push(BTreeMap::new());
        }
    }

    /// How many possible values a target's count must keep.
    fn need(&self, t: Target) -> usize {
        self.board.rules[self.board.cells[t.cell].release].min_possible_values as usize
    }

    fn protect_target(&mut self, i: usize) {
        let t = self.queue[i];
        let before = self
            .board
            .evaluations
            .load(std::sync::atomic::Ordering::Relaxed);
        self.protect_target_inner(i);
        if tracing("PSI_SEARCH_TRACE") {
            let kind = match t.stat {
                Stat::Responses => "responses",
                Stat::Answered(_) => "answered",
                Stat::Option(..) => "option",
            };
            let hidden = if self.board.cells[t.cell]
                .responses
                .is_some_and(|s| s.value == Value::Withheld(Reason::GroupBelowFloor))
            {
                "below"
            } else {
                "shown"
            };
            eprintln!(
                "target {kind} {hidden} evals {} {:?} truth {} cell {} group {} members {}",
                self.board
                    .evaluations
                    .load(std::sync::atomic::Ordering::Relaxed)
                    - before,
                t.stat,
                t.truth,
                t.cell,
                self.board.cells[t.cell].group,
                self.board.cells[t.cell].members.len()
            );
        }
    }

    fn protect_target_inner(&mut self, i: usize) {
        let t = self.queue[i];
        let need = self.need(t);
        let mut last = Vec::new();
        for _ in 0..ROUNDS {
            // Most targets have their witnesses from the batch's searches already.
            if self.witnessed[i].len() + 1 >= need {
                return;
            }
            let mut failures = Vec::new();
            let known = self.witnessed[i].clone();
            let (found, open) =
                self.witnesses(t, need, &known, witness::Effort::Repairs, &mut failures);
            for d in found {
                self.credit(&d);
            }
            if open.is_empty() {
                return;
            }
            if !self.withhold_cheapest(t, open) {
                last = failures;
                break;
            }
        }
        // A wider concealment where the narrower one had nothing to conceal; true zeros
        // only once concealing every other figure has not been enough.
        let mut at = (t.level..CONCEAL_LEVELS)
            .find(|l| self.conceal(Target { level: *l, ..t }))
            .map(|l| Target { level: l, ..t });
        if at.is_none() && !t.zeros {
            let z = Target { zeros: true, ..t };
            at = (0..CONCEAL_LEVELS)
                .find(|l| self.conceal(Target { level: *l, ..z }))
                .map(|l| Target { level: l, ..z });
        }
        if let Some(Target { level, zeros, .. }) = at {
            self.settle();
            if tracing("PSI_SEARCH_TRACE") {
                let cell = &self.board.cells[t.cell];
                eprintln!(
                    "concealed at level {level} (zeros {zeros}) for release {} group {} {:?} truth {}",
                    cell.release, cell.group, t.stat, t.truth
                );
            }
            // Checked again: what the concealed values said is no longer known.
            self.by_cell
                .entry(t.cell as u32)
                .or_default()
                .push(self.queue.len());
            self.queue.push(Target {
                lo: 0,
                hi: i64::MAX,
                level: level + 1,
                zeros,
                ..t
            });
            self.witnessed.push(BTreeMap::new());
            return;
        }
        self.failed += 1;
        self.unprotected.push(i);
        if tracing("PSI_SEARCH_TRACE") {
            let cell = &self.board.cells[t.cell];
            eprintln!(
                "not protected: release {} group {} {:?} truth {} in {}..{}",
                cell.release, cell.group, t.stat, t.truth, t.lo, t.hi
            );
            for f in last.iter().take(12) {
                let at: Vec<String> = f
                    .gaps
                    .at
                    .iter()
                    .map(|(c, s, g)| {
                        let x = &self.board.cells[*c as usize];
                        format!(
                            "r{}g{} {:?} gap {} ({:?})",
                            x.release,
                            x.group,
                            s,
                            g,
                            slot_mut(x, *s).map(|v| v.value)
                        )
                    })
                    .collect();
                let v = self.board.stat_value(t.cell, t.stat, &f.delta);
                eprintln!("  attempt (value {v}) {:?}: {}", f.delta, at.join("; "));
            }
        }
    }
}

/// Whether the search's trace is asked for (`PSI_SEARCH_TRACE`, or `PSI_SEARCH_DEBUG`
/// for every attempt). The trace names true counts, so only development builds print
/// it: a release build never writes the data to its standard error.
fn tracing(var: &str) -> bool {
    cfg!(debug_assertions) && std::env::var_os(var).is_some()
}
