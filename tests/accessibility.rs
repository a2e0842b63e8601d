//! Accessibility in the real app window (under Xvfb, through tauri-driver and
//! WebKitWebDriver): axe-core (from npm, `tests/axe`) finds no WCAG 2.2 A or AA
//! violation on any screen, in either language, version, text size or colour scheme;
//! the questionnaire is completed by keyboard alone with the focus always visible;
//! targets are at least 44 by 44 CSS pixels; nothing scrolls sideways at the largest
//! text size on a 1024x768 screen or at 200% zoom; and the next person starts afresh.
//! Build with `--features e2e`; `scripts/test` installs axe-core and the drivers.

mod window;

use std::path::PathBuf;

use psi_feedback::locale;
use rusqlite::Connection;
use serde_json::{json, Value};
use window::a11y::{
    assert_none, axe, focused, js, keys, layout_problems, tab_to, DOWN, ENTER, RIGHT, SPACE, TAB,
};
use window::{configured_home, runtime, Session, ONE_AT_A_TIME, PASSPHRASE};

/// Every word of a language, from its locale files.
struct Words(serde_json::Map<String, Value>, String);

impl Words {
    fn get(&self, key: &str) -> &str {
        self.0[key]
            .as_str()
            .unwrap_or_else(|| panic!("{}: {key}", self.1))
    }
}

fn words(language: &str) -> Words {
    let mut all = serde_json::Map::new();
    for part in psi_feedback::locale::PARTS {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join(format!("ui/locales/{language}/{part}.json"));
        let map: serde_json::Map<String, Value> =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        all.extend(map);
    }
    Words(all, language.to_string())
}

/// Chooses the session details on the hand-over screen and starts.
async fn hand_over(s: &Session, version: &str, language: &str) {
    s.heading("Before you hand over the device").await;
    // Whoever used the device before, it is back to the device's language and look.
    let root = js(
        s,
        "const r = document.documentElement; return [r.lang, r.dir, r.dataset.textSize, r.dataset.contrast];",
    )
    .await;
    assert_eq!(root, json!(["en", "ltr", "0", "standard"]));
    s.choose("Team", "North team").await;
    s.choose("Session type", "Individual").await;
    s.choose("Practitioner role", "Psychologist").await;
    s.answer("Version of the questions", version).await;
    s.answer("Language of the questions", language).await;
    s.button("Start the questionnaire").await;
}

/// Waits for part `n` of the questionnaire, its progress said in `words`' language.
async fn part(s: &Session, words: &Words, n: usize) {
    let progress = words
        .get("questionnaire.progress")
        .replace("{n}", &n.to_string())
        .replace("{total}", &PAGES.to_string());
    s.wait_for(&format!(
        "//h1/span[normalize-space()={}]",
        window::lit(&progress)
    ))
    .await;
}

/// Continue from each page to the last, in `words`' language.
async fn to_last_page(s: &Session, words: &Words, from: usize) {
    for n in from + 1..=PAGES {
        s.button(words.get("questionnaire.continue")).await;
        part(s, words, n).await;
    }
}

/// The questionnaire's pages: five of questions, then the comment.
const PAGES: usize = 6;

