//! Exports as a whole: the request, the ledger, reissue and the files.

use super::*;
use crate::disclosure::{Reason, Rules};
use crate::period::Period;
use crate::summary::Dims;
use crate::summary::Tally;

fn names(teams: &[&str]) -> Names {
    let mut names = Names::new();
    names.insert(
        ContextList::Teams,
        teams
            .iter()
            .enumerate()
            .map(|(i, t)| (i as i64 + 1, t.to_string()))
            .collect(),
    );
    names
}

fn scope(layout: Layout, left_out: u64) -> Scope {
    Scope {
        period_kind: PeriodKind::Month,
        periods: vec![Period::Month(Month::parse("2026-02").unwrap())],
        breakdown: Breakdown::None,
        layout,
        left_out_other_versions: left_out,
        left_out_added_later: 0,
    }
}

/// A release with a big group whose team name is hostile, and a small group.
fn sample(layout: Layout) -> Release {
    let mut counts = [[0u64; 6]; crate::summary::N_MEASURES];
    counts[3] = [0, 2, 0, 0, 20, 18]; // power_say: a small count, two rounded ones
    counts[0] = [0, 2, 0, 0, 20, 18]; // power likewise
    let mut tiny = [[0u64; 6]; crate::summary::N_MEASURES];
    tiny[3] = [0, 1, 0, 0, 2, 1];
    tiny[0] = [1, 0, 0, 0, 2, 1];
    let key = |team: i64| crate::summary::AtomKey {
        team,
        month: Month::parse("2026-02").unwrap(),
        session_type: -1,
        role: -1,
        choice: -1,
    };
    let atoms = crate::summary::Atoms::from_tallies(
        Dims::default(),
        [
            (
                key(1),
                Tally {
                    responses: 40,
                    counts,
                },
            ),
            (
                key(2),
                Tally {
                    responses: 4,
                    counts: tiny,
                },
            ),
        ],
    );
    let names = names(&["<script>alert(1)</script> & \"Crisis\", North", "Tiny"]);
    let data = Data {
        atoms: &atoms,
        names: &names,
        staff: &Default::default(),
    };
    disclosure::protect(scope(layout, 0), &data, &Rules::default(), &[])
}

#[test]
fn html_escapes_names_and_marks_withheld_values() {
    let html = String::from_utf8(render(&sample(Layout::Full), Format::Html)).unwrap();
    assert!(!html.contains("<script>"), "names are escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Crisis&quot;, North"));
    assert!(html.contains("<h2>Tiny</h2>"));
    assert!(html.contains("class=\"withheld\""));
    let svg_namespace = html.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(
        html.matches("http").count(),
        svg_namespace,
        "no remote content"
    );
}

#[test]
fn csv_and_json_carry_the_same_rows_and_survive_awkward_names() {
    let release = sample(Layout::Full);
    let csv_text = String::from_utf8(render(&release, Format::Csv)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv_text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        csv_out::HEADER
    );
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let json: serde_json::Value = serde_json::from_slice(&render(&release, Format::Json)).unwrap();
    let json_rows = json["rows"].as_array().unwrap();
    assert_eq!(records.len(), json_rows.len());
    assert_eq!(records.len(), rows(&release).len());
    for (r, j) in records.iter().zip(json_rows) {
        assert_eq!(&r[0], j["team"].as_str().unwrap());
        assert_eq!(&r[4], j["measure"].as_str().unwrap());
        let withheld = &r[9] == "withheld";
        assert_eq!(withheld, !j["withheld"].is_null());
        assert_eq!(
            withheld,
            !r[10].is_empty(),
            "a reason exactly when withheld"
        );
    }
    assert_eq!(
        &records[0][0],
        "<script>alert(1)</script> & \"Crisis\", North"
    );
    let tiny: Vec<_> = records.iter().filter(|r| &r[0] == "Tiny").collect();
    assert_eq!(tiny.len(), 1, "a group below the floor is one withheld row");
    assert!(tiny[0][10].contains("fewer than 10"));
    assert_eq!(
        json["rules"]["withheld_reasons"].as_object().unwrap().len(),
        Reason::ALL.len()
    );
}

#[test]
fn responses_left_out_are_counted_under_the_same_rules() {
    let month = Period::Month(Month::parse("2026-02").unwrap());
    let _ = month;
    let notes_for = |left_out| {
        let atoms = crate::summary::Atoms::default();
        let names = Names::new();
        let data = Data {
            atoms: &atoms,
            names: &names,
            staff: &Default::default(),
        };
        notes(&disclosure::protect(
            scope(Layout::Headline, left_out),
            &data,
            &Rules::default(),
            &[],
        ))
        .join(" ")
    };
    assert!(!notes_for(0).contains("older questionnaire"));
    assert!(notes_for(3).contains("From 1 to 7 responses"));
    assert!(
        !notes_for(3).contains("3 responses"),
        "the true number is not shown"
    );
    assert!(!notes_for(23).contains("23"), "nor here");
    assert!(notes_for(23).contains("About 25 responses"));
}

#[test]
fn file_names_say_what_the_export_holds() {
    let r = Request {
        period: PeriodKind::Quarter,
        from: "2026-01".into(),
        to: "2026-06".into(),
        by: Breakdown::SessionType,
        layout: Layout::Headline,
        format: Format::Json,
    };
    assert_eq!(
        r.file_name(),
        "psi-summary-quarter-2026-01-to-2026-06-by-session-type.json"
    );
    let full = Request {
        layout: Layout::Full,
        ..r.clone()
    };
    assert_eq!(
        full.file_name(),
        "psi-summary-quarter-2026-01-to-2026-06-by-session-type-full.json"
    );
    let r = Request {
        from: " 2026-01\n".into(),
        to: "../../x".into(),
        ..r
    };
    assert_eq!(
        r.file_name(),
        "psi-summary-quarter-2026-01-to-period-by-session-type.json"
    );
}

#[test]
fn write_file_replaces_whole_and_leaves_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.csv");
    let db = dir.path().join("elsewhere").join("d.sqlite3");
    write_file(&db, &path, b"first").unwrap();
    write_file(&db, &path, b"second").unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"second");
    let missing = dir.path().join("no-such-dir").join("out.csv");
    assert!(matches!(
        write_file(&db, &missing, b"x"),
        Err(AppError::Export(_))
    ));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left behind"
    );
}
