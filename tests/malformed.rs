//! Malformed payloads through Tauri's real IPC on the mock runtime. The window is not
//! trusted, so every command checks its whole payload. Each payload generated here is
//! broken on purpose, mostly a valid payload with one or a few things wrong, some random
//! JSON, some under the wrong argument name. Each must be refused with a clear error,
//! write nothing (no response, setting, list, staff count, ledger or audit row), and
//! leave the app answering.
//!
//! Cases: 4,000 responses, 1,000 setups on a configured device, 1,500 on a fresh one
//! and 4,000 staff payloads, each sent to a locked and to an unlocked device (export
//! requests to the preview as well): 10,500 payloads, some 15,000 calls.

mod common;

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::path::PathBuf;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::strategy::{BoxedStrategy, Union};
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use psi_feedback::disclosure::RuleSettings;
use psi_feedback::period::Month;
use psi_feedback::questionnaire::ITEMS;
use psi_feedback::store::{ContextList, NewResponse, Source, Store};
use rusqlite::{Connection, OpenFlags};
use serde_json::{json, Map, Value};
use tauri::test::MockRuntime;
use tauri::WebviewWindow;

const PASSPHRASE: &str = "staff passphrase 1";

/// The active names of each list on a configured device.
const TEAMS: [&str; 2] = ["North", "South"];
const SESSION_TYPES: [&str; 2] = ["Individual", "Group"];
const ROLES: [&str; 2] = ["Nurse", "Psychologist"];
/// A name in each list that staff have hidden: it stays in the database for past
/// responses, but no new response or setting may use it.
const HIDDEN: [&str; 3] = ["Closed ward", "Home visit", "Student"];

/// Every table the app writes. A refused payload leaves each row as it was.
const TABLES: [&str; 9] = [
    "settings",
    "teams",
    "session_types",
    "roles",
    "responses",
    "staff_counts",
    "releases",
    "released_months",
    "audit",
];

/// An error message longer than this repeats the input rather than explaining it.
const MESSAGE_MAX_CHARS: usize = 300;

struct Harness {
    _dir: tempfile::TempDir,
    db: PathBuf,
    _app: tauri::App<MockRuntime>,
    window: WebviewWindow<MockRuntime>,
    /// A second connection, to see what the app's own connection wrote.
    reader: Connection,
    /// The first case that changed the device: every later case would prove nothing.
    damaged: RefCell<Option<String>>,
}

impl Harness {
    fn new() -> Harness {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("malformed.sqlite3");
        let (app, window) = common::ipc::open(&db);
        let reader = Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        Harness {
            _dir: dir,
            db,
            _app: app,
            window,
            reader,
            damaged: RefCell::new(None),
        }
    }

    /// A device in use: set up, one name of each list hidden, a staff count and a
    /// response stored, so that a refused payload has rows it could wrongly change.
    fn configured() -> Harness {
        let h = Harness::new();
        h.call(
            "setup",
            json!({"setup": {"passphrase": PASSPHRASE,
                "teams": [TEAMS[0], TEAMS[1], HIDDEN[0]],
                "session_types": [SESSION_TYPES[0], SESSION_TYPES[1], HIDDEN[1]],
                "roles": [ROLES[0], ROLES[1], HIDDEN[2]]}}),
        )
        .unwrap();
        let mut store = Store::open(&h.db).unwrap();
        let list = |names: [&str; 2]| names.iter().map(|n| n.to_string()).collect();
        store
            .update_settings(
                &[
                    (ContextList::Teams, list(TEAMS)),
                    (ContextList::SessionTypes, list(SESSION_TYPES)),
                    (ContextList::Roles, list(ROLES)),
                ],
                &[
                    (ContextList::Teams, None),
                    (ContextList::SessionTypes, None),
                    (ContextList::Roles, None),
                ],
            )
            .unwrap();
        store
            .save_disclosure_settings(
                RuleSettings {
                    group_floor: 10,
                    rounding_base: 5,
                    min_possible_values: 3,
                },
                &[(TEAMS[0].to_string(), ROLES[0].to_string(), 4)],
            )
            .unwrap();
        let ids = h.ids();
        store
            .submit(&NewResponse {
                questionnaire_version: 1,
                session_month: Month::current().prev(),
                source: Source::Paper,
                team: ids.active[0][0],
                session_type: ids.active[1][0],
                role: ids.active[2][0],
                answers: [Some(1); ITEMS.len()],
                estimate: [Some(3); 3],
                comment: Some("Kind and clear".to_string()),
            })
            .unwrap();
        h
    }

    fn unlocked() -> Harness {
        let h = Harness::configured();
        h.call("unlock_staff", json!({ "passphrase": PASSPHRASE }))
            .unwrap();
        h
    }

    fn call(&self, cmd: &str, body: Value) -> Result<Value, Value> {
        self.call_as(cmd, body)
    }

    fn call_as<T: serde::de::DeserializeOwned>(&self, cmd: &str, body: Value) -> Result<T, Value> {
        common::ipc::call(&self.window, cmd, body)
    }

    /// What the database holds now.
    fn baseline(&self) -> Baseline {
        Baseline {
            rows: self.snapshot(),
            version: self.data_version(),
        }
    }

    /// Changes whenever another connection (the app's) commits, whatever it writes:
    /// a cheap check after every case, where reading every row would be slow.
    fn data_version(&self) -> i64 {
        self.reader
            .pragma_query_value(None, "data_version", |r| r.get(0))
            .unwrap()
    }

    /// Every row of every table the app writes, as text.
    fn snapshot(&self) -> String {
        use rusqlite::types::ValueRef;
        let mut out = String::new();
        for table in TABLES {
            let mut stmt = self
                .reader
                .prepare_cached(&format!("SELECT * FROM {table} ORDER BY 1"))
                .unwrap();
            let columns = stmt.column_count();
            let mut rows = stmt.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                out.push_str(table);
                for i in 0..columns {
                    match row.get_ref(i).unwrap() {
                        ValueRef::Text(t) => write!(out, "|{}", String::from_utf8_lossy(t)),
                        other => write!(out, "|{other:?}"),
                    }
                    .unwrap();
                }
                out.push('\n');
            }
        }
        out
    }

    /// The ids of each list (teams, session types, roles): active, hidden, and the largest.
    fn ids(&self) -> Ids {
        let mut ids = Ids::default();
        for (i, table) in ["teams", "session_types", "roles"].iter().enumerate() {
            let mut stmt = self
                .reader
                .prepare(&format!("SELECT id, active FROM {table} ORDER BY id"))
                .unwrap();
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?)))
                .unwrap();
            for row in rows {
                let (id, active) = row.unwrap();
                if active {
                    ids.active[i].push(id);
                } else {
                    ids.hidden[i].push(id);
                }
                ids.max[i] = ids.max[i].max(id);
            }
        }
        ids
    }
}

/// The rows before a run, and the commit count they were read at.
struct Baseline {
    rows: String,
    version: i64,
}

impl Baseline {
    /// What changed since, if anything was committed.
    fn changes(&self, h: &Harness) -> Option<String> {
        if h.data_version() == self.version {
            return None;
        }
        let after = h.snapshot();
        Some(
            after
                .lines()
                .zip(self.rows.lines())
                .find(|(a, b)| a != b)
                .map(|(a, b)| format!("{b}\n  became\n{a}"))
                .unwrap_or_else(|| {
                    if after == self.rows {
                        "a write was committed, though every row is as it was".to_string()
                    } else {
                        "a row was added or removed".to_string()
                    }
                }),
        )
    }
}

#[derive(Debug, Clone, Default)]
struct Ids {
    active: [Vec<i64>; 3],
    hidden: [Vec<i64>; 3],
    max: [i64; 3],
}

/// How a payload must be refused.
#[derive(Debug, Clone)]
enum Refusal {
    /// Tauri refuses the arguments before the command runs (wrong name or type).
    Arguments,
    /// The command refuses it with this kind of error, naming this field.
    App(&'static str, Field),
    /// The command refuses it with one of these kinds of error.
    Either(&'static [&'static str]),
}

#[derive(Debug, Clone)]
enum Field {
    /// Several things are wrong: any of them may be named first.
    Any,
    /// The payload could not be read at all: no single field to name.
    None,
    Named(String),
}

impl Field {
    fn named(f: impl Into<String>) -> Field {
        Field::Named(f.into())
    }
}

#[derive(Clone)]
struct Case {
    cmd: &'static str,
    body: Value,
    refusal: Refusal,
}

