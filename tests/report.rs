//! The printable report as a manager hands it out, printed to A4 PDF by Chromium and
//! read back page by page (poppler's pdftotext): the headline picture first, a page per
//! team, the rules last, no table cut off; and every number in it the export's own.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use psi_feedback::demo;
use psi_feedback::disclosure::{Layout, Release};
use psi_feedback::export::{self, Format, Request};
use psi_feedback::period::{Month, PeriodKind};
use psi_feedback::store::Store;
use psi_feedback::summary::Breakdown;

fn release(store: &Store, period: PeriodKind, from: Month, to: Month, layout: Layout) -> Release {
    let request = Request {
        period,
        from: from.to_string(),
        to: to.to_string(),
        by: Breakdown::None,
        layout,
        format: Format::Html,
    };
    export::prepare(store, &request, Month::current())
        .unwrap()
        .release
}

/// The text of an HTML fragment: tags dropped, the few entities the report writes read.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&middot;", "·")
}

/// Each team page's summary table: (team, group label) -> its cells' text, in order.
fn summary_tables(html: &str) -> HashMap<(String, String), Vec<String>> {
    let mut out = HashMap::new();
    for page in html.split("<section class=\"page team\"><h2>").skip(1) {
        let team = text_of(&page[..page.find("</h2>").unwrap()])
            .trim()
            .to_string();
        let table = page.split("<caption>Summary</caption>").nth(1).unwrap();
        let table = &table[..table.find("</table>").unwrap()];
        for row in table.split("<tr><th scope=\"row\">").skip(1) {
            let row = &row[..row.find("</tr>").unwrap()];
            let (label, cells) = row.split_once("</th>").unwrap();
            let cells = cells
                .split("</td>")
                .filter(|c| c.contains("<td"))
                .map(|c| text_of(c).trim().to_string())
                .collect();
            out.insert((team.clone(), text_of(label).trim().to_string()), cells);
        }
    }
    out
}

/// The export's rows as CSV, keyed by (team, period, measure, statistic).
fn csv_values(release: &Release) -> HashMap<(String, String, String, String), String> {
    let csv = String::from_utf8(export::render(release, Format::Csv)).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (team, period, measure, statistic, value) = (
        col("team"),
        col("period"),
        col("measure"),
        col("statistic"),
        col("value"),
    );
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                (
                    r[team].to_string(),
                    r[period].to_string(),
                    r[measure].to_string(),
                    r[statistic].to_string(),
                ),
                r[value].to_string(),
            )
        })
        .collect()
}

/// The report's cell as the CSV writes the same value: "73%" is "73", "withheld (e)"
/// is "withheld".
fn as_csv(cell: &str) -> String {
    if cell.starts_with("withheld") {
        "withheld".to_string()
    } else {
        cell.replace('%', "")
    }
}

/// A clinic's year: 3,000 demo responses from 6 teams over the 12 months before this
/// one, with the first and last of those months. The directory holds the database.
fn demo_year(seed: u64) -> (tempfile::TempDir, Store, Month, Month) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("d.sqlite3")).unwrap();
    let last = Month::current().prev();
    let opts = demo::Options {
        responses: 3000,
        teams: 6,
        months: 12,
        seed,
        last_month: last,
    };
    demo::generate(&mut store, &opts).unwrap();
    let first = (0..11).fold(last, |m, _| m.prev());
    (dir, store, first, last)
}

