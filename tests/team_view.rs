//! The team's view, as a clinic manager uses it in the real window: from the Overview
//! alone, on a year of demo data from six teams, which team is lowest on safety this
//! quarter, and has identity improved over the year? The answers are read from the page
//! by accessible names and the charts' text, then checked against the figures of an
//! export of the same periods. Build with `--features e2e`.

mod window;

use psi_feedback::disclosure::Value;
use psi_feedback::export::{self, Format, Request};
use psi_feedback::period::{Month, Period, PeriodKind};
use psi_feedback::store::Store;
use psi_feedback::summary::{Breakdown, ALL_TEAMS};
use window::a11y::{assert_none, axe, js};
use window::{demo_home, lit, runtime, Session, ONE_AT_A_TIME};

/// What the export of the quarters the Overview shows publishes, per team (or all
/// teams) and quarter, as the text every format shows ("3.7"), `None` when withheld.
fn export_figure(
    release: &psi_feedback::disclosure::Release,
    team: &str,
    quarter: &str,
    measure: &str,
) -> Option<String> {
    let g = release
        .groups
        .iter()
        .find(|g| g.key.team_name() == team && g.key.period.to_string() == quarter)?;
    match g.headline(measure) {
        v @ Value::Tenths(_) => Some(v.display()),
        _ => None,
    }
}

/// The export of the quarters the Overview shows: from the first with responses to the
/// last that has ended, headline figures, no breakdown.
fn export_release(db: &std::path::Path) -> psi_feedback::disclosure::Release {
    let store = Store::open(db).unwrap();
    let now = Month::current();
    let first = Period::of(PeriodKind::Quarter, store.months().unwrap()[0]).first_month();
    let last = Period::of(PeriodKind::Quarter, now).first_month().prev();
    let request = Request {
        period: PeriodKind::Quarter,
        from: first.to_string(),
        to: last.to_string(),
        by: Breakdown::None,
        layout: psi_feedback::disclosure::Layout::Headline,
        format: Format::Csv,
    };
    export::prepare(&store, &request, now).unwrap().release
}

