//! Withholding the values that stand in the way of a witness, and the last resort:
//! concealing every figure of a question in a group (or a group whole).

use super::*;
use crate::disclosure::Layout;

impl Search<'_> {
    /// The last resort for a count single withheld values cannot protect: every figure
    /// of its measure (of the whole group, for a group's responses) is withheld as
    /// concealed, a reason that says nothing of the value (a withheld count's reason
    /// otherwise says it is small, or that it would have been shown): first in its own
    /// group, then, one at a time and the cheapest first, in the other groups of this
    /// release that hold any of its responses or stand beside them (that share a total
    /// with those groups: a group's size, with the total and the sizes of the groups
    /// beside it, pins it), the count checked again after each. Cost alone orders
    /// them, so a team's group beside the count goes before all teams' row, which holds
    /// it but costs most. A count of
    /// an earlier release only ever has this release's groups concealed. Returns
    /// whether anything changed.
    pub(super) fn conceal(&mut self, t: Target) -> bool {
        let own = self.board.cells[t.cell].release == 0;
        let measure = match t.stat {
            Stat::Answered(m) | Stat::Option(m, _) => Some(m),
            Stat::Responses => None,
        };
        if own && t.level == 0 {
            return self.conceal_in(t.cell as u32, measure, t.zeros);
        }
        let members: HashSet<u32> = self.board.cells[t.cell].members.iter().copied().collect();
        let overlapping = |atoms: &HashSet<u32>| -> HashSet<u32> {
            atoms
                .iter()
                .flat_map(|a| self.board.cells_of_atom[*a as usize].iter().copied())
                .collect()
        };
        let holding = overlapping(&members);
        let own_totals = self.board.cells[t.cell].totals;
        // Beside: in a line of the table with the target's group (a team's row of
        // breakdown values, all teams' row of one value), not anywhere under a wider
        // total.
        let around: HashSet<u32> = holding
            .iter()
            .filter(|c| (self.board.cells[**c as usize].totals & !own_totals).count_ones() <= 1)
            .flat_map(|c| self.board.cells[*c as usize].members.iter().copied())
            .collect();
        let mut beside = overlapping(&around);
        // And in a line of the table with a group that holds it, under a total one
        // dimension wider: all teams' rows of the other breakdown values, beside all
        // teams' row of the count's under the month's total. With the total, those
        // rows' sizes pin the count's row, though they hold none of its responses.
        let mut lines: Vec<(u32, u8)> = Vec::new();
        for h in &holding {
            let hc = &self.board.cells[*h as usize];
            for w in &holding {
                let wc = &self.board.cells[*w as usize];
                if hc.release == 0
                    && wc.release == 0
                    && wc.totals & hc.totals == hc.totals
                    && (wc.totals & !hc.totals).count_ones() == 1
                {
                    lines.push((*w, hc.totals));
                }
            }
        }
        for (w, mask) in lines {
            beside.extend(self.under(w, mask).iter().copied());
        }
        let slot = measure.map_or(SlotId::Responses, SlotId::Mean);
        let mut cells: Vec<(u64, bool, u32)> = beside
            .into_iter()
            .filter(|c| *c as usize != t.cell && self.board.cells[*c as usize].release == 0)
            .map(|c| {
                let cell = &self.board.cells[c as usize];
                (cost(cell, slot), !holding.contains(&c), c)
            })
            .collect();
        cells.sort();
        if cells
            .iter()
            .any(|(_, _, c)| self.conceal_in(*c, measure, t.zeros))
        {
            return true;
        }
        if measure.is_none() {
            return false;
        }
        // Every figure of the measure is concealed where it could be, and the count is
        // still short: what pins it is the groups' sizes (a headline layout shows none
        // of a measure's counts, and the sizes of the groups beside a group under the
        // floor leave its answers few places to be). Those groups are concealed whole
        // next, the cheapest first.
        for x in cells.iter_mut() {
            x.0 = cost(&self.board.cells[x.2 as usize], SlotId::Responses);
        }
        cells.sort();
        cells
            .into_iter()
            .any(|(_, _, c)| self.conceal_in(c, None, t.zeros))
    }

    /// This release's groups of one kind (`mask`: which totals they are) that split the
    /// group `wide`, kept for the search: a group's kind and its first atom say which
    /// groups it falls under, as one release's groups of a kind never overlap.
    fn under(&mut self, wide: u32, mask: u8) -> &[u32] {
        let cells = &self.board.cells;
        if self.kinds.is_empty() {
            self.kinds = vec![Vec::new(); 8];
            for (c, cell) in cells.iter().enumerate() {
                if cell.release == 0 && !cell.members.is_empty() {
                    self.kinds[usize::from(cell.totals & 7)].push(c as u32);
                }
            }
        }
        let kind = &self.kinds[usize::from(mask & 7)];
        self.lines.entry((wide, mask)).or_insert_with(|| {
            let atoms = &cells[wide as usize].members;
            kind.iter()
                .copied()
                .filter(|c| {
                    *c != wide
                        && cells[*c as usize].totals == mask
                        && atoms.binary_search(&cells[*c as usize].members[0]).is_ok()
                })
                .collect()
        })
    }

    /// Conceals a measure's figures (or, with none, the whole group; in a group under
    /// the floor, its responses) in one group; returns whether any was still shown.
    /// A group concealed whole shows its responses as concealed and no figures at all,
    /// as a group under the floor shows none: its row then says nothing of its size,
    /// not even whether it reaches the floor (a row with figures would say it does,
    /// and with the total beside it, that could pin a small group beside it). True
    /// zeros stay shown, as rule 4 has them, unless `zeros`: the last resort where an
    /// earlier release already pins a count together with them (an average published
    /// before, and only two answers that are not zero). A concealed zero is no one's
    /// count, so it is not itself a count to protect.
    pub(super) fn conceal_in(&mut self, c: u32, measure: Option<u8>, zeros: bool) -> bool {
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
        // Only a group with nothing reissued from an earlier release, which shows what
        // it showed then.
        let all_open = cell.responses.is_some_and(|s| s.open)
            && cell.measures.iter().flatten().all(|m| {
                [m.answered, m.mean, m.sd, m.share]
                    .iter()
                    .chain(&m.options)
                    .flatten()
                    .all(|s| s.open)
            });
        if tracing("PSI_SEARCH_TRACE") && measure.is_none() {
            eprintln!(
                "conceal whole {c}: below {} open {all_open} responses {:?}",
                cell.below_floor, cell.responses
            );
        }
        if measure.is_none() && !cell.below_floor && all_open {
            let cell = &mut self.board.cells[c as usize];
            cell.below_floor = true;
            cell.measures = vec![None; cell.measures.len()];
            cell.hidden = hidden_measures(Layout::Full, true);
            slots.retain(|s| *s == SlotId::Responses);
            changed = true;
            self.fresh.push(c);
        }
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
                    self.fresh.push(c);
                    changed = true;
                }
                _ => {}
            }
        }
        changed
    }

    /// Makes the counts just concealed counts to protect: a withheld value must keep 3
    /// possible values like any other, and concealment leaves it only what the other
    /// groups and releases say of it.
    pub(super) fn settle(&mut self) {
        let mut cells = std::mem::take(&mut self.fresh);
        cells.sort_unstable();
        cells.dedup();
        for c in cells {
            self.push_targets(c as usize);
        }
    }

    /// Shows again, as they were, the counts concealed that are left without enough
    /// values (what other groups and earlier releases publish pins them): concealing
    /// them gains nothing. They are never withheld after. Showing a value again can
    /// only tighten what a witness must match, so every witness found is weighed again,
    /// and the counts left short of values are protected again. A few rounds at most:
    /// each shows at least one count again for good.
    pub(super) fn show_again(&mut self, threads: usize) {
        for _ in 0..4 {
            let before = self.witnessed.clone();
            let mut restored: Vec<(u32, SlotId, Slot, usize)> = Vec::new();
            for i in std::mem::take(&mut self.unprotected) {
                let t = self.queue[i];
                let slot = slot_of(t.stat);
                // The same count in every group of this release with the same responses
                // (a team's only session type, and all teams' where one team has it).
                let members = &self.board.cells[t.cell].members;
                let copies: Vec<u32> = (0..self.board.cells.len() as u32)
                    .filter(|c| {
                        let cell = &self.board.cells[*c as usize];
                        cell.release == 0 && cell.members == *members
                    })
                    .collect();
                let mut shown = false;
                for c in copies {
                    // A group concealed whole has no slot left to show a count in, and
                    // its size stays concealed: a size shown says the group reaches the
                    // floor, which a group without figures no longer says.
                    let cell = &self.board.cells[c as usize];
                    if slot_mut(cell, slot).is_none()
                        || (cell.below_floor && slot == SlotId::Responses)
                    {
                        continue;
                    }
                    if let Some(old) = self.shown.remove(&(c, slot)) {
                        let was = self.set(c, slot, Some(Slot { open: false, ..old }));
                        restored.push((c, slot, was, i));
                        shown = true;
                    }
                }
                if !shown {
                    self.unprotected.push(i);
                }
            }
            if restored.is_empty() {
                break;
            }
            if tracing("PSI_SEARCH_TRACE") {
                let shown: Vec<_> = restored.iter().map(|r| (r.0, r.1, r.2.value)).collect();
                eprintln!("shown again: {shown:?}");
            }
            let before_round: HashSet<usize> = self.unprotected.iter().copied().collect();
            let next = self.queue.len();
            // A count concealed for is queued again after each concealment: only its
            // last entry stands (the earlier ones were protected by concealing more).
            let latest: HashMap<(usize, Stat), usize> = (0..next)
                .map(|j| ((self.queue[j].cell, self.queue[j].stat), j))
                .collect();
            for j in 0..next {
                let t = self.queue[j];
                if latest[&(t.cell, t.stat)] != j || !self.is_target(t) {
                    continue;
                }
                let board = &self.board;
                self.witnessed[j].retain(|_, d| board.gaps(d).ok());
                if self.witnessed[j].len() + 1 < self.need(t) {
                    self.protect_target(j);
                }
            }
            self.run(next, threads);
            // Showing them again must not cost a small count its values: then they stay
            // concealed, and the witnesses found before count again.
            self.unprotected.sort_unstable();
            self.unprotected.dedup();
            let newly: Vec<usize> = self
                .unprotected
                .iter()
                .copied()
                .filter(|i| !before_round.contains(i))
                .collect();
            if newly.iter().any(|i| self.small(self.queue[*i])) {
                for (c, slot, was, _) in &restored {
                    self.set(
                        *c,
                        *slot,
                        Some(Slot {
                            open: false,
                            ..*was
                        }),
                    );
                }
                for (w, b) in self.witnessed.iter_mut().zip(before) {
                    for (v, d) in b {
                        w.entry(v).or_insert(d);
                    }
                }
                let unprotected = std::mem::take(&mut self.unprotected);
                for i in unprotected {
                    if !newly.contains(&i) || self.witnessed[i].len() + 1 < self.need(self.queue[i])
                    {
                        self.unprotected.push(i);
                    }
                }
                self.unprotected.extend(restored.iter().map(|r| r.3));
                self.unprotected.sort_unstable();
                self.unprotected.dedup();
                break;
            }
        }
        self.failed = self.unprotected.len();
    }

    /// Whether a target's count is one the rules protect for itself: a count from 1 to
    /// the small-count limit, or a group's responses under the floor.
    fn small(&self, t: Target) -> bool {
        let rules = &self.board.rules[self.board.cells[t.cell].release];
        let limit = match t.stat {
            Stat::Responses => rules.group_floor as i64 - 1,
            _ => rules.small_count_max as i64,
        };
        (1..=limit).contains(&t.truth)
    }

    /// Whether a target's count is still withheld or hidden (not shown again).
    fn is_target(&self, t: Target) -> bool {
        slot_mut(&self.board.cells[t.cell], slot_of(t.stat)).is_none_or(|s| s.value.is_withheld())
    }

    /// Withholds the values that stand in the way of the cheapest data set found, for
    /// any of the `open` steps, that disagrees with the truth only in values this
    /// release may withhold. Returns false if there is none.
    pub(super) fn withhold_cheapest(&mut self, t: Target, open: Vec<(i64, Delta, i64)>) -> bool {
        let mut best: Option<(u64, Vec<(u32, SlotId)>)> = None;
        for (dir, base, value) in open {
            let Ok(delta) = self.search(t, dir, &base, value, true, witness::Effort::Repairs)
            else {
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

    /// Withholds a slot for protection (`None`) or puts back an earlier value; returns
    /// what it was.
    pub(super) fn set(&mut self, c: u32, s: SlotId, to: Option<Slot>) -> Slot {
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
        if !old.value.is_withheld() && slot.value.is_withheld() {
            self.shown.entry((c, s)).or_insert(old);
        }
        old
    }
}

pub(super) fn slot_mut(cell: &Cell, s: SlotId) -> Option<Slot> {
    match s {
        SlotId::Responses => cell.responses,
        SlotId::Answered(m) => cell.measures[usize::from(m)].as_ref()?.answered,
        SlotId::Option(m, o) => cell.measures[usize::from(m)].as_ref()?.options[usize::from(o)],
        SlotId::Mean(m) => cell.measures[usize::from(m)].as_ref()?.mean,
        SlotId::Sd(m) => cell.measures[usize::from(m)].as_ref()?.sd,
        SlotId::Share(m) => cell.measures[usize::from(m)].as_ref()?.share,
    }
}

/// The slot a count statistic is shown in.
fn slot_of(stat: Stat) -> SlotId {
    match stat {
        Stat::Responses => SlotId::Responses,
        Stat::Answered(m) => SlotId::Answered(m),
        Stat::Option(m, o) => SlotId::Option(m, o),
    }
}
