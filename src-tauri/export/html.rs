//! A printable HTML report for team meetings: one page per team, a chart per PSI
//! dimension, and the summary tables. Self-contained (no scripts, no remote content).

use std::fmt::Write;

use crate::disclosure::{GroupRelease, MeasureValues, Reason, Release, Value, SCORES};
use crate::questionnaire::{self, Kind};
use crate::summary::Breakdown;

/// Escapes text for HTML. Five replacements do not justify a dependency.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

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
h1 { color: #2b5f75; } h2 { border-bottom: 2px solid #2b5f75; padding-bottom: .2rem; margin-top: 2.5rem; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; }
th, td { border: 1px solid #888; padding: .3rem .5rem; text-align: right; }
th[scope=row], thead th { text-align: left; background: #eef3f5; }
td.withheld { font-style: italic; background: repeating-linear-gradient(45deg, #fff, #fff 4px, #eee 4px, #eee 8px); }
.charts { display: flex; flex-wrap: wrap; gap: 1.5rem; }
figure { margin: 0; } figcaption { font-weight: bold; }
.note { font-size: .9rem; } .team { page-break-before: always; }
@media print { body { margin: 1cm; } .team { break-before: page; } }
";

/// A horizontal bar chart of one score's mean per group (0 to 5).
fn chart(title: &str, bars: &[(String, Value)]) -> String {
    let row_h = 26;
    let (label_w, bar_w) = (150, 220);
    let h = row_h * bars.len() + 30;
    let mut svg = String::new();
    let desc: Vec<String> = bars
        .iter()
        .map(|(l, v)| format!("{l}: {}", v.text()))
        .collect();
    let _ = write!(
        svg,
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" width=\"{}\" height=\"{h}\" viewBox=\"0 0 {} {h}\" xmlns=\"http://www.w3.org/2000/svg\">",
        esc(title),
        esc(&format!("{title}, average out of 5. {}", desc.join("; "))),
        label_w + bar_w + 90,
        label_w + bar_w + 90
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = i * row_h + 4;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\" font-size=\"12\">{}</text>",
            y + 15,
            esc(label)
        );
        let _ = write!(svg, "<rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"20\" fill=\"#f1f1f1\" stroke=\"#999\"/>");
        match v {
            Value::Tenths(t) => {
                let w = bar_w as u64 * t / 50;
                let _ = write!(svg, "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"20\" fill=\"#2b5f75\"/>");
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
                    label_w + bar_w + 6,
                    y + 15,
                    v.text()
                );
            }
            _ => {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-style=\"italic\">withheld ({})</text>",
                    label_w + bar_w + 6,
                    y + 15,
                    v.reason().map(mark).unwrap_or('?')
                );
            }
        }
    }
    let axis_y = bars.len() * row_h + 20;
    for s in 0..=5 {
        let x = label_w + bar_w * s / 5;
        let _ = write!(
            svg,
            "<text x=\"{x}\" y=\"{axis_y}\" font-size=\"10\" text-anchor=\"middle\">{s}</text>"
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

pub fn write(release: &Release) -> Vec<u8> {
    let rules = &release.rules;
    let mut h = String::new();
    let periods: Vec<String> = release.periods.iter().map(|p| p.to_string()).collect();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>PSI Feedback summary</title><style>{STYLE}</style></head><body>\n<h1>PSI Feedback summary</h1>\n<p>Periods: {} to {} ({}). Breakdown: {}. Questionnaire version {}. PSI Feedback {}.</p>\n",
        esc(periods.first().map(String::as_str).unwrap_or("")),
        esc(periods.last().map(String::as_str).unwrap_or("")),
        release.period_kind.id(),
        release.breakdown.label(),
        questionnaire::VERSION,
        super::APP_VERSION
    );
    h.push_str("<section class=\"note\"><h2>How this report keeps people anonymous</h2><ul>");
    for n in super::notes(release) {
        let _ = write!(h, "<li>{}</li>", esc(&n));
    }
    h.push_str("</ul><p>Why a value is withheld:</p><ul>");
    for r in Reason::of_generation(release.generation).iter().copied() {
        let _ = write!(h, "<li>({}) {}</li>", mark(r), esc(&r.explain(rules)));
    }
    h.push_str("</ul></section>\n");
    if release.groups.is_empty() {
        h.push_str("<p>There are no responses in these periods.</p>");
    }

    let mut teams: Vec<&Option<String>> = release.groups.iter().map(|g| &g.key.team).collect();
    teams.dedup();
    for team in teams {
        let groups: Vec<&GroupRelease> = release
            .groups
            .iter()
            .filter(|g| &g.key.team == team)
            .collect();
        let team = groups[0].key.team_name();
        let _ = write!(
            h,
            "<section class=\"team\"><h2>{}</h2>\n<div class=\"charts\">",
            esc(team)
        );
        for id in SCORES {
            let title = match id {
                "power" => "Power",
                "safety" => "Safety",
                "identity" => "Identity",
                _ => "Overall rating",
            };
            let bars: Vec<(String, Value)> = groups
                .iter()
                .map(|g| {
                    (
                        group_label(release.breakdown, g),
                        measure(g, id).and_then(|m| m.mean).unwrap_or(g.responses),
                    )
                })
                .collect();
            h.push_str(&chart(title, &bars));
        }
        h.push_str("</div>\n");

        // The headline table.
        h.push_str("<table><caption>Summary</caption><thead><tr><th scope=\"col\">Group</th><th scope=\"col\">Responses</th>");
        for t in ["Power", "Safety", "Identity", "Overall"] {
            let _ = write!(
                h,
                "<th scope=\"col\">{t} average</th><th scope=\"col\">{t}: % positive</th>"
            );
        }
        h.push_str("<th scope=\"col\">% said something did not feel right</th><th scope=\"col\">% attending by choice</th></tr></thead><tbody>");
        for g in &groups {
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

        // Every question, average (scales) and headline percentage.
        let published: Vec<&&GroupRelease> =
            groups.iter().filter(|g| !g.measures.is_empty()).collect();
        if !published.is_empty() {
            h.push_str("<table><caption>Each question: average out of 5, and the percentage in its headline answers</caption><thead><tr><th scope=\"col\">Question</th>");
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
                            let class = if m.mean.is_some_and(|v| v.is_withheld())
                                || m.share.is_withheld()
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
        h.push_str("</section>\n");
    }
    h.push_str("</body></html>\n");
    h.into_bytes()
}
