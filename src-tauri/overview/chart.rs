//! Small SVG charts, drawn once for the staff area's Overview and the printable report,
//! so the two always agree. Charts are pictures only (`aria-hidden`): each is shown
//! beside a table or a sentence that holds the same published figures as text.
//!
//! Written by hand: a line with gaps and a row of bars are a few dozen lines of SVG, and
//! a charting crate would bring fonts, layout engines and far more than we draw.

use std::fmt::Write;

/// What a chart's values are measured in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// An average answer, 1 to 5.
    Score,
    /// A percentage, 0 to 100.
    Percent,
}

impl Scale {
    fn range(self) -> (f64, f64) {
        match self {
            Scale::Score => (1.0, 5.0),
            Scale::Percent => (0.0, 100.0),
        }
    }

    fn ticks(self) -> &'static [f64] {
        match self {
            Scale::Score => &[1.0, 2.0, 3.0, 4.0, 5.0],
            Scale::Percent => &[0.0, 50.0, 100.0],
        }
    }
}

/// The colour of the line and bars: the report's and the window's accent.
const INK: &str = "#2b5f75";
const GRID: &str = "#c8d3d8";
const LABEL: &str = "#333";

/// Escapes text for SVG (XML). Labels here are period codes and team names.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn num(x: f64) -> String {
    format!("{:.1}", x)
}

fn open(w: u32, h: u32, class: &str) -> String {
    format!(
        "<svg class=\"{class}\" aria-hidden=\"true\" focusable=\"false\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" xmlns=\"http://www.w3.org/2000/svg\">"
    )
}

/// A line over the periods: one point per published value, a break in the line and a
/// short mark (`gap_mark`) at the foot of the chart where a value is withheld.
/// `labels` and `values` are one per period, oldest first.
pub fn line(labels: &[String], values: &[Option<f64>], scale: Scale, gap_mark: &str) -> String {
    lines(labels, &[values], scale, gap_mark)
}

/// Two lines over the same periods, told apart by colour and by their marks: the first
/// as [`line`] draws it (circles), the second in [`SECOND`] with squares. A period where
/// either is withheld gets the gap mark.
pub fn pair(
    labels: &[String],
    first: &[Option<f64>],
    second: &[Option<f64>],
    scale: Scale,
    gap_mark: &str,
) -> String {
    lines(labels, &[first, second], scale, gap_mark)
}

/// The second line's colour (the practitioners' estimate beside people's own scores).
pub const SECOND: &str = "#a4471b";

