//! The app when the disk, the database or the person does something unexpected.

use super::*;
use crate::export::Format;
use crate::store::Action;
use crate::store::Fault;
use serde_json::json;

const PASS: &str = "staff passphrase 1";

fn app() -> (tempfile::TempDir, std::path::PathBuf, App) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.sqlite3");
    let app = App::open(&db, Timeouts::default());
    app.setup(json!({"passphrase": PASS, "teams": ["North"],
        "session_types": ["Individual"], "roles": ["Nurse"]}))
        .unwrap();
    (dir, db, app)
}

fn response(app: &App, comment: &str) -> serde_json::Value {
    let c = app.state().unwrap().context;
    json!({"team": c.teams[0].id, "session_type": c.session_types[0].id,
           "role": c.roles[0].id, "answers": {"power_say": 4}, "comment": comment})
}

fn rows(app: &App) -> u64 {
    app.store().unwrap().response_count().unwrap()
}

fn with_store<T>(app: &App, f: impl FnOnce(&Store) -> T) -> T {
    f(&app.store().unwrap())
}

fn actions(app: &App) -> Vec<String> {
    with_store(app, |s| s.audit_trail(1000).unwrap())
        .into_iter()
        .map(|e| e.action)
        .collect()
}

/// Damage the open does not look for (deep inside the responses, after a clean
/// close) is found by the full check that every write waits for: the answers are
/// kept as for a full disk, staff are told, and the file is never written.
#[test]
fn damage_found_by_the_full_check_keeps_answers_and_is_shown_to_staff() {
    let (_d, db, app) = app();
    with_store(&app, |s| {
        s.conn_for_tests()
            .execute_batch(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
                 INSERT INTO responses (questionnaire_version, submitted_at, session_month,
                     source, team_id, session_type_id, role_id, comment)
                 SELECT 1, '2026-01-01T00:00:00Z', '2026-01', 'paper', 1, 1, 1,
                        'comment number ' || i FROM n",
            )
            .unwrap()
    });
    drop(app);
    let mut bytes = std::fs::read(&db).unwrap();
    let page = u16::from_be_bytes([bytes[16], bytes[17]]) as usize;
    let at = bytes
        .windows(19)
        .position(|w| w == b"comment number 1500")
        .unwrap();
    bytes[at / page * page..(at / page + 1) * page].fill(0xA5);
    std::fs::write(&db, &bytes).unwrap();

    let app = App::open(&db, Timeouts::default());
    assert!(app.state().unwrap().problem.is_none(), "the open is quick");
    app.start_full_check();
    let err = app.submit(response(&app, "after the damage")).unwrap_err();
    assert!(matches!(err, AppError::NotSaved), "{err:?}");
    assert_eq!(app.state().unwrap().unsaved, 1);
    app.unlock(PASS).unwrap();
    let notices = app.safety_settings().unwrap().notices;
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].key, "error.db.check_failed");
    assert!(notices[0].message.contains("Nothing more is written"));
    drop(app);
    assert_eq!(std::fs::read(&db).unwrap(), bytes, "never written");
}

#[test]
fn a_full_disk_keeps_the_answers_until_they_are_saved_again() {
    let (_d, _db, app) = app();
    with_store(&app, |s| s.simulate_fault(Some(Fault::DiskFull)));
    let mut acknowledged = 0;
    let err = loop {
        match app.submit(response(&app, &format!("note {acknowledged}"))) {
            Ok(_) => acknowledged += 1,
            Err(e) => break e,
        }
        assert!(acknowledged < 10_000, "the disk never filled");
    };
    assert!(matches!(err, AppError::NotSaved), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Your answers could not be saved. Please tell a member of staff."
    );
    assert_eq!(rows(&app), acknowledged, "nothing half-written");
    assert_eq!(app.state().unwrap().unsaved, 1);
    assert!(matches!(app.retry_unsaved(), Err(AppError::NotSaved)));
    assert_eq!(
        app.state().unwrap().unsaved,
        1,
        "a failed retry loses nothing"
    );

    with_store(&app, |s| s.simulate_fault(None));
    assert_eq!(app.retry_unsaved().unwrap(), 1);
    assert_eq!(rows(&app), acknowledged + 1);
    assert_eq!(app.state().unwrap().unsaved, 0);
    let comment: String = with_store(&app, |s| {
        s.conn_for_tests()
            .prepare("SELECT comment FROM responses ORDER BY id DESC LIMIT 1")
            .unwrap()
            .query_row([], |r| r.get(0))
            .unwrap()
    });
    assert_eq!(comment, format!("note {acknowledged}"));
    assert!(actions(&app).contains(&"saved_late".to_string()));
}

