//! Import of malformed files: each is refused whole, every problem is named by line and
//! column (up to a limit, with a count of the rest), and the database is left exactly
//! as it was. A good file still goes in, so these tests fail if the importer refuses
//! everything.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{header, row, row_in};
use psi_feedback::import::{self, ImportError, MAX_CELL_BYTES, MAX_LISTED};
use psi_feedback::period::Month;
use psi_feedback::store::Store;
use rusqlite::types::ValueRef;
use rusqlite::Connection;

const BIN: &str = env!("CARGO_BIN_EXE_psi-feedback");

/// "Now" for the library tests: 2026-07 is the first month in the future.
fn now() -> Month {
    Month::parse("2026-06").unwrap()
}

/// A configured database that already holds responses, so that "unchanged" means
/// something.
fn db(dir: &Path) -> PathBuf {
    let db = common::configured_db(
        dir,
        "clinic.sqlite3",
        &["North", "South"],
        &["Individual", "Group"],
        &["Nurse", "Psychologist"],
    );
    let text = lines(&[
        header(),
        row("2026-01", "North", &[("power_say", "4")], "earlier"),
        row("2026-02", "South", &[("rupture", "no")], ""),
    ]);
    let mut store = Store::open(&db).unwrap();
    assert_eq!(
        import::import(&mut store, text.as_bytes(), now()).unwrap(),
        2
    );
    db
}

fn lines(lines: &[String]) -> String {
    lines.join("\n") + "\n"
}

/// The whole content of the database as text: its schema, its version and every row of
/// every table (sorted, as tables without row ids have no order).
fn dump(db: &Path) -> Vec<String> {
    let c = Connection::open(db).unwrap();
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    let mut out = vec![format!("user_version {version}")];
    let schema: Vec<(String, String, String)> = c
        .prepare("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for (kind, name, sql) in schema {
        out.push(sql);
        if kind != "table" {
            continue;
        }
        let mut stmt = c.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| match r.get_ref(i).unwrap() {
                        ValueRef::Null => "NULL".to_string(),
                        ValueRef::Integer(v) => v.to_string(),
                        ValueRef::Real(v) => format!("{v:?}"),
                        ValueRef::Text(t) => format!("{:?}", String::from_utf8_lossy(t)),
                        ValueRef::Blob(b) => format!("{b:?}"),
                    })
                    .collect();
                Ok(format!("{name}: {}", cells.join("|")))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect();
        rows.sort();
        out.extend(rows);
    }
    out
}

fn responses(db: &Path) -> usize {
    dump(db)
        .iter()
        .filter(|l| l.starts_with("responses: "))
        .count()
}

/// Imports `bytes` through the library, expects it refused, checks that the database
/// did not change and returns the problems as they are shown.
fn refused(db: &Path, bytes: &[u8]) -> Vec<String> {
    let before = dump(db);
    assert!(before.iter().any(|l| l.starts_with("responses: ")));
    let mut store = Store::open(db).unwrap();
    let result = import::import(&mut store, bytes, now());
    drop(store);
    let problems = match result {
        Err(ImportError::Rejected(problems)) => problems.iter().map(|p| p.to_string()).collect(),
        Err(ImportError::Failed(e)) => panic!("failed instead of refused: {e:?}"),
        Ok(n) => panic!("{n} responses imported from a bad file"),
    };
    assert_eq!(dump(db), before, "a refused file changed the database");
    problems
}

const SAVE_AS: &str = "save the file as \"CSV UTF-8\"";

