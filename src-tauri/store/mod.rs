//! The SQLite store: the only place that reads or writes the database.

pub mod audit;
mod backup;
pub mod check;
pub mod device;
mod files;
mod ledger;
mod leftovers;
mod migrations;
mod open;
pub mod output;
mod responses;
pub mod support;
mod wal;

pub use audit::{Action, AuditEntry};
pub use backup::{restore, Restored};
pub use check::APPLICATION_ID;
pub use ledger::{NewRelease, ReleaseEntry, ReleaseKey};
pub use migrations::LATEST as SCHEMA_VERSION;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::domain::rules::{RuleSettings, Rules};
use crate::domain::StaffCounts;
pub use crate::domain::{
    Choice, Comment, Context, ContextList, Defaults, LeftOut, NewResponse, ResponseRow, Source,
};
use crate::error::{AppError, Message};

/// File name of the database inside the app data directory.
pub const DB_FILE: &str = "psi-feedback.sqlite3";

/// The database the window and the command line use when none is given: the app data
/// directory that Tauri's `app_data_dir()` gives for our identifier.
pub fn default_path(identifier: &str) -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(identifier).join(DB_FILE))
}

#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fault {
    DiskFull,
    ReadOnly,
}

pub struct Store {
    conn: Connection,
    /// Where the database file is: a backup must never be written over it.
    path: PathBuf,
    /// A shared lock on the file beside the database, held while it is open.
    _lock: files::SharedLock,
    /// The full check of the file in this run, which every write waits for.
    check: check::FullCheck,
    /// What the open found that staff must be told (a log kept aside).
    notices: Vec<Message>,
}

/// How long a write waits for another connection's write to finish.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

const PASSPHRASE_KEY: &str = "staff_passphrase_hash";
const RULES_KEY: &str = "disclosure_rules";
/// The folder the last backup was saved in: a copy a killed backup left there is
/// removed at the next start.
const LAST_BACKUP_FOLDER_KEY: &str = "last_backup_folder";

impl Store {
    /// Makes the connection behave like a full disk (`max_page_count`) or a read-only
    /// file (`query_only`), for the tests of what a failed write does.
    #[cfg(test)]
    pub(crate) fn simulate_fault(&self, fault: Option<Fault>) {
        let pages: i64 = self
            .conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        let (max, query_only) = match fault {
            None => (1_073_741_823, false),
            Some(Fault::DiskFull) => (pages, false),
            Some(Fault::ReadOnly) => (1_073_741_823, true),
        };
        self.conn
            .pragma_update(None, "max_page_count", max)
            .unwrap();
        self.conn
            .pragma_update(None, "query_only", query_only)
            .unwrap();
    }

    #[cfg(test)]
    pub(crate) fn conn_for_tests(&self) -> &Connection {
        &self.conn
    }

