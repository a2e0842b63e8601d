//! Where each group of each release is, over the atoms: the intruder's own placing.

use super::*;

/// Which atoms each group of each release is made of, by names: written apart from the
/// exporter's placing so that the two check each other.
pub(super) fn members(release: &Release, atoms: &Atoms, names: &Names) -> Vec<Vec<usize>> {
    let name = |list: ContextList, id: i64| -> Option<&str> {
        names.get(&list)?.get(&id).map(String::as_str)
    };
    let choice = crate::questionnaire::item("attending_choice").expect("the choice item");
    // Per team, the roles it has rows of its own for, and whether it has "Other roles".
    let mut own: HashSet<(&str, &str)> = HashSet::new();
    let mut other: HashSet<&str> = HashSet::new();
    for g in &release.groups {
        if let (Some(t), Some(v)) = (&g.key.team, &g.key.breakdown_value) {
            if v == OTHER_ROLES {
                other.insert(t);
            } else {
                own.insert((t, v));
            }
        }
    }
    release
        .groups
        .iter()
        .map(|g| {
            let (first, last) = (g.key.period.first_month(), g.key.period.last_month());
            atoms
                .keys
                .iter()
                .enumerate()
                .filter(|(_, a)| {
                    let team = name(ContextList::Teams, a.team).unwrap_or("");
                    if g.key.team.as_deref().is_some_and(|t| t != team) {
                        return false;
                    }
                    if a.month < first || a.month > last {
                        return false;
                    }
                    let role = name(ContextList::Roles, a.role).unwrap_or("");
                    let value = match release.breakdown {
                        crate::summary::Breakdown::None => return true,
                        crate::summary::Breakdown::SessionType => {
                            name(ContextList::SessionTypes, a.session_type).map(str::to_string)
                        }
                        crate::summary::Breakdown::Choice => Some(
                            choice
                                .option(a.choice as u8)
                                .filter(|_| a.choice > 0)
                                .map(|o| o.id.to_string())
                                .unwrap_or_else(|| NOT_ANSWERED.to_string()),
                        ),
                        crate::summary::Breakdown::Role => {
                            if own.contains(&(team, role)) {
                                Some(role.to_string())
                            } else if other.contains(team) {
                                Some(OTHER_ROLES.to_string())
                            } else {
                                // All the team's roles merged: only in its totals.
                                None
                            }
                        }
                    };
                    match &g.key.breakdown_value {
                        None => true,
                        Some(v) => value.as_deref() == Some(v.as_str()),
                    }
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect()
}
