//! The SQLite store: the only place that reads or writes the database.

pub mod audit;
mod backup;
pub mod check;
mod files;
mod leftovers;
mod migrations;
mod open;
pub mod output;
pub mod support;
mod wal;

pub use audit::{Action, AuditEntry};
pub use backup::{restore, Restored};
pub use check::APPLICATION_ID;
pub use migrations::LATEST as SCHEMA_VERSION;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use crate::domain::rules::{RuleSettings, Rules};
use crate::domain::StaffCounts;
pub use crate::domain::{
    Choice, Comment, Context, ContextList, Defaults, LeftOut, NewResponse, ResponseRow, Source,
};
use crate::error::{AppError, Message};
use crate::period::Month;
use crate::questionnaire::{Answers, ITEMS};

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

/// What identifies a request in the ledger: the same key, the same release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseKey {
    pub period_kind: String,
    pub first_month: String,
    pub last_month: String,
    pub breakdown: String,
    pub layout: String,
}

/// A release to append to the ledger.
pub struct NewRelease {
    pub key: ReleaseKey,
    pub rules: String,
    pub app_version: String,
    pub questionnaire_version: u32,
    pub groups: usize,
    pub withheld: usize,
    /// The whole release, as [`crate::disclosure::encode`] writes it.
    pub cells: String,
}