#[test]
fn every_number_in_the_report_is_the_exports_own() {
    let (_dir, store, first, last) = demo_year(3);
    let release = release(&store, PeriodKind::Month, first, last, Layout::Headline);
    let html = String::from_utf8(export::render(&release, Format::Html)).unwrap();
    let tables = summary_tables(&html);
    let csv = csv_values(&release);
    // The summary columns: responses, then each score's average and share, then the two
    // percentages.
    let mut columns = vec![("responses", "count")];
    for score in ["power", "safety", "identity", "overall"] {
        columns.push((score, "mean"));
        columns.push((score, "percent"));
    }
    columns.extend([("rupture", "percent"), ("attending_choice", "percent")]);
    let mut compared = 0;
    for ((team, period), cells) in &tables {
        assert_eq!(cells.len(), columns.len(), "{team} {period}: {cells:?}");
        for ((measure, statistic), cell) in columns.iter().zip(cells) {
            let key = (
                team.clone(),
                period.clone(),
                measure.to_string(),
                statistic.to_string(),
            );
            let Some(value) = csv.get(&key) else {
                // A group below the floor shows its size in every cell, as the file does
                // in its one row.
                let size = &csv[&(
                    team.clone(),
                    period.clone(),
                    "responses".into(),
                    "count".into(),
                )];
                assert_eq!(&as_csv(cell), size, "{key:?}");
                continue;
            };
            assert_eq!(&as_csv(cell), value, "{key:?}");
            compared += 1;
        }
    }
    assert_eq!(
        tables.len(),
        7 * 12,
        "six teams and all teams, 12 months each"
    );
    assert!(compared > 7 * 12 * 10, "{compared} figures compared");
    let mut quoted = 0;
    // The trends' sentences quote the same figures: each "in <period>" value is the
    // export's for that team, period and score.
    for (team, body) in html
        .split("<section class=\"page team\"><h2>")
        .skip(1)
        .map(|p| {
            (
                text_of(&p[..p.find("</h2>").unwrap()]).trim().to_string(),
                p,
            )
        })
    {
        for figure in body.split("<figure><figcaption>").skip(1).take(4) {
            let measure = match figure[..figure.find('<').unwrap()].trim() {
                "Power" => "power",
                "Safety" => "safety",
                "Identity" => "identity",
                _ => "overall",
            };
            let sentence = text_of(figure.split("<p>").nth(1).unwrap())
                .trim()
                .to_string();
            for part in sentence.split(", ") {
                let part = part.trim_end_matches('.');
                let Some((value, period)) = part.rsplit_once(" in ") else {
                    continue;
                };
                let value = value.rsplit(' ').next().unwrap();
                let key = (
                    team.clone(),
                    period.to_string(),
                    measure.to_string(),
                    "mean".to_string(),
                );
                assert_eq!(Some(&value.to_string()), csv.get(&key), "{sentence}");
                quoted += 1;
            }
        }
    }
    assert!(
        quoted >= 7 * 4,
        "every team's scores quote their first and last figures: {quoted}"
    );
}

/// Prints `html` to PDF with Chromium, as a person would from a browser.
fn print_to_pdf(html: &Path, pdf: &Path) {
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs (scripts/install-deps test)");
    assert!(pdf.exists(), "chromium printed nothing: {status:?}");
}

/// Each page's text, and its size in points.
fn pages(pdf: &Path) -> Vec<(String, (f64, f64))> {
    let bbox = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let bbox = String::from_utf8(bbox.stdout).unwrap();
    let sizes: Vec<(f64, f64)> = bbox
        .split("<page width=\"")
        .skip(1)
        .map(|p| {
            let w: f64 = p[..p.find('"').unwrap()].parse().unwrap();
            let h = p.split("height=\"").nth(1).unwrap();
            (w, h[..h.find('"').unwrap()].parse().unwrap())
        })
        .collect();
    let text = Command::new("pdftotext")
        .arg("-raw")
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    text.split('\u{c}')
        .zip(sizes)
        .map(|(t, s)| (t.to_string(), s))
        .collect()
}

/// How often each word and number ("3.8", "73%", "2026-Q3") occurs in `text`.
fn words(text: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for w in text.split(|c: char| c.is_whitespace() || ",;:()·–".contains(c)) {
        let w = w.trim_end_matches('.');
        if !w.is_empty() {
            *out.entry(w.to_string()).or_insert(0) += 1;
        }
    }
    out
}

