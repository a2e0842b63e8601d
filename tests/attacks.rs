//! Attacks on real exports, written as an intruder would: with the published CSV, the
//! published rules, and a brute-force search of their own. Each attack must learn
//! nothing; each is also run against the unprotected figures to show it would work.

use std::path::Path;
use std::process::Command;

use psi_feedback::questionnaire::{Kind, ITEMS};
mod common;
use common::Row;

const BIN: &str = env!("CARGO_BIN_EXE_psi-feedback");

/// What the intruder reads from an export: every value of one measure in one group.
/// A value withheld because it "would narrow" a count says nothing about the data, so
/// the intruder reads it as unknown; every other value, withheld or not, is a fact.
struct Published {
    answered: String,
    counts: Vec<String>,
    mean: Option<String>,
    sd: Option<String>,
    percent: String,
    /// The most responses the group can have, from its published count.
    most: u64,
}

const UNKNOWN: &str = "unknown";
/// Withheld with its whole question in the group: any value at all.
const CONCEALED: &str = "concealed";

/// The rules as published in every export: round to 5, withhold 1-7, means and SDs to
/// one decimal from at least 10 answers, percentages from rounded counts, coded at 95/5.
fn round5(n: u64) -> String {
    match n {
        0 => "0".into(),
        1..=7 => "withheld".into(),
        n => ((n + 2) / 5 * 5).to_string(),
    }
}

/// What rules 1-4 alone would publish for true option counts (codes 1..=k).
fn publish(counts: &[u64], share_codes: &[u8], scale: bool) -> Published {
    let n: u64 = counts.iter().sum();
    let s1: u64 = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (i as u64 + 1) * c)
        .sum();
    let s2: u64 = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (i as u64 + 1).pow(2) * c)
        .sum();
    let (mean, sd) = if !scale {
        (None, None)
    } else if n < 10 {
        (Some("withheld".to_string()), Some("withheld".to_string()))
    } else {
        let mean = (20 * s1 + n) / (2 * n);
        let var = (n as f64 * s2 as f64 - (s1 as f64).powi(2)) / (n as f64 * (n as f64 - 1.0));
        let sd = (var.max(0.0).sqrt() * 10.0).round() as u64;
        (
            Some(format!("{}.{}", mean / 10, mean % 10)),
            Some(format!("{}.{}", sd / 10, sd % 10)),
        )
    };
    let share: u64 = share_codes
        .iter()
        .map(|c| counts[usize::from(*c) - 1])
        .sum();
    let percent = match (
        n >= 10,
        round5(share).parse::<u64>(),
        round5(n).parse::<u64>(),
    ) {
        (true, Ok(num), Ok(den)) if den > 0 => {
            let p = (200 * num + den) / (2 * den);
            if p >= 95 {
                "95 or more".to_string()
            } else if p <= 5 {
                "5 or less".to_string()
            } else {
                p.to_string()
            }
        }
        _ => "withheld".to_string(),
    };
    Published {
        answered: round5(n),
        counts: counts.iter().map(|c| round5(*c)).collect(),
        mean,
        sd,
        percent,
        // The data sets here have at most 60 responses a group.
        most: 60,
    }
}

/// The true values a published count may stand for.
fn domain(shown: &str, most: u64) -> Vec<u64> {
    match shown {
        "0" => vec![0],
        "withheld" => (1..=7).collect(),
        // Withheld to protect another value: a count that would have been shown, and
        // zeros are always shown.
        UNKNOWN => (8..=most).collect(),
        CONCEALED => (0..=most).collect(),
        v => {
            let v: u64 = v.parse().unwrap();
            (v - 2..=v + 2).filter(|x| *x >= 8).collect()
        }
    }
}

