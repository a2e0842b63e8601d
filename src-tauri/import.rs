//! Import of paper forms typed into a spreadsheet. All or nothing: every row is checked
//! first, every problem is reported with its line and column, and only a file without
//! problems is stored, in one transaction.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use crate::error::AppError;
use crate::period::Month;
use crate::questionnaire::{self, Answers, Kind, ITEMS};
use crate::store::{ContextList, NewResponse, Source, Store};
use crate::validate;

/// The columns before the answers, in the documented order.
pub const CONTEXT_COLUMNS: [&str; 4] = ["month", "team", "session_type", "role"];
pub const COMMENT_COLUMN: &str = "comment";

/// Every column an import file has, in the documented order.
pub fn columns() -> Vec<&'static str> {
    let mut c: Vec<&str> = CONTEXT_COLUMNS.to_vec();
    c.extend(ITEMS.iter().map(|i| i.id));
    c.push(COMMENT_COLUMN);
    c
}

/// One thing wrong with an import file. `line` is the line in the file (the header is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

#[derive(Debug)]
pub enum ImportError {
    /// The file has problems; nothing was stored.
    Rejected(Vec<Problem>),
    /// The file could not be read or the store failed; nothing was stored.
    Failed(AppError),
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> ImportError {
        ImportError::Failed(e)
    }
}

/// Largest file accepted: far more than any clinic types in, small enough to check in memory.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Checks the whole file and stores its responses only if every row is right.
pub fn import(store: &mut Store, input: impl Read, now: Month) -> Result<usize, ImportError> {
    let responses = check(store, input, now)?;
    store.insert_all(&responses)?;
    Ok(responses.len())
}

