//! The store on a temporary database: lists, responses, settings and the ledger.

use super::*;
use crate::period::Month;
use crate::questionnaire::{self, item_index};
use crate::questionnaire::{Answers, ITEMS};

fn temp_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("nested").join(DB_FILE)).unwrap();
    (dir, store)
}

fn configured() -> (tempfile::TempDir, Store) {
    let (dir, mut s) = temp_store();
    s.configure(
        "$argon2id$fake",
        &[
            (ContextList::Teams, vec!["North".into(), "South".into()]),
            (ContextList::SessionTypes, vec!["Individual".into()]),
            (ContextList::Roles, vec!["Nurse".into()]),
        ],
    )
    .unwrap();
    (dir, s)
}

fn response(s: &Store) -> NewResponse {
    let mut answers: Answers = [None; ITEMS.len()];
    answers[item_index("power_say").unwrap()] = Some(4);
    answers[item_index("rupture").unwrap()] = Some(0);
    NewResponse {
        questionnaire_version: questionnaire::VERSION,
        session_month: Month::parse("2026-03").unwrap(),
        source: Source::Device,
        team: s.active_id(ContextList::Teams, "north").unwrap().unwrap(),
        session_type: s
            .active_id(ContextList::SessionTypes, "Individual")
            .unwrap()
            .unwrap(),
        role: s.active_id(ContextList::Roles, "Nurse").unwrap().unwrap(),
        answers,
        estimate: [Some(5), None, Some(2)],
        comment: Some("Kind and clear".into()),
    }
}

#[test]
fn opens_empty_with_wal_and_full_sync_and_latest_schema() {
    let (_d, s) = temp_store();
    let mode: String = s
        .conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let sync: i64 = s
        .conn
        .pragma_query_value(None, "synchronous", |r| r.get(0))
        .unwrap();
    assert_eq!(sync, 2, "FULL");
    assert_eq!(s.schema_version().unwrap(), SCHEMA_VERSION);
    assert!(!s.is_configured().unwrap());
    assert_eq!(s.response_count().unwrap(), 0);
}

#[test]
fn every_item_has_a_column_with_a_range_check_matching_its_options() {
    let (_d, s) = configured();
    for item in ITEMS {
        let sql = format!("SELECT {} FROM responses LIMIT 0", item.id);
        s.conn
            .prepare(&sql)
            .unwrap_or_else(|e| panic!("no column for {}: {e}", item.id));
    }
    // One past the last option is refused by the schema itself.
    let r = response(&s);
    let idx = item_index("rupture").unwrap();
    let mut bad = r.clone();
    bad.answers[idx] = Some(ITEMS[idx].options.len() as u8 + 1);
    let mut s = s;
    assert!(s.submit(&bad).is_err());
    assert_eq!(s.response_count().unwrap(), 0);
}

#[test]
fn submit_and_read_back() {
    let (_d, mut s) = configured();
    let r = response(&s);
    s.submit(&r).unwrap();
    assert_eq!(s.response_count().unwrap(), 1);
    let mut seen = Vec::new();
    let from = Month::parse("2026-01").unwrap();
    let to = Month::parse("2026-12").unwrap();
    let none = HashMap::new();
    let left_out = s
        .for_each_response(from, to, &[1], &none, |row: &ResponseRow| {
            seen.push(row.clone())
        })
        .unwrap();
    assert_eq!(left_out.within(from, to), (0, 0));
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].answers, r.answers);
    assert_eq!(seen[0].month, r.session_month);
    let outside = s
        .for_each_response(from, from, &[1], &none, |_| {
            panic!("March is outside January")
        })
        .unwrap();
    assert_eq!(outside.within(from, to), (0, 0));
    let other_version = s
        .for_each_response(from, to, &[2], &none, |_| panic!("version 1 is not 2"))
        .unwrap();
    assert_eq!(other_version.within(from, to), (1, 0));
    let released: HashMap<Month, i64> = [(r.session_month, 0)].into();
    let added_later = s
        .for_each_response(from, to, &[1], &released, |_| {
            panic!("added after its month was released")
        })
        .unwrap();
    assert_eq!(added_later.within(from, to), (0, 1));
    assert!(
        s.comments(Month::parse("2026-03").unwrap())
            .unwrap()
            .is_empty(),
        "March has not ended"
    );
    let c = s.comments(Month::parse("2026-04").unwrap()).unwrap();
    assert_eq!(c.len(), 1);
    assert_eq!(
        (
            c[0].team.as_str(),
            c[0].month.as_str(),
            c[0].comment.as_str()
        ),
        ("North", "2026-03", "Kind and clear")
    );
}

#[test]
fn insert_all_is_all_or_nothing() {
    let (_d, mut s) = configured();
    let good = response(&s);
    let mut bad = good.clone();
    bad.team = 999; // no such team: the foreign key refuses it
    assert!(s.insert_all(&[good.clone(), good.clone(), bad]).is_err());
    assert_eq!(s.response_count().unwrap(), 0);
    s.insert_all(&[good.clone(), good]).unwrap();
    assert_eq!(s.response_count().unwrap(), 2);
}

#[test]
fn configure_once_then_settings_hide_names_and_set_defaults() {
    let (_d, mut s) = configured();
    assert!(s.is_configured().unwrap());
    assert!(matches!(
        s.configure("x", &[]),
        Err(AppError::AlreadyConfigured)
    ));
    let north = s.active_id(ContextList::Teams, "North").unwrap().unwrap();
    s.update_settings(
        &[(ContextList::Teams, vec!["South".into(), "East".into()])],
        &[(ContextList::Teams, Some("East".into()))],
    )
    .unwrap();
    let ctx = s.context().unwrap();
    let names: Vec<_> = ctx.teams.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["East", "South"]);
    assert_eq!(
        ctx.defaults.team,
        s.active_id(ContextList::Teams, "East").unwrap()
    );
    assert!(!s.is_active(ContextList::Teams, north).unwrap());
    assert_eq!(
        s.all_names(ContextList::Teams).unwrap()[&north],
        "North",
        "hidden names are kept"
    );
    // A default that is not in the list is refused, and nothing changes.
    let err = s
        .update_settings(
            &[(ContextList::Teams, vec!["West".into()])],
            &[(ContextList::Teams, Some("North".into()))],
        )
        .unwrap_err();
    assert_eq!(err.field(), Some("team"));
    assert_eq!(s.context().unwrap().teams.len(), 2);
}
