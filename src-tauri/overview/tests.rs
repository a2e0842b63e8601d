use std::collections::HashMap;

use proptest::prelude::*;

use super::*;
use crate::disclosure::{Reason, PERSON_MEASURES};
use crate::period::Month;

type Values = HashMap<(Option<String>, usize, &'static str), Value>;

fn months(n: usize) -> Vec<Period> {
    let mut m = Month::new(2026, 1).unwrap();
    (0..n)
        .map(|_| {
            let p = Period::Month(m);
            m = m.next();
            p
        })
        .collect()
}

fn team(name: &str) -> Option<String> {
    Some(name.to_string())
}

/// A picture of `teams` over `n` months; values not set are withheld.
fn picture_of(n: usize, teams: &[Option<String>], values: &Values) -> Picture {
    let periods = months(n);
    let index = |p: Period| periods.iter().position(|&q| q == p).unwrap();
    let lookup = |t: &Option<String>, p: Period, m: &str| -> Value {
        values
            .iter()
            .find(|((vt, i, vm), _)| vt == t && *i == index(p) && *vm == m)
            .map_or(Value::Withheld(Reason::SmallCount), |(_, v)| *v)
    };
    build("month", &periods, teams, &lookup)
}

/// Sets `measure` of `t` to `tenths` (a score) per month, `None` withheld.
fn scores(values: &mut Values, t: &Option<String>, measure: &'static str, tenths: &[Option<u64>]) {
    for (i, v) in tenths.iter().enumerate() {
        if let Some(v) = v {
            values.insert((t.clone(), i, measure), Value::Tenths(*v));
        }
    }
}

fn flags<'a>(p: &'a Picture, name: &str) -> &'a [Flag] {
    &p.teams.iter().find(|t| t.team == name).unwrap().flags
}

#[test]
fn a_dimension_lowest_three_periods_running_is_flagged_with_its_figures() {
    let a = team("Crisis");
    let mut v = Values::new();
    scores(
        &mut v,
        &a,
        "power",
        &[Some(40), Some(41), Some(40), Some(42)],
    );
    scores(
        &mut v,
        &a,
        "identity",
        &[Some(39), Some(40), Some(41), Some(43)],
    );
    scores(
        &mut v,
        &a,
        "safety",
        &[Some(35), Some(33), Some(34), Some(35)],
    );
    let p = picture_of(4, std::slice::from_ref(&a), &v);
    let f = flags(&p, "Crisis");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!((f[0].kind, f[0].measure), ("lowest", "safety"));
    let texts: Vec<&str> = f[0].points.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(texts, ["3.3", "3.4", "3.5"]);
    assert_eq!(f[0].points[0].period, "2026-02");

    // A tie in one of the three periods, or a withheld value, and there is no flag.
    let mut tie = v.clone();
    tie.insert((a.clone(), 2, "safety"), Value::Tenths(40));
    let lowest = |p: &Picture| flags(p, "Crisis").iter().any(|f| f.kind == "lowest");
    assert!(!lowest(&picture_of(4, std::slice::from_ref(&a), &tie)));
    let mut gap = v.clone();
    gap.remove(&(a.clone(), 3, "power"));
    assert!(!lowest(&picture_of(4, std::slice::from_ref(&a), &gap)));
    // Two periods are not three.
    assert!(!lowest(&picture_of(2, &[a], &v)));
}

