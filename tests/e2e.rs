//! End to end: the real app in a real window (under Xvfb), driven through tauri-driver
//! and WebKitWebDriver. Controls are found by their visible labels and roles, as a
//! person or a screen reader finds them. Needs a display, `tauri-driver` and
//! `WebKitWebDriver` (the test script provides all three); build with `--features e2e`.

mod window;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use fantoccini::Locator;
use psi_feedback::locale;
use rusqlite::Connection;
use window::{configured_home, db_in, lit, runtime, Session, ONE_AT_A_TIME, PASSPHRASE};

#[test]
fn first_run_setup_then_a_questionnaire_completed_by_clicking_labels() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(tempfile::tempdir().unwrap()).await;
        s.heading("Set up this device").await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.fill("Type the passphrase again", PASSPHRASE).await;
        s.fill("Teams (one per line)", "North team\nSouth team").await;
        s.button("Save and continue").await;

        s.heading("Before you hand over the device").await;
        s.answer("Team", "South team").await;
        s.answer("Session type", "Group").await;
        s.answer("Practitioner role", "Psychologist").await;
        s.button("Start the questionnaire").await;

        s.heading("Your feedback about today's session").await;
        assert!(s.text().await.contains("You can skip any question."));
        s.button("Start").await;

        s.heading("About today's session").await;
        let radios = s.client.find_all(Locator::Css("input[type=radio]")).await.unwrap();
        assert!(radios.len() > 60, "every question has its options: {}", radios.len());
        for r in &radios {
            assert!(!r.is_selected().await.unwrap(), "nothing is pre-selected");
        }
        let q = psi_feedback::questionnaire::questionnaire();
        let mut expected = Vec::new();
        for section in &q.sections {
            for item in &section.items {
                if item.id == "together_way" {
                    continue; // skipped on purpose
                }
                let middle = &item.options[item.options.len() / 2];
                let (label, code) = match item.id {
                    "identity_respect" => (locale::text("q.decline"), 0),
                    _ => (middle.label(), middle.code),
                };
                s.answer(item.text(), label).await;
                expected.push((item.id, code));
                if item.id == "power_say" {
                    s.screenshot("questionnaire.png", None).await;
                }
            }
        }
        s.fill(locale::text("q.comment.prompt"), "The room was too cold").await;
        s.button("Send my answers").await;

        s.heading("Thank you").await;
        let left = s.client.find_all(Locator::Css("input[type=radio], textarea")).await.unwrap();
        assert!(left.is_empty(), "no trace of the answers is left in the page");
        assert!(!s.text().await.contains("too cold"));

        // Stored, durably, with the context chosen at hand-over.
        let c = Connection::open(s.db()).unwrap();
        let (team, n, comment): (String, i64, String) = c
            .query_row(
                "SELECT t.name, count(*), r.comment FROM responses r JOIN teams t ON t.id = r.team_id",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((team.as_str(), n, comment.as_str()), ("South team", 1, "The room was too cold"));
        for (id, code) in &expected {
            let stored: i64 = c.query_row(&format!("SELECT {id} FROM responses"), [], |r| r.get(0)).unwrap();
            assert_eq!(stored, i64::from(*code), "{id}");
        }
        let skipped: Option<i64> = c.query_row("SELECT together_way FROM responses", [], |r| r.get(0)).unwrap();
        assert_eq!(skipped, None);

        // The next person starts with a clean form.
        s.button("Finish").await;
        s.heading("Before you hand over the device").await;
        s.answer("Team", "North team").await;
        s.answer("Session type", "Individual").await;
        s.answer("Practitioner role", "Psychologist").await;
        s.button("Start the questionnaire").await;
        s.button("Start").await;
        s.heading("About today's session").await;
        for r in s.client.find_all(Locator::Css("input[type=radio]")).await.unwrap() {
            assert!(!r.is_selected().await.unwrap(), "the last person's answers are gone");
        }
        let comment = s.labelled(locale::text("q.comment.prompt")).await;
        assert_eq!(comment.prop("value").await.unwrap().as_deref(), Some(""));
        s.end().await;
    });
}

