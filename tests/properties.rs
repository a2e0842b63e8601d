//! Properties of every export format over random data sets: whatever the counts, no
//! format publishes a count from 1 to 7, an unrounded count, a statistic from fewer
//! than 10 answers, a withheld value without its reason, or a withheld count that the
//! other published figures narrow to fewer than 3 values.

use proptest::prelude::*;

mod common;
use common::rank;
use psi_feedback::disclosure::{self, inversion, Reason, Rules, Scope, Value};
use psi_feedback::export::{render, rows, Format};
use psi_feedback::period::{Month, Period, PeriodKind};
use psi_feedback::summary::{measures, Breakdown, GroupKey, Tally};

const TEAMS: &[&str] = &["North", "<b>South</b>", "=SUM(A1)\", East", "Ward 7"];

/// A group's true counts: a few options busy, others small or empty, as real data is.
fn tally() -> impl Strategy<Value = Tally> {
    let n = measures().len();
    let count = prop_oneof![Just(0u64), 1u64..8, 8u64..30, 30u64..200];
    prop::collection::vec(prop::array::uniform5(count), n).prop_map(|per_measure| {
        let counts: Vec<[u64; 6]> = per_measure
            .iter()
            .zip(measures())
            .map(|(c, m)| {
                let mut out = [0u64; 6];
                for o in m.options {
                    out[usize::from(o.code)] = c[usize::from(o.code) - 1];
                }
                out
            })
            .collect();
        let answered_max = counts
            .iter()
            .map(|c| c.iter().sum::<u64>())
            .max()
            .unwrap_or(0);
        Tally {
            responses: answered_max,
            counts,
        }
    })
}

fn release_of(groups: Vec<Tally>) -> disclosure::Release {
    let month = Period::Month(Month::parse("2026-03").unwrap());
    let keyed = groups
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            let key = GroupKey {
                team: Some(TEAMS[i % TEAMS.len()].to_string()),
                period: month,
                breakdown_value: None,
            };
            (key, t)
        })
        .collect();
    let scope = Scope {
        period_kind: PeriodKind::Month,
        periods: vec![month],
        breakdown: Breakdown::None,
        left_out_other_versions: 0,
        left_out_added_later: 0,
    };
    disclosure::protect(scope, keyed, &Rules::default(), &[])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_format_keeps_the_rules(groups in prop::collection::vec(tally(), 1..4)) {
        let truth = groups.clone();
        let release = release_of(groups);
        let rules = Rules::default();

        // The values themselves, against the true counts.
        for (g, t) in release.groups.iter().zip(&truth) {
            if t.responses < rules.group_floor {
                prop_assert_eq!(g.responses, Value::Withheld(Reason::GroupBelowFloor));
                prop_assert!(g.measures.is_empty());
                continue;
            }
            for (m, counts) in g.measures.iter().zip(&t.counts) {
                let n: u64 = counts.iter().sum();
                for v in [m.mean, m.sd].into_iter().flatten().chain([m.share]) {
                    if n < rules.derived_min_n {
                        prop_assert!(v.is_withheld(), "a statistic from {} answers", n);
                    }
                }
                for (_, values) in inversion::possible_values(m, &rules) {
                    prop_assert!(values.len() as u64 >= rules.min_possible_values, "narrowed to {:?}", values);
                }
            }
        }

        // Every published count, in the tidy rows every format is made of.
        for r in rows(&release) {
            match r.value {
                Value::Count(c) => prop_assert!(c == 0 || (c >= 10 && c % 5 == 0), "count {}", c),
                Value::Withheld(_) => {}
                Value::Tenths(_) => prop_assert!(r.statistic == "mean" || r.statistic == "sd"),
                _ => prop_assert_eq!(r.statistic, "percent"),
            }
        }

        // The files: same rows, reasons exactly where withheld, no markup from names, repeatable.
        let csv_bytes = render(&release, Format::Csv);
        let mut reader = csv::ReaderBuilder::new().comment(Some(b'#')).from_reader(csv_bytes.as_slice());
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        prop_assert_eq!(records.len(), rows(&release).len());
        for rec in &records {
            prop_assert_eq!(&rec[9] == "withheld", !rec[10].is_empty());
            if let Ok(n) = rec[9].parse::<u64>() {
                if &rec[6] != "percent" {
                    prop_assert!(!(1..=7).contains(&n), "count {} in {:?}", n, rec);
                }
            }
        }
        let json: serde_json::Value = serde_json::from_slice(&render(&release, Format::Json)).unwrap();
        prop_assert_eq!(json["rows"].as_array().unwrap().len(), records.len());
        let html = String::from_utf8(render(&release, Format::Html)).unwrap();
        prop_assert!(!html.contains("<b>South"));
        prop_assert_eq!(render(&release, Format::Csv), csv_bytes);
    }
}

