//! The records every layer shares: the lists staff keep, a response as it is stored
//! and read back, a comment, the staff counts, the disclosure rules' settings. They
//! depend on nothing above them: the store keeps them, the core works on them.

pub mod rules;
pub mod text;

use std::collections::HashMap;

use serde::Serialize;

use crate::period::Month;
use crate::questionnaire::{Answers, Estimate};

/// Staff per (team, role) in the disclosure settings (rule 7).
pub type StaffCounts = HashMap<(i64, i64), u32>;

/// The three lists staff keep in settings and choose from at hand-over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextList {
    Teams,
    SessionTypes,
    Roles,
}

impl ContextList {
    pub const ALL: [ContextList; 3] = [
        ContextList::Teams,
        ContextList::SessionTypes,
        ContextList::Roles,
    ];

    /// The settings field and payload key naming this list.
    pub fn field(self) -> &'static str {
        match self {
            ContextList::Teams => "teams",
            ContextList::SessionTypes => "session_types",
            ContextList::Roles => "roles",
        }
    }

    pub fn default_field(self) -> &'static str {
        match self {
            ContextList::Teams => "team",
            ContextList::SessionTypes => "session_type",
            ContextList::Roles => "role",
        }
    }

    /// Singular, in words.
    pub fn noun(self) -> &'static str {
        match self {
            ContextList::Teams => "team",
            ContextList::SessionTypes => "session type",
            ContextList::Roles => "practitioner role",
        }
    }

    /// One of three, by list: for teams, session types and roles in that order. Each
    /// list has its own words for a message (a noun put into a sentence would not
    /// translate).
    pub fn pick<T>(self, [teams, session_types, roles]: [T; 3]) -> T {
        match self {
            ContextList::Teams => teams,
            ContextList::SessionTypes => session_types,
            ContextList::Roles => roles,
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Choice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Defaults {
    pub team: Option<i64>,
    pub session_type: Option<i64>,
    pub role: Option<i64>,
}

/// What staff choose from at hand-over: the active names of each list, the defaults set
/// in settings, and the choices made at the last hand-over.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Context {
    pub teams: Vec<Choice>,
    pub session_types: Vec<Choice>,
    pub roles: Vec<Choice>,
    pub defaults: Defaults,
    pub last: Defaults,
    /// Whether the practitioner is asked for an estimate at hand-over.
    pub ask_estimate: bool,
}

/// Where a response came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Device,
    Paper,
    Demo,
}

impl Source {
    /// As the database stores it.
    pub fn id(self) -> &'static str {
        match self {
            Source::Device => "device",
            Source::Paper => "paper",
            Source::Demo => "demo",
        }
    }
}

/// A validated response, ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewResponse {
    pub questionnaire_version: u32,
    pub session_month: Month,
    pub source: Source,
    pub team: i64,
    pub session_type: i64,
    pub role: i64,
    pub answers: Answers,
    /// The practitioner's estimate given at hand-over, if any.
    pub estimate: Estimate,
    pub comment: Option<String>,
}

/// One stored response as summaries read it: context ids, month and answers only.
#[derive(Debug, Clone)]
pub struct ResponseRow {
    pub team: i64,
    pub session_type: i64,
    pub role: i64,
    pub month: Month,
    pub answers: Answers,
    pub estimate: Estimate,
}

/// Responses left out of a summary, per month: (answered another questionnaire version,
/// added to the month after it was first released).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    pub by_month: std::collections::BTreeMap<Month, (u64, u64)>,
}

impl LeftOut {
    /// The totals over `from..=to`.
    pub fn within(&self, from: Month, to: Month) -> (u64, u64) {
        self.by_month
            .range(from..=to)
            .fold((0, 0), |(a, b), (_, (x, y))| (a + x, b + y))
    }
}

/// A comment as staff read it: no time finer than the month.
#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub team: String,
    pub month: String,
    pub comment: String,
}
