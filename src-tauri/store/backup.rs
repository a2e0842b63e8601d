//! Backups and restores. A backup is a consistent copy made with SQLite's online backup
//! API and written through [`super::output`], like every file the app writes. A restore
//! checks a copy of the backup in full before it puts it in place, and keeps the
//! database that was there.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use super::audit::{self, Action};
use super::check::{self, Kind};
use super::files::{exclusive_lock, suffixed, sync_dir};
use super::output::{self, TempFile, BEFORE_RESTORE, TEMP_BACKUP, TEMP_RESTORE};
use super::{leftovers, migrations, set_setting, Store, LAST_BACKUP_FOLDER_KEY};
use crate::error::AppError;

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    /// Where the database that was there before now is, if there was one.
    pub kept_as: Option<PathBuf>,
    /// The backup's schema version, before it was brought up to date.
    pub from_version: i64,
    pub responses: u64,
}

fn folder_of(p: &Path) -> &Path {
    p.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

impl Store {
    /// Saves a consistent copy of the whole database to `dest`, once the full check of
    /// the database has passed in this run. The copy is written beside `dest` first,
    /// checked, and renamed into place, so a failed backup never leaves a half-written
    /// file under the chosen name, nor a copy beside it. It is a single self-contained
    /// file (rollback journal, not WAL). Its folder is remembered, so that a copy left
    /// there by a backup that was killed is removed at the next start.
    pub fn backup_to(&mut self, dest: &Path) -> Result<(), AppError> {
        self.ready_to_write()?;
        output::check_target(&self.path, dest)?;
        // The folder is remembered before the copy is started, so that a copy left by a
        // backup killed part-way is found there at the next start.
        let folder = folder_of(dest)
            .canonicalize()
            .unwrap_or_else(|_| folder_of(dest).to_path_buf());
        let tx = self.begin()?;
        set_setting(&tx, LAST_BACKUP_FOLDER_KEY, &folder.to_string_lossy())?;
        tx.commit()?;
        let io = |e: std::io::Error| {
            AppError::export("error.backup.not_written", vec![("detail", e.to_string())])
        };
        let conn = &self.conn;
        output::write(&self.path, dest, TEMP_BACKUP, io, |tmp| {
            let mut copy = Connection::open(tmp.path())?;
            // The journal in memory: no file beside the copy for a failure to leave.
            copy.pragma_update(None, "journal_mode", "MEMORY")?;
            let backup = rusqlite::backup::Backup::new(conn, &mut copy)?;
            backup.run_to_completion(1024, std::time::Duration::ZERO, None)?;
            drop(backup);
            copy.pragma_update(None, "journal_mode", "DELETE")?;
            check::quick_check(&copy)?;
            Ok(())
        })?;
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        self.audit(Action::Backup, &format!("Saved a backup named {name}"))
    }
}

/// Checks that `backup` is a sound PSI Feedback database of a schema this version
/// knows, and replaces the database at `db` with it. The database that was there is
/// moved aside (with its WAL), never deleted or overwritten. Refused while any app or
/// command has the database open.
pub fn restore(db: &Path, backup: &Path, at: DateTime<Utc>) -> Result<Restored, AppError> {
    let dir = folder_of(db);
    let folder = dir.display().to_string();
    std::fs::create_dir_all(dir).map_err(|e| {
        AppError::unusable(
            "error.restore.no_folder",
            vec![("folder", folder.clone()), ("detail", e.to_string())],
        )
    })?;
    let _lock = exclusive_lock(db)?;
    leftovers::remove_in(dir);
    let name = backup.display().to_string();
    // Why the backup cannot be restored, in the words of an error found checking it
    // (said in English: restoring is for the command line only) or of the system.
    let refused = |why: String| {
        AppError::unusable(
            "error.restore.refused",
            vec![("backup", name.clone()), ("reason", why)],
        )
    };

    if std::fs::metadata(backup).is_err() {
        return Err(AppError::unusable(
            "error.restore.no_file",
            vec![("backup", name.clone())],
        ));
    }
    if std::fs::metadata(suffixed(backup, "-wal")).is_ok_and(|m| m.len() > 0) {
        return Err(AppError::unusable(
            "error.restore.in_use",
            vec![("backup", name.clone())],
        ));
    }
    if !super::files::check_header(backup).map_err(|e| refused(e.to_string()))? {
        return Err(AppError::unusable(
            "error.restore.empty",
            vec![("backup", name.clone())],
        ));
    }
    // Work on a copy beside the database (owner-only, removed on every failure): the
    // backup itself is only read.
    let tmp = TempFile::new_in(dir, TEMP_RESTORE).map_err(|e| {
        AppError::unusable(
            "error.restore.cannot_write",
            vec![("folder", folder.clone()), ("detail", e.to_string())],
        )
    })?;
    std::fs::File::open(backup)
        .and_then(|mut from| std::io::copy(&mut from, &mut tmp.as_file()))
        .map_err(|e| refused(e.to_string()))?;
    let aside = std::fs::metadata(db)
        .is_ok()
        .then(|| free_aside(dir, db, at));
    let (from_version, responses) = {
        let mut conn = Connection::open_with_flags(
            tmp.path(),
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| refused(e.to_string()))?;
        // The journal in memory: no file beside the copy for a failure to leave.
        conn.pragma_update(None, "journal_mode", "MEMORY")
            .map_err(|e| refused(e.to_string()))?;
        check::quick_check(&conn).map_err(|e| refused(e.to_string()))?;
        let not_ours =
            || AppError::unusable("error.restore.not_ours", vec![("backup", name.clone())]);
        let from_version = match check::identify(&conn).map_err(|e| refused(e.to_string()))? {
            Kind::Ours(v) => v,
            Kind::Empty | Kind::Foreign => return Err(not_ours()),
        };
        let responses: u64 = conn
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .map_err(|_| not_ours())?;
        migrations::migrations().to_latest(&mut conn).map_err(|e| {
            AppError::unusable(
                "error.restore.not_updated",
                vec![("backup", name.clone()), ("detail", e.to_string())],
            )
        })?;
        let kept = aside
            .as_ref()
            .and_then(|a| a.file_name())
            .map(|n| format!("; the database before was kept as {}", n.to_string_lossy()))
            .unwrap_or_default();
        audit::append(
            &conn,
            at,
            Action::Restore,
            &format!("Restored from a backup (schema {from_version}, {responses} responses){kept}"),
        )?;
        (from_version, responses)
    };

    tmp.as_file().sync_all().map_err(|e| {
        AppError::unusable("error.restore.not_synced", vec![("detail", e.to_string())])
    })?;

    let kept_as = match aside {
        Some(aside) => {
            move_with_journal(db, &aside)?;
            Some(aside)
        }
        None => None,
    };
    tmp.persist(db).map_err(|e| match &kept_as {
        Some(kept) => AppError::unusable(
            "error.restore.not_in_place_kept",
            vec![
                ("detail", e.to_string()),
                ("kept", kept.display().to_string()),
            ],
        ),
        None => AppError::unusable(
            "error.restore.not_in_place",
            vec![("detail", e.to_string())],
        ),
    })?;
    Ok(Restored {
        kept_as,
        from_version,
        responses,
    })
}

/// A name beside the database that nothing has: an earlier database kept aside is
/// never overwritten, even by two restores in the same second.
fn free_aside(dir: &Path, db: &Path, at: DateTime<Utc>) -> PathBuf {
    let base = format!(
        "{}{BEFORE_RESTORE}{}",
        db.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        at.format("%Y%m%dT%H%M%SZ")
    );
    let taken = |p: &Path| {
        ["", "-wal", "-shm"]
            .iter()
            .any(|suffix| std::fs::symlink_metadata(suffixed(p, suffix)).is_ok())
    };
    let mut candidate = dir.join(&base);
    let mut n = 2;
    while taken(&candidate) {
        candidate = dir.join(format!("{base}-{n}"));
        n += 1;
    }
    candidate
}

/// Keeps the database and its log under the aside name (hard links, or copies where the
/// filesystem has none), then removes the log and shared-memory file from the old name
/// so the restored file does not pick them up. The database file itself stays in place
/// until the restored one is renamed over it, in one step: a crash at any point leaves
/// a database at the old name and a whole copy aside.
fn move_with_journal(from: &Path, to: &Path) -> Result<(), AppError> {
    let failed = |p: &Path, e: std::io::Error| {
        AppError::unusable(
            "error.restore.not_kept_aside",
            vec![("path", p.display().to_string()), ("detail", e.to_string())],
        )
    };
    for suffix in ["", "-wal"] {
        let (a, b) = (suffixed(from, suffix), suffixed(to, suffix));
        if std::fs::metadata(&a).is_ok() {
            std::fs::hard_link(&a, &b)
                .or_else(|_| std::fs::copy(&a, &b).map(|_| ()))
                .map_err(|e| failed(&a, e))?;
        }
    }
    sync_dir(to.parent().unwrap_or(Path::new(".")));
    for suffix in ["-wal", "-shm"] {
        let a = suffixed(from, suffix);
        if std::fs::metadata(&a).is_ok() {
            std::fs::remove_file(&a).map_err(|e| failed(&a, e))?;
        }
    }
    Ok(())
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{ContextList, DB_FILE};

    fn store_with_rows(dir: &Path, n: usize) -> PathBuf {
        let db = dir.join(DB_FILE);
        let mut s = Store::open(&db).unwrap();
        s.ensure_names(ContextList::Teams, &["North".into()])
            .unwrap();
        s.conn
            .execute_batch(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n})
                 INSERT INTO responses (questionnaire_version, submitted_at, session_month,
                     source, team_id, session_type_id, role_id, comment)
                 SELECT 1, '2026-01-01T00:00:00Z', '2026-01', 'paper', 1, 1, 1,
                        'comment number ' || i FROM n"
            ))
            .unwrap();
        db
    }

    fn rows(db: &Path) -> i64 {
        Connection::open(db)
            .unwrap()
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    }

    fn setup_lists(db: &Path) {
        let mut s = Store::open(db).unwrap();
        s.ensure_names(ContextList::SessionTypes, &["Individual".into()])
            .unwrap();
        s.ensure_names(ContextList::Roles, &["Nurse".into()])
            .unwrap();
    }

    fn db_with(dir: &Path, n: usize) -> PathBuf {
        setup_lists(&dir.join(DB_FILE));
        store_with_rows(dir, n)
    }

    #[test]
    fn a_backup_is_one_sound_file_that_restores_with_the_old_database_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = db_with(dir.path(), 50);
        let backup = dir.path().join("backups").join("copy.sqlite3");
        std::fs::create_dir_all(backup.parent().unwrap()).unwrap();
        let mut store = Store::open(&db).unwrap();
        store.backup_to(&backup).unwrap();
        assert_eq!(store.audit_trail(10).unwrap()[0].action, "backup");
        let leftovers: Vec<_> = std::fs::read_dir(backup.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("copy.sqlite3")]);
        let mode: String = Connection::open(&backup)
            .unwrap()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "delete", "self-contained");
        assert_eq!(rows(&backup), 50);

        // A restore while the database is open would lose the app's next writes.
        let err = restore(&db, &backup, Utc::now()).unwrap_err();
        assert!(err.to_string().contains("Close the app"), "{err}");
        // More responses after the backup: they are in the file kept aside.
        store
            .conn
            .execute_batch(
                "INSERT INTO responses (questionnaire_version, submitted_at, session_month,
                     source, team_id, session_type_id, role_id)
                 VALUES (1, '2026-02-01T00:00:00Z', '2026-02', 'paper', 1, 1, 1)",
            )
            .unwrap();
        drop(store);
        let at = Utc::now();
        let first = restore(&db, &backup, at).unwrap();
        assert_eq!(
            (first.responses, first.from_version),
            (50, migrations::LATEST)
        );
        assert_eq!(rows(&db), 50);
        let kept = first.kept_as.unwrap();
        assert_eq!(rows(&kept), 51, "the database before is kept whole");
        let second = restore(&db, &backup, at).unwrap();
        assert_ne!(second.kept_as.unwrap(), kept, "never overwritten");
        assert_eq!(rows(&kept), 51);
        let store = Store::open(&db).unwrap();
        let trail = store.audit_trail(10).unwrap();
        assert_eq!(trail[0].action, "restore");
        assert!(
            trail[0].detail.contains("50 responses"),
            "{}",
            trail[0].detail
        );
    }

    #[test]
    fn a_backup_is_never_written_over_the_database_itself() {
        let dir = tempfile::tempdir().unwrap();
        let db = db_with(dir.path(), 5);
        let mut store = Store::open(&db).unwrap();
        let before = rows(&db);
        for target in [
            db.clone(),
            dir.path().join("psi-feedback.sqlite3-wal"),
            dir.path().join(".").join(DB_FILE),
        ] {
            let err = store.backup_to(&target).unwrap_err();
            assert!(err.to_string().contains("own data file"), "{err}");
        }
        store.conn.execute_batch("INSERT INTO responses (questionnaire_version, submitted_at, session_month, source, team_id, session_type_id, role_id) VALUES (1, '2026-02-01T00:00:00Z', '2026-02', 'paper', 1, 1, 1)").unwrap();
        assert_eq!(rows(&db), before + 1, "the app still writes to its file");
    }

    #[test]
    fn a_restore_checks_the_backup_first_and_changes_nothing_if_it_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let db = db_with(dir.path(), 5);
        let before = std::fs::read(&db).unwrap();
        type Damage = Box<dyn Fn(&Path)>;
        let cases: Vec<(&str, Damage)> = vec![
            (
                "empty",
                Box::new(|p: &Path| std::fs::write(p, b"").unwrap()),
            ),
            (
                "not an SQLite database",
                Box::new(|p: &Path| std::fs::write(p, b"team,month\nNorth,2026-01\n").unwrap()),
            ),
            (
                "not a PSI Feedback database",
                Box::new(|p: &Path| {
                    Connection::open(p)
                        .unwrap()
                        .execute_batch("CREATE TABLE other (x); INSERT INTO other VALUES (1);")
                        .unwrap()
                }),
            ),
            (
                "newer version",
                Box::new(|p: &Path| {
                    let c = Connection::open(p).unwrap();
                    c.execute_batch("CREATE TABLE responses (x)").unwrap();
                    // A newer version's database carries our id, as every one since 4.
                    c.pragma_update(None, "application_id", check::APPLICATION_ID)
                        .unwrap();
                    c.pragma_update(None, "user_version", migrations::LATEST + 1)
                        .unwrap();
                }),
            ),
        ];
        for (i, (expect, make)) in cases.iter().enumerate() {
            let bad = dir.path().join(format!("bad-{i}.sqlite3"));
            make(&bad);
            let err = restore(&db, &bad, Utc::now()).unwrap_err();
            assert!(err.to_string().contains(expect), "{expect}: {err}");
            assert_eq!(std::fs::read(&db).unwrap(), before, "{expect}");
        }
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.') || n.contains("before-restore"))
            .collect();
        assert!(names.is_empty(), "nothing left behind: {names:?}");
    }
}
