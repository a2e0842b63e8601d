//! What the window can ask for, as plain Rust: each method takes the UI's untrusted
//! payload, checks it whole, and calls the store. The Tauri commands only forward here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::auth;
use crate::disclosure::{RuleSettings, Value};
use crate::error::{AppError, Message};
use crate::export::{self, Export, Format, Prepared, Request};
use crate::period::{Month, Period, PeriodKind};
use crate::questionnaire::{self, Questionnaire};
use crate::store::{
    Action, AuditEntry, Comment, Context, ContextList, NewResponse, ReleaseEntry, Store,
};
use crate::summary::Breakdown;
use crate::validate::{self, ResponsePayload};

pub struct App {
    /// Where the database file is: no file the app saves may be written over it.
    db: PathBuf,
    /// The store, or why the database could not be opened.
    store: Result<Mutex<Store>, Problem>,
    /// When staff last did something in the unlocked staff area; `None`: locked.
    staff: Mutex<Option<Instant>>,
    /// Responses that could not be stored (full disk, read-only or locked file), kept in
    /// memory only until staff save them again or discard them.
    unsaved: Mutex<Vec<NewResponse>>,
    /// Wrong tries counted here too, for when the database cannot record them (a full
    /// or read-only disk): guessing must not become free exactly then.
    tries_here: Mutex<crate::store::audit::Tries>,
    timeouts: Timeouts,
}

/// Why the app cannot use its database, for staff.
#[derive(Serialize, Debug, Clone)]
pub struct Problem {
    /// In English; `key` and `args` say it in the person's language.
    pub message: String,
    pub key: &'static str,
    #[serde(serialize_with = "crate::error::args_object")]
    pub args: crate::error::Args,
    /// Where the database file is.
    pub path: String,
    /// The file itself is the problem (not a database, damaged, too new): a backup is
    /// the way out. Otherwise it is only busy (a restore is running).
    pub damaged: bool,
}

/// How long the window waits before it acts on its own.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Timeouts {
    /// Without a key press or touch in the questionnaire, "Are you still there?" shows.
    pub questionnaire_idle_seconds: u64,
    /// After the warning, this long before the answers are cleared.
    pub warning_seconds: u64,
    /// Without any activity, the staff area locks itself.
    pub staff_idle_seconds: u64,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            questionnaire_idle_seconds: 120,
            warning_seconds: 30,
            staff_idle_seconds: 300,
        }
    }
}

impl Timeouts {
    /// The defaults, or every wait set to `PSI_FEEDBACK_IDLE_SECONDS` (1 to 3600) when
    /// it is set: for trying the idle behaviour out, and for its tests.
    pub fn from_env() -> Timeouts {
        match std::env::var("PSI_FEEDBACK_IDLE_SECONDS")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|n| (1..=3600).contains(n))
        {
            Some(n) => Timeouts {
                questionnaire_idle_seconds: n,
                warning_seconds: n,
                staff_idle_seconds: n,
            },
            None => Timeouts::default(),
        }
    }

    /// The staff unlock ends this long after the last staff command. Longer than the
    /// window's own idle lock, which also counts mouse and key activity, so the window
    /// normally locks first; this is the backstop if it does not.
    fn staff_expiry(self) -> Duration {
        Duration::from_secs(self.staff_idle_seconds + 60)
    }
}

/// At most this many unsaved responses are kept in memory (a few megabytes); staff are
/// told at the first.
const MAX_UNSAVED: usize = 10_000;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStateView {
    pub configured: bool,
    pub staff_unlocked: bool,
    pub questionnaire: Questionnaire,
    pub context: Context,
    pub kiosk: bool,
    /// How many responses are waiting to be saved.
    pub unsaved: usize,
    pub timeouts: Timeouts,
    /// Set when the database cannot be used: everything else is then empty.
    pub problem: Option<Problem>,
    /// The clinic's own help lines by language (the others use their default lines).
    pub help: BTreeMap<String, Vec<String>>,
    /// How many people asked to talk to someone and staff have not yet seen it.
    pub talk_requests: u32,
}

