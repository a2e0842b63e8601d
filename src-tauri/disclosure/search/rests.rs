//! The rest of a total: what a total holds beyond the groups beside it that show their
//! figures. Where two or more groups under it are under the floor (shown as "fewer than
//! 10", with no figures), none of them alone is the difference between the total and
//! the others, but all of them together are: the total's average and the others'
//! leave the number of their answers to a question, which no group shows, to be worked
//! out. And where that rest is a group of a later export (all teams' row of a session
//! type the other teams do not have), its hidden counts would be pinned before that
//! export could do anything about them. So every such rest is a group of its own on
//! the board, of a release that publishes nothing: its counts from 1 to 7 are protected
//! as hidden counts are, by this release's values.

use std::collections::HashMap;

use super::slots::hidden_measures;
use crate::disclosure::board::{Board, Cell};
use crate::disclosure::{Layout, Rules};
use crate::summary::N_MEASURES;

/// Adds the rests of every total on the board as the groups of one more release, which
/// publishes nothing under `rules`.
pub(super) fn add_rests(board: &mut Board, rules: Rules) {
    // Per total and the dimension it spans, the groups under it that are under the
    // floor, and how many show figures. A group's total along a dimension is the group
    // of its release, one dimension wider, that holds its first atom (one release's
    // groups of one kind never overlap).
    let mut under: HashMap<(u32, u8), (Vec<u32>, usize)> = HashMap::new();
    for (c, cell) in board.cells.iter().enumerate() {
        let Some(first) = cell.members.first() else {
            continue;
        };
        if cell.unreliable {
            continue;
        }
        for bit in [1u8, 2, 4].into_iter().filter(|b| cell.totals & b == 0) {
            let total = board.cells_of_atom[*first as usize].iter().find(|t| {
                let t = &board.cells[**t as usize];
                t.release == cell.release && t.totals == cell.totals | bit
            });
            let Some(total) = total else { continue };
            let entry = under.entry((*total, bit)).or_default();
            if cell.below_floor {
                entry.0.push(c as u32);
            } else {
                entry.1 += 1;
            }
        }
    }
    let mut rests: Vec<Vec<u32>> = Vec::new();
    for ((total, _), (below, shown)) in under {
        let t = &board.cells[total as usize];
        if below.len() < 2 || shown == 0 || t.unreliable || t.below_floor {
            continue;
        }
        let mut rest: Vec<u32> = below
            .iter()
            .flat_map(|c| board.cells[*c as usize].members.iter().copied())
            .collect();
        rest.sort_unstable();
        rests.push(rest);
    }
    rests.sort();
    rests.dedup();
    let release = board.rules.len();
    board.rules.push(rules);
    board.strict.push(true);
    for members in rests {
        board.add_cell(Cell {
            release,
            group: 0,
            members,
            truth: Default::default(),
            below_floor: true,
            responses: None,
            measures: vec![None; N_MEASURES],
            hidden: hidden_measures(Layout::Full, true),
            unreliable: false,
            totals: 0,
        });
    }
}