// ----- Margins and the ledger ------------------------------------------------------

use psi_feedback::disclosure::Release;
use psi_feedback::questionnaire::ITEMS;
use psi_feedback::store::{ContextList, ResponseRow};
use psi_feedback::summary::{Names, StaffCounts, Tallier};

/// A small random data set: (team, month, session type, power_say answer) per response.
fn responses() -> impl Strategy<Value = Vec<(i64, u32, i64, u8)>> {
    // Cells of very different sizes: some empty, some tiny, some big.
    let cell = (0i64..3, 1u32..=3, 1i64..=2, 1u8..=5);
    prop::collection::vec(
        (cell, prop_oneof![Just(1usize), 1usize..4, 5usize..15]),
        1..14,
    )
    .prop_map(|cells| {
        cells
            .into_iter()
            .flat_map(|(c, n)| std::iter::repeat_n(c, n))
            .collect()
    })
}

fn release_from(
    data: &[(i64, u32, i64, u8)],
    months: (u32, u32),
    by: Breakdown,
    earlier: &[Release],
) -> Release {
    let mut tallier = Tallier::new(PeriodKind::Month, by);
    let power_say = ITEMS.iter().position(|i| i.id == "power_say").unwrap();
    for (team, month, session_type, answer) in data {
        if !(months.0..=months.1).contains(month) {
            continue;
        }
        let mut answers = [None; ITEMS.len()];
        answers[power_say] = Some(*answer);
        tallier.add(&ResponseRow {
            team: *team,
            session_type: *session_type,
            role: 1,
            month: Month::new(2026, *month).unwrap(),
            answers,
        });
    }
    let mut names = Names::new();
    names.insert(
        ContextList::Teams,
        [
            (0, "North".to_string()),
            (1, "South".into()),
            (2, "East".into()),
        ]
        .into(),
    );
    names.insert(
        ContextList::SessionTypes,
        [(1, "Individual".to_string()), (2, "Group".into())].into(),
    );
    names.insert(ContextList::Roles, [(1, "Nurse".to_string())].into());
    let first = Month::new(2026, months.0).unwrap();
    let last = Month::new(2026, months.1).unwrap();
    let periods: Vec<Period> = (months.0..=months.1)
        .map(|m| Period::Month(Month::new(2026, m).unwrap()))
        .collect();
    let span = (periods.len() > 1).then_some(Period::Span(first, last));
    let scope = Scope {
        period_kind: PeriodKind::Month,
        periods,
        breakdown: by,
        left_out_other_versions: 0,
        left_out_added_later: 0,
    };
    disclosure::protect(
        scope,
        tallier.finish(&names, &StaffCounts::new(), span),
        &Rules::default(),
        earlier,
    )
}

/// One statistic's cells across releases: (team, first month, last month, value, atoms
/// filled in later, published?, is the group below the floor).
struct LineCell {
    key: (Option<String>, Month, Month, Option<String>),
    published: Option<u64>,
}

