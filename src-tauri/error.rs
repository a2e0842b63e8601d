//! The one error type every command returns. The UI gets
//! `{ kind, key, args, message, field }`: `key` names the words in
//! `ui/locales/<language>/errors.json`, `args` fills their `{name}` placeholders (every
//! value a string), and `message` is the English text. A key whose text depends on a
//! number is a plural key (`key.one`, `key.other`, ...) and `args` has that number as `n`.
//! Database details go to the log, never to the screen.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::locale;

/// Named values for a message's placeholders.
pub type Args = Vec<(&'static str, String)>;

/// A message as a key in the locale files and the values of its placeholders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: &'static str,
    pub args: Args,
}

impl Message {
    pub fn new(key: &'static str, args: Args) -> Message {
        let message = Message { key, args };
        #[cfg(debug_assertions)]
        message.check();
        message
    }

    /// The value given for `name`.
    pub fn arg(&self, name: &str) -> Option<&str> {
        self.args
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The English text the key has for these values: a plural key's by `n`.
    fn template(&self) -> &'static str {
        if locale::has(self.key) {
            return locale::text(self.key);
        }
        match self.arg("n").and_then(|n| n.parse::<i64>().ok()) {
            Some(n) => locale::text(&format!("{}.{}", self.key, locale::category(n))),
            None => locale::text(self.key),
        }
    }

    /// The English text, placeholders filled.
    pub fn text(&self) -> String {
        locale::fill(self.template(), &self.args)
    }

    /// The English files have the key (or its plural forms) and every placeholder of it
    /// has a value: checked for each message made in a debug build, so every test that
    /// meets an error checks its message too.
    #[cfg(debug_assertions)]
    fn check(&self) {
        let templates: Vec<&str> = if locale::has(self.key) {
            vec![locale::text(self.key)]
        } else {
            ["one", "other"]
                .iter()
                .map(|c| format!("{}.{c}", self.key))
                .filter(|k| locale::has(k))
                .map(|k| locale::text(&k))
                .collect()
        };
        assert!(!templates.is_empty(), "{} is not in errors.json", self.key);
        for template in templates {
            for name in locale::placeholders(template) {
                assert!(
                    self.arg(name).is_some(),
                    "{}: no value for {{{name}}}",
                    self.key
                );
            }
        }
    }
}

impl Serialize for Message {
    /// `{ key, args }`, the arguments as an object.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Message", 2)?;
        st.serialize_field("key", self.key)?;
        st.serialize_field("args", &ArgsObject(&self.args))?;
        st.end()
    }
}

/// For `#[serde(serialize_with)]`: the arguments as an object of strings.
pub fn args_object<S: Serializer>(args: &Args, s: S) -> Result<S::Ok, S::Error> {
    ArgsObject(args).serialize(s)
}

struct ArgsObject<'a>(&'a Args);

impl Serialize for ArgsObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[derive(Debug)]
pub enum AppError {
    /// Input that breaks a rule; `field` names the question or setting concerned.
    Invalid {
        field: Option<String>,
        message: Message,
    },
    Locked,
    WrongPassphrase,
    NotConfigured,
    AlreadyConfigured,
    /// The detail is for the log; the person sees the plain message.
    Storage(String),
    /// A file (an export or a backup) could not be written where staff chose.
    Export(Message),
    /// A response could not be stored (full disk, read-only or locked file). The app
    /// keeps it until staff save it again or discard it.
    NotSaved,
    /// Too many wrong passphrases: no try is checked until the pause ends.
    Paused {
        seconds: i64,
    },
    /// The database file cannot be used as it is (not a database, damaged, too new, in
    /// use by a restore). Said to staff in full; the file is left untouched.
    Unusable(Message),
    /// The database is fine but in use by something that needs it alone (a restore).
    Busy(Message),
}

impl AppError {
    /// The English text for the log: the message, and the detail kept from the screen.
    pub fn for_log(&self) -> String {
        match self {
            AppError::Storage(detail) => format!("{self} ({detail})"),
            other => other.to_string(),
        }
    }

    pub fn invalid(field: impl Into<Option<String>>, key: &'static str, args: Args) -> AppError {
        AppError::Invalid {
            field: field.into(),
            message: Message::new(key, args),
        }
    }

    pub fn unusable(key: &'static str, args: Args) -> AppError {
        AppError::Unusable(Message::new(key, args))
    }

    pub fn busy(key: &'static str, args: Args) -> AppError {
        AppError::Busy(Message::new(key, args))
    }