#[test]
fn a_recent_fall_of_three_tenths_over_two_periods_is_flagged_and_a_smaller_one_is_not() {
    let a = team("Early");
    let mut v = Values::new();
    // Identity falls 0.4 from month 4 to month 6; power falls only 0.2; safety fell 0.5
    // long ago (months 1 to 3), which the chart shows and no flag repeats.
    let identity = [40, 41, 40, 41, 40, 37];
    let power = [40, 39, 38, 40, 40, 38];
    let safety = [45, 42, 40, 41, 42, 42];
    for (m, series) in [("identity", identity), ("power", power), ("safety", safety)] {
        scores(&mut v, &a, m, &series.map(Some));
    }
    let p = picture_of(6, std::slice::from_ref(&a), &v);
    let falls: Vec<&Flag> = flags(&p, "Early")
        .iter()
        .filter(|f| f.kind == "fall")
        .collect();
    assert_eq!(falls.len(), 1, "{falls:?}");
    assert_eq!(falls[0].measure, "identity");
    let texts: Vec<(&str, &str)> = falls[0]
        .points
        .iter()
        .map(|p| (p.period.as_str(), p.text.as_str()))
        .collect();
    assert_eq!(texts, [("2026-04", "4.1"), ("2026-06", "3.7")]);

    // A withheld end hides the fall: nothing is guessed.
    let mut gap = v.clone();
    gap.remove(&(a.clone(), 5, "identity"));
    let p = picture_of(6, &[a], &gap);
    assert!(
        flags(&p, "Early").iter().all(|f| f.kind != "fall"),
        "{:?}",
        flags(&p, "Early")
    );
}

#[test]
fn a_rupture_share_above_the_clinics_median_is_flagged_for_teams_only() {
    let (a, b, c) = (team("A"), team("B"), team("C"));
    let mut v = Values::new();
    for (t, shares) in [(&a, [5, 6, 7]), (&b, [8, 9, 10]), (&c, [10, 20, 30])] {
        for (i, s) in shares.iter().enumerate() {
            v.insert((t.clone(), i, "rupture"), Value::Percent(*s));
        }
    }
    v.insert((None, 2, "rupture"), Value::Percent(40));
    let teams = [None, a.clone(), b.clone(), c.clone()];
    let p = picture_of(3, &teams, &v);
    // Median of 5,6,7,8,9,10,10,20,30 is 9.
    let f = flags(&p, "C");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].kind, "rupture");
    assert_eq!(f[0].median.as_deref(), Some("9%"));
    assert_eq!(f[0].points[0].text, "30%");
    assert_eq!(flags(&p, "B").len(), 1, "10% is above 9%");
    assert!(flags(&p, "A").is_empty());
    assert!(
        flags(&p, "All teams").is_empty(),
        "all teams are the clinic"
    );
    assert_eq!(p.teams[0].team, "All teams", "all teams come first");

    // "30% or less" may be below the median: no flag. "10% or more" is above it.
    v.insert((c.clone(), 2, "rupture"), Value::PercentAtMost(30));
    v.insert((b.clone(), 2, "rupture"), Value::PercentAtLeast(10));
    let p = picture_of(3, &teams, &v);
    assert!(flags(&p, "C").is_empty());
    assert_eq!(flags(&p, "B").len(), 1);
}

#[test]
fn the_latest_period_compares_teams_and_names_the_lowest_ties_included() {
    let (a, b, c) = (team("A"), team("B"), team("C"));
    let mut v = Values::new();
    scores(&mut v, &a, "safety", &[Some(30), Some(36)]);
    scores(&mut v, &b, "safety", &[Some(40), Some(36)]);
    scores(&mut v, &c, "safety", &[Some(20), None]);
    let p = picture_of(2, &[None, a, b, c], &v);
    assert_eq!(p.latest.as_deref(), Some("2026-02"));
    let safety = p.comparison.iter().find(|c| c.measure == "safety").unwrap();
    assert_eq!(
        safety.lowest,
        ["A", "B"],
        "C's withheld value is not the lowest"
    );
    assert_eq!(safety.teams.len(), 3);
    assert!(safety.teams[2].1.withheld);
    let power = p.comparison.iter().find(|c| c.measure == "power").unwrap();
    assert!(power.lowest.is_empty(), "nothing published, nothing lowest");
}

