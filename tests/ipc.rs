//! The commands through Tauri's real IPC on the mock runtime: the capability file and
//! argument handling are those of the app. Bad payloads are refused with a clear error
//! and store nothing.

mod common;

use psi_feedback::period::Month;
use psi_feedback::store::{NewResponse, Source, Store};
use rusqlite::Connection;
use serde_json::{json, Value};
use tauri::WebviewWindow;

struct Harness {
    _dir: tempfile::TempDir,
    db: std::path::PathBuf,
    _app: tauri::App<tauri::test::MockRuntime>,
    window: WebviewWindow<tauri::test::MockRuntime>,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("ipc.sqlite3");
        let (app, window) = common::ipc::open(&db);
        Harness {
            _dir: dir,
            db,
            _app: app,
            window,
        }
    }

    fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        common::ipc::call(&self.window, cmd, body)
    }

    fn configured() -> Harness {
        let h = Harness::new();
        h.call(
            "setup",
            json!({"setup": {"passphrase": "staff passphrase 1", "teams": ["North", "South"],
                   "session_types": ["Individual", "Group"], "roles": ["Nurse", "Psychologist"]}}),
        )
        .unwrap();
        h
    }

    fn rows(&self) -> i64 {
        let c = Connection::open(&self.db).unwrap();
        c.query_row("SELECT count(*) FROM responses", [], |r| r.get(0))
            .unwrap()
    }

    /// Stores a response for `month` straight through the store, as an import does.
    fn add_response(&self, month: Month, comment: &str) {
        let mut store = Store::open(&self.db).unwrap();
        let (team, session_type, role) = self.context_ids();
        store
            .submit(&NewResponse {
                questionnaire_version: 1,
                session_month: month,
                source: Source::Paper,
                team,
                session_type,
                role,
                answers: [None; psi_feedback::questionnaire::ITEMS.len()],
                estimate: psi_feedback::questionnaire::NO_ESTIMATE,
                comment: Some(comment.to_string()),
            })
            .unwrap();
    }

    fn context_ids(&self) -> (i64, i64, i64) {
        let s = self.call("app_state", json!({})).unwrap();
        let first = |k: &str| s["context"][k][0]["id"].as_i64().unwrap();
        (first("teams"), first("session_types"), first("roles"))
    }

    fn response(&self, answers: Value, comment: Value) -> Value {
        let (team, session_type, role) = self.context_ids();
        json!({"response": {"team": team, "session_type": session_type, "role": role, "answers": answers, "comment": comment}})
    }
}

fn error_message(e: &Value) -> &str {
    e["message"]
        .as_str()
        .unwrap_or_else(|| e.as_str().unwrap_or(""))
}