fn line_cells(
    releases: &[&Release],
    pick: &dyn Fn(&psi_feedback::disclosure::GroupRelease) -> Option<Value>,
) -> Vec<LineCell> {
    let mut out = Vec::new();
    for r in releases {
        for g in &r.groups {
            let v = pick(g);
            out.push(LineCell {
                key: (
                    g.key.team.clone(),
                    g.key.period.first_month(),
                    g.key.period.last_month(),
                    g.key.breakdown_value.clone(),
                ),
                published: match v {
                    Some(Value::Count(c)) => Some(c),
                    _ => None,
                },
            });
        }
    }
    out
}

/// The withheld cells that are linear combinations of published ones (floating-point
/// elimination, independent of the exporter's modular arithmetic), leaving out cells
/// inside a published 0.
fn derivable(cells: &[LineCell]) -> Vec<String> {
    let mut atoms: Vec<(String, Month, Option<String>)> = Vec::new();
    for c in cells {
        let (team, first, last, value) = &c.key;
        if let (Some(t), true) = (team, first == last) {
            let has_values = cells.iter().any(|d| {
                d.key.0 == c.key.0 && d.key.1 == *first && d.key.2 == *last && d.key.3.is_some()
            });
            if (value.is_some() || !has_values)
                && !atoms.contains(&(t.clone(), *first, value.clone()))
            {
                atoms.push((t.clone(), *first, value.clone()));
            }
        }
    }
    let vector = |c: &LineCell| -> Vec<f64> {
        atoms
            .iter()
            .map(|(t, m, v)| {
                let (team, first, last, value) = &c.key;
                let inside = team.as_ref().is_none_or(|x| x == t)
                    && first <= m
                    && m <= last
                    && (value.is_none() || value == v);
                if inside {
                    1.0
                } else {
                    0.0
                }
            })
            .collect()
    };
    let zero: Vec<bool> = (0..atoms.len())
        .map(|a| {
            cells
                .iter()
                .any(|c| c.published == Some(0) && vector(c)[a] == 1.0)
        })
        .collect();
    let published: Vec<Vec<f64>> = cells
        .iter()
        .filter(|c| c.published.is_some())
        .map(&vector)
        .collect();
    let base = rank(published.clone());
    cells
        .iter()
        .filter(|c| c.published.is_none())
        .filter(|c| {
            let v = vector(c);
            let all_zero = v.iter().zip(&zero).all(|(x, z)| *x == 0.0 || *z);
            let mut with = published.clone();
            with.push(v.clone());
            !all_zero && v.iter().any(|x| *x != 0.0) && rank(with) == base
        })
        .map(|c| format!("{:?}", c.key))
        .collect()
}

fn assert_no_margin_leak(releases: &[&Release]) -> Result<(), TestCaseError> {
    let power_say = measures().iter().position(|m| m.id == "power_say").unwrap();
    let responses = line_cells(releases, &|g| Some(g.responses));
    prop_assert!(
        derivable(&responses).is_empty(),
        "responses: {:?}",
        derivable(&responses)
    );
    for option in 0..5 {
        let cells = line_cells(releases, &|g| {
            g.measures.get(power_say).map(|m| m.options[option].count)
        });
        let found = derivable(&cells);
        prop_assert!(found.is_empty(), "power_say option {}: {:?}", option, found);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Rule 6 within one release with totals (all teams, all periods, all values), and
    /// rule 8 across a second, overlapping release checked against the first.
    #[test]
    fn no_withheld_cell_is_a_combination_of_published_ones(
        data in responses(),
        by_type in any::<bool>(),
    ) {
        let by = if by_type { Breakdown::SessionType } else { Breakdown::None };
        let first = release_from(&data, (1, 2), by, &[]);
        assert_no_margin_leak(&[&first])?;
        let second = release_from(&data, (1, 3), by, std::slice::from_ref(&first));
        assert_no_margin_leak(&[&first, &second])?;
        // Groups the first release showed keep their values in the second.
        for g in &second.groups {
            if let Some(before) = first.groups.iter().find(|f| f.key == g.key) {
                prop_assert_eq!(before.responses, g.responses);
            }
        }
    }
}
