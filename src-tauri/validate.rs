//! Checks everything the UI sends. The UI is not trusted: each command passes its whole
//! payload through here before anything is stored.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;

use crate::domain::text::shown;
use crate::domain::{ContextList, NewResponse, Source};
use crate::error::AppError;
use crate::period::Month;
use crate::questionnaire::{self, Answers, COMMENT_MAX_CHARS, ITEMS, NO_ESTIMATE};

/// A response as the UI sends it. Skipped questions are left out of `answers`;
/// "I'd rather not say" is code 0.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponsePayload {
    pub team: i64,
    pub session_type: i64,
    pub role: i64,
    #[serde(default)]
    pub answers: BTreeMap<String, i64>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Turns untrusted JSON into a payload, with a plain error for the wrong shape or types.
/// Every payload is an object of named fields: serde would also read a struct from a
/// list, field by field in order, so anything but an object is refused first.
pub fn parse<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    what: &str,
) -> Result<T, AppError> {
    use serde_json::Value;
    let found = match &value {
        Value::Object(_) => None,
        Value::Array(_) => Some("a list"),
        Value::String(_) => Some("text"),
        Value::Number(_) => Some("a number"),
        Value::Bool(_) => Some("true or false"),
        Value::Null => Some("nothing"),
    };
    if let Some(found) = found {
        return Err(AppError::invalid(
            None,
            "error.payload.not_fields",
            vec![("what", what.to_string()), ("found", found.to_string())],
        ));
    }
    serde_json::from_value(value).map_err(|e| {
        let detail = shown(&e.to_string(), DETAIL_MAX_CHARS);
        AppError::invalid(
            None,
            "error.payload.unreadable",
            vec![("what", what.to_string()), ("detail", detail)],
        )
    })
}

/// serde's account of a payload it cannot read quotes the value or key it tripped on,
/// which can be anything the window sent: this much of it is enough to find it.
const DETAIL_MAX_CHARS: usize = 200;

/// For `#[serde(deserialize_with)]` on a struct inside a payload: only an object of
/// named fields, never a list read field by field in order.
pub fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    use serde::Deserialize;
    let value = serde_json::Value::deserialize(d)?;
    if !value.is_object() {
        return Err(D::Error::custom("expected named fields"));
    }
    serde_json::from_value(value).map_err(D::Error::custom)
}

/// [`object`], or `null` for none.
pub fn optional_object<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    use serde::Deserialize;
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        v if v.is_object() => serde_json::from_value(v)
            .map(Some)
            .map_err(D::Error::custom),
        _ => Err(D::Error::custom("expected named fields or null")),
    }
}

/// [`object`] for every item of a list.
pub fn objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    use serde::Deserialize;
    let values = Vec::<serde_json::Value>::deserialize(d)?;
    values
        .into_iter()
        .map(|v| {
            if v.is_object() {
                serde_json::from_value(v).map_err(D::Error::custom)
            } else {
                Err(D::Error::custom("expected named fields in every item"))
            }
        })
        .collect()
}

/// The most staff a role in a team may have in the disclosure settings.
pub const MAX_STAFF: u32 = 10_000;

/// Staff per (team name, role name) from the disclosure settings: at most one entry
/// for every team and role there can be, each at most [`MAX_STAFF`]. The store checks
/// the names against its lists.
pub fn staff_counts(
    counts: Vec<(String, String, u32)>,
) -> Result<Vec<(String, String, u32)>, AppError> {
    if counts.len() > LIST_MAX * LIST_MAX {
        return Err(AppError::invalid(
            Some("staff_counts".to_string()),
            "error.staff_counts.too_many",
            Vec::new(),
        ));
    }
    if let Some(i) = counts.iter().position(|c| c.2 > MAX_STAFF) {
        return Err(AppError::invalid(
            Some(format!("staff_counts[{i}]")),
            "error.staff_counts.range",
            vec![("max", MAX_STAFF.to_string())],
        ));
    }
    Ok(counts)
}

/// Checks a response against the questionnaire and the lists: `is_active` says whether
/// an id names an active entry of a list (the store knows).
pub fn response(
    payload: ResponsePayload,
    is_active: impl Fn(ContextList, i64) -> Result<bool, AppError>,
    month: Month,
) -> Result<NewResponse, AppError> {
    let check = |list: ContextList, id: i64| -> Result<i64, AppError> {
        if is_active(list, id)? {
            Ok(id)
        } else {
            Err(AppError::invalid(
                Some(list.default_field().to_string()),
                list.pick([
                    "error.choose.team",
                    "error.choose.session_type",
                    "error.choose.role",
                ]),
                Vec::new(),
            ))
        }
    };
    let team = check(ContextList::Teams, payload.team)?;
    let session_type = check(ContextList::SessionTypes, payload.session_type)?;
    let role = check(ContextList::Roles, payload.role)?;
    let answers = answers(&payload.answers)?;
    let comment = comment(payload.comment)?;
    Ok(NewResponse {
        questionnaire_version: questionnaire::VERSION,
        session_month: month,
        source: Source::Device,
        team,
        session_type,
        role,
        answers,
        // The practitioner's, never the page's: added by the app from what it holds.
        estimate: NO_ESTIMATE,
        comment,
    })
}

