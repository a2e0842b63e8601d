//! Opening a database: new, current, older, newer, damaged, foreign or in the way.

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
