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
use crate::questionnaire::{self, AnswerOption, Answers, Estimate, Item, Kind, Section, ITEMS};

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
    /// The first release generation that publishes it (1: from the start; 3: the
    /// practitioner's estimates). A release recorded before holds none of the later ones.
    pub generation: u8,
    reads: Reads,
}

/// What a measure reads from a response: a PSI dimension's score, one item, or, where
/// the practitioner gave an estimate of a dimension and the person answered it too,
/// the estimate, the person's score, or how the two compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    Dimension(Section),
    Item(usize),
    Estimate(usize),
    Paired(usize),
    Gap(usize),
}

impl Measure {
    fn value(&self, answers: &Answers, estimate: &Estimate) -> Option<u8> {
        // Only sessions where both were given are compared.
        let pair = |d: usize| {
            let score = questionnaire::dimension_score(Section::DIMENSIONS[d], answers)?;
            Some((estimate[d]?, score))
        };
        match self.reads {
            Reads::Dimension(s) => questionnaire::dimension_score(s, answers),
            // "I'd rather not say" (0) is not an answer for a summary.
            Reads::Item(i) => answers[i].filter(|c| *c != questionnaire::DECLINED),
            Reads::Estimate(d) => pair(d).map(|(e, _)| e),
            Reads::Paired(d) => pair(d).map(|(_, s)| s),
            Reads::Gap(d) => pair(d).map(|(e, s)| questionnaire::gap(e, s)),
        }
    }

    /// Whether it is one of the measures comparing a practitioner's estimate with the
    /// person's answers.
    pub fn is_estimate(&self) -> bool {
        matches!(
            self.reads,
            Reads::Estimate(_) | Reads::Paired(_) | Reads::Gap(_)
        )
    }

    /// Whether `code` counts towards the measure's headline share.
    pub fn in_share(&self, code: usize) -> bool {
        self.share_codes.iter().any(|c| usize::from(*c) == code)
    }
}

/// How many measures there are: the three dimension scores, every item, and for each
/// dimension the practitioner's estimate, the person's score beside it and the two
/// compared.
pub const N_MEASURES: usize = 5 * Section::DIMENSIONS.len() + ITEMS.len();

/// The ids of the measures comparing practitioners' estimates with people's answers,
/// by dimension: (estimate, the person's score, the share where the estimate was
/// higher, the share where it was lower). The last two read the same comparison (lower,
/// the same, higher) and publish a different share of it.
pub const ESTIMATE_MEASURES: [[&str; 4]; 3] = [
    [
        "estimate_power",
        "paired_power",
        "higher_power",
        "lower_power",
    ],
    [
        "estimate_safety",
        "paired_safety",
        "higher_safety",
        "lower_safety",
    ],
    [
        "estimate_identity",
        "paired_identity",
        "higher_identity",
        "lower_identity",
    ],
];

fn dimension_measure(index: usize, section: Section, from: &Item) -> Measure {
    Measure {
        id: section.id(),
        index,
        label: locale::text(&format!("q.score.{}", section.id())),
        kind: Kind::Scale,
        options: from.options,
        share_codes: from.share_codes,
        share_label: locale::text("q.share.dimension"),
        generation: 1,
        reads: Reads::Dimension(section),
    }
}

/// The four measures of dimension `d` comparing the practitioner's estimate with the
/// person's score, from `index` on.
fn estimate_measures(index: usize, d: usize) -> [Measure; 4] {
    let [estimate, paired, higher, lower] = ESTIMATE_MEASURES[d];
    let compared = |id: &'static str, index, share_codes, share| Measure {
        id,
        index,
        label: locale::text(&format!("q.score.{id}")),
        kind: Kind::Choice,
        options: questionnaire::GAP,
        share_codes,
        share_label: locale::text(share),
        generation: 3,
        reads: Reads::Gap(d),
    };
    let scale = |id: &'static str, reads, share| Measure {
        id,
        index: 0,
        label: locale::text(&format!("q.score.{id}")),
        kind: Kind::Scale,
        options: questionnaire::ESTIMATE_OPTIONS,
        share_codes: questionnaire::POSITIVE,
        share_label: locale::text(share),
        generation: 3,
        reads,
    };
    [
        Measure {
            index,
            ..scale(estimate, Reads::Estimate(d), "q.share.estimate")
        },
        Measure {
            index: index + 1,
            ..scale(paired, Reads::Paired(d), "q.share.dimension")
        },
        compared(higher, index + 2, &[3], "q.share.higher"),
        compared(lower, index + 3, &[1], "q.share.lower"),
    ]
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
        generation: 1,
        reads: Reads::Item(i),
    }));
    for d in 0..Section::DIMENSIONS.len() {
        let at = out.len();
        out.extend(estimate_measures(at, d));
    }
    out
}

/// The index of the measure whose counts measure `index` has: its own, except for a
/// measure that reads what an earlier one reads (the share where the estimate was lower
/// publishes another share of the same comparison as the share where it was higher).
/// Counts that are one and the same must be changed together in anything an intruder
/// could believe, so the protection and the audit keep them as one.
pub fn counted_as(index: usize) -> usize {
    counting().0[index]
}