#[test]
fn setup_hand_over_questionnaire_thanks_and_staff_unlock_pass_axe() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let mut found = Vec::new();
        let s = Session::start(tempfile::tempdir().unwrap()).await;
        s.heading("Set up this device").await;
        axe(&s, "setup", &mut found).await;
        s.button("Save and continue").await;
        s.wait_for("//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "setup with errors", &mut found).await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.fill("Type the passphrase again", PASSPHRASE).await;
        s.fill("Teams (one per line)", "North team\nSouth team")
            .await;
        s.button("Save and continue").await;

        s.heading("Before you hand over the device").await;
        axe(&s, "hand-over", &mut found).await;
        s.button("Start the questionnaire").await;
        s.wait_for("//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "hand-over with errors", &mut found).await;
        // The error summary has focus; its first link takes focus to the question it names.
        let active = js(&s, "return document.activeElement.className;").await;
        assert_eq!(active, json!("error-summary"));
        keys(&s, TAB).await;
        let link = focused(&s).await;
        assert_eq!(link["text"], json!("Choose a team"), "{link}");
        keys(&s, ENTER).await;
        let f = focused(&s).await;
        assert_eq!(
            (&f["name"], &f["type"]),
            (&json!("handover-team"), &json!("radio")),
            "{f}"
        );

        hand_over(&s, "Adult", "English").await;
        s.heading("Your feedback about today's session").await;
        axe(&s, "start screen", &mut found).await;
        s.answer("Colours", "High contrast").await;
        axe(&s, "start screen, high contrast", &mut found).await;
        s.button("Start").await;
        let en = words("en");
        part(&s, &en, 1).await;
        axe(&s, "part 1, high contrast", &mut found).await;
        s.answer(
            psi_feedback::questionnaire::ITEMS[0].text(),
            psi_feedback::questionnaire::ITEMS[0].options[3].label(),
        )
        .await;
        s.screenshot(
            "questionnaire-high-contrast.png",
            Some("//div[@id='question-power_say']"),
        )
        .await;
        for n in 2..=PAGES {
            s.button("Continue").await;
            part(&s, &en, n).await;
            if n == 5 {
                // Something did not feel right: the offer to talk to someone appears.
                s.answer(en.get("q.item.rupture"), en.get("q.option.rupture.yes"))
                    .await;
                s.answer(en.get("q.talk.question"), en.get("q.talk.yes"))
                    .await;
            }
            axe(&s, &format!("part {n}, high contrast"), &mut found).await;
        }
        // An answer the Rust side refuses (a code no option has, put in by hand): the
        // error shows on the page of its question, in that page's error summary.
        js(
            &s,
            "const r = document.querySelector('input[name=power_say]:checked'); r.value = '9';",
        )
        .await;
        s.button("Send my answers").await;
        part(&s, &en, 1).await;
        s.shown("//div[@class='error-summary']").await;
        let active = js(&s, "return document.activeElement.className;").await;
        assert_eq!(
            active,
            json!("error-summary"),
            "the summary of part 1 has focus"
        );
        axe(&s, "part 1 with an error, high contrast", &mut found).await;
        keys(&s, TAB).await;
        keys(&s, ENTER).await;
        let f = focused(&s).await;
        assert_eq!(
            f["name"],
            json!("power_say"),
            "the error's link leads to its question: {f}"
        );
        s.answer(
            psi_feedback::questionnaire::ITEMS[0].text(),
            psi_feedback::questionnaire::ITEMS[0].options[4].label(),
        )
        .await;
        to_last_page(&s, &en, 1).await;
        s.button("Send my answers").await;
        s.heading("Thank you").await;
        assert!(s.text().await.contains(en.get("talk.sent")));
        axe(
            &s,
            "thank-you, staff told of the request to talk",
            &mut found,
        )
        .await;

        // Staff take the device back: the request to talk, the error if they start
        // before seeing it, then the quick hand-over with the last choices.
        s.button("Finish").await;
        s.heading("Before you hand over the device").await;
        s.wait_for("//section[h2[normalize-space()='A request to talk']]")
            .await;
        axe(&s, "hand-over with a request to talk", &mut found).await;
        s.button("Start the questionnaire").await;
        s.wait_for("//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "hand-over, request to talk not yet seen", &mut found).await;
        s.button("I have seen this").await;
        s.wait_for("//div[@class='chosen']").await;
        axe(&s, "quick hand-over, the last choices", &mut found).await;
        s.button("Change team").await;
        let f = focused(&s).await;
        assert_eq!(
            (&f["name"], &f["checked"]),
            (&json!("handover-team"), &json!(true)),
            "{f}"
        );
        axe(&s, "quick hand-over, team opened", &mut found).await;

        s.button("Staff area").await;
        s.heading("Staff area").await;
        axe(&s, "staff unlock", &mut found).await;
        s.fill("Staff passphrase", "not the passphrase").await;
        s.button("Unlock").await;
        s.wait_for("//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "staff unlock, wrong passphrase", &mut found).await;
        s.end().await;
        assert_none(&found);
    });
}

#[test]
fn the_staff_area_export_preview_settings_and_close_dialog_pass_axe() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let mut found = Vec::new();
        let s = Session::start(configured_home(600)).await;
        s.heading("Before you hand over the device").await;
        s.unlock().await;
        // The Rust side sends the summary's columns as ids; the window names them.
        let en = words("en");
        let every = s.wait_for("//summary[normalize-space()='Every figure, team by team and period by period']").await;
        s.click(every).await;
        let summary = s.shown("//table[caption[normalize-space()='Summary by month']]").await;
        let summary = summary.text().await.unwrap();
        for column in ["summary.column.power", "summary.column.rupture"] {
            assert!(summary.contains(en.get(column)), "{column} in {summary}");
        }
        assert!(s.text().await.contains(en.get("summary.note")));
        axe(&s, "staff area: overview, every figure open", &mut found).await;
        // Each section on its own; the navigation by keyboard alone: Tab reaches each
        // link, Enter shows its section and takes focus to its heading.
        for section in ["Comments", "Release history", "Device safety", "Audit trail", "Settings", "Export"] {
            js(&s, "document.querySelector(\"nav[aria-label='Staff area sections'] a\").focus(); return null;").await;
            for _ in 0..8 {
                if focused(&s).await["text"] == json!(section) {
                    break;
                }
                keys(&s, "\u{E004}").await; // Tab
            }
            let f = focused(&s).await;
            assert_eq!((&f["tag"], &f["text"]), (&json!("a"), &json!(section)), "Tab reaches {section}");
            assert_eq!(f["outline"], json!(true), "the link shows its focus: {f}");
            keys(&s, "\u{E007}").await; // Enter
            s.wait_for(&format!("//section[not(@hidden)]/h2[normalize-space()='{section}']")).await;
            let f = focused(&s).await;
            assert_eq!(f["text"], json!(section), "focus moves to the {section} heading: {f}");
            let shown = js(&s, "return [...document.querySelectorAll('.staff-section')].filter((x) => !x.hidden).length;").await;
            assert_eq!(shown, json!(1), "one section at a time");
            let current = js(&s, "return document.querySelector('nav a[aria-current=page]').textContent;").await;
            assert_eq!(current, json!(section));
            axe(&s, &format!("staff area: {section}"), &mut found).await;
        }

        let now = psi_feedback::period::Month::current();
        s.fill("From (YYYY-MM)", &now.prev().prev().prev().to_string())
            .await;
        s.fill("To (YYYY-MM)", &now.prev().to_string()).await;
        // The full layout: every answer's count, for analysts.
        s.answer(en.get("export.layout"), en.get("export.layout.full"))
            .await;
        s.button("Preview").await;
        // Measures, statistics and answers come as ids too, and are named in words.
        let preview = s
            .wait_for("//table[caption[contains(normalize-space(), 'Preview')]]")
            .await
            .text()
            .await
            .unwrap();
        let option_count = en
            .get("export.option_count")
            .replace("{option}", en.get("q.option.agreement.mostly"));
        for expected in [
            en.get("q.score.power"),
            en.get("q.item.power_say"),
            en.get("export.measure.responses"),
            en.get("export.statistic.mean"),
            &option_count,
        ] {
            assert!(preview.contains(expected), "the preview says {expected:?}");
        }
        axe(&s, "export preview", &mut found).await;
        s.fill("From (YYYY-MM)", "not a month").await;
        s.button("Preview").await;
        s.wait_for("//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "export with errors", &mut found).await;

        // Settings with an empty list of teams: the error summary of the settings.
        s.staff_section("Settings").await;
        s.labelled("Teams (one per line)")
            .await
            .clear()
            .await
            .unwrap();
        s.button("Save settings").await;
        s.wait_for("//section[@id='staff-settings']//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "settings with errors", &mut found).await;
        // The help lines, with one too many: refused by the Rust side, named at the box.
        let nine = ["Call 999."; 9].join("\n");
        s.fill("English: lines to show, one per line", &nine).await;
        s.button("Save the help lines").await;
        s.wait_for("//form[.//h3[normalize-space()='Help for someone who needs it now']]//a[normalize-space()='Please give at most 8 help lines for each language.']")
            .await;
        axe(&s, "help lines with errors", &mut found).await;

        // The dialog the Rust side opens when the window's close button is pressed.
        s.staff_section("Device safety").await;
        s.button("Turn kiosk mode on").await;
        s.wait_for("//p[normalize-space()='Kiosk mode is on.']")
            .await;
        js(&s, "window.psiFeedback.closeRequested();").await;
        s.wait_for("//dialog[@open]//h2[normalize-space()='Close PSI Feedback']")
            .await;
        axe(&s, "close dialog", &mut found).await;
        s.button("Close the app").await;
        s.wait_for("//dialog[@open]//h2[normalize-space()='There is a problem']")
            .await;
        axe(&s, "close dialog with errors", &mut found).await;
        // Kiosk mode keeps the app open against the driver too: close it as staff do.
        s.fill("Staff passphrase", PASSPHRASE).await;
        let close = s
            .wait_for("//dialog//button[normalize-space()='Close the app']")
            .await;
        let _ = close.click().await; // the app exits while the click is answered
        s.end().await;
        assert_none(&found);
    });
}

