//! Attacks across groups and across exports (disclosure rules 6 to 8, attacks 1-12 of
//! the rules document), on real exports of data sets built for each, written as an
//! intruder would: read every published cell, know that a cell is the sum of the
//! finest groups it covers, that a rounded count c is c - 2 to c + 2 (and at least 8),
//! that "withheld" for a small count means 1 to 7, and search.
//!
//! Two searches of the test's own, independent of the exporter's code:
//! - exact enumeration of every integer table consistent with everything published
//!   (attack 3), and
//! - linear algebra in floating point: is a withheld cell a linear combination of the
//!   published ones (attack 4)?
//!
//! Each attack is also run on the same table published without the margin protection
//! (rules 1-5 only), where it succeeds.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use psi_feedback::app::App;
use psi_feedback::disclosure::RuleSettings;
use psi_feedback::export::Format;
use psi_feedback::store::Store;

mod common;
use common::{rank, Row};

const BIN: &str = env!("CARGO_BIN_EXE_psi-feedback");
const PASSPHRASE: &str = "correct horse battery";
/// The largest value the intruder considers for a cell with no upper bound of its own.
const CAP: u64 = 400;

// ----- Data sets and exports -------------------------------------------------------

/// A database set up as the window's first run does (with a real passphrase), with
/// these import rows.
fn database(
    dir: &Path,
    teams: &[&str],
    types: &[&str],
    roles: &[&str],
    rows: &[String],
) -> PathBuf {
    let db = dir.join("data.sqlite3");
    let app = App::new(Store::open(&db).unwrap());
    app.setup(serde_json::json!({
        "passphrase": PASSPHRASE,
        "teams": teams,
        "session_types": types,
        "roles": roles,
    }))
    .unwrap();
    drop(app);
    if !rows.is_empty() {
        import(&db, dir, rows);
    }
    db
}