#[test]
fn staff_unlock_summary_and_export_through_the_save_dialog() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(configured_home(3000)).await;
        s.heading("Before you hand over the device").await;
        s.button("Staff area").await;
        s.heading("Staff area").await;
        s.fill("Staff passphrase", "not the passphrase").await;
        s.button("Unlock").await;
        s.wait_for("//*[contains(normalize-space(), 'That passphrase is not right')]")
            .await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.button("Unlock").await;
        s.button("Lock staff area").await; // present only when unlocked; locks again
        s.heading("Before you hand over the device").await;
        s.button("Staff area").await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.button("Unlock").await;

        s.wait_for("//*[contains(normalize-space(), '3000 responses stored on this device')]")
            .await;
        let table = s.wait_for("//table[.//th[normalize-space()='Team']]").await;
        let table_text = table.text().await.unwrap();
        assert!(table_text.contains("Community team North"), "{table_text}");
        s.screenshot(
            "staff-summary.png",
            Some("//h2[normalize-space()='Summary']"),
        )
        .await;
        // Comments are readable here (and never exported).
        let demo_comments = [
            "I felt listened to today.",
            "I wish we had more time.",
            "Thank you for being patient with me.",
        ];
        let page = s.text().await;
        assert!(
            demo_comments.iter().any(|c| page.contains(c)),
            "comments are shown to staff"
        );

        // Export the last three months as JSON through the native save dialog.
        let now = psi_feedback::period::Month::current();
        let (from, to) = (now.prev().prev().prev(), now.prev());
        s.fill("From (YYYY-MM)", &from.to_string()).await;
        s.fill("To (YYYY-MM)", &to.to_string()).await;
        s.answer("Format", "JSON data").await;
        s.answer("Breakdown", "Session type").await;
        let out_dir = tempfile::tempdir().unwrap();
        let out = out_dir.path().join("summary.json");
        s.button("Save export\u{2026}").await;
        type_into_save_dialog(&out);
        s.wait_for("//*[contains(normalize-space(), 'Export saved to')]")
            .await;

        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).expect("the export was written")).unwrap();
        assert_eq!(json["breakdown"], "session_type");
        assert_eq!(json["periods"].as_array().unwrap().len(), 3);
        let text = json.to_string();
        for c in demo_comments {
            assert!(!text.contains(c), "no comment in the export");
        }
        assert!(
            !text.contains("T0") && !text.contains(":00"),
            "no timestamps"
        );
        for row in json["rows"].as_array().unwrap() {
            if row["statistic"] == "count" || row["statistic"] == "answered" {
                if let Some(n) = row["value"].as_u64() {
                    assert!(n == 0 || n >= 10, "count {n} published");
                }
            }
        }
        s.end().await;
    });
}

#[test]
fn staff_preview_of_an_export_release_history_and_anonymity_settings() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(configured_home(3000)).await;
        s.heading("Before you hand over the device").await;
        s.button("Staff area").await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.button("Unlock").await;
        s.wait_for("//*[contains(normalize-space(), '3000 responses stored on this device')]")
            .await;
        s.wait_for(
            "//section[h2[normalize-space()='Release history']]//p[normalize-space()='Nothing has been exported yet.']",
        )
        .await;

        // Preview the last three months by session type: small groups have withheld values.
        let now = psi_feedback::period::Month::current();
        let (from, to) = (now.prev().prev().prev(), now.prev());
        s.fill("From (YYYY-MM)", &from.to_string()).await;
        s.fill("To (YYYY-MM)", &to.to_string()).await;
        s.answer("Breakdown", "Session type").await;
        s.button("Preview").await;
        let preview = "//div[@role='region'][@tabindex='0'][table/caption[normalize-space()='Preview of the export']]";
        let region = s.wait_for(preview).await;
        let head = region
            .find(Locator::XPath(".//thead"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for column in ["Team", "Period", "Breakdown value", "Measure", "Statistic", "Value"] {
            assert!(head.contains(column), "column {column} in {head}");
        }
        let withheld = s
            .wait_for(&format!(
                "({preview}//td[contains(concat(' ', normalize-space(@class), ' '), ' withheld ')])[1]"
            ))
            .await;
        let cell = withheld.text().await.unwrap();
        assert!(cell.starts_with("withheld"), "{cell}");
        assert!(cell.len() > "withheld".len(), "the reason is shown: {cell}");
        s.wait_for("//p[contains(normalize-space(), 'values withheld; the file will hold')]")
            .await;
        let c = Connection::open(s.db()).unwrap();
        let releases: i64 = c
            .query_row("SELECT count(*) FROM releases", [], |r| r.get(0))
            .unwrap();
        assert_eq!(releases, 0, "a preview records nothing");

        // Settings: the anonymity rules, and a staff count saved.
        let link = s
            .wait_for("//nav//a[normalize-space()='Settings']")
            .await;
        s.click(link).await;
        let floor = s.labelled("Smallest group shown (responses)").await;
        assert_eq!(floor.prop("value").await.unwrap().as_deref(), Some("10"));
        assert_eq!(floor.attr("min").await.unwrap().as_deref(), Some("10"));
        let rounding = s.labelled("Round counts to the nearest").await;
        assert_eq!(rounding.prop("value").await.unwrap().as_deref(), Some("5"));
        let possible = s
            .labelled("Possible values each withheld count must keep")
            .await;
        assert_eq!(possible.attr("max").await.unwrap().as_deref(), Some("7"));
        s.fill("North team: Psychologist", "4").await;
        s.button("Save anonymity settings").await;
        s.wait_for("//p[normalize-space()='Anonymity settings saved.']")
            .await;
        let counts: Vec<(String, String, i64)> = c
            .prepare(
                "SELECT t.name, r.name, s.staff FROM staff_counts s
                 JOIN teams t ON t.id = s.team_id JOIN roles r ON r.id = s.role_id",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            counts,
            vec![("North team".to_string(), "Psychologist".to_string(), 4)],
            "only the count filled in is stored"
        );
        s.end().await;
    });
}