#[test]
fn the_idle_warning_the_not_saved_screen_and_a_damaged_database_pass_axe() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let mut found = Vec::new();
        let s =
            Session::start_with(configured_home(0), &[("PSI_FEEDBACK_IDLE_SECONDS", "4")]).await;
        hand_over(&s, "Adult", "English").await;
        s.button("Start").await;
        let en = words("en");
        part(&s, &en, 1).await;
        s.wait_for("//dialog[@open]//h2[normalize-space()='Are you still there?']")
            .await;
        axe(&s, "are you still there", &mut found).await;
        s.button("Yes, I am still here").await;
        to_last_page(&s, &en, 1).await;

        let other = Connection::open(s.db()).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        s.button("Send my answers").await;
        s.heading(locale::text("not_saved.heading")).await;
        axe(&s, "answers not saved", &mut found).await;
        other.execute_batch("ROLLBACK").unwrap();
        // Saved after all: held answers would (rightly) keep the app from closing.
        s.button("Try again").await;
        s.heading("Thank you").await;
        s.end().await;

        let home = tempfile::tempdir().unwrap();
        let db = window::db_in(home.path());
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        std::fs::write(
            &db,
            b"not a database at all, but long enough to have a header",
        )
        .unwrap();
        let s = Session::start(home).await;
        s.heading("The data on this device cannot be used").await;
        axe(&s, "damaged database", &mut found).await;
        s.end().await;
        assert_none(&found);
    });
}

