//! The app's words. Every string a person sees lives in the locale files,
//! `ui/locales/<language>/<part>.json` (flat maps from key to text), which the window reads
//! for itself. The Rust side needs only English, the one canonical language of exports,
//! the command line and the log, so it embeds the English files and looks keys up there.
//!
//! Placeholders are `{name}`, filled by [`format`]. A key whose text depends on a number
//! has one entry per plural category (`key.one`, `key.other`, ...); [`plural`] picks the
//! English one.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The parts of every language, in the order the window loads them.
pub const PARTS: &[&str] = &[
    "common",
    "user",
    "questionnaire",
    "young",
    "staff",
    "errors",
];

/// The English parts, embedded at build time.
const ENGLISH: &[(&str, &str)] = &[
    ("common", include_str!("../ui/locales/en/common.json")),
    ("user", include_str!("../ui/locales/en/user.json")),
    (
        "questionnaire",
        include_str!("../ui/locales/en/questionnaire.json"),
    ),
    ("young", include_str!("../ui/locales/en/young.json")),
    ("staff", include_str!("../ui/locales/en/staff.json")),
    ("errors", include_str!("../ui/locales/en/errors.json")),
];

/// The languages the window has words for, English first (`ui/locales/languages.json`).
pub fn languages() -> &'static [String] {
    static LANGUAGES: OnceLock<Vec<String>> = OnceLock::new();
    LANGUAGES.get_or_init(|| {
        // A test reads the file, so this cannot fail in a build that passed.
        serde_json::from_str(include_str!("../ui/locales/languages.json"))
            .unwrap_or_else(|e| panic!("ui/locales/languages.json is not valid: {e}"))
    })
}

fn english() -> &'static HashMap<String, String> {
    static WORDS: OnceLock<HashMap<String, String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut all = HashMap::new();
        for (part, text) in ENGLISH {
            // A unit test parses every file, so this cannot fail in a build that passed.
            let map: HashMap<String, String> = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("ui/locales/en/{part}.json is not valid: {e}"));
            all.extend(map);
        }
        all
    })
}

/// The English text of `key`. A missing key comes back as the key itself, so a mistake
/// shows as an odd word rather than a crash; the unit tests look up every key the code uses.
pub fn text(key: &str) -> &'static str {
    match english().get(key) {
        Some(text) => text,
        // Only on a bug: a few bytes, once per lookup of a key that does not exist.
        None => Box::leak(key.to_string().into_boxed_str()),
    }
}

/// Whether the English files have `key`.
pub fn has(key: &str) -> bool {
    english().contains_key(key)
}

/// The English text of `key` with each `{name}` replaced by its value.
pub fn format(key: &str, args: &[(&str, String)]) -> String {
    fill(text(key), args)
}

/// `{name}` placeholders in `template` replaced by their values; unknown ones are kept.
/// One pass over the template: a value that itself holds `{name}` (text a person typed)
/// is put in as it is, never filled in again.
pub fn fill(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let value = args.iter().find(|(n, _)| *n == name)?;
            Some((close, value))
        });
        match value {
            Some((close, (_, value))) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The names of the `{name}` placeholders in `template`, in order.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        if let Some(close) = rest.find('}') {
            let name = &rest[..close];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.push(name);
                rest = &rest[close + 1..];
            }
        }
    }
    out
}

/// The English plural category of `n`: `one` or `other`.
pub fn category(n: i64) -> &'static str {
    if n == 1 {
        "one"
    } else {
        "other"
    }
}

/// The English text of the plural key `key` for the number `n` (`{n}` is filled in too).
pub fn plural(key: &str, n: i64, args: &[(&str, String)]) -> String {
    let mut all = vec![("n", n.to_string())];
    all.extend(args.iter().cloned());
    format(&format!("{key}.{}", category(n)), &all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_english_part_parses_and_keys_are_not_shared_between_parts() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for (part, text) in ENGLISH {
            let map: HashMap<String, String> = serde_json::from_str(text).unwrap();
            for key in map.keys() {
                if let Some(other) = seen.insert(key.clone(), part) {
                    panic!("{key} is in both {other}.json and {part}.json");
                }
            }
        }
        assert_eq!(ENGLISH.len(), PARTS.len());
        assert_eq!(languages().first().map(String::as_str), Some("en"));
        for (part, (name, _)) in PARTS.iter().zip(ENGLISH) {
            assert_eq!(part, name);
        }
    }

    #[test]
    fn placeholders_are_filled_and_plurals_chosen() {
        assert_eq!(
            fill(
                "Wait {n} {unit}.",
                &[("n", "5".into()), ("unit", "s".into())]
            ),
            "Wait 5 s."
        );
        assert_eq!(fill("{unknown} stays", &[]), "{unknown} stays");
        assert_eq!(
            fill("{a} and {b}", &[("a", "{b}".into()), ("b", "x".into())]),
            "{b} and x",
            "a value is never filled in again"
        );
        assert_eq!(fill("{ {a}} {", &[("a", "1".into())]), "{ 1} {");
        assert_eq!(placeholders("{a} is {b_2}, not { } or {c"), ["a", "b_2"]);
        assert_eq!(text("no.such.key"), "no.such.key");
    }
}
