//! The last resort: concealing every figure of a question in a group, and setting
//! a value withheld.

use super::*;

impl Search<'_> {
    /// The last resort for a count single withheld values cannot protect: every figure
    /// of its measure (of the whole group, for a group's responses) is withheld as
    /// concealed, a reason that says nothing of the value (a withheld count's reason
    /// otherwise says it is small, or that it would have been shown): first in its own
    /// group, then, one at a time and the cheapest first, in the other groups of this
    /// release that hold any of its responses, the count checked again after each. A
    /// count of an earlier release only ever has this release's groups concealed.
    /// Returns whether anything changed.
    pub(super) fn conceal(&mut self, t: Target) -> bool {
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