pub fn answers(given: &BTreeMap<String, i64>) -> Result<Answers, AppError> {
    let mut out: Answers = [None; ITEMS.len()];
    for (id, &code) in given {
        let Some(index) = questionnaire::item_index(id) else {
            return Err(AppError::invalid(
                None,
                "error.answer.no_question",
                vec![("item", shown(id, 40))],
            ));
        };
        let item = &ITEMS[index];
        match u8::try_from(code) {
            Ok(c) if item.accepts(c) => out[index] = Some(c),
            _ => {
                return Err(AppError::invalid(
                    Some(item.id.to_string()),
                    "error.answer.not_a_choice",
                    vec![
                        ("question", item.text().to_string()),
                        ("item", item.id.to_string()),
                    ],
                ))
            }
        }
    }
    Ok(out)
}

/// An optional comment: trimmed, empty means none, at most [`COMMENT_MAX_CHARS`].
pub fn comment(given: Option<String>) -> Result<Option<String>, AppError> {
    let Some(text) = given else { return Ok(None) };
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > COMMENT_MAX_CHARS {
        return Err(AppError::invalid(
            Some("comment".to_string()),
            "error.comment.too_long",
            vec![("n", COMMENT_MAX_CHARS.to_string())],
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(AppError::invalid(
            Some("comment".to_string()),
            "error.comment.unstorable",
            Vec::new(),
        ));
    }
    Ok(Some(text.to_string()))
}

pub const NAME_MAX_CHARS: usize = 60;
pub const LIST_MAX: usize = 50;

/// Characters that show as nothing (Unicode's default-ignorable code points): a name of
/// only these looks blank, and two names that differ only by them look the same.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A list of names staff keep in settings: trimmed, blank lines dropped (a line of only
/// invisible characters is blank too), no duplicates (ignoring case and invisible
/// characters), each short and printable, at least one, at most [`LIST_MAX`].
pub fn names(list: ContextList, given: &[String]) -> Result<Vec<String>, AppError> {
    let field = || Some(list.field().to_string());
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for raw in given {
        let name = raw.trim();
        let visible: String = name.chars().filter(|c| !invisible(*c)).collect();
        if visible.trim().is_empty() {
            continue;
        }
        if name.chars().count() > NAME_MAX_CHARS || name.chars().any(char::is_control) {
            return Err(AppError::invalid(
                field(),
                list.pick([
                    "error.names.too_long.team",
                    "error.names.too_long.session_type",
                    "error.names.too_long.role",
                ]),
                vec![("n", NAME_MAX_CHARS.to_string())],
            ));
        }
        // A spreadsheet would run a cell starting with one of these as a formula.
        if name.starts_with(['=', '+', '-', '@']) {
            return Err(AppError::invalid(
                field(),
                list.pick([
                    "error.names.formula.team",
                    "error.names.formula.session_type",
                    "error.names.formula.role",
                ]),
                Vec::new(),
            ));
        }
        if !seen.insert(visible.to_lowercase()) {
            return Err(AppError::invalid(
                field(),
                list.pick([
                    "error.names.twice.team",
                    "error.names.twice.session_type",
                    "error.names.twice.role",
                ]),
                vec![("name", name.to_string())],
            ));
        }
        out.push(name.to_string());
    }
    if out.is_empty() {
        return Err(AppError::invalid(
            field(),
            list.pick([
                "error.names.none.team",
                "error.names.none.session_type",
                "error.names.none.role",
            ]),
            Vec::new(),
        ));
    }
    if out.len() > LIST_MAX {
        return Err(AppError::invalid(
            field(),
            "error.names.too_many",
            vec![("max", LIST_MAX.to_string())],
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn answers_accept_options_and_declined_and_skips() {
        let a = answers(&map(&[
            ("power_say", 5),
            ("rupture", 0),
            ("attending_choice", 3),
        ]))
        .unwrap();
        assert_eq!(a[questionnaire::item_index("power_say").unwrap()], Some(5));
        assert_eq!(a[questionnaire::item_index("rupture").unwrap()], Some(0));
        assert_eq!(a[questionnaire::item_index("safety_trust").unwrap()], None);
    }

    #[test]
    fn answers_refuse_unknown_items_and_out_of_range_codes_naming_the_item() {
        assert_eq!(
            answers(&map(&[("power_say", 6)])).unwrap_err().field(),
            Some("power_say")
        );
        assert_eq!(
            answers(&map(&[("rupture", 4)])).unwrap_err().field(),
            Some("rupture")
        );
        assert_eq!(
            answers(&map(&[("overall", -1)])).unwrap_err().field(),
            Some("overall")
        );
        assert_eq!(
            answers(&map(&[("overall", i64::MAX)])).unwrap_err().field(),
            Some("overall")
        );
        let e = answers(&map(&[("favourite_colour", 1)])).unwrap_err();
        assert!(e.to_string().contains("favourite_colour"));
    }

    #[test]
    fn comments_are_trimmed_and_limited() {
        assert_eq!(comment(None).unwrap(), None);
        assert_eq!(comment(Some("   ".into())).unwrap(), None);
        assert_eq!(
            comment(Some(" thanks \n".into())).unwrap().as_deref(),
            Some("thanks")
        );
        assert!(comment(Some("x".repeat(COMMENT_MAX_CHARS))).is_ok());
        assert_eq!(
            comment(Some("x".repeat(COMMENT_MAX_CHARS + 1)))
                .unwrap_err()
                .field(),
            Some("comment")
        );
        assert!(comment(Some("a\0b".into())).is_err());
    }

    #[test]
    fn names_are_cleaned_and_checked() {
        let l = ContextList::Teams;
        let ok = names(l, &[" North ".into(), "".into(), "South".into()]).unwrap();
        assert_eq!(ok, ["North", "South"]);
        assert_eq!(
            names(l, &["A".into(), "a".into()]).unwrap_err().field(),
            Some("teams")
        );
        assert!(names(l, &[]).is_err());
        assert!(names(l, &["x".repeat(NAME_MAX_CHARS + 1)]).is_err());
        assert!(names(l, &["two\nlines".into()]).is_err());
        assert!(names(l, &["=HYPERLINK(\"x\")".into()]).is_err());
        assert!(names(l, &["@team".into()]).is_err());
    }

    #[test]
    fn names_that_look_blank_or_the_same_are_not_two_names() {
        let l = ContextList::Roles;
        assert_eq!(
            names(
                l,
                &[
                    "\u{200B}".into(),
                    "Nurse".into(),
                    "\u{FEFF} \u{2060}".into()
                ]
            )
            .unwrap(),
            ["Nurse"],
            "a line of invisible characters is a blank line"
        );
        assert_eq!(
            names(l, &["\u{200B}".into()]).unwrap_err().field(),
            Some("roles")
        );
        assert_eq!(
            names(l, &["Nurse".into(), "nurse\u{200B}".into()])
                .unwrap_err()
                .field(),
            Some("roles")
        );
        assert_eq!(
            names(l, &["Peer\u{200D}worker".into()]).unwrap(),
            ["Peer\u{200D}worker"],
            "kept as typed when nothing else looks the same"
        );
    }

    #[test]
    fn payload_shape_errors_are_plain() {
        let v = serde_json::json!({"team": "one", "session_type": 1, "role": 1});
        let e = parse::<ResponsePayload>(v, "answers").unwrap_err();
        assert_eq!(e.kind(), "invalid");
        let v = serde_json::json!({"team": 1, "session_type": 1, "role": 1, "name": "Sam"});
        assert!(
            parse::<ResponsePayload>(v, "answers").is_err(),
            "unknown fields are refused"
        );
        let e = parse::<ResponsePayload>(serde_json::json!([1, 1, 1]), "answers").unwrap_err();
        assert_eq!(
            e.to_string(),
            "The answers could not be read: it should be named fields, not a list.",
            "not read field by field in order"
        );
    }

    #[test]
    fn payload_shape_errors_quote_little_and_on_one_line() {
        let v = serde_json::json!({"team": "x".repeat(100_000), "session_type": 1, "role": 1});
        let e = parse::<ResponsePayload>(v, "answers")
            .unwrap_err()
            .to_string();
        assert!(e.chars().count() < 300, "{}", e.len());
        assert!(e.ends_with("….") && e.contains("xxxx"), "{e}");
        let v = serde_json::json!({"team": 1, "session_type": 1, "role": 1, "a\nb\u{0}": 1});
        let e = parse::<ResponsePayload>(v, "answers")
            .unwrap_err()
            .to_string();
        assert!(!e.chars().any(char::is_control), "{e:?}");
        assert!(e.contains("a\u{FFFD}b\u{FFFD}"), "{e}");
        let e = answers(&map(&[("power\nsay", 1)])).unwrap_err().to_string();
        assert!(!e.chars().any(char::is_control), "{e:?}");
    }
}
