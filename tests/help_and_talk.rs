//! Help and the request to talk, in the real app window (under Xvfb, through
//! tauri-driver and WebKitWebDriver): Back, the offer to talk and "I have seen this"
//! work by keyboard alone with the focus in view; the thank-you screen's help box and
//! the hand-over's notice keep large targets and do not scroll sideways; answers held on
//! the first page, or on the first screen after Back, go when the person walks away;
//! and the thank-you screen that asks the person to tell staff themselves passes axe.
//! Build with `--features e2e`; `scripts/test` installs axe-core and the drivers.

mod window;

use psi_feedback::locale::text;
use rusqlite::Connection;
use serde_json::{json, Value};
use window::a11y::{
    assert_none, axe, focused, js, keys, layout_problems, tab_to, DOWN, ENTER, SPACE,
};
use window::traces::{assert_no_trace, talk_requests, wait_for_talk_requests};
use window::{configured_home, lit, runtime, Session, ONE_AT_A_TIME};

/// The questionnaire's pages: five of questions, then the comment.
const PAGES: usize = 6;

/// What staff read on the hand-over screen when the person asked to talk to someone.
const TALK_NOTICE: &str = "The person would like to talk to someone about today's session.";

/// The notice on the hand-over screen.
const NOTICE: &str = "//section[h2[normalize-space()='A request to talk']]";

/// Whether what has focus is a button with these words.
fn button(words: &'static str) -> impl Fn(&Value) -> bool {
    move |f| f["tag"] == json!("button") && f["text"] == json!(words)
}

/// The value of the answer chosen for question `id`, or null.
async fn chosen(s: &Session, id: &str) -> Value {
    let script = format!(
        "const c = document.querySelector('input[name={id}]:checked'); return c ? c.value : null;"
    );
    js(s, &script).await
}

/// Continue, by clicking, from part `from` to part `to`.
async fn continue_to(s: &Session, from: usize, to: usize) {
    for n in from + 1..=to {
        s.button("Continue").await;
        s.part(n, PAGES).await;
    }
}

/// On part 5: "yes, something did not feel right", then the offer to talk, by clicking.
async fn ask_to_talk_by_clicking(s: &Session) {
    s.answer(text("q.item.rupture"), text("q.option.rupture.yes"))
        .await;
    s.answer(text("q.talk.question"), text("q.talk.yes")).await;
}

/// A fresh device at 1024 x 768, handed over: the questionnaire's first screen.
async fn first_screen() -> Session {
    let s = Session::start(configured_home(0)).await;
    s.client.set_window_size(1024, 768).await.unwrap();
    s.hand_over("North team", "Individual", "Psychologist")
        .await;
    s.heading("Your feedback about today's session").await;
    s
}

