//! The command line end to end on temporary database files: migrations from empty,
//! import all or nothing, export contents for a known data set, demo data.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;
use common::{csv_rows, header, row};
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

/// `reset-passphrase` with `input` on its standard input.
fn reset_passphrase(db: &Path, input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(["--db", db.to_str().unwrap(), "reset-passphrase"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A configured database with two teams, as the window's first-run setup makes it.
fn configured_db(dir: &Path) -> PathBuf {
    common::configured_db(
        dir,
        "clinic.sqlite3",
        &["North", "South"],
        &["Individual", "Group"],
        &["Nurse", "Psychologist"],
    )
}

fn count(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
        .unwrap()
}

/// The known data set: North has 23 responses in January 2026 (power_say: three 3s,
/// nine 4s, eleven 5s; power_expert: ten 4s, thirteen 5s; rupture: twenty "no", three
/// "yes"), South has 5.
fn known_csv() -> String {
    let mut lines = vec![header()];
    for i in 0..23 {
        let power = if i < 3 {
            "3"
        } else if i < 12 {
            "4"
        } else {
            "5"
        };
        let expert = if i < 10 { "4" } else { "5" };
        let rupture = if i < 3 { "yes" } else { "no" };
        let answers = [
            ("power_say", power),
            ("power_expert", expert),
            ("rupture", rupture),
        ];
        lines.push(row(
            "2026-01",
            "North",
            &answers,
            "Alice Smith 07700 900123",
        ));
    }
    // South is in February, so January's export has one team and no totals row: the
    // cells of one group, exactly. Totals are the attack suite's business.
    for _ in 0..5 {
        lines.push(row("2026-02-15", "South", &[("power_say", "1")], ""));
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_new_database_is_created_and_migrated_by_any_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("deep").join("new.sqlite3");
    let out = dir.path().join("empty.csv");
    let o = run(
        &db,
        &[
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
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let c = Connection::open(&db).unwrap();
    let version: i64 = c
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, psi_feedback::store::SCHEMA_VERSION);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("# PSI Feedback summary"));
    assert_eq!(
        text.lines().filter(|l| !l.starts_with('#')).count(),
        1,
        "only the header: {text}"
    );
}

#[test]
fn the_database_can_be_chosen_by_environment_variable() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("from-env.sqlite3");
    let o = Command::new(BIN)
        .env("PSI_FEEDBACK_DB", &db)
        .args(["demo", "--responses", "50", "--teams", "2", "--months", "2"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&db), 50);
}

#[test]
fn import_is_all_or_nothing_and_names_every_bad_row() {
    let dir = tempfile::tempdir().unwrap();
    let db = configured_db(dir.path());
    let file = dir.path().join("paper.csv");
    let future = psi_feedback::period::Month::current().next().to_string();
    let lines = [
        header(),
        row("2026-01", "North", &[("power_say", "4")], "fine"),
        row("2026-13", "North", &[], ""),
        row("2026-02", "Nowhere", &[("overall", "9")], ""),
        row(&future, "South", &[("rupture", "maybe")], ""),
        row("2026-02", "South", &[], ""),
    ];
    std::fs::write(&file, lines.join("\n")).unwrap();
    let o = run(&db, &["import", file.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = stderr(&o);
    for needle in [
        "line 3, column month",
        "line 4, column team",
        "line 4, column overall",
        "line 5, column month",
        "line 5, column rupture",
        "nothing was imported:",
    ] {
        assert!(err.contains(needle), "{needle:?} missing from:\n{err}");
    }
    assert!(
        !err.contains("line 2,") && !err.contains("line 6,"),
        "good rows are not blamed:\n{err}"
    );
    assert_eq!(count(&db), 0, "nothing was stored");

    // Wrong columns are refused before any row is read.
    std::fs::write(&file, "month,team,colour\n2026-01,North,blue\n").unwrap();
    let o = run(&db, &["import", file.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("column colour: unknown column")
            && err.contains("column power_say: missing column"),
        "{err}"
    );
    // Bad bytes and ragged rows.
    let mut bytes = format!("{}\n", header()).into_bytes();
    bytes.extend_from_slice(row("2026-01", "North", &[], "caf\u{e9}").as_bytes());
    bytes.extend_from_slice(b"\n2026-01,North\n");
    let mut latin1 = row("2026-01", "North", &[], "caf").into_bytes();
    latin1.push(0xE9);
    bytes.extend_from_slice(&latin1);
    std::fs::write(&file, &bytes).unwrap();
    let err = stderr(&run(&db, &["import", file.to_str().unwrap()]));
    assert!(err.contains("line 3: this row has 2 fields"), "{err}");
    assert!(
        err.contains("line 4, column comment: not valid UTF-8"),
        "{err}"
    );
    assert_eq!(count(&db), 0);

    // The same file without its bad rows goes in whole.
    std::fs::write(&file, known_csv()).unwrap();
    let o = run(&db, &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Imported 28 responses"));
    assert_eq!(count(&db), 28);

    // Demo data never mixes with real responses.
    let o = run(&db, &["demo", "--responses", "10"]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("holds real responses"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&db), 28);
}

fn export(db: &Path, dir: &Path, args: &[&str], name: &str) -> String {
    let out = dir.join(name);
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", out.to_str().unwrap()]);
    let o = run(db, &all);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::read_to_string(out).unwrap()
}

fn cell<'a>(
    rows: &'a [common::Row],
    team: &str,
    measure: &str,
    statistic: &str,
    option: &str,
) -> (&'a str, &'a str) {
    let r = rows
        .iter()
        .find(|r| {
            r["team"] == team
                && r["measure"] == measure
                && r["statistic"] == statistic
                && r["option"] == option
        })
        .unwrap_or_else(|| panic!("no row {team} {measure} {statistic} {option}"));
    (r["value"].as_str(), r["withheld_reason"].as_str())
}

#[test]
fn export_of_a_known_data_set_has_exactly_the_expected_cells() {
    let dir = tempfile::tempdir().unwrap();
    let db = configured_db(dir.path());
    let file = dir.path().join("paper.csv");
    std::fs::write(&file, known_csv()).unwrap();
    assert!(run(&db, &["import", file.to_str().unwrap()])
        .status
        .success());

    let text = export(
        &db,
        dir.path(),
        &[
            "--period", "month", "--from", "2026-01", "--to", "2026-01", "--format", "csv",
            "--layout", "full",
        ],
        "k.csv",
    );
    let rows = csv_rows(&text);
    assert_eq!(cell(&rows, "North", "responses", "count", ""), ("25", ""));
    assert_eq!(
        cell(&rows, "North", "power_say", "answered", ""),
        ("25", "")
    );
    assert_eq!(
        cell(&rows, "North", "power_say", "count", "not_at_all"),
        ("0", "")
    );
    let (v, why) = cell(&rows, "North", "power_say", "count", "partly");
    assert_eq!(v, "withheld");
    assert!(why.contains("from 1 to 7"), "{why}");
    assert_eq!(
        cell(&rows, "North", "power_say", "count", "mostly"),
        ("10", "")
    );
    assert_eq!(
        cell(&rows, "North", "power_say", "count", "completely"),
        ("10", "")
    );
    // The mean 4.3 leaves "partly" anywhere from 1 to 7 now that no standard deviation
    // is published beside it (the attack tests search this exhaustively).
    assert_eq!(cell(&rows, "North", "power_say", "mean", ""), ("4.3", ""));
    assert!(
        !rows.iter().any(|r| r["statistic"] == "sd"),
        "no standard deviations"
    );
    assert_eq!(cell(&rows, "North", "power_say", "percent", ""), ("80", ""));
    // power_expert has no small count: mean (40 + 65) / 23 = 4.57, and 23 of 23
    // positive is top-coded.
    assert_eq!(
        cell(&rows, "North", "power_expert", "mean", ""),
        ("4.6", "")
    );
    assert_eq!(
        cell(&rows, "North", "power_expert", "percent", ""),
        ("95 or more", "")
    );
    assert_eq!(
        cell(&rows, "North", "power_expert", "count", "mostly"),
        ("10", "")
    );
    assert_eq!(
        cell(&rows, "North", "power_expert", "count", "completely"),
        ("15", "")
    );
    // Rupture: 3 "yes" is withheld, and so is the percentage that would give it away.
    assert_eq!(
        cell(&rows, "North", "rupture", "count", "yes").0,
        "withheld"
    );
    assert_eq!(cell(&rows, "North", "rupture", "count", "no"), ("20", ""));
    assert_eq!(cell(&rows, "North", "rupture", "percent", "").0, "withheld");
    // Nobody answered "overall": zeros, and no mean from no answers.
    assert_eq!(cell(&rows, "North", "overall", "answered", ""), ("0", ""));
    assert_eq!(cell(&rows, "North", "overall", "mean", "").0, "withheld");
    // South is below the floor: one row, withheld, with its reason.
    let feb = export(
        &db,
        dir.path(),
        &[
            "--period", "month", "--from", "2026-02", "--to", "2026-02", "--format", "csv",
        ],
        "feb.csv",
    );
    let feb_rows = csv_rows(&feb);
    let south: Vec<_> = feb_rows.iter().filter(|r| r["team"] == "South").collect();
    assert_eq!(feb_rows.len(), 1);
    assert_eq!(south[0]["value"], "withheld");
    assert!(south[0]["withheld_reason"].contains("fewer than 10 responses"));
    // Rules stated in the note lines.
    assert!(text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .any(|l| l.contains("rounded to the nearest 5")));
    // Every row of North: one statistic per row, each measure of the full layout (all
    // but the comparisons with practitioners' estimates, headline figures only) the
    // same shape.
    let measures = psi_feedback::summary::measures();
    let per_measure: usize = measures
        .iter()
        .filter(|m| !m.is_estimate())
        .map(|m| {
            1 + m.options.len()
                + if m.kind == psi_feedback::questionnaire::Kind::Scale {
                    1
                } else {
                    0
                }
                + 1
        })
        .sum();
    assert_eq!(
        rows.iter().filter(|r| r["team"] == "North").count(),
        1 + per_measure
    );

    // JSON carries the same values and the metadata.
    let json: serde_json::Value = serde_json::from_str(&export(
        &db,
        dir.path(),
        &[
            "--period", "month", "--from", "2026-01", "--to", "2026-01", "--format", "json",
            "--layout", "full",
        ],
        "k.json",
    ))
    .unwrap();
    assert_eq!(json["questionnaire_version"], 1);
    assert_eq!(json["periods"], serde_json::json!(["2026-01"]));
    assert_eq!(json["rules"]["settings"]["group_floor"], 10);
    assert_eq!(json["app_version"], env!("CARGO_PKG_VERSION"));
    let find = |m: &str, s: &str, o: Option<&str>| {
        json["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["team"] == "North"
                    && r["measure"] == m
                    && r["statistic"] == s
                    && r["option"].as_str() == o
            })
            .unwrap()
            .clone()
    };
    assert_eq!(find("power_expert", "mean", None)["value"], 4.6);
    assert_eq!(find("power_say", "mean", None)["value"], 4.3);
    assert_eq!(json["layout"], "full");
    assert_eq!(
        find("power_say", "count", Some("partly"))["withheld"],
        "small_count"
    );
    assert_eq!(find("responses", "count", None)["value"], 25);

    // The report shows the same and marks withheld values.
    let html = export(
        &db,
        dir.path(),
        &[
            "--period", "month", "--from", "2026-01", "--to", "2026-01", "--format", "html",
        ],
        "k.html",
    );
    assert!(html.contains("<h2>North</h2>"));
    assert!(html.contains("class=\"withheld\""));
    // Its charts are pictures beside their figures in words.
    assert!(html.contains("<svg class=\"chart chart--line\" aria-hidden=\"true\""));
    assert!(html.contains("Too few published figures to show a change."));

    // Nothing from the comment column, nor the day of the South rows, in any format.
    for out in [&text, &html, &json.to_string(), &feb] {
        for secret in ["Alice", "07700", "2026-02-15", "T0", "Z\""] {
            assert!(!out.contains(secret), "{secret} leaked");
        }
    }

    // Quarters: the same responses, the same group.
    let q = csv_rows(&export(
        &db,
        dir.path(),
        &[
            "--period", "quarter", "--from", "2026-01", "--to", "2026-03",
        ],
        "q.csv",
    ));
    // The quarter holds South too, so it has an all-teams row. All teams (28 to 32)
    // minus North (23 to 27) leaves South anywhere from 1 to 9, which its own
    // "fewer than 10" already says: both counts are shown.
    assert_eq!(q[0]["period"], "2026-Q1");
    assert_eq!(cell(&q, "All teams", "responses", "count", ""), ("30", ""));
    assert_eq!(cell(&q, "North", "responses", "count", ""), ("25", ""));
    let (v, why) = cell(&q, "South", "responses", "count", "");
    assert_eq!(v, "withheld");
    assert!(why.contains("fewer than 10 responses"), "{why}");

    // The same request gives the same bytes.
    let again = export(
        &db,
        dir.path(),
        &[
            "--period", "month", "--from", "2026-01", "--to", "2026-01", "--format", "csv",
            "--layout", "full",
        ],
        "k2.csv",
    );
    assert_eq!(again, text);
}

#[test]
fn import_handles_spreadsheet_files_crlf_bom_blank_rows_and_quoted_newlines() {
    let dir = tempfile::tempdir().unwrap();
    let db = configured_db(dir.path());
    let file = dir.path().join("excel.csv");
    let import = |bytes: &[u8]| {
        std::fs::write(&file, bytes).unwrap();
        run(&db, &["import", file.to_str().unwrap()])
    };
    let blank_row = ",".repeat(psi_feedback::import::columns().len() - 1);
    let mut text = format!("\u{feff}{}\r\n", header());
    text += &format!(
        "{}\r\n",
        row(
            "2026-01",
            "North",
            &[("power_say", "4")],
            "\"two\r\nlines, quoted\""
        )
    );
    text += &format!("{blank_row}\r\n");
    text += &format!("{}\r\n", row("2026-01", "North", &[("power_say", "x")], ""));
    let o = import(text.as_bytes());
    let err = stderr(&o);
    assert!(
        err.contains("line 5, column power_say"),
        "the CRLF file's real line: {err}"
    );
    assert_eq!(
        err.matches(", column").count(),
        1,
        "the blank row is no problem: {err}"
    );
    assert_eq!(count(&db), 0);

    let fixed = text.replace("\"x\"", "5").replace(",x,", ",5,");
    let o = import(fixed.as_bytes());
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&db), 2);
    let comment: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT comment FROM responses WHERE comment IS NOT NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(comment, "two\r\nlines, quoted");

    for (bytes, needle) in [
        (Vec::new(), "the file is empty"),
        (
            format!("{}\n", header()).into_bytes(),
            "no rows after the header",
        ),
        (
            format!("{},team\n", header()).into_bytes(),
            "column team: this column appears twice",
        ),
    ] {
        let o = import(&bytes);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(needle), "{needle}: {}", stderr(&o));
    }
    assert_eq!(count(&db), 2, "refused files changed nothing");
}

#[test]
fn export_refuses_arbitrary_ranges_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = configured_db(dir.path());
    let out = dir.path().join("x.csv");
    let future = psi_feedback::period::Month::current().next().to_string();
    let this_month = psi_feedback::period::Month::current().to_string();
    for (args, needle) in [
        (
            vec![
                "--period",
                "month",
                "--from",
                "2026-01",
                "--to",
                &this_month,
            ],
            "has not ended yet",
        ),
        (
            vec![
                "--period", "quarter", "--from", "2026-02", "--to", "2026-06",
            ],
            "not the first month of a quarter",
        ),
        (
            vec!["--period", "month", "--from", "2026-01", "--to", &future],
            "has not ended yet",
        ),
        (
            vec!["--period", "month", "--from", "2026-1", "--to", "2026-02"],
            "is not a month",
        ),
        (
            vec!["--period", "week", "--from", "2026-01", "--to", "2026-02"],
            "invalid value 'week'",
        ),
    ] {
        let mut all = vec!["export"];
        all.extend(args.iter().copied());
        all.extend(["--out", out.to_str().unwrap()]);
        let o = run(&db, &all);
        assert!(!o.status.success());
        assert!(stderr(&o).contains(needle), "{needle}: {}", stderr(&o));
        assert!(!out.exists(), "no file is written on error");
    }
}

#[test]
fn demo_data_exports_with_no_small_counts_and_no_free_text() {
    let dir = tempfile::tempdir().unwrap();
    // A device set up with its own lists and no staff counts, so every role is merged:
    // the demo on a fresh database sets staff counts, and its export by choice after
    // the one by role takes minutes in a debug build (see the README's limits).
    let db = configured_db(dir.path());
    let o = run(
        &db,
        &[
            "demo",
            "--responses",
            "3000",
            "--teams",
            "4",
            "--months",
            "3",
            "--last-month",
            "2026-03",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&db), 3000);
    let comments: i64 = Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(comment) FROM responses", [], |r| r.get(0))
        .unwrap();
    assert!(comments > 0, "the demo has comments to leak");
    for by in ["session-type", "role", "choice"] {
        let text = export(
            &db,
            dir.path(),
            &[
                "--period", "month", "--from", "2026-01", "--to", "2026-03", "--by", by,
            ],
            "d.csv",
        );
        let rows = csv_rows(&text);
        assert!(
            rows.iter().any(|r| r["value"] == "withheld"),
            "some cells are withheld by {by}"
        );
        assert!(
            rows.iter()
                .any(|r| r["statistic"] == "mean" && r["value"] != "withheld"),
            "some means are published"
        );
        for r in &rows {
            if r["statistic"] == "count" || r["statistic"] == "answered" {
                if let Ok(n) = r["value"].parse::<u64>() {
                    assert!(
                        n == 0 || (n >= 10 && n % 5 == 0),
                        "published count {n} in {r:?}"
                    );
                }
            }
            assert_eq!(r["value"] == "withheld", !r["withheld_reason"].is_empty());
        }
        for c in ["I felt listened to", "patient with me", "more time"] {
            assert!(!text.contains(c));
        }
    }
}

/// The forgotten-passphrase path: a new passphrase from standard input, nothing else
/// changed, the old one no longer works, and the reset is in the audit trail.
#[test]
fn reset_passphrase_backup_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::configured_db(
        dir.path(),
        "cli.sqlite3",
        &["North"],
        &["Individual"],
        &["Nurse"],
    );
    let count = |db: &Path| -> i64 {
        Connection::open(db)
            .unwrap()
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    };
    let demo = run(&db, &["demo", "--responses", "30", "--months", "2"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let before = count(&db);

    let reset = |input: &str| reset_passphrase(&db, input);
    let short = reset("short\n");
    assert!(!short.status.success(), "a short passphrase is refused");
    let o = reset("a brand new passphrase\n");
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&db), before, "no response changed");
    let app = psi_feedback::app::App::open(&db, psi_feedback::app::Timeouts::default());
    assert!(app.unlock("a brand new passphrase").is_ok());
    let trail = app.audit_trail().unwrap();
    assert!(trail.iter().any(|e| e.action == "passphrase_reset"));
    drop(app);

    // A backup, more responses, then a restore: the backup's responses are back and the
    // database from before the restore is kept beside it.
    let backup = dir.path().join("copy.sqlite3");
    let o = run(&db, &["backup", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&db, &["demo", "--responses", "20", "--months", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&db), before + 20);
    let o = run(&db, &["restore", backup.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(count(&db), before);
    let kept: Vec<PathBuf> = std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(count(&kept[0]), before + 20);
    assert!(stdout(&o).contains("kept as"), "{}", stdout(&o));

    // Not a database: refused, nothing changed.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "not a backup").unwrap();
    let o = run(&db, &["restore", text.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        stderr(&o).contains("nothing was restored"),
        "{}",
        stderr(&o)
    );
    assert_eq!(count(&db), before);
}

/// Where an export or a backup must never be written: the database and every file of
/// its own (by name, through a symbolic link, as another hard link), and anything that
/// is not an ordinary file (a device, a pipe, a folder). Each is refused with a clear
/// message, nothing is recorded in the ledger, and nothing is written anywhere.
#[test]
fn export_and_backup_never_write_over_the_database_its_own_files_or_a_device() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let db = configured_db(dir.path());
    let file = dir.path().join("paper.csv");
    std::fs::write(&file, known_csv()).unwrap();
    let o = run(&db, &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let releases = || -> i64 {
        Connection::open(&db)
            .unwrap()
            .query_row("SELECT count(*) FROM releases", [], |r| r.get(0))
            .unwrap()
    };
    let before = std::fs::read(&db).unwrap();
    let export_to = |target: &Path| {
        run(
            &db,
            &[
                "export",
                "--period",
                "month",
                "--from",
                "2026-01",
                "--to",
                "2026-01",
                "--out",
                target.to_str().unwrap(),
            ],
        )
    };
    let backup_to = |target: &Path| run(&db, &["backup", target.to_str().unwrap()]);
    let refused = |target: &Path, what: &str| {
        for (command, o) in [("export", export_to(target)), ("backup", backup_to(target))] {
            assert!(!o.status.success(), "{command} to {what} was allowed");
            assert!(
                stderr(&o).contains("Nothing was saved") && stderr(&o).contains(what),
                "{command} to {what}: {}",
                stderr(&o)
            );
            assert_eq!(std::fs::read(&db).unwrap(), before, "{command} to {what}");
            assert_eq!(releases(), 0, "{command} to {what}: nothing recorded");
        }
    };

    // The database's own files, by name.
    let name = db.file_name().unwrap().to_str().unwrap().to_string();
    for own in [
        name.clone(),
        format!("{name}-wal"),
        format!("{name}-shm"),
        format!("{name}-journal"),
        format!("{name}.lock"),
        format!("{name}.before-restore-20260101T000000Z"),
        format!("{name}-wal.kept-20260101T000000Z"),
    ] {
        refused(&dir.path().join(&own), "own data files");
    }
    // The same file by other names.
    let other = tempfile::tempdir().unwrap();
    let link = other.path().join("summary.csv");
    std::os::unix::fs::symlink(&db, &link).unwrap();
    refused(&link, "own data files");
    let hard = other.path().join("copy.csv");
    std::fs::hard_link(&db, &hard).unwrap();
    refused(&hard, "own data files");
    let lock_link = other.path().join("lock.csv");
    std::os::unix::fs::symlink(dir.path().join(format!("{name}.lock")), &lock_link).unwrap();
    refused(&lock_link, "own data files");

    // What is not an ordinary file. A device node of our own first (made as root, as
    // the tests run), so that a failure here breaks only that one, then /dev/null.
    let node = dir.path().join("null-device");
    let made = Command::new("mknod")
        .arg(&node)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
    if made {
        refused(&node, "not an ordinary file");
        assert!(std::fs::symlink_metadata(&node)
            .unwrap()
            .file_type()
            .is_char_device());
    }
    let null = Path::new("/dev/null");
    refused(null, "not an ordinary file");
    assert!(std::fs::symlink_metadata(null)
        .unwrap()
        .file_type()
        .is_char_device());
    let fifo = dir.path().join("pipe");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    refused(&fifo, "not an ordinary file");
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    refused(other.path(), "not an ordinary file");

    // An ordinary file is written, and the export recorded.
    let out = other.path().join("summary-2026-01.csv");
    let o = export_to(&out);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .starts_with("# PSI Feedback summary"));
    assert_eq!(releases(), 1);
    let o = backup_to(&other.path().join("backup.sqlite3"));
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn demo_on_a_fresh_database_sets_the_device_up_with_its_own_teams() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let o = run(
        &db,
        &[
            "demo",
            "--responses",
            "300",
            "--teams",
            "4",
            "--months",
            "3",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("reset-passphrase"), "{}", stdout(&o));
    let c = Connection::open(&db).unwrap();
    let names = |sql: &str| -> Vec<String> {
        c.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    // The lists the window offers (active names) are the teams that have responses.
    let active = names("SELECT name FROM teams WHERE active ORDER BY name");
    let answered = names(
        "SELECT DISTINCT t.name FROM responses r JOIN teams t ON t.id = r.team_id ORDER BY t.name",
    );
    assert_eq!(active.len(), 4);
    assert_eq!(active, answered);
    let roles: i64 = c
        .query_row("SELECT count(*) FROM roles WHERE active", [], |r| r.get(0))
        .unwrap();
    let counts: i64 = c
        .query_row("SELECT count(*) FROM staff_counts", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        counts,
        4 * roles,
        "a staff count for every role in every team"
    );
    let hash: String = c
        .query_row(
            "SELECT value FROM settings WHERE key = 'staff_passphrase_hash'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(c);

    // Set up, so the passphrase can be set from the command line, and a second run
    // adds responses without setting anything up again.
    let reset = reset_passphrase(&db, "the demo clinic's passphrase\n");
    assert!(reset.status.success(), "{}", stderr(&reset));
    let o = run(
        &db,
        &["demo", "--responses", "50", "--teams", "4", "--months", "3"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!stdout(&o).contains("reset-passphrase"), "{}", stdout(&o));
    let app = psi_feedback::app::App::open(&db, psi_feedback::app::Timeouts::default());
    assert!(app.unlock("the demo clinic's passphrase").is_ok());
    drop(app);
    let after: String = Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT value FROM settings WHERE key = 'staff_passphrase_hash'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_ne!(
        after, hash,
        "the reset passphrase, not the demo's unknown one"
    );
    assert_eq!(count(&db), 350);
}

#[test]
fn demo_teams_differ_by_dimension_change_over_the_year_and_one_dips() {
    use psi_feedback::questionnaire::{Kind, Section, ITEMS};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite3");
    let o = run(
        &db,
        &[
            "demo",
            "--responses",
            "3000",
            "--seed",
            "1",
            "--last-month",
            "2026-06",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let c = Connection::open(&db).unwrap();
    // Per team, section and month: the mean of the section's answers (1 to 5).
    let mut means: std::collections::BTreeMap<(i64, usize, String), (f64, f64)> =
        Default::default();
    for (i, s) in Section::DIMENSIONS.iter().enumerate() {
        let cols: Vec<&str> = ITEMS
            .iter()
            .filter(|it| it.section == *s && it.kind == Kind::Scale)
            .map(|it| it.id)
            .collect();
        for col in cols {
            let sql = format!(
                "SELECT team_id, session_month, sum({col}), count({col}) FROM responses
                 WHERE {col} BETWEEN 1 AND 5 GROUP BY team_id, session_month"
            );
            let mut stmt = c.prepare(&sql).unwrap();
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, f64>(2)?,
                        r.get::<_, f64>(3)?,
                    ))
                })
                .unwrap();
            for row in rows {
                let (team, month, sum, n) = row.unwrap();
                let e = means.entry((team, i, month)).or_default();
                e.0 += sum;
                e.1 += n;
            }
        }
    }
    let mean = |team: i64, dim: usize, months: &[String]| -> f64 {
        let (s, n) = months
            .iter()
            .filter_map(|m| means.get(&(team, dim, m.clone())))
            .fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
        s / n
    };
    let mut months: Vec<String> = means.keys().map(|k| k.2.clone()).collect();
    months.sort();
    months.dedup();
    assert_eq!(months.len(), 12);
    let mut teams: Vec<i64> = means.keys().map(|k| k.0).collect();
    teams.dedup();
    // Within a team, the dimensions are not alike: in most teams, the highest is at
    // least 0.3 above the lowest over the year.
    let apart = teams
        .iter()
        .filter(|t| {
            let d: Vec<f64> = (0..3).map(|i| mean(**t, i, &months)).collect();
            d.iter().cloned().fold(f64::MIN, f64::max) - d.iter().cloned().fold(f64::MAX, f64::min)
                >= 0.3
        })
        .count();
    assert!(apart * 2 > teams.len(), "{apart} of {} teams", teams.len());
    // Some team changes over the year by at least 0.3 (its last quarter against its first).
    let changed = teams.iter().any(|t| {
        (0..3).all(|i| (mean(*t, i, &months[9..]) - mean(*t, i, &months[..3])).abs() >= 0.3)
    });
    assert!(changed, "no team's scores change over the year");
    // One team's dimension dips for two months running: both at least 0.5 below the
    // mean of its other months.
    let dips = teams
        .iter()
        .flat_map(|t| (0..3).map(move |i| (*t, i)))
        .filter(|(t, i)| {
            (0..11).any(|k| {
                let rest: Vec<String> = months
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != k && *j != k + 1)
                    .map(|(_, m)| m.clone())
                    .collect();
                let base = mean(*t, *i, &rest);
                [k, k + 1]
                    .iter()
                    .all(|j| mean(*t, *i, &months[*j..=*j]) <= base - 0.5)
            })
        })
        .count();
    assert!(dips >= 1, "no dip of two months");
}
