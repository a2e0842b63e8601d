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

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::board::{hidden_measures, slots_of, Board, Cell, Delta, Gaps, Slot, SlotId, Stat};
use super::cost::cost;
use super::moves::{apply, slot_stat, Move, Mover, Neighbours};
use super::primary::Fact;
use super::{Data, Reason, Release, Value};
use crate::summary::groups::{id_of, RoleMap, Shape};
use crate::summary::{IdKey, Tally};

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

/// How many steps a repair may take, and how many attempts it carries at each step.
const REPAIR_STEPS: usize = 5;
const BEAM: usize = 4;
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

pub(super) fn protect(
    release: &mut Release,
    members: Vec<(IdKey, Vec<u32>, Tally)>,
    data: &Data,
    earlier: &[Release],
) {
    let mut board = Board::new(data.atoms);
    board.rules.push(release.rules);
    board.strict.push(true);
    let closed = reuse(release, &members, earlier, data);
    for (g, (id, m, _)) in members.iter().enumerate() {
        let (mut responses, mut ms) = slots_of(release, g, true);
        // Values reissued from an earlier release are checked there, under its rules.
        for slot in &closed[g] {
            match slot {
                SlotId::Responses => responses = None,
                SlotId::Answered(m) => ms[usize::from(*m)].as_mut().unwrap().answered = None,
                SlotId::Option(m, o) => {
                    ms[usize::from(*m)].as_mut().unwrap().options[usize::from(*o)] = None
                }
                SlotId::Mean(m) => ms[usize::from(*m)].as_mut().unwrap().mean = None,
                SlotId::Sd(m) => ms[usize::from(*m)].as_mut().unwrap().sd = None,
                SlotId::Share(m) => ms[usize::from(*m)].as_mut().unwrap().share = None,
            }
        }
        let below = release.groups[g].responses == Value::Withheld(Reason::GroupBelowFloor);
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
    let near = Neighbours::new(&data.atoms.keys);
    let mut search = Search {
        near,
        board,
        queue: Vec::new(),
        witnessed: Vec::new(),
        by_cell: HashMap::new(),
        seen: HashSet::new(),
        withheld: 0,
        failed: 0,
    };
    let cells = search.board.cells.len();
    for c in 0..cells {
        search.push_targets(c);
    }
    let mut next = 0;
    while next < search.queue.len() {
        search.protect_target(next);
        next += 1;
    }
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

/// Which totals a group is: all teams (1), all periods (2), all values (4).
fn totals_of(id: &IdKey) -> u8 {
    u8::from(id.team.is_none())
        | (u8::from(matches!(id.period, crate::period::Period::Span(..))) << 1)
        | (u8::from(id.value.is_none()) << 2)
}

/// Rule 8: a group released before (a breakdown value's row in the same breakdown, a
/// row for all values in any) shows what it showed then, value by value where both
/// layouts have it. Returns, per group, the values reissued.
fn reuse(
    release: &mut Release,
    members: &[(IdKey, Vec<u32>, Tally)],
    earlier: &[Release],
    data: &Data,
) -> Vec<BTreeSet<SlotId>> {
    let mut before: HashMap<IdKey, Vec<(usize, usize)>> = HashMap::new();
    for (r, e) in earlier.iter().enumerate() {
        // A row for every breakdown value ("All") is the same group whatever the
        // breakdown, and shows what it showed first; a breakdown value's row only
        // where the breakdown is the same (session type 1 is not role 1).
        let same = e.breakdown == release.breakdown;
        for (g, group) in e.groups.iter().enumerate() {
            if let Some(id) = id_of(&group.key, e.breakdown, data.names) {
                if same || id.value.is_none() {
                    before.entry(id).or_default().push((r, g));
                }
            }
        }
    }
    let mut closed = vec![BTreeSet::new(); members.len()];
    for (g, (id, _, _)) in members.iter().enumerate() {
        let Some(found) = before.get(id) else {
            continue;
        };
        for (r, eg) in found {
            let old = &earlier[*r].groups[*eg];
            let new = &mut release.groups[g];
            let mut took = false;
            if !closed[g].contains(&SlotId::Responses) {
                if old.responses == Value::Withheld(Reason::GroupBelowFloor) {
                    // Below the floor then: below it now (the floor only rises).
                    new.responses = old.responses;
                    new.measures.clear();
                } else if new.responses == Value::Withheld(Reason::GroupBelowFloor) {
                    // The floor has risen since: the group still shows what it showed.
                    new.responses = old.responses;
                    new.measures = old
                        .measures
                        .iter()
                        .filter(|m| release.layout.shows(&m.measure))
                        .map(|m| crate::disclosure::MeasureValues {
                            answered: m.answered.filter(|_| release.layout == super::Layout::Full),
                            options: if release.layout == super::Layout::Full {
                                m.options.clone()
                            } else {
                                Vec::new()
                            },
                            sd: None,
                            ..m.clone()
                        })
                        .collect();
                } else {
                    new.responses = old.responses;
                }
                closed[g].insert(SlotId::Responses);
                took = true;
            }
            for nm in new.measures.iter_mut() {
                let Some(om) = old.measure(nm.measure.id) else {
                    continue;
                };
                let m = nm.measure.index as u8;
                if let (Some(_), Some(v)) = (nm.answered, om.answered) {
                    if closed[g].insert(SlotId::Answered(m)) {
                        nm.answered = Some(v);
                    }
                }
                for o in nm.options.iter_mut() {
                    if let Some(v) = om.options.iter().find(|x| x.option.code == o.option.code) {
                        if closed[g].insert(SlotId::Option(m, o.option.code)) {
                            o.count = v.count;
                        }
                    }
                }
                if let (Some(_), Some(v)) = (nm.mean, om.mean) {
                    if closed[g].insert(SlotId::Mean(m)) {
                        nm.mean = Some(v);
                    }
                }
                if closed[g].insert(SlotId::Share(m)) {
                    nm.share = om.share;
                }
            }
            if took && earlier[*r].rules != release.rules {
                new.first_rules.get_or_insert(earlier[*r].rules);
            }
        }
    }
    closed
}

/// Places the groups of an earlier release over the atoms.
fn place(board: &mut Board, index: usize, e: &Release, data: &Data) {
    let Some((first, last)) = e.months() else {
        return;
    };
    let ids: Vec<Option<IdKey>> = e
        .groups
        .iter()
        .map(|g| id_of(&g.key, e.breakdown, data.names))
        .collect();
    let shape = Shape {
        kind: e.period_kind,
        breakdown: e.breakdown,
        first,
        last,
        span: (e.periods.len() > 1).then_some(crate::period::Period::Span(first, last)),
        roles: RoleMap::shown(ids.iter().flatten().copied()),
    };
    let by_id: HashMap<IdKey, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(g, id)| id.map(|id| (id, g)))
        .collect();
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); e.groups.len()];
    for (a, key) in data.atoms.keys.iter().enumerate() {
        for cand in shape.candidates(key) {
            if let Some(g) = by_id.get(&cand) {
                members[*g].push(a as u32);
            }
        }
    }
    board.rules.push(e.rules);
    board.strict.push(e.generation >= 2);
    for (g, m) in members.into_iter().enumerate() {
        let Some(id) = ids[g] else { continue };
        let (responses, ms) = slots_of(e, g, false);
        let below = e.groups[g].responses == Value::Withheld(Reason::GroupBelowFloor);
        board.add_cell(Cell {
            release: index,
            group: g,
            members: m,
            truth: Tally::default(),
            below_floor: below,
            responses,
            measures: ms,
            hidden: hidden_measures(e.layout, below),
            unreliable: false,
            totals: totals_of(&id),
        });
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
    /// Values withheld to protect others, and counts left without enough values (only
    /// possible where earlier releases alone narrow them).
    withheld: usize,
    failed: usize,
}