#[test]
fn latin1_and_windows_1252_text_is_named_cell_by_cell() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let mut bytes = format!("{}\n", header()).into_bytes();
    // é in Latin-1, £ in Windows-1252, both single bytes that are not UTF-8.
    bytes.extend(row("2026-01", "North", &[], "caf").bytes());
    bytes.extend(b"\xE9\n");
    bytes.extend(row("2026-01", "North", &[("power_say", "4")], "").bytes());
    bytes.push(b'\n');
    bytes.extend(
        row("2026-01", "North", &[], "\u{1}")
            .bytes()
            .map(|b| match b {
                1 => 0xA3,
                b => b,
            }),
    );
    bytes.extend(b"5 bus fare\n");
    bytes.extend(
        row("2026-01", "Sud\u{1}", &[], "")
            .bytes()
            .map(|b| match b {
                1 => 0xE9,
                b => b,
            }),
    );
    bytes.push(b'\n');
    // A row's problems come in the order of its columns, whatever was found first.
    bytes.extend(row("2026-01", "Nowhere", &[], "caf").bytes());
    bytes.extend(b"\xE9\n");
    assert_eq!(
        refused(&db, &bytes),
        [
            format!("line 2, column comment: not valid UTF-8 text: {SAVE_AS}"),
            format!("line 4, column comment: not valid UTF-8 text: {SAVE_AS}"),
            format!("line 5, column team: not valid UTF-8 text: {SAVE_AS}"),
            "line 6, column team: \"Nowhere\" is not a team in the settings".to_string(),
            format!("line 6, column comment: not valid UTF-8 text: {SAVE_AS}"),
        ]
    );
}

#[test]
fn utf16_workbooks_and_zero_bytes_are_refused_whole_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let text = lines(&[header(), row("2026-01", "North", &[], "")]);
    let utf16 = |big_endian: bool, mark: bool| -> Vec<u8> {
        let mut out = Vec::new();
        if mark {
            out.extend(if big_endian {
                [0xFE, 0xFF]
            } else {
                [0xFF, 0xFE]
            });
        }
        for unit in text.encode_utf16() {
            out.extend(if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            });
        }
        out
    };
    let utf16_text = format!("line 1: the file is UTF-16 text, not UTF-8: {SAVE_AS}");
    assert_eq!(refused(&db, &utf16(false, true)), [utf16_text.as_str()]);
    assert_eq!(refused(&db, &utf16(true, true)), [utf16_text.as_str()]);
    assert_eq!(
        refused(&db, &utf16(false, false)),
        [format!(
            "line 1: this line holds a zero byte, so the file is not plain text: {SAVE_AS}"
        )]
    );
    assert_eq!(
        refused(&db, b"PK\x03\x04\x14\x00\x06\x00rest of a workbook"),
        [format!(
            "line 1: the file is a spreadsheet workbook, not CSV: {SAVE_AS}"
        )]
    );
    // A zero byte further down is named by its line.
    let mut bytes = lines(&[header(), row("2026-01", "North", &[], "")]).into_bytes();
    bytes.extend(row("2026-01", "North", &[], "a\0b").bytes());
    assert_eq!(
        refused(&db, &bytes),
        [format!(
            "line 3: this line holds a zero byte, so the file is not plain text: {SAVE_AS}"
        )]
    );
}

#[test]
fn empty_files_and_files_without_rows_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let empty = ["line 1: the file is empty"];
    assert_eq!(refused(&db, b""), empty);
    assert_eq!(refused(&db, b"\xEF\xBB\xBF"), empty);
    assert_eq!(refused(&db, b"\n\r\n\n"), empty);
    let no_rows = ["line 2: the file has no rows after the header"];
    assert_eq!(refused(&db, header().as_bytes()), no_rows);
    assert_eq!(
        refused(&db, format!("{}\r\n", header()).as_bytes()),
        no_rows
    );
    let blank = ",".repeat(import::columns().len() - 1);
    assert_eq!(
        refused(&db, lines(&[header(), blank.clone(), blank]).as_bytes()),
        no_rows
    );
}

#[test]
fn missing_columns_are_each_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let keep = |cells: &str| -> String {
        let drop = ["team", "power_care", "comment"];
        import::columns()
            .iter()
            .zip(cells.split(','))
            .filter(|(c, _)| !drop.contains(c))
            .map(|(_, v)| v)
            .collect::<Vec<_>>()
            .join(",")
    };
    let text = lines(&[
        keep(&header()),
        keep(&row("2026-01", "North", &[("power_say", "4")], "x")),
    ]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            "line 1, column team: missing column",
            "line 1, column power_care: missing column",
            "line 1, column comment: missing column",
        ]
    );
}

