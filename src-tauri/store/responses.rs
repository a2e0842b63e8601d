//! Responses: storing them, all or nothing, and reading them back for summaries.

use std::collections::HashMap;

use rusqlite::{params, Transaction};

use super::Store;
use crate::domain::{Comment, LeftOut, NewResponse, ResponseRow};
use crate::error::AppError;
use crate::period::Month;
use crate::questionnaire::{Answers, ESTIMATE_COLUMNS, ITEMS, NO_ESTIMATE};

impl Store {
    /// Stores one response. When this returns, the response is committed and synced.
    pub fn submit(&mut self, response: &NewResponse) -> Result<i64, AppError> {
        let tx = self.begin()?;
        let id = insert_response(&tx, response)?;
        tx.commit()?;
        Ok(id)
    }

    /// Stores many responses in one transaction: all of them or none.
    pub fn insert_all(&mut self, responses: &[NewResponse]) -> Result<(), AppError> {
        let tx = self.begin()?;
        for r in responses {
            insert_response(&tx, r)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Stores responses produced one by one, in one transaction (the demo's millions).
    pub fn insert_iter(
        &mut self,
        responses: impl Iterator<Item = NewResponse>,
    ) -> Result<u64, AppError> {
        let tx = self.begin()?;
        let mut n = 0;
        for r in responses {
            insert_response(&tx, &r)?;
            n += 1;
        }
        tx.commit()?;
        Ok(n)
    }

    pub fn response_count(&self) -> Result<u64, AppError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))?)
    }

    /// Responses that came from a person (on the device or on paper), not the demo.
    pub fn non_demo_response_count(&self) -> Result<u64, AppError> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM responses WHERE source <> 'demo'",
            [],
            |r| r.get(0),
        )?)
    }

    /// How many responses each team has, by name.
    pub fn response_count_by_team(&self) -> Result<Vec<(String, u64)>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.name, count(*) FROM responses r JOIN teams t ON t.id = r.team_id
             GROUP BY t.id ORDER BY t.name COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Comments from the months before `before`, by month (newest first) and then by
    /// text. A month in progress is left out and the order within a month is not the
    /// order of writing: staff who hand the device over must not be able to match a
    /// comment to the person they just saw.
    pub fn comments(&self, before: Month) -> Result<Vec<Comment>, AppError> {
        let mut stmt = self.conn.prepare(
            "SELECT t.name, r.session_month, r.comment FROM responses r JOIN teams t ON t.id = r.team_id
             WHERE r.comment IS NOT NULL AND r.session_month < ?1
             ORDER BY r.session_month DESC, r.comment, t.name",
        )?;
        let rows = stmt.query_map([before.to_string()], |r| {
            Ok(Comment {
                team: r.get(0)?,
                month: r.get(1)?,
                comment: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The months that hold responses, oldest first.
    pub fn months(&self) -> Result<Vec<Month>, AppError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT session_month FROM responses ORDER BY session_month")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for m in rows {
            out.extend(Month::parse(&m?));
        }
        Ok(out)
    }

    /// Calls `f` for every response of a compatible questionnaire version in the months
    /// `from..=to`, leaving out responses added to a month after it was first released
    /// (`released`: month -> last response id then). Returns, for each month, how many
    /// were left out: (other questionnaire versions, added after release).
    pub fn for_each_response(
        &self,
        from: Month,
        to: Month,
        versions: &[u32],
        released: &HashMap<Month, i64>,
        mut f: impl FnMut(&ResponseRow),
    ) -> Result<LeftOut, AppError> {
        // Column list from the questionnaire's own ids, which are fixed identifiers.
        let columns: Vec<&str> = ITEMS.iter().map(|i| i.id).chain(ESTIMATE_COLUMNS).collect();
        // Most of the months: one pass over the table reads faster than the month index
        // and a look-up per row. A few months of many: the index.
        let span: Option<(String, String)> = self
            .conn
            .query_row(
                "SELECT (SELECT min(session_month) FROM responses), (SELECT max(session_month) FROM responses)",
                [],
                |r| Ok(r.get::<_, Option<String>>(0)?.zip(r.get::<_, Option<String>>(1)?)),
            )?;
        let months = |a: Month, b: Month| {
            (b.year() * 12 + b.month() as i32) - (a.year() * 12 + a.month() as i32) + 1
        };
        let scan = span
            .and_then(|(a, b)| Some((Month::parse(&a)?, Month::parse(&b)?)))
            .is_some_and(|(a, b)| {
                let covered = months(from.max(a), to.min(b)).max(0);
                2 * covered >= months(a, b)
            });
        let sql = format!(
            "SELECT questionnaire_version, team_id, session_type_id, role_id, session_month, id, {}
             FROM responses WHERE {}session_month BETWEEN ?1 AND ?2",
            columns.join(", "),
            if scan { "+" } else { "" }
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
        let mut left_out = LeftOut::default();
        // Each month's text is read once: (text, month, last response id released).
        let mut seen_months: Vec<([u8; 7], Month, i64)> = Vec::new();
        while let Some(r) = rows.next()? {
            let version: u32 = r.get(0)?;
            let month_text = r.get_ref(4)?.as_bytes().map_err(rusqlite::Error::from)?;
            let (month, cutoff) = match seen_months
                .iter()
                .find(|(t, _, _)| t.as_slice() == month_text)
            {
                Some((_, m, c)) => (*m, *c),
                None => {
                    let text = std::str::from_utf8(month_text).unwrap_or("");
                    let m = Month::parse(text)
                        .filter(|_| month_text.len() == 7)
                        .ok_or_else(|| {
                            AppError::Storage(format!("a stored month is not valid: {text:?}"))
                        })?;
                    let c = released.get(&m).copied().unwrap_or(i64::MAX);
                    let mut key = [0u8; 7];
                    key.copy_from_slice(month_text);
                    seen_months.push((key, m, c));
                    (m, c)
                }
            };
            if r.get::<_, i64>(5)? > cutoff {
                left_out.by_month.entry(month).or_default().1 += 1;
                continue;
            }
            if !versions.contains(&version) {
                left_out.by_month.entry(month).or_default().0 += 1;
                continue;
            }
            let mut answers: Answers = [None; ITEMS.len()];
            for (i, a) in answers.iter_mut().enumerate() {
                // The schema's checks keep answers to 0..=5.
                *a = match r.get_ref(6 + i)? {
                    rusqlite::types::ValueRef::Integer(v) => u8::try_from(v).ok(),
                    _ => None,
                };
            }
            let mut estimate = NO_ESTIMATE;
            for (d, e) in estimate.iter_mut().enumerate() {
                // The schema's checks keep an estimate to 1..=5.
                *e = match r.get_ref(6 + ITEMS.len() + d)? {
                    rusqlite::types::ValueRef::Integer(v) => u8::try_from(v).ok(),
                    _ => None,
                };
            }
            f(&ResponseRow {
                team: r.get(1)?,
                session_type: r.get(2)?,
                role: r.get(3)?,
                month,
                answers,
                estimate,
            });
        }
        Ok(left_out)
    }
}

fn insert_response(tx: &Transaction, r: &NewResponse) -> Result<i64, AppError> {
    let columns: Vec<&str> = ITEMS.iter().map(|i| i.id).chain(ESTIMATE_COLUMNS).collect();
    let placeholders: Vec<String> = (9..9 + columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT INTO responses (questionnaire_version, submitted_at, session_month, source, team_id,
             session_type_id, role_id, comment, {}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, {})",
        columns.join(", "),
        placeholders.join(", ")
    );
    let mut stmt = tx.prepare_cached(&sql)?;
    let submitted_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut values: Vec<Box<dyn rusqlite::ToSql>> = vec![
        Box::new(r.questionnaire_version),
        Box::new(submitted_at),
        Box::new(r.session_month.to_string()),
        Box::new(r.source.id()),
        Box::new(r.team),
        Box::new(r.session_type),
        Box::new(r.role),
        Box::new(r.comment.clone()),
    ];
    values.extend(
        r.answers
            .iter()
            .chain(&r.estimate)
            .map(|a| Box::new(*a) as Box<dyn rusqlite::ToSql>),
    );
    stmt.execute(rusqlite::params_from_iter(values.iter()))?;
    Ok(tx.last_insert_rowid())
}