#[test]
fn the_change_runs_from_the_first_published_value_to_the_last() {
    let a = team("A");
    let mut v = Values::new();
    scores(&mut v, &a, "identity", &[None, Some(34), Some(39), None]);
    scores(&mut v, &a, "power", &[Some(42), None, None, Some(38)]);
    scores(&mut v, &a, "safety", &[Some(42), None, None, None]);
    v.insert((a.clone(), 0, "attending_choice"), Value::Percent(80));
    v.insert((a.clone(), 3, "attending_choice"), Value::Percent(75));
    let p = picture_of(4, &[a], &v);
    let t = |m: &str| {
        p.teams[0]
            .trends
            .iter()
            .find(|t| t.measure == m)
            .unwrap()
            .change
            .clone()
    };
    let id = t("identity").unwrap();
    assert_eq!(
        (id.from.period.as_str(), id.to.period.as_str()),
        ("2026-02", "2026-03")
    );
    assert_eq!((id.by.as_str(), id.direction), ("0.5", "up"));
    assert_eq!(
        (
            t("power").unwrap().by.as_str(),
            t("power").unwrap().direction
        ),
        ("0.4", "down")
    );
    assert!(t("safety").is_none(), "one value is no change");
    assert_eq!(t("attending_choice").unwrap().by, "5");
}

fn arbitrary_value(percent: bool) -> impl Strategy<Value = Value> {
    let published = if percent {
        prop_oneof![
            (0u32..=100).prop_map(Value::Percent),
            (90u32..=100).prop_map(Value::PercentAtLeast),
            (0u32..=10).prop_map(Value::PercentAtMost),
        ]
        .boxed()
    } else {
        (10u64..=50).prop_map(Value::Tenths).boxed()
    };
    prop_oneof![3 => published, 1 => Just(Value::Withheld(Reason::NarrowsWithheld))]
}

proptest! {
    /// On random figures, every flag rests on published points of its own trend, and
    /// each kind of flag holds exactly when its rule says, checked here by brute force.
    #[test]
    fn flags_rest_only_on_published_figures_and_follow_their_rules(
        n in 1usize..8,
        raw in proptest::collection::vec((arbitrary_value(false), arbitrary_value(true)), 8 * 6 * 3),
    ) {
        let teams = [None, team("A"), team("B")];
        let mut v = Values::new();
        let mut k = 0;
        for t in &teams {
            for i in 0..n {
                for m in PERSON_MEASURES {
                    let (score, pct) = raw[k % raw.len()];
                    k += 1;
                    v.insert((t.clone(), i, m), if SCORES.contains(&m) { score } else { pct });
                }
            }
        }
        let p = picture_of(n, &teams, &v);
        for tv in &p.teams {
            let units = |m: &str, i: usize| tv.trends.iter().find(|t| t.measure == m).unwrap().points[i].units;
            for f in &tv.flags {
                let trend = tv.trends.iter().find(|t| t.measure == f.measure).unwrap();
                for pt in &f.points {
                    prop_assert!(!pt.withheld && pt.units.is_some());
                    prop_assert!(trend.points.contains(pt));
                }
            }
            // "lowest", by brute force over the last three periods.
            let expected_lowest: Vec<&str> = if n >= LOWEST_RUN {
                DIMENSIONS.iter().copied().filter(|d| (n - LOWEST_RUN..n).all(|i| {
                    DIMENSIONS.iter().filter(|o| *o != d).all(|o| matches!(
                        (units(d, i), units(o, i)), (Some(x), Some(y)) if x < y))
                })).collect()
            } else { Vec::new() };
            let lowest: Vec<&str> = tv.flags.iter().filter(|f| f.kind == "lowest").map(|f| f.measure).collect();
            prop_assert_eq!(lowest, expected_lowest);
            // "fall": a score is flagged exactly when, in one of the last two periods, it
            // is 0.3 or more below one of the two periods before it.
            for m in SCORES {
                let mut any = false;
                for i in 0..n {
                    for j in 0..i {
                        if n - i <= 2 && i - j <= 2 {
                            if let (Some(a), Some(b)) = (units(m, j), units(m, i)) {
                                any |= a - b >= 3;
                            }
                        }
                    }
                }
                prop_assert_eq!(tv.flags.iter().any(|f| f.kind == "fall" && f.measure == m), any);
            }
            // "rupture": the team's latest published share of the last two periods is
            // above the median of every team's published shares, and not "N% or less".
            if !tv.all_teams {
                let mut all: Vec<i64> = p.teams.iter().filter(|t| !t.all_teams)
                    .flat_map(|t| t.trends.iter().find(|x| x.measure == "rupture").unwrap().points.clone())
                    .filter_map(|pt| pt.units).collect();
                all.sort_unstable();
                let rupture = &tv.trends.iter().find(|x| x.measure == "rupture").unwrap().points;
                let latest = (n.saturating_sub(2)..n).rev().map(|i| &rupture[i]).find(|pt| pt.units.is_some());
                let expected = match (latest, all.is_empty()) {
                    (Some(pt), false) => {
                        let k = all.len();
                        // Above the median: the middle value, or the mean of the middle two.
                        let x = pt.units.unwrap();
                        let above = if k % 2 == 1 { x > all[k / 2] } else { 2 * x > all[k / 2 - 1] + all[k / 2] };
                        above && !pt.at_most
                    }
                    _ => false,
                };
                prop_assert_eq!(tv.flags.iter().any(|f| f.kind == "rupture"), expected);
            }
            if tv.all_teams {
                prop_assert!(tv.flags.iter().all(|f| f.kind != "rupture"));
            }
        }
    }
}