    pub fn export(key: &'static str, args: Args) -> AppError {
        AppError::Export(Message::new(key, args))
    }

    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::Locked => "locked",
            AppError::WrongPassphrase => "wrong_passphrase",
            AppError::NotConfigured => "not_configured",
            AppError::AlreadyConfigured => "already_configured",
            AppError::Storage(_) => "storage",
            AppError::Export(_) => "export",
            AppError::NotSaved => "not_saved",
            AppError::Paused { .. } => "paused",
            AppError::Unusable(_) => "unusable",
            AppError::Busy(_) => "busy",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// What the person is told, as a key and its values. Storage's detail is not in it.
    pub fn message(&self) -> Message {
        let fixed = |key| Message::new(key, Vec::new());
        match self {
            AppError::Invalid { message, .. }
            | AppError::Export(message)
            | AppError::Unusable(message)
            | AppError::Busy(message) => message.clone(),
            AppError::Locked => fixed("error.locked"),
            AppError::WrongPassphrase => fixed("error.wrong_passphrase"),
            AppError::NotConfigured => fixed("error.not_configured"),
            AppError::AlreadyConfigured => fixed("error.already_configured"),
            AppError::Storage(_) => fixed("error.storage"),
            AppError::NotSaved => fixed("error.not_saved"),
            AppError::Paused { seconds } => paused(*seconds),
        }
    }
}

/// The wait in minutes once it is over a minute and a half, otherwise in seconds.
fn paused(seconds: i64) -> Message {
    if seconds > 90 {
        let minutes = (seconds + 59) / 60;
        Message::new(
            "error.paused.minutes",
            vec![("n", minutes.to_string()), ("seconds", seconds.to_string())],
        )
    } else {
        Message::new(
            "error.paused.seconds",
            vec![
                ("n", seconds.max(1).to_string()),
                ("seconds", seconds.to_string()),
            ],
        )
    }
}

/// The English text: for the command line and the log.
impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().text())
    }
}

impl std::error::Error for AppError {}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> AppError {
        eprintln!("psi-feedback: database error: {e}");
        AppError::Storage(e.to_string())
    }
}

impl From<rusqlite_migration::Error> for AppError {
    fn from(e: rusqlite_migration::Error) -> AppError {
        eprintln!("psi-feedback: database migration error: {e}");
        AppError::Storage(e.to_string())
    }
}

