//! The staff lock and the device's safety: passphrase, kiosk mode, closing, retention,
//! backups and the audit trail.

use std::path::Path;
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::{App, Notice};
use crate::auth;
use crate::error::AppError;
use crate::period::Month;
use crate::store::{Action, AuditEntry};
use crate::validate::{self};

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

/// The staff area shows this many of the latest audit rows.
pub const AUDIT_ROWS: usize = 500;

impl App {
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

    pub(super) fn check_passphrase_at(
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
            if !(1..=crate::store::device::MAX_RETENTION_MONTHS).contains(&m) {
                return Err(AppError::invalid(
                    Some("months".to_string()),
                    "error.retention.months",
                    vec![(
                        "max",
                        crate::store::device::MAX_RETENTION_MONTHS.to_string(),
                    )],
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
}