/// Types the file's path into the GTK save dialog and confirms, as a person would.
fn type_into_save_dialog(path: &Path) {
    type_into_dialog("Save the anonymised summary", path)
}

fn type_into_dialog(title: &str, path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let window = loop {
        let o = Command::new("xdotool")
            .args(["search", "--name", title])
            .output()
            .expect("xdotool runs");
        if let Some(id) = String::from_utf8_lossy(&o.stdout).lines().next() {
            break id.to_string();
        }
        assert!(Instant::now() < deadline, "the save dialog did not open");
        std::thread::sleep(Duration::from_millis(100));
    };
    std::thread::sleep(Duration::from_millis(500)); // let the dialog take focus
    let xdo = |args: &[&str]| {
        let ok = Command::new("xdotool")
            .args(args)
            .status()
            .unwrap()
            .success();
        assert!(ok, "xdotool {args:?}");
    };
    xdo(&["windowfocus", "--sync", &window]);
    // The name field has focus with the suggested name selected: replace it with a full path.
    xdo(&["key", "--window", &window, "ctrl+a"]);
    xdo(&[
        "type",
        "--window",
        &window,
        "--delay",
        "5",
        &path.display().to_string(),
    ]);
    xdo(&["key", "--window", &window, "Return"]);
}

/// What is left in the page of a person's answers: whether `secret` is anywhere in the
/// DOM (markup, field values, visible text), any questionnaire control, and how long
/// the window's history is.
async fn traces(s: &Session, secret: &str) -> serde_json::Value {
    s.client
        .execute(
            "const secret = arguments[0];
             const values = Array.from(document.querySelectorAll('input, textarea'))
                 .map((e) => e.value).join(' ');
             return {
                 found: document.documentElement.outerHTML.includes(secret)
                     || values.includes(secret) || document.body.innerText.includes(secret),
                 questions: document.querySelectorAll('input[name=power_say], textarea[name=comment]').length,
                 history: window.history.length,
             };",
            vec![serde_json::json!(secret)],
        )
        .await
        .unwrap()
}

async fn assert_no_trace(s: &Session, secret: &str, when: &str) {
    let t = traces(s, secret).await;
    assert_eq!(
        t["found"], false,
        "{when}: the answers are still in the page"
    );
    assert_eq!(t["questions"], 0, "{when}: questionnaire controls remain");
    assert_eq!(
        t["history"], 1,
        "{when}: the window has a history to go back to"
    );
}

