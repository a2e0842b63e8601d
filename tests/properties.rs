//! Properties of every export format over random data sets: whatever the counts, no
//! format publishes a count from 1 to 7, an unrounded count, a statistic from fewer
//! than 10 answers, a withheld value without its reason, or a withheld count that the
//! other published figures narrow to fewer than 3 values.

use proptest::prelude::*;
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
