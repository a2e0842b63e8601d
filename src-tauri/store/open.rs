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
mod tests {
    use super::*;
    use crate::store::{ContextList, DB_FILE};
    use std::path::PathBuf;

    /// A database of ours with `n` responses (row i has the comment "comment number i"),
    /// closed cleanly.
    fn db_with(dir: &Path, n: usize) -> PathBuf {
        let db = dir.join(DB_FILE);
        let mut s = Store::open(&db).unwrap();
        for (list, name) in [
            (ContextList::Teams, "North"),
            (ContextList::SessionTypes, "Individual"),
            (ContextList::Roles, "Nurse"),
        ] {
            s.ensure_names(list, &[name.into()]).unwrap();
        }
        s.conn
            .execute_batch(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
                 INSERT INTO responses (questionnaire_version, submitted_at, session_month,
                     source, team_id, session_type_id, role_id, comment)
                 SELECT 1, '2026-01-01T00:00:00Z', '2026-01', 'paper', 1, 1, 1,
                        'comment number ' || i FROM n WHERE i <= {n}"
            ))
            .unwrap();
        db
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A database whose log holds `commits` committed transactions (one response each)
    /// that were never checkpointed: the connection that wrote them was never closed,
    /// as when the app is killed. The files are copied to a folder of their own.
    fn left_with_a_log(commits: usize) -> (tempfile::TempDir, PathBuf) {
        let first = tempfile::tempdir().unwrap();
        let db = db_with(first.path(), 0);
        let c = Connection::open(&db).unwrap();
        c.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
        for i in 0..commits {
            c.execute(
                "INSERT INTO responses (questionnaire_version, submitted_at, session_month,
                     source, team_id, session_type_id, role_id, comment)
                 VALUES (1, '2026-01-01T00:00:00Z', '2026-01', 'paper', 1, 1, 1, ?1)",
                [format!("late {i}")],
            )
            .unwrap();
        }
        std::mem::forget(c);
        let dir = tempfile::tempdir().unwrap();
        for suffix in ["", "-wal", "-shm"] {
            std::fs::copy(
                suffixed(&db, suffix),
                suffixed(&dir.path().join(DB_FILE), suffix),
            )
            .unwrap();
        }
        let db = dir_db(&dir);
        (dir, db)
    }

    fn dir_db(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join(DB_FILE)
    }

    /// The page size a log's header gives.
    fn log_page_size(log: &[u8]) -> usize {
        u32::from_be_bytes([log[8], log[9], log[10], log[11]]) as usize
    }

    fn kept_logs(dir: &Path) -> Vec<String> {
        names_in(dir)
            .into_iter()
            .filter(|n| n.contains(".kept-"))
            .collect()
    }

    #[test]
    fn committed_transactions_after_a_damaged_frame_are_kept_reported_and_recorded() {
        let (dir, db) = left_with_a_log(30);
        let wal = suffixed(&db, "-wal");
        let mut log = std::fs::read(&wal).unwrap();
        let page = log_page_size(&log);
        // 4 bytes flipped inside frame 4's page.
        let at = 32 + 3 * (24 + page) + 24 + 200;
        for b in &mut log[at..at + 4] {
            *b ^= 0xff;
        }
        std::fs::write(&wal, &log).unwrap();

        let mut store = Store::open(&db).unwrap();
        let recovered = store.response_count().unwrap() as usize;
        assert!(recovered < 30, "{recovered}");
        let notices = store.notices();
        assert_eq!(notices.len(), 1, "{notices:?}");
        let said = &notices[0];
        assert_eq!(said.key, "error.db.log_kept");
        assert_eq!(said.arg("n"), Some(&*(30 - recovered).to_string()));
        let kept = PathBuf::from(said.arg("kept").unwrap());
        assert_eq!(std::fs::read(&kept).unwrap(), log, "the log as it was");
        assert!(kept
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(&format!("{DB_FILE}-wal.kept-")));
        assert!(said.text().contains(&kept.display().to_string()));
        let trail = store.audit_trail(5).unwrap();
        assert_eq!(trail[0].action, "log_kept");
        assert!(trail[0].detail.contains("kept as"), "{}", trail[0].detail);
        // The app goes on with what was recovered; the copy stays through later opens.
        store
            .ensure_names(ContextList::Teams, &["South".into()])
            .unwrap();
        drop(store);
        let mut again = Store::open(&db).unwrap();
        assert!(again.notices().is_empty());
        assert_eq!(std::fs::read(&kept).unwrap(), log);
        assert_eq!(kept_logs(dir.path()).len(), 2, "the log and its index");
    }

    #[test]
    fn a_log_applied_whole_or_torn_at_its_end_leaves_no_copy() {
        let (dir, db) = left_with_a_log(30);
        let mut store = Store::open(&db).unwrap();
        assert_eq!(store.response_count().unwrap(), 30);
        assert!(store.notices().is_empty());
        assert!(kept_logs(dir.path()).is_empty());
        drop(store);

        // The last frame written only in part, as when the app is killed mid-write.
        let (dir, db) = left_with_a_log(10);
        let wal = suffixed(&db, "-wal");
        let mut log = std::fs::read(&wal).unwrap();
        let end = log.len();
        log[end - 1000..].fill(0);
        std::fs::write(&wal, &log).unwrap();
        let mut store = Store::open(&db).unwrap();
        assert_eq!(store.response_count().unwrap(), 9);
        assert!(store.notices().is_empty());
        assert!(kept_logs(dir.path()).is_empty());
    }

    #[test]
    fn a_log_with_a_damaged_header_is_kept_whole() {
        let (dir, db) = left_with_a_log(5);
        let wal = suffixed(&db, "-wal");
        let mut log = std::fs::read(&wal).unwrap();
        log[16] ^= 0x01; // the first salt: the header's checksum fails
        std::fs::write(&wal, &log).unwrap();
        let mut store = Store::open(&db).unwrap();
        assert_eq!(store.response_count().unwrap(), 0, "none of it applied");
        let notices = store.notices();
        assert_eq!(notices[0].key, "error.db.log_ignored");
        assert_eq!(kept_logs(dir.path()).len(), 2);
    }

    /// A database with `n` responses closed cleanly, with the page that holds response
    /// `row` filled with garbage: deep inside the responses table, where only the full
    /// check looks.
    fn damaged_deep_inside(dir: &Path, n: usize, row: usize) -> PathBuf {
        let db = db_with(dir, n);
        let mut bytes = std::fs::read(&db).unwrap();
        let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
        let marker = format!("comment number {row}");
        let at = bytes
            .windows(marker.len())
            .position(|w| w == marker.as_bytes())
            .unwrap();
        let start = at / page * page;
        bytes[start..start + page].fill(0xA5);
        std::fs::write(&db, &bytes).unwrap();
        db
    }

    #[test]
    fn after_a_clean_close_the_full_check_runs_beside_the_open_and_writes_wait_for_it() {
        for in_background in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let db = damaged_deep_inside(dir.path(), 3000, 1500);
            let before = std::fs::read(&db).unwrap();
            let mut store = Store::open(&db).expect("the cheap checks pass");
            if in_background {
                store.start_full_check();
            }
            let err = store
                .ensure_names(ContextList::Teams, &["South".into()])
                .unwrap_err();
            assert!(matches!(err, AppError::Storage(_)), "{err:?}");
            assert!(store.audit(Action::Export, "x").is_err(), "every write");
            let notices = store.notices();
            assert_eq!(notices.len(), 1);
            assert_eq!(notices[0].key, "error.db.check_failed");
            drop(store);
            assert_eq!(std::fs::read(&db).unwrap(), before, "never written");
        }
    }

    #[test]
    fn after_a_run_that_did_not_end_cleanly_the_whole_file_is_checked_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let db = damaged_deep_inside(dir.path(), 3000, 1500);
        let before = std::fs::read(&db).unwrap();
        // A log left behind, holding a committed transaction.
        std::fs::write(
            suffixed(&db, "-wal"),
            b"a log left by a run that was killed",
        )
        .unwrap();
        let err = Store::open(&db).err().expect("damage found at open");
        assert!(err.message().key.starts_with("error.db.damaged"), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), before);
        assert!(
            kept_logs(dir.path()).is_empty(),
            "the log itself is untouched"
        );
    }

    #[test]
    fn a_file_that_is_not_ours_is_refused_and_left_exactly_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &str); 3] = [
            (
                "recipes.db",
                "CREATE TABLE recipes (name); INSERT INTO recipes VALUES ('soup')",
            ),
            (
                "other-id.db",
                "PRAGMA application_id = 42; CREATE TABLE t (x)",
            ),
            (
                "look-alike.db",
                "CREATE TABLE responses (id); PRAGMA user_version = 3",
            ),
        ];
        for (name, sql) in cases {
            let db = dir.path().join(name);
            Connection::open(&db).unwrap().execute_batch(sql).unwrap();
            let before = std::fs::read(&db).unwrap();
            let err = Store::open(&db).err().expect("refused");
            let said = err.message();
            assert_eq!(said.key, "error.db.not_ours", "{name}");
            assert_eq!(said.arg("path"), Some(&*db.display().to_string()));
            assert!(err.to_string().contains(&db.display().to_string()));
            assert_eq!(std::fs::read(&db).unwrap(), before, "{name}");
        }
        let mut names = vec!["look-alike.db", "other-id.db", "recipes.db"];
        names.sort();
        assert_eq!(names_in(dir.path()), names, "no lock file left either");
    }

    #[test]
    fn an_empty_sqlite_file_is_set_up() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("empty.db");
        Connection::open(&db)
            .unwrap()
            .execute_batch("VACUUM")
            .unwrap();
        assert!(std::fs::metadata(&db).unwrap().len() > 0);
        let store = Store::open(&db).unwrap();
        assert_eq!(store.schema_version().unwrap(), migrations::LATEST);
        let id: i32 = store
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap();
        assert_eq!(id, check::APPLICATION_ID);
    }

    #[test]
    fn copies_a_killed_backup_or_restore_left_are_removed_at_the_next_open() {
        let dir = tempfile::tempdir().unwrap();
        let backups = tempfile::tempdir().unwrap();
        let db = db_with(dir.path(), 3);
        let mut store = Store::open(&db).unwrap();
        store
            .backup_to(&backups.path().join("copy.sqlite3"))
            .unwrap();
        drop(store);
        for (d, name) in [
            (dir.path(), ".psi-feedback-restore-abc"),
            (dir.path(), ".psi-feedback-restore-abc-journal"),
            (backups.path(), ".psi-feedback-backup-xyz"),
            (backups.path(), ".psi-feedback-backup-xyz-journal"),
        ] {
            std::fs::write(d.join(name), b"a full copy").unwrap();
        }
        let _store = Store::open(&db).unwrap();
        assert!(names_in(dir.path()).iter().all(|n| !n.starts_with(".psi")));
        assert_eq!(names_in(backups.path()), ["copy.sqlite3"]);
    }
    #[test]
    fn a_damaged_page_is_found_at_open_and_the_file_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let db = db_with(dir.path(), 3000);
        // Make the file self-contained, then spoil the middle of it.
        Connection::open(&db)
            .unwrap()
            .pragma_update(None, "journal_mode", "DELETE")
            .unwrap();
        let mut bytes = std::fs::read(&db).unwrap();
        let mid = bytes.len() / 2;
        bytes[mid..mid + 4096].fill(0xA5);
        std::fs::write(&db, &bytes).unwrap();
        let err = Store::open(&db).err().expect("damage found");
        assert!(matches!(err, AppError::Unusable(_)), "{err:?}");
        assert!(err.to_string().contains("damaged"), "{err}");
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "never written");
    }

    #[test]
    fn a_database_from_a_newer_version_is_not_touched() {
        let dir = tempfile::tempdir().unwrap();
        let db = db_with(dir.path(), 1);
        Connection::open(&db)
            .unwrap()
            .pragma_update(None, "user_version", migrations::LATEST + 1)
            .unwrap();
        let before = std::fs::read(&db).unwrap();
        let err = Store::open(&db).err().expect("refused");
        assert!(err.to_string().contains("newer version"), "{err}");
        let said = err.message();
        assert_eq!(said.key, "error.db.newer");
        assert_eq!(
            said.arg("version"),
            Some(&*(migrations::LATEST + 1).to_string())
        );
        assert_eq!(said.arg("latest"), Some(&*migrations::LATEST.to_string()));
        assert_eq!(std::fs::read(&db).unwrap(), before);
    }

    #[test]
    fn a_folder_in_place_of_the_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join(DB_FILE);
        std::fs::create_dir(&db).unwrap();
        assert!(matches!(Store::open(&db), Err(AppError::Unusable(_))));
    }
}