#[test]
fn the_young_person_version_and_every_language_pass_axe_and_store_the_same_answers() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let mut found = Vec::new();
        let s = Session::start(configured_home(0)).await;
        let languages: Vec<String> =
            serde_json::from_str(include_str!("../ui/locales/languages.json")).unwrap();
        let item = psi_feedback::questionnaire::item("power_say").unwrap();
        let mut expected = Vec::new();
        for language in &languages {
            let words = words(language);
            let w = |key: &str| words.get(key).to_string();
            for (version, prefix) in [("Adult", "q"), ("Young person (11 to 17)", "yp")] {
                let name = w("locale.name");
                hand_over(&s, version, &name).await;
                s.heading(&w(&format!("{prefix}.heading.intro"))).await;
                let lang = js(&s, "return [document.documentElement.lang, document.documentElement.dir];").await;
                assert_eq!(lang, json!([language, w("locale.dir")]));
                axe(&s, &format!("start screen, {language}, {version}"), &mut found).await;
                if language == "en" && version == "Adult" {
                    s.screenshot("start-screen.png", None).await;
                }
                // The review note only for a language that needs it, in that language.
                let notes = js(&s, "return Array.from(document.querySelectorAll('.display-choices .hint'))
                    .map((p) => [p.lang, p.textContent]);").await;
                let note = w("locale.review_note");
                let expect = if note.is_empty() { json!([]) } else { json!([[language, note]]) };
                assert_eq!(notes, expect, "{language}: the review note on the first screen");
                s.button(&w("intro.start")).await;
                part(&s, &words, 1).await;
                // The question in this language and version; its fourth answer.
                let option = &item.options[3];
                s.answer(
                    &w(&format!("{prefix}.item.power_say")),
                    &w(&format!("{prefix}.option.{}.{}", option.scale, option.id)),
                )
                .await;
                expected.push(Some(i64::from(option.code)));
                if prefix == "yp" {
                    // Faces beside the words of the ordered scales, silent for screen readers.
                    let faces = js(&s, "return Array.from(document.querySelectorAll('label img.face'))
                        .map((img) => [img.getAttribute('alt'), img.closest('label').textContent.trim().length > 0]);").await;
                    let faces = faces.as_array().unwrap();
                    assert!(faces.len() >= 12 * 5, "{} faces", faces.len());
                    assert!(faces.iter().all(|f| f == &json!(["", true])), "{faces:?}");
                }
                axe(&s, &format!("part 1, {language}, {version}"), &mut found).await;
                if version == "Adult" {
                    s.screenshot(&format!("questionnaire-{language}.png"), None).await;
                } else if language == "en" {
                    s.screenshot("questionnaire-young-person.png", None).await;
                }
                for n in 2..=PAGES {
                    s.button(&w("questionnaire.continue")).await;
                    part(&s, &words, n).await;
                    axe(&s, &format!("part {n}, {language}, {version}"), &mut found).await;
                }
                s.button(&w("questionnaire.send")).await;
                s.heading(&w("thanks.heading")).await;
                axe(&s, &format!("thank-you, {language}, {version}"), &mut found).await;
                s.button(&w("thanks.finish")).await;
            }
        }
        // Every version and language stored the same answer in the same column.
        let c = Connection::open(s.db()).unwrap();
        let stored: Vec<Option<i64>> = c
            .prepare("SELECT power_say FROM responses ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(stored, expected);
        s.end().await;
        assert_none(&found);
    });
}