/// Every distribution consistent with what is shown (a withheld figure other than a
/// count tells the intruder nothing); for each withheld count, its possible values.
fn attack(shown: &Published, share_codes: &[u8], scale: bool) -> Vec<Vec<u64>> {
    let domains: Vec<Vec<u64>> = shown.counts.iter().map(|c| domain(c, shown.most)).collect();
    let mut possible: Vec<std::collections::BTreeSet<u64>> =
        vec![Default::default(); domains.len()];
    let mut candidate = vec![0u64; domains.len()];
    fn walk(
        i: usize,
        left: u64,
        domains: &[Vec<u64>],
        candidate: &mut Vec<u64>,
        f: &mut dyn FnMut(&[u64]),
    ) {
        if i == domains.len() {
            f(candidate);
            return;
        }
        // The answers are at most the group's responses.
        for v in domains[i].iter().filter(|v| **v <= left) {
            candidate[i] = *v;
            walk(i + 1, left - v, domains, candidate, f);
        }
    }
    walk(0, shown.most, &domains, &mut candidate, &mut |c| {
        let would = publish(c, share_codes, scale);
        let same = |s: &str, w: &str| s == UNKNOWN || s == CONCEALED || s == w;
        let same_opt = |s: &Option<String>, w: &Option<String>| match (s, w) {
            (Some(s), Some(w)) => same(s, w),
            // Not in the file (standard deviations are no longer published).
            (None, _) => true,
            _ => false,
        };
        let fits = same(&shown.answered, &would.answered)
            && same(&shown.percent, &would.percent)
            && same_opt(&shown.mean, &would.mean)
            && same_opt(&shown.sd, &would.sd);
        if fits {
            for (i, v) in c.iter().enumerate() {
                possible[i].insert(*v);
            }
        }
    });
    shown
        .counts
        .iter()
        .zip(possible)
        .filter(|(c, _)| ["withheld", UNKNOWN, CONCEALED].contains(&c.as_str()))
        .map(|(_, p)| p.into_iter().collect())
        .collect()
}

