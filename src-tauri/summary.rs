//! True counts per group (team x period x at most one breakdown value). Nothing here is
//! ever exported as it is: [`crate::disclosure`] decides what of it may be published.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::locale;
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
        label: locale::text(&format!("q.score.{}", section.id())),
        kind: Kind::Scale,
        options: from.options,
        share_codes: from.share_codes,
        share_label: locale::text("q.share.dimension"),
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
        label: item.text(),
        kind: item.kind,
        options: item.options,
        share_codes: item.share_codes,
        share_label: item.share_label(),
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
pub type StaffCounts = HashMap<(i64, i64), u32>;

/// A role held by fewer than this many staff in a team is merged into "Other roles" (rule 7).
pub const MIN_STAFF_PER_ROLE: u32 = 3;

/// Counts responses into groups. Feed it rows, then call [`Tallier::finish`].
pub struct Tallier {
    kind: PeriodKind,
    breakdown: Breakdown,
    measures: Vec<Measure>,
    groups: HashMap<(i64, Period, i64), Tally>,
}

/// Breakdown value id used for "not answered" in the choice breakdown.
const NOT_ANSWERED: i64 = 0;
/// Breakdown value id of "Other roles".
const OTHER_ROLES_ID: i64 = -2;

impl Tally {
    fn add(&mut self, other: &Tally) {
        self.responses += other.responses;
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
    }
}

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

    /// The groups with names and their totals, in a stable order: team (all teams
    /// last), period (all periods last), breakdown value (all values last).
    ///
    /// Totals: over all teams when there are several, over all periods when `span` is
    /// given, over all values when there is a breakdown. With the role breakdown, roles
    /// held by fewer than [`MIN_STAFF_PER_ROLE`] staff in a team merge into "Other
    /// roles" (rule 7); a team whose roles all merge has no role rows, only its total.
    pub fn finish(
        self,
        names: &Names,
        staff: &StaffCounts,
        span: Option<Period>,
    ) -> Vec<(GroupKey, Tally)> {
        let n = self.measures.len();
        let merged = match self.breakdown {
            Breakdown::Role => Some(merge_roles(self.groups.keys().map(|k| (k.0, k.2)), staff)),
            _ => None,
        };
        let mut atoms: HashMap<(i64, Period, Option<i64>), Tally> = HashMap::new();
        for ((team, period, bval), tally) in self.groups {
            let value = match (&merged, self.breakdown) {
                (_, Breakdown::None) => None,
                (Some(m), _) => m[&(team, bval)],
                (None, _) => Some(bval),
            };
            atoms
                .entry((team, period, value))
                .or_insert_with(|| Tally::new(n))
                .add(&tally);
        }
        let several_teams = {
            let mut teams: Vec<i64> = atoms.keys().map(|k| k.0).collect();
            teams.sort_unstable();
            teams.dedup();
            teams.len() > 1
        };
        let mut all: HashMap<(Option<i64>, Period, Option<i64>), Tally> = HashMap::new();
        for ((team, period, value), tally) in &atoms {
            let teams = [Some(Some(*team)), several_teams.then_some(None)];
            let periods = [Some(*period), span];
            let values = [Some(*value), value.is_some().then_some(None)];
            for t in teams.iter().flatten() {
                for p in periods.iter().flatten() {
                    for v in values.iter().flatten() {
                        all.entry((*t, *p, *v))
                            .or_insert_with(|| Tally::new(n))
                            .add(tally);
                    }
                }
            }
        }
        let name = |list: ContextList, id: i64| -> String {
            names
                .get(&list)
                .and_then(|m| m.get(&id))
                .cloned()
                .unwrap_or_else(|| format!("unknown {}", list.noun()))
        };
        let choice_item = &ITEMS[questionnaire::choice_index()];
        let mut out: Vec<(GroupKey, Tally, (bool, u8))> = all
            .into_iter()
            .map(|((team, period, bval), tally)| {
                // Choice values sort by option order (yes, partly, no, not answered);
                // "Other roles" after the roles; totals last.
                let (value, order) = match (bval, self.breakdown) {
                    (None, _) | (_, Breakdown::None) => (None, (true, 0)),
                    (Some(b), Breakdown::SessionType) => {
                        (Some(name(ContextList::SessionTypes, b)), (false, 0))
                    }
                    (Some(OTHER_ROLES_ID), Breakdown::Role) => {
                        (Some(OTHER_ROLES.to_string()), (false, 1))
                    }
                    (Some(b), Breakdown::Role) => (Some(name(ContextList::Roles, b)), (false, 0)),
                    (Some(b), Breakdown::Choice) => {
                        match choice_item.option(b as u8).filter(|_| b != NOT_ANSWERED) {
                            Some(o) => (Some(o.id.to_string()), (false, o.code)),
                            None => (Some("not_answered".to_string()), (false, u8::MAX)),
                        }
                    }
                };
                (
                    GroupKey {
                        team: team.map(|t| name(ContextList::Teams, t)),
                        period,
                        breakdown_value: value,
                    },
                    tally,
                    order,
                )
            })
            .collect();
        out.sort_by(|a, b| {
            let key = |g: &(GroupKey, Tally, (bool, u8))| {
                (
                    g.0.team.is_none(),
                    g.0.team.clone(),
                    g.0.period,
                    g.2,
                    g.0.breakdown_value.clone(),
                )
            };
            key(a).cmp(&key(b))
        });
        out.into_iter().map(|(k, t, _)| (k, t)).collect()
    }
}

