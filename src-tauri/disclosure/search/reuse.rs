//! Rule 8 in the search: values an earlier release showed are shown again, and its
//! groups are placed over the atoms to be checked with this release's.

use super::*;

/// Which totals a group is: all teams (1), all periods (2), all values (4).
pub(super) fn totals_of(id: &IdKey) -> u8 {
    u8::from(id.team.is_none())
        | (u8::from(matches!(id.period, crate::period::Period::Span(..))) << 1)
        | (u8::from(id.value.is_none()) << 2)
}

/// Rule 8: a group released before (a breakdown value's row in the same breakdown, a
/// row for all values in any) shows what it showed then, value by value where both
/// layouts have it. Returns, per group, the values reissued.
pub(super) fn reuse(
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
                            answered: m
                                .answered
                                .filter(|_| release.layout == crate::disclosure::Layout::Full),
                            options: if release.layout == crate::disclosure::Layout::Full {
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
pub(super) fn place(board: &mut Board, index: usize, e: &Release, data: &Data) {
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
        let below = e.groups[g].shows_no_figures();
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