/// Imports responses (answers by item id) for one team and month, then exports the month.
fn export_of(dir: &Path, responses: &[Vec<(&str, &str)>]) -> Vec<Row> {
    let db = common::configured_db(
        dir,
        "attack.sqlite3",
        &["Ward 7"],
        &["Individual"],
        &["Nurse"],
    );
    let mut lines = vec![common::header()];
    lines.extend(
        responses
            .iter()
            .map(|answers| common::row("2026-01", "Ward 7", answers, "")),
    );
    let text = lines.join("\n") + "\n";
    let file = dir.join("forms.csv");
    std::fs::write(&file, text).unwrap();
    let run = |args: &[&str]| {
        let o = Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    run(&["import", file.to_str().unwrap()]);
    let out = dir.join("export.csv");
    run(&[
        "export",
        "--period",
        "month",
        "--from",
        "2026-01",
        "--to",
        "2026-01",
        "--layout",
        "full",
        "--out",
        out.to_str().unwrap(),
    ]);
    common::csv_rows(&std::fs::read_to_string(out).unwrap())
}

/// Reads one measure's published values from the export.
fn published(rows: &[Row], measure: &str) -> Published {
    let of = |stat: &str| -> Vec<&Row> {
        rows.iter()
            .filter(|r| r["measure"] == measure && r["statistic"] == stat)
            .collect()
    };
    let read = |r: &Row| {
        let reason = &r["withheld_reason"];
        if reason.contains("nothing about its own value") {
            CONCEALED.to_string()
        } else if reason.contains("narrow") || reason.contains("cannot be worked out") {
            UNKNOWN.to_string()
        } else {
            r["value"].clone()
        }
    };
    let one = |stat: &str| of(stat).first().map(|r| read(r));
    Published {
        answered: one("answered").unwrap(),
        counts: of("count").iter().map(|r| read(r)).collect(),
        mean: one("mean"),
        sd: one("sd"),
        percent: one("percent").unwrap(),
        most: rows
            .iter()
            .find(|r| r["measure"] == "responses")
            .and_then(|r| r["value"].parse::<u64>().ok())
            .map_or(60, |n| n + 2),
    }
}

fn assert_learns_nothing(rows: &[Row]) {
    for item in ITEMS {
        let shown = published(rows, item.id);
        for values in attack(&shown, item.share_codes, item.kind == Kind::Scale) {
            assert!(
                values.len() >= 3,
                "{}: a withheld count is pinned to {values:?} by {:?}",
                item.id,
                rows.iter()
                    .filter(|r| r["measure"] == item.id)
                    .map(|r| format!(
                        "{} {} {} {}",
                        r["statistic"], r["option"], r["value"], r["withheld_reason"]
                    ))
                    .collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn mean_inversion_learns_nothing_from_a_group_with_one_dominant_answer() {
    // Ten people: nine answered "Completely", one "Mostly".
    let mut responses = vec![vec![("power_say", "5")]; 9];
    responses.push(vec![("power_say", "4")]);
    let item = psi_feedback::questionnaire::item("power_say").unwrap();

    // Unprotected, the mean gives the lone answer away.
    let unprotected = publish(&[0, 0, 0, 1, 9], item.share_codes, true);
    assert_eq!(unprotected.mean.as_deref(), Some("4.9"));
    assert_eq!(attack(&unprotected, item.share_codes, true), vec![vec![1]]);

    // The export withholds what would give it away.
    let dir = tempfile::tempdir().unwrap();
    let rows = export_of(dir.path(), &responses);
    let shown = published(&rows, "power_say");
    assert_eq!(
        shown.mean.as_deref(),
        Some(UNKNOWN),
        "the mean is withheld as narrowing"
    );
    assert_learns_nothing(&rows);
}

#[test]
fn a_total_minus_the_published_counts_learns_nothing() {
    // 12 "Mostly" and 6 "Completely": 20 answered minus 10 "Mostly" leaves 6 to 7.
    let mut responses = vec![vec![("safety_trust", "4")]; 12];
    responses.extend(vec![vec![("safety_trust", "5")]; 6]);
    let item = psi_feedback::questionnaire::item("safety_trust").unwrap();
    let unprotected = publish(&[0, 0, 0, 12, 6], item.share_codes, true);
    let pinned = attack(&unprotected, item.share_codes, true);
    assert!(
        pinned[0].len() < 3,
        "the attack works on unprotected figures: {pinned:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let rows = export_of(dir.path(), &responses);
    assert_learns_nothing(&rows);
}

#[test]
fn groups_at_exactly_the_floor_learn_nothing() {
    // Ten responses, every item answered with a spread that leaves small counts.
    let answers = ["1", "2", "3", "4", "5", "5", "5", "5", "5", "4"];
    let responses: Vec<Vec<(&str, &str)>> = answers
        .iter()
        .map(|a| {
            ITEMS
                .iter()
                .map(|i| (i.id, if i.kind == Kind::Scale { *a } else { "1" }))
                .collect()
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let rows = export_of(dir.path(), &responses);
    assert!(rows
        .iter()
        .any(|r| r["measure"] == "responses" && r["value"] == "10"));
    assert_learns_nothing(&rows);
}

#[test]
fn a_reason_that_bounds_the_total_learns_nothing() {
    // Twelve responses; nine answered power_say: one "Mostly", eight "Completely".
    // "Fewer than 10 answers" on the mean, with "Completely" rounded to 10, leaves one 4.
    let mut responses = vec![vec![("power_say", "5")]; 8];
    responses.push(vec![("power_say", "4")]);
    responses.extend(vec![vec![("overall", "4")]; 3]);
    let item = psi_feedback::questionnaire::item("power_say").unwrap();
    let unprotected = publish(&[0, 0, 0, 1, 8], item.share_codes, true);
    assert_eq!(unprotected.mean.as_deref(), Some("withheld"));
    assert_eq!(attack(&unprotected, item.share_codes, true), vec![vec![1]]);

    let dir = tempfile::tempdir().unwrap();
    let rows = export_of(dir.path(), &responses);
    assert_learns_nothing(&rows);
}

/// `psi-feedback audit`, as a data-protection officer runs it: every release in the
/// ledger re-checked by the solver with the others of the same months, a line each,
/// and an exit status that says whether every one passed.
#[test]
fn the_audit_re_checks_every_release_in_the_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("audit.sqlite3");
    let run = |args: &[&str]| {
        Command::new(BIN)
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let o = run(&["audit"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("The release ledger is empty"));

    // Small, for a debug build: the solver asks about every withheld count.
    let o = run(&[
        "demo",
        "--responses",
        "60",
        "--teams",
        "1",
        "--months",
        "1",
        "--last-month",
        "2026-02",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for (by, layout) in [(Some("session-type"), "headline"), (None, "full")] {
        let out = dir.path().join(format!("{layout}.csv"));
        let mut args = vec![
            "export",
            "--period",
            "month",
            "--from",
            "2026-02",
            "--to",
            "2026-02",
            "--layout",
            layout,
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(by) = by {
            args.extend(["--by", by]);
        }
        let o = run(&args);
        assert!(o.status.success(), "{}", text(&o.stderr));
    }
    let o = run(&["audit", "--time-limit", "120"]);
    let report = text(&o.stdout);
    assert!(o.status.success(), "{report}{}", text(&o.stderr));
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(lines.len(), 2, "{report}");
    assert!(lines[0].starts_with("Release 1: month 2026-02 to 2026-02, by session type"));
    assert!(lines[1].starts_with("Release 2: month 2026-02 to 2026-02"));
    for line in lines {
        assert!(line.contains("counts checked"), "{line}");
        assert!(line.contains("3 or more possible values"), "{line}");
        assert!(line.ends_with("passes."), "{line}");
    }

    // A time limit that is not a number of seconds is refused, and nothing is checked.
    let o = run(&["audit", "--time-limit", "soon"]);
    assert!(!o.status.success());
    assert!(text(&o.stdout).is_empty());
    assert!(
        text(&o.stderr).contains("--time-limit"),
        "{}",
        text(&o.stderr)
    );
}
