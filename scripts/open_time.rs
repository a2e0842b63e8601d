//! Measures how long opening a database takes after a clean close (what every start of
//! the window and every command pays), beside SQLite's quick check of the whole file,
//! which ran at every open before and now runs beside the work (see store/check.rs).
//! Usage: cargo run --release --example open_time -- DB
//! The database is opened as the app opens it, so the first run may bring it up to
//! date; the figures are the best of 5 after that.

use std::time::{Duration, Instant};

use psi_feedback::store::Store;
use rusqlite::{Connection, OpenFlags};

fn best_of(n: usize, mut f: impl FnMut()) -> Duration {
    (0..n)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let db = std::path::PathBuf::from(std::env::args().nth(1).expect("usage: open_time DB"));
    drop(Store::open(&db).expect("open"));
    let open = best_of(5, || drop(Store::open(&db).expect("open")));
    let check = best_of(3, || {
        let conn = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .expect("read-only connection");
        let ok: String = conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .expect("quick check");
        assert_eq!(ok, "ok");
    });
    println!(
        "open after a clean close: best of 5 {:.3} s; quick check of the whole file: best of 3 {:.3} s",
        open.as_secs_f64(),
        check.as_secs_f64()
    );
}
