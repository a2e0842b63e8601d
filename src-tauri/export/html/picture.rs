//! The Overview's parts of the printable report: the first page's picture (all teams
//! over time, the teams compared, the flags), a team's trends, the practitioners' sense
//! of sessions beside what people said, and the questions to talk about, in the same
//! words as the window (the locale's English keys).

use std::fmt::Write;

use crate::disclosure::SCORES;
use crate::locale;
use crate::overview::chart::esc;
use crate::overview::{Change, Comparison, Flag, Perception, Picture, Point, TeamView, GAP_MARK};

pub(super) fn measure_name(id: &str) -> &'static str {
    locale::text(&format!("overview.measure.{id}"))
}

/// The window's sentence for a change over the periods shown (`changeText`).
fn change_text(change: Option<&Change>, measure: &str) -> String {
    let Some(c) = change else {
        return locale::text("overview.change.none").to_string();
    };
    let by = if SCORES.contains(&measure) {
        c.by.clone()
    } else {
        locale::plural("overview.points", c.by.parse().unwrap_or(0), &[])
    };
    locale::format(
        &format!("overview.change.{}", c.direction),
        &[
            ("from", c.from.text.clone()),
            ("from_period", c.from.period.clone()),
            ("to", c.to.text.clone()),
            ("to_period", c.to.period.clone()),
            ("by", by),
        ],
    )
}

/// The window's words for a flag (`flagText`).
pub(super) fn flag_text(flag: &Flag, team: &str) -> String {
    let measure = measure_name(flag.measure).to_string();
    let team = team.to_string();
    let p = &flag.points;
    match flag.kind {
        "lowest" => {
            let figures: Vec<String> = p
                .iter()
                .map(|x| {
                    locale::format(
                        "overview.flag.point",
                        &[("value", x.text.clone()), ("period", x.period.clone())],
                    )
                })
                .collect();
            locale::format(
                "overview.flag.lowest",
                &[
                    ("team", team),
                    ("measure", measure),
                    ("n", p.len().to_string()),
                    ("figures", figures.join(", ")),
                ],
            )
        }
        "fall" => locale::format(
            "overview.flag.fall",
            &[
                ("team", team),
                ("measure", measure),
                ("from", p[0].text.clone()),
                ("from_period", p[0].period.clone()),
                ("to", p[1].text.clone()),
                ("to_period", p[1].period.clone()),
            ],
        ),
        _ => locale::format(
            "overview.flag.rupture",
            &[
                ("team", team),
                ("value", p[0].text.clone()),
                ("period", p[0].period.clone()),
                ("median", flag.median.clone().unwrap_or_default()),
            ],
        ),
    }
}

fn lowest_text(c: &Comparison) -> String {
    let measure = measure_name(c.measure).to_string();
    let Some(first) = c.lowest.first() else {
        return locale::format("overview.lowest.none", &[("measure", measure)]);
    };
    let value = c
        .teams
        .iter()
        .find(|(t, _)| t == first)
        .map(|(_, p)| p.text.clone())
        .unwrap_or_default();
    let key = if c.lowest.len() > 1 { "tied" } else { "single" };
    let said = locale::format(
        &format!("overview.lowest.{key}"),
        &[
            ("measure", measure),
            ("teams", c.lowest.join(", ")),
            ("value", value),
        ],
    );
    // Said when a team's figure is withheld: it may be lower still.
    if c.teams.iter().any(|(_, p)| p.withheld) {
        format!("{said} {}", locale::text("overview.lowest.not_all"))
    } else {
        said
    }
}

