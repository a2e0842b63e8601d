//! The practitioner's estimate in the real window: given at hand-over by keyboard alone,
//! then nowhere the person can reach (the page's markup, its fields, its history), kept
//! with the answers when they are sent and with no others, and dropped when the answers
//! are cleared for being left. Build with `--features e2e`.

mod window;

use std::path::Path;

use psi_feedback::store::Store;
use rusqlite::Connection;
use serde_json::json;
use window::a11y::{assert_none, axe, focused, js, keys, tab_to, DOWN, ENTER, SPACE};
use window::traces::assert_no_trace;
use window::{configured_home, db_in, runtime, Session, ONE_AT_A_TIME};

/// A set-up device that asks for the practitioner's estimate.
fn asking_home() -> tempfile::TempDir {
    let home = configured_home(0);
    Store::open(&db_in(home.path()))
        .unwrap()
        .set_asks_estimate(true)
        .unwrap();
    home
}

/// Every stored response's estimate, oldest first.
fn estimates(db: &Path) -> Vec<[Option<i64>; 3]> {
    Connection::open(db)
        .unwrap()
        .prepare(
            "SELECT estimate_power, estimate_safety, estimate_identity FROM responses ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// Anything of the estimate screen still in the page: its words, its fields.
async fn estimate_traces(s: &Session) -> serde_json::Value {
    js(
        s,
        "const html = document.documentElement.outerHTML;
         return {
             words: ['Your sense of the session', 'How safe do you think they felt',
                     'Hand over with my answers', 'estimate'].filter((w) => html.includes(w)),
             fields: document.querySelectorAll('input[name^=estimate]').length,
             history: window.history.length,
         };",
    )
    .await
}

const NONE_LEFT: &str = r#"{"fields":0,"history":1,"words":[]}"#;

/// Answers the first question of the power and safety parts, then sends the answers.
async fn answer_and_send(s: &Session) {
    s.heading("Your feedback about today's session").await;
    s.button("Start").await;
    let parts = window::parts();
    let total = parts.len() + 1;
    for (n, items) in parts.iter().enumerate() {
        s.part(n + 1, total).await;
        if n < 2 {
            // Power, then safety: "Mostly".
            s.answer(items[0].text(), items[0].options[3].label()).await;
        }
        s.button("Continue").await;
    }
    s.part(total, total).await;
    s.button("Send my answers").await;
    s.heading("Thank you").await;
}

#[test]
fn a_practitioner_gives_an_estimate_by_keyboard_and_the_person_never_finds_it() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start(asking_home()).await;
        s.client.set_window_size(1024, 768).await.unwrap();
        s.heading("Before you hand over the device").await;
        for group in ["handover-team", "handover-session-type", "handover-role"] {
            tab_to(&s, |f| f["name"] == json!(group), group).await;
            keys(&s, SPACE).await;
        }
        let f = tab_to(&s, |f| f["tag"] == json!("button"), "the start button").await;
        assert_eq!(f["text"], json!("Start the questionnaire"));
        keys(&s, ENTER).await;

        // The estimate: three questions in the questionnaire's own words, none required.
        s.heading("Your sense of the session").await;
        let mut found = Vec::new();
        axe(&s, "hand-over: the practitioner's estimate", &mut found).await;
        assert_none(&found);
        s.screenshot("handover-estimate.png", None).await;
        // Power: "Mostly" (Space picks the first answer, the arrows move on); safety:
        // "Completely"; identity left out.
        for (group, moves) in [("estimate-power", 3), ("estimate-safety", 4)] {
            let f = tab_to(&s, |f| f["name"] == json!(group), group).await;
            assert_eq!(f["type"], json!("radio"));
            keys(&s, SPACE).await;
            for _ in 0..moves {
                keys(&s, DOWN).await;
            }
            let f = focused(&s).await;
            assert_eq!(f["value"], json!((moves + 1).to_string()), "{f}");
        }
        let f = tab_to(&s, |f| f["tag"] == json!("button"), "the hand-over button").await;
        assert_eq!(f["text"], json!("Hand over with my answers"));
        keys(&s, ENTER).await;

        // The person's first screen: nothing of the estimate in the page, and no way
        // back to it.
        s.heading("Your feedback about today's session").await;
        assert_eq!(estimate_traces(&s).await.to_string(), NONE_LEFT);
        s.client.back().await.unwrap();
        s.heading("Your feedback about today's session").await;
        assert_eq!(
            estimate_traces(&s).await.to_string(),
            NONE_LEFT,
            "after Back"
        );
        answer_and_send(&s).await;
        assert_eq!(estimate_traces(&s).await.to_string(), NONE_LEFT, "thanks");
        assert_eq!(estimates(&s.db()), [[Some(4), Some(5), None]]);

        // The next person: the practitioner skips; their answers carry no estimate.
        s.button("Finish").await;
        s.heading("Before you hand over the device").await;
        s.button("Start the questionnaire").await;
        s.heading("Your sense of the session").await;
        s.button("Skip").await;
        answer_and_send(&s).await;
        assert_eq!(
            estimates(&s.db()),
            [[Some(4), Some(5), None], [None, None, None]]
        );
        s.end().await;
    });
}

#[test]
fn an_estimate_goes_with_answers_cleared_for_being_left() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    runtime().block_on(async {
        let s = Session::start_with(asking_home(), &[("PSI_FEEDBACK_IDLE_SECONDS", "5")]).await;
        let secret = "an answer left behind";
        s.hand_over("North team", "Individual", "Psychologist")
            .await;
        s.heading("Your sense of the session").await;
        s.answer(
            "How safe do you think they felt to say what they really think?",
            "Completely",
        )
        .await;
        s.button("Hand over with my answers").await;
        s.heading("Your feedback about today's session").await;
        s.button("Start").await;
        s.part(1, 6).await;
        for n in 2..=6 {
            s.button("Continue").await;
            s.part(n, 6).await;
        }
        s.fill(psi_feedback::locale::text("q.comment.prompt"), secret)
            .await;
        // Left: the warning, then the answers are cleared, and the estimate with them.
        s.wait_for("//dialog[@open][h2[normalize-space()='Are you still there?']]")
            .await;
        s.heading("Before you hand over the device").await;
        assert_no_trace(&s, secret, "after the idle reset").await;
        assert_eq!(estimate_traces(&s).await.to_string(), NONE_LEFT);
        // Answers sent now, straight through the app's own command with no hand-over
        // before them, carry nothing of the estimate given for the person who left.
        let ids: (i64, i64, i64) = Connection::open(s.db())
            .unwrap()
            .query_row(
                "SELECT (SELECT id FROM teams WHERE name = 'North team'),
                        (SELECT id FROM session_types WHERE name = 'Individual'),
                        (SELECT id FROM roles WHERE name = 'Psychologist')",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        let sent = s
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 window.__TAURI__.core.invoke('submit_response', { response: {
                     team: arguments[0], session_type: arguments[1], role: arguments[2],
                     answers: { safety_honest: 2 } } })
                   .then(() => done('saved'), (e) => done(JSON.stringify(e)));",
                vec![json!(ids.0), json!(ids.1), json!(ids.2)],
            )
            .await
            .unwrap();
        assert_eq!(sent, json!("saved"));
        assert_eq!(estimates(&s.db()), [[None, None, None]]);
        s.end().await;
    });
}
