//! Synthetic responses for trying the app and for the benchmark, shaped like a clinic's:
//! teams of different sizes that differ in how their sessions feel, the power, safety
//! and identity of a team not all alike, a trend over the months in each team, one team
//! with a dip of two months in one dimension, and ruptures likelier in some teams than
//! others. Some skips, some "rather not say". In some sessions a practitioner's estimate
//! of how the person felt, close to what they said except in one team, whose
//! practitioners put safety well above it. Deterministic for a given seed.
//!
//! On a database that is not set up yet, `generate` also sets the device up with the
//! demo's teams, session types and roles and how many staff hold each role in each team,
//! so that every screen shows the same teams. The staff passphrase is then a random one
//! nobody knows: it is set with `reset-passphrase` before the staff area is opened.

use rand::distributions::Alphanumeric;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use crate::domain::{ContextList, NewResponse, Source};
use crate::error::AppError;
use crate::period::Month;
use crate::questionnaire::{self, Answers, Kind, Section, ITEMS};
use crate::store::Store;

const TEAM_NAMES: &[&str] = &[
    "Community team North",
    "Community team South",
    "Early intervention",
    "Crisis and home treatment",
    "Young people's service",
    "Eating disorders",
    "Perinatal",
    "Psychological therapies",
    "Rehabilitation",
    "Older adults",
];
const SESSION_TYPES: &[&str] = &["Individual", "Group", "Family", "Assessment", "Review"];
const ROLES: &[&str] = &[
    "Psychologist",
    "Mental health nurse",
    "Psychiatrist",
    "Social worker",
    "Occupational therapist",
    "Support worker",
    "Peer support worker",
];
const COMMENTS: &[&str] = &[
    "I felt listened to today.",
    "It was hard to talk but I am glad I came.",
    "I wish we had more time.",
    "I did not like being told what to do.",
    "Thank you for being patient with me.",
];

pub struct Options {
    pub responses: u64,
    pub teams: usize,
    pub months: u32,
    pub seed: u64,
    /// The last month that gets responses.
    pub last_month: Month,
}

/// Team names for `n` teams: the list above, numbered when more are needed.
fn team_names(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| match i / TEAM_NAMES.len() {
            0 => TEAM_NAMES[i].to_string(),
            k => format!("{} {}", TEAM_NAMES[i % TEAM_NAMES.len()], k + 1),
        })
        .collect()
}

/// What `generate` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Added {
    pub responses: u64,
    /// Whether it set the device up (the database was not set up before).
    pub set_up: bool,
}

/// How a team's sessions differ from the clinic's, drawn once per team.
struct TeamShape {
    /// Per PSI dimension and working together (in [`Section`] order), added to how a
    /// session feels for that section's questions.
    offset: [f64; 4],
    /// The change from the first month to the last.
    trend: f64,
    /// Added to the chance that something did not feel right.
    rupture: f64,
}

/// The dip: one team's dimension, two months running, lower by this much.
const DIP: f64 = 0.9;

