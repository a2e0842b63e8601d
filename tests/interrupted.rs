//! A backup or a restore killed part-way (SIGKILL, as a crash or a power cut would end
//! it) leaves a temporary copy of the whole database behind, comments included. The
//! next command finds it and removes it: beside the backup's target, and in the data
//! folder. A copy still in use by another run is left alone (unit tests in
//! `src-tauri/store/leftovers.rs`).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_psi-feedback");

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .expect("the binary runs")
}

fn spawn(db: &Path, args: &[&str]) -> Child {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs")
}

/// The temporary copies (and what SQLite made beside them) in `dir`.
fn copies(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".psi-feedback-")
        })
        .collect()
}

/// Starts the command, kills it with SIGKILL as soon as its temporary copy appears in
/// `dir`, and says whether the copy was left behind. Tries again (up to 30 times) when
/// the command finished first.
fn kill_part_way(db: &Path, args: &[&str], dir: &Path) -> bool {
    for _ in 0..30 {
        let mut child = spawn(db, args);
        let started = Instant::now();
        let caught = loop {
            if !copies(dir).is_empty() {
                child.kill().unwrap();
                break true;
            }
            if child.try_wait().unwrap().is_some() || started.elapsed() > Duration::from_secs(60) {
                break false;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let _ = child.kill();
        child.wait().unwrap();
        if caught && !copies(dir).is_empty() {
            return true;
        }
        for p in copies(dir) {
            let _ = std::fs::remove_file(p);
        }
    }
    false
}

fn count(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn copies_left_by_a_killed_backup_or_restore_are_removed_by_the_next_command() {
    let data = tempfile::tempdir().unwrap();
    let backups = tempfile::tempdir().unwrap();
    let db = data.path().join("psi-feedback.sqlite3");
    // Large enough that a backup takes a moment to copy.
    let o = run(&db, &["demo", "--responses", "100000", "--months", "3"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // A backup killed part-way leaves its copy beside the target.
    let target = backups.path().join("backup.sqlite3");
    assert!(
        kill_part_way(&db, &["backup", target.to_str().unwrap()], backups.path()),
        "no backup was caught part-way"
    );
    assert!(
        !target.exists(),
        "no half-written backup under the chosen name"
    );
    // The next command, whatever it is, removes it.
    let o = run(&db, &["demo", "--responses", "1", "--months", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        copies(backups.path()).is_empty(),
        "{:?}",
        copies(backups.path())
    );

    // A whole backup, then a restore killed part-way: its copy is in the data folder.
    let o = run(&db, &["backup", target.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let responses = count(&target);
    assert!(
        kill_part_way(&db, &["restore", target.to_str().unwrap()], data.path()),
        "no restore was caught part-way"
    );
    let o = run(&db, &["demo", "--responses", "1", "--months", "1"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(copies(data.path()).is_empty(), "{:?}", copies(data.path()));
    assert_eq!(count(&db), responses + 1, "a database is in place, whole");
    let check: String = Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}
