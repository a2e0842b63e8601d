//! What is checked about a database file, and when.
//!
//! - At every open, on a read-only connection, before anything is written: the SQLite
//!   header, that the file is ours ([`identify`]: our `application_id`, or exactly the
//!   tables of one of our earlier schemas) and of a schema we know, and a cheap check of
//!   its structure ([`structure`]).
//! - SQLite's quick check of the whole file ([`quick_check`]), which reads every page:
//!   at the open, when the last run did not end cleanly (it left a log behind) or the
//!   open itself will write (an upgrade, or a file not yet in WAL mode); before a backup
//!   and a restore. Otherwise in the background on its own read-only connection
//!   ([`FullCheck`]), and no write is made until it has passed: the first write waits
//!   for it, and after damage is found nothing more is written.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::migrations;
use crate::error::{AppError, Message};

/// The `application_id` in the header of every database this app makes: "PSIF".
pub const APPLICATION_ID: i32 = i32::from_be_bytes(*b"PSIF");
/// The last schema made before the application id was set (migration 4 sets it).
const LAST_WITHOUT_ID: i64 = 3;

/// What a database file holds, as far as this app is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// No tables and no schema version: a new file, which may be set up.
    Empty,
    /// One of ours, of this schema version.
    Ours(i64),
    /// Someone else's: never written to.
    Foreign,
}

fn damaged(e: rusqlite::Error) -> AppError {
    AppError::unusable(
        "error.db.damaged_or_unreadable",
        vec![("detail", e.to_string())],
    )
}

/// Every table (SQLite's own left out) with its columns in order, by table name.
fn tables(conn: &Connection) -> rusqlite::Result<Vec<(String, Vec<String>)>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
             ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for name in names {
        let columns = conn
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        out.push((name, columns));
    }
    Ok(out)
}

/// The tables our migrations make up to `version`, made in memory.
fn tables_of_version(version: i64) -> Vec<(String, Vec<String>)> {
    let mut conn = Connection::open_in_memory().expect("an in-memory database");
    migrations::migrations()
        .to_version(&mut conn, version as usize)
        .expect("our own migrations run");
    tables(&conn).expect("our own tables")
}

/// What the database on `conn` is. A schema version newer than this app knows, or not
/// a version at all, is an error; so is a file SQLite cannot read.
pub fn identify(conn: &Connection) -> Result<Kind, AppError> {
    let id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(damaged)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(damaged)?;
    let tables = tables(conn).map_err(damaged)?;
    if id != APPLICATION_ID && id != 0 {
        return Ok(Kind::Foreign);
    }
    if version == 0 {
        return Ok(if tables.is_empty() {
            Kind::Empty
        } else {
            Kind::Foreign
        });
    }
    if id == APPLICATION_ID {
        if version > migrations::LATEST {
            return Err(AppError::unusable(
                "error.db.newer",
                vec![
                    ("version", version.to_string()),
                    ("latest", migrations::LATEST.to_string()),
                ],
            ));
        }
        if version < 0 {
            return Err(AppError::unusable(
                "error.db.unknown_version",
                vec![("version", version.to_string())],
            ));
        }
        return Ok(Kind::Ours(version));
    }
    // Made before the id: ours only if it has exactly the tables that version made.
    if (1..=LAST_WITHOUT_ID).contains(&version) && tables == tables_of_version(version) {
        Ok(Kind::Ours(version))
    } else {
        Ok(Kind::Foreign)
    }
}

/// The error for a file that is not ours, naming it.
pub fn not_ours(path: &Path) -> AppError {
    AppError::unusable(
        "error.db.not_ours",
        vec![("path", path.display().to_string())],
    )
}

/// The page size and the page count the header gives, if the header says it is sure of
/// it (its "valid-for" number matches the change counter).
fn header_pages(head: &[u8]) -> Option<(u64, u64)> {
    if head.len() < 100 {
        return None;
    }
    let be = |at: usize| u32::from_be_bytes([head[at], head[at + 1], head[at + 2], head[at + 3]]);
    let size = match u16::from_be_bytes([head[16], head[17]]) {
        1 => 65536,
        n => n as u64,
    };
    (be(24) == be(92)).then_some((size, be(28) as u64))
}

/// The file is at least as long as its header says. Only meaningful with no log or
/// journal beside it, which would hold pages the file does not have yet.
pub fn fits_its_header(path: &Path) -> Result<(), AppError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        AppError::unusable("error.db.unreadable", vec![("detail", e.to_string())])
    };
    let mut head = Vec::with_capacity(100);
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    file.take(100).read_to_end(&mut head).map_err(unreadable)?;
    if let Some((size, pages)) = header_pages(&head) {
        if pages.saturating_mul(size) > len {
            return Err(AppError::unusable(
                "error.db.damaged",
                vec![(
                    "found",
                    format!("the file has {len} bytes, its header says {pages} pages of {size}"),
                )],
            ));
        }
    }
    Ok(())
}

