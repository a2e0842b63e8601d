//! The audit trail, the passphrase's wrong-try counter, and the settings that guard
//! the device: kiosk mode and how long responses are kept.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{get_setting, set_setting, Store};
use crate::error::AppError;
use crate::period::Month;

const FAILED_TRIES_KEY: &str = "failed_unlock_tries";
const PAUSED_UNTIL_KEY: &str = "unlock_paused_until";
const KIOSK_KEY: &str = "kiosk";
const RETENTION_KEY: &str = "retention_months";
const DELETED_BEFORE_KEY: &str = "responses_deleted_before";

/// What the audit trail records. The text of `detail` is written by the app, never
/// copied from what a service user typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Unlock,
    WrongPassphrase,
    Paused,
    PassphraseChanged,
    PassphraseReset,
    Export,
    Backup,
    Restore,
    RetentionSet,
    Deletion,
    Kiosk,
    CloseApp,
    DiscardUnsaved,
    SavedLate,
    LogKept,
    /// Staff saw that people asked to talk to someone: recorded as a count only.
    TalkAcknowledged,
}

impl Action {
    pub fn id(self) -> &'static str {
        match self {
            Action::Unlock => "unlock",
            Action::WrongPassphrase => "wrong_passphrase",
            Action::Paused => "unlock_paused",
            Action::PassphraseChanged => "passphrase_changed",
            Action::PassphraseReset => "passphrase_reset",
            Action::Export => "export",
            Action::Backup => "backup",
            Action::Restore => "restore",
            Action::RetentionSet => "retention_set",
            Action::Deletion => "deletion",
            Action::Kiosk => "kiosk",
            Action::CloseApp => "close_app",
            Action::DiscardUnsaved => "discard_unsaved",
            Action::SavedLate => "saved_late",
            Action::LogKept => "log_kept",
            Action::TalkAcknowledged => "talk_acknowledged",
        }
    }
}

/// One row of the audit trail as staff read it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct AuditEntry {
    /// UTC, to the second; on the device only, never exported.
    pub at: String,
    pub who: String,
    pub action: String,
    pub detail: String,
}

/// The wrong-try state of the staff passphrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tries {
    /// Wrong tries since the last right one.
    pub failed: u32,
    /// No try is checked before this time.
    pub paused_until: Option<DateTime<Utc>>,
}

/// How many wrong tries in a row are free of any wait.
pub const FREE_TRIES: u32 = 5;
/// The wait after the fifth wrong try; it doubles with each further one.
pub const FIRST_PAUSE_SECS: i64 = 30;
/// The longest wait: long enough to make guessing hopeless, short enough that staff
/// who mistyped are not shut out of their own device for a day.
pub const MAX_PAUSE_SECS: i64 = 15 * 60;

/// The wait after `failed` wrong tries in a row, if any.
pub fn pause_after(failed: u32) -> Option<chrono::Duration> {
    if failed < FREE_TRIES {
        return None;
    }
    let doublings = (failed - FREE_TRIES).min(16);
    let secs = (FIRST_PAUSE_SECS << doublings).min(MAX_PAUSE_SECS);
    Some(chrono::Duration::seconds(secs))
}

fn stamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Appends one row to the audit trail, inside the caller's transaction so that the
/// action and its record are written together or not at all.
pub(super) fn append(
    conn: &Connection,
    at: DateTime<Utc>,
    action: Action,
    detail: &str,
) -> Result<(), AppError> {
    conn.execute(
        "INSERT INTO audit (at, who, action, detail) VALUES (?1, 'staff', ?2, ?3)",
        params![stamp(at), action.id(), detail],
    )?;
    Ok(())
}

/// The first month whose responses are kept when `months` are kept at `now`: the
/// month in progress and the `months` before it.
pub fn retention_cutoff(months: u32, now: Month) -> Month {
    (0..months).fold(now, |m, _| m.prev())
}

/// Longest retention staff can set, in months (50 years: in effect, "keep").
pub const MAX_RETENTION_MONTHS: u32 = 600;

impl Store {
    /// Records an action on its own.
    pub fn audit(&mut self, action: Action, detail: &str) -> Result<(), AppError> {
        self.ready_to_write()?;
        append(&self.conn, Utc::now(), action, detail)
    }