/// One row of the release history staff see.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseEntry {
    pub number: i64,
    /// UTC; shown to staff on the device only, never exported.
    pub released_at: String,
    pub period_kind: String,
    pub first_month: String,
    pub last_month: String,
    pub breakdown: String,
    pub layout: String,
    pub rules: String,
    pub app_version: String,
    pub questionnaire_version: u32,
    pub groups: i64,
    pub withheld: i64,
}

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

    /// Stores one response. When this returns, the response is committed and synced.
    pub fn submit(&mut self, response: &NewResponse) -> Result<i64, AppError> {
        let tx = self.begin()?;
        let id = insert_response(&tx, response)?;
        tx.commit()?;
        Ok(id)
    }

    /// Stores many responses in one transaction: all of them or none.
    pub fn insert_all(&mut self, responses: &[NewResponse]) -> Result<(), AppError> {
        let tx = self.begin()?;
        for r in responses {
            insert_response(&tx, r)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores responses produced one by one, in one transaction (the demo's millions).
    pub fn insert_iter(
        &mut self,
        responses: impl Iterator<Item = NewResponse>,
    ) -> Result<u64, AppError> {
        let tx = self.begin()?;
        let mut n = 0;
        for r in responses {
            insert_response(&tx, &r)?;
            n += 1;
        }
        tx.commit()?;
        Ok(n)
    }

    pub fn response_count(&self) -> Result<u64, AppError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?)
    }

    /// Responses that came from a person (on the device or on paper), not the demo.
    pub fn non_demo_response_count(&self) -> Result<u64, AppError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM responses WHERE source <> 'demo'",
            [],
            |r| r.get(0),
        )?)
    }

    /// How many responses each team has, by name.
    pub fn response_count_by_team(&self) -> Result<Vec<(String, u64)>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.name, count(*) FROM responses r JOIN teams t ON t.id = r.team_id
             GROUP BY t.id ORDER BY t.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Comments from the months before `before`, by month (newest first) and then by
    /// text. A month in progress is left out and the order within a month is not the
    /// order of writing: staff who hand the device over must not be able to match a
    /// comment to the person they just saw.
    pub fn comments(&self, before: Month) -> Result<Vec<Comment>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.name, r.session_month, r.comment FROM responses r JOIN teams t ON t.id = r.team_id
             WHERE r.comment IS NOT NULL AND r.session_month < ?1
             ORDER BY r.session_month DESC, r.comment, t.name",
        )?;
        let rows = stmt.query_map([before.to_string()], |r| {
            Ok(Comment {
                team: r.get(0)?,
                month: r.get(1)?,
                comment: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The months that hold responses, oldest first.
    pub fn months(&self) -> Result<Vec<Month>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT session_month FROM responses ORDER BY session_month")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for m in rows {
            out.extend(Month::parse(&m?));
        }
        Ok(out)
    }

    /// Calls `f` for every response of a compatible questionnaire version in the months
    /// `from..=to`, leaving out responses added to a month after it was first released
    /// (`released`: month -> last response id then). Returns, for each month, how many
    /// were left out: (other questionnaire versions, added after release).
    pub fn for_each_response(
        &self,
        from: Month,
        to: Month,
        versions: &[u32],
        released: &HashMap<Month, i64>,
        mut f: impl FnMut(&ResponseRow),
    ) -> Result<LeftOut, AppError> {
        // Column list from the questionnaire's own ids, which are fixed identifiers.
        let columns: Vec<&str> = ITEMS.iter().map(|i| i.id).collect();
        // Most of the months: one pass over the table reads faster than the month index
        // and a look-up per row. A few months of many: the index.
        let span: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT (SELECT min(session_month) FROM responses), (SELECT max(session_month) FROM responses)",
                [],
                |r| Ok(r.get::<_, Option<String>>(0)?.zip(r.get::<_, Option<String>>(1)?)),
            )?;
        let months = |a: Month, b: Month| {
            (b.year() * 12 + b.month() as i32) - (a.year() * 12 + a.month() as i32) + 1
        };
        let scan = span
            .and_then(|(a, b)| Some((Month::parse(&a)?, Month::parse(&b)?)))
            .is_some_and(|(a, b)| {
                let covered = months(from.max(a), to.min(b)).max(0);
                2 * covered >= months(a, b)
            });
        let sql = format!(
            "SELECT questionnaire_version, team_id, session_type_id, role_id, session_month, id, {}
             FROM responses WHERE {}session_month BETWEEN ?1 AND ?2",
            columns.join(", "),
            if scan { "+" } else { "" }
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
        let mut left_out = LeftOut::default();
        // Each month's text is read once: (text, month, last response id released).
        let mut seen_months: Vec<([u8; 7], Month, i64)> = Vec::new();
        while let Some(r) = rows.next()? {
            let version: u32 = r.get(0)?;
            let month_text = r.get_ref(4)?.as_bytes().map_err(rusqlite::Error::from)?;
            let (month, cutoff) = match seen_months
                .iter()
                .find(|(t, _, _)| t.as_slice() == month_text)
            {
                Some((_, m, c)) => (*m, *c),
                None => {
                    let text = std::str::from_utf8(month_text).unwrap_or("");
                    let m = Month::parse(text)
                        .filter(|_| month_text.len() == 7)
                        .ok_or_else(|| {
                            AppError::Storage(format!("a stored month is not valid: {text:?}"))
                        })?;
                    let c = released.get(&m).copied().unwrap_or(i64::MAX);
                    let mut key = [0u8; 7];
                    key.copy_from_slice(month_text);
                    seen_months.push((key, m, c));
                    (m, c)
                }
            };
            if r.get::<_, i64>(5)? > cutoff {
                left_out.by_month.entry(month).or_default().1 += 1;
                continue;
            }
            if !versions.contains(&version) {
                left_out.by_month.entry(month).or_default().0 += 1;
                continue;
            }
            let mut answers: Answers = [None; ITEMS.len()];
            for (i, a) in answers.iter_mut().enumerate() {
                // The schema's checks keep answers to 0..=5.
                *a = match r.get_ref(6 + i)? {
                    rusqlite::types::ValueRef::Integer(v) => u8::try_from(v).ok(),
                    _ => None,
                };
            }
            f(&ResponseRow {
                team: r.get(1)?,
                session_type: r.get(2)?,
                role: r.get(3)?,
                month,
                answers,
            });
        }
        Ok(left_out)
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

    /// For each month some release covered, the last response id at its first release.
    pub fn released_months(&self) -> Result<HashMap<Month, i64>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT month, last_response_id FROM released_months")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (m, id) = row?;
            let month = Month::parse(&m).ok_or_else(|| {
                AppError::Storage(format!("a released month is not valid: {m:?}"))
            })?;
            out.insert(month, id);
        }
        Ok(out)
    }

    /// The recorded release for exactly this request, if there is one (the first).
    pub fn find_release(&self, key: &ReleaseKey) -> Result<Option<String>, AppError> {
        Ok(self
            .conn
            .query_row(
                "SELECT cells FROM releases WHERE period_kind = ?1 AND first_month = ?2
                 AND last_month = ?3 AND breakdown = ?4 AND layout = ?5 ORDER BY id LIMIT 1",
                params![
                    key.period_kind,
                    key.first_month,
                    key.last_month,
                    key.breakdown,
                    key.layout
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every recorded release that shares months with `from..=to`, directly or through
    /// other releases (a quarter that overlaps a month that overlaps ...), with the
    /// months they cover together, oldest release first.
    pub fn overlapping_releases(
        &self,
        from: Month,
        to: Month,
    ) -> Result<(Vec<String>, Month, Month), AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, first_month, last_month FROM releases ORDER BY id")?;
        let all: Vec<(i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let parse = |m: &str| {
            Month::parse(m)
                .ok_or_else(|| AppError::Storage(format!("a release's month is not valid: {m:?}")))
        };
        let spans: Vec<(i64, Month, Month)> = all
            .iter()
            .map(|(id, a, b)| Ok((*id, parse(a)?, parse(b)?)))
            .collect::<Result<_, AppError>>()?;
        let (mut lo, mut hi) = (from, to);
        let mut taken = vec![false; spans.len()];
        loop {
            let mut grew = false;
            for (i, (_, a, b)) in spans.iter().enumerate() {
                if !taken[i] && *a <= hi && *b >= lo {
                    taken[i] = true;
                    lo = lo.min(*a);
                    hi = hi.max(*b);
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        let mut cells = Vec::new();
        let mut one = self
            .conn
            .prepare("SELECT cells FROM releases WHERE id = ?1")?;
        for (i, (id, _, _)) in spans.iter().enumerate() {
            if taken[i] {
                cells.push(one.query_row([id], |r| r.get(0))?);
            }
        }
        Ok((cells, lo, hi))
    }

    /// Appends a release to the ledger and marks its months released, in one
    /// transaction. Returns the release's number in the ledger.
    pub fn record_release(&mut self, r: &NewRelease) -> Result<i64, AppError> {
        let tx = self.begin()?;
        let last_id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) FROM responses", [], |r| {
            r.get(0)
        })?;
        let released_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        tx.execute(
            "INSERT INTO releases (released_at, period_kind, first_month, last_month, breakdown,
                 rules, app_version, questionnaire_version, groups, withheld, cells, layout)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                released_at,
                r.key.period_kind,
                r.key.first_month,
                r.key.last_month,
                r.key.breakdown,
                r.rules,
                r.app_version,
                r.questionnaire_version,
                r.groups as i64,
                r.withheld as i64,
                r.cells,
                r.key.layout
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            chrono::Utc::now(),
            Action::Export,
            &format!(
                "Exported release {id}: {} {} to {}, {}, {} layout",
                r.key.period_kind,
                r.key.first_month,
                r.key.last_month,
                r.key.breakdown,
                r.key.layout
            ),
        )?;
        let mut month = Month::parse(&r.key.first_month)
            .ok_or_else(|| AppError::Storage("a release's first month is not valid".into()))?;
        let last = Month::parse(&r.key.last_month)
            .ok_or_else(|| AppError::Storage("a release's last month is not valid".into()))?;
        while month <= last {
            tx.execute(
                "INSERT INTO released_months (month, last_response_id) VALUES (?1, ?2)
                 ON CONFLICT (month) DO NOTHING",
                params![month.to_string(), last_id],
            )?;
            month = month.next();
        }
        tx.commit()?;
        Ok(id)
    }

    /// Every release in the ledger, oldest first: (number, first month, last month,
    /// the record).
    pub fn ledger(&self) -> Result<Vec<(i64, Month, Month, String)>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, first_month, last_month, cells FROM releases ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, a, b, cells) = row?;
            let parse = |m: &str| {
                Month::parse(m).ok_or_else(|| {
                    AppError::Storage(format!("a release's month is not valid: {m:?}"))
                })
            };
            out.push((id, parse(&a)?, parse(&b)?, cells));
        }
        Ok(out)
    }

    /// The ledger for staff, newest first.
    pub fn release_history(&self) -> Result<Vec<ReleaseEntry>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, released_at, period_kind, first_month, last_month, breakdown, rules,
                    app_version, questionnaire_version, groups, withheld, layout
             FROM releases ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ReleaseEntry {
                number: r.get(0)?,
                released_at: r.get(1)?,
                period_kind: r.get(2)?,
                first_month: r.get(3)?,
                last_month: r.get(4)?,
                breakdown: r.get(5)?,
                rules: r.get(6)?,
                app_version: r.get(7)?,
                questionnaire_version: r.get(8)?,
                groups: r.get(9)?,
                withheld: r.get(10)?,
                layout: r.get(11)?,
            })
        })?;
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

fn insert_response(tx: &Transaction, r: &NewResponse) -> Result<i64, AppError> {
    let columns: Vec<&str> = ITEMS.iter().map(|i| i.id).collect();
    let placeholders: Vec<String> = (9..9 + columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO responses (questionnaire_version, submitted_at, session_month, source, team_id,
             session_type_id, role_id, comment, {}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {})",
        columns.join(", "),
        placeholders.join(", ")
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let submitted_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut values: Vec<Box<dyn rusqlite::ToSql>> = vec![
        Box::new(r.questionnaire_version),
        Box::new(submitted_at),
        Box::new(r.session_month.to_string()),
        Box::new(r.source.id()),
        Box::new(r.team),
        Box::new(r.session_type),
        Box::new(r.role),
        Box::new(r.comment.clone()),
    ];
    values.extend(
        r.answers
            .iter()
            .map(|a| Box::new(*a) as Box<dyn rusqlite::ToSql>),
    );
    stmt.execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(tx.last_insert_rowid())
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