pub fn generate(store: &mut Store, opts: &Options) -> Result<Added, AppError> {
    if store.non_demo_response_count()? > 0 {
        return Err(AppError::invalid(None, "error.demo.real_data", Vec::new()));
    }
    if opts.teams == 0 || opts.months == 0 {
        return Err(AppError::invalid(None, "error.demo.nothing", Vec::new()));
    }
    let team_list = team_names(opts.teams);
    let type_list: Vec<String> = SESSION_TYPES.iter().map(|s| s.to_string()).collect();
    let role_list: Vec<String> = ROLES.iter().map(|s| s.to_string()).collect();
    // The shape of the clinic comes from its own generator, so the responses' teams,
    // months, session types and roles are drawn as they always were for a seed.
    let mut shape_rng = SmallRng::seed_from_u64(opts.seed ^ 0x5eed_c11c);
    // The staff counts from one of their own, so the data is the same for a seed
    // whether or not this run sets the device up.
    let mut staff_rng = SmallRng::seed_from_u64(opts.seed ^ 0x57af_f000);
    let set_up = !store.is_configured()?;
    if set_up {
        // A passphrase nobody knows: the staff area stays locked until staff set their
        // own with `reset-passphrase`.
        let secret: String = rand::thread_rng()
            .sample_iter(&Alphanumeric)
            .take(40)
            .map(char::from)
            .collect();
        store.configure(
            &crate::auth::hash(&secret)?,
            &[
                (ContextList::Teams, team_list.clone()),
                (ContextList::SessionTypes, type_list.clone()),
                (ContextList::Roles, role_list.clone()),
            ],
        )?;
        // Most roles held by 3 to 6 staff in a team, some by 1 or 2 (merged, rule 7).
        let mut counts = Vec::new();
        for team in &team_list {
            for role in &role_list {
                let staff = match staff_rng.gen_range(0..10) {
                    0 => 1,
                    1 => 2,
                    _ => staff_rng.gen_range(3..=6),
                };
                counts.push((team.clone(), role.clone(), staff));
            }
        }
        let rules = store.rules()?.settings();
        store.save_disclosure_settings(rules, &counts)?;
    }
    let teams = store.ensure_names(ContextList::Teams, &team_list)?;
    let types = store.ensure_names(ContextList::SessionTypes, &type_list)?;
    let roles = store.ensure_names(ContextList::Roles, &role_list)?;
    let shapes: Vec<TeamShape> = teams
        .iter()
        .map(|_| TeamShape {
            offset: [(); 4].map(|_| shape_rng.gen_range(-0.6..0.6)),
            trend: shape_rng.gen_range(-0.5..0.7),
            rupture: shape_rng.gen_range(-0.04..0.08),
        })
        .collect();
    let dip_team = shape_rng.gen_range(0..teams.len());
    let dip_section = shape_rng.gen_range(0..3usize);
    let dip_start = shape_rng.gen_range(0..opts.months.saturating_sub(1).max(1)) as usize;
    // The practitioners' estimates from a generator of their own, so that the people's
    // answers are drawn as they always were for a seed. One team's practitioners think
    // people felt safer than they said.
    let mut estimate_rng = SmallRng::seed_from_u64(opts.seed ^ 0xe571_4a7e);
    let hopeful_team = estimate_rng.gen_range(0..teams.len());
    let mut rng = SmallRng::seed_from_u64(opts.seed);

    // Teams differ in size (weights 1..=4) and in how their sessions feel.
    let sizes: Vec<u32> = teams.iter().map(|_| rng.gen_range(1..=4)).collect();
    let total_size: u32 = sizes.iter().sum();
    let quality: Vec<f64> = teams.iter().map(|_| rng.gen_range(-0.5..0.5)).collect();
    let first = (0..opts.months - 1).fold(opts.last_month, |m, _| m.prev());

    let months: Vec<Month> = std::iter::successors(Some(first), |m| Some(m.next()))
        .take(opts.months as usize)
        .collect();
    let n = opts.responses;
    let rows = (0..n).map(move |_| {
        let mut pick = rng.gen_range(0..total_size);
        let mut t = 0;
        while pick >= sizes[t] {
            pick -= sizes[t];
            t += 1;
        }
        let month_index = rng.gen_range(0..months.len());
        let month = months[month_index];
        // Where the month lies in the period, from -0.5 (the first) to 0.5 (the last).
        let along = if months.len() > 1 {
            month_index as f64 / (months.len() - 1) as f64 - 0.5
        } else {
            0.0
        };
        let shape = &shapes[t];
        let choice = match rng.gen_range(0..100) {
            0..=69 => Some(1),
            70..=84 => Some(2),
            85..=94 => Some(3),
            95..=96 => Some(questionnaire::DECLINED),
            _ => None,
        };
        // A person's overall feeling about the session: mostly good, less so when
        // attending was not their choice.
        let mut feeling = 3.9 + quality[t] + rng.gen_range(-1.6..1.2);
        if choice == Some(3) {
            feeling -= 0.8;
        }
        let mut answers: Answers = [None; ITEMS.len()];
        for (item, slot) in ITEMS.iter().zip(answers.iter_mut()) {
            let r = rng.gen_range(0..100);
            *slot = if r < 4 {
                None
            } else if r < 6 {
                Some(questionnaire::DECLINED)
            } else {
                Some(match (item.kind, item.section) {
                    (Kind::Choice, Section::Choice) => choice.unwrap_or(1),
                    (Kind::Choice, _) => {
                        // Rupture: yes, not sure or no, likelier when the session felt bad.
                        let p_yes = (0.35 - 0.08 * feeling + shape.rupture).clamp(0.01, 0.6);
                        let x: f64 = rng.gen();
                        if x < p_yes {
                            3
                        } else if x < p_yes + 0.08 {
                            2
                        } else {
                            1
                        }
                    }
                    (_, section) => {
                        let lean = section_lean(shape, section)
                            + shape.trend * along
                            + if t == dip_team
                                && section == Section::DIMENSIONS[dip_section]
                                && (dip_start..dip_start + 2).contains(&month_index)
                            {
                                -DIP
                            } else {
                                0.0
                            };
                        (feeling + lean + rng.gen_range(-0.8..0.8))
                            .round()
                            .clamp(1.0, 5.0) as u8
                    }
                })
            };
        }
        answers[questionnaire::choice_index()] = choice;
        let comment = (rng.gen_range(0..100) < 3)
            .then(|| COMMENTS[rng.gen_range(0..COMMENTS.len())].to_string());
        let estimate = estimate(&mut estimate_rng, &answers, t == hopeful_team);
        NewResponse {
            questionnaire_version: questionnaire::VERSION,
            session_month: month,
            source: Source::Demo,
            team: teams[t],
            session_type: types[rng.gen_range(0..types.len())],
            role: roles[rng.gen_range(0..roles.len())],
            answers,
            estimate,
            comment,
        }
    });
    let responses = store.insert_iter(rows)?;
    Ok(Added { responses, set_up })
}