#[test]
fn the_questionnaire_is_completed_by_keyboard_alone_part_by_part() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(configured_home(0)).await;
        s.client.set_window_size(1024, 768).await.unwrap();
        s.heading("Before you hand over the device").await;
        // Hand-over: Tab to each group, Space picks the first choice, an arrow the next.
        for (group, arrow) in [
            ("handover-team", true),
            ("handover-session-type", false),
            ("handover-role", false),
        ] {
            tab_to(&s, |f| f["name"] == json!(group), group).await;
            keys(&s, SPACE).await;
            if arrow {
                keys(&s, DOWN).await;
            }
        }
        let f = tab_to(&s, |f| f["tag"] == json!("button"), "the start button").await;
        assert_eq!(f["text"], json!("Start the questionnaire"));
        keys(&s, ENTER).await;
        s.heading("Your feedback about today's session").await;
        let f = tab_to(&s, |f| f["tag"] == json!("button"), "Start").await;
        assert_eq!(f["text"], json!("Start"));
        keys(&s, ENTER).await;
        let en = words("en");

        // Part by part: each question in turn, in the order of the page, top to bottom,
        // then Continue, which shows the next part and puts focus on its heading.
        let mut expected = Vec::new();
        let mut n = 0;
        for (page, items) in window::parts().iter().enumerate() {
            part(&s, &en, page + 1).await;
            let h = focused(&s).await;
            assert_eq!(
                h["tag"],
                json!("h1"),
                "the new part's heading has focus: {h}"
            );
            let mut last_top = f64::MIN;
            for item in items {
                let f = tab_to(&s, |f| f["type"] == json!("radio"), item.id).await;
                assert_eq!(f["name"], json!(item.id), "questions are reached in order");
                let top = f["top"].as_f64().unwrap();
                assert!(
                    top > last_top,
                    "{} is below the question before it",
                    item.id
                );
                last_top = top;
                // Space chooses the first answer; then the arrows move along the answers.
                keys(&s, SPACE).await;
                let moves = n % item.options.len();
                for _ in 0..moves {
                    keys(&s, if n % 2 == 0 { DOWN } else { RIGHT }).await;
                }
                let f = focused(&s).await;
                assert_eq!(f["checked"], json!(true), "{f}");
                assert_eq!(f["value"], json!(item.options[moves].code.to_string()));
                expected.push((item.id, i64::from(item.options[moves].code)));
                n += 1;
            }
            let f = tab_to(&s, |f| f["tag"] == json!("button"), "Continue").await;
            assert_eq!(f["text"], json!("Continue"));
            keys(&s, ENTER).await;
        }
        part(&s, &en, PAGES).await;
        let f = tab_to(&s, |f| f["tag"] == json!("textarea"), "the comment").await;
        assert_eq!(f["name"], json!("comment"));
        // The whole comment box is in view when it gets focus, not just its top edge.
        let box_ = js(
            &s,
            "const r = document.activeElement.getBoundingClientRect();
            return [r.top, r.bottom, window.innerHeight];",
        )
        .await;
        let (top, bottom, height) = (
            box_[0].as_f64().unwrap(),
            box_[1].as_f64().unwrap(),
            box_[2].as_f64().unwrap(),
        );
        assert!(
            top >= 0.0 && bottom <= height,
            "the comment box at {top}..{bottom} of {height}"
        );
        keys(&s, "Typed, not clicked").await;
        // The choice to talk to someone: a checkbox, Space turns it on.
        let f = tab_to(&s, |f| f["type"] == json!("checkbox"), "the choice to talk").await;
        assert_eq!(f["name"], json!("talk"));
        keys(&s, SPACE).await;
        assert_eq!(focused(&s).await["checked"], json!(true));
        let f = tab_to(&s, |f| f["tag"] == json!("button"), "Send my answers").await;
        assert_eq!(f["text"], json!("Send my answers"));
        keys(&s, ENTER).await;
        s.heading("Thank you").await;
        assert!(s.text().await.contains(en.get("talk.sent")));

        let c = Connection::open(s.db()).unwrap();
        for (id, code) in &expected {
            let stored: i64 = c
                .query_row(&format!("SELECT {id} FROM responses"), [], |r| r.get(0))
                .unwrap();
            assert_eq!(stored, *code, "{id}");
        }
        let comment: String = c
            .query_row("SELECT comment FROM responses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(comment, "Typed, not clicked");
        s.end().await;
    });
}