fn responses(db: &Path) -> Vec<Option<String>> {
    Connection::open(db)
        .unwrap()
        .prepare("SELECT comment FROM responses ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// From the hand-over screen to the questionnaire, with one answer and a comment.
async fn start_questionnaire(s: &Session, comment: &str) {
    s.heading("Before you hand over the device").await;
    s.answer("Team", "North team").await;
    s.answer("Session type", "Individual").await;
    s.answer("Practitioner role", "Psychologist").await;
    s.button("Start the questionnaire").await;
    s.button("Start").await;
    s.heading("About today's session").await;
    let q = psi_feedback::questionnaire::questionnaire();
    let item = &q.sections[0].items[0];
    s.answer(item.text(), item.options[0].label()).await;
    s.fill(locale::text("q.comment.prompt"), comment).await;
}

#[test]
fn an_idle_questionnaire_asks_then_clears_every_trace_of_the_answers() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s =
            Session::start_with(configured_home(0), &[("PSI_FEEDBACK_IDLE_SECONDS", "3")]).await;
        let secret = "my private words about the session";
        start_questionnaire(&s, secret).await;

        let warning = "//dialog[@open][h2[normalize-space()='Are you still there?']]";
        s.wait_for(warning).await;
        s.screenshot("still-there.png", None).await;
        s.button("Yes, I am still here").await;
        let comment = s.labelled(locale::text("q.comment.prompt")).await;
        // F5 and Ctrl+R would reload the page and drop the answers: they do nothing.
        comment.send_keys("\u{E035}").await.unwrap();
        comment.send_keys("\u{E009}r\u{E000}").await.unwrap();
        s.heading("About today's session").await;
        assert_eq!(
            comment.prop("value").await.unwrap().as_deref(),
            Some(secret),
            "carrying on keeps the answers"
        );
        assert!(
            s.client.find(Locator::XPath(warning)).await.is_err(),
            "the warning has gone"
        );

        // Nobody answers this time: the answers go.
        s.wait_for(warning).await;
        s.heading("Before you hand over the device").await;
        assert!(s.text().await.contains("the answers were cleared"));
        assert_no_trace(&s, secret, "after the idle reset").await;

        // Not behind Back or a reload either.
        s.client.back().await.unwrap();
        s.heading("Before you hand over the device").await;
        assert_no_trace(&s, secret, "after Back").await;
        s.client.refresh().await.unwrap();
        s.heading("Before you hand over the device").await;
        assert_no_trace(&s, secret, "after a reload").await;
        assert!(responses(&s.db()).is_empty(), "nothing was sent");
        s.end().await;
    });
}

#[test]
fn answers_that_cannot_be_saved_are_kept_until_they_can_be() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(configured_home(0)).await;
        let secret = "words that must not be lost";
        start_questionnaire(&s, secret).await;
        // Another program holds the database's write lock for longer than the app waits.
        let other = Connection::open(s.db()).unwrap();
        other.execute_batch("BEGIN IMMEDIATE").unwrap();
        s.button("Send my answers").await;
        s.heading("Your answers could not be saved. Please tell a member of staff.")
            .await;
        assert_no_trace(&s, secret, "on the error screen").await;
        other.execute_batch("ROLLBACK").unwrap();
        assert!(responses(&s.db()).is_empty(), "nothing half-written");

        s.button("Try again").await;
        s.heading("Thank you").await;
        assert_eq!(responses(&s.db()), vec![Some(secret.to_string())]);
        assert_no_trace(&s, secret, "after saving").await;
        s.end().await;
    });
}

#[test]
fn a_damaged_database_is_reported_to_staff_and_left_as_it_is() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let home = tempfile::tempdir().unwrap();
        let db = db_in(home.path());
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let garbage = b"PK\x03\x04 a spreadsheet saved over the data file".to_vec();
        std::fs::write(&db, &garbage).unwrap();
        let s = Session::start(home).await;
        s.heading("The data on this device cannot be used").await;
        let text = s.text().await;
        assert!(text.contains("not an SQLite database"), "{text}");
        assert!(
            text.contains(&db.display().to_string()),
            "where the file is"
        );
        assert!(
            text.contains("psi-feedback restore BACKUP-FILE"),
            "how to restore"
        );
        s.screenshot("damaged-database.png", None).await;
        assert_eq!(std::fs::read(s.db()).unwrap(), garbage, "never overwritten");
        s.end().await;
    });
}

/// Asks the window to close as a window manager does when its close button is pressed:
/// a WM_DELETE_WINDOW message to every top-level window with this title.
fn request_close(title: &str) -> usize {
    use x11rb::connection::Connection as _;
    use x11rb::protocol::xproto::{ClientMessageEvent, ConnectionExt, EventMask};
    let o = Command::new("xdotool")
        .args(["search", "--name", &format!("^{title}$")])
        .output()
        .expect("xdotool runs");
    let windows: Vec<u32> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    let (conn, _) = x11rb::connect(None).expect("the X display");
    let atom = |name: &str| {
        conn.intern_atom(false, name.as_bytes())
            .unwrap()
            .reply()
            .unwrap()
            .atom
    };
    let (protocols, delete) = (atom("WM_PROTOCOLS"), atom("WM_DELETE_WINDOW"));
    for &w in &windows {
        let event = ClientMessageEvent::new(32, w, protocols, [delete, 0, 0, 0, 0]);
        conn.send_event(false, w, EventMask::NO_EVENT, event)
            .unwrap();
    }
    conn.flush().unwrap();
    windows.len()
}