impl fmt::Debug for Case {
    /// Bodies may hold 100,000-character strings: a failure shows their start.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let body = self.body.to_string();
        let shown: String = body.chars().take(1500).collect();
        write!(
            f,
            "{} {shown}{} ({} chars), refused: {:?}",
            self.cmd,
            if shown.len() < body.len() { "…" } else { "" },
            body.len(),
            self.refusal
        )
    }
}

/// The name each command gives its one argument.
fn arg_of(cmd: &str) -> &'static str {
    match cmd {
        "submit_response" => "response",
        "setup" => "setup",
        "unlock_staff" | "close_app" => "passphrase",
        "change_passphrase" => "change",
        "update_retention" => "retention",
        "set_kiosk" => "on",
        "staff_overview" => "period",
        "update_settings" | "update_disclosure_settings" => "settings",
        "preview_export" | "export_file" => "request",
        "update_help_lines" => "help",
        other => panic!("no argument known for {other}"),
    }
}

/// What `app_state` must still say after every case.
#[derive(Clone, Copy)]
struct Expected {
    configured: bool,
    unlocked: bool,
}

fn check_refused(
    h: &Harness,
    case: &Case,
    refusal: &Refusal,
    before: &Baseline,
    expected: Expected,
) -> Result<(), TestCaseError> {
    if let Some(first) = h.damaged.borrow().as_ref() {
        return Err(TestCaseError::fail(format!(
            "an earlier case changed the device: {first}"
        )));
    }
    let result = refused(h, case, refusal, before, expected);
    if let Err(e) = &result {
        if before.changes(h).is_some() || still_answers(h, expected).is_err() {
            // Shrinking would go on against a changed device: keep the case that changed it.
            *h.damaged.borrow_mut() = Some(format!("{case:?}\n{e}"));
        }
    }
    result
}

fn refused(
    h: &Harness,
    case: &Case,
    refusal: &Refusal,
    before: &Baseline,
    expected: Expected,
) -> Result<(), TestCaseError> {
    let error = match h.call(case.cmd, case.body.clone()) {
        Ok(v) => {
            let shown: String = v.to_string().chars().take(300).collect();
            return Err(TestCaseError::fail(format!("accepted, answered {shown}")));
        }
        Err(e) => e,
    };
    match refusal {
        Refusal::Arguments => check_arguments_error(case.cmd, &error)?,
        Refusal::App(kind, field) => check_app_error(&error, &[kind], field)?,
        Refusal::Either(kinds) => check_app_error(&error, kinds, &Field::Any)?,
    }
    if let Some(changed) = before.changes(h) {
        return Err(TestCaseError::fail(format!(
            "the database changed: {changed}"
        )));
    }
    still_answers(h, expected)
}

/// Tauri's own refusal of arguments it cannot hand to the command: it names the command
/// and the argument, and says what is wrong with it. Its length is Tauri's: it quotes a
/// string given where a boolean is expected whole.
fn check_arguments_error(cmd: &str, error: &Value) -> Result<(), TestCaseError> {
    let arg = arg_of(cmd);
    let text = error
        .as_str()
        .ok_or_else(|| TestCaseError::fail(format!("not Tauri's argument error: {error}")))?;
    let rest = text
        .strip_prefix(&format!("invalid args `{arg}` for command `{cmd}`: "))
        .ok_or_else(|| TestCaseError::fail(format!("unexpected error: {text}")))?;
    prop_assert!(
        rest == format!("command {cmd} missing required key {arg}")
            || rest.starts_with("invalid type: ")
            || rest.starts_with("invalid value: "),
        "unclear argument error: {}",
        text
    );
    Ok(())
}

/// The app's own error: `{kind, key, args, message, field}`, the message one plain
/// sentence, the key one of the error words with its values as strings.
fn check_app_error(error: &Value, kinds: &[&str], field: &Field) -> Result<(), TestCaseError> {
    let object = error
        .as_object()
        .ok_or_else(|| TestCaseError::fail(format!("not the app's error: {error}")))?;
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    prop_assert_eq!(
        keys,
        ["args", "field", "key", "kind", "message"],
        "{}",
        error
    );
    prop_assert!(
        error["key"]
            .as_str()
            .is_some_and(|k| k.starts_with("error.")),
        "no key for the words: {}",
        error
    );
    prop_assert!(
        error["args"]
            .as_object()
            .is_some_and(|a| a.values().all(Value::is_string)),
        "the values are not an object of strings: {}",
        error
    );
    prop_assert!(
        error["kind"].as_str().is_some_and(|k| kinds.contains(&k)),
        "not a refusal of kind {:?}: {}",
        kinds,
        error
    );
    let message = error["message"]
        .as_str()
        .ok_or_else(|| TestCaseError::fail(format!("no message: {error}")))?;
    let chars = message.chars().count();
    prop_assert!(
        chars <= MESSAGE_MAX_CHARS,
        "the message repeats the input ({} characters): {}…",
        chars,
        message.chars().take(200).collect::<String>()
    );
    prop_assert!(
        message.starts_with(|c: char| c.is_uppercase()) && message.ends_with('.'),
        "not a sentence: {:?}",
        message
    );
    prop_assert!(
        !message.chars().any(char::is_control),
        "the message is not one plain line: {:?}",
        message
    );
    match field {
        Field::Any => prop_assert!(
            error["field"].is_null() || error["field"].as_str().is_some_and(|f| !f.is_empty()),
            "{}",
            error
        ),
        Field::None => prop_assert!(error["field"].is_null(), "{}", error),
        Field::Named(f) => prop_assert_eq!(error["field"].as_str(), Some(f.as_str()), "{}", error),
    }
    Ok(())
}

/// The part of `app_state` a case could change. Read alone: turning the whole answer,
/// questionnaire included, into JSON values would take most of the run's time.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct State {
    configured: bool,
    staff_unlocked: bool,
    unsaved: usize,
    problem: Option<Value>,
}

fn still_answers(h: &Harness, expected: Expected) -> Result<(), TestCaseError> {
    let state: State = h
        .call_as("app_state", json!({}))
        .map_err(|e| TestCaseError::fail(format!("app_state failed: {e}")))?;
    prop_assert_eq!(state.configured, expected.configured);
    prop_assert_eq!(state.staff_unlocked, expected.unlocked);
    prop_assert_eq!(state.unsaved, 0, "nothing kept to save later");
    prop_assert!(state.problem.is_none(), "{:?}", state.problem);
    Ok(())
}

/// Runs `cases` cases of `strategy` through `check`; shrinks a failure to a small case.
fn run(
    cases: u32,
    strategy: BoxedStrategy<Case>,
    check: impl Fn(&Case) -> Result<(), TestCaseError>,
) {
    let mut runner = TestRunner::new(Config {
        cases,
        max_shrink_iters: 500,
        source_file: Some(file!()),
        ..Config::default()
    });
    if let Err(e) = runner.run(&strategy, |case| check(&case)) {
        panic!("{e}");
    }
}

// ---------------------------------------------------------------------------------------
// Edits: each writes something invalid into one place of a payload. Applied one after
// another they cannot make a payload valid again: every place an edit touches ends
// holding an invalid value.

#[derive(Debug, Clone)]
enum Edit {
    Set(String, Value),
    Remove(String),
    /// Sets a key of an object inside the payload: an answer, a default, a rule.
    SetIn(String, String, Value),
    RemoveIn(String, String),
    /// Several keys at once, which only together are wrong (a range of months).
    Many(Vec<Edit>),
}

fn apply(mut payload: Value, edit: &Edit) -> Value {
    if let Some(object) = payload.as_object_mut() {
        match edit {
            Edit::Set(k, v) => {
                object.insert(k.clone(), v.clone());
            }
            Edit::Remove(k) => {
                object.remove(k);
            }
            Edit::SetIn(outer, k, v) => {
                if let Some(inner) = object.get_mut(outer).and_then(Value::as_object_mut) {
                    inner.insert(k.clone(), v.clone());
                }
            }
            Edit::RemoveIn(outer, k) => {
                if let Some(inner) = object.get_mut(outer).and_then(Value::as_object_mut) {
                    inner.remove(k);
                }
            }
            Edit::Many(edits) => return edits.iter().fold(payload, apply),
        }
    }
    payload
}

type Edits = BoxedStrategy<(Edit, Field)>;

fn set(key: &'static str, values: BoxedStrategy<Value>, field: Field) -> Edits {
    values
        .prop_map(move |v| (Edit::Set(key.to_string(), v), field.clone()))
        .boxed()
}