/// Reads and checks a file without storing anything.
pub fn check(store: &Store, input: impl Read, now: Month) -> Result<Vec<NewResponse>, ImportError> {
    let mut data = Vec::new();
    input
        .take(MAX_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| AppError::invalid(None, format!("The file could not be read: {e}")))?;
    if data.len() as u64 > MAX_BYTES {
        return Err(ImportError::Rejected(vec![Problem {
            line: 1,
            column: None,
            reason: format!("the file is larger than {} MiB", MAX_BYTES / 1024 / 1024),
        }]));
    }
    let data = data
        .strip_prefix(b"\xEF\xBB\xBF".as_slice())
        .unwrap_or(&data); // a spreadsheet's UTF-8 mark

    let mut names: HashMap<ContextList, HashMap<String, i64>> = HashMap::new();
    for list in ContextList::ALL {
        let by_name = store
            .all_names(list)?
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect();
        names.insert(list, by_name);
    }

    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(data);
    let mut problems = Vec::new();
    let mut records = reader.byte_records();
    let expected = columns();

    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            return Err(ImportError::Rejected(vec![Problem {
                line: 1,
                column: None,
                reason: e.to_string(),
            }]))
        }
        None => {
            return Err(ImportError::Rejected(vec![Problem {
                line: 1,
                column: None,
                reason: "the file is empty".into(),
            }]))
        }
    };
    let header: Vec<String> = header
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    let mut index = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if !expected.contains(&h.as_str()) {
            problems.push(Problem {
                line: 1,
                column: Some(h.clone()),
                reason: "unknown column".into(),
            });
        } else if index.insert(h.clone(), i).is_some() {
            problems.push(Problem {
                line: 1,
                column: Some(h.clone()),
                reason: "this column appears twice".into(),
            });
        }
    }
    for c in &expected {
        if !index.contains_key(*c) {
            problems.push(Problem {
                line: 1,
                column: Some(c.to_string()),
                reason: "missing column".into(),
            });
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Rejected(problems));
    }

    let mut out = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| line_at(data, p.byte())).unwrap_or(0);
                problems.push(Problem {
                    line,
                    column: None,
                    reason: format!("this row could not be read: {e}"),
                });
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| line_at(data, p.byte()))
            .unwrap_or(0);
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a spreadsheet's empty row (",,,,")
        }
        if record.len() != header.len() {
            problems.push(Problem {
                line,
                column: None,
                reason: format!(
                    "this row has {} fields; the header has {}",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        let before = problems.len();
        let mut field = |name: &str| -> Option<String> {
            let bytes = &record[index[name]];
            match std::str::from_utf8(bytes) {
                Ok(s) => Some(s.trim().to_string()),
                Err(_) => {
                    problems.push(Problem {
                        line,
                        column: Some(name.into()),
                        reason: "not valid UTF-8 text: save the file as CSV UTF-8".into(),
                    });
                    None
                }
            }
        };
        let month_text = field("month");
        let context: Vec<(ContextList, Option<String>)> = vec![
            (ContextList::Teams, field("team")),
            (ContextList::SessionTypes, field("session_type")),
            (ContextList::Roles, field("role")),
        ];
        let answer_texts: Vec<Option<String>> = ITEMS.iter().map(|i| field(i.id)).collect();
        let comment_text = field(COMMENT_COLUMN);
        let mut problem = |column: &str, reason: String| {
            problems.push(Problem {
                line,
                column: Some(column.into()),
                reason,
            })
        };

        let month = month_text.and_then(|t| match parse_month(&t) {
            Some(m) if m > now => {
                problem("month", format!("{m} is in the future"));
                None
            }
            Some(m) => Some(m),
            None => {
                problem(
                    "month",
                    format!("{t:?} is not a month: write YYYY-MM or YYYY-MM-DD"),
                );
                None
            }
        });
        let mut ids = [0i64; 3];
        for (slot, (list, text)) in ids.iter_mut().zip(&context) {
            let Some(text) = text else { continue };
            match names[list].get(&text.to_lowercase()) {
                Some(id) => *slot = *id,
                None if text.is_empty() => {
                    problem(list.default_field(), format!("a {} is needed", list.noun()))
                }
                None => problem(
                    list.default_field(),
                    format!("{text:?} is not a {} in the settings", list.noun()),
                ),
            }
        }
        let mut answers: Answers = [None; ITEMS.len()];
        for ((item, text), slot) in ITEMS.iter().zip(&answer_texts).zip(answers.iter_mut()) {
            let Some(text) = text else { continue };
            match parse_answer(item, text) {
                Ok(a) => *slot = a,
                Err(reason) => problem(item.id, reason),
            }
        }
        let comment = comment_text.and_then(|t| match validate::comment(Some(t)) {
            Ok(c) => c,
            Err(e) => {
                problem(COMMENT_COLUMN, e.to_string());
                None
            }
        });
        if problems.len() == before {
            out.push(NewResponse {
                questionnaire_version: questionnaire::VERSION,
                session_month: month.expect("checked above"),
                source: Source::Paper,
                team: ids[0],
                session_type: ids[1],
                role: ids[2],
                answers,
                comment,
            });
        }
    }
    if !problems.is_empty() {
        return Err(ImportError::Rejected(problems));
    }
    if out.is_empty() {
        return Err(ImportError::Rejected(vec![Problem {
            line: 2,
            column: None,
            reason: "the file has no rows after the header".into(),
        }]));
    }
    Ok(out)
}

/// The line a record starts on, counted from its byte offset. The csv crate's own line
/// count is off by one for CRLF files and after blank lines; the offset is exact.
fn line_at(data: &[u8], byte: u64) -> u64 {
    let mut start = (byte as usize).min(data.len());
    while start < data.len() && matches!(data[start], b'\r' | b'\n') {
        start += 1;
    }
    1 + data[..start].iter().filter(|b| **b == b'\n').count() as u64
}

fn parse_month(t: &str) -> Option<Month> {
    match t.len() {
        7 => Month::parse(t),
        10 => {
            let date = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
            Month::parse(&t[..7]).filter(|_| date.to_string() == t)
        }
        _ => None,
    }
}

/// An answer cell: blank is skipped, 0 or "rather not say" is declined, otherwise an
/// option's code or (for choices) its id such as "not_sure".
fn parse_answer(item: &questionnaire::Item, text: &str) -> Result<Option<u8>, String> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return Ok(None);
    }
    if t == "0" || t == "rather not say" || t == "rather_not_say" {
        return Ok(Some(questionnaire::DECLINED));
    }
    if let Ok(code) = t.parse::<u8>() {
        if item.option(code).is_some() {
            return Ok(Some(code));
        }
    }
    if item.kind == Kind::Choice {
        if let Some(o) = item.options.iter().find(|o| o.id == t.replace(' ', "_")) {
            return Ok(Some(o.code));
        }
    }
    let allowed: Vec<String> = match item.kind {
        Kind::Scale => vec![format!("1 to {}", item.options.len())],
        Kind::Choice => item.options.iter().map(|o| o.id.to_string()).collect(),
    };
    let shown: String = text.chars().take(30).collect();
    Err(format!(
        "{shown:?} is not an answer: use {}, 0 for \"rather not say\", or leave it empty",
        allowed.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_codes_ids_and_blanks() {
        let scale = questionnaire::item("power_say").unwrap();
        let rupture = questionnaire::item("rupture").unwrap();
        assert_eq!(parse_answer(scale, ""), Ok(None));
        assert_eq!(parse_answer(scale, " 4 "), Ok(Some(4)));
        assert_eq!(parse_answer(scale, "0"), Ok(Some(0)));
        assert!(parse_answer(scale, "6").is_err());
        assert!(parse_answer(scale, "4.5").is_err());
        assert_eq!(parse_answer(rupture, "Not sure"), Ok(Some(2)));
        assert_eq!(parse_answer(rupture, "yes"), Ok(Some(3)));
        assert!(parse_answer(rupture, "maybe")
            .unwrap_err()
            .contains("not_sure"));
    }

    #[test]
    fn line_numbers_are_right_for_crlf_blank_lines_and_quoted_newlines() {
        let lines = |text: &str| -> Vec<u64> {
            let mut r = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            r.byte_records()
                .map(|rec| line_at(text.as_bytes(), rec.unwrap().position().unwrap().byte()))
                .collect()
        };
        assert_eq!(lines("h\na\nb\n"), [1, 2, 3]);
        assert_eq!(lines("h\r\na\r\nb\r\n"), [1, 2, 3]);
        assert_eq!(lines("h\n\n\na\nb"), [1, 4, 5]);
        assert_eq!(lines("h\r\n\"two\r\nlines\"\r\nb\r\n"), [1, 2, 4]);
    }

    #[test]
    fn months_parse_as_month_or_real_date() {
        assert_eq!(parse_month("2026-03"), Month::parse("2026-03"));
        assert_eq!(parse_month("2026-03-31"), Month::parse("2026-03"));
        assert_eq!(parse_month("2026-02-30"), None);
        assert_eq!(parse_month("03/2026"), None);
    }
}