#[test]
fn unknown_duplicate_and_unnamed_columns_are_each_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let text = lines(&[
        format!("{},Colour, TEAM ,", header()),
        format!("{},blue,North,", row("2026-01", "North", &[], "")),
    ]);
    let n = import::columns().len();
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            "line 1, column colour: unknown column".to_string(),
            "line 1, column team: this column appears twice".to_string(),
            format!("line 1, column {}: this column has no name", n + 3),
        ]
    );
    // A file without a header, or split by semicolons, gets one line saying so.
    let no_header = lines(&[row("2026-01", "North", &[], "")]);
    assert_eq!(
        refused(&db, no_header.as_bytes()),
        ["line 1: the first line should be the column names (month, team, session_type, role, …), but it has none of them"]
    );
    let semicolons = lines(&[header(), row("2026-01", "North", &[], "")]).replace(',', ";");
    assert_eq!(
        refused(&db, semicolons.as_bytes()),
        [format!(
            "line 1: the columns are separated by semicolons or tabs, not commas: {SAVE_AS}"
        )]
    );
}

#[test]
fn rows_with_too_many_or_too_few_fields_are_named_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let n = import::columns().len();
    let text = format!(
        "{}\r\n{}\r\n2026-01,North\r\n\r\n{}\r\n{},extra\r\n{}",
        header(),
        row("2026-01", "North", &[], ""),
        row("2026-01", "North", &[], ""),
        row("2026-01", "North", &[], ""),
        row("2026-01", "North", &[], ""),
    );
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            format!("line 3: this row has 2 fields; the header has {n}"),
            format!("line 6: this row has {} fields; the header has {n}", n + 1),
        ]
    );
}

#[test]
fn an_unclosed_quote_is_named_and_does_not_swallow_the_rows_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let good = |answer: &str| row("2026-01", "North", &[("power_say", answer)], "");
    // Never closed: the csv crate reads the rest of the file into the comment, which
    // would otherwise import 2 rows out of 4 without a word.
    let text = lines(&[
        header(),
        good("4"),
        row("2026-01", "North", &[], "\"thanks, see you"),
        good("5"),
        good("3"),
    ]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        ["line 3, column comment: a quote (\") in this cell is never closed"]
    );
    // Also in the middle of a row, and on the last line.
    let text = lines(&[header(), good("4"), good("5")]) + "2026-01,\"North,Individual";
    assert_eq!(
        refused(&db, text.as_bytes()),
        ["line 4, column team: a quote (\") in this cell is never closed"]
    );
    let text = lines(&[header(), row("2026-01", "North", &[], "\"thanks")]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        ["line 2, column comment: a quote (\") in this cell is never closed"]
    );
    assert_eq!(
        refused(&db, format!("{},\"colour\n", header()).as_bytes()),
        ["line 1: a quote (\") in the column names is never closed"]
    );
}

#[test]
fn a_quote_closed_rows_later_is_named_and_the_rows_after_it_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let text = lines(&[
        header(),
        row("2026-01", "North", &[], "\"hi"),
        row("2026-01", "North", &[("power_say", "4")], ""),
        row("2026-01", "North", &[], "bye\""),
        row("2026-01", "North", &[("power_say", "7")], ""),
        // The quote opens in the team and closes in another row's comment: the row is
        // far too long, and the quote is named rather than the count.
        row("2026-01", "\"North", &[], ""),
        row("2026-01", "North", &[], "ok\""),
    ]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            "line 2, column comment: this cell runs on over the next lines: a closing quote (\") is probably missing",
            "line 5, column power_say: \"7\" is not an answer: use 1 to 5, 0 for \"rather not say\", or leave it empty",
            "line 6, column team: this cell runs on over the next lines: a closing quote (\") is probably missing",
        ]
    );
}