fn set_in(
    outer: &'static str,
    key: &'static str,
    values: BoxedStrategy<Value>,
    field: Field,
) -> Edits {
    values
        .prop_map(move |v| {
            (
                Edit::SetIn(outer.to_string(), key.to_string(), v),
                field.clone(),
            )
        })
        .boxed()
}

fn remove(key: &'static str) -> Edits {
    Just((Edit::Remove(key.to_string()), Field::None)).boxed()
}

/// A key the payload does not have, with any value: unknown fields are refused.
fn extra_field(known: &'static [&'static str]) -> Edits {
    let near = select(known.to_vec()).prop_flat_map(near_miss);
    (prop_oneof![near, re("(?s).{0,16}")], json_value())
        .prop_filter("a known key", move |(k, _)| !known.contains(&k.as_str()))
        .prop_map(|(k, v)| (Edit::Set(k, v), Field::None))
        .boxed()
}

/// An object of one key: a call's arguments. Not `json!`, which would copy the value
/// through serde, at a cost that grows with its size.
fn args(key: &str, value: Value) -> Value {
    let mut object = Map::new();
    object.insert(key.to_string(), value);
    Value::Object(object)
}

/// Valid payloads from `base`, broken by `edits`; random JSON in the argument's place;
/// the payload as a list; the payload under a wrong argument name or in a body that is
/// not an object. `known` lists the payload's keys in the order its struct declares them.
fn payloads(
    cmd: &'static str,
    base: BoxedStrategy<Value>,
    edits: Edits,
    known: &'static [&'static str],
) -> BoxedStrategy<Case> {
    let arg = arg_of(cmd);
    let one = (base.clone(), edits.clone()).prop_map(move |(b, (e, field))| Case {
        cmd,
        body: args(arg, apply(b, &e)),
        refusal: Refusal::App("invalid", field),
    });
    let several = (base.clone(), vec(edits, 2..5)).prop_map(move |(b, es)| Case {
        cmd,
        body: args(arg, es.iter().map(|(e, _)| e).fold(b, apply)),
        refusal: Refusal::App("invalid", Field::Any),
    });
    // Random JSON holds none of the payload's keys, so it can never be a valid payload.
    let random = json_value()
        .prop_filter("holds a known key", move |v| {
            v.as_object()
                .is_none_or(|o| known.iter().all(|k| !o.contains_key(*k)))
        })
        .prop_map(move |v| Case {
            cmd,
            body: args(arg, v),
            refusal: Refusal::App("invalid", Field::None),
        });
    // serde reads a struct from a list of its values in field order: a valid payload
    // written that way is not an object of named fields, and is refused as one.
    let listed = base.clone().prop_map(move |b| Case {
        cmd,
        body: args(
            arg,
            Value::Array(known.iter().map_while(|k| b.get(*k).cloned()).collect()),
        ),
        refusal: Refusal::App("invalid", Field::None),
    });
    Union::new_weighted(vec![
        (16, one.boxed()),
        (3, several.boxed()),
        (2, random.boxed()),
        (1, listed.boxed()),
        (2, wrong_body(cmd, base)),
    ])
    .boxed()
}

/// A valid argument under a wrong name, or a body that is not an object of arguments.
fn wrong_body(cmd: &'static str, value: BoxedStrategy<Value>) -> BoxedStrategy<Case> {
    let arg = arg_of(cmd);
    let wrong_name = (
        prop_oneof![near_miss(arg), re("[a-zA-Z_]{0,12}")],
        value.clone(),
    )
        .prop_filter("the right name", move |(k, _)| k != arg)
        .prop_map(|(k, v)| args(&k, v));
    let not_an_object = prop_oneof![
        value.prop_map(|v| Value::Array(vec![v])),
        Just(Value::Null),
        any::<i64>().prop_map(Value::from),
        re("(?s).{0,20}").prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
    ];
    prop_oneof![wrong_name, not_an_object]
        .prop_map(move |body| Case {
            cmd,
            body,
            refusal: Refusal::Arguments,
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------
// Values of the wrong kind.

/// Strings matching `pattern`. A pattern used as a strategy itself is compiled again for
/// every value, which would take half the run.
fn re(pattern: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(pattern).unwrap().boxed()
}

fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        float(),
        re("(?s).{0,20}").prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            btree_map(re("[a-z_]{0,12}"), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Any finite number written with a decimal point or exponent, whole ones included.
fn float() -> BoxedStrategy<Value> {
    prop_oneof![
        any::<f64>(),
        (-10i32..10).prop_map(f64::from),
        Just(-0.0),
        Just(1e300),
        Just(f64::MIN_POSITIVE),
    ]
    .prop_filter_map("not finite", |f| {
        serde_json::Number::from_f64(f).map(Value::Number)
    })
    .boxed()
}

/// Nested arrays and objects, deeper than the webview's JSON parser would pass (128).
fn deep() -> BoxedStrategy<Value> {
    (20usize..300, any::<bool>())
        .prop_map(|(depth, arrays)| {
            (0..depth).fold(json!(1), |v, _| {
                if arrays {
                    Value::Array(vec![v])
                } else {
                    args("a", v)
                }
            })
        })
        .boxed()
}

fn huge_array() -> BoxedStrategy<Value> {
    (
        2_000usize..20_000,
        prop_oneof![Just(json!(1)), Just(json!("North"))],
    )
        .prop_map(|(n, v)| Value::Array(vec![v; n]))
        .boxed()
}

/// A string long enough that a message repeating it would be useless.
fn long_string() -> BoxedStrategy<Value> {
    (1_000usize..20_000, select(vec!['x', 'é', '🙂', '\n', '"']))
        .prop_map(|(n, c)| Value::from(c.to_string().repeat(n)))
        .boxed()
}

fn small_string() -> BoxedStrategy<Value> {
    prop_oneof![
        re("(?s).{0,20}"),
        re("-?[0-9]{1,5}"),
        Just("true".to_string())
    ]
    .prop_map(Value::from)
    .boxed()
}

fn container() -> BoxedStrategy<Value> {
    prop_oneof![
        vec(json_value(), 0..4).prop_map(Value::Array),
        btree_map(re("[a-z_]{0,8}"), json_value(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        deep(),
        huge_array(),
    ]
    .boxed()
}

/// Not a whole number: fractions, text, true or false, lists, objects; `null` too
/// where the field may not be left empty.
fn not_integer(null: bool) -> BoxedStrategy<Value> {
    let mut arms = vec![
        (3, float()),
        (2, small_string()),
        (1, long_string()),
        (1, any::<bool>().prop_map(Value::from).boxed()),
        (3, container()),
    ];
    if null {
        arms.push((1, Just(Value::Null).boxed()));
    }
    Union::new_weighted(arms).boxed()
}

/// Anything but text; `null` too where the field may not be left empty.
fn not_string(null: bool) -> BoxedStrategy<Value> {
    let mut arms = vec![
        (2, any::<i64>().prop_map(Value::from).boxed()),
        (1, float()),
        (1, any::<bool>().prop_map(Value::from).boxed()),
        (3, container()),
    ];
    if null {
        arms.push((1, Just(Value::Null).boxed()));
    }
    Union::new_weighted(arms).boxed()
}

fn not_bool() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        (0i64..2).prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        float(),
        prop_oneof![Just("true"), Just("false"), Just("on")].prop_map(Value::from),
        small_string(),
        container(),
    ]
    .boxed()
}

fn not_object() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        float(),
        small_string(),
        long_string(),
        vec(json_value(), 0..4).prop_map(Value::Array),
        huge_array(),
    ]
    .boxed()
}

fn not_list() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        small_string(),
        Just(json!("North, South")),
        btree_map(re("[a-z_]{0,8}"), json_value(), 0..4)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        deep().prop_filter("an array", |v| !v.is_array()),
    ]
    .boxed()
}

/// A word as a careless or hostile sender might spell it: case, spaces, plurals,
/// other separators. Never the word itself.
fn near_miss(word: &'static str) -> BoxedStrategy<String> {
    let camel = {
        let mut out = String::new();
        let mut upper = false;
        for c in word.chars() {
            if c == '_' {
                upper = true;
            } else if upper {
                out.extend(c.to_uppercase());
                upper = false;
            } else {
                out.push(c);
            }
        }
        out
    };
    let mut chars = word.chars();
    chars.next_back();
    select(vec![
        word.to_uppercase(),
        format!("{}{}", word[..1].to_uppercase(), &word[1..]),
        format!("{word} "),
        format!(" {word}"),
        format!("{word}s"),
        chars.as_str().to_string(),
        word.replace('_', "-"),
        word.replace('_', ""),
        camel,
        format!("{word}\u{0}"),
        format!("{word}\u{200B}"),
        String::new(),
    ])
    .prop_filter("the word itself", move |w| w != word)
    .boxed()
}