/// One attempt that did not publish the same: where it got to and what stood in its way.
struct Attempt {
    delta: Delta,
    gaps: Gaps,
    score: u64,
}

/// A change's fingerprint, for telling changes already weighed (two different changes
/// with the same fingerprint would only mean one of them is not tried).
fn fingerprint(d: &Delta) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for ((a, s), v) in d {
        let s = match s {
            super::board::AtomStat::Responses => 0u64,
            super::board::AtomStat::Count(m, o) => 1 + u64::from(*m) * 8 + u64::from(*o),
        };
        for x in [u64::from(*a), s, *v as u64] {
            h = (h ^ x).wrapping_mul(0x0000_0100_0000_01b3);
            h ^= h >> 29;
        }
    }
    h
}

/// The score of one unit of gap in a value that cannot be withheld.
const HARD: u64 = 1 << 40;

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
            let (lo, hi) = match slot.map(|s| self.board.fact(cell, &s)) {
                Some(Fact::Is(Value::Withheld(Reason::SmallCount))) => (1, small),
                Some(Fact::Is(Value::Withheld(Reason::GroupBelowFloor))) => {
                    (1, rules.group_floor as i64 - 1)
                }
                Some(Fact::Published) => (small + 1, i64::MAX),
                _ => (0, i64::MAX),
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
        let need = self.board.rules[self.board.cells[t.cell].release].min_possible_values as usize;
        let mut last = Vec::new();
        for _ in 0..ROUNDS {
            let mut failures = Vec::new();
            let known = self.witnessed[i].clone();
            let (found, open) = self.witnesses(t, need, &known, &mut failures);
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

    /// Looks for witnesses until `need - 1` values other than the truth are known
    /// (`known`: found before). Returns the witnesses found, and, if there are still too
    /// few, the steps that failed: (direction, the witness it started from, the value
    /// it sought); none if enough are known.
    fn witnesses(
        &self,
        t: Target,
        need: usize,
        known: &BTreeMap<i64, Delta>,
        failures: &mut Vec<Attempt>,
    ) -> (Vec<Delta>, Vec<(i64, Delta, i64)>) {
        let mut have = known.clone();
        let mut found = Vec::new();
        let mut open = Vec::new();
        let enough = |have: &BTreeMap<i64, Delta>| have.len() + 1 >= need;
        if enough(&have) {
            return (found, open);
        }
        // One step each way first, then further in a way that worked.
        let mut blocked = [false, false];
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
                    match self.search(t, dir, &base, value, false) {
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
    fn credit(&mut self, d: &Delta) {
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
    fn search(
        &self,
        t: Target,
        dir: i64,
        base: &Delta,
        value: i64,
        relaxed: bool,
    ) -> Result<Delta, Vec<Attempt>> {
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
        for a in atoms.iter().take(BALANCED_ATOMS) {
            for mv in mover.balanced(*a, t.stat, dir, base) {
                if let Some(d) = consider(&mv, &mut attempts) {
                    return Ok(d);
                }
            }
        }
        for moves in &singles {
            for mv in moves.iter().skip(FIRST_MOVES) {
                if let Some(d) = consider(mv, &mut attempts) {
                    return Ok(d);
                }
            }
        }
        attempts.sort_by_key(|a| a.score);
        attempts.truncate(BEAM);
        self.repair(t, value, attempts, relaxed, &mut seen)
    }

    /// How bad an attempt is: the sum of its gaps; or, relaxed, the cost of withholding
    /// the values it disagrees with, where this release may, and a prohibitive amount
    /// per unit of gap where it may not.
    fn score(&self, gaps: &Gaps, relaxed: bool) -> u64 {
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
    fn repair(
        &self,
        t: Target,
        value: i64,
        mut beam: Vec<Attempt>,
        relaxed: bool,
        seen: &mut HashSet<u64>,
    ) -> Result<Delta, Vec<Attempt>> {
        let mover = self.mover();
        let mut best: Vec<Attempt> = Vec::new();
        for _ in 0..REPAIR_STEPS {
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
                            let gaps = self.board.gaps(&delta);
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
            next.truncate(BEAM);
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
        best.truncate(2 * BEAM);
        Err(best)
    }

    fn mover(&self) -> Mover<'_> {
        Mover {
            board: &self.board,
            near: &self.near,
        }
    }

    /// The atoms repairs are tried in: the four with the most of the statistic, and the
    /// two with the most responses that skipped its question (for an answer added).
    fn repair_atoms(&self, members: &[u32], stat: Stat) -> Vec<u32> {
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
    fn largest_atoms(&self, members: &[u32], stat: Stat) -> Vec<u32> {
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

    /// Withholds the values that stand in the way of the cheapest data set found, for
    /// any of the `open` steps, that disagrees with the truth only in values this
    /// release may withhold. Returns false if there is none.
    fn withhold_cheapest(&mut self, t: Target, open: Vec<(i64, Delta, i64)>) -> bool {
        let mut best: Option<(u64, Vec<(u32, SlotId)>)> = None;
        for (dir, base, value) in open {
            let Ok(delta) = self.search(t, dir, &base, value, true) else {
                continue;
            };
            let gaps = self.board.gaps(&delta);
            let cost = self.score(&gaps, true);
            // A direction that needs nothing withheld is one the witnesses already have.
            if gaps.at.is_empty() {
                continue;
            }
            if best.as_ref().is_none_or(|b| cost < b.0) {
                let mut slots: Vec<(u32, SlotId)> =
                    gaps.at.iter().map(|(c, s, _)| (*c, *s)).collect();
                slots.sort();
                slots.dedup();
                best = Some((cost, slots));
            }
        }
        let Some((_, slots)) = best.filter(|b| !b.1.is_empty()) else {
            return false;
        };
        if tracing("PSI_SEARCH_TRACE") {
            eprintln!(
                "withhold for {:?} cell {} truth {}: {:?}",
                t.stat,
                t.cell,
                t.truth,
                slots
                    .iter()
                    .map(|(c, s)| (
                        self.board.cells[*c as usize].group,
                        self.board.cells[*c as usize].truth.responses,
                        *s
                    ))
                    .collect::<Vec<_>>()
            );
        }
        for (c, s) in slots {
            self.withheld += 1;
            self.set(c, s, None);
            if !matches!(s, SlotId::Mean(_) | SlotId::Sd(_) | SlotId::Share(_)) {
                self.push_targets(c as usize);
            }
        }
        true
    }

    /// The last resort for a count single withheld values cannot protect: every figure
    /// of its measure (of the whole group, for a group's responses) is withheld as
    /// concealed, a reason that says nothing of the value (a withheld count's reason
    /// otherwise says it is small, or that it would have been shown): first in its own
    /// group, then, one at a time and the cheapest first, in the other groups of this
    /// release that hold any of its responses, the count checked again after each. A
    /// count of an earlier release only ever has this release's groups concealed.
    /// Returns whether anything changed.
    fn conceal(&mut self, t: Target) -> bool {
        let own = self.board.cells[t.cell].release == 0;
        let measure = match t.stat {
            Stat::Answered(m) | Stat::Option(m, _) => Some(m),
            Stat::Responses => None,
        };
        if own && t.level == 0 {
            return self.conceal_in(t.cell as u32, measure, t.zeros);
        }
        if own && measure.is_none() {
            return false;
        }
        let members: HashSet<u32> = self.board.cells[t.cell].members.iter().copied().collect();
        let slot = measure.map_or(SlotId::Responses, SlotId::Mean);
        let mut cells: Vec<(u64, u32)> = (0..self.board.cells.len())
            .filter(|c| {
                let cell = &self.board.cells[*c];
                cell.release == 0 && cell.members.iter().any(|a| members.contains(a))
            })
            .map(|c| (cost(&self.board.cells[c], slot), c as u32))
            .collect();
        cells.sort();
        cells
            .into_iter()
            .any(|(_, c)| self.conceal_in(c, measure, t.zeros))
    }

    /// Conceals a measure's figures (or, with none, all of them; in a group under the
    /// floor, its responses) in one group; returns whether any was still shown. True
    /// zeros stay shown, as rule 4 has them, unless `zeros`: the last resort where an
    /// earlier release already pins a count together with them (an average published
    /// before, and only two answers that are not zero). A concealed zero is no one's
    /// count, so it is not itself a count to protect.
    fn conceal_in(&mut self, c: u32, measure: Option<u8>, zeros: bool) -> bool {
        let cell = &self.board.cells[c as usize];
        let mut slots = Vec::new();
        // A group under the floor shows nothing of its measures: what it says of them is
        // that it has fewer responses than the floor, so that is what is concealed.
        if measure.is_none() || cell.below_floor {
            slots.push(SlotId::Responses);
        }
        for (m, ms) in cell.measures.iter().enumerate() {
            let m = m as u8;
            let Some(ms) = ms else { continue };
            if measure.is_some_and(|x| x != m) {
                continue;
            }
            slots.push(SlotId::Answered(m));
            slots.extend(
                (0..6u8)
                    .filter(|o| ms.options[usize::from(*o)].is_some())
                    .map(|o| SlotId::Option(m, o)),
            );
            slots.extend([SlotId::Mean(m), SlotId::Sd(m), SlotId::Share(m)]);
        }
        let concealed = Value::Withheld(Reason::Concealed);
        let mut changed = false;
        for s in slots {
            match slot_mut(&self.board.cells[c as usize], s) {
                Some(x)
                    if x.open && x.value != concealed && (zeros || x.value != Value::Count(0)) =>
                {
                    let to = Slot {
                        value: concealed,
                        open: true,
                    };
                    self.set(c, s, Some(to));
                    changed = true;
                }
                _ => {}
            }
        }
        changed
    }

    /// Withholds a slot for protection (`None`) or puts back an earlier value; returns
    /// what it was.
    fn set(&mut self, c: u32, s: SlotId, to: Option<Slot>) -> Slot {
        let reason = match s {
            SlotId::Mean(_) | SlotId::Sd(_) | SlotId::Share(_) => Reason::NarrowsWithheld,
            _ => Reason::ProtectsWithheld,
        };
        let cell = &mut self.board.cells[c as usize];
        let slot = match s {
            SlotId::Responses => cell.responses.as_mut(),
            SlotId::Answered(m) => cell.measures[usize::from(m)]
                .as_mut()
                .and_then(|x| x.answered.as_mut()),
            SlotId::Option(m, o) => cell.measures[usize::from(m)]
                .as_mut()
                .and_then(|x| x.options[usize::from(o)].as_mut()),
            SlotId::Mean(m) => cell.measures[usize::from(m)]
                .as_mut()
                .and_then(|x| x.mean.as_mut()),
            SlotId::Sd(m) => cell.measures[usize::from(m)]
                .as_mut()
                .and_then(|x| x.sd.as_mut()),
            SlotId::Share(m) => cell.measures[usize::from(m)]
                .as_mut()
                .and_then(|x| x.share.as_mut()),
        }
        .expect("a slot the gaps named");
        let old = *slot;
        *slot = to.unwrap_or(Slot {
            value: Value::Withheld(reason),
            open: old.open,
        });
        old
    }
}

fn slot_mut(cell: &Cell, s: SlotId) -> Option<Slot> {
    match s {
        SlotId::Responses => cell.responses,
        SlotId::Answered(m) => cell.measures[usize::from(m)].as_ref()?.answered,
        SlotId::Option(m, o) => cell.measures[usize::from(m)].as_ref()?.options[usize::from(o)],
        SlotId::Mean(m) => cell.measures[usize::from(m)].as_ref()?.mean,
        SlotId::Sd(m) => cell.measures[usize::from(m)].as_ref()?.sd,
        SlotId::Share(m) => cell.measures[usize::from(m)].as_ref()?.share,
    }
}

/// Whether the search's trace is asked for (`PSI_SEARCH_TRACE`, or `PSI_SEARCH_DEBUG`
/// for every attempt). The trace names true counts, so only development builds print
/// it: a release build never writes the data to its standard error.
fn tracing(var: &str) -> bool {
    cfg!(debug_assertions) && std::env::var_os(var).is_some()
}
