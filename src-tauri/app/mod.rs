//! What the window can ask for, as plain Rust: each method takes the UI's untrusted
//! payload, checks it whole, and calls the store. The Tauri commands only forward here.

mod estimate;
#[cfg(test)]
mod estimate_tests;
mod reports;
mod responses;
mod settings;
mod staff;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::domain::{Context, NewResponse};
use crate::error::{AppError, Message};
use crate::export;
use crate::period::Month;
use crate::questionnaire::{self, Questionnaire};
use crate::store::Store;

pub use reports::{Cell, Overview, Preview, PreviewRow, TeamCount, PREVIEW_ROWS};
pub use responses::Saved;
pub use settings::{DisclosureSettings, StaffCount, MAX_STAFF};
pub use staff::{RetentionResult, SafetySettings, AUDIT_ROWS};

pub struct App {
    /// Where the database file is: no file the app saves may be written over it.
    db: PathBuf,
    /// The store, or why the database could not be opened.
    store: Result<Mutex<Store>, DatabaseProblem>,
    /// When staff last did something in the unlocked staff area; `None`: locked.
    staff: Mutex<Option<Instant>>,
    /// Responses that could not be stored (full disk, read-only or locked file), kept in
    /// memory only until staff save them again or discard them.
    unsaved: Mutex<Vec<NewResponse>>,
    /// The practitioner's estimate given at the last hand-over, held here (never in the
    /// page) until the person sends their answers; dropped if they do not.
    estimate: Mutex<Option<questionnaire::Estimate>>,
    /// Wrong tries counted here too, for when the database cannot record them (a full
    /// or read-only disk): guessing must not become free exactly then.
    tries_here: Mutex<crate::store::audit::Tries>,
    timeouts: Timeouts,
}

/// Why the app cannot use its database, for staff.
#[derive(Serialize, Debug, Clone)]
pub struct DatabaseProblem {
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
    pub problem: Option<DatabaseProblem>,
    /// The clinic's own help lines by language (the others use their default lines).
    pub help: BTreeMap<String, Vec<String>>,
    /// How many people asked to talk to someone and staff have not yet seen it.
    pub talk_requests: u32,
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
            DatabaseProblem {
                message: said.text(),
                key: said.key,
                args: said.args,
                path: path.display().to_string(),
                damaged: !matches!(e, AppError::Busy(_)),
            }
        });
        App::with(path.to_path_buf(), store, timeouts)
    }

    fn with(db: PathBuf, store: Result<Store, DatabaseProblem>, timeouts: Timeouts) -> App {
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
            estimate: Mutex::new(None),
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

    fn held_estimate(&self) -> std::sync::MutexGuard<'_, Option<questionnaire::Estimate>> {
        self.estimate.lock().unwrap_or_else(|e| e.into_inner())
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
}