#[test]
fn huge_cells_are_named_without_being_shown() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let mega = "x".repeat(1 << 20);
    let text = lines(&[
        header(),
        row("2026-01", "North", &[], ""),
        row("2026-01", "North", &[], &mega),
        row("2026-01", &mega, &[("overall", mega.as_str())], ""),
        row("2026-01", "North", &[], &"y".repeat(MAX_CELL_BYTES + 1)),
        // Within the cell limit but over the comment's.
        row("2026-01", "North", &[], &"z".repeat(2001)),
    ]);
    let too_long = format!("this cell is too long (more than {MAX_CELL_BYTES} bytes)");
    let problems = refused(&db, text.as_bytes());
    assert_eq!(
        problems,
        [
            format!("line 3, column comment: {too_long}"),
            format!("line 4, column team: {too_long}"),
            format!("line 4, column overall: {too_long}"),
            format!("line 5, column comment: {too_long}"),
            "line 6, column comment: The comment is too long. Please keep it under 2000 characters."
                .to_string(),
        ]
    );
    // A long cell that is not too long is cut when it is quoted.
    let long_team = "N".repeat(5000);
    let text = lines(&[header(), row("2026-01", &long_team, &[], "")]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        [format!(
            "line 2, column team: \"{}…\" is not a team in the settings",
            "N".repeat(30)
        )]
    );
    let text = lines(&[format!("{},{mega}", header())]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        [format!(
            "line 1, column {}…: unknown column",
            "x".repeat(30)
        )]
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it_all() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let before = dump(&db);
    let mut store = Store::open(&db).unwrap();
    // An endless input: the import returns only because it stops at the limit.
    let result = import::import(&mut store, std::io::repeat(b'a'), now());
    drop(store);
    match result {
        Err(ImportError::Rejected(p)) => {
            assert_eq!(p.len(), 1);
            assert_eq!(p[0].to_string(), "line 1: the file is larger than 64 MiB");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(dump(&db), before);
}

#[test]
fn future_and_impossible_months_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let text = lines(&[
        header(),
        row("2026-06", "North", &[], "this month is fine"),
        row("2026-07", "North", &[], ""),
        row("2031-01-15", "North", &[], ""),
        row("2026-02-30", "North", &[], ""),
        row("2026-13", "North", &[], ""),
        row("1850-01", "North", &[], ""),
        row("13/02/2026", "North", &[], ""),
        row("", "North", &[], ""),
    ]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            "line 3, column month: 2026-07 is in the future",
            "line 4, column month: 2031-01 is in the future",
            "line 5, column month: \"2026-02-30\" is not a real date",
            "line 6, column month: \"2026-13\" is not a real month",
            "line 7, column month: \"1850-01\" is before 1900",
            "line 8, column month: \"13/02/2026\" is not a month: write YYYY-MM or YYYY-MM-DD",
            "line 9, column month: a month is needed",
        ]
    );
}

#[test]
fn unknown_teams_session_types_and_roles_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let text = lines(&[
        header(),
        row_in("2026-01", "Nowhere", "Couples", "Surgeon", &[], ""),
        row_in("2026-01", "", "Group", "nurse", &[], ""),
        row_in("2026-01", "south", "GROUP", "Psychologist", &[], ""),
    ]);
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            "line 2, column team: \"Nowhere\" is not a team in the settings",
            "line 2, column session_type: \"Couples\" is not a session type in the settings",
            "line 2, column role: \"Surgeon\" is not a practitioner role in the settings",
            "line 3, column team: a team is needed",
        ]
    );
}

#[test]
fn answers_out_of_range_are_each_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let text = lines(&[
        header(),
        row(
            "2026-01",
            "North",
            &[
                ("power_say", "6"),
                ("safety_trust", "4.5"),
                ("rupture", "4"),
                ("overall", "-1"),
                ("attending_choice", "maybe"),
            ],
            "",
        ),
        row("2026-01", "North", &[("power_expert", "4\"")], ""),
    ]);
    let scale = "use 1 to 5, 0 for \"rather not say\", or leave it empty";
    assert_eq!(
        refused(&db, text.as_bytes()),
        [
            format!("line 2, column power_say: \"6\" is not an answer: {scale}"),
            format!("line 2, column safety_trust: \"4.5\" is not an answer: {scale}"),
            "line 2, column rupture: \"4\" is not an answer: use no, not_sure, yes, 0 for \"rather not say\", or leave it empty".to_string(),
            format!("line 2, column overall: \"-1\" is not an answer: {scale}"),
            "line 2, column attending_choice: \"maybe\" is not an answer: use yes, partly, no, 0 for \"rather not say\", or leave it empty".to_string(),
            format!("line 3, column power_expert: \"4\\\"\" is not an answer: {scale}"),
        ]
    );
}

