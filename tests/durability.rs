//! A response the UI has acknowledged survives the app being killed. A child process
//! (this test binary, re-executed) submits responses in a tight loop through Tauri's real
//! IPC on the mock runtime and prints `ACK <marker>` only once `submit_response` has
//! returned, which is when the window would say "thank you". The parent kills it with
//! SIGKILL at a random moment, reopens the database and checks that it is intact, that
//! every acknowledged response is there exactly once, and that nothing was stored twice.
//!
//! A kill loses the process, not the operating system's page cache, so this checks
//! that a submit is committed before it is acknowledged and that a commit cut short
//! leaves no trace; surviving power loss also needs the commit synced to the disk,
//! which is `Store::open`'s `synchronous=FULL`, checked by the store's own tests.
//!
//! `PSI_DURABILITY_KILLS` sets the number of kills (20 by default, `scripts/durability`
//! runs 100); `PSI_DURABILITY_SEED` repeats the random delays of a failed run.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use psi_feedback::store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

/// Set to the database path, it makes [`child_submits_until_killed`] the child.
const CHILD_DB: &str = "PSI_DURABILITY_CHILD";
/// The round the child belongs to: the first part of its markers.
const CHILD_ROUND: &str = "PSI_DURABILITY_ROUND";
const CHILD_TEST: &str = "child_submits_until_killed";

/// The window's IPC on the mock runtime, with the app's own capability and commands.
struct Ipc {
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
}

impl Ipc {
    fn open(db: &Path) -> Ipc {
        let (app, window) = common::ipc::open(db);
        Ipc { _app: app, window }
    }

    fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        common::ipc::call(&self.window, cmd, body)
    }
}

/// The free-text comment that identifies one submit: round, then its number in the round.
fn marker(round: usize, seq: u64) -> String {
    format!("durability {round}-{seq}")
}

/// The child: submits until it is killed. In an ordinary test run it has nothing to do
/// and returns at once; only [`acknowledged_responses_survive_kill_9`] runs it for real,
/// by re-executing this binary with [`CHILD_DB`] set.
#[test]
fn child_submits_until_killed() {
    let Ok(db) = std::env::var(CHILD_DB) else {
        return;
    };
    let round: usize = std::env::var(CHILD_ROUND).unwrap().parse().unwrap();
    let ipc = Ipc::open(Path::new(&db));
    let state = ipc.call("app_state", json!({})).unwrap();
    let ids = |k: &str| -> Vec<i64> {
        state["context"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_i64().unwrap())
            .collect()
    };
    let (teams, session_types, roles) = (ids("teams"), ids("session_types"), ids("roles"));
    let mut out = std::io::stdout().lock();
    // Ends the test harness's "test ... " line, so that every ACK starts a line.
    writeln!(out, "\nchild of round {round} submitting").unwrap();
    out.flush().unwrap();
    for seq in 0u64.. {
        let marker = marker(round, seq);
        let i = seq as usize;
        let body = json!({"response": {
            "team": teams[i % teams.len()],
            "session_type": session_types[i / 2 % session_types.len()],
            "role": roles[i / 4 % roles.len()],
            "answers": {"power_say": seq % 6, "safety_trust": seq / 6 % 6, "rupture": seq % 4, "overall": seq % 5 + 1},
            "comment": marker,
        }});
        let saved = ipc.call("submit_response", body);
        assert!(
            matches!(&saved, Ok(v) if v["saved"] == true),
            "{marker}: {saved:?}"
        );
        // One write of one whole line, after the submit returned: what the parent reads
        // is exactly what the window was told was saved.
        let line = format!("ACK {marker}\n");
        if out
            .write_all(line.as_bytes())
            .and_then(|_| out.flush())
            .is_err()
        {
            return; // the parent is gone
        }
    }
}