    /// Where the database file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64, AppError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    pub fn is_configured(&self) -> Result<bool, AppError> {
        Ok(self.setting(PASSPHRASE_KEY)?.is_some())
    }

    pub fn passphrase_hash(&self) -> Result<Option<String>, AppError> {
        self.setting(PASSPHRASE_KEY)
    }

    /// First-run setup: passphrase hash and the three lists, all in one transaction.
    pub fn configure(
        &mut self,
        passphrase_hash: &str,
        lists: &[(ContextList, Vec<String>)],
    ) -> Result<(), AppError> {
        let tx = self.begin()?;
        if get_setting(&tx, PASSPHRASE_KEY)?.is_some() {
            return Err(AppError::AlreadyConfigured);
        }
        set_setting(&tx, PASSPHRASE_KEY, passphrase_hash)?;
        for (list, names) in lists {
            replace_list(&tx, *list, names)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces the lists (names left out are hidden, not deleted) and the defaults,
    /// given by name. All or nothing.
    pub fn update_settings(
        &mut self,
        lists: &[(ContextList, Vec<String>)],
        defaults: &[(ContextList, Option<String>)],
    ) -> Result<(), AppError> {
        let tx = self.begin()?;
        for (list, names) in lists {
            replace_list(&tx, *list, names)?;
        }
        for (list, name) in defaults {
            match name {
                None => {
                    tx.execute("DELETE FROM settings WHERE key = ?1", [default_key(*list)])?;
                }
                Some(name) => {
                    let id = find_active(&tx, *list, name)?.ok_or_else(|| {
                        AppError::invalid(
                            Some(list.default_field().to_string()),
                            list.pick([
                                "error.names.default_missing.team",
                                "error.names.default_missing.session_type",
                                "error.names.default_missing.role",
                            ]),
                            vec![("name", crate::domain::text::quoted(name))],
                        )
                    })?;
                    set_setting(&tx, default_key(*list), &id.to_string())?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds the names that are missing to the lists (used by the demo data).
    pub fn ensure_names(
        &mut self,
        list: ContextList,
        names: &[String],
    ) -> Result<Vec<i64>, AppError> {
        let tx = self.begin()?;
        let mut ids = Vec::new();
        for name in names {
            ids.push(upsert_name(&tx, list, name)?);
        }
        tx.commit()?;
        Ok(ids)
    }

    pub fn context(&self) -> Result<Context, AppError> {
        let default = |list: ContextList| -> Result<Option<i64>, AppError> {
            Ok(self
                .setting(default_key(list))?
                .and_then(|v| v.parse().ok()))
        };
        Ok(Context {
            teams: self.active_choices(ContextList::Teams)?,
            session_types: self.active_choices(ContextList::SessionTypes)?,
            roles: self.active_choices(ContextList::Roles)?,
            defaults: Defaults {
                team: default(ContextList::Teams)?,
                session_type: default(ContextList::SessionTypes)?,
                role: default(ContextList::Roles)?,
            },
            last: self.last_choices()?,
            ask_estimate: self.asks_estimate()?,
        })
    }

    fn active_choices(&self, list: ContextList) -> Result<Vec<Choice>, AppError> {
        // The table name comes from a fixed enum, never from input.
        let sql = format!(
            "SELECT id, name FROM {} WHERE active = 1 ORDER BY name COLLATE NOCASE",
            table(list)
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| {
            Ok(Choice {
                id: r.get(0)?,
                name: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every name ever in a list, hidden ones included, by id: summaries need past names.
    pub fn all_names(&self, list: ContextList) -> Result<HashMap<i64, String>, AppError> {
        let sql = format!("SELECT id, name FROM {}", table(list));
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The id of an active name (case-insensitive), if there is one.
    pub fn active_id(&self, list: ContextList, name: &str) -> Result<Option<i64>, AppError> {
        find_active(&self.conn, list, name)
    }

    pub fn is_active(&self, list: ContextList, id: i64) -> Result<bool, AppError> {
        let sql = format!("SELECT 1 FROM {} WHERE id = ?1 AND active = 1", table(list));
        Ok(self
            .conn
            .query_row(&sql, [id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The rule settings: the defaults, made stricter by staff.
    pub fn rules(&self) -> Result<Rules, AppError> {
        stored_rules(&self.conn)
    }

    /// Saves staff counts (of the named active teams and roles) and makes the rules
    /// stricter, in one transaction: anything looser than now is refused and nothing
    /// is written.
    pub fn save_disclosure_settings(
        &mut self,
        settings: RuleSettings,
        counts: &[(String, String, u32)],
    ) -> Result<Rules, AppError> {
        let tx = self.begin()?;
        let rules = stored_rules(&tx)?
            .tightened(settings)
            .map_err(|(field, message)| AppError::Invalid {
                field: Some(field.to_string()),
                message,
            })?;
        let text = serde_json::to_string(&rules.settings()).expect("plain numbers");
        set_setting(&tx, RULES_KEY, &text)?;
        for (i, (team, role, staff)) in counts.iter().enumerate() {
            let field = || Some(format!("staff_counts[{i}]"));
            let team_id = find_active(&tx, ContextList::Teams, team)?.ok_or_else(|| {
                AppError::invalid(
                    field(),
                    "error.staff_counts.unknown_team",
                    vec![("name", crate::domain::text::quoted(team))],
                )
            })?;
            let role_id = find_active(&tx, ContextList::Roles, role)?.ok_or_else(|| {
                AppError::invalid(
                    field(),
                    "error.staff_counts.unknown_role",
                    vec![("name", crate::domain::text::quoted(role))],
                )
            })?;
            tx.execute(
                "INSERT INTO staff_counts (team_id, role_id, staff) VALUES (?1, ?2, ?3)
                 ON CONFLICT (team_id, role_id) DO UPDATE SET staff = excluded.staff",
                params![team_id, role_id, staff],
            )?;
        }
        tx.commit()?;
        Ok(rules)
    }

    /// How many staff hold each role in each team (by id).
    pub fn staff_counts(&self) -> Result<StaffCounts, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT team_id, role_id, staff FROM staff_counts")?;
        let rows = stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Staff counts by name, for the settings screen: (team, role, staff).
    pub fn staff_count_names(&self) -> Result<Vec<(String, String, u32)>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.name, r.name, s.staff FROM staff_counts s
             JOIN teams t ON t.id = s.team_id JOIN roles r ON r.id = s.role_id
             WHERE t.active = 1 AND r.active = 1 ORDER BY t.name, r.name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, AppError> {
        get_setting(&self.conn, key)
    }
}

/// The rule settings as stored: the defaults, made stricter by staff. Stored settings
/// that cannot be read are an error, never a silent return to the defaults.
fn stored_rules(conn: &Connection) -> Result<Rules, AppError> {
    let Some(text) = get_setting(conn, RULES_KEY)? else {
        return Ok(Rules::default());
    };
    let settings: RuleSettings = serde_json::from_str(&text)
        .map_err(|e| AppError::Storage(format!("the rule settings cannot be read: {e}")))?;
    Rules::default().tightened(settings).map_err(|(_, e)| {
        AppError::Storage(format!(
            "the stored rule settings are not valid: {}",
            e.text()
        ))
    })
}

fn get_setting(conn: &Connection, key: &str) -> Result<Option<String>, AppError> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

fn set_setting(tx: &Transaction, key: &str, value: &str) -> Result<(), AppError> {
    tx.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}

fn find_active(conn: &Connection, list: ContextList, name: &str) -> Result<Option<i64>, AppError> {
    let sql = format!(
        "SELECT id FROM {} WHERE name = ?1 AND active = 1",
        table(list)
    );
    Ok(conn
        .query_row(&sql, [name.trim()], |r| r.get(0))
        .optional()?)
}

fn upsert_name(tx: &Transaction, list: ContextList, name: &str) -> Result<i64, AppError> {
    let sql = format!(
        "INSERT INTO {t} (name, active) VALUES (?1, 1) ON CONFLICT (name) DO UPDATE SET active = 1 RETURNING id",
        t = table(list)
    );
    Ok(tx.query_row(&sql, [name], |r| r.get(0))?)
}

/// Makes `names` the active list: new names are added, missing ones hidden.
fn replace_list(tx: &Transaction, list: ContextList, names: &[String]) -> Result<(), AppError> {
    tx.execute(&format!("UPDATE {} SET active = 0", table(list)), [])?;
    for name in names {
        upsert_name(tx, list, name)?;
    }
    Ok(())
}

/// The table that holds a list's names.
fn table(list: ContextList) -> &'static str {
    match list {
        ContextList::Teams => "teams",
        ContextList::SessionTypes => "session_types",
        ContextList::Roles => "roles",
    }
}

/// The setting that holds a list's default for the hand-over.
fn default_key(list: ContextList) -> &'static str {
    match list {
        ContextList::Teams => "default_team",
        ContextList::SessionTypes => "default_session_type",
        ContextList::Roles => "default_role",
    }
}

#[cfg(test)]
mod tests;
