//! The practitioner's estimate: held in the app from hand-over, stored with the answers
//! it was given for and with no others, dropped when they are not sent.

use super::*;
use serde_json::json;

const PASS: &str = "staff passphrase 1";

fn app() -> (tempfile::TempDir, App) {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("app.sqlite3"), Timeouts::default());
    app.setup(json!({"passphrase": PASS, "teams": ["North"],
        "session_types": ["Individual"], "roles": ["Nurse"]}))
        .unwrap();
    (dir, app)
}

fn answers(app: &App) -> serde_json::Value {
    let c = app.state().unwrap().context;
    json!({"team": c.teams[0].id, "session_type": c.session_types[0].id,
           "role": c.roles[0].id, "answers": {"power_say": 2, "safety_honest": 3}})
}

fn asking(app: &App) {
    app.unlock(PASS).unwrap();
    app.set_ask_estimate(true).unwrap();
    app.lock();
}

/// Every stored response's estimate, oldest first.
fn stored(app: &App) -> Vec<[Option<i64>; 3]> {
    let store = app.store().unwrap();
    let mut stmt = store
        .conn_for_tests()
        .prepare(
            "SELECT estimate_power, estimate_safety, estimate_identity FROM responses ORDER BY id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok([r.get(0)?, r.get(1)?, r.get(2)?]))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn hold(app: &App, estimate: serde_json::Value) -> Result<(), AppError> {
    app.hold_estimate(json!({ "estimate": estimate }))
}

#[test]
fn the_estimate_goes_with_the_next_answers_only() {
    let (_d, app) = app();
    asking(&app);
    assert!(app.state().unwrap().context.ask_estimate);
    hold(&app, json!({"power": 4, "safety": 5, "identity": null})).unwrap();
    assert!(app.holds_estimate());
    app.submit(answers(&app)).unwrap();
    assert!(
        !app.holds_estimate(),
        "taken by the answers it was given for"
    );
    // The next person's answers, with no estimate given at their hand-over.
    app.submit(answers(&app)).unwrap();
    assert_eq!(
        stored(&app),
        vec![[Some(4), Some(5), None], [None, None, None]]
    );
}

#[test]
fn an_estimate_for_answers_never_sent_is_dropped() {
    let (_d, app) = app();
    asking(&app);
    // The idle reset, or the questionnaire left: the hand-over screen forgets it.
    hold(&app, json!({"power": 1, "safety": 1, "identity": 1})).unwrap();
    app.forget_estimate();
    app.submit(answers(&app)).unwrap();
    // A skipped estimate at the next hand-over replaces one held before.
    hold(&app, json!({"power": 5})).unwrap();
    hold(&app, serde_json::Value::Null).unwrap();
    app.submit(answers(&app)).unwrap();
    assert_eq!(stored(&app), vec![[None, None, None]; 2]);
}

#[test]
fn an_estimate_is_refused_where_the_device_does_not_ask_or_it_is_not_an_answer() {
    let (_d, app) = app();
    assert!(!app.state().unwrap().context.ask_estimate, "off by default");
    let e = hold(&app, json!({"safety": 3})).unwrap_err();
    assert_eq!(e.message().key, "error.estimate.off");
    hold(&app, json!({"power": null})).expect("an empty estimate is no estimate");
    asking(&app);
    for bad in [
        json!({"power": 0}),
        json!({"safety": 6}),
        json!({"identity": "5"}),
        json!({"power": 3, "overall": 4}),
        json!([4, 4, 4]),
        json!(4),
    ] {
        let e = hold(&app, bad.clone()).unwrap_err();
        assert!(matches!(e, AppError::Invalid { .. }), "{bad}: {e:?}");
        assert!(!app.holds_estimate(), "{bad}: nothing held");
    }
    // A refused estimate also drops the one held before it.
    hold(&app, json!({"power": 2})).unwrap();
    assert!(hold(&app, json!({"power": 9})).is_err());
    assert!(!app.holds_estimate());
    // Turning the setting off drops a held estimate; only staff can.
    hold(&app, json!({"power": 2})).unwrap();
    assert!(app.set_ask_estimate(false).is_err(), "locked staff area");
    app.unlock(PASS).unwrap();
    app.set_ask_estimate(false).unwrap();
    assert!(!app.holds_estimate());
    let trail = app.audit_trail().unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|e| e.action == "estimate_setting")
            .count(),
        2,
        "turned on and off, both recorded"
    );
}