/// Characters no stored text may hold; newline, carriage return and tab only where
/// `line_breaks` says they are wrong too.
fn control(line_breaks: bool) -> BoxedStrategy<char> {
    let mut chars = vec![
        '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{b}', '\u{c}', '\u{e}', '\u{1b}', '\u{1f}',
        '\u{7f}', '\u{80}', '\u{85}', '\u{9f}',
    ];
    if line_breaks {
        chars.extend(['\n', '\r', '\t']);
    }
    select(chars).boxed()
}

// ---------------------------------------------------------------------------------------
// submit_response

const RESPONSE_KEYS: &[&str] = &["team", "session_type", "role", "answers", "comment"];
const CONTEXT_KEYS: [&str; 3] = ["team", "session_type", "role"];

/// The codes an item takes: its options' codes and 0, "I'd rather not say".
fn codes(item: usize) -> Vec<i64> {
    std::iter::once(0)
        .chain(ITEMS[item].options.iter().map(|o| i64::from(o.code)))
        .collect()
}

fn valid_response(ids: &Ids) -> BoxedStrategy<Value> {
    let answers = vec((0..ITEMS.len(), any::<Index>()), 0..=ITEMS.len()).prop_map(|picks| {
        let map: Map<String, Value> = picks
            .into_iter()
            .map(|(i, pick)| (ITEMS[i].id.to_string(), json!(*pick.get(&codes(i)))))
            .collect();
        Value::Object(map)
    });
    let comment = prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        re("[a-zA-Z0-9 .,!?'éü\n]{0,200}").prop_map(|s| Some(Value::from(s))),
    ];
    (
        select(ids.active[0].clone()),
        select(ids.active[1].clone()),
        select(ids.active[2].clone()),
        answers,
        comment,
    )
        .prop_map(|(team, session_type, role, answers, comment)| {
            let mut r = json!({"team": team, "session_type": session_type, "role": role, "answers": answers});
            if let Some(c) = comment {
                r["comment"] = c;
            }
            r
        })
        .boxed()
}

/// A context id no response may use: hidden, never given, zero or negative.
fn unknown_id(ids: &Ids, list: usize) -> BoxedStrategy<Value> {
    let max = ids.max[list];
    prop_oneof![
        select(ids.hidden[list].clone()),
        Just(0),
        Just(i64::MIN),
        Just(i64::MAX),
        i64::MIN..0,
        (max + 1)..=i64::MAX,
        (max + 1)..(max + 10),
    ]
    .prop_map(Value::from)
    .boxed()
}

/// An answer code the item does not take: mostly just past its top option (where a
/// slip in a range check would show), or negative, huge, or one that a cast to a byte
/// would wrap into range.
fn bad_code(item: usize) -> BoxedStrategy<Value> {
    let valid = codes(item);
    let top = *valid.iter().max().unwrap();
    prop_oneof![
        8 => (top + 1)..=10,
        2 => (top + 1)..=255,
        1 => 256i64..1024,
        2 => (0..=top).prop_map(|c| c + 256),
        2 => -10i64..0,
        1 => i64::MIN..0,
        1 => prop_oneof![Just(i64::MIN), Just(i64::MAX)],
        1 => any::<i64>(),
    ]
    .prop_filter("a code the item takes", move |c| !valid.contains(c))
    .prop_map(Value::from)
    .boxed()
}

fn response_edits(ids: &Ids) -> Edits {
    let mut arms: Vec<(u32, Edits)> = Vec::new();
    for (list, key) in CONTEXT_KEYS.into_iter().enumerate() {
        arms.push((2, remove(key)));
        arms.push((
            3,
            set(
                key,
                prop_oneof![
                    not_integer(true),
                    Just(Value::from(u64::MAX)),
                    (i64::MAX as u64 + 1..).prop_map(Value::from)
                ]
                .boxed(),
                Field::None,
            ),
        ));
        arms.push((4, set(key, unknown_id(ids, list), Field::named(key))));
    }
    arms.push((3, set("answers", not_object(), Field::None)));
    let item_ids: Vec<&'static str> = ITEMS.iter().map(|i| i.id).collect();
    let unknown_item = prop_oneof![
        select(item_ids.clone()).prop_flat_map(near_miss),
        re("(?s).{0,30}"),
        (1_000usize..20_000).prop_map(|n| "q".repeat(n)),
        control(true).prop_map(|c| format!("power{c}say")),
    ]
    .prop_filter("an item id", move |k| !item_ids.contains(&k.as_str()));
    arms.push((
        6,
        (unknown_item, 0i64..6)
            .prop_map(|(k, code)| (Edit::SetIn("answers".into(), k, json!(code)), Field::None))
            .boxed(),
    ));
    arms.push((
        1,
        (500usize..3_000)
            .prop_map(|n| {
                let many: Map<String, Value> =
                    (0..n).map(|i| (format!("item_{i}"), json!(1))).collect();
                (
                    Edit::Set("answers".into(), Value::Object(many)),
                    Field::None,
                )
            })
            .boxed(),
    ));
    arms.push((
        12,
        (0..ITEMS.len())
            .prop_flat_map(|i| (Just(i), bad_code(i)))
            .prop_map(|(i, code)| {
                (
                    Edit::SetIn("answers".into(), ITEMS[i].id.into(), code),
                    Field::named(ITEMS[i].id),
                )
            })
            .boxed(),
    ));
    arms.push((
        6,
        (0..ITEMS.len(), not_integer(true))
            .prop_map(|(i, v)| {
                (
                    Edit::SetIn("answers".into(), ITEMS[i].id.into(), v),
                    Field::None,
                )
            })
            .boxed(),
    ));
    // Over the limit once trimmed, in characters of one to four bytes.
    let too_long = (
        (limits::COMMENT_MAX_CHARS - 1)..(limits::COMMENT_MAX_CHARS + 600),
        select(vec!['x', 'é', '字', '🙂', ' ', '\n']),
        re("[ \n]{0,3}"),
    )
        .prop_map(|(n, c, pad)| Value::from(format!("{pad}a{}b{pad}", c.to_string().repeat(n))));
    arms.push((4, set("comment", too_long.boxed(), Field::named("comment"))));
    arms.push((
        1,
        set(
            "comment",
            long_string()
                .prop_map(|s| Value::from(format!("a{}b", s.as_str().unwrap()).repeat(3)))
                .boxed(),
            Field::named("comment"),
        ),
    ));
    arms.push((
        4,
        set(
            "comment",
            (re("[a-z ]{0,20}"), control(false), re("[a-z ]{0,20}"))
                .prop_map(|(a, c, b)| Value::from(format!("x{a}{c}{b}y")))
                .boxed(),
            Field::named("comment"),
        ),
    ));
    arms.push((3, set("comment", not_string(false), Field::None)));
    arms.push((4, extra_field(RESPONSE_KEYS)));
    Union::new_weighted(arms).boxed()
}

#[test]
fn malformed_responses_are_refused_and_store_nothing() {
    let h = Harness::configured();
    let ids = h.ids();
    let before = h.baseline();
    let expected = Expected {
        configured: true,
        unlocked: false,
    };
    let cases = payloads(
        "submit_response",
        valid_response(&ids),
        response_edits(&ids),
        RESPONSE_KEYS,
    );
    run(4_000, cases, |case| {
        check_refused(&h, case, &case.refusal, &before, expected)
    });
    assert_eq!(h.snapshot(), before.rows);
}

// ---------------------------------------------------------------------------------------
// setup and update_settings: the three lists

const TEAM_POOL: [&str; 8] = [
    "North",
    "South",
    "East",
    "West",
    "Day unit",
    "Crisis team",
    "Ward 7",
    "Outreach",
];
const SESSION_POOL: [&str; 5] = ["Individual", "Group", "Family", "Phone", "Video call"];
const ROLE_POOL: [&str; 6] = [
    "Nurse",
    "Psychologist",
    "Psychiatrist",
    "Social worker",
    "Peer worker",
    "OT",
];
const LIST_KEYS: [&str; 3] = ["teams", "session_types", "roles"];
const POOLS: [&[&str]; 3] = [&TEAM_POOL, &SESSION_POOL, &ROLE_POOL];