/// The settings that keep the device safe, for the staff area.
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SafetySettings {
    pub kiosk: bool,
    pub retention_months: Option<u32>,
    pub unsaved: usize,
    /// What staff must know about the data file: a log kept aside at the start because
    /// it could not all be applied, damage the full check found.
    pub notices: Vec<Notice>,
}

/// A message for staff about the data file.
#[derive(Serialize, Debug, Clone)]
pub struct Notice {
    /// In English; `key` and `args` say it in the person's language.
    pub message: String,
    pub key: &'static str,
    #[serde(serialize_with = "crate::error::args_object")]
    pub args: crate::error::Args,
}

impl From<Message> for Notice {
    fn from(m: Message) -> Notice {
        Notice {
            message: m.text(),
            key: m.key,
            args: m.args,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RetentionPayload {
    months: Option<u32>,
    /// `false`: only say how many responses would be deleted.
    confirm: bool,
}

#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct RetentionResult {
    pub saved: bool,
    /// How many responses were deleted, or would be without `confirm`.
    pub deleted: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PassphraseChange {
    current: String,
    new: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetupPayload {
    passphrase: String,
    teams: Vec<String>,
    session_types: Vec<String>,
    roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsPayload {
    teams: Vec<String>,
    session_types: Vec<String>,
    roles: Vec<String>,
    #[serde(deserialize_with = "validate::object")]
    defaults: DefaultsPayload,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsPayload {
    team: Option<String>,
    session_type: Option<String>,
    role: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct Saved {
    pub saved: bool,
}

/// One cell of the staff summary table.
#[derive(Serialize, Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub withheld: bool,
    pub reason: Option<String>,
}

#[derive(Serialize, Debug)]
pub struct TeamCount {
    pub team: String,
    pub responses: u64,
}

#[derive(Serialize, Debug)]
pub struct Overview {
    pub total_responses: u64,
    pub teams: Vec<TeamCount>,
    /// The columns, by id: the window names them in its own words (`summary.column.<id>`).
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl App {
    pub fn new(store: Store) -> App {
        App::with(store.path().to_path_buf(), Ok(store), Timeouts::default())
    }

    /// Opens the database at `path`. A database that cannot be used does not stop the
    /// app: the window shows staff what is wrong, and the file is left as it is.
    pub fn open(path: &Path, timeouts: Timeouts) -> App {
        let store = Store::open(path).map_err(|e| {
            eprintln!("psi-feedback: the database cannot be used: {}", e.for_log());
            let said = e.message();
            Problem {
                message: said.text(),
                key: said.key,
                args: said.args,
                path: path.display().to_string(),
                damaged: !matches!(e, AppError::Busy(_)),
            }
        });
        App::with(path.to_path_buf(), store, timeouts)
    }

    fn with(db: PathBuf, store: Result<Store, Problem>, timeouts: Timeouts) -> App {
        let store = store.map(|mut s| {
            for notice in s.notices() {
                eprintln!("psi-feedback: {}", notice.text());
            }
            // Responses past the retention period go at every start.
            if let Err(e) = s.apply_retention(Month::current()) {
                eprintln!(
                    "psi-feedback: the retention setting could not be applied: {}",
                    e.for_log()
                );
            }
            Mutex::new(s)
        });
        App {
            db,
            store,
            staff: Mutex::new(None),
            unsaved: Mutex::new(Vec::new()),
            tries_here: Mutex::new(crate::store::audit::Tries {
                failed: 0,
                paused_until: None,
            }),
            timeouts,
        }
    }

    fn store(&self) -> Result<std::sync::MutexGuard<'_, Store>, AppError> {
        match &self.store {
            Ok(m) => m
                .lock()
                .map_err(|_| AppError::Storage("the store lock was poisoned".into())),
            Err(p) => Err(AppError::Unusable(Message::new(p.key, p.args.clone()))),
        }
    }

    /// Starts the full check of the data file in the background (once the window is up).
    pub fn start_full_check(&self) {
        if let Ok(mut store) = self.store() {
            store.start_full_check();
        }
    }

    /// Checks that the app may write a file at `path` (chosen in a save dialog): not the
    /// database or one of its own files, not a device or a folder. Writes nothing.
    pub fn check_output(&self, path: &Path) -> Result<(), AppError> {
        crate::store::output::check_target(&self.db, path)
    }

    /// Writes an export's file at `path`, whole or not at all, after the same checks.
    pub fn write_export(&self, path: &Path, bytes: &[u8]) -> Result<(), AppError> {
        export::write_file(&self.db, path, bytes)
    }

    fn staff(&self) -> std::sync::MutexGuard<'_, Option<Instant>> {
        // The value is a plain timestamp: a panic elsewhere cannot leave it half-set.
        self.staff.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn unsaved(&self) -> std::sync::MutexGuard<'_, Vec<NewResponse>> {
        self.unsaved.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn staff_unlocked(&self) -> bool {
        self.staff()
            .is_some_and(|t| t.elapsed() <= self.timeouts.staff_expiry())
    }

    /// Staff commands pass only while the staff area is unlocked and has been used
    /// recently; each one counts as activity.
    fn require_staff(&self) -> Result<(), AppError> {
        let mut staff = self.staff();
        match *staff {
            Some(t) if t.elapsed() <= self.timeouts.staff_expiry() => {
                *staff = Some(Instant::now());
                Ok(())
            }
            _ => {
                *staff = None;
                Err(AppError::Locked)
            }
        }
    }

    /// The window saw staff activity (keys, pointer): keeps the unlock alive.
    pub fn staff_activity(&self) -> Result<(), AppError> {
        self.require_staff()
    }

    pub fn state(&self) -> Result<AppStateView, AppError> {
        let store = match self.store() {
            Ok(s) => s,
            Err(AppError::Unusable(_)) => {
                return Ok(AppStateView {
                    configured: false,
                    staff_unlocked: false,
                    questionnaire: questionnaire::questionnaire(),
                    context: Context::default(),
                    kiosk: false,
                    unsaved: 0,
                    timeouts: self.timeouts,
                    problem: self.store.as_ref().err().cloned(),
                    help: BTreeMap::new(),
                    talk_requests: 0,
                })
            }
            Err(e) => return Err(e),
        };
        Ok(AppStateView {
            configured: store.is_configured()?,
            staff_unlocked: self.staff_unlocked(),
            questionnaire: questionnaire::questionnaire(),
            context: store.context()?,
            kiosk: store.kiosk()?,
            unsaved: self.unsaved().len(),
            timeouts: self.timeouts,
            problem: None,
            help: store.help_lines()?,
            talk_requests: store.talk_requests()?,
        })
    }

    pub fn setup(&self, payload: serde_json::Value) -> Result<(), AppError> {
        let p: SetupPayload = validate::parse(payload, "setup")?;
        let lists = validated_lists(&p.teams, &p.session_types, &p.roles)?;
        let mut store = self.store()?;
        if store.is_configured()? {
            return Err(AppError::AlreadyConfigured);
        }
        let hash = auth::hash(&p.passphrase)?;
        store.configure(&hash, &lists)
    }

    /// Stores a response. Returns only once it is committed to disk. If the database
    /// cannot take it (full disk, read-only or locked file), nothing is half-written,
    /// the response is kept in memory for staff, and the error says to tell them.
    pub fn submit(&self, payload: serde_json::Value) -> Result<Saved, AppError> {
        let p: ResponsePayload = validate::parse(payload, "answers")?;
        let mut store = self.store()?;
        if !store.is_configured()? {
            return Err(AppError::NotConfigured);
        }
        let response = validate::response(p, &store, Month::current())?;
        match store.submit(&response) {
            Ok(_) => Ok(Saved { saved: true }),
            Err(AppError::Storage(detail)) => {
                eprintln!("psi-feedback: a response could not be saved: {detail}");
                let mut unsaved = self.unsaved();
                if unsaved.len() < MAX_UNSAVED {
                    unsaved.push(response);
                }
                Err(AppError::NotSaved)
            }
            Err(e) => Err(e),
        }
    }

    /// Tries again to store the responses that could not be saved, all in one
    /// transaction. Anyone may ask: it only ever saves. Returns how many were saved.
    pub fn retry_unsaved(&self) -> Result<usize, AppError> {
        let mut store = self.store()?;
        let mut unsaved = self.unsaved();
        if unsaved.is_empty() {
            return Ok(0);
        }
        let n = unsaved.len();
        match store.insert_all(&unsaved) {
            Ok(()) => {
                unsaved.clear();
                let _ = store.audit(
                    Action::SavedLate,
                    &format!("Saved {n} responses that could not be saved at first"),
                );
                Ok(n)
            }
            Err(AppError::Storage(detail)) => {
                eprintln!("psi-feedback: unsaved responses still cannot be saved: {detail}");
                Err(AppError::NotSaved)
            }
            Err(e) => Err(e),
        }
    }

    /// Staff choose to give up the responses that could not be saved.
    pub fn discard_unsaved(&self) -> Result<usize, AppError> {
        self.require_staff()?;
        let n = std::mem::take(&mut *self.unsaved()).len();
        if n > 0 {
            // Recorded if the database takes it: it may be the thing that is broken.
            if let Err(e) = self.store()?.audit(
                Action::DiscardUnsaved,
                &format!("Discarded {n} responses that could not be saved"),
            ) {
                eprintln!(
                    "psi-feedback: the discard could not be recorded: {}",
                    e.for_log()
                );
            }
        }
        Ok(n)
    }

    /// Checks the staff passphrase, counting wrong tries in the database so that the
    /// pauses after five survive a restart. While paused, no try is checked at all.
    fn check_passphrase(
        &self,
        passphrase: &str,
        purpose: &str,
        record: Option<(Action, &str)>,
    ) -> Result<(), AppError> {
        self.check_passphrase_at(passphrase, purpose, record, chrono::Utc::now())
    }

    fn check_passphrase_at(
        &self,
        passphrase: &str,
        purpose: &str,
        record: Option<(Action, &str)>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), AppError> {
        let (hash, stored) = {
            let store = self.store()?;
            (
                store.passphrase_hash()?.ok_or(AppError::NotConfigured)?,
                store.tries()?,
            )
        };
        let here = *self.tries_here.lock().unwrap_or_else(|e| e.into_inner());
        let paused_until = stored.paused_until.max(here.paused_until);
        if let Some(until) = paused_until.filter(|u| *u > now) {
            return Err(AppError::Paused {
                seconds: (until - now).num_seconds() + 1,
            });
        }
        // Checked without holding the store: argon2 takes a moment.
        let right = auth::verify(passphrase, &hash);
        let mut store = self.store()?;
        let mut here = self.tries_here.lock().unwrap_or_else(|e| e.into_inner());
        if right {
            *here = crate::store::audit::Tries {
                failed: 0,
                paused_until: None,
            };
            if let Err(e) = store.record_right_try(now, record) {
                // A full or read-only disk must not shut staff out of the staff area,
                // where they deal with exactly that.
                eprintln!(
                    "psi-feedback: an unlock could not be recorded: {}",
                    e.for_log()
                );
            }
            Ok(())
        } else {
            let failed = stored.failed.max(here.failed).saturating_add(1);
            *here = crate::store::audit::Tries {
                failed,
                paused_until: crate::store::audit::pause_after(failed).map(|d| now + d),
            };
            let tries = match store.record_wrong_try(now, purpose) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!(
                        "psi-feedback: a wrong passphrase could not be recorded: {}",
                        e.for_log()
                    );
                    *here
                }
            };
            match tries.paused_until.max(here.paused_until) {
                Some(until) => Err(AppError::Paused {
                    seconds: (until - now).num_seconds(),
                }),
                None => Err(AppError::WrongPassphrase),
            }
        }
    }

    pub fn unlock(&self, passphrase: &str) -> Result<(), AppError> {
        self.check_passphrase(
            passphrase,
            "to unlock the staff area",
            Some((Action::Unlock, "Unlocked the staff area")),
        )?;
        *self.staff() = Some(Instant::now());
        Ok(())
    }

    pub fn lock(&self) {
        *self.staff() = None;
    }

    /// Changes the staff passphrase: the current one is checked (and counts as a try).
    pub fn change_passphrase(&self, payload: serde_json::Value) -> Result<(), AppError> {
        self.require_staff()?;
        let p: PassphraseChange = validate::parse(payload, "passphrase change")?;
        auth::check_new(&p.new)?;
        self.check_passphrase(&p.current, "to change the passphrase", None)
            .map_err(|e| match e {
                AppError::WrongPassphrase => AppError::invalid(
                    Some("current".to_string()),
                    "error.passphrase.current_wrong",
                    Vec::new(),
                ),
                other => other,
            })?;
        let hash = auth::hash(&p.new)?;
        self.store()?.set_passphrase(
            &hash,
            Action::PassphraseChanged,
            "Changed the staff passphrase",
        )
    }

    /// Whether closing the window needs the staff passphrase: in kiosk mode, or while
    /// answers wait to be saved (closing would lose them), unless the staff area is
    /// unlocked. If the database cannot be used at all, closing is free.
    pub fn close_needs_passphrase(&self) -> bool {
        let kiosk = self.store().and_then(|s| s.kiosk()).unwrap_or(false);
        (kiosk || !self.unsaved().is_empty()) && !self.staff_unlocked()
    }

    /// Allows the window to close: with the passphrase in kiosk mode.
    pub fn close_app(&self, passphrase: &str) -> Result<(), AppError> {
        if !self.close_needs_passphrase() {
            return Ok(());
        }
        self.check_passphrase(
            passphrase,
            "to close the app",
            Some((Action::CloseApp, "Closed the app in kiosk mode")),
        )
    }

    pub fn set_kiosk(&self, on: bool) -> Result<(), AppError> {
        self.require_staff()?;
        self.store()?.set_kiosk(on)
    }

    pub fn safety_settings(&self) -> Result<SafetySettings, AppError> {
        self.require_staff()?;
        let mut store = self.store()?;
        Ok(SafetySettings {
            kiosk: store.kiosk()?,
            retention_months: store.retention_months()?,
            unsaved: self.unsaved().len(),
            notices: store.notices().into_iter().map(Notice::from).collect(),
        })
    }

    /// Sets how many months responses are kept. Without `confirm`, only says how many
    /// would be deleted now.
    pub fn update_retention(
        &self,
        payload: serde_json::Value,
    ) -> Result<RetentionResult, AppError> {
        self.require_staff()?;
        let p: RetentionPayload = validate::parse(payload, "retention")?;
        if let Some(m) = p.months {
            if !(1..=crate::store::audit::MAX_RETENTION_MONTHS).contains(&m) {
                return Err(AppError::invalid(
                    Some("months".to_string()),
                    "error.retention.months",
                    vec![("max", crate::store::audit::MAX_RETENTION_MONTHS.to_string())],
                ));
            }
        }
        let now = Month::current();
        let mut store = self.store()?;
        if !p.confirm {
            let deleted = match p.months {
                Some(m) => store.count_older_than(m, now)?,
                None => 0,
            };
            return Ok(RetentionResult {
                saved: false,
                deleted,
            });
        }
        let deleted = store.set_retention(p.months, now)?;
        Ok(RetentionResult {
            saved: true,
            deleted,
        })
    }

    /// Saves a consistent copy of the database at `path` (chosen in the save dialog).
    pub fn backup_to(&self, path: &Path) -> Result<(), AppError> {
        self.require_staff()?;
        self.store()?.backup_to(path)
    }

    /// The audit trail, newest first.
    pub fn audit_trail(&self) -> Result<Vec<AuditEntry>, AppError> {
        self.require_staff()?;
        self.store()?.audit_trail(AUDIT_ROWS)
    }

    pub fn update_settings(&self, payload: serde_json::Value) -> Result<Context, AppError> {
        self.require_staff()?;
        let p: SettingsPayload = validate::parse(payload, "settings")?;
        let lists = validated_lists(&p.teams, &p.session_types, &p.roles)?;
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let defaults = [
            (ContextList::Teams, clean(p.defaults.team)),
            (ContextList::SessionTypes, clean(p.defaults.session_type)),
            (ContextList::Roles, clean(p.defaults.role)),
        ];
        let mut store = self.store()?;
        store.update_settings(&lists, &defaults)?;
        store.context()
    }

    pub fn comments(&self) -> Result<Vec<Comment>, AppError> {
        self.require_staff()?;
        self.store()?.comments(Month::current())
    }

    /// The staff summary: the same protected figures an export would hold, one row per
    /// team and period, for every period that has responses.
    pub fn overview(&self, period: &str) -> Result<Overview, AppError> {
        self.require_staff()?;
        let kind = PeriodKind::parse(period).ok_or_else(|| {
            AppError::invalid(
                Some("period".to_string()),
                "error.overview.period",
                Vec::new(),
            )
        })?;
        let store = self.store()?;
        let now = Month::current();
        let total_responses = store.response_count()?;
        let mut rows = Vec::new();
        // How many each team holds, the month in progress included: on the device only.
        let per_team: Vec<TeamCount> = store
            .response_count_by_team()?
            .into_iter()
            .map(|(team, responses)| TeamCount { team, responses })
            .collect();
        let first_data = store.months()?.first().copied();
        if let Some((first, last)) = shown_range(first_data, store.deleted_before()?, kind, now) {
            let request = Request {
                period: kind,
                from: first.to_string(),
                to: last.to_string(),
                by: Breakdown::None,
                layout: crate::disclosure::Layout::Headline,
                format: export::Format::Csv,
            };
            let release = export::prepare(&store, &request, now)?.release;
            let rules = release.rules;
            let cell = |v: Value| Cell {
                text: v.display(),
                withheld: v.is_withheld(),
                reason: v.reason().map(|r| r.explain(&rules)),
            };
            for g in &release.groups {
                let mut row = vec![
                    Cell {
                        text: g.key.team_name().to_string(),
                        withheld: false,
                        reason: None,
                    },
                    Cell {
                        text: g.key.period.to_string(),
                        withheld: false,
                        reason: None,
                    },
                    cell(g.responses),
                ];
                for id in ["power", "safety", "identity", "overall", "rupture"] {
                    let v = g
                        .measure(id)
                        .map(|m| {
                            if id == "rupture" {
                                m.share
                            } else {
                                m.mean.unwrap_or(m.share)
                            }
                        })
                        .unwrap_or(g.responses);
                    row.push(cell(v));
                }
                rows.push(row);
            }
        }
        Ok(Overview {
            total_responses,
            teams: per_team,
            columns: vec![
                "team",
                "period",
                "responses",
                "power",
                "safety",
                "identity",
                "overall",
                "rupture",
            ],
            rows,
        })
    }

    /// Works out the export the UI asks for, without recording it (the caller asks
    /// where to save it, then calls [`App::record_export`]).
    pub fn prepare_export(
        &self,
        payload: serde_json::Value,
    ) -> Result<(Request, Prepared), AppError> {
        self.require_staff()?;
        let request: Request = validate::parse(payload, "export request")?;
        let prepared = export::prepare(&*self.store()?, &request, Month::current())?;
        Ok((request, prepared))
    }

    /// Records a prepared export in the release ledger and renders its file.
    pub fn record_export(&self, prepared: Prepared, format: Format) -> Result<Export, AppError> {
        self.require_staff()?;
        export::record(&mut *self.store()?, prepared, format)
    }

    /// What an export would hold, for staff to check before saving: every row, with
    /// withheld values marked and explained. Nothing is recorded.
    pub fn preview_export(&self, payload: serde_json::Value) -> Result<Preview, AppError> {
        let (_, prepared) = self.prepare_export(payload)?;
        let release = &prepared.release;
        let rules = release.rules;
        let all = export::rows(release);
        let rows = all
            .iter()
            .take(PREVIEW_ROWS)
            .map(|r| PreviewRow {
                team: r.team.to_string(),
                period: r.period.clone(),
                breakdown_value: r.breakdown_value.map(str::to_string),
                measure: r.measure,
                statistic: r.statistic,
                option: r.option,
                value: Cell {
                    text: r.value.display(),
                    withheld: r.value.is_withheld(),
                    reason: r.value.reason().map(|x| x.explain(&rules)),
                },
            })
            .collect();
        Ok(Preview {
            reissued: prepared.reissued,
            groups: release.groups.len(),
            withheld: release.withheld_count(),
            total_rows: all.len(),
            rows,
            notes: export::notes(release),
        })
    }

    /// The release ledger, newest first.
    pub fn release_history(&self) -> Result<Vec<ReleaseEntry>, AppError> {
        self.require_staff()?;
        self.store()?.release_history()
    }

    /// The disclosure settings: rule settings and staff per role in each team.
    pub fn disclosure_settings(&self) -> Result<DisclosureSettings, AppError> {
        self.require_staff()?;
        let store = self.store()?;
        Ok(DisclosureSettings {
            rules: store.rules()?.settings(),
            staff_counts: store
                .staff_count_names()?
                .into_iter()
                .map(|(team, role, staff)| StaffCount { team, role, staff })
                .collect(),
            max_staff: MAX_STAFF,
        })
    }

    /// Saves disclosure settings: the rules only ever get stricter; staff counts are
    /// checked against the lists. All or nothing.
    pub fn update_disclosure_settings(
        &self,
        payload: serde_json::Value,
    ) -> Result<DisclosureSettings, AppError> {
        self.require_staff()?;
        let p: DisclosureSettings = validate::parse(payload, "disclosure settings")?;
        if p.staff_counts.len() > 50 * 50 {
            return Err(AppError::invalid(
                Some("staff_counts".to_string()),
                "error.staff_counts.too_many",
                Vec::new(),
            ));
        }
        let counts: Vec<(String, String, u32)> = p
            .staff_counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if c.staff > MAX_STAFF {
                    return Err(AppError::invalid(
                        Some(format!("staff_counts[{i}]")),
                        "error.staff_counts.range",
                        vec![("max", MAX_STAFF.to_string())],
                    ));
                }
                Ok((c.team, c.role, c.staff))
            })
            .collect::<Result<_, _>>()?;
        self.store()?.save_disclosure_settings(p.rules, &counts)?;
        self.disclosure_settings()
    }
}

/// The most staff a role in a team may have in the disclosure settings.
pub const MAX_STAFF: u32 = 10_000;

/// At most this many rows are previewed; the file holds them all.
pub const PREVIEW_ROWS: usize = 3000;

/// The staff area shows this many of the latest audit rows.
pub const AUDIT_ROWS: usize = 500;

#[derive(Serialize, Debug)]
pub struct PreviewRow {
    pub team: String,
    pub period: String,
    pub breakdown_value: Option<String>,
    /// Ids, which the window puts in its own words: the measure (an item, a PSI
    /// dimension or "responses"), the statistic ("count", "mean", ...) and, for an
    /// answer's count, the answer option.
    pub measure: &'static str,
    pub statistic: &'static str,
    pub option: Option<&'static str>,
    pub value: Cell,
}

#[derive(Serialize, Debug)]
pub struct Preview {
    pub reissued: bool,
    pub groups: usize,
    pub withheld: usize,
    pub total_rows: usize,
    pub rows: Vec<PreviewRow>,
    pub notes: Vec<String>,
}

#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct StaffCount {
    pub team: String,
    pub role: String,
    pub staff: u32,
}

#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct DisclosureSettings {
    #[serde(deserialize_with = "validate::object")]
    pub rules: RuleSettings,
    #[serde(deserialize_with = "validate::objects")]
    pub staff_counts: Vec<StaffCount>,
    /// Sent, never read: the window's limit for each count, so it keeps no copy.
    #[serde(skip_deserializing)]
    pub max_staff: u32,
}