#[test]
fn back_the_offer_to_talk_and_i_have_seen_this_work_by_keyboard_alone() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = first_screen().await;
        tab_to(&s, button("Start"), "Start").await;
        keys(&s, ENTER).await;
        s.part(1, PAGES).await;
        let first = window::parts()[0][0];
        tab_to(&s, |f| f["name"] == json!(first.id), first.id).await;
        keys(&s, SPACE).await;
        let code = json!(first.options[0].code.to_string());
        assert_eq!(chosen(&s, first.id).await, code);
        tab_to(&s, button("Continue"), "Continue").await;
        keys(&s, ENTER).await;
        s.part(2, PAGES).await;

        // Back with Space: the part before, its heading focused, the answer kept.
        tab_to(&s, button("Back"), "Back on part 2").await;
        keys(&s, SPACE).await;
        s.part(1, PAGES).await;
        let h = focused(&s).await;
        assert_eq!(
            h["tag"],
            json!("h1"),
            "the heading has focus after Back: {h}"
        );
        assert_eq!(chosen(&s, first.id).await, code, "Back keeps the answer");
        // Back with Enter from the first part: the first screen; Start brings the answer back.
        tab_to(&s, button("Back"), "Back on part 1").await;
        keys(&s, ENTER).await;
        s.heading("Your feedback about today's session").await;
        tab_to(&s, button("Start"), "Start again").await;
        keys(&s, ENTER).await;
        s.part(1, PAGES).await;
        assert_eq!(
            chosen(&s, first.id).await,
            code,
            "the first screen holds the answer"
        );

        // "Yes, something did not feel right", by the arrows; the offer to talk comes
        // next in the Tab order, and Space turns it on and off.
        continue_to(&s, 1, 5).await;
        let f = tab_to(&s, |f| f["name"] == json!("rupture"), "rupture").await;
        assert_eq!(f["type"], json!("radio"));
        keys(&s, SPACE).await;
        keys(&s, DOWN).await;
        keys(&s, DOWN).await;
        assert_eq!(chosen(&s, "rupture").await, json!("3"), "yes is chosen");
        keys(&s, window::a11y::TAB).await;
        let f = focused(&s).await;
        assert_eq!(
            (&f["type"], &f["name"], &f["checked"]),
            (&json!("checkbox"), &json!("talk"), &json!(false)),
            "the offer to talk follows the answer: {f}"
        );
        assert_eq!(f["outline"], json!(true), "no visible focus on {f}");
        for want in [true, false, true] {
            keys(&s, SPACE).await;
            assert_eq!(focused(&s).await["checked"], json!(want));
        }
        tab_to(&s, button("Continue"), "Continue on part 5").await;
        keys(&s, ENTER).await;
        s.part(6, PAGES).await;
        let end = js(&s, "return document.getElementById('talk-end').checked;").await;
        assert_eq!(
            end,
            json!(true),
            "the last page's copy of the choice agrees"
        );
        tab_to(&s, button("Send my answers"), "Send my answers").await;
        keys(&s, ENTER).await;
        s.heading("Thank you").await;
        assert!(s.text().await.contains(text("talk.sent")));
        assert_eq!(talk_requests(&s.db()), 1);
        tab_to(&s, button("Finish"), "Finish").await;
        keys(&s, ENTER).await;

        // Staff: Tab reaches "I have seen this", Enter clears the notice.
        s.heading("Before you hand over the device").await;
        s.wait_for(NOTICE).await;
        tab_to(&s, button("I have seen this"), "I have seen this").await;
        keys(&s, ENTER).await;
        s.wait_for("//p[@id='notice'][normalize-space()='The request to talk has been cleared.']")
            .await;
        assert!(!s.text().await.contains(TALK_NOTICE), "the notice has gone");
        assert_eq!(talk_requests(&s.db()), 0);
        let h = focused(&s).await;
        assert_eq!(h["tag"], json!("h1"), "focus goes back to the heading: {h}");
        s.end().await;
    });
}

/// Where the box matching `css` lies across the page, and the screen's heading: the
/// box must not reach past the page's width, nor clip its own words sideways.
async fn box_across(s: &Session, css: &str) -> Value {
    let script = format!(
        "const b = document.querySelector({css:?});
         const r = b ? b.getBoundingClientRect() : null;
         return {{ heading: document.querySelector('h1').textContent.trim(),
                  found: !!b, left: r && r.left, right: r && r.right,
                  clipped: !!b && b.scrollWidth > b.clientWidth,
                  width: document.documentElement.clientWidth }};"
    );
    js(s, &script).await
}

/// No small targets, nothing sideways, and the box `css` whole inside the page's width.
async fn assert_fits(s: &Session, css: &str, heading: &str, when: &str) {
    let p = layout_problems(s).await;
    assert_eq!(p["sideways"], json!(false), "{when}: scrolls sideways: {p}");
    assert_eq!(p["small"], json!([]), "{when}: targets under 44x44: {p}");
    let b = box_across(s, css).await;
    assert_eq!(b["heading"], json!(heading), "{when}: another screen: {b}");
    assert_eq!(b["found"], json!(true), "{when}: no {css}");
    let (left, right) = (b["left"].as_f64().unwrap(), b["right"].as_f64().unwrap());
    assert!(
        left >= 0.0 && right <= b["width"].as_f64().unwrap(),
        "{when}: {css} is wider than the page: {b}"
    );
    assert_eq!(
        b["clipped"],
        json!(false),
        "{when}: {css} cuts its words: {b}"
    );
}

