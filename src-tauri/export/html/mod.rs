//! A printable HTML report for team meetings, as a manager hands it out: first the
//! headline picture (all teams over time, the teams compared, flags), then a page per
//! team, then each question, with the rules and withheld reasons last. The charts and
//! sentences are the Overview's own (`overview`), so the window and the report agree.
//! Self-contained (no scripts, no remote content), printed on A4. The Overview's parts
//! are in `picture.rs`.

mod picture;

use picture::{flag_text, headline_page, measure_name, perception_page, questions, trends};

use std::fmt::Write;

use crate::disclosure::{
    GroupRelease, Layout, MeasureValues, Reason, Release, Value, PERSON_MEASURES, SCORES,
};
use crate::locale;
use crate::overview::chart::{self, esc, Scale};
use crate::overview::{self, GAP_MARK};
use crate::questionnaire::{self, Kind};
use crate::summary::Breakdown;

fn mark(r: Reason) -> char {
    match r {
        Reason::GroupBelowFloor => 'a',
        Reason::SmallCount => 'b',
        Reason::SmallBase => 'c',
        Reason::RevealsSmallCount => 'd',
        Reason::NarrowsWithheld => 'e',
        Reason::ProtectsWithheld => 'f',
        Reason::Concealed => 'g',
    }
}

/// A value as a table cell's content; withheld values say so and point to their reason.
fn text(v: Value) -> String {
    match v {
        Value::Withheld(r) => format!("withheld <sup>({})</sup>", mark(r)),
        _ => v.display(),
    }
}

fn cell(v: Value) -> String {
    let class = if v.is_withheld() {
        " class=\"withheld\""
    } else {
        ""
    };
    format!("<td{class}>{}</td>", text(v))
}

fn group_label(breakdown: Breakdown, g: &GroupRelease) -> String {
    match super::breakdown_text(breakdown, g) {
        Some(b) => format!("{}, {}", g.key.period, b.replace('_', " ")),
        None => g.key.period.to_string(),
    }
}

fn measure<'a>(g: &'a GroupRelease, id: &str) -> Option<&'a MeasureValues> {
    g.measures.iter().find(|m| m.measure.id == id)
}