fn valid_list(list: usize) -> BoxedStrategy<Vec<String>> {
    proptest::sample::subsequence(POOLS[list].to_vec(), 1..=POOLS[list].len())
        .prop_map(|names| names.into_iter().map(str::to_string).collect())
        .boxed()
}

fn names_value(names: Vec<String>) -> Value {
    Value::Array(names.into_iter().map(Value::from).collect())
}

/// A valid list with one bad name at some place in it.
fn with_bad_name(list: usize, bad: BoxedStrategy<String>) -> BoxedStrategy<Value> {
    (valid_list(list), bad, any::<Index>())
        .prop_map(|(mut names, bad, at)| {
            names.insert(at.index(names.len() + 1), bad);
            names_value(names)
        })
        .boxed()
}

/// Lists that break a rule of [`psi_feedback::validate::names`].
fn bad_lists(list: usize) -> BoxedStrategy<Value> {
    let blank = select(vec![
        "",
        " ",
        "   ",
        "\t",
        "\n",
        "\u{a0}",
        "\u{3000}",
        "\u{200B}",
        "\u{FEFF}",
        "\u{2060}\u{200D}",
        "\u{00AD}",
    ]);
    let only_blank = vec(blank, 0..5).prop_map(|b| json!(b));
    let too_long = (
        (limits::NAME_MAX_CHARS - 1)..(limits::NAME_MAX_CHARS + 100),
        select(vec!['x', 'é', '字', '🙂', ' ']),
        re("[ ]{0,3}"),
    )
        .prop_map(|(n, c, pad)| format!("{pad}A{}z{pad}", c.to_string().repeat(n)));
    let too_many = ((limits::LIST_MAX + 1)..(limits::LIST_MAX + 40))
        .prop_map(|n| Value::Array((0..n).map(|i| Value::from(format!("Name {i}"))).collect()));
    let duplicate = (valid_list(list), any::<Index>(), 0usize..6, any::<Index>()).prop_map(
        |(mut names, which, how, at)| {
            let name = which.get(&names).clone();
            let again = match how {
                0 => name.clone(),
                1 => name.to_uppercase(),
                2 => name.to_lowercase(),
                3 => format!("  {name}\t"),
                4 => format!("{name}\u{200B}"),
                _ => format!("\u{FEFF}{}", name.to_lowercase()),
            };
            names.insert(at.index(names.len() + 1), again);
            names_value(names)
        },
    );
    let with_control = (re("[A-Z][a-z]{0,8}"), control(true), re("[a-z]{1,8}"))
        .prop_map(|(a, c, b)| format!("{a}{c}{b}"));
    let formula = (
        re("[ ]{0,2}"),
        select(vec!['=', '+', '-', '@']),
        re("[A-Za-z0-9(\")]{0,20}"),
    )
        .prop_map(|(pad, c, rest)| format!("{pad}{c}{rest}"));
    prop_oneof![
        only_blank,
        with_bad_name(list, too_long.boxed()),
        too_many,
        duplicate,
        with_bad_name(list, with_control.boxed()),
        with_bad_name(list, formula.boxed()),
    ]
    .boxed()
}

/// The app's limits, restated: a change to them is a change this test should notice.
mod limits {
    pub const NAME_MAX_CHARS: usize = 60;
    pub const LIST_MAX: usize = 50;
    pub const COMMENT_MAX_CHARS: usize = 2000;
}

fn list_edits() -> Vec<(u32, Edits)> {
    let mut arms = Vec::new();
    for (list, key) in LIST_KEYS.into_iter().enumerate() {
        arms.push((8, set(key, bad_lists(list), Field::named(key))));
        arms.push((2, set(key, not_list(), Field::None)));
        arms.push((
            2,
            set(
                key,
                (valid_list(list), not_string(true), any::<Index>())
                    .prop_map(|(names, bad, at)| {
                        let mut values: Vec<Value> = names.into_iter().map(Value::from).collect();
                        values.insert(at.index(values.len() + 1), bad);
                        Value::Array(values)
                    })
                    .boxed(),
                Field::None,
            ),
        ));
        arms.push((1, remove(key)));
    }
    arms
}

const SETUP_KEYS: &[&str] = &["passphrase", "teams", "session_types", "roles"];

fn valid_setup() -> BoxedStrategy<Value> {
    (re("[ -~]{8,40}"), valid_list(0), valid_list(1), valid_list(2))
        .prop_map(|(passphrase, teams, session_types, roles)| {
            json!({"passphrase": passphrase, "teams": teams, "session_types": session_types, "roles": roles})
        })
        .boxed()
}

fn setup_edits() -> Edits {
    let mut arms = list_edits();
    let short = (0usize..8, select(vec!['x', ' ', 'é', '🙂']))
        .prop_map(|(n, c)| Value::from(c.to_string().repeat(n)));
    let long = (257usize..400, select(vec!['x', 'é', '🙂']))
        .prop_map(|(n, c)| Value::from(c.to_string().repeat(n)));
    arms.push((
        4,
        set(
            "passphrase",
            prop_oneof![short, long].boxed(),
            Field::named("passphrase"),
        ),
    ));
    arms.push((2, set("passphrase", not_string(true), Field::None)));
    arms.push((1, remove("passphrase")));
    arms.push((3, extra_field(SETUP_KEYS)));
    Union::new_weighted(arms).boxed()
}

#[test]
fn setup_with_bad_lists_or_passphrase_leaves_a_fresh_device_unconfigured() {
    let h = Harness::new();
    let before = h.baseline();
    let expected = Expected {
        configured: false,
        unlocked: false,
    };
    let cases = payloads("setup", valid_setup(), setup_edits(), SETUP_KEYS);
    run(1_500, cases, |case| {
        check_refused(&h, case, &case.refusal, &before, expected)
    });
    assert_eq!(h.snapshot(), before.rows);
}

#[test]
fn setup_is_refused_on_a_configured_device_whatever_it_holds() {
    let h = Harness::configured();
    let before = h.baseline();
    let expected = Expected {
        configured: true,
        unlocked: false,
    };
    let valid = valid_setup()
        .prop_map(|v| Case {
            cmd: "setup",
            body: args("setup", v),
            refusal: Refusal::App("already_configured", Field::None),
        })
        .boxed();
    let cases = Union::new_weighted(vec![
        (1, valid),
        (
            5,
            payloads("setup", valid_setup(), setup_edits(), SETUP_KEYS),
        ),
    ])
    .boxed();
    run(1_000, cases, |case| {
        // The lists are checked first; a payload whose lists are right is refused as the
        // device is set up already, whatever its passphrase.
        let refusal = match &case.refusal {
            Refusal::App("invalid", Field::Named(f)) if f == "passphrase" => {
                Refusal::App("already_configured", Field::None)
            }
            // Several edits, perhaps all to the passphrase.
            Refusal::App("invalid", Field::Any) => {
                Refusal::Either(&["invalid", "already_configured"])
            }
            other => other.clone(),
        };
        check_refused(&h, case, &refusal, &before, expected)
    });
    assert_eq!(h.snapshot(), before.rows);
}

// ---------------------------------------------------------------------------------------
// Staff commands

const SETTINGS_KEYS: &[&str] = &["teams", "session_types", "roles", "defaults"];
const DEFAULT_KEYS: [&str; 3] = ["team", "session_type", "role"];

fn valid_settings() -> BoxedStrategy<Value> {
    let pick = || proptest::option::of((any::<Index>(), 0usize..4));
    (
        valid_list(0),
        valid_list(1),
        valid_list(2),
        pick(),
        pick(),
        pick(),
    )
        .prop_map(|(teams, session_types, roles, t, s, r)| {
            json!({"teams": teams, "session_types": session_types, "roles": roles,
                "defaults": {"team": default_name(&teams, t),
                    "session_type": default_name(&session_types, s),
                    "role": default_name(&roles, r)}})
        })
        .boxed()
}

/// A default from the list, as staff may type it: any case, spaces around it.
fn default_name(names: &[String], pick: Option<(Index, usize)>) -> Option<String> {
    let (which, how) = pick?;
    let name = which.get(names);
    Some(match how {
        0 => name.clone(),
        1 => name.to_uppercase(),
        2 => name.to_lowercase(),
        _ => format!(" {name} "),
    })
}

