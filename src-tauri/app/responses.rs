//! A person's answers: sending them, keeping them when the disk cannot take them, and
//! asking to talk to someone.

use std::collections::BTreeMap;

use serde::Serialize;

use super::App;
use crate::error::AppError;
use crate::period::Month;
use crate::store::Action;
use crate::validate::{self, ResponsePayload};

/// At most this many unsaved responses are kept in memory (a few megabytes); staff are
/// told at the first.
const MAX_UNSAVED: usize = 10_000;

#[derive(Serialize, Debug)]
pub struct Saved {
    pub saved: bool,
}

impl App {
    /// Stores a response. Returns only once it is committed to disk. If the database
    /// cannot take it (full disk, read-only or locked file), nothing is half-written,
    /// the response is kept in memory for staff, and the error says to tell them.
    pub fn submit(&self, payload: serde_json::Value) -> Result<Saved, AppError> {
        let p: ResponsePayload = validate::parse(payload, "answers")?;
        let mut store = self.store()?;
        if !store.is_configured()? {
            return Err(AppError::NotConfigured);
        }
        let mut response = validate::response(p, |l, id| store.is_active(l, id), Month::current())?;
        // The estimate of this hand-over goes with these answers, and only with them.
        if let Some(estimate) = self.held_estimate().take() {
            response.estimate = estimate;
        }
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
