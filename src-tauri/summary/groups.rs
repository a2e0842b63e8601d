//! Which atoms each group of a release is made of: a team (or all teams), a period (or
//! all the periods of the release together) and a breakdown value (or all values).
//! Used both to build a new release and to place the groups of a release recorded
//! earlier over the same atoms.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{
    AtomKey, Atoms, Breakdown, GroupKey, Names, StaffCounts, MIN_STAFF_PER_ROLE, NOT_ANSWERED,
    OTHER_ROLES,
};
use crate::domain::ContextList;
use crate::period::{Month, Period, PeriodKind};
use crate::questionnaire::{self, ITEMS};

/// Breakdown value id of "Other roles".
const OTHER_ROLES_ID: i64 = -2;

/// A group's place by ids: team (`None`: all teams), period, breakdown value (`None`:
/// all values, or no breakdown). Values are session type ids, role ids (or "Other
/// roles"), or choice answer codes (0: not answered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdKey {
    pub team: Option<i64>,
    pub period: Period,
    pub value: Option<i64>,
}

/// Rule 7: per team, which role each role's responses are shown under.
#[derive(Debug, Clone)]
pub enum RoleMap {
    /// As worked out from staff counts for a new release: `None` means every role of the
    /// team merged, so the team has no role rows.
    Explicit(HashMap<(i64, i64), Option<i64>>),
    /// As a recorded release shows it: the roles each team has rows for, and the teams
    /// with an "Other roles" row. A role without a row of its own is in "Other roles",
    /// or, where the team has no role rows at all, only in the team's total.
    Shown {
        roles: HashMap<i64, HashSet<i64>>,
        other: HashSet<i64>,
    },
}

impl RoleMap {
    fn value(&self, team: i64, role: i64) -> Option<i64> {
        match self {
            RoleMap::Explicit(map) => map.get(&(team, role)).copied().unwrap_or(Some(role)),
            RoleMap::Shown { roles, other } => {
                if roles.get(&team).is_some_and(|r| r.contains(&role)) {
                    Some(role)
                } else if other.contains(&team) {
                    Some(OTHER_ROLES_ID)
                } else {
                    None
                }
            }
        }
    }

    /// The map a recorded role release implies, from its groups' keys.
    pub fn shown(keys: impl Iterator<Item = IdKey>) -> RoleMap {
        let mut roles: HashMap<i64, HashSet<i64>> = HashMap::new();
        let mut other = HashSet::new();
        for k in keys {
            match (k.team, k.value) {
                (Some(t), Some(OTHER_ROLES_ID)) => {
                    other.insert(t);
                }
                (Some(t), Some(r)) => {
                    roles.entry(t).or_default().insert(r);
                }
                _ => {}
            }
        }
        RoleMap::Shown { roles, other }
    }
}

/// What a release covers and how it groups: enough to place any atom in its groups.
#[derive(Debug, Clone)]
pub struct Shape {
    pub kind: PeriodKind,
    pub breakdown: Breakdown,
    pub first: Month,
    pub last: Month,
    /// The total over all the periods, when there are several.
    pub span: Option<Period>,
    pub roles: RoleMap,
}

impl Shape {
    /// The breakdown value an atom is shown under (`None`: only in totals).
    fn value(&self, a: &AtomKey) -> Option<i64> {
        match self.breakdown {
            Breakdown::None => None,
            Breakdown::SessionType => Some(a.session_type),
            Breakdown::Role => self.roles.value(a.team, a.role),
            Breakdown::Choice => Some(a.choice),
        }
    }

    /// Every group an atom could be part of: its own, and the totals over teams,
    /// periods and values. Which of them a release has depends on the release.
    pub fn candidates(&self, a: &AtomKey) -> impl Iterator<Item = IdKey> {
        let inside = (self.first..=self.last).contains(&a.month);
        let value = self.value(a);
        let teams = [Some(Some(a.team)), Some(None)];
        let periods = [Some(Period::of(self.kind, a.month)), self.span];
        let values = [Some(value), value.is_some().then_some(None)];
        let mut out = Vec::with_capacity(8);
        if inside {
            for t in teams.iter().flatten() {
                for p in periods.iter().flatten() {
                    for v in values.iter().flatten() {
                        out.push(IdKey {
                            team: *t,
                            period: *p,
                            value: *v,
                        });
                    }
                }
            }
        }
        out.into_iter()
    }
}

