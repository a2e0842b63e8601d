//! Numbered schema migrations, append-only: never edit one that has been released,
//! add a new one. The schema version lives in SQLite's `user_version`.

use rusqlite_migration::{Migrations, M};

/// 1: the first schema.
///
/// Context lists (teams, session types, roles) keep hidden names so past responses keep
/// them. A response is one row: one column per questionnaire item, because every
/// summary reads every item of many responses, and one row per response is fifteen
/// times fewer rows than one per answer. A new item means a new migration adding its
/// column.
/// Answers: NULL = skipped, 0 = "I'd rather not say", 1.. = the option's code.
/// `session_month` is the only time summaries use; `submitted_at` (UTC) is kept for
/// the record and never exported.
const M1_FIRST_SCHEMA: &str = "
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE teams (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE session_types (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE TABLE roles (
    id     INTEGER PRIMARY KEY,
    name   TEXT NOT NULL UNIQUE COLLATE NOCASE,
    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE responses (
    id                    INTEGER PRIMARY KEY,
    questionnaire_version INTEGER NOT NULL,
    submitted_at          TEXT NOT NULL,
    session_month         TEXT NOT NULL CHECK (session_month GLOB '[0-9][0-9][0-9][0-9]-[01][0-9]'),
    source                TEXT NOT NULL CHECK (source IN ('device', 'paper', 'demo')),
    team_id               INTEGER NOT NULL REFERENCES teams (id),
    session_type_id       INTEGER NOT NULL REFERENCES session_types (id),
    role_id               INTEGER NOT NULL REFERENCES roles (id),
    power_say             INTEGER CHECK (power_say BETWEEN 0 AND 5),
    power_expert          INTEGER CHECK (power_expert BETWEEN 0 AND 5),
    power_care            INTEGER CHECK (power_care BETWEEN 0 AND 5),
    safety_honest         INTEGER CHECK (safety_honest BETWEEN 0 AND 5),
    safety_listened       INTEGER CHECK (safety_listened BETWEEN 0 AND 5),
    safety_trust          INTEGER CHECK (safety_trust BETWEEN 0 AND 5),
    identity_person       INTEGER CHECK (identity_person BETWEEN 0 AND 5),
    identity_strengths    INTEGER CHECK (identity_strengths BETWEEN 0 AND 5),
    identity_respect      INTEGER CHECK (identity_respect BETWEEN 0 AND 5),
    together_understood   INTEGER CHECK (together_understood BETWEEN 0 AND 5),
    together_goals        INTEGER CHECK (together_goals BETWEEN 0 AND 5),
    together_way          INTEGER CHECK (together_way BETWEEN 0 AND 5),
    rupture               INTEGER CHECK (rupture BETWEEN 0 AND 3),
    overall               INTEGER CHECK (overall BETWEEN 0 AND 5),
    attending_choice      INTEGER CHECK (attending_choice BETWEEN 0 AND 3),
    comment               TEXT CHECK (length(comment) BETWEEN 1 AND 2000)
);

-- Summaries read whole months.
CREATE INDEX responses_by_month ON responses (session_month);
";

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![M::up(M1_FIRST_SCHEMA)])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }
}
