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

/// 2: what exports need to stay anonymous over time.
///
/// - `staff_counts`: how many staff hold each role in each team (rule 7).
/// - `releases`: the release ledger (rule 8), one row per export with everything it
///   published. Append-only: triggers refuse any update or delete.
/// - `released_months`: for each month any export has covered, the last response id
///   at its first release. Responses added later to that month (an import of old
///   paper forms) are left out of every export, so nothing released changes.
///   Append-only too.
const M2_RELEASES: &str = "
CREATE TABLE staff_counts (
    team_id INTEGER NOT NULL REFERENCES teams (id),
    role_id INTEGER NOT NULL REFERENCES roles (id),
    staff   INTEGER NOT NULL CHECK (staff BETWEEN 0 AND 10000),
    PRIMARY KEY (team_id, role_id)
) WITHOUT ROWID;

CREATE TABLE releases (
    id                    INTEGER PRIMARY KEY,
    released_at           TEXT NOT NULL,
    period_kind           TEXT NOT NULL CHECK (period_kind IN ('month', 'quarter')),
    first_month           TEXT NOT NULL,
    last_month            TEXT NOT NULL,
    breakdown             TEXT NOT NULL,
    rules                 TEXT NOT NULL,
    app_version           TEXT NOT NULL,
    questionnaire_version INTEGER NOT NULL,
    groups                INTEGER NOT NULL,
    withheld              INTEGER NOT NULL,
    cells                 TEXT NOT NULL
);
CREATE INDEX releases_by_request ON releases (period_kind, first_month, last_month, breakdown);
CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
    BEGIN SELECT RAISE(ABORT, 'the release ledger is append-only'); END;
CREATE TRIGGER releases_no_delete BEFORE DELETE ON releases
    BEGIN SELECT RAISE(ABORT, 'the release ledger is append-only'); END;

CREATE TABLE released_months (
    month            TEXT PRIMARY KEY,
    last_response_id INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER released_months_no_update BEFORE UPDATE ON released_months
    BEGIN SELECT RAISE(ABORT, 'released months are append-only'); END;
CREATE TRIGGER released_months_no_delete BEFORE DELETE ON released_months
    BEGIN SELECT RAISE(ABORT, 'released months are append-only'); END;
";

/// 3: the audit trail.
///
/// One row per staff action that matters to a data-protection officer: unlocks and
/// wrong passphrases, exports, backups, restores, deletions under the retention
/// setting, passphrase changes. `who` is always "staff": the device has one staff
/// passphrase, not personal accounts. `detail` never holds anything a service user
/// wrote. Append-only, like the release ledger.
const M3_AUDIT: &str = "
CREATE TABLE audit (
    id     INTEGER PRIMARY KEY,
    at     TEXT NOT NULL,
    who    TEXT NOT NULL CHECK (who IN ('staff')),
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
";

/// 4: the application id ("PSIF", [`super::check::APPLICATION_ID`]) in the file's
/// header, SQLite's field for saying which program a database belongs to. A file with
/// another id, or none and not exactly the tables of one of the schemas before this,
/// is someone else's and is never written to.
const M4_APPLICATION_ID: &str = "PRAGMA application_id = 1347635526;";

/// 5: release layouts.
///
/// A release is now either the headline figures or every answer count (the full
/// layout); the same months and breakdown can be released in both, so the layout is part
/// of what identifies a request. Releases recorded before held every answer count.
const M5_RELEASE_LAYOUT: &str = "
ALTER TABLE releases ADD COLUMN layout TEXT NOT NULL DEFAULT 'full'
    CHECK (layout IN ('headline', 'full'));
DROP INDEX releases_by_request;
CREATE INDEX releases_by_request ON releases (period_kind, first_month, last_month, breakdown, layout);
";

/// 6: the practitioner's estimate.
///
/// Where the device asks for it, the practitioner may estimate at hand-over how the
/// person felt on each PSI dimension (1 to 5 on the agreement scale). It is kept only
/// on the row of the response it was given for, beside the person's answers: NULL where
/// none was given, as in every response stored before.
const M6_ESTIMATE: &str = "
ALTER TABLE responses ADD COLUMN estimate_power    INTEGER CHECK (estimate_power BETWEEN 1 AND 5);
ALTER TABLE responses ADD COLUMN estimate_safety   INTEGER CHECK (estimate_safety BETWEEN 1 AND 5);
ALTER TABLE responses ADD COLUMN estimate_identity INTEGER CHECK (estimate_identity BETWEEN 1 AND 5);
";

/// The schema version a database has once every migration has run.
pub const LATEST: i64 = 6;

pub fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(M1_FIRST_SCHEMA),
        M::up(M2_RELEASES),
        M::up(M3_AUDIT),
        M::up(M4_APPLICATION_ID),
        M::up(M5_RELEASE_LAYOUT),
        M::up(M6_ESTIMATE),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        super::migrations().validate().unwrap();
    }

    #[test]
    fn latest_is_the_number_of_migrations() {
        let mut conn = rusqlite::Connection::open_in_memory().unwrap();
        super::migrations().to_latest(&mut conn).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, super::LATEST);
        let id: i32 = conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(id, crate::store::APPLICATION_ID);
    }
}
