//! Help when it is needed, as the window asks for it: the clinic's help lines (what to
//! do and whom to call if someone needs help now, per language), a person's request to
//! talk to someone, and the session details remembered from the last hand-over. The
//! payloads are checked here; the store keeps them in its settings table.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::error::AppError;
use crate::locale;
use crate::validate;

/// At most this many help lines per language: they share the screen with the questions.
pub const MAX_HELP_LINES: usize = 8;
/// Longest help line, in characters.
pub const HELP_LINE_MAX_CHARS: usize = 200;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HelpPayload {
    /// Lines by language; a language left out stays as it is, no lines bring back the
    /// default lines of the locale files.
    lines: BTreeMap<String, Vec<String>>,
}

/// The help lines to store, by language: each language one the window has words for,
/// each line trimmed (empty ones dropped), short, and free of control characters.
pub fn help_lines(payload: serde_json::Value) -> Result<Vec<(String, Vec<String>)>, AppError> {
    let p: HelpPayload = validate::parse(payload, "help lines")?;
    let mut out = Vec::new();
    for (language, lines) in p.lines {
        if !locale::languages().contains(&language) {
            return Err(AppError::invalid(
                None,
                "error.help.language",
                vec![("language", crate::domain::text::quoted(&language))],
            ));
        }
        let field = Some(language.clone());
        let lines: Vec<String> = lines
            .iter()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect();
        if lines.len() > MAX_HELP_LINES {
            return Err(AppError::invalid(
                field,
                "error.help.too_many",
                vec![("max", MAX_HELP_LINES.to_string())],
            ));
        }
        for line in &lines {
            if line.chars().count() > HELP_LINE_MAX_CHARS {
                return Err(AppError::invalid(
                    field,
                    "error.help.too_long",
                    vec![("n", HELP_LINE_MAX_CHARS.to_string())],
                ));
            }
            if line.chars().any(char::is_control) {
                return Err(AppError::invalid(
                    field,
                    "error.help.unstorable",
                    Vec::new(),
                ));
            }
        }
        out.push((language, lines));
    }
    Ok(out)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChoicesPayload {
    team: i64,
    session_type: i64,
    role: i64,
}

/// The team, session type and role ids of a hand-over, to remember.
pub fn choices(payload: serde_json::Value) -> Result<[i64; 3], AppError> {
    let p: ChoicesPayload = validate::parse(payload, "session details")?;
    Ok([p.team, p.session_type, p.role])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(e: AppError) -> (&'static str, Option<String>) {
        (e.message().key, e.field().map(str::to_string))
    }

    #[test]
    fn help_lines_are_trimmed_and_checked() {
        let got =
            help_lines(json!({"lines": {"en": ["  Call 999.  ", "", "   "], "pl": []}})).unwrap();
        assert_eq!(
            got,
            [
                ("en".to_string(), vec!["Call 999.".to_string()]),
                ("pl".to_string(), Vec::new())
            ]
        );
        let refused = |v| key(help_lines(v).unwrap_err());
        assert_eq!(
            refused(json!({"lines": {"xx": ["Call 999."]}})),
            ("error.help.language", None)
        );
        assert_eq!(
            refused(json!({"lines": {"en": vec!["a line"; MAX_HELP_LINES + 1]}})),
            ("error.help.too_many", Some("en".into()))
        );
        assert_eq!(
            refused(json!({"lines": {"pl": ["x".repeat(HELP_LINE_MAX_CHARS + 1)]}})),
            ("error.help.too_long", Some("pl".into()))
        );
        assert_eq!(
            refused(json!({"lines": {"en": ["Call\u{7}999"]}})),
            ("error.help.unstorable", Some("en".into()))
        );
        assert!(help_lines(json!({"lines": {"en": ["x".repeat(HELP_LINE_MAX_CHARS)]}})).is_ok());
        assert_eq!(
            refused(json!({"lines": ["en"]})).0,
            "error.payload.unreadable"
        );
        assert_eq!(
            refused(json!({"lines": {}, "more": 1})).0,
            "error.payload.unreadable"
        );
        assert_eq!(refused(json!(["en"])).0, "error.payload.not_fields");
    }

    #[test]
    fn choices_are_three_ids_by_name() {
        assert_eq!(
            choices(json!({"team": 1, "session_type": 2, "role": 3})).unwrap(),
            [1, 2, 3]
        );
        assert!(choices(json!({"team": 1, "session_type": 2})).is_err());
        assert!(choices(json!({"team": "1", "session_type": 2, "role": 3})).is_err());
        assert!(choices(json!([1, 2, 3])).is_err());
    }
}
