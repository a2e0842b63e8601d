//! Synthetic responses for trying the app and for the benchmark: several teams of
//! different sizes, whole months, answers skewed towards the positive end, some skips,
//! some "rather not say", a few ruptures. Deterministic for a given seed.

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

pub fn generate(store: &mut Store, opts: &Options) -> Result<u64, AppError> {
    if store.non_demo_response_count()? > 0 {
        return Err(AppError::invalid(None, "error.demo.real_data", Vec::new()));
    }
    if opts.teams == 0 || opts.months == 0 {
        return Err(AppError::invalid(None, "error.demo.nothing", Vec::new()));
    }
    let teams = store.ensure_names(ContextList::Teams, &team_names(opts.teams))?;
    let types = store.ensure_names(
        ContextList::SessionTypes,
        &SESSION_TYPES
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>(),
    )?;
    let roles = store.ensure_names(
        ContextList::Roles,
        &ROLES.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
    )?;
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
        let month = months[rng.gen_range(0..months.len())];
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
                        let p_yes = (0.35 - 0.08 * feeling).clamp(0.01, 0.6);
                        let x: f64 = rng.gen();
                        if x < p_yes {
                            3
                        } else if x < p_yes + 0.08 {
                            2
                        } else {
                            1
                        }
                    }
                    _ => (feeling + rng.gen_range(-0.8..0.8)).round().clamp(1.0, 5.0) as u8,
                })
            };
        }
        answers[questionnaire::choice_index()] = choice;
        let comment = (rng.gen_range(0..100) < 3)
            .then(|| COMMENTS[rng.gen_range(0..COMMENTS.len())].to_string());
        NewResponse {
            questionnaire_version: questionnaire::VERSION,
            session_month: month,
            source: Source::Demo,
            team: teams[t],
            session_type: types[rng.gen_range(0..types.len())],
            role: roles[rng.gen_range(0..roles.len())],
            answers,
            comment,
        }
    });
    store.insert_iter(rows)
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