#[test]
fn a_read_only_database_keeps_the_answers_and_staff_can_discard_them() {
    let (_d, _db, app) = app();
    with_store(&app, |s| s.simulate_fault(Some(Fault::ReadOnly)));
    let err = app.submit(response(&app, "kept")).unwrap_err();
    assert!(matches!(err, AppError::NotSaved), "{err:?}");
    assert_eq!(rows(&app), 0);
    assert_eq!(app.state().unwrap().unsaved, 1);
    // Only staff may throw answers away; a read-only disk does not shut them out.
    assert!(matches!(app.discard_unsaved(), Err(AppError::Locked)));
    app.unlock(PASS).unwrap();
    assert_eq!(app.discard_unsaved().unwrap(), 1);
    assert_eq!(app.state().unwrap().unsaved, 0);
    with_store(&app, |s| s.simulate_fault(None));
    assert_eq!(app.retry_unsaved().unwrap(), 0);
    assert_eq!(rows(&app), 0);
}

#[test]
fn a_locked_database_keeps_the_answers() {
    let (_d, db, app) = app();
    let other = rusqlite::Connection::open(&db).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    let err = app.submit(response(&app, "waiting")).unwrap_err();
    assert!(matches!(err, AppError::NotSaved), "{err:?}");
    other.execute_batch("ROLLBACK").unwrap();
    assert_eq!(app.retry_unsaved().unwrap(), 1);
    assert_eq!(rows(&app), 1);
}

#[test]
fn wrong_passphrases_pause_tries_even_after_a_restart() {
    let (_d, db, app) = app();
    // Whole seconds, as the database keeps them.
    let t0 = chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp(), 0).unwrap();
    let unlock = |app: &App, p: &str, at| {
        app.check_passphrase_at(p, "test", Some((Action::Unlock, "Unlocked")), at)
    };
    for _ in 0..4 {
        assert!(matches!(
            unlock(&app, "wrong one!", t0),
            Err(AppError::WrongPassphrase)
        ));
    }
    match unlock(&app, "wrong one!", t0) {
        Err(AppError::Paused { seconds }) => assert_eq!(seconds, 30),
        other => panic!("{other:?}"),
    }
    drop(app);
    let app = App::open(&db, Timeouts::default());
    let later = t0 + chrono::Duration::seconds(10);
    assert!(
        matches!(
            unlock(&app, PASS, later),
            Err(AppError::Paused { seconds: 21 })
        ),
        "even the right passphrase waits, after a restart too"
    );
    let after = t0 + chrono::Duration::seconds(31);
    match unlock(&app, "wrong again", after) {
        Err(AppError::Paused { seconds }) => assert_eq!(seconds, 60, "the pause doubles"),
        other => panic!("{other:?}"),
    }
    let after = after + chrono::Duration::seconds(61);
    unlock(&app, PASS, after).unwrap();
    assert_eq!(
        with_store(&app, |s| s.tries().unwrap().failed),
        0,
        "a right passphrase starts the count again"
    );
    let trail = actions(&app);
    assert_eq!(trail.iter().filter(|a| *a == "wrong_passphrase").count(), 6);
    assert_eq!(trail.iter().filter(|a| *a == "unlock_paused").count(), 2);
    assert_eq!(trail[0], "unlock");
}

#[test]
fn the_staff_area_locks_itself_when_left_idle() {
    let (_d, _db, app) = app();
    app.unlock(PASS).unwrap();
    assert!(app.audit_trail().is_ok());
    *app.staff() = Some(Instant::now() - app.timeouts.staff_expiry() / 2);
    assert!(app.audit_trail().is_ok(), "recent activity keeps it open");
    *app.staff() = Some(Instant::now() - app.timeouts.staff_expiry() - Duration::from_secs(1));
    assert!(matches!(app.audit_trail(), Err(AppError::Locked)));
    assert!(!app.state().unwrap().staff_unlocked);
    assert!(
        matches!(app.audit_trail(), Err(AppError::Locked)),
        "stays locked"
    );
}

