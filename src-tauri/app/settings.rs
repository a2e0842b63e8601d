//! Setting the device up and changing its settings: the lists, the hand-over defaults
//! and the disclosure settings.

use serde::{Deserialize, Serialize};

use super::App;
use crate::auth;
use crate::disclosure::RuleSettings;
use crate::domain::{Context, ContextList};
use crate::error::AppError;
use crate::validate::{self};

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

pub use crate::validate::MAX_STAFF;

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

impl App {
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
        let counts = p
            .staff_counts
            .into_iter()
            .map(|c| (c.team, c.role, c.staff));
        let counts = validate::staff_counts(counts.collect())?;
        self.store()?.save_disclosure_settings(p.rules, &counts)?;
        self.disclosure_settings()
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
