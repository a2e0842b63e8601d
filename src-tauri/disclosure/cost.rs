//! What readers lose when a value is withheld to protect another. The search withholds
//! the set of values with the lowest total cost that lets a withheld count keep its
//! possible values.
//!
//! The cost of one value is its kind's weight, times a factor that grows with the
//! group's size (a figure from many answers is worth more, and it narrows little), times
//! a factor for each dimension of totals the group spans (all teams, all periods, all
//! breakdown values: the rows most people read first). Headline figures weigh most, a
//! single answer's count least, after GaussSuppression's default of preferring cells
//! that carry little, and tau-Argus's cost per cell.

use super::board::{Cell, SlotId};
use super::PERSON_MEASURES;
use crate::summary::all_measures;

/// Weight of each kind of value.
fn weight(slot: SlotId) -> u64 {
    // What people said first: the comparisons with practitioners' estimates weigh as
    // any other measure's figures, so that none of them costs a reader a PSI average.
    let headline = |m: u8| PERSON_MEASURES.contains(&all_measures()[usize::from(m)].id);
    match slot {
        // The group's size is every reader's first figure.
        SlotId::Responses => 1000,
        SlotId::Mean(m) if headline(m) => 500,
        SlotId::Share(m) if headline(m) => 400,
        SlotId::Answered(_) => 80,
        SlotId::Mean(_) => 60,
        SlotId::Share(_) => 50,
        SlotId::Option(..) => 10,
        SlotId::Sd(_) => 5,
    }
}

/// The cost of withholding one value of a group.
pub fn cost(cell: &Cell, slot: SlotId) -> u64 {
    // 10 * (1 + log2(1 + n / 10)): 10 for a tiny group, about 30 at 40 responses, 60 at 300.
    let n = cell.truth.responses;
    let size = 10 + 10 * u64::from(64 - (1 + n / 10).leading_zeros());
    let mut totals = 1;
    for bit in 0..3 {
        if cell.totals & (1 << bit) != 0 {
            // All teams triples the cost; all periods and all values double it.
            totals *= if bit == 0 { 3 } else { 2 };
        }
    }
    weight(slot) * size * totals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::{measure_index, Tally};

    fn cell(n: u64, totals: u8) -> Cell {
        Cell {
            release: 0,
            group: 0,
            members: Vec::new(),
            truth: Tally {
                responses: n,
                ..Tally::default()
            },
            below_floor: false,
            responses: None,
            measures: Vec::new(),
            hidden: Vec::new(),
            unreliable: false,
            totals,
        }
    }

    #[test]
    fn an_answer_count_in_a_small_group_costs_least_and_all_teams_averages_most() {
        let power = measure_index("power").unwrap() as u8;
        let say = measure_index("power_say").unwrap() as u8;
        let small_count = cost(&cell(15, 0), SlotId::Option(say, 2));
        let small_mean = cost(&cell(15, 0), SlotId::Mean(power));
        let large_mean = cost(&cell(400, 0), SlotId::Mean(power));
        let all_teams_mean = cost(&cell(400, 1), SlotId::Mean(power));
        let item_mean = cost(&cell(15, 0), SlotId::Mean(say));
        assert!(small_count < item_mean && item_mean < small_mean);
        assert!(small_mean < large_mean && large_mean < all_teams_mean);
        assert!(cost(&cell(400, 1), SlotId::Option(say, 2)) < small_mean);
        let estimate = measure_index("estimate_power").unwrap() as u8;
        assert!(
            cost(&cell(400, 1), SlotId::Mean(estimate))
                < cost(&cell(15, 0), SlotId::Mean(power)) * 3
        );
        assert!(
            cost(&cell(40, 0), SlotId::Mean(estimate)) < cost(&cell(40, 0), SlotId::Mean(power))
        );
    }
}