/// The groups a new release of `shape` holds, with their member atoms (indices into
/// `atoms`), named and in a stable order: team (all teams last), period (all periods
/// last), breakdown value (choice values in option order, "Other roles" after the
/// roles, all values last). "All teams" rows only when there are several teams.
pub fn group_members(
    atoms: &Atoms,
    shape: &Shape,
    names: &Names,
) -> Vec<(GroupKey, IdKey, Vec<u32>)> {
    let teams: HashSet<i64> = atoms
        .keys
        .iter()
        .filter(|k| (shape.first..=shape.last).contains(&k.month))
        .map(|k| k.team)
        .collect();
    let several = teams.len() > 1;
    let mut members: BTreeMap<IdKey, Vec<u32>> = BTreeMap::new();
    for (i, a) in atoms.keys.iter().enumerate() {
        for key in shape.candidates(a) {
            if key.team.is_none() && !several {
                continue;
            }
            members.entry(key).or_default().push(i as u32);
        }
    }
    #[allow(clippy::type_complexity)] // (key, id, members, sort order), sorted then split
    let mut out: Vec<(GroupKey, IdKey, Vec<u32>, (bool, u8))> = members
        .into_iter()
        .map(|(id, m)| {
            let (key, order) = name(&id, shape.breakdown, names);
            (key, id, m, order)
        })
        .collect();
    out.sort_by(|a, b| {
        let key = |g: &(GroupKey, IdKey, Vec<u32>, (bool, u8))| {
            (
                g.0.team.is_none(),
                g.0.team.clone(),
                g.0.period,
                g.3,
                g.0.breakdown_value.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out.into_iter().map(|(k, id, m, _)| (k, id, m)).collect()
}

fn list_name(names: &Names, list: ContextList, id: i64) -> String {
    names
        .get(&list)
        .and_then(|m| m.get(&id))
        .cloned()
        .unwrap_or_else(|| format!("unknown {}", list.noun()))
}

/// A group's names, and where its value sorts.
fn name(id: &IdKey, breakdown: Breakdown, names: &Names) -> (GroupKey, (bool, u8)) {
    let choice_item = &ITEMS[questionnaire::choice_index()];
    let (value, order) = match (id.value, breakdown) {
        (None, _) | (_, Breakdown::None) => (None, (true, 0)),
        (Some(b), Breakdown::SessionType) => (
            Some(list_name(names, ContextList::SessionTypes, b)),
            (false, 0),
        ),
        (Some(OTHER_ROLES_ID), Breakdown::Role) => (Some(OTHER_ROLES.to_string()), (false, 1)),
        (Some(b), Breakdown::Role) => (Some(list_name(names, ContextList::Roles, b)), (false, 0)),
        (Some(b), Breakdown::Choice) => match choice_item.option(b as u8).filter(|_| b != 0) {
            Some(o) => (Some(o.id.to_string()), (false, o.code)),
            None => (Some(NOT_ANSWERED.to_string()), (false, u8::MAX)),
        },
    };
    (
        GroupKey {
            team: id.team.map(|t| list_name(names, ContextList::Teams, t)),
            period: id.period,
            breakdown_value: value,
        },
        order,
    )
}

/// The ids behind a recorded group's names, if they are all known.
pub fn id_of(key: &GroupKey, breakdown: Breakdown, names: &Names) -> Option<IdKey> {
    let find = |list: ContextList, name: &str| -> Option<i64> {
        names
            .get(&list)?
            .iter()
            .find(|(_, n)| n.as_str() == name)
            .map(|(id, _)| *id)
    };
    let team = match &key.team {
        None => None,
        Some(t) => Some(find(ContextList::Teams, t)?),
    };
    let value = match (&key.breakdown_value, breakdown) {
        (None, _) | (_, Breakdown::None) => None,
        (Some(v), Breakdown::SessionType) => Some(find(ContextList::SessionTypes, v)?),
        (Some(v), Breakdown::Role) if v == OTHER_ROLES => Some(OTHER_ROLES_ID),
        (Some(v), Breakdown::Role) => Some(find(ContextList::Roles, v)?),
        (Some(v), Breakdown::Choice) if v == NOT_ANSWERED => Some(0),
        (Some(v), Breakdown::Choice) => ITEMS[questionnaire::choice_index()]
            .options
            .iter()
            .find(|o| o.id == v)
            .map(|o| i64::from(o.code)),
    };
    Some(IdKey {
        team,
        period: key.period,
        value,
    })
}

/// Rule 7: per team, which role each role's responses are shown under. Roles held by
/// fewer than [`MIN_STAFF_PER_ROLE`] staff merge into "Other roles"; while that holds
/// fewer staff than that, the role with the fewest staff joins it. `None`: every role
/// of the team merged, so the team has no role rows.
pub fn merge_roles(present: impl Iterator<Item = (i64, i64)>, staff: &StaffCounts) -> RoleMap {
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
    RoleMap::Explicit(out)
}