/// The questions for a team to talk about, by dimension, as the Overview has them:
/// `overview.questions.<id>.<n>` from 1 for as long as the words go on.
pub(super) fn questions(h: &mut String) {
    let _ = write!(
        h,
        "<section class=\"page\"><h2>{}</h2><p class=\"note\">{}</p>",
        esc(locale::text("overview.questions")),
        esc(locale::text("overview.questions_note"))
    );
    for id in ["power", "safety", "identity", "rupture"] {
        let _ = write!(h, "<h3>{}</h3><ul>", esc(measure_name(id)));
        for n in 1.. {
            let key = format!("overview.questions.{id}.{n}");
            if !locale::has(&key) {
                break;
            }
            let _ = write!(h, "<li>{}</li>", esc(locale::text(&key)));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>\n");
}

/// A team's trends: a small chart each, its change in words under it.
pub(super) fn trends(h: &mut String, team: &TeamView, measures: &[&str]) {
    h.push_str("<div class=\"charts trends\">");
    for t in team.trends.iter().filter(|t| measures.contains(&t.measure)) {
        let _ = write!(
            h,
            "<figure><figcaption>{}</figcaption>{}<p>{}</p></figure>",
            esc(measure_name(t.measure)),
            t.svg,
            esc(&change_text(t.change.as_ref(), t.measure))
        );
    }
    h.push_str("</div>\n");
}

fn gap_legend(h: &mut String) {
    let _ = write!(
        h,
        "<p class=\"legend\">{GAP_MARK} {}</p>",
        esc(locale::text("overview.gap_legend"))
    );
}

/// The first page: all teams over time (the one team, if there is one), the teams
/// compared, and the flags.
pub(super) fn headline_page(h: &mut String, picture: &Picture) {
    let Some(all) = picture
        .teams
        .iter()
        .find(|t| t.all_teams)
        .or(picture.teams.first())
    else {
        return;
    };
    let _ = write!(
        h,
        "<section class=\"headline\"><h2>{}</h2>",
        esc(&locale::format(
            "overview.headline",
            &[
                ("from", picture.periods.first().cloned().unwrap_or_default()),
                ("to", picture.periods.last().cloned().unwrap_or_default()),
            ]
        ))
    );
    let title = if all.all_teams {
        locale::text("overview.all_teams_trends").to_string()
    } else {
        all.team.clone()
    };
    let _ = write!(h, "<h3>{}</h3>", esc(&title));
    trends(h, all, &SCORES);
    gap_legend(h);
    if let Some(latest) = &picture.latest {
        let _ = write!(
            h,
            "<h3>{}</h3><ul>",
            esc(&locale::format(
                "overview.compared",
                &[("period", latest.clone())]
            ))
        );
        for c in &picture.comparison {
            let _ = write!(h, "<li>{}</li>", esc(&lowest_text(c)));
        }
        h.push_str("</ul><div class=\"charts bars\">");
        for c in &picture.comparison {
            let _ = write!(
                h,
                "<figure><figcaption>{}</figcaption>{}</figure>",
                esc(measure_name(c.measure)),
                c.svg
            );
        }
        h.push_str("</div>\n");
    }
    let _ = write!(
        h,
        "<h3>{}</h3><p class=\"note\">{}</p>",
        esc(locale::text("overview.flags")),
        esc(locale::text("overview.flags_note"))
    );
    let flags: Vec<String> = picture
        .teams
        .iter()
        .flat_map(|t| t.flags.iter().map(|f| flag_text(f, &t.team)))
        .collect();
    if flags.is_empty() {
        let _ = write!(h, "<p>{}</p>", esc(locale::text("overview.no_flags")));
    } else {
        h.push_str("<ul>");
        for f in flags {
            let _ = write!(h, "<li>{}</li>", esc(&f));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>\n");
}

/// A point's text in a table: its figure, or the gap mark where it is withheld.
fn figure(p: Option<&Point>) -> String {
    match p {
        Some(p) if !p.withheld => esc(&p.text),
        _ => format!("<span class=\"withheld\">{GAP_MARK}</span>"),
    }
}

/// The window's sentence for the latest period with both averages (`latestText`).
fn perception_latest(p: &Perception) -> String {
    let both = (0..p.estimate.len())
        .rev()
        .find(|&i| !p.estimate[i].withheld && !p.person[i].withheld);
    let Some(i) = both else {
        return locale::text("perception.none").to_string();
    };
    let said = locale::format(
        "perception.latest",
        &[
            ("period", p.estimate[i].period.clone()),
            ("estimate", p.estimate[i].text.clone()),
            ("person", p.person[i].text.clone()),
        ],
    );
    let shown = |points: &[Point]| {
        points
            .get(i)
            .filter(|x| !x.withheld)
            .map(|x| x.text.clone())
    };
    match (shown(&p.higher), shown(&p.lower)) {
        (Some(higher), Some(lower)) => format!(
            "{said} {}",
            locale::format("perception.higher", &[("higher", higher), ("lower", lower)])
        ),
        _ => said,
    }
}

/// The practitioners' sense of sessions beside what people said, as the window shows it:
/// nothing where no team has a published estimate.
pub(super) fn perception_page(h: &mut String, picture: &Picture) {
    let teams: Vec<&TeamView> = picture
        .teams
        .iter()
        .filter(|t| !t.perception.is_empty())
        .collect();
    if teams.is_empty() {
        return;
    }
    let _ = write!(
        h,
        "<section class=\"page perception\"><h2>{}</h2><p class=\"note\">{}</p><p class=\"legend\">{} {}</p>",
        esc(locale::text("perception.title")),
        esc(locale::text("perception.note")),
        esc(locale::text("perception.key.people")),
        esc(locale::text("perception.key.estimate")),
    );
    for team in teams {
        let _ = write!(
            h,
            "<h3>{}</h3><div class=\"charts trends\">",
            esc(&team.team)
        );
        for p in &team.perception {
            let _ = write!(
                h,
                "<figure><figcaption>{}</figcaption>{}<p>{}</p></figure>",
                esc(measure_name(p.dimension)),
                p.svg,
                esc(&perception_latest(p))
            );
        }
        h.push_str("</div>\n");
        for p in &team.perception {
            let name = measure_name(p.dimension);
            let column = |key: &str| esc(&locale::format(key, &[("measure", name.to_string())]));
            let _ = write!(
                h,
                "<table><caption>{}: {}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead><tbody>",
                esc(&team.team),
                esc(name),
                esc(locale::text("summary.column.period")),
                column("perception.column.estimate"),
                column("perception.column.person"),
                column("perception.column.higher"),
                column("perception.column.lower"),
            );
            for (i, period) in picture.periods.iter().enumerate() {
                let _ = write!(
                    h,
                    "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    esc(period),
                    figure(p.estimate.get(i)),
                    figure(p.person.get(i)),
                    figure(p.higher.get(i)),
                    figure(p.lower.get(i)),
                );
            }
            h.push_str("</tbody></table>\n");
        }
    }
    let _ = write!(
        h,
        "<h3>{}</h3><ul>",
        esc(locale::text("perception.prompt_title"))
    );
    for d in ["power", "safety", "identity"] {
        let _ = write!(
            h,
            "<li>{}</li>",
            esc(locale::text(&format!("perception.prompt.{d}")))
        );
    }
    let _ = writeln!(
        h,
        "</ul><p class=\"note\">{}</p></section>",
        esc(locale::text("perception.prompt_note"))
    );
}