#[test]
fn estimates_show_beside_what_people_said_only_where_published() {
    let (a, b) = (team("Hopeful"), team("Quiet"));
    let mut v = Values::new();
    scores(&mut v, &a, "estimate_safety", &[Some(44), None, Some(45)]);
    scores(&mut v, &a, "paired_safety", &[Some(32), Some(33), Some(31)]);
    v.insert((a.clone(), 0, "higher_safety"), Value::Percent(70));
    v.insert((a.clone(), 2, "higher_safety"), Value::PercentAtLeast(95));
    v.insert((a.clone(), 0, "lower_safety"), Value::PercentAtMost(5));
    // Quiet: people's scores published, but no estimate's average anywhere.
    scores(&mut v, &b, "paired_power", &[Some(40), Some(40), Some(40)]);
    let p = picture_of(3, &[a.clone(), b.clone()], &v);
    let hopeful = p.teams.iter().find(|t| t.team == "Hopeful").unwrap();
    assert_eq!(
        hopeful.perception.len(),
        1,
        "only safety has an estimate published"
    );
    let s = &hopeful.perception[0];
    assert_eq!(s.dimension, "safety");
    let text =
        |points: &[Point]| -> Vec<String> { points.iter().map(|p| p.text.clone()).collect() };
    assert_eq!(
        text(&s.estimate),
        ["4.4", "", "4.5"],
        "a withheld estimate is a gap"
    );
    assert_eq!(text(&s.person), ["3.2", "3.3", "3.1"]);
    assert_eq!(text(&s.higher), ["70%", "", "95% or more"]);
    assert_eq!(text(&s.lower), ["5% or less", "", ""]);
    assert!(
        s.estimate.iter().all(|p| !p.percent) && s.higher.iter().all(|p| p.withheld || p.percent)
    );
    // Two lines in the chart: people's with circles, the estimate with squares, and a
    // gap mark where either is withheld.
    assert_eq!(s.svg.matches("<circle").count(), 3);
    assert_eq!(s.svg.matches("<rect").count(), 2);
    assert_eq!(
        s.svg.matches(chart::SECOND).count(),
        2,
        "two squares, and no line across the withheld period"
    );
    assert_eq!(s.svg.matches(GAP_MARK).count(), 1);
    let quiet = p.teams.iter().find(|t| t.team == "Quiet").unwrap();
    assert!(quiet.perception.is_empty());
}