    /// The audit trail, newest first, at most `limit` rows.
    pub fn audit_trail(&self, limit: usize) -> Result<Vec<AuditEntry>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT at, who, action, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = stmt.query_map([limit as i64], |r| {
            Ok(AuditEntry {
                at: r.get(0)?,
                who: r.get(1)?,
                action: r.get(2)?,
                detail: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn tries(&self) -> Result<Tries, AppError> {
        let failed = get_setting(&self.conn, FAILED_TRIES_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let paused_until = get_setting(&self.conn, PAUSED_UNTIL_KEY)?
            .and_then(|v| DateTime::parse_from_rfc3339(&v).ok())
            .map(|t| t.with_timezone(&Utc));
        Ok(Tries {
            failed,
            paused_until,
        })
    }

    /// Counts a wrong try and, from the fifth in a row, pauses further tries. The count,
    /// the pause and their audit rows are one transaction.
    pub fn record_wrong_try(&mut self, at: DateTime<Utc>, what: &str) -> Result<Tries, AppError> {
        let tx = self.begin()?;
        let failed: u32 = get_setting(&tx, FAILED_TRIES_KEY)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0u32)
            .saturating_add(1);
        set_setting(&tx, FAILED_TRIES_KEY, &failed.to_string())?;
        append(
            &tx,
            at,
            Action::WrongPassphrase,
            &format!("Wrong passphrase ({what}); {failed} in a row"),
        )?;
        let paused_until = pause_after(failed).map(|d| at + d);
        if let Some(until) = paused_until {
            set_setting(&tx, PAUSED_UNTIL_KEY, &stamp(until))?;
            append(
                &tx,
                at,
                Action::Paused,
                &format!(
                    "Passphrase tries paused for {} seconds",
                    (until - at).num_seconds()
                ),
            )?;
        }
        tx.commit()?;
        Ok(Tries {
            failed,
            paused_until,
        })
    }

    /// A right passphrase: clears the count and records what it was for, if anything.
    pub fn record_right_try(
        &mut self,
        at: DateTime<Utc>,
        record: Option<(Action, &str)>,
    ) -> Result<(), AppError> {
        let tx = self.begin()?;
        tx.execute(
            "DELETE FROM settings WHERE key IN (?1, ?2)",
            [FAILED_TRIES_KEY, PAUSED_UNTIL_KEY],
        )?;
        if let Some((action, detail)) = record {
            append(&tx, at, action, detail)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Replaces the passphrase hash and clears the wrong-try count, with its audit row.
    pub fn set_passphrase(
        &mut self,
        hash: &str,
        action: Action,
        detail: &str,
    ) -> Result<(), AppError> {
        let tx = self.begin()?;
        if get_setting(&tx, super::PASSPHRASE_KEY)?.is_none() {
            return Err(AppError::NotConfigured);
        }
        set_setting(&tx, super::PASSPHRASE_KEY, hash)?;
        tx.execute(
            "DELETE FROM settings WHERE key IN (?1, ?2)",
            [FAILED_TRIES_KEY, PAUSED_UNTIL_KEY],
        )?;
        append(&tx, Utc::now(), action, detail)?;
        tx.commit()?;
        Ok(())
    }

    pub fn kiosk(&self) -> Result<bool, AppError> {
        Ok(get_setting(&self.conn, KIOSK_KEY)?.as_deref() == Some("on"))
    }

    pub fn set_kiosk(&mut self, on: bool) -> Result<(), AppError> {
        let tx = self.begin()?;
        set_setting(&tx, KIOSK_KEY, if on { "on" } else { "off" })?;
        append(
            &tx,
            Utc::now(),
            Action::Kiosk,
            if on {
                "Kiosk mode turned on"
            } else {
                "Kiosk mode turned off"
            },
        )?;
        tx.commit()?;
        Ok(())
    }

    /// How many months responses are kept; `None`: all are kept.
    pub fn retention_months(&self) -> Result<Option<u32>, AppError> {
        get_setting(&self.conn, RETENTION_KEY)?
            .map(|v| {
                v.parse().map_err(|_| {
                    AppError::Storage(format!("the retention setting is not a number: {v:?}"))
                })
            })
            .transpose()
    }

    /// The first month whose responses were never deleted: responses of earlier months
    /// may be gone, so no new export may cover them.
    pub fn deleted_before(&self) -> Result<Option<Month>, AppError> {
        deleted_before(&self.conn)
    }

    /// How many responses keeping `months` would delete now.
    pub fn count_older_than(&self, months: u32, now: Month) -> Result<u64, AppError> {
        let cutoff = retention_cutoff(months, now);
        Ok(self.conn.query_row(
            "SELECT count(*) FROM responses WHERE session_month < ?1",
            [cutoff.to_string()],
            |r| r.get(0),
        )?)
    }

    /// Sets the retention (`None`: keep everything) and deletes what it no longer keeps,
    /// with the audit rows, in one transaction. Returns how many were deleted.
    pub fn set_retention(&mut self, months: Option<u32>, now: Month) -> Result<u64, AppError> {
        let tx = self.begin()?;
        let at = Utc::now();
        match months {
            None => {
                tx.execute("DELETE FROM settings WHERE key = ?1", [RETENTION_KEY])?;
                append(
                    &tx,
                    at,
                    Action::RetentionSet,
                    "Responses are kept until deleted",
                )?;
            }
            Some(m) => {
                set_setting(&tx, RETENTION_KEY, &m.to_string())?;
                append(
                    &tx,
                    at,
                    Action::RetentionSet,
                    &format!("Responses are kept for {m} months"),
                )?;
            }
        }
        let deleted = match months {
            Some(m) => delete_before(&tx, retention_cutoff(m, now), m, at)?,
            None => 0,
        };
        tx.commit()?;
        self.flush_deleted(deleted);
        Ok(deleted)
    }

    /// Deletes the responses the retention setting no longer keeps (at start, and as
    /// months pass). Returns how many.
    pub fn apply_retention(&mut self, now: Month) -> Result<u64, AppError> {
        let Some(months) = self.retention_months()? else {
            return Ok(0);
        };
        // Nothing to delete and the cut-off recorded: nothing is written (a write
        // waits for the full check of the file).
        let cutoff = retention_cutoff(months, now);
        if self.count_older_than(months, now)? == 0
            && deleted_before(&self.conn)?.is_some_and(|d| d >= cutoff)
        {
            return Ok(0);
        }
        let tx = self.begin()?;
        let deleted = delete_before(&tx, cutoff, months, Utc::now())?;
        tx.commit()?;
        self.flush_deleted(deleted);
        Ok(deleted)
    }

    /// After a deletion, copies the write-ahead log into the database and empties it,
    /// so the deleted rows' old pages do not linger there. Best effort: a reader may
    /// hold the log, and the next checkpoint then does it.
    fn flush_deleted(&self, deleted: u64) {
        if deleted > 0 {
            if let Err(e) = self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)") {
                eprintln!("psi-feedback: the log could not be emptied after a deletion: {e}");
            }
        }
    }
}

fn deleted_before(conn: &Connection) -> Result<Option<Month>, AppError> {
    get_setting(conn, DELETED_BEFORE_KEY)?
        .map(|v| {
            Month::parse(&v)
                .ok_or_else(|| AppError::Storage(format!("a deletion month is not valid: {v:?}")))
        })
        .transpose()
}

/// Deletes responses of months before `cutoff` and records it. The release ledger is
/// left as it is: it holds only what was published, and it is how a repeat request
/// still gets the same file.
fn delete_before(
    conn: &Connection,
    cutoff: Month,
    months: u32,
    at: DateTime<Utc>,
) -> Result<u64, AppError> {
    let deleted = conn.execute(
        "DELETE FROM responses WHERE session_month < ?1",
        [cutoff.to_string()],
    )? as u64;
    if deleted > 0 {
        append(
            conn,
            at,
            Action::Deletion,
            &format!(
                "Deleted {deleted} responses from before {} (kept for {months} months)",
                cutoff
            ),
        )?;
    }
    // Remember the latest cut-off ever applied, even if a longer retention is set later.
    if deleted_before(conn)?.is_none_or(|d| d < cutoff) {
        conn.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [DELETED_BEFORE_KEY, &cutoff.to_string()],
        )?;
    }
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_start_at_the_fifth_wrong_try_and_double_up_to_a_cap() {
        assert_eq!(pause_after(0), None);
        assert_eq!(pause_after(4), None);
        assert_eq!(pause_after(5).unwrap().num_seconds(), 30);
        assert_eq!(pause_after(6).unwrap().num_seconds(), 60);
        assert_eq!(pause_after(7).unwrap().num_seconds(), 120);
        assert_eq!(pause_after(10).unwrap().num_seconds(), 900);
        assert_eq!(pause_after(u32::MAX).unwrap().num_seconds(), 900);
    }

    #[test]
    fn the_cutoff_keeps_the_month_in_progress_and_the_months_before() {
        let now = Month::parse("2026-11").unwrap();
        assert_eq!(retention_cutoff(0, now), now);
        assert_eq!(retention_cutoff(12, now).to_string(), "2025-11");
        assert_eq!(retention_cutoff(1, now).to_string(), "2026-10");
    }
}