const STYLE: &str = "
body { font-family: system-ui, sans-serif; color: #1a1a1a; margin: 2rem; line-height: 1.4; }
h1 { color: #2b5f75; margin-bottom: .2rem; } h2 { border-bottom: 2px solid #2b5f75; padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .85rem; }
caption { text-align: left; font-weight: bold; padding-bottom: .3rem; }
th, td { border: 1px solid #888; padding: .25rem .4rem; text-align: right; }
th[scope=row], thead th { text-align: left; background: #eef3f5; }
tbody th[scope=row] { white-space: nowrap; }
td.withheld { font-style: italic; background: repeating-linear-gradient(45deg, #fff, #fff 4px, #eee 4px, #eee 8px); }
.charts { display: flex; flex-wrap: wrap; gap: .8rem 1.2rem; }
figure { margin: 0; max-width: 320px; } figcaption { font-weight: bold; }
figure p { margin: .2rem 0 0; font-size: .85rem; }
figure svg { max-width: 100%; height: auto; }
.meta, .note { font-size: .9rem; } .legend { font-size: .85rem; }
@page { size: A4; margin: 12mm; }
@page wide { size: A4 landscape; margin: 10mm; }
@media print {
  body { margin: 0; font-size: 10pt; }
  .page { break-before: page; }
  .charts.trends figure { flex: 0 0 23%; } .charts.bars figure { flex: 0 0 48%; }
  .headline h3 { margin-top: .6rem; }
  .questions { page: wide; }
  table { font-size: 8pt; }
  thead { display: table-header-group; }
  tr, figure, li, .questions table { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
";

/// A release's groups in the order of its teams (all teams first), team by team.
fn teams_of(release: &Release) -> Vec<Vec<&GroupRelease>> {
    let mut teams: Vec<&Option<String>> = release.groups.iter().map(|g| &g.key.team).collect();
    teams.dedup();
    teams.sort_by_key(|t| t.is_some());
    teams
        .into_iter()
        .map(|team| {
            release
                .groups
                .iter()
                .filter(|g| &g.key.team == team)
                .collect()
        })
        .collect()
}

fn headline_table(h: &mut String, release: &Release, groups: &[&GroupRelease]) {
    h.push_str("<table><caption>Summary</caption><thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Responses</th>");
    for t in ["Power", "Safety", "Identity", "Overall"] {
        let _ = write!(
            h,
            "<th scope=\"col\">{t} average</th><th scope=\"col\">{t}: % positive</th>"
        );
    }
    h.push_str("<th scope=\"col\">% said something did not feel right</th><th scope=\"col\">% attending by choice</th></tr></thead><tbody>");
    for g in groups {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}</th>{}",
            esc(&group_label(release.breakdown, g)),
            cell(g.responses)
        );
        for id in SCORES {
            match measure(g, id) {
                Some(m) => {
                    h.push_str(&cell(m.mean.unwrap_or(m.share)));
                    h.push_str(&cell(m.share));
                }
                None => h.push_str(&(cell(g.responses).repeat(2))),
            }
        }
        for id in ["rupture", "attending_choice"] {
            h.push_str(
                &measure(g, id)
                    .map(|m| cell(m.share))
                    .unwrap_or_else(|| cell(g.responses)),
            );
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>\n");
}

/// Every question, average (scales) and headline percentage, a column per group.
fn question_table(h: &mut String, release: &Release, team: &str, groups: &[&GroupRelease]) {
    let published: Vec<&&GroupRelease> = groups.iter().filter(|g| !g.measures.is_empty()).collect();
    if published.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<table><caption>{}: each question, average out of 5 &middot; percentage in its headline answers</caption><thead><tr><th scope=\"col\">Question</th>",
        esc(team)
    );
    for g in &published {
        let _ = write!(
            h,
            "<th scope=\"col\">{}</th>",
            esc(&group_label(release.breakdown, g))
        );
    }
    h.push_str("</tr></thead><tbody>");
    for item in questionnaire::ITEMS {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{} <small>({})</small></th>",
            esc(item.text()),
            esc(item.share_label())
        );
        for g in &published {
            if let Some(m) = measure(g, item.id) {
                if item.kind == Kind::Scale {
                    let mean = m.mean.unwrap_or(m.share);
                    let class = if m.mean.is_some_and(|v| v.is_withheld()) || m.share.is_withheld()
                    {
                        " class=\"withheld\""
                    } else {
                        ""
                    };
                    let _ = write!(
                        h,
                        "<td{class}>{} &middot; {}</td>",
                        text(mean),
                        text(m.share)
                    );
                } else {
                    h.push_str(&cell(m.share));
                }
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>\n");
}

pub fn write(release: &Release) -> Vec<u8> {
    let rules = &release.rules;
    let mut h = String::new();
    let periods: Vec<String> = release.periods.iter().map(|p| p.to_string()).collect();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>PSI Feedback summary</title><style>{STYLE}</style></head><body>\n<h1>PSI Feedback summary</h1>\n<p class=\"meta\">Periods: {} to {} ({}). Breakdown: {}. Questionnaire version {}. PSI Feedback {}. Every figure is protected: the rules, and why a value is withheld, are on the last page.</p>\n",
        esc(periods.first().map(String::as_str).unwrap_or("")),
        esc(periods.last().map(String::as_str).unwrap_or("")),
        release.period_kind.id(),
        release.breakdown.label(),
        questionnaire::VERSION,
        super::APP_VERSION
    );
    if release.groups.is_empty() {
        h.push_str("<p>There are no responses in these periods.</p>");
    }
    let picture = overview::picture(release, &release.periods);
    headline_page(&mut h, &picture);

    let teams = teams_of(release);
    for groups in &teams {
        let name = groups[0].key.team_name();
        let _ = write!(h, "<section class=\"page team\"><h2>{}</h2>", esc(name));
        if let Some(view) = picture.teams.iter().find(|t| t.team == name) {
            trends(&mut h, view, &PERSON_MEASURES);
            for f in &view.flags {
                let _ = write!(h, "<p>{}</p>", esc(&flag_text(f, name)));
            }
        }
        if release.breakdown != Breakdown::None {
            // Each group's scores side by side, breakdown values included.
            h.push_str("<div class=\"charts\">");
            for id in SCORES {
                let bars: Vec<(String, Option<f64>)> = groups
                    .iter()
                    .map(|g| {
                        let v = measure(g, id).and_then(|m| m.mean).unwrap_or(g.responses);
                        let n = match v {
                            Value::Tenths(t) => Some(t as f64 / 10.0),
                            _ => None,
                        };
                        (group_label(release.breakdown, g), n)
                    })
                    .collect();
                let _ = write!(
                    h,
                    "<figure><figcaption>{}</figcaption>{}</figure>",
                    esc(measure_name(id)),
                    chart::bars(&bars, Scale::Score, GAP_MARK)
                );
            }
            h.push_str("</div>\n");
        }
        headline_table(&mut h, release, groups);
        h.push_str("</section>\n");
    }

    perception_page(&mut h, &picture);
    if !release.groups.is_empty() {
        questions(&mut h);
    }
    // The questions' own figures are in the full layout only.
    if release.layout == Layout::Full && teams.iter().flatten().any(|g| !g.measures.is_empty()) {
        h.push_str("<section class=\"page questions\"><h2>Each question</h2>\n");
        for groups in &teams {
            question_table(&mut h, release, groups[0].key.team_name(), groups);
        }
        h.push_str("</section>\n");
    }

    h.push_str("<section class=\"page note\"><h2>How this report keeps people anonymous</h2><ul>");
    for n in super::notes(release) {
        let _ = write!(h, "<li>{}</li>", esc(&n));
    }
    h.push_str("</ul><h3>Why a value is withheld</h3><ul>");
    for r in Reason::of_generation(release.generation).iter().copied() {
        let _ = write!(h, "<li>({}) {}</li>", mark(r), esc(&r.explain(rules)));
    }
    let _ = write!(
        h,
        "<li>{GAP_MARK} {}</li></ul></section>",
        esc(locale::text("overview.gap_legend"))
    );
    h.push_str("</body></html>\n");
    h.into_bytes()
}
