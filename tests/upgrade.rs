//! Upgrades: a database made by every earlier schema version opens, migrates, and keeps
//! everything it held. The fixtures were made by the releases that wrote those schemas
//! (see tests/fixtures/README.md); each test works on a copy.

use std::path::{Path, PathBuf};
use std::process::Command;

use psi_feedback::app::{App, Timeouts};
use psi_feedback::store::{Store, APPLICATION_ID, SCHEMA_VERSION};
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
    dump_columns(db, table, "*")
}

/// A table's columns, comma-separated.
fn columns_of(db: &Path, table: &str) -> String {
    let c = Connection::open(db).unwrap();
    let mut stmt = c
        .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .unwrap();
    let names = stmt.query_map([table], |r| r.get::<_, String>(0)).unwrap();
    names.collect::<Result<Vec<_>, _>>().unwrap().join(", ")
}

/// The rows of these columns of a table as text (a later schema may add columns).
fn dump_columns(db: &Path, table: &str, columns: &str) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let mut stmt = c
        .prepare(&format!("SELECT {columns} FROM {table} ORDER BY 1"))
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
        // Each table's columns before: a later schema may add some.
        let columns: Vec<String> = tables.iter().map(|t| columns_of(&db, t)).collect();
        let dump_all = || -> Vec<Vec<String>> {
            tables
                .iter()
                .zip(&columns)
                .map(|(t, c)| dump_columns(&db, t, c))
                .collect()
        };
        let before = dump_all();
        let ledger_columns = if version >= 2 {
            columns_of(&db, "releases")
        } else {
            String::new()
        };
        let ledger_before = (version >= 2).then(|| dump_columns(&db, "releases", &ledger_columns));

        let audit_before = (version >= 3).then(|| dump(&db, "audit"));
        let store = Store::open(&db).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        drop(store);
        assert_eq!(
            raw(&db, "PRAGMA application_id"),
            i64::from(APPLICATION_ID),
            "schema {version}: the id on upgrade"
        );
        if let Some(audit) = audit_before {
            assert_eq!(
                audit,
                dump(&db, "audit"),
                "schema {version}: audit trail kept"
            );
        }
        assert_eq!(
            raw(
                &db,
                "SELECT count(*) FROM responses WHERE coalesce(estimate_power, estimate_safety, estimate_identity) IS NOT NULL"
            ),
            0,
            "schema {version}: responses from before hold no practitioner's estimate"
        );
        assert!(
            raw(&db, "SELECT count(*) FROM responses") > 0,
            "schema {version}: the fixture holds responses"
        );
        let after = dump_all();
        assert_eq!(before, after, "schema {version}: nothing changed or lost");
        if let Some(ledger) = ledger_before {
            assert_eq!(
                ledger,
                dump_columns(&db, "releases", &ledger_columns),
                "schema {version}: ledger kept"
            );
            if version < 5 {
                assert_eq!(
                    raw(&db, "SELECT count(*) FROM releases WHERE layout <> 'full'"),
                    0,
                    "schema {version}: releases from before layouts held every answer count"
                );
            }
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
        // The Overview reads the ledger: the newest fixture's holds the releases of every
        // earlier one (each fixture was made from the one before), so it and the oldest
        // are enough; each takes seconds of the witness search.
        if version == 1 || version == SCHEMA_VERSION - 1 {
            assert!(app.overview("month", None).unwrap().total_responses > 0);
        }
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
fn releases_recorded_under_earlier_schemas_are_reissued_byte_for_byte() {
    let quarter = |by: &'static str, layout: &'static str| {
        vec![
            "quarter", "2026-04", "2026-06", "--by", by, "--layout", layout,
        ]
    };
    let cases = [
        (2, quarter("role", "full"), "schema-2-export.csv"),
        (4, quarter("session-type", "full"), "schema-4-export.csv"),
        // Releases with layouts, from before the practitioner's estimate.
        (5, quarter("role", "headline"), "schema-5-export.csv"),
        (
            5,
            vec!["month", "2026-04", "2026-06", "--layout", "full"],
            "schema-5-export-full.csv",
        ),
    ];
    for (version, request, file) in cases {
        let (dir, db) = copy_of(version);
        let out = dir.path().join("again.csv");
        let o = Command::new(BIN)
            .args([
                "--db",
                db.to_str().unwrap(),
                "export",
                "--period",
                request[0],
            ])
            .args(["--from", request[1], "--to", request[2]])
            .args(&request[3..])
            .args(["--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("exported before"));
        assert_eq!(
            std::fs::read(&out).unwrap(),
            std::fs::read(fixtures().join(file)).unwrap(),
            "schema {version}: the file published before the upgrade"
        );
    }
}

/// Runs the command line on `db`, with `input` on standard input.
fn run(db: &Path, args: &[&str], input: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The fixture `damaged-log.sqlite3` with its log, as a device holds them after a
/// crash: 30 committed transactions in the log, 4 bytes flipped inside frame 4.
fn copy_of_damaged_log() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("psi-feedback.sqlite3");
    std::fs::copy(fixtures().join("damaged-log.sqlite3"), &db).unwrap();
    std::fs::copy(
        fixtures().join("damaged-log.sqlite3-wal"),
        dir.path().join("psi-feedback.sqlite3-wal"),
    )
    .unwrap();
    (dir, db)
}

/// SQLite's recovery stops at the damaged frame; the log is then written over from
/// there. The app keeps a copy first, says so with where it is, and records it.
#[test]
fn a_damaged_log_is_kept_reported_and_recorded_never_deleted() {
    let log = std::fs::read(fixtures().join("damaged-log.sqlite3-wal")).unwrap();
    let (dir, db) = copy_of_damaged_log();
    let out = dir.path().join("march.csv");
    let args = [
        "export",
        "--period",
        "month",
        "--from",
        "2026-03",
        "--to",
        "2026-03",
        "--out",
        out.to_str().unwrap(),
    ];
    let o = run(&db, &args, "");
    let said = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{said}");
    let kept: Vec<String> = names_in(dir.path())
        .into_iter()
        .filter(|n| n.starts_with("psi-feedback.sqlite3-wal.kept-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let kept = dir.path().join(&kept[0]);
    assert_eq!(std::fs::read(&kept).unwrap(), log, "the log as it was");
    assert!(said.contains("29 saved transactions"), "{said}");
    assert!(said.contains(&kept.display().to_string()), "{said}");
    // The one transaction before the damage was applied; the 29 after it are in the copy.
    assert_eq!(raw(&db, "SELECT count(*) FROM responses"), 241);
    assert_eq!(
        raw(&db, "SELECT count(*) FROM audit WHERE action = 'log_kept'"),
        1
    );
    // The next command has nothing to say, and the copy stays.
    let o = run(&db, &args, "");
    assert!(o.status.success());
    assert!(!String::from_utf8_lossy(&o.stderr).contains("kept"));
    assert_eq!(std::fs::read(&kept).unwrap(), log);

    // The window tells staff, in the Device safety section.
    let (_dir, db) = copy_of_damaged_log();
    let app = App::open(&db, Timeouts::default());
    app.unlock(PASSPHRASE).unwrap();
    let notices = app.safety_settings().unwrap().notices;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].key, "error.db.log_kept");
    assert!(
        notices[0].message.contains(".kept-"),
        "{}",
        notices[0].message
    );
    let trail = app.audit_trail().unwrap();
    assert!(trail.iter().any(|e| e.action == "log_kept"));
}

/// A mistyped --db pointing at another program's SQLite file: every command, and the
/// window, refuse it before anything is written, naming the file. It stays
/// byte-identical, and nothing is left beside it.
#[test]
fn a_database_of_another_program_is_never_taken_over() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("recipes.db");
    std::fs::copy(fixtures().join("foreign.sqlite3"), &db).unwrap();
    let before = std::fs::read(&db).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let csv = elsewhere.path().join("forms.csv");
    std::fs::write(&csv, "not,the,right,columns\n").unwrap();
    let out = elsewhere.path().join("out.csv");
    let backup = elsewhere.path().join("backup.sqlite3");
    let commands: Vec<Vec<&str>> = vec![
        vec![
            "export",
            "--period",
            "month",
            "--from",
            "2026-01",
            "--to",
            "2026-01",
            "--out",
            out.to_str().unwrap(),
        ],
        vec!["import", csv.to_str().unwrap()],
        vec!["backup", backup.to_str().unwrap()],
        vec!["demo", "--responses", "10"],
        vec!["reset-passphrase"],
    ];
    for args in commands {
        let o = run(&db, &args, "a new passphrase\n");
        let said = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} was allowed");
        assert!(
            said.contains("not one of PSI Feedback's") && said.contains(&db.display().to_string()),
            "{args:?}: {said}"
        );
        assert_eq!(std::fs::read(&db).unwrap(), before, "{args:?}");
        assert_eq!(names_in(dir.path()), ["recipes.db"], "{args:?}");
    }
    assert_eq!(names_in(elsewhere.path()), ["forms.csv"]);

    let app = App::open(&db, Timeouts::default());
    let problem = app.state().unwrap().problem.expect("refused");
    assert_eq!(problem.key, "error.db.not_ours");
    assert!(problem.damaged, "staff see the file and the way out");
    drop(app);
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(names_in(dir.path()), ["recipes.db"]);
}
