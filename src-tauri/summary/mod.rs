//! True counts: per atom (the finest pieces any export is made of) and per group (team x
//! period x at most one breakdown value). Nothing here is ever exported as it is:
//! [`crate::disclosure`] decides what of it may be published.

pub mod atoms;
pub mod groups;

pub use atoms::{AtomKey, Atoms, Dims, Tallier};
pub use groups::{group_members, merge_roles, IdKey, RoleMap};

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::domain::ContextList;
use crate::locale;
use crate::period::Period;
use crate::questionnaire::{self, AnswerOption, Answers, Item, Kind, Section, ITEMS};

/// What an export may be broken down by: one at a time, never crossed (rule 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Breakdown {
    None,
    SessionType,
    Role,
    Choice,
}

impl Breakdown {
    pub fn id(self) -> &'static str {
        match self {
            Breakdown::None => "none",
            Breakdown::SessionType => "session_type",
            Breakdown::Role => "role",
            Breakdown::Choice => "attending_choice",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Breakdown::None => "none",
            Breakdown::SessionType => "session type",
            Breakdown::Role => "practitioner role",
            Breakdown::Choice => "attending by choice",
        }
    }
}

/// One thing summarised: a PSI dimension's score or a single item.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    pub id: &'static str,
    /// Its place in [`measures`] and in a [`Tally`]'s counts.
    pub index: usize,
    pub label: &'static str,
    pub kind: Kind,
    pub options: &'static [AnswerOption],
    pub share_codes: &'static [u8],
    pub share_label: &'static str,
    reads: Reads,
}

/// What a measure reads from a response: a PSI dimension's score, or one item.
#[derive(Debug, Clone, Copy)]
enum Reads {
    Dimension(Section),
    Item(usize),
}

impl Measure {
    fn value(&self, answers: &Answers) -> Option<u8> {
        match self.reads {
            Reads::Dimension(s) => questionnaire::dimension_score(s, answers),
            // "I'd rather not say" (0) is not an answer for a summary.
            Reads::Item(i) => answers[i].filter(|c| *c != questionnaire::DECLINED),
        }
    }

    /// Whether `code` counts towards the measure's headline share.
    pub fn in_share(&self, code: usize) -> bool {
        self.share_codes.iter().any(|c| usize::from(*c) == code)
    }
}

/// How many measures there are: the three dimension scores and every item.
pub const N_MEASURES: usize = Section::DIMENSIONS.len() + ITEMS.len();

fn dimension_measure(index: usize, section: Section, from: &Item) -> Measure {
    Measure {
        id: section.id(),
        index,
        label: locale::text(&format!("q.score.{}", section.id())),
        kind: Kind::Scale,
        options: from.options,
        share_codes: from.share_codes,
        share_label: locale::text("q.share.dimension"),
        reads: Reads::Dimension(section),
    }
}

/// Every measure of a summary: the three dimension scores, then each item in order.
pub fn measures() -> Vec<Measure> {
    all_measures().to_vec()
}

/// The measures, built once: the disclosure search asks for them in its inner loops.
pub fn all_measures() -> &'static [Measure] {
    static MEASURES: std::sync::OnceLock<Vec<Measure>> = std::sync::OnceLock::new();
    MEASURES.get_or_init(build_measures)
}

fn build_measures() -> Vec<Measure> {
    let first = &ITEMS[0];
    let mut out: Vec<Measure> = Section::DIMENSIONS
        .iter()
        .enumerate()
        .map(|(i, s)| dimension_measure(i, *s, first))
        .collect();
    let offset = out.len();
    out.extend(ITEMS.iter().enumerate().map(|(i, item)| Measure {
        id: item.id,
        index: offset + i,
        label: item.text(),
        kind: item.kind,
        options: item.options,
        share_codes: item.share_codes,
        share_label: item.share_label(),
        reads: Reads::Item(i),
    }));
    out
}

/// The index of the measure `id` in [`measures`].
pub fn measure_index(id: &str) -> Option<usize> {
    measures().iter().position(|m| m.id == id)
}

/// True counts of one group or atom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub responses: u64,
    /// Per measure (in the order of [`measures`]), the count of each option code; index 0 unused.
    pub counts: [[u64; 6]; N_MEASURES],
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            responses: 0,
            counts: [[0; 6]; N_MEASURES],
        }
    }
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.responses += other.responses;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }

    /// How many answered measure `m` (declined and skipped left out).
    pub fn answered(&self, m: usize) -> u64 {
        self.counts[m][1..].iter().sum()
    }

    pub(crate) fn count_row(&mut self, measures: &[Measure], answers: &Answers) {
        self.responses += 1;
        for (m, counts) in measures.iter().zip(self.counts.iter_mut()) {
            if let Some(v) = m.value(answers) {
                counts[usize::from(v)] += 1;
            }
        }
    }
}

/// A group's place in the table. `None` marks a total: all teams, or all breakdown
/// values (and, with no breakdown, every group's value is `None`). A total over all the
/// periods of an export has the period [`Period::Span`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub team: Option<String>,
    pub period: Period,
    pub breakdown_value: Option<String>,
}

/// How a total row names its team and breakdown value. Team and list names may not
/// take these (see `validate`).
pub const ALL_TEAMS: &str = "All teams";
pub const ALL_VALUES: &str = "All";
pub const OTHER_ROLES: &str = "Other roles";
/// The choice breakdown's value for people who did not say whether attending was their choice.
pub const NOT_ANSWERED: &str = "not_answered";

impl GroupKey {
    pub fn team_name(&self) -> &str {
        self.team.as_deref().unwrap_or(ALL_TEAMS)
    }

    pub fn is_total(&self) -> bool {
        self.team.is_none()
            || matches!(self.period, Period::Span(..))
            || self.breakdown_value.is_none()
    }
}

/// Names for the ids a row carries.
pub type Names = HashMap<ContextList, HashMap<i64, String>>;

/// How many staff hold each role in each team: (team id, role id) -> staff.
pub use crate::domain::StaffCounts;

/// A role held by fewer than this many staff in a team is merged into "Other roles" (rule 7).
pub const MIN_STAFF_PER_ROLE: u32 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_are_dimensions_then_items_with_their_index() {
        let m = measures();
        assert_eq!(m.len(), N_MEASURES);
        assert_eq!(
            m.iter().map(|m| m.id).take(4).collect::<Vec<_>>(),
            ["power", "safety", "identity", "power_say"]
        );
        assert!(m.iter().enumerate().all(|(i, m)| m.index == i));
        assert_eq!(measure_index("overall"), Some(16));
    }
}
