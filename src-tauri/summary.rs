//! True counts per group (team x period x at most one breakdown value). Nothing here is
//! ever exported as it is: [`crate::disclosure`] decides what of it may be published.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::period::{Period, PeriodKind};
use crate::questionnaire::{self, AnswerOption, Answers, Item, Kind, Section, ITEMS};
use crate::store::{ContextList, ResponseRow};

/// What an export may be broken down by: one at a time, never crossed (rule 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    pub label: &'static str,
    pub kind: Kind,
    pub options: &'static [AnswerOption],
    pub share_codes: &'static [u8],
    pub share_label: &'static str,
    source: Source,
}

#[derive(Debug, Clone, Copy)]
enum Source {
    Dimension(Section),
    Item(usize),
}

impl Measure {
    fn value(&self, answers: &Answers) -> Option<u8> {
        match self.source {
            Source::Dimension(s) => questionnaire::dimension_score(s, answers),
            // "I'd rather not say" (0) is not an answer for a summary.
            Source::Item(i) => answers[i].filter(|c| *c != questionnaire::DECLINED),
        }
    }
}

fn dimension_measure(section: Section, from: &Item) -> Measure {
    Measure {
        id: section.id(),
        label: match section {
            Section::Power => "Power score (each person's power answers averaged to a whole point)",
            Section::Safety => {
                "Safety score (each person's safety answers averaged to a whole point)"
            }
            _ => "Identity score (each person's identity answers averaged to a whole point)",
        },
        kind: Kind::Scale,
        options: from.options,
        share_codes: from.share_codes,
        share_label: "scored Mostly or Completely on average",
        source: Source::Dimension(section),
    }
}

/// Every measure of a summary: the three dimension scores, then each item in order.
pub fn measures() -> Vec<Measure> {
    let first = &ITEMS[0];
    let mut out: Vec<Measure> = Section::DIMENSIONS
        .iter()
        .map(|s| dimension_measure(*s, first))
        .collect();
    out.extend(ITEMS.iter().enumerate().map(|(i, item)| Measure {
        id: item.id,
        label: item.text,
        kind: item.kind,
        options: item.options,
        share_codes: item.share_codes,
        share_label: item.share_label,
        source: Source::Item(i),
    }));
    out
}

/// True counts of one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub responses: u64,
    /// Per measure (in the order of [`measures`]), the count of each option code; index 0 unused.
    pub counts: Vec<[u64; 6]>,
}

impl Tally {
    fn new(n_measures: usize) -> Tally {
        Tally {
            responses: 0,
            counts: vec![[0; 6]; n_measures],
        }
    }
}

/// A group's place in the table. `breakdown_value` is `None` when there is no breakdown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub team: String,
    pub period: Period,
    pub breakdown_value: Option<String>,
}

/// Names for the ids a row carries.
pub type Names = HashMap<ContextList, HashMap<i64, String>>;

/// Counts responses into groups. Feed it rows, then call [`Tallier::finish`].
pub struct Tallier {
    kind: PeriodKind,
    breakdown: Breakdown,
    measures: Vec<Measure>,
    groups: HashMap<(i64, Period, i64), Tally>,
}

/// Breakdown value id used for "not answered" in the choice breakdown.
const NOT_ANSWERED: i64 = 0;

impl Tallier {
    pub fn new(kind: PeriodKind, breakdown: Breakdown) -> Tallier {
        Tallier {
            kind,
            breakdown,
            measures: measures(),
            groups: HashMap::new(),
        }
    }

    pub fn add(&mut self, row: &ResponseRow) {
        let bval = match self.breakdown {
            Breakdown::None => -1,
            Breakdown::SessionType => row.session_type,
            Breakdown::Role => row.role,
            Breakdown::Choice => match row.answers[questionnaire::choice_index()] {
                Some(c) if c != questionnaire::DECLINED => i64::from(c),
                _ => NOT_ANSWERED,
            },
        };
        let period = Period::of(self.kind, row.month);
        let n = self.measures.len();
        let tally = self
            .groups
            .entry((row.team, period, bval))
            .or_insert_with(|| Tally::new(n));
        tally.responses += 1;
        for (m, counts) in self.measures.iter().zip(tally.counts.iter_mut()) {
            if let Some(v) = m.value(&row.answers) {
                counts[usize::from(v)] += 1;
            }
        }
    }

