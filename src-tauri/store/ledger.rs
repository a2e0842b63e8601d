//! The release ledger (rule 8): what each export released, append-only.

use std::collections::HashMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::audit::{self, Action};
use super::Store;
use crate::error::AppError;
use crate::period::Month;

/// What identifies a request in the ledger: the same key, the same release.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseKey {
    pub period_kind: String,
    pub first_month: String,
    pub last_month: String,
    pub breakdown: String,
    pub layout: String,
}

/// A release to append to the ledger.
pub struct NewRelease {
    pub key: ReleaseKey,
    pub rules: String,
    pub app_version: String,
    pub questionnaire_version: u32,
    pub groups: usize,
    pub withheld: usize,
    /// The whole release, as [`crate::disclosure::encode`] writes it.
    pub cells: String,
}

/// One row of the release history staff see.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseEntry {
    pub number: i64,
    /// UTC; shown to staff on the device only, never exported.
    pub released_at: String,
    pub period_kind: String,
    pub first_month: String,
    pub last_month: String,
    pub breakdown: String,
    pub layout: String,
    pub rules: String,
    pub app_version: String,
    pub questionnaire_version: u32,
    pub groups: i64,
    pub withheld: i64,
}

impl Store {
    /// For each month some release covered, the last response id at its first release.
    pub fn released_months(&self) -> Result<HashMap<Month, i64>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT month, last_response_id FROM released_months")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut out = HashMap::new();
        for row in rows {
            let (m, id) = row?;
            let month = Month::parse(&m).ok_or_else(|| {
                AppError::Storage(format!("a released month is not valid: {m:?}"))
            })?;
            out.insert(month, id);
        }
        Ok(out)
    }

    /// The recorded release for exactly this request, if there is one (the first).
    pub fn find_release(&self, key: &ReleaseKey) -> Result<Option<String>, AppError> {
        Ok(self
            .conn
            .query_row(
                "SELECT cells FROM releases WHERE period_kind = ?1 AND first_month = ?2
                 AND last_month = ?3 AND breakdown = ?4 AND layout = ?5 ORDER BY id LIMIT 1",
                params![
                    key.period_kind,
                    key.first_month,
                    key.last_month,
                    key.breakdown,
                    key.layout
                ],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Every recorded release that shares months with `from..=to`, directly or through
    /// other releases (a quarter that overlaps a month that overlaps ...), with the
    /// months they cover together, oldest release first.
    pub fn overlapping_releases(
        &self,
        from: Month,
        to: Month,
    ) -> Result<(Vec<String>, Month, Month), AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, first_month, last_month FROM releases ORDER BY id")?;
        let all: Vec<(i64, String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        let parse = |m: &str| {
            Month::parse(m)
                .ok_or_else(|| AppError::Storage(format!("a release's month is not valid: {m:?}")))
        };
        let spans: Vec<(i64, Month, Month)> = all
            .iter()
            .map(|(id, a, b)| Ok((*id, parse(a)?, parse(b)?)))
            .collect::<Result<_, AppError>>()?;
        let (mut lo, mut hi) = (from, to);
        let mut taken = vec![false; spans.len()];
        loop {
            let mut grew = false;
            for (i, (_, a, b)) in spans.iter().enumerate() {
                if !taken[i] && *a <= hi && *b >= lo {
                    taken[i] = true;
                    lo = lo.min(*a);
                    hi = hi.max(*b);
                    grew = true;
                }
            }
            if !grew {
                break;
            }
        }
        let mut cells = Vec::new();
        let mut one = self
            .conn
            .prepare("SELECT cells FROM releases WHERE id = ?1")?;
        for (i, (id, _, _)) in spans.iter().enumerate() {
            if taken[i] {
                cells.push(one.query_row([id], |r| r.get(0))?);
            }
        }
        Ok((cells, lo, hi))
    }

    /// Appends a release to the ledger and marks its months released, in one
    /// transaction. Returns the release's number in the ledger.
    pub fn record_release(&mut self, r: &NewRelease) -> Result<i64, AppError> {
        let tx = self.begin()?;
        let last_id: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) FROM responses", [], |r| {
            r.get(0)
        })?;
        let released_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        tx.execute(
            "INSERT INTO releases (released_at, period_kind, first_month, last_month, breakdown,
                 rules, app_version, questionnaire_version, groups, withheld, cells, layout)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                released_at,
                r.key.period_kind,
                r.key.first_month,
                r.key.last_month,
                r.key.breakdown,
                r.rules,
                r.app_version,
                r.questionnaire_version,
                r.groups as i64,
                r.withheld as i64,
                r.cells,
                r.key.layout
            ],
        )?;
        let id = tx.last_insert_rowid();
        audit::append(
            &tx,
            chrono::Utc::now(),
            Action::Export,
            &format!(
                "Exported release {id}: {} {} to {}, {}, {} layout",
                r.key.period_kind,
                r.key.first_month,
                r.key.last_month,
                r.key.breakdown,
                r.key.layout
            ),
        )?;
        let mut month = Month::parse(&r.key.first_month)
            .ok_or_else(|| AppError::Storage("a release's first month is not valid".into()))?;
        let last = Month::parse(&r.key.last_month)
            .ok_or_else(|| AppError::Storage("a release's last month is not valid".into()))?;
        while month <= last {
            tx.execute(
                "INSERT INTO released_months (month, last_response_id) VALUES (?1, ?2)
                 ON CONFLICT (month) DO NOTHING",
                params![month.to_string(), last_id],
            )?;
            month = month.next();
        }
        tx.commit()?;
        Ok(id)
    }

    /// Every release in the ledger, oldest first: (number, first month, last month,
    /// the record).
    pub fn ledger(&self) -> Result<Vec<(i64, Month, Month, String)>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, first_month, last_month, cells FROM releases ORDER BY id")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, a, b, cells) = row?;
            let parse = |m: &str| {
                Month::parse(m).ok_or_else(|| {
                    AppError::Storage(format!("a release's month is not valid: {m:?}"))
                })
            };
            out.push((id, parse(&a)?, parse(&b)?, cells));
        }
        Ok(out)
    }

    /// The ledger for staff, newest first.
    pub fn release_history(&self) -> Result<Vec<ReleaseEntry>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, released_at, period_kind, first_month, last_month, breakdown, rules,
                    app_version, questionnaire_version, groups, withheld, layout
             FROM releases ORDER BY id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(ReleaseEntry {
                number: r.get(0)?,
                released_at: r.get(1)?,
                period_kind: r.get(2)?,
                first_month: r.get(3)?,
                last_month: r.get(4)?,
                breakdown: r.get(5)?,
                rules: r.get(6)?,
                app_version: r.get(7)?,
                questionnaire_version: r.get(8)?,
                groups: r.get(9)?,
                withheld: r.get(10)?,
                layout: r.get(11)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
