//! What a person leaves behind: anything of their answers still in the page, and the
//! requests to talk that wait for staff in the database.

use std::path::Path;

use rusqlite::Connection;

use super::Session;

/// What is left in the page of a person's answers: whether `secret` is anywhere in the
/// DOM (markup, field values, visible text), any questionnaire control, and how long
/// the window's history is.
pub async fn traces(s: &Session, secret: &str) -> serde_json::Value {
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

pub async fn assert_no_trace(s: &Session, secret: &str, when: &str) {
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

/// The requests to talk that staff have not yet seen, as the database holds them.
pub fn talk_requests(db: &Path) -> i64 {
    Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'talk_requests'), 0)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// Waits up to 10 seconds for the database to hold `want` requests to talk (the app
/// writes them beside the page's work), and fails if it never does.
pub fn wait_for_talk_requests(db: &Path, want: i64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while talk_requests(db) != want {
        assert!(
            std::time::Instant::now() < deadline,
            "the database holds {} requests to talk, not {want}",
            talk_requests(db)
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