#[test]
fn large_targets_no_sideways_scrolling_and_the_next_person_starts_afresh() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let mut found = Vec::new();
        let s = Session::start(configured_home(0)).await;
        s.client.set_window_size(1024, 768).await.unwrap();
        hand_over(&s, "Young person (11 to 17)", "English").await;
        s.heading("Tell us about today").await;

        // Text size: each step larger than the one before.
        let mut sizes = Vec::new();
        for step in ["Standard", "Large", "Larger", "Largest"] {
            s.answer("Text size", step).await;
            sizes.push(layout_problems(&s).await["fontSize"].as_f64().unwrap());
        }
        assert!(sizes.windows(2).all(|w| w[1] > w[0]), "{sizes:?}");
        assert!(sizes[3] >= 2.0 * sizes[0] * 0.99, "the largest is at least double: {sizes:?}");

        // Largest text on a 1024x768 screen, then at 200% zoom (a 512x384 CSS viewport):
        // the first screen and every part of the questionnaire.
        let en = words("en");
        for (width, height, zoom) in [(1024, 768, "1024x768"), (512, 384, "200% zoom")] {
            s.client.set_window_size(width, height).await.unwrap();
            for page in 0..=PAGES {
                let screen = if page == 0 { "start".to_string() } else { format!("part {page}") };
                if page == 1 {
                    s.button("Start").await;
                }
                if page > 1 {
                    s.button("Continue").await;
                }
                if page > 0 {
                    part(&s, &en, page).await;
                }
                if page == 5 {
                    // With the offer to talk to someone in view.
                    s.answer(en.get("yp.item.rupture"), en.get("yp.option.rupture.yes")).await;
                    s.shown(&format!("//legend[normalize-space()={}]", window::lit(en.get("yp.talk.question")))).await;
                }
                let p = layout_problems(&s).await;
                let viewport = p["width"].as_f64().unwrap();
                assert!(viewport <= f64::from(width) && viewport > f64::from(width) * 0.9, "{zoom}: {p}");
                assert_eq!(p["sideways"], json!(false), "{screen} scrolls sideways at {zoom}: {p}");
                assert_eq!(p["small"], json!([]), "{screen} at {zoom}: targets under 44x44: {p}");
                axe(&s, &format!("{screen}, largest text, {zoom}"), &mut found).await;
                if page == 1 && zoom == "1024x768" {
                    s.screenshot("questionnaire-largest-text.png", Some("//div[@id='question-power_say']")).await;
                }
            }
            if zoom == "1024x768" {
                // The comment box, reached by keyboard, comes into view: all of it if it
                // fits, else its top. (Not at 200% zoom: the window loses the keyboard
                // focus when the driver makes it that small.)
                js(&s, "document.querySelector('h1').focus();").await;
                tab_to(&s, |f| f["tag"] == json!("textarea"), "the comment").await;
                let box_ = js(&s, "const r = document.activeElement.getBoundingClientRect();
                    return [r.top, r.bottom, window.innerHeight];").await;
                let (top, bottom, height) = (box_[0].as_f64().unwrap(), box_[1].as_f64().unwrap(), box_[2].as_f64().unwrap());
                assert!(top >= 0.0 && (bottom <= height || top <= height / 4.0),
                    "the comment box at {top}..{bottom} of {height}");
            }
            if zoom == "1024x768" {
                // Back to the start screen for the next size.
                s.button("Cancel and go back").await;
                s.button("Yes, clear my answers").await;
                hand_over(&s, "Young person (11 to 17)", "English").await;
                let root = js(&s, "return [document.documentElement.dataset.textSize, document.documentElement.dataset.contrast];").await;
                assert_eq!(root, json!(["0", "standard"]), "the next person starts with the standard look");
                s.answer("Text size", "Largest").await;
                s.answer("Colours", "High contrast").await;
            }
        }
        s.client.set_window_size(1024, 768).await.unwrap();
        // The staff screens, at 1024x768, do not scroll sideways either.
        s.button("Cancel and go back").await;
        s.button("Yes, clear my answers").await;
        s.heading("Before you hand over the device").await;
        let root = js(&s, "return [document.documentElement.dataset.textSize, document.documentElement.dataset.contrast, document.documentElement.lang];").await;
        assert_eq!(root, json!(["0", "standard", "en"]));
        let p = layout_problems(&s).await;
        assert_eq!(p["sideways"], json!(false), "hand-over: {p}");
        assert_eq!(p["small"], json!([]), "hand-over: {p}");
        s.end().await;
        assert_none(&found);
    });
}