/// The other measures with the counts of measure `index` (see [`counted_as`]).
pub fn also_counted(index: usize) -> &'static [usize] {
    &counting().1[index]
}

type Counting = (Vec<usize>, Vec<Vec<usize>>);

fn counting() -> &'static Counting {
    static COUNTING: std::sync::OnceLock<Counting> = std::sync::OnceLock::new();
    COUNTING.get_or_init(|| {
        let all = all_measures();
        let first: Vec<usize> = all
            .iter()
            .map(|m| {
                all.iter()
                    .position(|x| x.reads == m.reads)
                    .unwrap_or(m.index)
            })
            .collect();
        let mut others = vec![Vec::new(); all.len()];
        for (i, f) in first.iter().enumerate() {
            if *f != i {
                others[*f].push(i);
            }
        }
        (first, others)
    })
}

/// The measures a release of `generation` can hold, in order.
pub fn measures_of_generation(generation: u8) -> impl Iterator<Item = &'static Measure> {
    all_measures()
        .iter()
        .filter(move |m| m.generation <= generation.max(1))
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

    pub(crate) fn count_row(
        &mut self,
        measures: &[Measure],
        answers: &Answers,
        estimate: &Estimate,
    ) {
        self.responses += 1;
        for (m, counts) in measures.iter().zip(self.counts.iter_mut()) {
            if let Some(v) = m.value(answers, estimate) {
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
        // The estimates' measures come last, so earlier releases' measures keep their place.
        let ids: Vec<&str> = m[N_MEASURES - 12..].iter().map(|m| m.id).collect();
        assert_eq!(ids, ESTIMATE_MEASURES.concat());
        assert!(m.iter().all(|m| m.is_estimate() == (m.generation == 3)));
        assert_eq!(measures_of_generation(2).count(), N_MEASURES - 12);
    }

    /// Counts of one response with these answers and this estimate, by measure id.
    fn counted(answers: &[(&str, u8)], estimate: Estimate) -> HashMap<&'static str, [u64; 6]> {
        let mut a: Answers = [None; ITEMS.len()];
        for (id, v) in answers {
            a[questionnaire::item_index(id).unwrap()] = Some(*v);
        }
        let mut t = Tally::default();
        t.count_row(all_measures(), &a, &estimate);
        all_measures()
            .iter()
            .map(|m| (m.id, t.counts[m.index]))
            .collect()
    }

    #[test]
    fn an_estimate_is_compared_only_where_the_person_answered_that_dimension() {
        // Power: answers 4, 5, 4 (score 4), estimate 5: higher. Safety: answer 3,
        // estimate 3: the same. Identity: estimate 2, nothing answered: not compared.
        let c = counted(
            &[
                ("power_say", 4),
                ("power_expert", 5),
                ("power_care", 4),
                ("safety_honest", 3),
            ],
            [Some(5), Some(3), Some(2)],
        );
        assert_eq!(c["estimate_power"], [0, 0, 0, 0, 0, 1]);
        assert_eq!(c["paired_power"], [0, 0, 0, 0, 1, 0]);
        assert_eq!(c["higher_power"], [0, 0, 0, 1, 0, 0], "higher");
        assert_eq!(c["lower_power"], c["higher_power"], "the same comparison");
        assert_eq!(c["higher_safety"], [0, 0, 1, 0, 0, 0], "the same");
        assert_eq!(c["estimate_identity"], [0; 6]);
        assert_eq!(c["paired_identity"], [0; 6]);
        assert_eq!(c["higher_identity"], [0; 6]);
        // Lower, and a person's answers without any estimate: nothing compared.
        let c = counted(&[("identity_person", 5)], [None, None, Some(3)]);
        assert_eq!(c["lower_identity"], [0, 1, 0, 0, 0, 0], "lower");
        let c = counted(&[("power_say", 2)], questionnaire::NO_ESTIMATE);
        assert_eq!(c["power"], [0, 0, 1, 0, 0, 0]);
        assert!(ESTIMATE_MEASURES.concat().iter().all(|id| c[id] == [0; 6]));
    }

    #[test]
    fn the_two_shares_of_a_comparison_are_one_set_of_counts() {
        let index = |id: &str| measure_index(id).unwrap();
        for [_, paired, higher, lower] in ESTIMATE_MEASURES {
            assert_eq!(counted_as(index(lower)), index(higher), "{lower}");
            assert_eq!(also_counted(index(higher)), [index(lower)], "{higher}");
            assert_eq!(counted_as(index(paired)), index(paired));
        }
        let others: Vec<&Measure> = all_measures()
            .iter()
            .filter(|m| !ESTIMATE_MEASURES.iter().any(|d| d[2..].contains(&m.id)))
            .collect();
        assert!(others.len() > 20);
        for m in others {
            assert_eq!(counted_as(m.index), m.index, "{}", m.id);
            assert!(also_counted(m.index).is_empty(), "{}", m.id);
        }
    }
}