/// Rule 7: per team, which role each role's responses are shown under. Roles held by
/// fewer than [`MIN_STAFF_PER_ROLE`] staff merge into "Other roles"; while that holds
/// fewer staff than that, the role with the fewest staff joins it. `None`: every role
/// of the team merged, so the team has no role rows.
fn merge_roles(
    present: impl Iterator<Item = (i64, i64)>,
    staff: &StaffCounts,
) -> HashMap<(i64, i64), Option<i64>> {
    let mut roles_of: HashMap<i64, Vec<i64>> = HashMap::new();
    // A role counts in a team if it has responses there or staff; a count of 0 for a
    // role nobody in the team holds is no role at all.
    let staffed = staff.iter().filter(|(_, n)| **n > 0).map(|(k, _)| *k);
    for (team, role) in present.chain(staffed) {
        roles_of.entry(team).or_default().push(role);
    }
    let mut out = HashMap::new();
    for (team, mut roles) in roles_of {
        roles.sort_unstable();
        roles.dedup();
        let held = |r: &i64| staff.get(&(team, *r)).copied().unwrap_or(0);
        let mut other: Vec<i64> = roles
            .iter()
            .copied()
            .filter(|r| held(r) < MIN_STAFF_PER_ROLE)
            .collect();
        let mut kept: Vec<i64> = roles
            .iter()
            .copied()
            .filter(|r| held(r) >= MIN_STAFF_PER_ROLE)
            .collect();
        kept.sort_by_key(|r| (held(r), *r));
        while !other.is_empty() && other.iter().map(held).sum::<u32>() < MIN_STAFF_PER_ROLE {
            if kept.is_empty() {
                break;
            }
            other.push(kept.remove(0));
        }
        let all_merged = kept.is_empty();
        for r in roles {
            let shown = if all_merged {
                None
            } else if other.contains(&r) {
                Some(OTHER_ROLES_ID)
            } else {
                Some(r)
            };
            out.insert((team, r), shown);
        }
    }
    out
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
        let groups = t.finish(&names(), &StaffCounts::new(), None);
        assert_eq!(
            groups.len(),
            4,
            "North, South and all teams in each quarter"
        );
        let (k, tally) = &groups[0];
        assert_eq!(
            (
                k.team_name(),
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
        assert_eq!(groups[1].0.team_name(), "South");
        assert_eq!(groups[2].0.team, None);
        assert_eq!(groups[2].1.responses, 2);
        assert_eq!(groups[3].0.team_name(), "All teams");
        assert_eq!(groups[3].1.responses, 1);
    }

    #[test]
    fn choice_breakdown_orders_yes_partly_no_not_answered() {
        let mut t = Tallier::new(PeriodKind::Month, Breakdown::Choice);
        for c in [0u8, 3, 2, 1] {
            t.add(&row(1, "2026-01", &[("attending_choice", c)]));
        }
        t.add(&row(1, "2026-01", &[]));
        let values: Vec<_> = t
            .finish(&names(), &StaffCounts::new(), None)
            .into_iter()
            .map(|(k, t)| (k.breakdown_value, t.responses))
            .collect();
        assert_eq!(
            values,
            [
                (Some("yes".into()), 1),
                (Some("partly".into()), 1),
                (Some("no".into()), 1),
                (Some("not_answered".into()), 2),
                (None, 5)
            ]
        );
    }

    #[test]
    fn totals_cover_all_periods_and_roles_held_by_few_staff_merge() {
        let mut t = Tallier::new(PeriodKind::Month, Breakdown::Role);
        let with_role = |team, month, role| {
            let mut r = row(team, month, &[]);
            r.role = role;
            r
        };
        for (team, month, role) in [
            (1, "2026-01", 1),
            (1, "2026-01", 2),
            (1, "2026-02", 3),
            (2, "2026-01", 1),
        ] {
            t.add(&with_role(team, month, role));
        }
        let mut names = names();
        names.insert(
            ContextList::Roles,
            [
                (1, "Nurse".into()),
                (2, "Psychologist".into()),
                (3, "Peer worker".into()),
            ]
            .into(),
        );
        // North: 4 nurses, 1 psychologist, 2 peer workers; South: 2 nurses only.
        let staff: StaffCounts = [((1, 1), 4), ((1, 2), 1), ((1, 3), 2), ((2, 1), 2)].into();
        let span = Period::Span(
            Month::parse("2026-01").unwrap(),
            Month::parse("2026-02").unwrap(),
        );
        let groups = t.finish(&names, &staff, Some(span));
        let shown: Vec<String> = groups
            .iter()
            .map(|(k, t)| {
                format!(
                    "{} {} {} {}",
                    k.team_name(),
                    k.period,
                    k.breakdown_value.as_deref().unwrap_or("All"),
                    t.responses
                )
            })
            .collect();
        assert_eq!(
            shown,
            [
                "North 2026-01 Nurse 1",
                "North 2026-01 Other roles 1",
                "North 2026-01 All 2",
                "North 2026-02 Other roles 1",
                "North 2026-02 All 1",
                "North 2026-01 to 2026-02 Nurse 1",
                "North 2026-01 to 2026-02 Other roles 2",
                "North 2026-01 to 2026-02 All 3",
                // South's only role has 2 staff: no role rows, only its total.
                "South 2026-01 All 1",
                "South 2026-01 to 2026-02 All 1",
                "All teams 2026-01 Nurse 1",
                "All teams 2026-01 Other roles 1",
                "All teams 2026-01 All 3",
                "All teams 2026-02 Other roles 1",
                "All teams 2026-02 All 1",
                "All teams 2026-01 to 2026-02 Nurse 1",
                "All teams 2026-01 to 2026-02 Other roles 2",
                "All teams 2026-01 to 2026-02 All 4",
            ]
        );
    }
}