#[test]
fn the_help_box_and_the_notice_to_talk_keep_large_targets_and_no_sideways_scrolling() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = first_screen().await;
        s.answer("Text size", "Largest").await;
        s.button("Start").await;
        s.part(1, PAGES).await;
        continue_to(&s, 1, 5).await;
        ask_to_talk_by_clicking(&s).await;
        continue_to(&s, 5, 6).await;
        s.button("Send my answers").await;
        s.heading("Thank you").await;
        let size = js(&s, "return document.documentElement.dataset.textSize;").await;
        assert_eq!(
            size,
            json!("3"),
            "the thank-you screen keeps the largest text"
        );
        // The screen goes back to the hand-over by itself after 20 seconds: check both
        // sizes well inside that.
        for (width, height, zoom) in [(1024, 768, "1024x768"), (512, 384, "200% zoom")] {
            s.client.set_window_size(width, height).await.unwrap();
            let when = format!("thank-you, largest text, {zoom}");
            assert_fits(&s, ".help-box", "Thank you", &when).await;
        }
        s.client.set_window_size(1024, 768).await.unwrap();
        s.button("Finish").await;

        // The hand-over is back to standard text; the notice holds at 200% zoom, and
        // with the root text at the person's largest step (as a browser's text zoom).
        s.heading("Before you hand over the device").await;
        s.wait_for(NOTICE).await;
        let heading = "Before you hand over the device";
        for (width, height, size, when) in [
            (1024, 768, "0", "1024x768"),
            (512, 384, "0", "200% zoom"),
            (1024, 768, "3", "1024x768, largest text"),
            (512, 384, "3", "200% zoom, largest text"),
        ] {
            s.client.set_window_size(width, height).await.unwrap();
            let script = format!("document.documentElement.dataset.textSize = '{size}';");
            js(&s, &script).await;
            let when = format!("hand-over with a request to talk, {when}");
            assert_fits(&s, ".talk-notice", heading, &when).await;
        }
        s.end().await;
    });
}

/// Waits for the idle warning, then, untouched, for the hand-over screen that says the
/// answers were cleared.
async fn walk_away(s: &Session) {
    s.wait_for("//dialog[@open][h2[normalize-space()='Are you still there?']]")
        .await;
    s.heading("Before you hand over the device").await;
    s.wait_for(&format!(
        "//p[@id='notice'][normalize-space()={}]",
        lit(text("handover.cleared_idle"))
    ))
    .await;
}

/// The next person's questionnaire, from the hand-over: nothing chosen, nothing typed.
async fn assert_next_starts_empty(s: &Session, when: &str) {
    s.hand_over("North team", "Individual", "Psychologist")
        .await;
    s.button("Start").await;
    s.part(1, PAGES).await;
    let left = js(
        s,
        "return { chosen: document.querySelectorAll('#questionnaire input:checked').length,
                  comment: document.querySelector('textarea[name=comment]').value };",
    )
    .await;
    assert_eq!(left, json!({ "chosen": 0, "comment": "" }), "{when}");
    s.button("Cancel and go back").await;
    s.button("Yes, clear my answers").await;
    s.heading("Before you hand over the device").await;
}

