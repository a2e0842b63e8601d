//! Helpers shared by the integration tests.
#![allow(dead_code)] // each test file uses its own part

pub mod ipc;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use psi_feedback::store::{ContextList, Store};

/// One data row of a CSV export, by column name.
pub type Row = HashMap<String, String>;

/// A database at `dir/name`, set up as the window's first run does, with these lists.
pub fn configured_db(
    dir: &Path,
    name: &str,
    teams: &[&str],
    session_types: &[&str],
    roles: &[&str],
) -> PathBuf {
    let db = dir.join(name);
    let list = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    Store::open(&db)
        .unwrap()
        .configure(
            "$argon2id$not-used-here",
            &[
                (ContextList::Teams, list(teams)),
                (ContextList::SessionTypes, list(session_types)),
                (ContextList::Roles, list(roles)),
            ],
        )
        .unwrap();
    db
}

/// An export's data rows (the `#` rules lines skipped).
pub fn csv_rows(text: &str) -> Vec<Row> {
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The header of an import file: every documented column.
pub fn header() -> String {
    psi_feedback::import::columns().join(",")
}

/// One import row: month, team, session type "Individual", role "Nurse", the answers by
/// item id (the rest empty), then the comment.
pub fn row(month: &str, team: &str, answers: &[(&str, &str)], comment: &str) -> String {
    row_in(month, team, "Individual", "Nurse", answers, comment)
}

/// One import row with its session type and role.
pub fn row_in(
    month: &str,
    team: &str,
    session_type: &str,
    role: &str,
    answers: &[(&str, &str)],
    comment: &str,
) -> String {
    let mut cells = vec![
        month.to_string(),
        team.to_string(),
        session_type.to_string(),
        role.to_string(),
    ];
    for item in psi_feedback::questionnaire::ITEMS {
        cells.push(
            answers
                .iter()
                .find(|(id, _)| *id == item.id)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default(),
        );
    }
    cells.push(comment.to_string());
    cells.join(",")
}

/// The rank of a matrix, by Gaussian elimination in floating point with partial
/// pivoting: the attacks' own linear algebra, independent of the exporter's exact
/// modular arithmetic (the matrices are small 0/1 tables).
pub fn rank(mut rows: Vec<Vec<f64>>) -> usize {
    let cols = rows.first().map_or(0, Vec::len);
    let mut r = 0;
    for c in 0..cols {
        let Some(p) =
            (r..rows.len()).max_by(|a, b| rows[*a][c].abs().total_cmp(&rows[*b][c].abs()))
        else {
            break;
        };
        if rows[p][c].abs() < 1e-9 {
            continue;
        }
        rows.swap(r, p);
        let pivot = rows[r].clone();
        for (i, row) in rows.iter_mut().enumerate() {
            if i != r {
                let f = row[c] / pivot[c];
                for (x, p) in row[c..cols].iter_mut().zip(&pivot[c..cols]) {
                    *x -= f * p;
                }
            }
        }
        r += 1;
    }
    r
}