fn lines(labels: &[String], series: &[&[Option<f64>]], scale: Scale, gap_mark: &str) -> String {
    let (w, h) = (260u32, 150u32);
    let (left, right, top, bottom) = (30.0, 10.0, 10.0, 34.0);
    let plot_w = f64::from(w) - left - right;
    let plot_h = f64::from(h) - top - bottom;
    let (lo, hi) = scale.range();
    let n = labels.len().max(1);
    let x = |i: usize| {
        if n == 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| top + plot_h * (1.0 - (v.clamp(lo, hi) - lo) / (hi - lo));
    let mut s = open(w, h, "chart chart--line");
    for &t in scale.ticks() {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y}\" y2=\"{y}\" stroke=\"{GRID}\" stroke-width=\"1\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" fill=\"{LABEL}\">{}</text>",
            num(left + plot_w),
            num(left - 4.0),
            num(y(t) + 3.5),
            t as u32,
            y = num(y(t)),
        );
    }
    for (k, values) in series.iter().enumerate() {
        let colour = if k == 0 { INK } else { SECOND };
        // The line, broken at every withheld period.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs: Vec<Vec<(f64, f64)>> = Vec::new();
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => run.push((x(i), y(*v))),
                None => runs.push(std::mem::take(&mut run)),
            }
        }
        runs.push(run);
        for run in runs.iter().filter(|r| r.len() > 1) {
            let points: Vec<String> = run
                .iter()
                .map(|(px, py)| format!("{},{}", num(*px), num(*py)))
                .collect();
            let _ = write!(
                s,
                "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"/>",
                points.join(" ")
            );
        }
        for (px, py) in runs.iter().flatten() {
            if k == 0 {
                let _ = write!(
                    s,
                    "<circle cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{colour}\"/>",
                    num(*px),
                    num(*py)
                );
            } else {
                let _ = write!(
                    s,
                    "<rect x=\"{}\" y=\"{}\" width=\"6\" height=\"6\" fill=\"{colour}\"/>",
                    num(*px - 3.0),
                    num(*py - 3.0)
                );
            }
        }
    }
    let values: Vec<bool> = (0..labels.len())
        .map(|i| series.iter().all(|v| v.get(i).copied().flatten().is_some()))
        .collect();
    let foot = f64::from(h) - bottom;
    for (i, published) in values.iter().enumerate() {
        if !published {
            let _ = write!(
                s,
                "<text class=\"chart__gap\" x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{LABEL}\">{}</text>",
                num(x(i)),
                num(foot - 4.0),
                esc(gap_mark)
            );
        }
    }
    // First and last period under the axis; the table beside the chart names them all.
    if let (Some(first), Some(last)) = (labels.first(), labels.last()) {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"start\" fill=\"{LABEL}\">{}</text>",
            num(left),
            num(foot + 14.0),
            esc(first)
        );
        if labels.len() > 1 {
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\" fill=\"{LABEL}\">{}</text>",
                num(left + plot_w),
                num(foot + 14.0),
                esc(last)
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one per team, on a 1 to 5 (or 0 to 100) axis; a withheld value is
/// an empty bar with `gap_mark` at its end.
pub fn bars(rows: &[(String, Option<f64>)], scale: Scale, gap_mark: &str) -> String {
    let row_h = 22.0;
    let (label_w, bar_w, value_w) = (150.0, 130.0, 36.0);
    let w = (label_w + bar_w + value_w) as u32;
    let h = (row_h * rows.len() as f64 + 18.0) as u32;
    let (lo, hi) = scale.range();
    let mut s = open(w, h, "chart chart--bars");
    for (i, (label, value)) in rows.iter().enumerate() {
        let top = i as f64 * row_h + 2.0;
        let mut name = label.clone();
        // A long name is cut; the table or sentence beside the chart has it whole.
        if name.chars().count() > 23 {
            name = name.chars().take(22).collect::<String>() + "…";
        }
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"{LABEL}\">{}</text><rect x=\"{label_w}\" y=\"{}\" width=\"{bar_w}\" height=\"16\" fill=\"#f1f4f5\" stroke=\"{GRID}\"/>",
            num(top + 12.0),
            esc(&name),
            num(top)
        );
        let end = match value {
            Some(v) => {
                let len = bar_w * (v.clamp(lo, hi) - lo) / (hi - lo);
                let _ = write!(
                    s,
                    "<rect x=\"{label_w}\" y=\"{}\" width=\"{}\" height=\"16\" fill=\"{INK}\"/>",
                    num(top),
                    num(len)
                );
                match scale {
                    Scale::Score => num(*v),
                    Scale::Percent => format!("{}%", v.round() as i64),
                }
            }
            None => gap_mark.to_string(),
        };
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"{LABEL}\">{}</text>",
            num(label_w + bar_w + 4.0),
            num(top + 12.0),
            esc(&end)
        );
    }
    let axis = row_h * rows.len() as f64 + 14.0;
    for &t in scale.ticks() {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" font-size=\"9\" text-anchor=\"middle\" fill=\"{LABEL}\">{}</text>",
            num(label_w + bar_w * (t - lo) / (hi - lo)),
            num(axis),
            t as u32
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(n: usize) -> Vec<String> {
        (1..=n).map(|i| format!("2026-{i:02}")).collect()
    }

    #[test]
    fn a_line_breaks_at_a_withheld_period_and_marks_it() {
        let svg = line(
            &labels(5),
            &[Some(3.0), Some(3.5), None, Some(4.0), Some(4.2)],
            Scale::Score,
            "–",
        );
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches("class=\"chart__gap\"").count(), 1);
        assert!(svg.contains("aria-hidden=\"true\""));
        assert!(svg.contains(">2026-01<") && svg.contains(">2026-05<"));
    }

    #[test]
    fn a_higher_score_is_drawn_higher_and_stays_inside_the_chart() {
        let svg = line(&labels(2), &[Some(1.0), Some(5.0)], Scale::Score, "–");
        let ys: Vec<f64> = svg
            .split("<circle")
            .skip(1)
            .map(|c| {
                let cy = c.split("cy=\"").nth(1).unwrap();
                cy[..cy.find('"').unwrap()].parse().unwrap()
            })
            .collect();
        assert_eq!(ys.len(), 2);
        assert!(ys[1] < ys[0], "5 is above 1: {ys:?}");
        assert!(ys.iter().all(|y| (0.0..=150.0).contains(y)));
        // A lone point between gaps is still drawn, with no line.
        let lone = line(&labels(3), &[None, Some(2.0), None], Scale::Score, "–");
        assert_eq!(lone.matches("<circle").count(), 1);
        assert_eq!(lone.matches("<polyline").count(), 0);
    }

    #[test]
    fn bars_are_as_long_as_their_values_and_names_are_escaped() {
        let svg = bars(
            &[
                ("A & <B>".to_string(), Some(5.0)),
                ("Crisis".to_string(), Some(3.0)),
                ("Early".to_string(), None),
            ],
            Scale::Score,
            "–",
        );
        assert!(svg.contains("A &amp; &lt;B&gt;"), "{svg}");
        assert!(svg.contains("width=\"130.0\""), "5 fills the bar");
        assert!(svg.contains("width=\"65.0\""), "3 is half way from 1 to 5");
        assert!(svg.contains(">–<"));
        let pct = bars(&[("A".into(), Some(25.0))], Scale::Percent, "–");
        assert!(pct.contains(">25%<") && pct.contains("width=\"32.5\""));
    }
}