/// A name in none of the pools (so in no list a valid payload sends): hidden, from
/// another list, or never heard of. Kept short and printable here; long ones and those
/// with control characters are sent by `names_the_store_quotes_are_cut_short`.
fn unknown_name(list: usize) -> BoxedStrategy<String> {
    let others: Vec<&str> = (0..3)
        .filter(|l| *l != list)
        .flat_map(|l| POOLS[l].iter().copied())
        .filter(|n| !POOLS[list].iter().any(|p| p.eq_ignore_ascii_case(n)))
        .collect();
    prop_oneof![
        Just(HIDDEN[list].to_string()),
        select(others).prop_map(str::to_string),
        re("Nowhere[ a-z0-9]{0,20}"),
        select(POOLS[list].to_vec()).prop_map(|n| format!("{n} (old)")),
        (limits::NAME_MAX_CHARS..200).prop_map(|n| format!("Z{}", "z".repeat(n))),
    ]
    .boxed()
}

fn settings_edits() -> Edits {
    let mut arms = list_edits();
    for (list, key) in DEFAULT_KEYS.into_iter().enumerate() {
        arms.push((
            4,
            set_in(
                "defaults",
                key,
                unknown_name(list).prop_map(Value::from).boxed(),
                Field::named(key),
            ),
        ));
        arms.push((2, set_in("defaults", key, not_string(false), Field::None)));
    }
    arms.push((
        2,
        (
            prop_oneof![
                select(DEFAULT_KEYS.to_vec()).prop_flat_map(near_miss),
                re("[a-z_]{0,12}")
            ],
            json_value(),
        )
            .prop_filter("a known key", |(k, _)| !DEFAULT_KEYS.contains(&k.as_str()))
            .prop_map(|(k, v)| (Edit::SetIn("defaults".into(), k, v), Field::None))
            .boxed(),
    ));
    arms.push((2, set("defaults", not_object(), Field::None)));
    arms.push((1, remove("defaults")));
    arms.push((3, extra_field(SETTINGS_KEYS)));
    Union::new_weighted(arms).boxed()
}

const DISCLOSURE_KEYS: &[&str] = &["rules", "staff_counts"];
const RULE_KEYS: [&str; 3] = ["group_floor", "rounding_base", "min_possible_values"];
const COUNT_KEYS: [&str; 3] = ["team", "role", "staff"];

fn valid_count() -> BoxedStrategy<Value> {
    (
        select(TEAMS.to_vec()),
        select(ROLES.to_vec()),
        0u32..=10_000,
    )
        .prop_map(|(team, role, staff)| json!({"team": team, "role": role, "staff": staff}))
        .boxed()
}

/// Rules as strict as the defaults or stricter, and staff counts of active names.
fn valid_disclosure() -> BoxedStrategy<Value> {
    (10u64..=1000, 5u64..=100, 3u64..=7, vec(valid_count(), 0..4))
        .prop_map(|(floor, base, values, counts)| {
            json!({"rules": {"group_floor": floor, "rounding_base": base, "min_possible_values": values},
                "staff_counts": counts})
        })
        .boxed()
}

/// Valid counts with a bad one at some place in them; the error names its place.
fn bad_count(entry: BoxedStrategy<Value>, named: bool) -> Edits {
    (vec(valid_count(), 0..4), entry, any::<Index>())
        .prop_map(move |(mut counts, bad, at)| {
            let i = at.index(counts.len() + 1);
            counts.insert(i, bad);
            let field = if named {
                Field::named(format!("staff_counts[{i}]"))
            } else {
                Field::None
            };
            (
                Edit::Set("staff_counts".into(), Value::Array(counts)),
                field,
            )
        })
        .boxed()
}

fn disclosure_edits() -> Edits {
    let u64_not = prop_oneof![not_integer(true), (i64::MIN..0).prop_map(Value::from)].boxed();
    let below_above = |low: u64, high: u64| -> BoxedStrategy<Value> {
        prop_oneof![
            0..low,
            (high + 1)..=u64::MAX,
            (high + 1)..(high + 10),
            Just(u64::MAX)
        ]
        .prop_map(Value::from)
        .boxed()
    };
    let mut arms: Vec<(u32, Edits)> = vec![
        (
            4,
            set_in(
                "rules",
                "group_floor",
                below_above(10, 1000),
                Field::named("group_floor"),
            ),
        ),
        (
            4,
            set_in(
                "rules",
                "rounding_base",
                below_above(5, 100),
                Field::named("rounding_base"),
            ),
        ),
        (
            4,
            set_in(
                "rules",
                "min_possible_values",
                below_above(3, 7),
                Field::named("min_possible_values"),
            ),
        ),
    ];
    for key in RULE_KEYS {
        arms.push((2, set_in("rules", key, u64_not.clone(), Field::None)));
        arms.push((
            1,
            Just((Edit::RemoveIn("rules".into(), key.into()), Field::None)).boxed(),
        ));
    }
    arms.push((
        1,
        (
            prop_oneof![
                select(RULE_KEYS.to_vec()).prop_flat_map(near_miss),
                re("[a-z_]{1,12}")
            ],
            json_value(),
        )
            .prop_filter("a known key", |(k, _)| !RULE_KEYS.contains(&k.as_str()))
            .prop_map(|(k, v)| (Edit::SetIn("rules".into(), k, v), Field::None))
            .boxed(),
    ));
    arms.push((1, set("rules", not_object(), Field::None)));
    arms.push((1, remove("rules")));
    let name = |list: usize, key: &'static str| {
        (valid_count(), unknown_name(list))
            .prop_map(move |(mut c, n)| {
                c[key] = Value::from(n);
                c
            })
            .boxed()
    };
    arms.push((4, bad_count(name(0, "team"), true)));
    arms.push((4, bad_count(name(2, "role"), true)));
    arms.push((
        4,
        bad_count(
            (
                valid_count(),
                prop_oneof![10_001u32..=u32::MAX, Just(10_001), Just(u32::MAX)],
            )
                .prop_map(|(mut c, n)| {
                    c["staff"] = json!(n);
                    c
                })
                .boxed(),
            true,
        ),
    ));
    let u32_not = prop_oneof![
        not_integer(true),
        (i64::MIN..0).prop_map(Value::from),
        (u64::from(u32::MAX) + 1..).prop_map(Value::from)
    ];
    arms.push((
        3,
        bad_count(
            (
                valid_count(),
                select(COUNT_KEYS.to_vec()),
                prop_oneof![u32_not.boxed(), not_string(true)],
            )
                .prop_filter("a value of the right kind", |(_, k, v)| {
                    if *k == "staff" {
                        !v.is_u64()
                    } else {
                        !v.is_string()
                    }
                })
                .prop_map(|(mut c, k, v)| {
                    c[k] = v;
                    c
                })
                .boxed(),
            false,
        ),
    ));
    arms.push((
        2,
        bad_count(
            (valid_count(), select(COUNT_KEYS.to_vec()))
                .prop_map(|(mut c, k)| {
                    c.as_object_mut().unwrap().remove(k);
                    c
                })
                .boxed(),
            false,
        ),
    ));
    arms.push((
        2,
        bad_count(
            (
                valid_count(),
                prop_oneof![
                    select(COUNT_KEYS.to_vec()).prop_flat_map(near_miss),
                    re("[a-z_]{1,10}")
                ],
            )
                .prop_filter("a known key", |(_, k)| !COUNT_KEYS.contains(&k.as_str()))
                .prop_map(|(mut c, k)| {
                    c[k] = json!(1);
                    c
                })
                .boxed(),
            false,
        ),
    ));
    arms.push((2, bad_count(not_object(), false)));
    arms.push((
        1,
        (2_501usize..2_600, valid_count())
            .prop_map(|(n, c)| {
                (
                    Edit::Set("staff_counts".into(), Value::Array(vec![c; n])),
                    Field::named("staff_counts"),
                )
            })
            .boxed(),
    ));
    arms.push((1, set("staff_counts", not_list(), Field::None)));
    arms.push((1, remove("staff_counts")));
    arms.push((2, extra_field(DISCLOSURE_KEYS)));
    Union::new_weighted(arms).boxed()
}

const REQUEST_KEYS: &[&str] = &["period", "from", "to", "by", "format"];
/// The breakdowns as the window names them.
const BREAKDOWNS: [&str; 4] = ["none", "session_type", "role", "choice"];

fn back(m: Month, n: usize) -> Month {
    (0..n).fold(m, |m, _| m.prev())
}

fn ahead(m: Month, n: usize) -> Month {
    (0..n).fold(m, |m, _| m.next())
}