#[test]
fn first_run_state_then_setup_then_state_with_lists() {
    let h = Harness::new();
    let s = h.call("app_state", json!({})).unwrap();
    assert_eq!(s["configured"], false);
    assert_eq!(s["questionnaire"]["version"], 1);
    assert!(s["questionnaire"]["sections"].as_array().unwrap().len() >= 5);

    let short = h.call("setup", json!({"setup": {"passphrase": "short", "teams": ["A"], "session_types": ["B"], "roles": ["C"]}}));
    let e = short.unwrap_err();
    assert_eq!(e["kind"], "invalid");
    assert_eq!(e["field"], "passphrase");
    let s = h.call("app_state", json!({})).unwrap();
    assert_eq!(s["configured"], false, "a refused setup sets nothing up");
    assert_eq!(s["context"]["teams"], json!([]));

    let h = Harness::configured();
    let s = h.call("app_state", json!({})).unwrap();
    assert_eq!(s["configured"], true);
    assert_eq!(s["staffUnlocked"], false);
    let teams: Vec<&str> = s["context"]["teams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(teams, ["North", "South"]);
    let again = h.call("setup", json!({"setup": {"passphrase": "another one 2", "teams": ["X"], "session_types": ["Y"], "roles": ["Z"]}}));
    assert_eq!(again.unwrap_err()["kind"], "already_configured");
}

#[test]
fn a_valid_response_is_stored_with_version_and_month_only_once() {
    let h = Harness::configured();
    let r = h.call(
        "submit_response",
        h.response(
            json!({"power_say": 5, "rupture": 1, "overall": 0}),
            json!("Good session"),
        ),
    );
    assert_eq!(r.unwrap()["saved"], true);
    assert_eq!(h.rows(), 1);
    let c = Connection::open(&h.db).unwrap();
    let (version, power_say, rupture, overall, safety, comment, month, submitted): (i64, i64, i64, i64, Option<i64>, String, String, String) = c
        .query_row(
            "SELECT questionnaire_version, power_say, rupture, overall, safety_trust, comment, session_month, submitted_at FROM responses",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
        )
        .unwrap();
    assert_eq!(
        (version, power_say, rupture, overall, safety),
        (1, 5, 1, 0, None)
    );
    assert_eq!(comment, "Good session");
    assert_eq!(month.len(), 7);
    assert!(submitted.ends_with('Z'), "UTC: {submitted}");
}

#[test]
fn bad_payloads_are_refused_with_a_clear_error_and_store_nothing() {
    let h = Harness::configured();
    let (team, st, role) = h.context_ids();
    let huge = "x".repeat(100_000);
    let cases: Vec<(&str, Value, Option<&str>)> = vec![
        (
            "wrong type for an answer",
            h.response(json!({"power_say": "five"}), Value::Null),
            None,
        ),
        (
            "wrong type for the team",
            json!({"response": {"team": "North", "session_type": st, "role": role}}),
            None,
        ),
        (
            "answer out of range",
            h.response(json!({"power_say": 6}), Value::Null),
            Some("power_say"),
        ),
        (
            "negative answer",
            h.response(json!({"overall": -1}), Value::Null),
            Some("overall"),
        ),
        (
            "huge number",
            h.response(json!({"overall": 1e30}), Value::Null),
            None,
        ),
        (
            "rupture out of range",
            h.response(json!({"rupture": 4}), Value::Null),
            Some("rupture"),
        ),
        (
            "unknown item",
            h.response(json!({"favourite_colour": 1}), Value::Null),
            None,
        ),
        (
            "huge string comment",
            h.response(json!({}), json!(huge)),
            Some("comment"),
        ),
        (
            "huge item id",
            h.response(json!({huge.clone(): 1}), Value::Null),
            None,
        ),
        (
            "unknown team",
            json!({"response": {"team": 999, "session_type": st, "role": role}}),
            Some("team"),
        ),
        (
            "unknown role",
            json!({"response": {"team": team, "session_type": st, "role": 999}}),
            Some("role"),
        ),
        (
            "extra field",
            json!({"response": {"team": team, "session_type": st, "role": role, "name": "Sam"}}),
            None,
        ),
        ("not an object", json!({"response": [1, 2, 3]}), None),
        ("missing argument", json!({}), None),
    ];
    for (what, body, field) in cases {
        let e = h.call("submit_response", body).expect_err(what);
        let message = error_message(&e);
        assert!(!message.is_empty(), "{what}: no message in {e}");
        assert!(
            message.len() < 400,
            "{what}: the message repeats the input: {}",
            message.len()
        );
        if what == "missing argument" {
            // Refused by Tauri before our code runs, with its own plain message.
            assert!(
                message.contains("missing required key response"),
                "{message}"
            );
        } else {
            assert_eq!(e["kind"], "invalid", "{what}: {e}");
        }
        if let Some(f) = field {
            assert_eq!(e["field"], f, "{what}: {e}");
        }
    }
    assert_eq!(h.rows(), 0);
    // The app still answers.
    assert_eq!(
        h.call(
            "submit_response",
            h.response(json!({"power_say": 3}), Value::Null)
        )
        .unwrap()["saved"],
        true
    );
    assert_eq!(h.rows(), 1);
}

#[test]
fn staff_commands_need_the_passphrase() {
    let h = Harness::configured();
    for (cmd, body) in [
        ("staff_overview", json!({"period": "month"})),
        ("staff_comments", json!({})),
        (
            "update_settings",
            json!({"settings": {"teams": ["A"], "session_types": ["B"], "roles": ["C"], "defaults": {"team": null, "session_type": null, "role": null}}}),
        ),
        (
            "export_file",
            json!({"request": {"period": "month", "from": "2026-01", "to": "2026-01", "by": "none", "format": "csv"}}),
        ),
        (
            "preview_export",
            json!({"request": {"period": "month", "from": "2026-01", "to": "2026-01", "by": "none", "format": "csv"}}),
        ),
        ("release_history", json!({})),
        ("disclosure_settings", json!({})),
        (
            "update_disclosure_settings",
            json!({"settings": {"rules": {"group_floor": 10, "rounding_base": 5, "min_possible_values": 3}, "staff_counts": []}}),
        ),
        ("staff_activity", json!({})),
        ("safety_settings", json!({})),
        ("audit_trail", json!({})),
        ("set_kiosk", json!({"on": true})),
        ("set_ask_estimate", json!({"on": true})),
        ("discard_unsaved", json!({})),
        ("backup_file", json!({})),
        (
            "update_retention",
            json!({"retention": {"months": 12, "confirm": true}}),
        ),
        (
            "change_passphrase",
            json!({"change": {"current": "staff passphrase 1", "new": "another passphrase"}}),
        ),
        (
            "update_help_lines",
            json!({"help": {"lines": {"en": ["Call the clinic."]}}}),
        ),
    ] {
        assert_eq!(h.call(cmd, body).unwrap_err()["kind"], "locked", "{cmd}");
    }
    // Saving again what could not be saved needs no passphrase, and with nothing
    // waiting it saves nothing.
    assert_eq!(h.call("retry_unsaved", json!({})).unwrap(), json!(0));
    assert_eq!(
        h.call("unlock_staff", json!({"passphrase": "wrong passphrase"}))
            .unwrap_err()["kind"],
        "wrong_passphrase"
    );
    h.call("unlock_staff", json!({"passphrase": "staff passphrase 1"}))
        .unwrap();
    // One response today, and one from last month (as a paper import would add it).
    h.call(
        "submit_response",
        h.response(json!({"power_say": 3}), json!("Written today")),
    )
    .unwrap();
    let last_month = Month::current().prev();
    h.add_response(last_month, "I felt heard");
    let overview = h
        .call("staff_overview", json!({"period": "month"}))
        .unwrap();
    assert_eq!(overview["total_responses"], 2);
    assert_eq!(
        overview["teams"][0]["responses"], 2,
        "today's response is counted"
    );
    let rows = overview["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "only the month that has ended: {rows:?}");
    assert_eq!(rows[0][1]["text"], last_month.to_string());
    assert_eq!(
        rows[0][2]["text"], "withheld",
        "one response is below the floor"
    );
    assert_eq!(rows[0][2]["withheld"], true);
    assert!(rows[0][2]["reason"]
        .as_str()
        .unwrap()
        .contains("fewer than 10"));
    let comments = h.call("staff_comments", json!({})).unwrap();
    let comments = comments.as_array().unwrap();
    assert_eq!(
        comments.len(),
        1,
        "today's comment waits for the month to end"
    );
    assert_eq!(comments[0]["comment"], "I felt heard");
    assert_eq!(comments[0]["month"], last_month.to_string());
    assert_eq!(
        h.call("staff_overview", json!({"period": "week"}))
            .unwrap_err()["field"],
        "period"
    );
    h.call("lock_staff", json!({})).unwrap();
    assert_eq!(
        h.call("staff_comments", json!({})).unwrap_err()["kind"],
        "locked"
    );
}

#[test]
fn anonymity_settings_only_tighten_and_a_refused_save_writes_nothing() {
    let h = Harness::configured();
    h.call("unlock_staff", json!({"passphrase": "staff passphrase 1"}))
        .unwrap();
    let start = h.call("disclosure_settings", json!({})).unwrap();
    assert_eq!(
        start["rules"],
        json!({"group_floor": 10, "rounding_base": 5, "min_possible_values": 3})
    );
    let save = |rules: Value, counts: Value| {
        h.call(
            "update_disclosure_settings",
            json!({"settings": {"rules": rules, "staff_counts": counts}}),
        )
    };
    let team = h.call("app_state", json!({})).unwrap()["context"]["teams"][0]["name"].clone();
    let role = h.call("app_state", json!({})).unwrap()["context"]["roles"][0]["name"].clone();
    let counts = json!([{"team": team, "role": role, "staff": 4}]);
    for (rules, counts, field) in [
        (
            json!({"group_floor": 9, "rounding_base": 5, "min_possible_values": 3}),
            counts.clone(),
            "group_floor",
        ),
        (
            json!({"group_floor": 7, "rounding_base": 5, "min_possible_values": 3}),
            counts.clone(),
            "group_floor",
        ),
        (
            json!({"group_floor": 10, "rounding_base": 4, "min_possible_values": 3}),
            counts.clone(),
            "rounding_base",
        ),
        (
            json!({"group_floor": 10, "rounding_base": 5, "min_possible_values": 2}),
            counts.clone(),
            "min_possible_values",
        ),
        (
            json!({"group_floor": 10, "rounding_base": 5, "min_possible_values": 8}),
            counts.clone(),
            "min_possible_values",
        ),
        (
            json!({"group_floor": 12, "rounding_base": 5, "min_possible_values": 3}),
            json!([{"team": team, "role": role, "staff": 4}, {"team": "No such team", "role": role, "staff": 1}]),
            "staff_counts[1]",
        ),
    ] {
        let e = save(rules, counts).unwrap_err();
        assert_eq!(e["field"], field, "{e}");
        assert_eq!(
            h.call("disclosure_settings", json!({})).unwrap(),
            start,
            "nothing written"
        );
    }
    assert_eq!(
        save(json!({"group_floor": 10, "rounding_base": 5}), json!([])).unwrap_err()["kind"],
        "invalid"
    );
    let saved = save(
        json!({"group_floor": 12, "rounding_base": 10, "min_possible_values": 4}),
        counts,
    )
    .unwrap();
    assert_eq!(saved["rules"]["group_floor"], 12);
    assert_eq!(saved["staff_counts"][0]["staff"], 4);
    assert_eq!(
        save(
            json!({"group_floor": 10, "rounding_base": 10, "min_possible_values": 4}),
            json!([])
        )
        .unwrap_err()["field"],
        "group_floor",
        "back to 10 is looser than 12 now"
    );
    assert_eq!(h.call("release_history", json!({})).unwrap(), json!([]));
}

#[test]
fn settings_validate_and_apply_defaults() {
    let h = Harness::configured();
    h.call("unlock_staff", json!({"passphrase": "staff passphrase 1"}))
        .unwrap();
    let bad = h.call(
        "update_settings",
        json!({"settings": {"teams": ["A", "a"], "session_types": ["B"], "roles": ["C"], "defaults": {"team": null, "session_type": null, "role": null}}}),
    );
    assert_eq!(bad.unwrap_err()["field"], "teams");
    let unknown_default = h.call(
        "update_settings",
        json!({"settings": {"teams": ["West"], "session_types": ["B"], "roles": ["C"], "defaults": {"team": "North", "session_type": null, "role": null}}}),
    );
    assert_eq!(unknown_default.unwrap_err()["field"], "team");
    let names = |ctx: &Value, list: &str| -> Vec<String> {
        ctx[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect()
    };
    let ctx = h.call("app_state", json!({})).unwrap()["context"].clone();
    assert_eq!(
        names(&ctx, "teams"),
        ["North", "South"],
        "refused settings change nothing"
    );
    assert_eq!(names(&ctx, "roles"), ["Nurse", "Psychologist"]);
    let ctx = h
        .call(
            "update_settings",
            json!({"settings": {"teams": ["North", "East"], "session_types": ["Group"], "roles": ["Nurse"], "defaults": {"team": "East", "session_type": "Group", "role": null}}}),
        )
        .unwrap();
    let east = ctx["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "East")
        .unwrap()["id"]
        .clone();
    assert_eq!(ctx["defaults"]["team"], east);
    assert_eq!(ctx["defaults"]["role"], Value::Null);
    assert_eq!(ctx["session_types"].as_array().unwrap().len(), 1);
}

#[test]
fn help_lines_are_saved_per_language_by_staff_and_sent_to_the_window() {
    let h = Harness::configured();
    assert_eq!(h.call("app_state", json!({})).unwrap()["help"], json!({}));
    h.call("unlock_staff", json!({"passphrase": "staff passphrase 1"}))
        .unwrap();
    for (body, field) in [
        (
            json!({"help": {"lines": {"xx": ["Call 999."]}}}),
            Value::Null,
        ),
        (
            json!({"help": {"lines": {"en": vec!["Call 999."; 9]}}}),
            json!("en"),
        ),
        (
            json!({"help": {"lines": {"pl": ["x".repeat(201)]}}}),
            json!("pl"),
        ),
        (json!({"help": {"lines": {"en": "Call 999."}}}), Value::Null),
        (json!({"help": {"lines": {}, "extra": true}}), Value::Null),
        (json!({"help": [["en", ["Call 999."]]]}), Value::Null),
    ] {
        let e = h.call("update_help_lines", body.clone()).unwrap_err();
        assert_eq!(e["kind"], "invalid", "{body}: {e}");
        assert_eq!(e["field"], field, "{body}: {e}");
    }
    assert_eq!(
        h.call("app_state", json!({})).unwrap()["help"],
        json!({}),
        "nothing saved"
    );
    let saved = h
        .call(
            "update_help_lines",
            json!({"help": {"lines": {"en": [" Ask at reception. ", "", "Call 999."], "pl": []}}}),
        )
        .unwrap();
    assert_eq!(saved, json!({"en": ["Ask at reception.", "Call 999."]}));
    assert_eq!(h.call("app_state", json!({})).unwrap()["help"], saved);
}

#[test]
fn a_request_to_talk_is_a_count_that_staff_acknowledge_at_hand_over() {
    let h = Harness::configured();
    let state = |h: &Harness| h.call("app_state", json!({})).unwrap()["talkRequests"].clone();
    assert_eq!(state(&h), json!(0));
    // The person's choice needs no passphrase, and carries nothing.
    assert_eq!(h.call("ask_to_talk", json!({})).unwrap(), json!(1));
    assert_eq!(h.call("ask_to_talk", json!({})).unwrap(), json!(2));
    assert_eq!(state(&h), json!(2));
    assert_eq!(h.rows(), 0, "no response comes of it");
    assert_eq!(h.call("acknowledge_talk", json!({})).unwrap(), json!(2));
    assert_eq!(state(&h), json!(0));
    assert_eq!(h.call("acknowledge_talk", json!({})).unwrap(), json!(0));
    let c = Connection::open(&h.db).unwrap();
    let audit: Vec<(String, String)> = c
        .prepare("SELECT action, detail FROM audit WHERE action = 'talk_acknowledged'")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        audit,
        [(
            "talk_acknowledged".to_string(),
            "Staff saw that 2 people would like to talk to someone".to_string()
        )],
        "one row, a count"
    );
}

#[test]
fn the_last_hand_over_choices_are_remembered_only_when_valid() {
    let h = Harness::configured();
    let (team, session_type, role) = h.context_ids();
    let last = |h: &Harness| h.call("app_state", json!({})).unwrap()["context"]["last"].clone();
    assert_eq!(
        last(&h),
        json!({"team": null, "session_type": null, "role": null})
    );
    for body in [
        json!({"choices": {"team": 999, "session_type": session_type, "role": role}}),
        json!({"choices": {"team": team, "session_type": session_type}}),
        json!({"choices": {"team": team, "session_type": session_type, "role": role, "version": "young"}}),
        json!({"choices": [team, session_type, role]}),
    ] {
        let e = h.call("remember_choices", body.clone()).unwrap_err();
        assert_eq!(e["kind"], "invalid", "{body}: {e}");
    }
    assert_eq!(last(&h)["team"], Value::Null, "nothing remembered");
    h.call(
        "remember_choices",
        json!({"choices": {"team": team, "session_type": session_type, "role": role}}),
    )
    .unwrap();
    assert_eq!(
        last(&h),
        json!({"team": team, "session_type": session_type, "role": role})
    );
}

#[test]
fn the_command_line_default_database_is_in_the_windows_app_data_dir() {
    use tauri::Manager;
    let h = Harness::new();
    let app = h.window.app_handle();
    assert_eq!(app.config().identifier, psi_feedback::IDENTIFIER);
    let dir = app.path().app_data_dir().unwrap();
    let default = psi_feedback::store::default_path(psi_feedback::IDENTIFIER).unwrap();
    assert_eq!(default, dir.join(psi_feedback::store::DB_FILE));
}

/// The practitioner's estimate through the real IPC: refused where the device does not
/// ask for it or it is not five answers' codes, and then nothing held; a valid one goes
/// with the next answers sent and no others.
#[test]
fn an_estimate_is_held_only_when_valid_and_goes_with_the_next_answers() {
    let h = Harness::configured();
    let (team, session_type, role) = h.context_ids();
    let send = |h: &Harness| {
        h.call(
            "submit_response",
            json!({"response": {"team": team, "session_type": session_type, "role": role,
                   "answers": {"power_say": 3, "safety_honest": 4, "identity_person": 5}}}),
        )
        .unwrap();
    };
    let stored = |h: &Harness| -> Vec<(Option<i64>, Option<i64>, Option<i64>)> {
        Connection::open(&h.db)
            .unwrap()
            .prepare("SELECT estimate_power, estimate_safety, estimate_identity FROM responses ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let e = h
        .call("hold_estimate", json!({"estimate": {"power": 4}}))
        .unwrap_err();
    assert_eq!(e["key"], "error.estimate.off", "{e}");
    h.call("unlock_staff", json!({"passphrase": "staff passphrase 1"}))
        .unwrap();
    h.call("set_ask_estimate", json!({"on": true})).unwrap();
    h.call("lock_staff", json!({})).unwrap();
    assert_eq!(
        h.call("app_state", json!({})).unwrap()["context"]["ask_estimate"],
        true
    );
    for body in [
        json!({"estimate": {"power": 6}}),
        json!({"estimate": {"safety": 0}}),
        json!({"estimate": {"identity": 2.5}}),
        json!({"estimate": {"identity": "4"}}),
        json!({"estimate": {"power": 4, "rupture": 1}}),
        json!({"estimate": [4, 4, 4]}),
        json!({"estimate": "4"}),
    ] {
        h.call("hold_estimate", json!({"estimate": {"power": 2}}))
            .unwrap();
        let e = h.call("hold_estimate", body.clone()).unwrap_err();
        assert_eq!(e["kind"], "invalid", "{body}: {e}");
        // Refused, and the one held before is gone too.
        send(&h);
        assert_eq!(stored(&h).pop(), Some((None, None, None)), "{body}");
    }
    h.call(
        "hold_estimate",
        json!({"estimate": {"power": 5, "safety": 1, "identity": null}}),
    )
    .unwrap();
    send(&h);
    send(&h);
    let all = stored(&h);
    assert_eq!(
        all[all.len() - 2..],
        [(Some(5), Some(1), None), (None, None, None)]
    );
    h.call("forget_estimate", json!({})).unwrap();
}