impl Serialize for AppError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let message = self.message();
        let mut st = s.serialize_struct("AppError", 5)?;
        st.serialize_field("kind", self.kind())?;
        st.serialize_field("key", message.key)?;
        st.serialize_field("args", &ArgsObject(&message.args))?;
        st.serialize_field("message", &message.text())?;
        st.serialize_field("field", &self.field())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_kind_key_args_message_field() {
        let e = AppError::invalid(
            Some("power_say".to_string()),
            "error.answer.not_a_choice",
            vec![
                ("question", "Did you have a say?".to_string()),
                ("item", "power_say".to_string()),
            ],
        );
        let v = serde_json::to_value(&e).unwrap();
        let mut names: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(names, ["args", "field", "key", "kind", "message"]);
        assert_eq!(v["kind"], "invalid");
        assert_eq!(v["key"], "error.answer.not_a_choice");
        assert_eq!(
            v["args"],
            serde_json::json!({"question": "Did you have a say?", "item": "power_say"})
        );
        assert_eq!(
            v["message"],
            "The answer to \"Did you have a say?\" is not one of the choices."
        );
        assert_eq!(v["field"], "power_say");
        assert_eq!(e.to_string(), v["message"]);
    }

    #[test]
    fn every_kind_has_a_key_and_args_as_an_object() {
        let all = [
            AppError::invalid(None, "error.overview.period", Vec::new()),
            AppError::Locked,
            AppError::WrongPassphrase,
            AppError::NotConfigured,
            AppError::AlreadyConfigured,
            AppError::Storage("detail".into()),
            AppError::export(
                "error.export.no_path",
                vec![("detail", "no such folder".into())],
            ),
            AppError::NotSaved,
            AppError::Paused { seconds: 30 },
            AppError::unusable("error.db.not_sqlite", Vec::new()),
            AppError::busy("error.db.in_use", Vec::new()),
        ];
        for e in all {
            let v = serde_json::to_value(&e).unwrap();
            let key = v["key"].as_str().unwrap();
            assert!(key.starts_with("error."), "{v}");
            assert!(v["args"].is_object(), "{v}");
            let message = v["message"].as_str().unwrap();
            assert!(!message.is_empty() && !message.contains('{'), "{v}");
            assert!(!message.starts_with("error."), "a key, not words: {v}");
        }
        let v = serde_json::to_value(AppError::Locked).unwrap();
        assert_eq!(v["key"], "error.locked");
        assert_eq!(v["args"], serde_json::json!({}));
        assert_eq!(v["field"], serde_json::Value::Null);
    }

    #[test]
    fn storage_detail_is_not_shown() {
        let e = AppError::Storage("disk I/O error at /secret/path".to_string());
        let v = serde_json::to_value(&e).unwrap();
        assert!(!v["message"].as_str().unwrap().contains("/secret"));
        assert!(!v.to_string().contains("/secret"), "{v}");
        assert_eq!(v["key"], "error.storage");
        assert_eq!(v["field"], serde_json::Value::Null);
    }

    #[test]
    fn a_pause_is_said_in_seconds_then_minutes_by_plural_keys() {
        let said = |seconds| {
            let e = AppError::Paused { seconds };
            (e.message(), e.to_string())
        };
        let (m, text) = said(1);
        assert_eq!(m.key, "error.paused.seconds");
        assert_eq!(m.arg("n"), Some("1"));
        assert_eq!(m.arg("seconds"), Some("1"));
        assert_eq!(
            text,
            "Too many wrong passphrases. Please wait 1 second, then try again."
        );
        let (m, text) = said(0);
        assert_eq!(m.arg("n"), Some("1"), "never 0 seconds");
        assert!(text.contains("wait 1 second,"), "{text}");
        let (m, text) = said(90);
        assert_eq!(m.key, "error.paused.seconds");
        assert!(text.contains("wait 90 seconds,"), "{text}");
        let (m, text) = said(91);
        assert_eq!(m.key, "error.paused.minutes");
        assert_eq!(m.arg("n"), Some("2"));
        assert_eq!(m.arg("seconds"), Some("91"));
        assert_eq!(
            text,
            "Too many wrong passphrases. Please wait 2 minutes, then try again."
        );
        let v = serde_json::to_value(AppError::Paused { seconds: 600 }).unwrap();
        assert_eq!(v["key"], "error.paused.minutes");
        assert_eq!(v["args"], serde_json::json!({"n": "10", "seconds": "600"}));
    }

    /// The Rust sources without their unit tests.
    fn sources() -> Vec<(String, String)> {
        fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs")
                    && path.file_name().is_some_and(|n| n != "tests.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    let code = match text.find("\n#[cfg(test)]\nmod tests") {
                        Some(end) => text[..end].to_string(),
                        None => text,
                    };
                    out.push((path.display().to_string(), code));
                }
            }
        }
        let mut out = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri"),
            &mut out,
        );
        out.sort();
        out
    }

    /// Every key in the code (a string literal starting `"error.`), with the code that
    /// follows it up to the end of its statement or match arm: where its values are.
    fn keys_in_code() -> Vec<(String, String, String)> {
        let quote_error = format!("\"{}.", "error");
        let mut out = Vec::new();
        for (file, code) in sources() {
            let mut from = 0;
            while let Some(at) = code[from..].find(&quote_error) {
                let start = from + at + 1;
                let len = code[start..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                    .unwrap();
                let key = &code[start..start + len];
                from = start + len;
                assert_eq!(&code[from..from + 1], "\"", "{file}: {key}");
                let rest = &code[from..];
                let end = [rest.find(';'), rest.find("=>"), Some(rest.len().min(600))]
                    .into_iter()
                    .flatten()
                    .min()
                    .unwrap();
                let mut end = end;
                while !rest.is_char_boundary(end) {
                    end -= 1;
                }
                out.push((file.clone(), key.to_string(), rest[..end].to_string()));
            }
        }
        out
    }

    #[test]
    fn every_key_the_code_uses_is_in_errors_json_with_its_values_and_none_is_unused() {
        let file: std::collections::BTreeMap<String, String> =
            serde_json::from_str(include_str!("../ui/locales/en/errors.json")).unwrap();
        let uses = keys_in_code();
        assert!(uses.len() > 50, "{}", uses.len());
        let mut used = std::collections::BTreeSet::new();
        for (source, key, after) in &uses {
            assert!(!key.ends_with('.'), "{source}: {key}");
            let templates: Vec<(String, &String)> = match file.get(key) {
                Some(text) => vec![(key.clone(), text)],
                None => ["one", "other"]
                    .iter()
                    .filter_map(|c| {
                        let k = format!("{key}.{c}");
                        file.get(&k).map(|t| (k, t))
                    })
                    .collect(),
            };
            assert!(
                templates.len() == 1 && file.contains_key(key) || templates.len() == 2,
                "{source}: {key} is not in ui/locales/en/errors.json (as a key or as {key}.one and {key}.other)"
            );
            let after: String = after.chars().filter(|c| !c.is_whitespace()).collect();
            for (k, text) in templates {
                for name in locale::placeholders(text) {
                    assert!(
                        after.contains(&format!("(\"{name}\",")),
                        "{source}: {k} has {{{name}}}, but no value for it follows the key: {after}"
                    );
                }
                used.insert(k);
            }
        }
        for key in file.keys() {
            assert!(key.starts_with("error."), "{key}");
            assert!(used.contains(key), "{key} in errors.json is not used");
        }
    }
}
