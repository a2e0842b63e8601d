//! Upgrades: a database made by every earlier schema version opens, migrates, and keeps
//! everything it held. The fixtures were made by the releases that wrote those schemas
//! (see tests/fixtures/README.md); each test works on a copy.

use std::path::{Path, PathBuf};
use std::process::Command;

use psi_feedback::app::{App, Timeouts};
use psi_feedback::store::{Store, SCHEMA_VERSION};
use rusqlite::Connection;

const PASSPHRASE: &str = "fixture passphrase 1";
const BIN: &str = env!("CARGO_BIN_EXE_psi-feedback");

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn fixture(version: i64) -> PathBuf {
    fixtures().join(format!("schema-{version}.sqlite3"))
}

/// A copy of the fixture in a temporary directory.
fn copy_of(version: i64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("psi-feedback.sqlite3");
    std::fs::copy(fixture(version), &db).unwrap();
    (dir, db)
}

fn raw(db: &Path, sql: &str) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// Every table's rows as text, for "nothing was lost" comparisons.
fn dump(db: &Path, table: &str) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut stmt = c
        .prepare(&format!("SELECT * FROM {table} ORDER BY 1"))
        .unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        Ok((0..n)
            .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
            .collect::<Vec<_>>()
            .join("|"))
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

#[test]
fn there_is_a_fixture_for_every_earlier_schema_version() {
    for version in 1..SCHEMA_VERSION {
        let f = fixture(version);
        assert!(
            f.exists(),
            "{} is missing: keep a database made by schema {version}",
            f.display()
        );
        let (_d, db) = copy_of(version);
        assert_eq!(raw(&db, "PRAGMA user_version"), version, "{}", f.display());
    }
}

#[test]
fn every_earlier_schema_opens_migrates_and_keeps_its_data() {
    for version in 1..SCHEMA_VERSION {
        let (_d, db) = copy_of(version);
        let tables = ["responses", "teams", "session_types", "roles", "settings"];
        let before: Vec<Vec<String>> = tables.iter().map(|t| dump(&db, t)).collect();
        let ledger_before = (version >= 2).then(|| dump(&db, "releases"));

        let store = Store::open(&db).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        drop(store);
        let after: Vec<Vec<String>> = tables.iter().map(|t| dump(&db, t)).collect();
        assert_eq!(before, after, "schema {version}: nothing changed or lost");
        if let Some(ledger) = ledger_before {
            assert_eq!(
                ledger,
                dump(&db, "releases"),
                "schema {version}: ledger kept"
            );
        }
        let check: String = Connection::open(&db)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");

        // The app works on it: the old passphrase unlocks, the new tables take rows.
        let app = App::open(&db, Timeouts::default());
        assert!(app.state().unwrap().problem.is_none());
        assert!(app.state().unwrap().configured);
        app.unlock(PASSPHRASE).unwrap();
        let trail = app.audit_trail().unwrap();
        assert_eq!(trail[0].action, "unlock", "schema {version}");
        assert!(app.overview("month").unwrap().total_responses > 0);
    }
}

#[test]
fn a_backup_from_an_earlier_schema_restores_and_is_brought_up_to_date() {
    for version in 1..SCHEMA_VERSION {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("psi-feedback.sqlite3");
        let restored =
            psi_feedback::store::restore(&db, &fixture(version), chrono::Utc::now()).unwrap();
        assert_eq!(restored.from_version, version);
        assert_eq!(
            restored.responses as i64,
            raw(&fixture(version), "SELECT count(*) FROM responses")
        );
        assert_eq!(raw(&db, "PRAGMA user_version"), SCHEMA_VERSION);
        assert!(
            std::fs::read(fixture(version)).is_ok(),
            "the backup itself is only read"
        );
    }
}

#[test]
fn a_release_recorded_under_schema_2_is_reissued_byte_for_byte() {
    let (dir, db) = copy_of(2);
    let out = dir.path().join("again.csv");
    let o = Command::new(BIN)
        .args([
            "--db",
            db.to_str().unwrap(),
            "export",
            "--period",
            "quarter",
        ])
        .args(["--from", "2026-04", "--to", "2026-06", "--by", "role"])
        .args(["--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("exported before"));
    assert_eq!(
        std::fs::read(&out).unwrap(),
        std::fs::read(fixtures().join("schema-2-export.csv")).unwrap(),
        "the file published before the upgrade"
    );
}