#[test]
fn answers_held_on_the_first_page_or_screen_go_when_the_person_walks_away() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s =
            Session::start_with(configured_home(0), &[("PSI_FEEDBACK_IDLE_SECONDS", "4")]).await;
        let parts = window::parts();
        let (first, second) = (parts[0][0], parts[1][0]);

        // Answers on the first page, left there.
        s.hand_over("North team", "Individual", "Psychologist")
            .await;
        s.button("Start").await;
        s.part(1, PAGES).await;
        for item in &parts[0][..2] {
            s.answer(item.text(), item.options[1].label()).await;
        }
        walk_away(&s).await;
        assert_no_trace(&s, "not typed", "answers left on part 1").await;
        assert_next_starts_empty(&s, "after answers left on part 1").await;

        // An answer on each of two pages and a comment, then Back to the first page.
        let secret = "words typed then taken back to the first page";
        s.hand_over("North team", "Individual", "Psychologist")
            .await;
        s.button("Start").await;
        s.part(1, PAGES).await;
        s.answer(first.text(), first.options[2].label()).await;
        s.button("Continue").await;
        s.part(2, PAGES).await;
        s.answer(second.text(), second.options[2].label()).await;
        continue_to(&s, 2, PAGES).await;
        s.fill(text("q.comment.prompt"), secret).await;
        for n in (1..PAGES).rev() {
            s.button("Back").await;
            s.part(n, PAGES).await;
        }
        walk_away(&s).await;
        assert_no_trace(&s, secret, "after Back to part 1").await;
        assert_next_starts_empty(&s, "after Back to part 1").await;

        // Answers, a comment and the request to talk, held by the first screen after
        // Back: the answers go, the request to talk stays for staff.
        let secret = "words held while the person looked at the first screen";
        s.hand_over("North team", "Individual", "Psychologist")
            .await;
        s.button("Start").await;
        s.part(1, PAGES).await;
        s.answer(first.text(), first.options[3].label()).await;
        continue_to(&s, 1, 5).await;
        ask_to_talk_by_clicking(&s).await;
        continue_to(&s, 5, PAGES).await;
        s.fill(text("q.comment.prompt"), secret).await;
        for n in (1..PAGES).rev() {
            s.button("Back").await;
            s.part(n, PAGES).await;
        }
        s.button("Back").await;
        s.heading("Your feedback about today's session").await;
        assert_no_trace(&s, secret, "on the first screen, answers held").await;
        walk_away(&s).await;
        assert_no_trace(&s, secret, "after the first screen").await;
        assert!(
            s.text().await.contains(TALK_NOTICE),
            "the request to talk stays"
        );
        wait_for_talk_requests(&s.db(), 1);
        // Not behind the window's Back either.
        s.client.back().await.unwrap();
        s.heading("Before you hand over the device").await;
        assert_no_trace(&s, secret, "after the window's Back").await;
        s.button("I have seen this").await;
        assert_next_starts_empty(&s, "after the first screen").await;
        let c = Connection::open(s.db()).unwrap();
        let sent: i64 = c
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sent, 0, "nothing was sent");
        s.end().await;
    });
}

#[test]
fn the_thank_you_screen_when_staff_could_not_be_told_passes_axe() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let mut found = Vec::new();
        let home = configured_home(0);
        // The request to talk cannot be written (as with a full disk); the answers can.
        Connection::open(window::db_in(home.path()))
            .unwrap()
            .execute_batch(
                "CREATE TRIGGER no_talk BEFORE INSERT ON settings WHEN NEW.key = 'talk_requests'
                 BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END;",
            )
            .unwrap();
        let s = Session::start(home).await;
        for (size, colours) in [("Standard", "Standard"), ("Largest", "High contrast")] {
            s.hand_over("North team", "Individual", "Psychologist")
                .await;
            s.heading("Your feedback about today's session").await;
            s.answer("Text size", size).await;
            s.answer("Colours", colours).await;
            s.button("Start").await;
            s.part(1, PAGES).await;
            continue_to(&s, 1, 5).await;
            ask_to_talk_by_clicking(&s).await;
            continue_to(&s, 5, PAGES).await;
            s.button("Send my answers").await;
            s.heading("Thank you").await;
            let shown = s.text().await;
            assert!(shown.contains(text("talk.not_sent")), "{shown}");
            assert!(!shown.contains(text("talk.sent")), "{shown}");
            let screen = format!("thank-you, staff not told, {size} text, {colours} colours");
            axe(&s, &screen, &mut found).await;
            assert_eq!(talk_requests(&s.db()), 0, "the request was not kept");
            // The window still tells staff at hand-over, as it counted the request itself.
            s.button("Finish").await;
            s.heading("Before you hand over the device").await;
            s.wait_for(NOTICE).await;
            s.button("I have seen this").await;
            s.wait_for("//p[@id='notice']").await;
        }
        let c = Connection::open(s.db()).unwrap();
        let saved: i64 = c
            .query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(saved, 2, "the answers were saved all the same");
        s.end().await;
        assert_none(&found);
    });
}