#[test]
fn the_passphrase_changes_only_with_the_current_one() {
    let (_d, _db, app) = app();
    let change =
        |current: &str, new: &str| app.change_passphrase(json!({"current": current, "new": new}));
    assert!(matches!(
        change(PASS, "new passphrase"),
        Err(AppError::Locked)
    ));
    app.unlock(PASS).unwrap();
    let err = change("not it at all", "new passphrase").unwrap_err();
    assert_eq!(err.field(), Some("current"));
    assert!(matches!(
        change(PASS, "short"),
        Err(AppError::Invalid { .. })
    ));
    change(PASS, "new passphrase").unwrap();
    app.lock();
    assert!(matches!(app.unlock(PASS), Err(AppError::WrongPassphrase)));
    app.unlock("new passphrase").unwrap();
    assert!(actions(&app).contains(&"passphrase_changed".to_string()));
}

#[test]
fn kiosk_mode_needs_the_passphrase_to_close() {
    let (_d, db, app) = app();
    assert!(!app.close_needs_passphrase());
    assert!(matches!(app.set_kiosk(true), Err(AppError::Locked)));
    app.unlock(PASS).unwrap();
    app.set_kiosk(true).unwrap();
    assert!(!app.close_needs_passphrase(), "staff unlocked");
    app.lock();
    assert!(app.close_needs_passphrase());
    assert!(matches!(
        app.close_app("wrong one!"),
        Err(AppError::WrongPassphrase)
    ));
    app.close_app(PASS).unwrap();
    drop(app);
    let app = App::open(&db, Timeouts::default());
    assert!(app.state().unwrap().kiosk, "kiosk mode survives a restart");
    assert!(app.close_needs_passphrase());
    let trail = actions(&app);
    assert!(trail.contains(&"kiosk".to_string()));
    assert!(trail.contains(&"close_app".to_string()));
}

#[test]
fn a_damaged_database_is_reported_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("app.sqlite3");
    std::fs::write(&db, b"these are not the bytes of a database, at all").unwrap();
    let before = std::fs::read(&db).unwrap();
    let app = App::open(&db, Timeouts::default());
    let state = app.state().unwrap();
    let problem = state.problem.expect("a problem");
    assert!(
        problem.message.contains("not an SQLite database"),
        "{}",
        problem.message
    );
    assert_eq!(problem.path, db.display().to_string());
    let v = serde_json::to_value(&problem).unwrap();
    assert_eq!(v["key"], "error.db.not_sqlite");
    assert_eq!(v["args"], json!({}));
    assert_eq!(v["message"], problem.message);
    assert_eq!(v["damaged"], true);
    assert!(matches!(
        app.submit(json!({})),
        Err(AppError::Invalid { .. }) | Err(AppError::Unusable(_))
    ));
    match app.unlock(PASS) {
        Err(e @ AppError::Unusable(_)) => {
            assert_eq!(e.message().key, "error.db.not_sqlite");
            assert_eq!(e.to_string(), problem.message, "the same words every time");
        }
        other => panic!("{other:?}"),
    }
    drop(app);
    assert_eq!(std::fs::read(&db).unwrap(), before, "never written");
}

