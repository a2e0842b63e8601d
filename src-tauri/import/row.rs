//! One row of a paper-form file, checked against the questionnaire and the lists.

use std::collections::HashMap;

use super::{shown, COMMENT_COLUMN, MAX_CELL_BYTES, OPTIONAL_COLUMNS, SAVE_AS};
use crate::domain::{ContextList, NewResponse, Source};
use crate::period::Month;
use crate::questionnaire::{self, Answers, Kind, ITEMS, NO_ESTIMATE};
use crate::validate;

/// The names of each list, lower case, to their ids.
pub(super) type Names = HashMap<ContextList, HashMap<String, i64>>;

/// The response a row holds, or its problems by column in the file's column order.
pub(super) fn row(
    record: &csv::ByteRecord,
    index: &HashMap<String, usize>,
    names: &Names,
    kept_from: Option<Month>,
    now: Month,
) -> Result<NewResponse, Vec<(&'static str, String)>> {
    // This row's problems by column, listed in the file's column order.
    let mut wrong: Vec<(&str, String)> = Vec::new();
    let mut field = |name: &'static str| -> Option<String> {
        // An optional column the file does not have reads as blank.
        let bytes = index.get(name).map_or(&b""[..], |i| &record[*i]);
        if bytes.len() > MAX_CELL_BYTES {
            let reason = format!("this cell is too long (more than {MAX_CELL_BYTES} bytes)");
            wrong.push((name, reason));
            return None;
        }
        match std::str::from_utf8(bytes) {
            Ok(s) => Some(s.trim().to_string()),
            Err(_) => {
                wrong.push((name, format!("not valid UTF-8 text: {SAVE_AS}")));
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
    let estimate_texts: Vec<Option<String>> = OPTIONAL_COLUMNS.iter().map(|c| field(c)).collect();
    let mut problem = |column: &'static str, reason: String| wrong.push((column, reason));

    let month = month_text.and_then(|t| match parse_month(&t) {
        Ok(m) if m > now => {
            problem("month", format!("{m} is in the future"));
            None
        }
        Ok(m) if kept_from.is_some_and(|k| m < k) => {
            problem(
                "month",
                format!(
                    "{m} is before {}: responses from then have been deleted, as the retention setting says",
                    kept_from.expect("checked")
                ),
            );
            None
        }
        Ok(m) => Some(m),
        Err(reason) => {
            problem("month", reason);
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
                format!("{} is not a {} in the settings", shown(text), list.noun()),
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
    let mut estimate = NO_ESTIMATE;
    for ((column, text), slot) in OPTIONAL_COLUMNS
        .iter()
        .zip(&estimate_texts)
        .zip(estimate.iter_mut())
    {
        let Some(text) = text else { continue };
        match text.parse::<u8>() {
            _ if text.is_empty() => {}
            Ok(code @ 1..=5) => *slot = Some(code),
            _ => problem(
                column,
                format!(
                    "{} is not an estimate: use 1 to 5, or leave it empty",
                    shown(text)
                ),
            ),
        }
    }
    let comment = comment_text.and_then(|t| match validate::comment(Some(t)) {
        Ok(c) => c,
        Err(e) => {
            problem(COMMENT_COLUMN, e.to_string());
            None
        }
    });
    if !wrong.is_empty() {
        wrong.sort_by_key(|(column, _)| index[*column]);
        return Err(wrong);
    }
    Ok(NewResponse {
        questionnaire_version: questionnaire::VERSION,
        session_month: month.expect("checked above"),
        source: Source::Paper,
        team: ids[0],
        session_type: ids[1],
        role: ids[2],
        answers,
        estimate,
        comment,
    })
}

/// A session month: `YYYY-MM`, or a real date `YYYY-MM-DD` of which the month is kept.
pub(super) fn parse_month(t: &str) -> Result<Month, String> {
    let shaped = |pattern: &str| {
        t.len() == pattern.len()
            && t.bytes().zip(pattern.bytes()).all(|(c, p)| match p {
                b'-' => c == b'-',
                _ => c.is_ascii_digit(),
            })
    };
    if t.is_empty() {
        return Err("a month is needed".into());
    }
    let (month, what) = if shaped("0000-00") {
        (Month::parse(t), "month")
    } else if shaped("0000-00-00") {
        let real = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").is_ok();
        (Month::parse(&t[..7]).filter(|_| real), "date")
    } else {
        return Err(format!(
            "{} is not a month: write YYYY-MM or YYYY-MM-DD",
            shown(t)
        ));
    };
    match month {
        Some(m) => Ok(m),
        None if &t[..4] < "1900" => Err(format!("{} is before 1900", shown(t))),
        None => Err(format!("{} is not a real {what}", shown(t))),
    }
}

/// An answer cell: blank is skipped, 0 or "rather not say" is declined, otherwise an
/// option's code or (for choices) its id such as "not_sure".
pub(super) fn parse_answer(item: &questionnaire::Item, text: &str) -> Result<Option<u8>, String> {
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
    Err(format!(
        "{} is not an answer: use {}, 0 for \"rather not say\", or leave it empty",
        shown(text),
        allowed.join(", ")
    ))
}