#[test]
fn a_wholly_wrong_file_lists_the_first_problems_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let mut rows = vec![header()];
    rows.extend((0..500).map(|_| row("2026-01", "Nowhere", &[], "")));
    let problems = refused(&db, lines(&rows).as_bytes());
    assert_eq!(problems.len(), MAX_LISTED + 1);
    assert_eq!(
        problems[0],
        "line 2, column team: \"Nowhere\" is not a team in the settings"
    );
    assert_eq!(
        problems[MAX_LISTED - 1],
        format!(
            "line {}, column team: \"Nowhere\" is not a team in the settings",
            MAX_LISTED + 1
        )
    );
    assert_eq!(
        problems[MAX_LISTED],
        format!(
            "line {}: {} more problems from this line on are not listed",
            MAX_LISTED + 2,
            500 - MAX_LISTED
        )
    );
}

#[test]
fn a_good_spreadsheet_file_still_imports_whole() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let before = responses(&db);
    let blank = ",".repeat(import::columns().len() - 1);
    let text = format!(
        "\u{feff}{}\r\n",
        [
            header(),
            row(
                "2026-06",
                "north",
                &[
                    ("power_say", "4"),
                    ("rupture", "Not sure"),
                    ("attending_choice", "partly")
                ],
                "\"Said \"\"thanks\"\", twice\r\nand left\"",
            ),
            blank,
            row(
                "2026-01-31",
                "South",
                &[("overall", "0")],
                "said \"hi\" at the door",
            ),
            row_in(
                "2025-12",
                "NORTH",
                "group",
                "psychologist",
                &[("power_say", " 5 ")],
                ""
            ),
            row("2026-02", "South", &[], "é £ ü"),
        ]
        .join("\r\n")
    );
    let mut store = Store::open(&db).unwrap();
    let n = import::import(&mut store, text.as_bytes(), now()).expect("a good file imports");
    drop(store);
    assert_eq!(n, 4);
    assert_eq!(responses(&db), before + 4);
    let stored: Vec<(String, Option<String>, String, Option<i64>)> = Connection::open(&db)
        .unwrap()
        .prepare(
            "SELECT session_month, comment, source, power_say FROM responses ORDER BY id DESC LIMIT 4",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let s = |t: &str| t.to_string();
    assert_eq!(
        stored,
        [
            (s("2026-02"), Some(s("é £ ü")), s("paper"), None),
            (s("2025-12"), None, s("paper"), Some(5)),
            (
                s("2026-01"),
                Some(s("said \"hi\" at the door")),
                s("paper"),
                None
            ),
            (
                s("2026-06"),
                Some(s("Said \"thanks\", twice\r\nand left")),
                s("paper"),
                Some(4)
            ),
        ]
    );
}

// The same through the real binary: exit status, problems on stderr, database unchanged.

fn run_import(db: &Path, file: &Path, bytes: &[u8]) -> Output {
    std::fs::write(file, bytes).unwrap();
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(file)
        .output()
        .expect("the binary runs")
}

fn cli_refuses(db: &Path, bytes: &[u8], needles: &[&str]) -> String {
    let file = db.with_file_name("paper.csv");
    let before = dump(db);
    let o = run_import(db, &file, bytes);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        o.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for needle in needles.iter().chain(&["nothing was imported"]) {
        assert!(err.contains(needle), "{needle:?} missing from:\n{err}");
    }
    assert_eq!(dump(db), before, "a refused file changed the database");
    err
}