/// How long the page is, in CSS pixels.
async fn page_length(s: &Session) -> f64 {
    js(s, "return document.documentElement.scrollHeight;")
        .await
        .as_f64()
        .unwrap()
}

#[test]
fn every_page_fits_in_two_screens_and_a_quick_hand_over_starts_without_scrolling() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(configured_home(0)).await;
        s.client.set_window_size(1024, 768).await.unwrap();
        // Two screens of 1024x768, at standard text: the most a tired person should scroll.
        const LIMIT: f64 = 2.0 * 768.0;
        let mut lengths = Vec::new();
        for (language, version, prefix) in [
            ("en", "Adult", "q"),
            ("en", "Young person (11 to 17)", "yp"),
            ("pl", "Adult", "q"),
        ] {
            let w = words(language);
            hand_over(&s, version, w.get("locale.name")).await;
            s.heading(w.get(&format!("{prefix}.heading.intro"))).await;
            lengths.push((format!("{language} {prefix} first screen"), page_length(&s).await));
            s.button(w.get("intro.start")).await;
            for page in 1..=PAGES {
                if page > 1 {
                    s.button(w.get("questionnaire.continue")).await;
                }
                part(&s, &w, page).await;
                if page == 5 {
                    // The longest it gets: with the offer to talk to someone shown.
                    let (item, yes) = (format!("{prefix}.item.rupture"), format!("{prefix}.option.rupture.yes"));
                    s.answer(w.get(&item), w.get(&yes)).await;
                }
                lengths.push((format!("{language} {prefix} part {page}"), page_length(&s).await));
                if language == "en" && prefix == "q" && page == PAGES {
                    s.screenshot("questionnaire-last-page.png", None).await;
                }
            }
            s.button(w.get("questionnaire.send")).await;
            s.heading(w.get("thanks.heading")).await;
            lengths.push((format!("{language} {prefix} thank-you"), page_length(&s).await));
            s.button(w.get("thanks.finish")).await;
        }
        println!("Page lengths at standard text in a 1024x768 window (CSS px):");
        for (page, length) in &lengths {
            println!("  {page}: {length}");
        }
        let long: Vec<_> = lengths.iter().filter(|(_, l)| *l > LIMIT).collect();
        assert!(long.is_empty(), "longer than two screens: {long:?}");

        // The same practitioner hands over again: the last choices are there, and Start
        // is in view without scrolling.
        s.heading("Before you hand over the device").await;
        s.wait_for("//div[@class='chosen']").await;
        let start = js(&s, "const b = Array.from(document.querySelectorAll('button'))
                .find((b) => b.textContent.trim() === 'Start the questionnaire');
            const r = b.getBoundingClientRect();
            return [r.bottom, window.innerHeight, window.scrollY, document.documentElement.scrollHeight];").await;
        let (bottom, height) = (start[0].as_f64().unwrap(), start[1].as_f64().unwrap());
        assert!(bottom <= height, "Start is below the fold: {start}");
        assert_eq!(start[2], json!(0), "{start}");
        println!("Quick hand-over: {} px long, Start ends at {bottom} of {height}", start[3]);
        s.screenshot("handover.png", None).await;
        s.end().await;
    });
}
