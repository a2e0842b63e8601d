//! Opening the database: every check before anything is written to it, the log a run
//! that did not end cleanly left behind, the copies a killed run left, and the full
//! check that every write waits for.

use std::path::Path;

use chrono::Utc;
use rusqlite::{Connection, OpenFlags, Transaction};

use super::audit::{self, Action};
use super::check::{self, FullCheck, Kind, Outcome};
use super::files::{self, suffixed, SharedLock};
use super::wal::{self, Unapplied};
use super::{get_setting, leftovers, migrations, Store, BUSY_TIMEOUT, LAST_BACKUP_FOLDER_KEY};
use crate::error::{AppError, Message};

fn folder_of(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

fn cannot_open(e: rusqlite::Error) -> AppError {
    AppError::unusable("error.db.cannot_open", vec![("detail", e.to_string())])
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    ///
    /// An existing file is checked before anything is written to it, on a read-only
    /// connection: it must be an SQLite database, ours (or empty), of a schema version
    /// this app knows, and sound (see [`super::check`]). Otherwise the error is
    /// [`AppError::Unusable`] and the file is untouched. A log that a run which did not
    /// end cleanly left behind is copied aside first, and kept if recovery could not
    /// apply all of it (see [`Store::notices`]).
    pub fn open(path: &Path) -> Result<Store, AppError> {
        let dir = folder_of(path);
        std::fs::create_dir_all(dir).map_err(|e| {
            AppError::unusable(
                "error.db.no_folder",
                vec![
                    ("folder", dir.display().to_string()),
                    ("detail", e.to_string()),
                ],
            )
        })?;
        let lock = SharedLock::take(path)?;
        match open_locked(path, lock.alone) {
            Ok((conn, check, notices)) => Ok(Store {
                conn,
                path: path.to_path_buf(),
                _lock: lock,
                check,
                notices,
            }),
            Err(e) => {
                lock.release_refused();
                Err(e)
            }
        }
    }

    /// Starts the full check on its own thread, if it has not run in this run. The
    /// window starts it once it is up; the command line at once.
    pub fn start_full_check(&mut self) {
        if matches!(self.check, FullCheck::Due) {
            self.check = check::start(self.path.clone());
        }
    }

    /// What staff should be told about the file, without waiting: a log kept aside at
    /// the open because recovery could not apply it, and damage the full check found.
    pub fn notices(&mut self) -> Vec<Message> {
        if matches!(&self.check, FullCheck::Running(h) if h.is_finished()) {
            if let FullCheck::Running(h) = std::mem::replace(&mut self.check, FullCheck::Due) {
                self.check = h.join().map(check::settle).unwrap_or(FullCheck::Due);
            }
        }
        let mut out = self.notices.clone();
        if let FullCheck::Failed(found) = &self.check {
            out.push(found.clone());
        }
        out
    }

    /// Waits for the full check (running it here if it has not run) before a write; once
    /// it has found damage, every write is refused. The error is a storage error, so a
    /// response is kept in memory as for a full disk.
    pub(super) fn ready_to_write(&mut self) -> Result<(), AppError> {
        loop {
            match std::mem::replace(&mut self.check, FullCheck::Passed) {
                FullCheck::Passed => return Ok(()),
                FullCheck::Failed(found) => {
                    let text = found.text();
                    self.check = FullCheck::Failed(found);
                    return Err(AppError::Storage(text));
                }
                FullCheck::Running(h) => {
                    self.check = h.join().map(check::settle).unwrap_or(FullCheck::Due);
                }
                FullCheck::Due => match check::full_check_on(&self.conn) {
                    Outcome::NotRun => {
                        self.check = FullCheck::Due;
                        return Err(AppError::Storage(
                            "the full check of the database could not run: it is busy".into(),
                        ));
                    }
                    outcome => self.check = check::settle(outcome),
                },
            }
        }
    }

    /// A write transaction, once the full check has passed.
    pub(super) fn begin(&mut self) -> Result<Transaction<'_>, AppError> {
        self.ready_to_write()?;
        Ok(self.conn.transaction()?)
    }
}