#[test]
fn the_report_prints_on_a4_headline_first_a_page_per_team_rules_last_nothing_cut_off() {
    let (dir, store, first, last) = demo_year(1);
    let reports = [
        (
            "months",
            release(&store, PeriodKind::Month, first, last, Layout::Headline),
        ),
        ("quarters", {
            let q_last = psi_feedback::period::Period::of(PeriodKind::Quarter, Month::current())
                .first_month()
                .prev();
            let q_first = (0..11).fold(q_last, |m, _| m.prev());
            release(&store, PeriodKind::Quarter, q_first, q_last, Layout::Full)
        }),
    ];
    for (name, release) in reports {
        let html_path = dir.path().join(format!("{name}.html"));
        let pdf_path = dir.path().join(format!("{name}.pdf"));
        let html = String::from_utf8(export::render(&release, Format::Html)).unwrap();
        std::fs::write(&html_path, &html).unwrap();
        print_to_pdf(&html_path, &pdf_path);
        let pages = pages(&pdf_path);
        assert!(pages.len() > 7, "{name}: {} pages", pages.len());
        for (i, (_, (w, h))) in pages.iter().enumerate() {
            let a4 = |a: f64, b: f64| (a - 595.0).abs() < 2.0 && (b - 842.0).abs() < 2.0;
            assert!(
                a4(*w, *h) || a4(*h, *w),
                "{name}: page {} is {w} x {h}, not A4",
                i + 1
            );
        }
        // The headline picture first.
        let first_page = &pages[0].0;
        for words in [
            "PSI Feedback summary",
            "At a glance",
            "All teams over time",
            "Teams compared",
            "Lowest on Safety",
            "Worth a look",
        ] {
            assert!(
                first_page.contains(words),
                "{name}: page 1 has {words:?}:\n{first_page}"
            );
        }
        // A page per team, starting with its name.
        let mut teams: Vec<&str> = release
            .groups
            .iter()
            .filter_map(|g| g.key.team.as_deref())
            .collect();
        teams.dedup();
        assert_eq!(teams.len(), 6);
        for team in teams {
            assert!(
                pages.iter().any(|(t, _)| t.trim_start().starts_with(team)),
                "{name}: a page starts with {team}"
            );
        }
        // The rules last.
        let last_page = &pages.last().unwrap().0;
        assert!(
            last_page.contains("How this report keeps people anonymous"),
            "{name}: {last_page}"
        );
        assert!(!first_page.contains("How this report keeps people anonymous"));
        // Nothing cut off: every word of the report is on some page whole (a table too
        // wide for its page loses the words past the edge, or cuts them).
        let body = &html[html.find("<body>").unwrap()..];
        let body: String = body
            .split("<svg")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part
                } else {
                    &part[part.find("</svg>").unwrap()..]
                }
            })
            .collect();
        // A table's head is printed again on every page it runs onto: the PDF may say a
        // word more often, never less.
        let mut printed: BTreeMap<String, usize> = BTreeMap::new();
        for (t, _) in &pages {
            // A period ("2026-09") may break after its hyphen at the end of a line.
            let mut joined = String::new();
            for line in t.lines() {
                if joined.ends_with('-') {
                    joined.push_str(line.trim_start());
                } else {
                    joined.push('\n');
                    joined.push_str(line);
                }
            }
            for (w, n) in words(&joined) {
                *printed.entry(w).or_insert(0) += n;
            }
        }
        let missing: Vec<(String, usize, usize)> = words(&text_of(&body))
            .into_iter()
            .filter(|(w, n)| printed.get(w).copied().unwrap_or(0) < *n)
            .map(|(w, n)| {
                let p = printed.get(&w).copied().unwrap_or(0);
                (w, n, p)
            })
            .collect();
        assert!(missing.is_empty(), "{name}: not printed: {missing:?}");
    }
}
