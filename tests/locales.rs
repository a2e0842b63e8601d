//! The locale files under `ui/locales`: every language has every string, the same
//! placeholders and the plural forms its grammar needs; the window uses no key that is
//! missing and no text outside them; and every sentence a service user reads is plain,
//! measured with the Flesch-Kincaid grade.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use psi_feedback::locale::PARTS;

type Words = BTreeMap<String, String>;

fn ui() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

fn languages() -> Vec<String> {
    let text = std::fs::read_to_string(ui().join("locales/languages.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn part(language: &str, part: &str) -> Words {
    let path = ui()
        .join("locales")
        .join(language)
        .join(format!("{part}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn all(language: &str) -> Words {
    PARTS.iter().flat_map(|p| part(language, p)).collect()
}

const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The plural categories (CLDR) a language needs for whole numbers.
fn plural_categories(language: &str) -> &'static [&'static str] {
    match language {
        "en" => &["one", "other"],
        "pl" => &["one", "few", "many", "other"],
        "cy" => &["zero", "one", "two", "few", "many", "other"],
        "ur" => &["one", "other"],
        other => panic!("add the plural categories of {other} to this test"),
    }
}

/// `key` without a plural category, and the category if it had one.
fn split_plural(key: &str) -> (&str, Option<&str>) {
    match key.rsplit_once('.') {
        Some((base, last)) if PLURAL_CATEGORIES.contains(&last) => (base, Some(last)),
        _ => (key, None),
    }
}

fn placeholders(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        rest = &rest[start + 1..];
        if let Some(end) = rest.find('}') {
            let name = &rest[..end];
            if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                out.insert(name.to_string());
            }
            rest = &rest[end + 1..];
        }
    }
    out
}

#[test]
fn every_language_has_every_string_with_the_same_placeholders() {
    let english = all("en");
    assert!(english.len() > 100, "{} English strings", english.len());
    let langs = languages();
    assert!(
        langs.len() >= 2 && langs[0] == "en",
        "English and at least one more: {langs:?}"
    );
    let mut problems = Vec::new();
    for language in &langs {
        for p in PARTS {
            let ours = part(language, p);
            let theirs = part("en", p);
            let base = |w: &Words| -> BTreeSet<String> {
                w.keys().map(|k| split_plural(k).0.to_string()).collect()
            };
            for key in base(&theirs).difference(&base(&ours)) {
                problems.push(format!("{language}/{p}.json lacks {key}"));
            }
            for key in base(&ours).difference(&base(&theirs)) {
                problems.push(format!(
                    "{language}/{p}.json has {key}, which English does not"
                ));
            }
        }
        let words = all(language);
        // Plural keys: exactly the categories of this language.
        let mut plurals: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for key in english.keys().chain(words.keys()) {
            if let (base, Some(_)) = split_plural(key) {
                plurals.entry(base).or_default();
            }
        }
        for key in words.keys() {
            if let (base, Some(category)) = split_plural(key) {
                plurals.get_mut(base).unwrap().insert(category);
            }
        }
        let needed: BTreeSet<&str> = plural_categories(language).iter().copied().collect();
        for (base, have) in &plurals {
            if *have != needed {
                problems.push(format!(
                    "{language}: {base} has plural forms {have:?}, needs {needed:?}"
                ));
            }
        }
        for (key, text) in &words {
            let (base, _) = split_plural(key);
            let english_text = english
                .get(key)
                .or_else(|| english.get(&format!("{base}.other")))
                .cloned()
                .unwrap_or_default();
            let (mut ours, mut theirs) = (placeholders(text), placeholders(&english_text));
            // A plural's own number may be left out of a form ("one person" for {n} = 1).
            if split_plural(key).1.is_some() {
                ours.remove("n");
                theirs.remove("n");
            }
            if ours != theirs {
                problems.push(format!(
                    "{language}: {key} has {ours:?}, English has {theirs:?}"
                ));
            }
            if text.trim().is_empty() && key != "locale.review_note" {
                problems.push(format!("{language}: {key} is empty"));
            }
        }
        let note = words
            .get("locale.review_note")
            .map(String::as_str)
            .unwrap_or("");
        if language == "en" {
            assert_eq!(note, "", "English is the original");
        } else if note.is_empty() {
            problems.push(format!(
                "{language}: say that the translation awaits review by a native speaker"
            ));
        }
        assert!(
            matches!(words["locale.dir"].as_str(), "ltr" | "rtl"),
            "{language}"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_young_person_version_has_every_questionnaire_string() {
    let adult = part("en", "questionnaire");
    let young = part("en", "young");
    // Staff-facing summary words are in one version only: the summaries combine.
    let asked: BTreeSet<String> = adult
        .keys()
        .filter(|k| {
            !k.starts_with("q.share.")
                && !k.starts_with("q.score.")
                && !k.starts_with("q.option.gap.")
        })
        .map(|k| k["q.".len()..].to_string())
        .collect();
    let theirs: BTreeSet<String> = young.keys().map(|k| k["yp.".len()..].to_string()).collect();
    assert_eq!(asked, theirs);
}

/// The window's scripts: every `.js` file under `ui`, with its path there.
fn scripts() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "js") {
                out.push(path);
            }
        }
    }
    let mut paths = Vec::new();
    walk(&ui(), &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .strip_prefix(ui())
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// Every key the window asks for by name: `t('…')`, `tn('…')` (plural) and `tq('…')`
/// (questionnaire, both versions), in any of its modules.
#[test]
fn every_key_the_window_uses_exists() {
    let english = all("en");
    let mut missing = Vec::new();
    let mut used = 0;
    let modules = scripts();
    assert!(
        modules.iter().any(|(name, _)| name == "main.js"),
        "no ui/main.js among {:?}",
        modules.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, js) in &modules {
        for (call, expand) in [("t('", 0), ("tn('", 1), ("tq('", 2)] {
            for (i, _) in js.match_indices(call) {
                // A whole call: `t(` not preceded by a letter (e.g. `split(`).
                if js[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    continue;
                }
                let rest = &js[i + call.len()..];
                let key = &rest[..rest.find('\'').unwrap()];
                // Keys built in code ('display.size.' + n) end with a dot: checked by prefix.
                let exists = |k: &str| {
                    if k.ends_with('.') {
                        english.keys().any(|e| e.starts_with(k))
                    } else {
                        english.contains_key(k)
                    }
                };
                used += 1;
                let ok = match expand {
                    0 => exists(key),
                    1 => exists(&format!("{key}.one")) && exists(&format!("{key}.other")),
                    _ => exists(&format!("q.{key}")) && exists(&format!("yp.{key}")),
                };
                if !ok {
                    missing.push(format!("{name}: {call}{key}')"));
                }
            }
        }
    }
    assert!(
        used > 100,
        "only {used} uses found: is the pattern still right?"
    );
    assert!(missing.is_empty(), "not in ui/locales/en: {missing:?}");
}

#[test]
fn the_page_itself_holds_no_words() {
    let html = std::fs::read_to_string(ui().join("index.html")).unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    let body = &html[html.find("<body").unwrap()..];
    let mut rest = body;
    // Comments are for the reader of the file, not the person at the screen.
    while let Some(start) = rest.find("<!--") {
        let end = rest[start..].find("-->").unwrap() + start + 3;
        text.push_str(&strip_tags(&rest[..start], &mut in_tag));
        rest = &rest[end..];
    }
    text.push_str(&strip_tags(rest, &mut in_tag));
    let head_title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
    assert_eq!(text.trim(), "", "text in index.html");
    assert_eq!(
        head_title.trim(),
        "",
        "the title is set from the locale files"
    );
}

fn strip_tags(html: &str, in_tag: &mut bool) -> String {
    let mut out = String::new();
    for c in html.chars() {
        match c {
            '<' => *in_tag = true,
            '>' => *in_tag = false,
            c if !*in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

// Readability ----------------------------------------------------------------------------

/// Syllables of an English word by the usual rule of thumb: groups of vowels, less a
/// silent final "e" or "es"/"ed". Written here because it is a few lines, and the
/// crates that do this bring a dictionary we do not need.
fn syllables(word: &str) -> usize {
    let w: String = word
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphabetic())
        .collect();
    if w.is_empty() {
        return 0;
    }
    if w.len() <= 3 {
        return 1;
    }
    let mut w = w.as_str();
    // A suffix is a syllable of its own, and leaves the stem's silent "e" silent.
    let mut count = 0;
    for suffix in ["ly", "ful", "ment", "ness"] {
        if w.len() > suffix.len() + 2 && w.ends_with(suffix) {
            w = &w[..w.len() - suffix.len()];
            count += 1;
            break;
        }
    }
    for ending in ["es", "ed"] {
        if let Some(stem) = w.strip_suffix(ending) {
            if !stem.ends_with(['t', 'd']) || ending == "es" {
                w = stem;
                break;
            }
        }
    }
    if w.ends_with('e') && !w.ends_with("le") && w.len() > 2 {
        w = &w[..w.len() - 1];
    }
    let w = w.strip_prefix('y').unwrap_or(w);
    let suffixes = count;
    let mut previous_vowel = false;
    for c in w.chars() {
        let vowel = "aeiouy".contains(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    count.max(suffixes + 1)
}

/// Sentences of a text: split at . ? ! and at the end of each string (a label is a
/// sentence of its own).
fn sentences(texts: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for text in texts {
        for s in text.split(['.', '?', '!', ':', ';']) {
            let s = s.trim();
            if s.split_whitespace()
                .any(|w| w.chars().any(char::is_alphabetic))
            {
                out.push(s.to_string());
            }
        }
    }
    out
}

fn words_of(sentence: &str) -> Vec<&str> {
    sentence
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect()
}

/// The Flesch-Kincaid grade of the sentences taken together:
/// 0.39 × words per sentence + 11.8 × syllables per word − 15.59.
fn grade(sentences: &[String]) -> f64 {
    let words: Vec<&str> = sentences.iter().flat_map(|s| words_of(s)).collect();
    let syllable_count: usize = words.iter().map(|w| syllables(w)).sum();
    0.39 * words.len() as f64 / sentences.len() as f64
        + 11.8 * syllable_count as f64 / words.len() as f64
        - 15.59
}

#[test]
fn syllables_and_grades_match_known_values() {
    for (word, n) in [
        ("the", 1),
        ("session", 2),
        ("completely", 3),
        ("understood", 3),
        ("anonymous", 4),
        ("device", 2),
        ("listened", 2),
        ("decided", 3),
        ("people", 2),
        ("questions", 2),
    ] {
        assert_eq!(syllables(word), n, "{word}");
    }
    // One-syllable words in short sentences score below zero; long words push it up.
    let easy = grade(&sentences(&["The cat sat on the mat."]));
    let hard = grade(&sentences(&[
        "Organisational considerations necessitate comprehensive documentation.",
    ]));
    assert!(easy < 0.0, "{easy}");
    assert!(hard > 16.0, "{hard}");
}

/// The service-user strings of a part, leaving out what only staff read.
fn service_user_strings(part_name: &str) -> Vec<String> {
    part("en", part_name)
        .into_iter()
        .filter(|(k, _)| !k.starts_with("q.share.") && !k.starts_with("q.score."))
        .map(|(_, v)| v)
        .collect()
}

/// The shared words a service user also sees: the language names' review note and the
/// error summary's title.
fn common_service_user_strings() -> Vec<String> {
    let common = part("en", "common");
    [
        "language.awaiting_review",
        "error.summary_title",
        "error.generic",
    ]
    .iter()
    .map(|k| common[*k].replace("{language}", "Polski"))
    .collect()
}

fn assert_plain(name: &str, texts: &[String], max_grade: f64, max_words: usize) {
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let all = sentences(&refs);
    // The grade of the prose: labels of a word or two ("Mostly") would pull it down.
    let prose: Vec<String> = all
        .iter()
        .filter(|s| words_of(s).len() >= 4)
        .cloned()
        .collect();
    let g = grade(&prose);
    println!(
        "{name}: grade {g:.1} over {} sentences ({} in all)",
        prose.len(),
        all.len()
    );
    assert!(
        g <= max_grade,
        "{name}: Flesch-Kincaid grade {g:.1} is above {max_grade}"
    );
    // Each sentence on its own too: short, and none much harder than the rest.
    for s in &all {
        let n = words_of(s).len();
        assert!(n <= max_words, "{name}: {n} words in \"{s}\"");
        if n >= 6 {
            let one = grade(std::slice::from_ref(s));
            assert!(one <= max_grade + 3.0, "{name}: grade {one:.1} for \"{s}\"");
        }
    }
}

#[test]
fn adults_read_at_grade_6_or_below() {
    let mut texts = service_user_strings("questionnaire");
    texts.extend(service_user_strings("user"));
    texts.extend(common_service_user_strings());
    assert_plain("adult questionnaire and screens", &texts, 6.0, 16);
}

#[test]
fn young_people_read_at_grade_4_or_below() {
    let mut texts = service_user_strings("young");
    texts.extend(service_user_strings("user"));
    texts.extend(common_service_user_strings());
    assert_plain("young-person questionnaire and screens", &texts, 4.0, 14);
}