#[test]
fn the_command_line_refuses_malformed_files_and_names_the_problems() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let last_month = Month::current().prev().to_string();
    let future = Month::current().next().to_string();

    let mut utf16 = vec![0xFF, 0xFE];
    for unit in lines(&[header(), row(&last_month, "North", &[], "")]).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    cli_refuses(
        &db,
        &utf16,
        &["line 1: the file is UTF-16 text, not UTF-8: save the file as \"CSV UTF-8\""],
    );

    let mut bytes = lines(&[
        header(),
        row(&last_month, "North", &[("power_say", "4")], ""),
        format!("{last_month},North"),
        row(&future, "Nowhere", &[], ""),
        row(&last_month, "North", &[], "\"thanks"),
    ])
    .into_bytes();
    bytes.extend(row(&last_month, "North", &[], "").bytes());
    cli_refuses(
        &db,
        &bytes,
        &[
            "line 3: this row has 2 fields",
            &format!("line 4, column month: {future} is in the future"),
            "line 4, column team: \"Nowhere\" is not a team",
            "line 5, column comment: a quote (\") in this cell is never closed",
        ],
    );

    let mega = "x".repeat(1 << 20);
    let err = cli_refuses(
        &db,
        lines(&[header(), row(&last_month, "North", &[], &mega)]).as_bytes(),
        &["line 2, column comment: this cell is too long"],
    );
    assert!(
        err.len() < 1000,
        "the cell is not echoed: {} bytes",
        err.len()
    );

    let mut rows = vec![header()];
    rows.extend((0..5000).map(|_| row(&last_month, "North", &[("overall", "9")], "")));
    let err = cli_refuses(
        &db,
        lines(&rows).as_bytes(),
        &[&format!(
            "line {}: {} more problems from this line on are not listed",
            MAX_LISTED + 2,
            5000 - MAX_LISTED
        )],
    );
    assert!(err.lines().count() <= MAX_LISTED + 2, "{err}");
}

#[test]
fn the_command_line_imports_a_good_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let before = responses(&db);
    let last_month = Month::current().prev().to_string();
    let file = dir.path().join("paper.csv");
    let text = format!(
        "\u{feff}{}",
        lines(&[
            header(),
            row(&last_month, "North", &[("power_say", "4")], "fine"),
            row(&last_month, "south", &[("rupture", "yes")], "\"a, b\""),
        ])
    );
    let o = run_import(&db, &file, text.as_bytes());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Imported 2 responses"));
    assert_eq!(responses(&db), before + 2);
}

/// The paper form's optional columns for the practitioner's estimate: read where the
/// file has them (in any place after the others), blank where not given, and a value
/// that is not 1 to 5 is named like any other problem.
#[test]
fn the_practitioners_estimate_columns_are_optional_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    let with = |cells: [&str; 3]| format!(",{}", cells.join(","));
    let text = lines(&[
        header() + ",estimate_safety,estimate_power,estimate_identity",
        row("2026-03", "North", &[("safety_honest", "2")], "") + &with(["5", "", " 3 "]),
        row("2026-03", "South", &[("power_say", "4")], "") + &with(["", "", ""]),
    ]);
    let mut store = Store::open(&db).unwrap();
    assert_eq!(
        import::import(&mut store, text.as_bytes(), now()).unwrap(),
        2
    );
    drop(store);
    let estimates: Vec<(Option<i64>, Option<i64>, Option<i64>)> = Connection::open(&db)
        .unwrap()
        .prepare(
            "SELECT estimate_power, estimate_safety, estimate_identity FROM responses ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        estimates,
        [
            (None, None, None),
            (None, None, None),
            (None, Some(5), Some(3)),
            (None, None, None)
        ],
        "the file's own order of columns; none for the rows before or a blank"
    );

    let problems = refused(
        &db,
        lines(&[
            header() + ",estimate_power",
            row("2026-04", "North", &[], "") + ",6",
            row("2026-04", "North", &[], "") + ",mostly",
        ])
        .as_bytes(),
    );
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|p| p.contains("estimate_power") && p.contains("use 1 to 5")),
        "{problems:?}"
    );
}