#[test]
fn a_manager_reads_the_lowest_team_on_safety_and_the_change_in_identity_from_the_overview() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let home = demo_home(3000, 6, 12);
    let (quarters, lowest_safety, identity_change, release, flags, perception) = runtime().block_on(async {
        let s = Session::start(home).await;
        s.heading("Before you hand over the device").await;
        s.unlock().await;
        s.staff_section("Overview").await;
        s.answer("Show periods", "By quarter").await;
        let mut found = Vec::new();
        // Which team is lowest on safety this quarter: said in words under the teams
        // compared in the latest quarter.
        let compared = s
            .wait_for("//section/h3[starts-with(normalize-space(), 'Teams compared, ') and contains(., '-Q')]")
            .await
            .text()
            .await
            .unwrap();
        let latest = compared.trim_start_matches("Teams compared, ").to_string();
        let lowest = s
            .shown("//li[starts-with(normalize-space(), 'Lowest on Safety')]")
            .await
            .text()
            .await
            .unwrap();
        // Has identity improved over the year: the sentence under all teams' identity chart.
        let all_teams = format!("//section[h4[normalize-space()={}]]", lit(ALL_TEAMS));
        let identity = s
            .shown(&format!("{all_teams}//figure[figcaption[normalize-space()='Identity']]/p"))
            .await
            .text()
            .await
            .unwrap();
        // The quarters the charts cover, from the table behind all teams' charts.
        let summary = s.wait_for(&format!("{all_teams}//details/summary")).await;
        s.click(summary).await;
        let rows = s.shown(&format!("{all_teams}//details//tbody")).await;
        let quarters: Vec<String> = serde_json::from_value(
            s.client
                .execute(
                    "return [...arguments[0].querySelectorAll('th[scope=row]')].map((th) => th.textContent);",
                    vec![serde_json::to_value(&rows).unwrap()],
                )
                .await
                .unwrap(),
        )
        .unwrap();
        assert_eq!(quarters.last(), Some(&latest), "{quarters:?}");
        assert_eq!(quarters.len(), 4, "the last 12 months by default: {quarters:?}");
        // The flags, as the window words them.
        let flags: Vec<String> = serde_json::from_value(
            js(
                &s,
                "return [...document.querySelectorAll('#overview-flags-heading ~ ul li')].map((li) => li.textContent);",
            )
            .await,
        )
        .unwrap();
        // Every chart is a picture beside its text; the page passes axe.
        let pictures = js(&s, "return [...document.querySelectorAll('#staff-overview svg')].every((x) => x.getAttribute('aria-hidden') === 'true');").await;
        assert_eq!(pictures, serde_json::json!(true));
        let charts = js(&s, "return document.querySelectorAll('#staff-overview figure svg').length;").await;
        assert!(charts.as_u64().unwrap() >= 7 * 6, "six charts for each team and all teams: {charts}");
        s.screenshot("staff-overview.png", None).await;
        s.screenshot("staff-overview-trends.png", Some(&format!("{all_teams}/h4"))).await;
        axe(&s, "staff area: overview by quarter", &mut found).await;
        // Every table behind the charts open, and the months: still no violation.
        js(&s, "document.querySelectorAll('#staff-overview details').forEach((d) => { d.open = true; }); return null;").await;
        axe(&s, "staff area: overview, every table open", &mut found).await;
        s.answer("Show periods", "By month").await;
        s.wait_for("//section/h3[starts-with(normalize-space(), 'Teams compared, ') and not(contains(., '-Q'))]").await;
        axe(&s, "staff area: overview by month", &mut found).await;
        assert_none(&found);
        // Where practitioners gave estimates: each team's sentence under its safety
        // chart, beside what people said.
        s.answer("Show periods", "By quarter").await;
        s.wait_for("//section/h3[starts-with(normalize-space(), 'Teams compared, ') and contains(., '-Q')]").await;
        let perception: Vec<(String, String)> = serde_json::from_value(
            js(
                &s,
                "return [...document.querySelectorAll('#overview-perception-heading ~ section')].map((sec) => {
                     const safety = [...sec.querySelectorAll('figure')]
                         .find((f) => f.querySelector('figcaption').textContent === 'Safety');
                     return [sec.querySelector('h4').textContent, safety ? safety.querySelector('p').textContent : ''];
                 });",
            )
            .await,
        )
        .unwrap();
        // The picture for the README: the team whose estimates of safety run furthest
        // above what its people said, as the window words it.
        let figure = |said: &str, after: &str| -> Option<f64> {
            let rest = &said[said.find(after)? + after.len()..];
            let number: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            number.trim_end_matches('.').parse().ok()
        };
        let furthest = perception
            .iter()
            .filter(|(team, _)| team != ALL_TEAMS)
            .filter_map(|(team, said)| {
                let gap = figure(said, "estimate ")? - figure(said, "people said ")?;
                Some((gap, team))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, team)) = furthest {
            s.screenshot(
                "staff-overview-perception.png",
                Some(&format!(
                    "//section[h3[@id='overview-perception-heading']]//h4[normalize-space()={}]",
                    lit(team)
                )),
            )
            .await;
        }
        // The export, while the window still has the database open (the data directory
        // goes with the window).
        let release = export_release(&s.db());
        s.end().await;
        (quarters, lowest, identity, release, flags, perception)
    });

    let latest = quarters.last().unwrap();

    // The lowest team on safety in the latest quarter, by the export's figures.
    let teams: Vec<String> = {
        let mut t: Vec<String> = release
            .groups
            .iter()
            .filter_map(|g| g.key.team.clone())
            .collect();
        t.dedup();
        t
    };
    assert_eq!(teams.len(), 6);
    let safety: Vec<(String, String)> = teams
        .iter()
        .filter_map(|t| Some((t.clone(), export_figure(&release, t, latest, "safety")?)))
        .collect();
    let min = safety
        .iter()
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .fold(f64::MAX, f64::min);
    let lowest: Vec<&str> = safety
        .iter()
        .filter(|(_, v)| v.parse::<f64>().unwrap() == min)
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(
        !lowest.is_empty(),
        "the export publishes safety for some team: {safety:?}"
    );
    let said = if lowest.len() == 1 {
        format!("Lowest on Safety: {} ({min:.1}).", lowest[0])
    } else {
        format!("Lowest on Safety, tied: {} ({min:.1}).", lowest.join(", "))
    };
    let said = if safety.len() < teams.len() {
        format!("{said} Some teams' figures are withheld, and may be lower.")
    } else {
        said
    };
    assert_eq!(lowest_safety, said);

    // Identity for all teams, from the first quarter shown with a figure to the last.
    let published: Vec<(&String, String)> = quarters
        .iter()
        .filter_map(|q| Some((q, export_figure(&release, ALL_TEAMS, q, "identity")?)))
        .collect();
    assert!(
        published.len() >= 2,
        "all teams' identity is published: {published:?}"
    );
    let (from, to) = (&published[0], published.last().unwrap());
    let d = (to.1.parse::<f64>().unwrap() - from.1.parse::<f64>().unwrap()) * 10.0;
    let d = d.round() as i64;
    let words = match d.signum() {
        1 => format!("Up {}.{}", d / 10, d % 10),
        -1 => format!("Down {}.{}", -d / 10, -d % 10),
        _ => "No change".to_string(),
    };
    assert_eq!(
        identity_change,
        format!("{words}: {} in {}, {} in {}.", from.1, from.0, to.1, to.0)
    );

    // The window and the printed report word the same flags the same way (the report's
    // are written by Rust, the window's by the page, from the same locale words).
    let html = String::from_utf8(export::render(&release, Format::Html)).unwrap();
    let look = html.split("<h3>Worth a look</h3>").nth(1).unwrap();
    let look = &look[..look.find("</section>").unwrap()];
    let printed: Vec<String> = look
        .split("<li>")
        .skip(1)
        .map(|li| {
            li[..li.find("</li>").unwrap()]
                .replace("&#39;", "'")
                .replace("&amp;", "&")
        })
        .collect();
    assert!(
        !flags.is_empty(),
        "the demo's year has something worth a look"
    );
    assert_eq!(flags, printed);

    // Each team's practitioners' estimate of safety beside what people said, in the
    // latest quarter with both published, as the export publishes them; one team's
    // practitioners put safety well above people's own answers.
    assert_eq!(
        perception.iter().filter(|(t, _)| t != ALL_TEAMS).count(),
        6,
        "every team's practitioners gave estimates: {perception:?}"
    );
    let mut gaps = Vec::new();
    for (team, said) in &perception {
        let both = quarters.iter().rev().find_map(|q| {
            let estimate = export_figure(&release, team, q, "estimate_safety")?;
            let person = export_figure(&release, team, q, "paired_safety")?;
            Some((q, estimate, person))
        });
        let Some((q, estimate, person)) = both else {
            assert_eq!(said, "No period has both figures published.", "{team}");
            continue;
        };
        assert!(
            said.starts_with(&format!(
                "{q}: practitioners' estimate {estimate}, people said {person}."
            )),
            "{team}: {said}"
        );
        let gap: f64 = estimate.parse::<f64>().unwrap() - person.parse::<f64>().unwrap();
        gaps.push((gap, team.clone()));
    }
    gaps.sort_by(|a, b| b.0.total_cmp(&a.0));
    assert!(
        gaps[0].0 >= 0.5 && gaps[1..].iter().all(|(g, _)| gaps[0].0 - g >= 0.3),
        "one team's estimates of safety run well above what its people said: {gaps:?}"
    );
}