/// The open itself, under the lock: the connection, the state of the full check, and
/// the notices for staff.
fn open_locked(
    path: &Path,
    alone: bool,
) -> Result<(Connection, FullCheck, Vec<Message>), AppError> {
    leftovers::remove_in(folder_of(path));
    let existing = files::check_header(path)?;
    // A log with content and no other run using the database: the last run did not end
    // cleanly. Kept before anything can write over it.
    let unclean = alone && files::has_content(path, "-wal");
    let kept = if unclean {
        wal::keep(path, Utc::now()).map_err(|e| {
            AppError::unusable(
                "error.db.log_not_kept",
                vec![
                    ("path", suffixed(path, "-wal").display().to_string()),
                    ("detail", e.to_string()),
                ],
            )
        })?
    } else {
        None
    };
    let checked = match look(path, existing, unclean) {
        Ok(checked) => checked,
        Err(e) => {
            // The log is where it was, untouched: the copy is not needed.
            if let Some(kept) = kept {
                kept.remove();
            }
            return Err(e);
        }
    };
    let mut conn = Connection::open(path).map_err(cannot_open)?;
    // A busy database (a backup or a command line export in progress) is waited for
    // this long before a write gives up with an error.
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL: readers (a staff summary) never block a submit. synchronous=FULL: in WAL
    // mode, NORMAL can lose the last commits on power loss; FULL syncs the WAL at
    // every commit, so a response is on disk before the UI says "thank you".
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // Deleted rows (retention) are overwritten with zeros, not left readable in free
    // pages, and so not carried into later backups.
    conn.pragma_update(None, "secure_delete", "ON")?;
    migrations::migrations().to_latest(&mut conn)?;
    let mut notices = Vec::new();
    if let Some(kept) = kept {
        notices.extend(judge_log(&conn, path, kept)?);
    }
    // A copy a killed backup left beside the last backup goes too.
    if let Some(folder) = get_setting(&conn, LAST_BACKUP_FOLDER_KEY)? {
        leftovers::remove_in(Path::new(&folder));
    }
    let check = if checked {
        FullCheck::Passed
    } else {
        FullCheck::Due
    };
    Ok((conn, check, notices))
}

/// The read-only look before the open: whether the file is ours, of a schema we know,
/// and sound. Returns whether the whole file was checked.
fn look(path: &Path, existing: bool, unclean: bool) -> Result<bool, AppError> {
    if !existing {
        return Ok(true);
    }
    if !files::has_content(path, "-wal") && !files::has_content(path, "-journal") {
        check::fits_its_header(path)?;
    }
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(cannot_open)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    let version = match check::identify(&conn)? {
        Kind::Foreign => return Err(check::not_ours(path)),
        Kind::Empty => 0,
        Kind::Ours(v) => v,
    };
    // The open writes to the file itself when it brings the schema up to date or
    // switches the file to WAL mode. Then, and after a run that did not end cleanly,
    // the whole file is checked first; otherwise the first write waits for it.
    let writes = version < migrations::LATEST || !files::in_wal_mode(path);
    if unclean || writes {
        check::quick_check(&conn)?;
        Ok(true)
    } else {
        check::structure(&conn)?;
        Ok(false)
    }
}

/// Reads the kept copy of the log: if recovery applied everything that was committed,
/// the copy goes; otherwise it stays, the audit trail records it, and staff are told.
fn judge_log(conn: &Connection, db: &Path, kept: wal::Kept) -> Result<Vec<Message>, AppError> {
    let found = std::fs::File::open(&kept.log).and_then(wal::read);
    let shown = kept.log.display().to_string();
    let name = kept
        .log
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (message, detail) = match found {
        Ok(Unapplied::Nothing) => {
            kept.remove();
            return Ok(Vec::new());
        }
        Ok(Unapplied::AfterDamage {
            first_bad, commits, ..
        }) => (
            Message::new(
                "error.db.log_kept",
                vec![
                    ("n", commits.to_string()),
                    ("path", db.display().to_string()),
                    ("kept", shown),
                ],
            ),
            format!(
                "The log left by a run that did not end cleanly held {commits} saved transactions after a damaged part (frame {first_bad}), which could not be applied; it is kept as {name}"
            ),
        ),
        Ok(Unapplied::WholeLog { bytes }) => (
            Message::new(
                "error.db.log_ignored",
                vec![
                    ("path", db.display().to_string()),
                    ("kept", shown),
                    ("bytes", bytes.to_string()),
                ],
            ),
            format!(
                "The log left by a run that did not end cleanly had a damaged header, so none of it ({bytes} bytes) could be applied; it is kept as {name}"
            ),
        ),
        Err(e) => {
            // Never removed unread.
            eprintln!(
                "psi-feedback: the copy of the log {} could not be read, and is kept: {e}",
                kept.log.display()
            );
            return Ok(Vec::new());
        }
    };
    audit::append(conn, Utc::now(), Action::LogKept, &detail)?;
    Ok(vec![message])
}

#[cfg(test)]
mod tests;