/// Help when it is needed ([`crate::support`]): none of it is tied to a response.
impl App {
    /// A person asked to talk to someone about their session. Anyone may ask; the
    /// request is a count, with nothing of their answers. Returns how many wait.
    pub fn ask_to_talk(&self) -> Result<u32, AppError> {
        self.store()?.add_talk_request()
    }

    /// Staff at the hand-over screen saw the requests: they go, and the audit trail
    /// records how many there were. Returns that count.
    pub fn acknowledge_talk(&self) -> Result<u32, AppError> {
        self.store()?.acknowledge_talk()
    }

    /// Replaces the clinic's help lines of the languages given (staff only). Returns
    /// every language's own lines as saved.
    pub fn update_help_lines(
        &self,
        payload: serde_json::Value,
    ) -> Result<BTreeMap<String, Vec<String>>, AppError> {
        self.require_staff()?;
        let lines = crate::support::help_lines(payload)?;
        let mut store = self.store()?;
        store.set_help_lines(&lines)?;
        store.help_lines()
    }

    /// Remembers the team, session type and role of a hand-over for the next one.
    pub fn remember_choices(&self, payload: serde_json::Value) -> Result<(), AppError> {
        let ids = crate::support::choices(payload)?;
        self.store()?.remember_choices(ids)
    }
}