    /// The groups with names, in a stable order: team, period, breakdown value.
    pub fn finish(self, names: &Names) -> Vec<(GroupKey, Tally)> {
        let name = |list: ContextList, id: i64| -> String {
            names
                .get(&list)
                .and_then(|m| m.get(&id))
                .cloned()
                .unwrap_or_else(|| format!("unknown {}", list.noun()))
        };
        let choice_item = &ITEMS[questionnaire::choice_index()];
        let mut out: Vec<(GroupKey, Tally, u8)> = self
            .groups
            .into_iter()
            .map(|((team, period, bval), tally)| {
                // For the choice breakdown, sort by option order (yes, partly, no, not answered).
                let (value, order) = match self.breakdown {
                    Breakdown::None => (None, 0),
                    Breakdown::SessionType => (Some(name(ContextList::SessionTypes, bval)), 0),
                    Breakdown::Role => (Some(name(ContextList::Roles, bval)), 0),
                    Breakdown::Choice => match choice_item
                        .option(bval as u8)
                        .filter(|_| bval != NOT_ANSWERED)
                    {
                        Some(o) => (Some(o.id.to_string()), o.code),
                        None => (Some("not_answered".to_string()), u8::MAX),
                    },
                };
                (
                    GroupKey {
                        team: name(ContextList::Teams, team),
                        period,
                        breakdown_value: value,
                    },
                    tally,
                    order,
                )
            })
            .collect();
        out.sort_by(|a, b| {
            (&a.0.team, a.0.period, a.2, &a.0.breakdown_value).cmp(&(
                &b.0.team,
                b.0.period,
                b.2,
                &b.0.breakdown_value,
            ))
        });
        out.into_iter().map(|(k, t, _)| (k, t)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::Month;

    fn row(team: i64, month: &str, set: &[(&str, u8)]) -> ResponseRow {
        let mut answers: Answers = [None; ITEMS.len()];
        for (id, v) in set {
            answers[questionnaire::item_index(id).unwrap()] = Some(*v);
        }
        ResponseRow {
            team,
            session_type: 1,
            role: 1,
            month: Month::parse(month).unwrap(),
            answers,
        }
    }

    fn names() -> Names {
        let mut n = Names::new();
        n.insert(
            ContextList::Teams,
            [(1, "North".to_string()), (2, "South".to_string())].into(),
        );
        n.insert(
            ContextList::SessionTypes,
            [(1, "Individual".to_string())].into(),
        );
        n.insert(ContextList::Roles, [(1, "Nurse".to_string())].into());
        n
    }

    fn index_of(id: &str) -> usize {
        measures().iter().position(|m| m.id == id).unwrap()
    }

    #[test]
    fn measures_are_dimensions_then_items() {
        let m = measures();
        assert_eq!(m.len(), 3 + ITEMS.len());
        assert_eq!(
            m.iter().map(|m| m.id).take(4).collect::<Vec<_>>(),
            ["power", "safety", "identity", "power_say"]
        );
    }

    #[test]
    fn tallies_group_by_team_and_period_and_skip_declined() {
        let mut t = Tallier::new(PeriodKind::Quarter, Breakdown::None);
        t.add(&row(1, "2026-01", &[("power_say", 5), ("power_expert", 4)]));
        t.add(&row(1, "2026-03", &[("power_say", 0), ("power_expert", 2)]));
        t.add(&row(2, "2026-04", &[("power_say", 1)]));
        let groups = t.finish(&names());
        assert_eq!(groups.len(), 2);
        let (k, tally) = &groups[0];
        assert_eq!(
            (
                k.team.as_str(),
                k.period.to_string().as_str(),
                &k.breakdown_value
            ),
            ("North", "2026-Q1", &None)
        );
        assert_eq!(tally.responses, 2);
        assert_eq!(
            tally.counts[index_of("power_say")],
            [0, 0, 0, 0, 0, 1],
            "the declined answer is not counted"
        );
        assert_eq!(tally.counts[index_of("power_expert")], [0, 0, 1, 0, 1, 0]);
        // Dimension: first response (5+4)/2 = 4.5 -> 5; second only power_expert = 2.
        assert_eq!(tally.counts[index_of("power")], [0, 0, 1, 0, 0, 1]);
        assert_eq!(groups[1].0.team, "South");
    }

    #[test]
    fn choice_breakdown_orders_yes_partly_no_not_answered() {
        let mut t = Tallier::new(PeriodKind::Month, Breakdown::Choice);
        for c in [0u8, 3, 2, 1] {
            t.add(&row(1, "2026-01", &[("attending_choice", c)]));
        }
        t.add(&row(1, "2026-01", &[]));
        let values: Vec<_> = t
            .finish(&names())
            .into_iter()
            .map(|(k, t)| (k.breakdown_value.unwrap(), t.responses))
            .collect();
        assert_eq!(
            values,
            [
                ("yes".into(), 1),
                ("partly".into(), 1),
                ("no".into(), 1),
                ("not_answered".into(), 2)
            ]
        );
    }
}