fn import(db: &Path, dir: &Path, rows: &[String]) {
    // Rows with one cell more than the header's columns carry the practitioner's
    // estimate of power (an optional column).
    let header = common::header();
    let columns = header.split(',').count();
    let estimates = rows.iter().any(|r| r.split(',').count() > columns);
    let mut lines = vec![if estimates {
        header + ",estimate_power"
    } else {
        header
    }];
    lines.extend(rows.iter().cloned());
    let file = dir.join("forms.csv");
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let o = cli(db, &["import", file.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

fn cli(db: &Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// `n` rows for one team, month, session type and role, each with these answers.
fn rows(
    n: usize,
    month: &str,
    team: &str,
    session_type: &str,
    answers: &[(&str, &str)],
) -> Vec<String> {
    (0..n)
        .map(|_| {
            common::row_in(
                month,
                team,
                session_type,
                "Nurse",
                answers,
                "SECRET comment",
            )
        })
        .collect()
}

/// Exports the full layout through the command line; returns the file's text.
fn export(db: &Path, from: &str, to: &str, by: Option<&str>, format: &str) -> String {
    export_layout(db, from, to, by, format, "full")
}

fn export_layout(
    db: &Path,
    from: &str,
    to: &str,
    by: Option<&str>,
    format: &str,
    layout: &str,
) -> String {
    let out = db.with_file_name(format!(
        "export-{from}-{to}-{}-{layout}.{format}",
        by.unwrap_or("none")
    ));
    let mut args = vec![
        "export", "--period", "month", "--from", from, "--to", to, "--format", format, "--layout",
        layout,
    ];
    if let Some(b) = by {
        args.extend(["--by", b]);
    }
    args.extend(["--out", out.to_str().unwrap()]);
    let o = cli(db, &args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out).unwrap()
}

/// The same request through the window's code (the plain-Rust `App` the Tauri commands
/// call; only the save dialog is left out).
fn window_export(db: &Path, from: &str, to: &str, by: &str, format: Format) -> Vec<u8> {
    let app = App::new(Store::open(db).unwrap());
    app.unlock(PASSPHRASE).unwrap();
    let format_id = match format {
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Html => "html",
    };
    let (_, prepared) = app
        .prepare_export(serde_json::json!({
            "period": "month", "from": from, "to": to, "by": by, "format": format_id,
            "layout": "full",
        }))
        .unwrap();
    app.record_export(prepared, format).unwrap().bytes
}

/// The rows of a JSON export, in the CSV's shape, so every attack reads both.
fn json_rows(text: &str) -> Vec<Row> {
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    let by = doc["breakdown"].as_str().unwrap().to_string();
    let explain = doc["rules"]["withheld_reasons"].clone();
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |v: &serde_json::Value| match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let withheld = s(&r["withheld"]);
            let mut row = Row::new();
            row.insert("team".into(), s(&r["team"]));
            row.insert("period".into(), s(&r["period"]));
            row.insert("breakdown".into(), by.clone());
            row.insert("breakdown_value".into(), s(&r["breakdown_value"]));
            row.insert("measure".into(), s(&r["measure"]));
            row.insert("statistic".into(), s(&r["statistic"]));
            row.insert("option".into(), s(&r["option"]));
            let value = s(&r["value"]);
            // JSON writes 4.0 as 4.0 and 45 as 45; the CSV writes the same text.
            row.insert("value".into(), value);
            row.insert(
                "withheld_reason".into(),
                if withheld.is_empty() {
                    String::new()
                } else {
                    s(&explain[&withheld])
                },
            );
            row
        })
        .collect()
}

// ----- The intruder ----------------------------------------------------------------

/// One published cell of one statistic, as the intruder reads it.
#[derive(Debug, Clone)]
struct Cell {
    label: String,
    team: Option<String>,
    first: String,
    last: String,
    value: Option<String>,
    /// What the cell says of its true value: published `lo..=hi`, or withheld `lo..=hi`.
    lo: u64,
    hi: u64,
    withheld: bool,
    /// Withheld to protect another cell: 0, or more than 7 (never 1 to 7, which would
    /// be withheld as a small count).
    gap: bool,
}

fn months_of(period: &str) -> (String, String) {
    if let Some((a, b)) = period.split_once(" to ") {
        return (a.into(), b.into());
    }
    if let Some((y, q)) = period.split_once("-Q") {
        let q: u32 = q.parse().unwrap();
        return (format!("{y}-{:02}", q * 3 - 2), format!("{y}-{:02}", q * 3));
    }
    (period.into(), period.into())
}

/// Every cell of one statistic (`measure`, `statistic`, `option`) in an export. A group
/// below the floor has no row for it: it is withheld, 0 to 9 (1 to 9 responses).
fn line(rows: &[Row], measure: &str, statistic: &str, option: &str) -> Vec<Cell> {
    let groups: Vec<&Row> = rows
        .iter()
        .filter(|r| r["measure"] == "responses")
        .collect();
    groups
        .iter()
        .map(|g| {
            let same_group = |r: &&Row| {
                r["team"] == g["team"]
                    && r["period"] == g["period"]
                    && r["breakdown_value"] == g["breakdown_value"]
            };
            let row = rows.iter().find(|r| {
                same_group(r)
                    && r["measure"] == measure
                    && r["statistic"] == statistic
                    && r["option"] == option
            });
            let (first, last) = months_of(&g["period"]);
            let below = g["withheld_reason"].contains("fewer than 10 responses");
            let (lo, hi, withheld) = match row {
                None | Some(_) if below => (u64::from(measure == "responses"), 9, true),
                None => panic!("no {measure} {statistic} {option} for {:?}", g["team"]),
                Some(r) => match r["value"].parse::<u64>() {
                    Ok(0) => (0, 0, false),
                    Ok(c) => ((c - 2).max(8), c + 2, false),
                    Err(_) => {
                        let why = &r["withheld_reason"];
                        if why.contains("from 1 to 7") {
                            (1, 7, true)
                        } else if why.contains("worked out from the totals") {
                            // Withheld to protect another: a count that would have been
                            // shown (zeros always are).
                            (8, CAP, true)
                        } else {
                            (0, CAP, true)
                        }
                    }
                },
            };
            let gap =
                row.is_some_and(|r| r["withheld_reason"].contains("worked out from the totals"));
            Cell {
                gap,
                label: format!("{} {} {}", g["team"], g["period"], g["breakdown_value"]),
                team: (g["team"] != "All teams").then(|| g["team"].clone()),
                first,
                last,
                value: match g["breakdown_value"].as_str() {
                    "" | "All" => None,
                    v => Some(v.to_string()),
                },
                lo,
                hi,
                withheld,
            }
        })
        .collect()
}

/// The finest pieces: one team, one month, one breakdown value (or the team's whole
/// month where it has no value rows), and for each cell the pieces it sums.
#[allow(clippy::type_complexity)] // (team, period, value) per atom; the atoms of each cell
fn atoms(cells: &[Cell]) -> (Vec<(String, String, Option<String>)>, Vec<Vec<usize>>) {
    let mut atoms: BTreeSet<(String, String, Option<String>)> = BTreeSet::new();
    for c in cells {
        if let (Some(t), true) = (&c.team, c.first == c.last) {
            let has_values = cells.iter().any(|d| {
                d.team == c.team && d.first == c.first && d.last == c.last && d.value.is_some()
            });
            if c.value.is_some() || !has_values {
                atoms.insert((t.clone(), c.first.clone(), c.value.clone()));
            }
        }
    }
    let atoms: Vec<_> = atoms.into_iter().collect();
    let members = cells
        .iter()
        .map(|c| {
            atoms
                .iter()
                .enumerate()
                .filter(|(_, (t, m, v))| {
                    c.team.as_ref().is_none_or(|ct| ct == t)
                        && c.first <= *m
                        && *m <= c.last
                        && (c.value.is_none() || c.value == *v)
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    (atoms, members)
}

/// Attack 3: every integer table consistent with what is published; for each withheld
/// cell, the values it takes. Stops once each has at least `enough` values.
fn possible_values(cells: &[Cell], enough: usize) -> Vec<(String, BTreeSet<u64>)> {
    let (atoms, members) = atoms(cells);
    // Each atom's own range: its own cell, then narrowed by interval reasoning (which
    // only removes impossible values, so the enumeration below stays exact).
    let mut dom: Vec<(u64, u64)> = vec![(0, CAP); atoms.len()];
    let mut gap = vec![false; atoms.len()];
    for (c, m) in cells.iter().zip(&members) {
        if let [a] = m.as_slice() {
            dom[*a] = (dom[*a].0.max(c.lo), dom[*a].1.min(c.hi));
            gap[*a] |= c.gap;
        }
    }
    for _ in 0..20 {
        for (c, m) in cells.iter().zip(&members) {
            let lo_sum: u64 = m.iter().map(|a| dom[*a].0).sum();
            let hi_sum: u64 = m.iter().map(|a| dom[*a].1).sum();
            for a in m {
                let (lo, hi) = dom[*a];
                let new_hi = hi.min(c.hi.saturating_sub(lo_sum - lo));
                let new_lo = lo.max(c.lo.saturating_sub(hi_sum - hi));
                dom[*a] = (new_lo, new_hi);
            }
        }
    }
    let size: f64 = dom.iter().map(|(lo, hi)| (hi + 1 - lo) as f64).product();
    assert!(
        size < 5e8,
        "the test's data set is too big to enumerate: {size}"
    );
    let withheld: Vec<usize> = (0..cells.len()).filter(|i| cells[*i].withheld).collect();
    let mut seen: Vec<BTreeSet<u64>> = vec![BTreeSet::new(); withheld.len()];
    // Check a cell once its last atom is set.
    let mut due: Vec<Vec<usize>> = vec![Vec::new(); atoms.len()];
    for (i, m) in members.iter().enumerate() {
        if let Some(last) = m.iter().max() {
            due[*last].push(i);
        }
    }
    let mut x = vec![0u64; atoms.len()];
    #[allow(clippy::too_many_arguments)] // a recursive search's state, passed down whole
    fn walk(
        a: usize,
        x: &mut Vec<u64>,
        dom: &[(u64, u64)],
        due: &[Vec<usize>],
        cells: &[Cell],
        members: &[Vec<usize>],
        withheld: &[usize],
        seen: &mut [BTreeSet<u64>],
        enough: usize,
        gap: &[bool],
    ) -> bool {
        if a == x.len() {
            for (k, i) in withheld.iter().enumerate() {
                seen[k].insert(members[*i].iter().map(|j| x[*j]).sum());
            }
            return seen.iter().all(|s| s.len() >= enough);
        }
        for v in (dom[a].0..=dom[a].1).filter(|v| !(gap[a] && (1..=7).contains(v))) {
            x[a] = v;
            let fits = due[a].iter().all(|c| {
                let s: u64 = members[*c].iter().map(|j| x[*j]).sum();
                cells[*c].lo <= s && s <= cells[*c].hi && !(cells[*c].gap && (1..=7).contains(&s))
            });
            if fits
                && walk(
                    a + 1,
                    x,
                    dom,
                    due,
                    cells,
                    members,
                    withheld,
                    seen,
                    enough,
                    gap,
                )
            {
                return true;
            }
        }
        false
    }
    walk(
        0, &mut x, &dom, &due, cells, &members, &withheld, &mut seen, enough, &gap,
    );
    withheld
        .iter()
        .zip(seen)
        .map(|(i, s)| (cells[*i].label.clone(), s))
        .collect()
}

/// Attack 4: the withheld cells that are a linear combination of the published ones.
fn derivable(cells: &[Cell]) -> Vec<String> {
    let (atoms, members) = atoms(cells);
    let vector = |m: &Vec<usize>| {
        let mut v = vec![0.0f64; atoms.len()];
        for a in m {
            v[*a] = 1.0;
        }
        v
    };
    let published: Vec<Vec<f64>> = cells
        .iter()
        .zip(&members)
        .filter(|(c, _)| !c.withheld)
        .map(|(_, m)| vector(m))
        .collect();
    let base = rank(published.clone());
    cells
        .iter()
        .zip(&members)
        .filter(|(c, _)| c.withheld)
        .filter(|(_, m)| {
            let mut with = published.clone();
            with.push(vector(m));
            rank(with) == base
        })
        .map(|(c, _)| c.label.clone())
        .collect()
}

/// The same cells, published by rules 1 to 5 only, from their true values.
fn unprotected(cells: &[Cell], truth: &BTreeMap<String, u64>) -> Vec<Cell> {
    cells
        .iter()
        .map(|c| {
            let t = truth[&c.label];
            let (lo, hi, withheld) = match t {
                0 => (0, 0, false),
                1..=7 => (1, 7, true),
                t => {
                    let r = (t + 2) / 5 * 5;
                    ((r - 2).max(8), r + 2, false)
                }
            };
            Cell {
                lo,
                hi,
                withheld,
                gap: false,
                ..c.clone()
            }
        })
        .collect()
}

/// Learns nothing: each withheld cell keeps at least 3 possible values for the exact
/// enumeration. (A withheld cell may be a linear combination of published ones: their
/// rounding leaves it a range, and version 2 of the rules withholds only what
/// narrows.) A withheld cell inside a published total of 0 is 0 by rule 4 (true zeros
/// are published) and is left out of the count.
fn assert_learns_nothing(cells: &[Cell], what: &str) {
    assert!(
        cells.iter().any(|c| c.withheld),
        "{what}: the data set withholds something"
    );
    let (_, members) = atoms(cells);
    let zero_atoms: BTreeSet<usize> = cells
        .iter()
        .zip(&members)
        .filter(|(c, _)| !c.withheld && c.hi == 0)
        .flat_map(|(_, m)| m.iter().copied())
        .collect();
    let zero: BTreeSet<String> = cells
        .iter()
        .zip(&members)
        .filter(|(c, m)| c.withheld && !m.is_empty() && m.iter().all(|a| zero_atoms.contains(a)))
        .map(|(c, _)| c.label.clone())
        .collect();
    for (label, values) in possible_values(cells, 3) {
        if !zero.contains(&label) {
            assert!(values.len() >= 3, "{what}: {label} narrowed to {values:?}");
        }
    }
}

/// Attacks 1, 2 and 10 on every row: no count from 1 to 7 or unrounded, no statistic of
/// a group below the floor, no 100% (top-coded), a reason exactly where withheld.
fn assert_basic_rules(rows: &[Row]) {
    for r in rows {
        let v = r["value"].as_str();
        assert_eq!(v == "withheld", !r["withheld_reason"].is_empty(), "{r:?}");
        match r["statistic"].as_str() {
            "count" | "answered" => {
                if let Ok(n) = v.parse::<u64>() {
                    assert!(n == 0 || (n >= 10 && n % 5 == 0), "count {n} in {r:?}");
                }
            }
            "percent" => assert!(v != "100" && v != "0", "{r:?}"),
            _ => {}
        }
    }
    for g in rows
        .iter()
        .filter(|r| r["measure"] == "responses" && r["value"] == "withheld")
    {
        if g["withheld_reason"].contains("fewer than 10 responses") {
            let others = rows.iter().filter(|r| {
                r["team"] == g["team"]
                    && r["period"] == g["period"]
                    && r["breakdown_value"] == g["breakdown_value"]
            });
            assert_eq!(
                others.count(),
                1,
                "a group below the floor shows nothing else"
            );
        }
    }
}

// ----- The attacks -----------------------------------------------------------------

#[test]
fn all_teams_minus_the_other_teams_learns_nothing() {
    // North 30 and East 24 responses, South 4: the all-teams total minus North and East
    // would give South's withheld count away.
    let dir = tempfile::tempdir().unwrap();
    let mut data = rows(30, "2026-01", "North", "Individual", &[("power_say", "5")]);
    data.extend(rows(
        24,
        "2026-01",
        "East",
        "Individual",
        &[("power_say", "4")],
    ));
    data.extend(rows(
        4,
        "2026-01",
        "South",
        "Individual",
        &[("power_say", "1")],
    ));
    let db = database(
        dir.path(),
        &["North", "East", "South"],
        &["Individual"],
        &["Nurse"],
        &data,
    );
    let csv = export(&db, "2026-01", "2026-01", None, "csv");
    let rows_csv = common::csv_rows(&csv);
    assert_basic_rules(&rows_csv);
    let cells = line(&rows_csv, "responses", "count", "");
    assert!(
        cells.iter().any(|c| c.team.is_none()),
        "the export carries an all-teams total"
    );

    let truth: BTreeMap<String, u64> = cells
        .iter()
        .map(|c| {
            let t = match c.team.as_deref() {
                Some("North") => 30,
                Some("East") => 24,
                Some("South") => 4,
                _ => 58,
            };
            (c.label.clone(), t)
        })
        .collect();
    let bare = unprotected(&cells, &truth);
    assert_eq!(
        derivable(&bare),
        vec!["South 2026-01 ".to_string()],
        "the attack works unprotected"
    );

    assert_learns_nothing(&cells, "CSV");
    assert_learns_nothing(
        &line(
            &json_rows(&export(&db, "2026-01", "2026-01", None, "json")),
            "responses",
            "count",
            "",
        ),
        "JSON",
    );
    // Every option count too.
    for option in ["not_at_all", "a_little", "partly", "mostly", "completely"] {
        assert_learns_nothing(&line(&rows_csv, "power_say", "count", option), option);
    }
}

#[test]
fn a_team_total_minus_its_breakdown_rows_learns_nothing() {
    // North in January, by session type: Individual 8 "Completely" of 30, Group 1 of 12,
    // Family 1 of 11, Phone 1 of 10. The total, 11, is published as 10 (8 to 12), and
    // Individual as 10 (at least 8): the three withheld counts add up to at most 4, so
    // each is 1 or 2, without protection.
    let dir = tempfile::tempdir().unwrap();
    let mut data = rows(8, "2026-01", "North", "Individual", &[("power_say", "5")]);
    data.extend(rows(
        22,
        "2026-01",
        "North",
        "Individual",
        &[("power_say", "3")],
    ));
    for (t, n) in [("Group", 12), ("Family", 11), ("Phone", 10)] {
        data.extend(rows(1, "2026-01", "North", t, &[("power_say", "5")]));
        data.extend(rows(n - 1, "2026-01", "North", t, &[("power_say", "3")]));
    }
    let types = ["Individual", "Group", "Family", "Phone"];
    let db = database(dir.path(), &["North"], &types, &["Nurse"], &data);
    let csv = export(&db, "2026-01", "2026-01", Some("session-type"), "csv");
    let rows_csv = common::csv_rows(&csv);
    assert_basic_rules(&rows_csv);
    let cells = line(&rows_csv, "power_say", "count", "completely");
    let truth: BTreeMap<String, u64> = cells
        .iter()
        .map(|c| {
            (
                c.label.clone(),
                match c.value.as_deref() {
                    Some("Individual") => 8,
                    Some(_) => 1,
                    None => 11,
                },
            )
        })
        .collect();
    let bare = unprotected(&cells, &truth);
    let pinned: Vec<_> = possible_values(&bare, 3)
        .into_iter()
        .filter(|(_, v)| v.len() < 3)
        .collect();
    assert!(
        !pinned.is_empty(),
        "the enumeration pins a count without protection: {bare:?}"
    );

    assert_learns_nothing(&cells, "CSV by session type");
    let json = json_rows(&export(
        &db,
        "2026-01",
        "2026-01",
        Some("session-type"),
        "json",
    ));
    assert_learns_nothing(
        &line(&json, "power_say", "count", "completely"),
        "JSON by session type",
    );
}

#[test]
fn period_differencing_and_the_ledger_learn_nothing() {
    // North: 20 responses in each of January to March, 4 in April. Jan-Mar is exported,
    // then Jan-Apr. Totals over all the months would differ by April's withheld count:
    // an export holds none.
    let dir = tempfile::tempdir().unwrap();
    let mut data = Vec::new();
    for m in ["2026-01", "2026-02", "2026-03"] {
        data.extend(rows(20, m, "North", "Individual", &[("overall", "4")]));
    }
    data.extend(rows(
        4,
        "2026-04",
        "North",
        "Individual",
        &[("overall", "2")],
    ));
    let db = database(dir.path(), &["North"], &["Individual"], &["Nurse"], &data);
    let first = common::csv_rows(&export(&db, "2026-01", "2026-03", None, "csv"));
    let second = common::csv_rows(&export(&db, "2026-01", "2026-04", None, "csv"));
    assert_basic_rules(&first);
    assert_basic_rules(&second);
    let mut cells = line(&first, "responses", "count", "");
    cells.extend(line(&second, "responses", "count", ""));

    assert!(
        cells.iter().all(|c| c.first == c.last),
        "a row over several months: {:?}",
        cells.iter().find(|c| c.first != c.last)
    );
    assert!(cells.iter().any(|c| c.first == "2026-04"));
    assert_learns_nothing(&cells, "two overlapping exports");

    // Arbitrary ranges are refused: quarters must be whole.
    let o = cli(
        &db,
        &[
            "export", "--period", "quarter", "--from", "2026-02", "--to", "2026-04", "--out",
            "x.csv",
        ],
    );
    assert!(!o.status.success());
}

#[test]
fn a_breakdown_exported_after_the_totals_learns_nothing() {
    // The totals go first (no breakdown), then by session type: the earlier release's
    // team total is a published margin for the later one (the ledger check).
    let dir = tempfile::tempdir().unwrap();
    let mut data = rows(26, "2026-01", "North", "Individual", &[("power_say", "4")]);
    data.extend(rows(6, "2026-01", "North", "Group", &[("power_say", "4")]));
    let db = database(
        dir.path(),
        &["North"],
        &["Individual", "Group"],
        &["Nurse"],
        &data,
    );
    let totals = common::csv_rows(&export(&db, "2026-01", "2026-01", None, "csv"));
    let by_type = common::csv_rows(&export(
        &db,
        "2026-01",
        "2026-01",
        Some("session-type"),
        "csv",
    ));
    let mut cells = line(&totals, "responses", "count", "");
    cells.extend(line(&by_type, "responses", "count", ""));
    let truth: BTreeMap<String, u64> = cells
        .iter()
        .map(|c| {
            (
                c.label.clone(),
                match c.value.as_deref() {
                    Some("Individual") => 26,
                    Some(_) => 6,
                    None => 32,
                },
            )
        })
        .collect();
    assert!(
        !derivable(&unprotected(&cells, &truth)).is_empty(),
        "the attack works unprotected"
    );
    assert_learns_nothing(&cells, "totals, then a breakdown");
}

#[test]
fn late_paper_forms_change_nothing_released_and_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let data = rows(23, "2026-01", "North", "Individual", &[("power_say", "5")]);
    let db = database(dir.path(), &["North"], &["Individual"], &["Nurse"], &data);
    let before = export(&db, "2026-01", "2026-01", None, "csv");
    let json_before = export(&db, "2026-01", "2026-01", None, "json");

    // Twelve old paper forms for January are entered after January was exported.
    import(
        &db,
        dir.path(),
        &rows(12, "2026-01", "North", "Individual", &[("power_say", "1")]),
    );
    assert_eq!(
        export(&db, "2026-01", "2026-01", None, "csv"),
        before,
        "the same request: the same bytes"
    );
    assert_eq!(export(&db, "2026-01", "2026-01", None, "json"), json_before);

    // A new request covering January shows January as released, and says what is left out.
    import(
        &db,
        dir.path(),
        &rows(15, "2026-02", "North", "Individual", &[("power_say", "4")]),
    );
    let wider = export(&db, "2026-01", "2026-02", None, "csv");
    let jan = |text: &str| -> Vec<(String, String)> {
        common::csv_rows(text)
            .into_iter()
            .filter(|r| r["period"] == "2026-01")
            .map(|r| {
                (
                    format!("{} {} {}", r["measure"], r["statistic"], r["option"]),
                    r["value"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(
        jan(&wider),
        jan(&before),
        "January keeps its released values"
    );
    assert!(
        wider.contains(
            "About 10 responses were added to these periods after they were first exported"
        ),
        "{wider}"
    );
    // Staff see two releases: January, then January to February; the repeats add none.
    let history = Store::open(&db).unwrap().release_history().unwrap();
    let ranges: Vec<(String, String)> = history
        .iter()
        .map(|r| (r.first_month.clone(), r.last_month.clone()))
        .collect();
    assert_eq!(
        ranges,
        [
            ("2026-01".to_string(), "2026-02".to_string()),
            ("2026-01".to_string(), "2026-01".to_string())
        ],
        "newest first"
    );
}

#[test]
fn a_repeat_request_is_byte_identical_even_after_the_rules_are_tightened() {
    let dir = tempfile::tempdir().unwrap();
    let mut data = rows(23, "2026-01", "North", "Individual", &[("power_say", "5")]);
    data.extend(rows(
        3,
        "2026-01",
        "North",
        "Individual",
        &[("power_say", "2")],
    ));
    let db = database(dir.path(), &["North"], &["Individual"], &["Nurse"], &data);
    let first = export(&db, "2026-01", "2026-01", None, "html");
    let mut store = Store::open(&db).unwrap();
    store
        .save_disclosure_settings(
            RuleSettings {
                group_floor: 20,
                rounding_base: 10,
                min_possible_values: 4,
            },
            &[],
        )
        .unwrap();
    // Looser is refused, and changes nothing.
    let err = store
        .save_disclosure_settings(
            RuleSettings {
                group_floor: 9,
                rounding_base: 10,
                min_possible_values: 4,
            },
            &[],
        )
        .unwrap_err();
    assert!(err.to_string().contains("only be raised"), "{err}");
    assert_eq!(store.rules().unwrap().group_floor, 20);
    drop(store);
    assert_eq!(export(&db, "2026-01", "2026-01", None, "html"), first);
    // A new request is made under the new rules.
    let feb: serde_json::Value =
        serde_json::from_str(&export(&db, "2026-02", "2026-02", None, "json")).unwrap();
    assert_eq!(feb["rules"]["settings"]["group_floor"], 20);
    assert_eq!(feb["rules"]["settings"]["rounding_base"], 10);
}

#[test]
fn a_role_row_never_describes_fewer_than_3_staff() {
    let dir = tempfile::tempdir().unwrap();
    let roles = ["Nurse", "Psychologist", "Peer worker", "Psychiatrist"];
    let mut data = Vec::new();
    // Each with the practitioner's estimate of power: a practitioner's own estimates are
    // never shown for a role held by fewer than 3 staff either.
    for role in roles {
        data.extend((0..12).map(|_| {
            common::row_in(
                "2026-01",
                "North",
                "Individual",
                role,
                &[("overall", "4"), ("power_say", "3")],
                "",
            ) + ",4"
        }));
    }
    let db = database(dir.path(), &["North"], &["Individual"], &roles, &data);
    let staff = [
        ("Nurse", 5),
        ("Psychologist", 1),
        ("Peer worker", 1),
        ("Psychiatrist", 3),
    ];
    Store::open(&db)
        .unwrap()
        .save_disclosure_settings(
            RuleSettings {
                group_floor: 10,
                rounding_base: 5,
                min_possible_values: 3,
            },
            &staff
                .iter()
                .map(|(r, n)| ("North".to_string(), r.to_string(), *n))
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let held: BTreeMap<&str, u32> = staff.iter().copied().collect();
    for format in ["csv", "json"] {
        let text = export(&db, "2026-01", "2026-01", Some("role"), format);
        let rows = if format == "csv" {
            common::csv_rows(&text)
        } else {
            json_rows(&text)
        };
        let values: BTreeSet<String> = rows.iter().map(|r| r["breakdown_value"].clone()).collect();
        assert!(
            !values.contains("Psychologist") && !values.contains("Peer worker"),
            "{values:?}"
        );
        assert!(
            values.contains("Other roles") && values.contains("Nurse"),
            "{values:?}"
        );
        for v in values {
            let staff = match v.as_str() {
                "All" => continue,
                // Psychologist and peer worker (1 each), then psychiatrist (3) joins.
                "Other roles" => held["Psychologist"] + held["Peer worker"] + held["Psychiatrist"],
                name => held[name],
            };
            assert!(staff >= 3, "{v} describes {staff} staff");
        }
    }
    // Psychologist (1) and peer worker (1) merge; together 2 staff, so the role with the
    // fewest staff above them (psychiatrist, 3) joins: "Other roles" is 5 staff.
    let rows = common::csv_rows(&export(&db, "2026-01", "2026-01", Some("role"), "csv"));
    assert!(!rows.iter().any(|r| r["breakdown_value"] == "Psychiatrist"));
    let other = rows
        .iter()
        .find(|r| r["breakdown_value"] == "Other roles" && r["measure"] == "responses")
        .unwrap();
    assert_eq!(other["value"], "35", "36 responses of three roles, rounded");
    // The estimates are headline figures.
    let headline = common::csv_rows(&export_layout(
        &db,
        "2026-01",
        "2026-01",
        Some("role"),
        "csv",
        "headline",
    ));
    let estimates: BTreeSet<(String, String)> = headline
        .iter()
        .filter(|r| r["measure"] == "estimate_power" && r["statistic"] == "mean")
        .map(|r| (r["breakdown_value"].clone(), r["value"].clone()))
        .collect();
    assert_eq!(
        estimates,
        [("All", "4.0"), ("Nurse", "4.0"), ("Other roles", "4.0")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .into(),
        "the estimates, by merged role only"
    );
}

#[test]
fn no_free_text_date_time_or_id_in_any_format_of_the_window_or_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let team = "Ward <b>7</b> =cmd|' /C calc'!A0";
    let mut data: Vec<String> = (0..30)
        .map(|i| {
            common::row_in(
                "2026-01-17",
                team,
                "Individual",
                "Nurse",
                &[("power_say", "4"), ("overall", "5")],
                &format!("My name is Zelda Quux; NHS 943 476 {i:04}; seen 2026-01-17 at 14:05"),
            )
        })
        .collect();
    data.extend(rows(
        2,
        "2026-01",
        "North",
        "Individual",
        &[("power_say", "1")],
    ));
    let db = database(
        dir.path(),
        &[team, "North"],
        &["Individual"],
        &["Nurse"],
        &data,
    );
    let copy = dir.path().join("window.sqlite3");
    std::fs::copy(&db, &copy).unwrap();
    for (format, id) in [
        (Format::Csv, "csv"),
        (Format::Json, "json"),
        (Format::Html, "html"),
    ] {
        let from_cli = export(&db, "2026-01", "2026-01", None, id);
        let from_window = window_export(&copy, "2026-01", "2026-01", "none", format);
        assert_eq!(
            from_window,
            from_cli.as_bytes(),
            "the window's {id} is the command line's"
        );
        for secret in [
            "Zelda",
            "Quux",
            "943 476",
            "14:05",
            "2026-01-17",
            "T0",
            "SECRET",
        ] {
            assert!(!from_cli.contains(secret), "{secret} in the {id} export");
        }
        if format == Format::Html {
            assert!(
                !from_cli.contains("<b>7"),
                "names are escaped in the report"
            );
        }
        let rows = match format {
            Format::Csv => common::csv_rows(&from_cli),
            Format::Json => json_rows(&from_cli),
            Format::Html => continue,
        };
        assert_basic_rules(&rows);
        assert_learns_nothing(&line(&rows, "responses", "count", ""), id);
        // Unanimity: every answer "Completely" is top-coded (in the all-teams row: the
        // ward's own is withheld, as all teams minus the ward would give North away).
        let overall = rows
            .iter()
            .find(|r| {
                r["team"] == "All teams" && r["measure"] == "overall" && r["statistic"] == "percent"
            })
            .unwrap();
        assert_eq!(overall["value"], "95 or more");
    }
}

#[test]
fn groups_reissued_under_earlier_rules_say_so() {
    // January is exported with rounding to 5; the rounding is raised to 10; then January
    // and February together: January's group shows what it showed, and the notes say
    // which groups were released under which rules.
    let dir = tempfile::tempdir().unwrap();
    let mut data = rows(23, "2026-01", "North", "Individual", &[("power_say", "5")]);
    data.extend(rows(
        24,
        "2026-02",
        "North",
        "Individual",
        &[("power_say", "4")],
    ));
    let db = database(dir.path(), &["North"], &["Individual"], &["Nurse"], &data);
    let january = common::csv_rows(&export(&db, "2026-01", "2026-01", None, "csv"));
    let shown = |rows: &[Row], period: &str| -> String {
        rows.iter()
            .find(|r| r["period"] == period && r["measure"] == "responses")
            .unwrap()["value"]
            .clone()
    };
    assert_eq!(shown(&january, "2026-01"), "25");
    let mut store = Store::open(&db).unwrap();
    let settings = RuleSettings {
        group_floor: 10,
        rounding_base: 10,
        min_possible_values: 3,
    };
    store.save_disclosure_settings(settings, &[]).unwrap();
    drop(store);
    let text = export(&db, "2026-01", "2026-02", None, "csv");
    let both = common::csv_rows(&text);
    assert_eq!(shown(&both, "2026-01"), "25", "January as released");
    assert_eq!(
        shown(&both, "2026-02"),
        "20",
        "February under the new rules"
    );
    let notes: Vec<&str> = text.lines().take_while(|l| l.starts_with('#')).collect();
    assert!(notes.iter().any(|l| l.contains("nearest 10")), "{notes:?}");
    let earlier = notes
        .iter()
        .find(|l| l.contains("under earlier rules"))
        .unwrap_or_else(|| panic!("no note on the earlier rules: {notes:?}"));
    assert!(earlier.contains("nearest 5"), "{earlier}");
    assert!(earlier.contains("North, 2026-01"), "{earlier}");
    assert!(!earlier.contains("2026-02"), "{earlier}");
}
