//! The settings that guard the device: kiosk mode and how long responses are kept.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::audit::{append, Action};
use super::{get_setting, set_setting, Store};
use crate::error::AppError;
use crate::period::Month;

const KIOSK_KEY: &str = "kiosk";
const ESTIMATE_KEY: &str = "ask_estimate";
const RETENTION_KEY: &str = "retention_months";
const DELETED_BEFORE_KEY: &str = "responses_deleted_before";

/// The first month whose responses are kept when `months` are kept at `now`: the
/// month in progress and the `months` before it.
pub fn retention_cutoff(months: u32, now: Month) -> Month {
    (0..months).fold(now, |m, _| m.prev())
}

/// Longest retention staff can set, in months (50 years: in effect, "keep").
pub const MAX_RETENTION_MONTHS: u32 = 600;

impl Store {
    pub fn kiosk(&self) -> Result<bool, AppError> {
        Ok(get_setting(&self.conn, KIOSK_KEY)?.as_deref() == Some("on"))
    }

    pub fn set_kiosk(&mut self, on: bool) -> Result<(), AppError> {
        let said = ["Kiosk mode turned off", "Kiosk mode turned on"];
        self.set_switch(KIOSK_KEY, on, Action::Kiosk, said)
    }

    /// Turns a device setting on or off, recorded in the audit trail in the words
    /// `said` (off, on), in one transaction.
    fn set_switch(
        &mut self,
        key: &str,
        on: bool,
        action: Action,
        said: [&str; 2],
    ) -> Result<(), AppError> {
        let tx = self.begin()?;
        set_setting(&tx, key, if on { "on" } else { "off" })?;
        append(&tx, Utc::now(), action, said[usize::from(on)])?;
        tx.commit()?;
        Ok(())
    }

    /// Whether the practitioner is asked for an estimate at hand-over (off unless set).
    pub fn asks_estimate(&self) -> Result<bool, AppError> {
        Ok(get_setting(&self.conn, ESTIMATE_KEY)?.as_deref() == Some("on"))
    }

    pub fn set_asks_estimate(&mut self, on: bool) -> Result<(), AppError> {
        let said = [
            "Practitioner's estimate at hand-over turned off",
            "Practitioner's estimate at hand-over turned on",
        ];
        self.set_switch(ESTIMATE_KEY, on, Action::Estimate, said)
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
    fn the_cutoff_keeps_the_month_in_progress_and_the_months_before() {
        let now = Month::parse("2026-11").unwrap();
        assert_eq!(retention_cutoff(0, now), now);
        assert_eq!(retention_cutoff(12, now).to_string(), "2025-11");
        assert_eq!(retention_cutoff(1, now).to_string(), "2026-10");
    }
}