/// Whole periods that have ended, at most 120 months, in any breakdown and format.
fn valid_request() -> BoxedStrategy<Value> {
    let now = Month::current();
    let this_quarter = now.quarter().first_month();
    let range = prop_oneof![
        (1usize..200, 0usize..120).prop_map(move |(end, len)| {
            let to = back(now, end);
            ("month", back(to, len), to)
        }),
        (0usize..60, 0usize..40).prop_map(move |(end, len)| {
            let to = back(this_quarter, 1 + 3 * end);
            ("quarter", back(to, 2 + 3 * len), to)
        }),
    ];
    let by = proptest::option::of(select(BREAKDOWNS.to_vec()));
    (range, by, select(vec!["csv", "json", "html"]))
        .prop_map(|((period, from, to), by, format)| {
            let mut r = json!({"period": period, "from": from.to_string(), "to": to.to_string(), "format": format});
            if let Some(by) = by {
                r["by"] = json!(by);
            }
            r
        })
        .boxed()
}

/// Text that is not a month written `YYYY-MM` from 1900 on.
fn not_a_month() -> BoxedStrategy<String> {
    prop_oneof![
        select(vec![
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "",
            " ",
            "2026-01-05",
            "abcd-ef",
            "1899-12",
            "0000-01",
            "２０２６-０１",
            "2026-1 ",
            "+202-01",
            "2026 -01",
            "2026-Q1",
            "2026-01/2026-03",
            "-2026-01",
        ])
        .prop_map(str::to_string),
        re("(?s)[^-]{0,25}"),
        (re("[0-9]{4}"), control(true), re("[0-9]{1}")).prop_map(|(y, c, m)| format!("{y}-{c}{m}")),
        (re("[0-9]{1,3}|[0-9]{5,6}"), re("[0-9]{2}")).prop_map(|(y, m)| format!("{y}-{m}")),
        (1000usize..10_000).prop_map(|n| format!("2026-0{}", "1".repeat(n))),
    ]
    .boxed()
}

fn request_edits() -> Edits {
    let now = Month::current();
    let period_not = prop_oneof![
        select(vec![
            "week", "year", "Month", "months", "QUARTER", "", "month ", "day", "all"
        ])
        .prop_map(Value::from),
        re("(?s).{0,12}")
            .prop_filter("a period", |s| s != "month" && s != "quarter")
            .prop_map(Value::from),
        not_string(true),
    ]
    .boxed();
    let range = |period: &'static str, from: Month, to: Month| {
        Edit::Many(vec![
            Edit::Set("period".into(), json!(period)),
            Edit::Set("from".into(), json!(from.to_string())),
            Edit::Set("to".into(), json!(to.to_string())),
        ])
    };
    let kind = select(vec!["month", "quarter"]);
    let unended = (kind.clone(), 0usize..600, 0usize..200).prop_map(move |(p, end, len)| {
        let to = ahead(now, end);
        range(p, back(to, len.min(119)), to)
    });
    let backwards = (kind.clone(), 1usize..100, 1usize..100).prop_map(move |(p, end, gap)| {
        let to = back(now, end);
        range(p, ahead(to, gap), to)
    });
    let too_long = (kind.clone(), 1usize..60, 120usize..400).prop_map(move |(p, end, len)| {
        let to = back(now, end);
        range(p, back(to, len), to)
    });
    let this_quarter = now.quarter().first_month();
    let misaligned = (1usize..40, 0usize..30, 0usize..3, 0usize..3)
        .prop_filter("aligned", |(_, _, off_from, off_to)| {
            *off_from != 0 || *off_to != 0
        })
        .prop_map(move |(end, len, off_from, off_to)| {
            let to = back(back(this_quarter, 1 + 3 * end), off_to);
            let from = ahead(back(to, 2 + 3 * len - off_to), off_from);
            range("quarter", from, to)
        });
    let period_edits = prop_oneof![unended, backwards, too_long, misaligned]
        .prop_map(|e| (e, Field::named("period")))
        .boxed();
    let word_not = |words: &'static [&'static str]| {
        prop_oneof![
            re("(?s).{0,16}")
                .prop_filter("a known word", move |s| !words.contains(&s.as_str()))
                .prop_map(Value::from),
            select(words.to_vec())
                .prop_flat_map(near_miss)
                .prop_map(Value::from),
            not_string(true),
        ]
        .boxed()
    };
    let mut arms: Vec<(u32, Edits)> = vec![
        (3, set("period", period_not, Field::None)),
        (8, period_edits),
    ];
    for key in ["from", "to"] {
        arms.push((
            4,
            set(
                key,
                not_a_month().prop_map(Value::from).boxed(),
                Field::named("period"),
            ),
        ));
        arms.push((2, set(key, not_string(true), Field::None)));
    }
    arms.push((3, set("by", word_not(&BREAKDOWNS), Field::None)));
    arms.push((
        3,
        set("format", word_not(&["csv", "json", "html"]), Field::None),
    ));
    for key in ["period", "from", "to", "format"] {
        arms.push((1, remove(key)));
    }
    arms.push((3, extra_field(REQUEST_KEYS)));
    Union::new_weighted(arms).boxed()
}

const RETENTION_KEYS: &[&str] = &["months", "confirm"];

fn valid_retention() -> BoxedStrategy<Value> {
    (proptest::option::of(1u32..=600), any::<bool>())
        .prop_map(|(months, confirm)| json!({"months": months, "confirm": confirm}))
        .boxed()
}

fn retention_edits() -> Edits {
    Union::new_weighted(vec![
        (
            6,
            set(
                "months",
                prop_oneof![Just(0u32), 601u32..=u32::MAX, 601u32..700, Just(u32::MAX)]
                    .prop_map(Value::from)
                    .boxed(),
                Field::named("months"),
            ),
        ),
        (
            4,
            set(
                "months",
                prop_oneof![
                    not_integer(false),
                    (i64::MIN..0).prop_map(Value::from),
                    (u64::from(u32::MAX) + 1..).prop_map(Value::from)
                ]
                .boxed(),
                Field::None,
            ),
        ),
        (4, set("confirm", not_bool(), Field::None)),
        (1, remove("confirm")),
        (2, extra_field(RETENTION_KEYS)),
    ])
    .boxed()
}

const CHANGE_KEYS: &[&str] = &["current", "new"];

/// The base of broken passphrase changes, never sent as it is: a current passphrase
/// with a new one of the right length is a real try, checked with argon2, and wrong
/// tries pause unlocking. Each edit below breaks the new passphrase or the shape, which
/// the app checks before the current passphrase.
fn valid_change() -> BoxedStrategy<Value> {
    (re("[ -~]{0,30}"), re("[ -~]{8,40}"))
        .prop_map(|(current, new)| json!({"current": current, "new": new}))
        .boxed()
}

fn change_edits() -> Edits {
    let short = (0usize..8, select(vec!['x', ' ', 'é', '🙂']))
        .prop_map(|(n, c)| Value::from(c.to_string().repeat(n)));
    let long = (257usize..600, select(vec!['x', 'é', '🙂']))
        .prop_map(|(n, c)| Value::from(c.to_string().repeat(n)));
    Union::new_weighted(vec![
        (
            6,
            set(
                "new",
                prop_oneof![short, long].boxed(),
                Field::named("passphrase"),
            ),
        ),
        (2, set("new", not_string(true), Field::None)),
        (2, set("current", not_string(true), Field::None)),
        (1, remove("new")),
        (1, remove("current")),
        (2, extra_field(CHANGE_KEYS)),
    ])
    .boxed()
}

// ---------------------------------------------------------------------------------------
// update_help_lines

const HELP_KEYS: &[&str] = &["lines"];

fn valid_help() -> BoxedStrategy<Value> {
    let lines = || vec(re("[A-Za-z0-9][A-Za-z0-9 ,.:]{0,60}"), 0..=8);
    (lines(), lines())
        .prop_map(|(en, pl)| json!({"lines": {"en": en, "pl": pl}}))
        .boxed()
}

/// The lines of one language the app has, replaced by `lines`; the refusal names it.
fn help_lines_of(lines: BoxedStrategy<Value>) -> Edits {
    (select(vec!["en", "pl"]), lines)
        .prop_map(|(language, v)| {
            (
                Edit::SetIn("lines".into(), language.into(), v),
                Field::named(language),
            )
        })
        .boxed()
}