/// In this share of sessions (percent) the practitioner gave an estimate.
const ESTIMATE_SHARE: u32 = 40;

/// How much higher the hopeful team's practitioners put safety than people said.
const HOPEFUL: f64 = 1.2;

/// A practitioner's estimate, in some sessions: close to what the person said, give or
/// take a point, and in the hopeful team well above it for safety.
fn estimate(rng: &mut SmallRng, answers: &Answers, hopeful: bool) -> questionnaire::Estimate {
    let mut out = questionnaire::NO_ESTIMATE;
    if rng.gen_range(0..100) >= ESTIMATE_SHARE {
        return out;
    }
    for (d, slot) in out.iter_mut().enumerate() {
        // What the practitioner sensed: the person's score where there is one, else a
        // middling session.
        let sensed = questionnaire::dimension_score(Section::DIMENSIONS[d], answers).unwrap_or(4);
        let lean = if hopeful && Section::DIMENSIONS[d] == Section::Safety {
            HOPEFUL
        } else {
            0.0
        };
        let given = rng.gen_range(0..100) < 95;
        let value = f64::from(sensed) + lean + rng.gen_range(-1.2..1.2);
        *slot = given.then(|| value.round().clamp(1.0, 5.0) as u8);
    }
    out
}

/// How a team leans in a section's questions: its own offset for the PSI dimensions and
/// working together, their mean for the overall rating.
fn section_lean(shape: &TeamShape, section: Section) -> f64 {
    match section {
        Section::Power => shape.offset[0],
        Section::Safety => shape.offset[1],
        Section::Identity => shape.offset[2],
        Section::WorkingTogether => shape.offset[3],
        _ => shape.offset.iter().sum::<f64>() / 4.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_names_are_unique() {
        let names = team_names(25);
        let set: std::collections::HashSet<_> = names.iter().collect();
        assert_eq!(set.len(), 25);
        assert_eq!(names[10], "Community team North 2");
    }
}