/// A cheap check of the structure, for every open: every table but the responses (the
/// one that grows to millions of rows) is checked whole by SQLite's quick check, and the
/// responses table and its index are walked from the root to their first and last rows.
pub fn structure(conn: &Connection) -> Result<(), AppError> {
    for (table, _) in tables(conn).map_err(damaged)? {
        if table == "responses" {
            // One aggregate a query: SQLite answers a lone min() or max() from one end
            // of the tree or index, but two together by reading every row.
            for sql in [
                "SELECT min(id) FROM responses",
                "SELECT max(id) FROM responses",
                "SELECT min(session_month) FROM responses",
                "SELECT max(session_month) FROM responses",
            ] {
                conn.query_row(sql, [], |_| Ok(())).map_err(damaged)?;
            }
        } else {
            // The name comes from the file's own schema: quoted as an identifier.
            let sql = format!("PRAGMA quick_check(\"{}\")", table.replace('"', "\"\""));
            check_lines(conn, &sql)?;
        }
    }
    Ok(())
}

/// SQLite's quick check of the whole file: every page and record well formed (no index
/// cross-check). Anything but "ok" is damage.
pub fn quick_check(conn: &Connection) -> Result<(), AppError> {
    check_lines(conn, "PRAGMA quick_check(5)")
}

fn check_lines(conn: &Connection, sql: &str) -> Result<(), AppError> {
    let lines = check_output(conn, sql).map_err(damaged)?;
    if lines == ["ok"] {
        Ok(())
    } else {
        Err(AppError::unusable(
            "error.db.damaged",
            vec![("found", lines.join("; "))],
        ))
    }
}

fn check_output(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let lines = stmt.query_map([], |r| r.get(0))?.collect();
    lines
}

/// The full check in this run: the first write waits for it.
pub enum FullCheck {
    /// Not run yet: the first write runs it first.
    Due,
    /// Running on its own thread and read-only connection.
    Running(JoinHandle<Outcome>),
    Passed,
    /// The file is damaged: nothing more is written to it. The words for staff.
    Failed(Message),
}

pub enum Outcome {
    Passed,
    Damaged(Message),
    /// The check could not run (the file was busy): it runs again before a write.
    NotRun,
}

/// Runs the full check on `conn`, as an outcome.
pub fn full_check_on(conn: &Connection) -> Outcome {
    match check_output(conn, "PRAGMA quick_check(5)") {
        Ok(lines) if lines == ["ok"] => Outcome::Passed,
        Ok(lines) => Outcome::Damaged(Message::new(
            "error.db.damaged",
            vec![("found", lines.join("; "))],
        )),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            ) =>
        {
            Outcome::NotRun
        }
        Err(e) => Outcome::Damaged(Message::new(
            "error.db.damaged_or_unreadable",
            vec![("detail", e.to_string())],
        )),
    }
}

/// Starts the full check of `path` on its own thread and read-only connection, which
/// never takes the write lock.
pub fn start(path: PathBuf) -> FullCheck {
    let spawned = std::thread::Builder::new()
        .name("psi-feedback-check".into())
        .spawn(move || {
            let Ok(conn) = Connection::open_with_flags(
                &path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            ) else {
                return Outcome::NotRun;
            };
            let _ = conn.busy_timeout(super::BUSY_TIMEOUT);
            full_check_on(&conn)
        });
    match spawned {
        Ok(handle) => FullCheck::Running(handle),
        Err(_) => FullCheck::Due,
    }
}

/// The outcome as the state after it.
pub fn settle(outcome: Outcome) -> FullCheck {
    match outcome {
        Outcome::Passed => FullCheck::Passed,
        Outcome::Damaged(said) => {
            let found = said
                .arg("found")
                .or(said.arg("detail"))
                .unwrap_or_default()
                .to_string();
            let failed = Message::new("error.db.check_failed", vec![("found", found)]);
            eprintln!("psi-feedback: {}", failed.text());
            FullCheck::Failed(failed)
        }
        Outcome::NotRun => FullCheck::Due,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_application_id_is_psif() {
        assert_eq!(APPLICATION_ID, 0x5053_4946);
    }

    #[test]
    fn files_are_told_apart_by_id_and_by_their_tables() {
        let kind = |setup: &str| {
            let c = Connection::open_in_memory().unwrap();
            c.execute_batch(setup).unwrap();
            identify(&c).unwrap()
        };
        assert_eq!(kind(""), Kind::Empty);
        assert_eq!(kind("CREATE TABLE recipes (name)"), Kind::Foreign);
        assert_eq!(kind("PRAGMA application_id = 7"), Kind::Foreign);
        assert_eq!(
            kind("CREATE TABLE responses (x); PRAGMA user_version = 2"),
            Kind::Foreign,
            "a table of the same name is not enough"
        );
        for version in 1..=LAST_WITHOUT_ID {
            let mut c = Connection::open_in_memory().unwrap();
            migrations::migrations()
                .to_version(&mut c, version as usize)
                .unwrap();
            assert_eq!(identify(&c).unwrap(), Kind::Ours(version));
            c.execute_batch("CREATE TABLE extra (x)").unwrap();
            assert_eq!(
                identify(&c).unwrap(),
                Kind::Foreign,
                "schema {version} plus"
            );
        }
        let mut c = Connection::open_in_memory().unwrap();
        migrations::migrations().to_latest(&mut c).unwrap();
        assert_eq!(identify(&c).unwrap(), Kind::Ours(migrations::LATEST));
        c.pragma_update(None, "user_version", migrations::LATEST + 1)
            .unwrap();
        assert_eq!(identify(&c).unwrap_err().message().key, "error.db.newer");
    }
}