fn help_edits() -> Edits {
    let language = prop_oneof![
        select(vec!["EN", "en-GB", "english", "xx", "", "en ", "pl\u{0}"]).prop_map(str::to_string),
        re("[a-z]{2,3}"),
    ]
    .prop_filter("a language the app has", |l| l != "en" && l != "pl");
    let too_many = (9usize..40).prop_map(|n| json!(vec!["Call 999."; n]));
    let too_long = (201usize..600, select(vec!['x', 'é', '🙂']))
        .prop_map(|(n, c)| json!([c.to_string().repeat(n)]));
    let control = control(true).prop_map(|c| json!([format!("Call{c}999")]));
    let not_text = not_string(true).prop_map(|v| json!([v]));
    Union::new_weighted(vec![
        (
            3,
            language
                .prop_map(|l| {
                    (
                        Edit::SetIn("lines".into(), l, json!(["Call 999."])),
                        Field::None,
                    )
                })
                .boxed(),
        ),
        (3, help_lines_of(too_many.boxed())),
        (3, help_lines_of(too_long.boxed())),
        (3, help_lines_of(control.boxed())),
        (
            2,
            help_lines_of(not_list().boxed())
                .prop_map(|(e, _)| (e, Field::None))
                .boxed(),
        ),
        (
            2,
            help_lines_of(not_text.boxed())
                .prop_map(|(e, _)| (e, Field::None))
                .boxed(),
        ),
        (2, set("lines", not_object(), Field::None)),
        (1, remove("lines")),
        (2, extra_field(HELP_KEYS)),
    ])
    .boxed()
}

/// Arguments of a plain type (a string, a boolean) given something else.
fn typed_argument(
    cmd: &'static str,
    wrong: BoxedStrategy<Value>,
    right: BoxedStrategy<Value>,
) -> BoxedStrategy<Case> {
    let arg = arg_of(cmd);
    prop_oneof![
        3 => wrong.prop_map(move |v| Case { cmd, body: args(arg, v), refusal: Refusal::Arguments }),
        1 => wrong_body(cmd, right),
    ]
    .boxed()
}

fn staff_cases() -> BoxedStrategy<Case> {
    let overview_period = prop_oneof![
        select(vec![
            "week",
            "year",
            "Month",
            "months",
            "QUARTER",
            "",
            " month",
            "quarter\n",
            "all"
        ])
        .prop_map(str::to_string),
        re("(?s).{0,20}"),
        (1_000usize..20_000).prop_map(|n| "m".repeat(n)),
    ]
    .prop_filter("a period", |s| s != "month" && s != "quarter")
    .prop_map(|s| Case {
        cmd: "staff_overview",
        body: args("period", Value::from(s)),
        refusal: Refusal::App("invalid", Field::named("period")),
    });
    let export = |cmd| payloads(cmd, valid_request(), request_edits(), REQUEST_KEYS);
    Union::new_weighted(vec![
        (
            6,
            payloads(
                "update_settings",
                valid_settings(),
                settings_edits(),
                SETTINGS_KEYS,
            ),
        ),
        (
            6,
            payloads(
                "update_disclosure_settings",
                valid_disclosure(),
                disclosure_edits(),
                DISCLOSURE_KEYS,
            ),
        ),
        (5, export("preview_export")),
        (5, export("export_file")),
        (
            3,
            payloads(
                "update_retention",
                valid_retention(),
                retention_edits(),
                RETENTION_KEYS,
            ),
        ),
        (
            3,
            payloads("update_help_lines", valid_help(), help_edits(), HELP_KEYS),
        ),
        (
            3,
            payloads(
                "change_passphrase",
                valid_change(),
                change_edits(),
                CHANGE_KEYS,
            ),
        ),
        (
            2,
            typed_argument(
                "set_kiosk",
                not_bool(),
                any::<bool>().prop_map(Value::from).boxed(),
            ),
        ),
        (2, overview_period.boxed()),
        (
            1,
            typed_argument(
                "staff_overview",
                not_string(true),
                Just(json!("month")).boxed(),
            ),
        ),
        (1, not_a_passphrase("unlock_staff")),
        (1, not_a_passphrase("close_app")),
    ])
    .boxed()
}

/// `unlock_staff` and `close_app` with anything but a string, or a string under a
/// wrong argument name: Tauri refuses both before any passphrase is checked. (A string
/// in the right place would be a real try, costing a hash, and wrong tries pause
/// unlocking.)
fn not_a_passphrase(cmd: &'static str) -> BoxedStrategy<Case> {
    typed_argument(
        cmd,
        not_string(true),
        re("[ -~]{0,20}").prop_map(Value::from).boxed(),
    )
}

#[test]
fn staff_commands_refuse_malformed_payloads_locked_or_unlocked() {
    let locked = Harness::configured();
    let unlocked = Harness::unlocked();
    let (before_locked, before_unlocked) = (locked.baseline(), unlocked.baseline());
    run(4_000, staff_cases(), |case| {
        check_refused(
            &locked,
            case,
            // Locked first: the payload is not even read.
            &match case.refusal {
                Refusal::Arguments => Refusal::Arguments,
                _ => Refusal::App("locked", Field::None),
            },
            &before_locked,
            Expected {
                configured: true,
                unlocked: false,
            },
        )?;
        if case.cmd == "export_file" {
            // The save dialog opens only for a request that passes; the preview of the
            // same request must be refused first, so a wrong case fails without a dialog.
            let preview = Case {
                cmd: "preview_export",
                ..case.clone()
            };
            check_refused(
                &unlocked,
                &preview,
                &preview.refusal,
                &before_unlocked,
                Expected {
                    configured: true,
                    unlocked: true,
                },
            )?;
        }
        check_refused(
            &unlocked,
            case,
            &case.refusal,
            &before_unlocked,
            Expected {
                configured: true,
                unlocked: true,
            },
        )
    });
    assert_eq!(locked.snapshot(), before_locked.rows);
    assert_eq!(unlocked.snapshot(), before_unlocked.rows);
}

/// When a default (settings) or a staff count's team or role (disclosure settings) is
/// not in the list, the message quotes the name cut short and on one line, however
/// long it was or whatever control characters it held.
#[test]
fn names_the_store_quotes_are_cut_short() {
    let h = Harness::unlocked();
    let before = h.baseline();
    let long = format!("Z{}", "z".repeat(20_000));
    let settings = |team: &str| {
        json!({"settings": {"teams": TEAMS, "session_types": SESSION_TYPES, "roles": ROLES,
            "defaults": {"team": team, "session_type": null, "role": null}}})
    };
    let disclosure = |team: &str, role: &str| {
        json!({"settings": {"rules": {"group_floor": 10, "rounding_base": 5, "min_possible_values": 3},
            "staff_counts": [{"team": team, "role": role, "staff": 1}]}})
    };
    let cases = [
        ("update_settings", settings(&long), "team"),
        ("update_settings", settings("Ab\ncd"), "team"),
        (
            "update_disclosure_settings",
            disclosure(&long, ROLES[0]),
            "staff_counts[0]",
        ),
        (
            "update_disclosure_settings",
            disclosure(TEAMS[0], "Nu\u{1b}rse"),
            "staff_counts[0]",
        ),
    ];
    for (cmd, body, field) in cases {
        let case = Case {
            cmd,
            body,
            refusal: Refusal::App("invalid", Field::named(field)),
        };
        let expected = Expected {
            configured: true,
            unlocked: true,
        };
        if let Err(e) = check_refused(&h, &case, &case.refusal, &before, expected) {
            panic!("{case:?}: {e}");
        }
    }
}

/// serde reads a struct from a list too, field by field in order: the objects inside
/// payloads (the defaults, the rules, each staff count) must be named fields, or
/// `"rules": [12, 10, 4]` would raise the group floor to 12.
#[test]
fn objects_inside_payloads_sent_as_lists_are_refused() {
    let h = Harness::unlocked();
    let before = h.baseline();
    let rules = json!({"group_floor": 10, "rounding_base": 5, "min_possible_values": 3});
    let cases = [
        (
            "update_disclosure_settings",
            json!({"settings": {"rules": [12, 10, 4], "staff_counts": []}}),
        ),
        (
            "update_disclosure_settings",
            json!({"settings": {"rules": rules, "staff_counts": [[TEAMS[0], ROLES[0], 6]]}}),
        ),
        (
            "update_settings",
            json!({"settings": {"teams": TEAMS, "session_types": SESSION_TYPES, "roles": ROLES,
                "defaults": [TEAMS[1], null, null]}}),
        ),
    ];
    for (cmd, body) in cases {
        let case = Case {
            cmd,
            body,
            refusal: Refusal::App("invalid", Field::Any),
        };
        let expected = Expected {
            configured: true,
            unlocked: true,
        };
        if let Err(e) = check_refused(&h, &case, &case.refusal, &before, expected) {
            panic!("{case:?}: {e}");
        }
    }
}