/// A child that is killed if the test panics first, so none outlives the test.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts a child on `db`, waits `delay` after its first acknowledgement, kills it with
/// SIGKILL and returns every marker it acknowledged before dying, in order.
fn run_and_kill(db: &Path, round: usize, delay: Duration) -> Vec<String> {
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", CHILD_TEST, "--nocapture", "--test-threads=1"])
        .env(CHILD_DB, db)
        .env(CHILD_ROUND, round.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Killed(child);
    let stdout = child.0.stdout.take().unwrap();
    let mut stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = thread::spawn(move || {
        let mut lines = BufReader::new(stdout);
        let mut line = String::new();
        // A line cut short by the kill is not an acknowledgement: the window never saw it.
        while lines.read_line(&mut line).unwrap() > 0 && line.ends_with('\n') {
            if let Some(m) = line.trim_end().strip_prefix("ACK ") {
                tx.send(m.to_string()).unwrap();
            }
            line.clear();
        }
    });
    let errors = thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let first = rx.recv_timeout(Duration::from_secs(60));
    let first = match first {
        Ok(m) => m,
        Err(e) => {
            let _ = child.0.kill();
            let _ = child.0.wait();
            panic!(
                "round {round}: the child acknowledged nothing ({e}); its errors:\n{}",
                errors.join().unwrap()
            );
        }
    };
    thread::sleep(delay);
    if let Some(status) = child.0.try_wait().unwrap() {
        panic!(
            "round {round}: the child stopped by itself ({status}) before the kill; its errors:\n{}",
            errors.join().unwrap()
        );
    }
    child.0.kill().unwrap(); // SIGKILL on Unix
    let status = child.0.wait().unwrap();
    assert!(!status.success(), "round {round}: {status}");
    reader.join().unwrap();
    let mut acked = vec![first];
    acked.extend(rx.try_iter());
    acked
}

/// What the reopened database holds: how many times each comment is stored, and the
/// total number of responses.
fn stored(db: &Path) -> (HashMap<String, i64>, i64) {
    let c = Connection::open(db).unwrap();
    let check: Vec<String> = c
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(check, ["ok"], "integrity_check");
    let counts = c
        .prepare("SELECT comment, count(*) FROM responses GROUP BY comment")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                r.get(1)?,
            ))
        })
        .unwrap()
        .collect::<Result<HashMap<String, i64>, _>>()
        .unwrap();
    let rows = c
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap();
    (counts, rows)
}

#[test]
fn acknowledged_responses_survive_kill_9() {
    let kills: usize = std::env::var("PSI_DURABILITY_KILLS")
        .map(|k| k.parse().expect("PSI_DURABILITY_KILLS is a number"))
        .unwrap_or(20);
    let seed: u64 = std::env::var("PSI_DURABILITY_SEED")
        .map(|s| s.parse().expect("PSI_DURABILITY_SEED is a number"))
        .unwrap_or_else(|_| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        });
    println!("{kills} kills, seed {seed} (PSI_DURABILITY_SEED={seed} repeats the delays)");
    let mut rng = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let db: PathBuf = dir.path().join("durability.sqlite3");
    {
        let ipc = Ipc::open(&db);
        ipc.call(
            "setup",
            json!({"setup": {"passphrase": "staff passphrase 1", "teams": ["North", "South", "East"],
                   "session_types": ["Individual", "Group"], "roles": ["Nurse", "Psychologist"]}}),
        )
        .unwrap();
    }

    let start = Instant::now();
    // Every acknowledged marker, with its round.
    let mut acked: BTreeMap<String, usize> = BTreeMap::new();
    // The one submit per round that may have committed without its ACK being printed.
    let mut unacked: HashSet<String> = HashSet::new();
    // Unacknowledged submits seen stored: a commit, once seen, never goes away.
    let mut seen_unacked: HashSet<String> = HashSet::new();
    for round in 0..kills {
        let delay = Duration::from_millis(rng.gen_range(5..=300));
        let got = run_and_kill(&db, round, delay);
        for (seq, m) in got.iter().enumerate() {
            assert_eq!(
                *m,
                marker(round, seq as u64),
                "round {round}: acknowledgements out of order"
            );
            acked.insert(m.clone(), round);
        }
        unacked.insert(marker(round, got.len() as u64));

        // The app opens it again as after a crash: recovery and migrations run.
        drop(Store::open(&db).unwrap_or_else(|e| panic!("round {round}: reopening: {e:?}")));
        let (counts, rows) = stored(&db);
        for (m, n) in &counts {
            assert!(
                *n == 1,
                "round {round}: {m:?} is stored {n} times ({})",
                acked
                    .get(m)
                    .map_or("not acknowledged".to_string(), |r| format!(
                        "acknowledged in round {r}"
                    ))
            );
            assert!(
                acked.contains_key(m) || unacked.contains(m),
                "round {round}: {m:?} is stored but was neither acknowledged nor in flight at a kill"
            );
        }
        for (m, r) in &acked {
            assert!(
                counts.contains_key(m),
                "round {round}: {m:?}, acknowledged in round {r}, is missing ({} of {} acknowledged responses stored; seed {seed})",
                acked.keys().filter(|m| counts.contains_key(*m)).count(),
                acked.len()
            );
        }
        for m in &seen_unacked {
            assert!(
                counts.contains_key(m),
                "round {round}: {m:?} was stored after an earlier kill and is gone"
            );
        }
        seen_unacked.extend(unacked.iter().filter(|m| counts.contains_key(*m)).cloned());
        let acked_n = acked.len() as i64;
        assert!(
            acked_n <= rows && rows <= acked_n + (round as i64 + 1),
            "round {round}: {rows} rows for {acked_n} acknowledged responses"
        );
        println!(
            "round {round}: killed {} ms after the first ACK, {} acknowledged, {} stored in all",
            delay.as_millis(),
            got.len(),
            rows
        );
    }
    println!(
        "{kills} kills, {} acknowledged responses, {} unacknowledged submits committed, {:.1} s",
        acked.len(),
        seen_unacked.len(),
        start.elapsed().as_secs_f64()
    );
}