/// The three lists of a setup or settings payload, each checked.
fn validated_lists(
    teams: &[String],
    session_types: &[String],
    roles: &[String],
) -> Result<[(ContextList, Vec<String>); 3], AppError> {
    Ok([
        (
            ContextList::Teams,
            validate::names(ContextList::Teams, teams)?,
        ),
        (
            ContextList::SessionTypes,
            validate::names(ContextList::SessionTypes, session_types)?,
        ),
        (
            ContextList::Roles,
            validate::names(ContextList::Roles, roles)?,
        ),
    ])
}

/// The first and last months of the ended periods to show, from the first month with
/// responses, at most ten years back and none that starts before `kept_from` (the
/// months before it were deleted); `None` when no period with responses has ended.
fn shown_range(
    first_data: Option<Month>,
    kept_from: Option<Month>,
    kind: PeriodKind,
    now: Month,
) -> Option<(Month, Month)> {
    let last = Period::of(kind, now).first_month().prev();
    let ten_years_back = (0..119).fold(last, |m, _| m.prev());
    let floor = kept_from.map_or(ten_years_back, |k| k.max(ten_years_back));
    let mut first = Period::of(kind, first_data?).first_month();
    while first < floor {
        first = Period::of(kind, first).last_month().next();
    }
    (first <= last).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn the_staff_summary_shows_only_ended_periods_within_ten_years() {
        let now = m("2026-11");
        assert_eq!(shown_range(None, None, PeriodKind::Month, now), None);
        assert_eq!(
            shown_range(Some(now), None, PeriodKind::Month, now),
            None,
            "this month has not ended"
        );
        assert_eq!(
            shown_range(Some(m("2026-02")), None, PeriodKind::Month, now),
            Some((m("2026-02"), m("2026-10")))
        );
        assert_eq!(
            shown_range(Some(m("2026-10")), None, PeriodKind::Quarter, now),
            None,
            "this quarter has not ended"
        );
        assert_eq!(
            shown_range(Some(m("2026-02")), None, PeriodKind::Quarter, now),
            Some((m("2026-01"), m("2026-09")))
        );
        let (first, last) =
            shown_range(Some(m("1990-05")), None, PeriodKind::Quarter, now).unwrap();
        assert_eq!((first, last), (m("2016-10"), m("2026-09")));
        assert!(crate::period::periods(
            PeriodKind::Quarter,
            &first.to_string(),
            &last.to_string(),
            now
        )
        .is_ok());
        assert_eq!(
            shown_range(
                Some(m("2026-02")),
                Some(m("2026-05")),
                PeriodKind::Quarter,
                now
            ),
            Some((m("2026-07"), m("2026-09"))),
            "no quarter that starts before the deleted months end"
        );
        assert_eq!(
            shown_range(
                Some(m("2026-02")),
                Some(m("2026-05")),
                PeriodKind::Month,
                now
            ),
            Some((m("2026-05"), m("2026-10")))
        );
        let (first, last) = shown_range(Some(m("1990-05")), None, PeriodKind::Month, now).unwrap();
        assert!(crate::period::periods(
            PeriodKind::Month,
            &first.to_string(),
            &last.to_string(),
            now
        )
        .is_ok());
    }
}

#[cfg(test)]
mod safety_tests {
    use super::*;
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
        let change = |current: &str, new: &str| {
            app.change_passphrase(json!({"current": current, "new": new}))
        };
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
}