#[test]
fn retention_deletes_old_responses_keeps_the_ledger_and_is_audited() {
    let (_d, _db, app) = app();
    let now = Month::current();
    let old = (0..14).fold(now, |m, _| m.prev());
    {
        let mut store = app.store().unwrap();
        let c = store.context().unwrap();
        for (month, n) in [(old, 3), (now.prev(), 2)] {
            for _ in 0..n {
                store
                    .submit(&NewResponse {
                        questionnaire_version: questionnaire::VERSION,
                        session_month: month,
                        source: crate::store::Source::Paper,
                        team: c.teams[0].id,
                        session_type: c.session_types[0].id,
                        role: c.roles[0].id,
                        answers: [None; questionnaire::ITEMS.len()],
                        estimate: questionnaire::NO_ESTIMATE,
                        comment: None,
                    })
                    .unwrap();
            }
        }
    }
    app.unlock(PASS).unwrap();
    let export = |from: Month| {
        app.prepare_export(json!({"period": "month", "from": from.to_string(),
            "to": now.prev().to_string(), "by": "none", "format": "csv"}))
    };
    let (_, prepared) = export(old).unwrap();
    app.record_export(prepared, Format::Csv).unwrap();
    let ask = app
        .update_retention(json!({"months": 12, "confirm": false}))
        .unwrap();
    assert_eq!((ask.saved, ask.deleted), (false, 3));
    assert_eq!(rows(&app), 5, "asking deletes nothing");
    assert!(app
        .update_retention(json!({"months": 0, "confirm": true}))
        .is_err());
    let done = app
        .update_retention(json!({"months": 12, "confirm": true}))
        .unwrap();
    assert_eq!((done.saved, done.deleted), (true, 3));
    assert_eq!(rows(&app), 2);
    assert_eq!(app.release_history().unwrap().len(), 1, "the ledger stays");
    let (_, again) = export(old).unwrap();
    assert!(again.reissued, "the same request still gets its file");
    let Err(err) = export(old.next()) else {
        panic!("an export of deleted months was not refused")
    };
    assert_eq!(err.field(), Some("from"), "{err}");
    // Paper forms cannot bring deleted months back.
    let columns = crate::import::columns();
    let row = |m: Month| {
        let mut cells = vec![
            m.to_string(),
            "North".into(),
            "Individual".into(),
            "Nurse".into(),
        ];
        cells.resize(columns.len(), String::new());
        cells.join(",")
    };
    let csv = format!(
        "{}\n{}\n{}\n",
        columns.join(","),
        row(now.prev()),
        row(old.next())
    );
    match crate::import::check(&app.store().unwrap(), csv.as_bytes(), now) {
        Err(crate::import::ImportError::Rejected(problems)) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert!(
                problems[0].to_string().contains("deleted"),
                "{}",
                problems[0]
            );
        }
        other => panic!("{:?}", other.map(|r| r.len())),
    }
    let trail = app.audit_trail().unwrap();
    assert!(trail
        .iter()
        .any(|e| e.action == "deletion" && e.detail.starts_with("Deleted 3 responses")));
    assert!(trail.iter().all(|e| e.who == "staff"));
}

#[test]
fn wrong_tries_are_counted_even_when_the_disk_cannot_record_them() {
    let (_d, _db, app) = app();
    app.store().unwrap().simulate_fault(Some(Fault::ReadOnly));
    for _ in 0..4 {
        assert!(matches!(
            app.unlock("not it at all"),
            Err(AppError::WrongPassphrase)
        ));
    }
    assert!(matches!(
        app.unlock("not it at all"),
        Err(AppError::Paused { .. })
    ));
    assert!(
        matches!(app.unlock(PASS), Err(AppError::Paused { .. })),
        "no free guesses while the disk is read-only"
    );
}

#[test]
fn closing_with_answers_waiting_needs_the_passphrase_even_outside_kiosk_mode() {
    let (_d, _db, app) = app();
    let c = app.state().unwrap().context;
    app.store().unwrap().simulate_fault(Some(Fault::ReadOnly));
    let r = json!({"team": c.teams[0].id, "session_type": c.session_types[0].id,
                   "role": c.roles[0].id, "answers": {}});
    assert!(!app.close_needs_passphrase());
    assert!(matches!(app.submit(r), Err(AppError::NotSaved)));
    assert!(app.close_needs_passphrase(), "closing would lose them");
    assert!(app.close_app("not it at all").is_err());
}

#[test]
fn retention_is_applied_again_at_every_start() {
    let (_d, db, app) = app();
    app.unlock(PASS).unwrap();
    app.update_retention(json!({"months": 6, "confirm": true}))
        .unwrap();
    drop(app);
    // A response from long ago arrives by a way that does not check (an old copy).
    let old = (0..8).fold(Month::current(), |m, _| m.prev());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "INSERT INTO responses (questionnaire_version, submitted_at, session_month,
                 source, team_id, session_type_id, role_id)
             VALUES (1, '2020-01-01T00:00:00Z', ?1, 'paper', 1, 1, 1)",
            [old.to_string()],
        )
        .unwrap();
    let app = App::open(&db, Timeouts::default());
    assert_eq!(app.store().unwrap().response_count().unwrap(), 0);
    let trail = app.store().unwrap().audit_trail(5).unwrap();
    assert_eq!(trail[0].action, "deletion");
}