/// Presses the window's close button until the app asks for the passphrase. After the
/// GTK save dialog has been used, the first close request sometimes never reaches the
/// app, so the press is repeated, a bounded number of times. A second request while
/// the dialog is open changes nothing.
async fn close_until_asked(s: &Session) {
    let dialog = "//dialog[@open][h2[normalize-space()='Close PSI Feedback']]";
    for _ in 0..10 {
        // At least ours: an app left open by an earlier test that failed has the same
        // name, and this test need not fail with it.
        assert!(
            request_close("PSI Feedback") >= 1,
            "the app's window is there"
        );
        let until = Instant::now() + Duration::from_secs(3);
        while Instant::now() < until {
            if s.client.find(Locator::XPath(dialog)).await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    panic!("ten presses of the close button, and the app never asked for the passphrase");
}

fn window_exists(title: &str) -> bool {
    Command::new("xdotool")
        .args(["search", "--name", &format!("^{title}$")])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false)
}

#[test]
fn kiosk_mode_needs_the_passphrase_to_close_and_staff_actions_are_audited() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(configured_home(0)).await;
        s.heading("Before you hand over the device").await;
        s.button("Staff area").await;
        s.fill("Staff passphrase", "not the passphrase").await;
        s.button("Unlock").await;
        s.wait_for("//*[contains(., 'That passphrase is not right.')]")
            .await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.button("Unlock").await;
        s.heading("Staff area").await;

        s.button("Turn kiosk mode on").await;
        s.wait_for("//p[normalize-space()='Kiosk mode is on.']")
            .await;
        s.screenshot(
            "device-safety.png",
            Some("//h2[normalize-space()='Device safety']"),
        )
        .await;

        // A backup through the save dialog: one sound file, recorded.
        let out = tempfile::tempdir().unwrap();
        let backup = out.path().join("backup.sqlite3");
        s.button("Save a backup").await;
        type_into_dialog("Save a backup of all the data on this device", &backup);
        s.wait_for(&format!(
            "//p[normalize-space()={}]",
            lit(&format!("Backup saved: {}", backup.display()))
        ))
        .await;
        let check: String = Connection::open(&backup)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");

        // The audit trail shows it all, newest first.
        let audit =
            "//table[caption[normalize-space()='Staff actions on this device, newest first']]";
        s.wait_for(&format!("{audit}//td[normalize-space()='Backup']"))
            .await;
        let rows = s
            .wait_for(&format!("{audit}/tbody"))
            .await
            .text()
            .await
            .unwrap();
        for what in ["Wrong passphrase", "Unlocked", "Kiosk mode", "Backup"] {
            assert!(rows.contains(what), "{what} is in the audit trail:\n{rows}");
        }
        assert!(rows.find("Backup").unwrap() < rows.find("Unlocked").unwrap());

        // A person now has the device: the window's close button asks for the passphrase.
        s.button("Lock staff area").await;
        start_questionnaire(&s, "half-way through").await;
        close_until_asked(&s).await;
        s.fill("Staff passphrase", "a wrong guess").await;
        s.button("Close the app").await;
        s.wait_for("//dialog//*[contains(., 'That passphrase is not right.')]")
            .await;
        s.button("Cancel").await;
        assert!(window_exists("PSI Feedback"), "still open");
        let comment = s.labelled(locale::text("q.comment.prompt")).await;
        assert_eq!(
            comment.prop("value").await.unwrap().as_deref(),
            Some("half-way through"),
            "the questionnaire is as it was"
        );

        close_until_asked(&s).await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        let close = s
            .wait_for("//dialog//button[normalize-space()='Close the app']")
            .await;
        // The app exits while the click is answered: the driver may report an error.
        let _ = close.click().await;
        let deadline = Instant::now() + Duration::from_secs(10);
        while window_exists("PSI Feedback") {
            assert!(Instant::now() < deadline, "the app did not close");
            std::thread::sleep(Duration::from_millis(100));
        }
        let c = Connection::open(s.db()).unwrap();
        let actions: Vec<String> = c
            .prepare("SELECT action FROM audit ORDER BY id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            actions,
            [
                "wrong_passphrase",
                "unlock",
                "kiosk",
                "backup",
                "wrong_passphrase",
                "close_app"
            ]
        );
        s.end().await;
    });
}

#[test]
fn the_staff_area_locks_itself_when_left_alone() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s =
            Session::start_with(configured_home(0), &[("PSI_FEEDBACK_IDLE_SECONDS", "4")]).await;
        s.heading("Before you hand over the device").await;
        s.button("Staff area").await;
        s.fill("Staff passphrase", PASSPHRASE).await;
        s.button("Unlock").await;
        s.heading("Staff area").await;
        s.heading("Before you hand over the device").await;
        assert!(s
            .text()
            .await
            .contains("The staff area locked itself after 4 seconds without use."));
        s.button("Staff area").await;
        s.wait_for("//label[normalize-space()='Staff passphrase']")
            .await;
        s.end().await;
    });
}
