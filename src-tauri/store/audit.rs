//! The audit trail and the passphrase's wrong-try counter.

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;

use super::{get_setting, set_setting, Store};
use crate::error::AppError;

const FAILED_TRIES_KEY: &str = "failed_unlock_tries";
const PAUSED_UNTIL_KEY: &str = "unlock_paused_until";

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
    /// The practitioner's estimate at hand-over turned on or off.
    Estimate,
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
            Action::Estimate => "estimate_setting",
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
}
