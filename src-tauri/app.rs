//! What the window can ask for, as plain Rust: each method takes the UI's untrusted
//! payload, checks it whole, and calls the store. The Tauri commands only forward here.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use crate::auth;
use crate::disclosure::{RuleSettings, Value};
use crate::error::AppError;
use crate::export::{self, Export, Format, Prepared, Request};
use crate::period::{Month, Period, PeriodKind};
use crate::questionnaire::{self, Questionnaire};
use crate::store::{Comment, Context, ContextList, ReleaseEntry, Store};
use crate::summary::Breakdown;
use crate::validate::{self, ResponsePayload};

pub struct App {
    store: Mutex<Store>,
    staff_unlocked: AtomicBool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppStateView {
    pub configured: bool,
    pub staff_unlocked: bool,
    pub questionnaire: Questionnaire,
    pub context: Context,
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
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    pub note: String,
}

impl App {
    pub fn new(store: Store) -> App {
        App {
            store: Mutex::new(store),
            staff_unlocked: AtomicBool::new(false),
        }
    }

    fn store(&self) -> Result<std::sync::MutexGuard<'_, Store>, AppError> {
        self.store
            .lock()
            .map_err(|_| AppError::Storage("the store lock was poisoned".into()))
    }

    fn require_staff(&self) -> Result<(), AppError> {
        if self.staff_unlocked.load(Ordering::SeqCst) {
            Ok(())
        } else {
            Err(AppError::Locked)
        }
    }

    pub fn state(&self) -> Result<AppStateView, AppError> {
        let store = self.store()?;
        Ok(AppStateView {
            configured: store.is_configured()?,
            staff_unlocked: self.staff_unlocked.load(Ordering::SeqCst),
            questionnaire: questionnaire::questionnaire(),
            context: store.context()?,
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

    /// Stores a response. Returns only once it is committed to disk.
    pub fn submit(&self, payload: serde_json::Value) -> Result<Saved, AppError> {
        let p: ResponsePayload = validate::parse(payload, "answers")?;
        let mut store = self.store()?;
        if !store.is_configured()? {
            return Err(AppError::NotConfigured);
        }
        let response = validate::response(p, &store, Month::current())?;
        store.submit(&response)?;
        Ok(Saved { saved: true })
    }

    pub fn unlock(&self, passphrase: &str) -> Result<(), AppError> {
        let hash = self
            .store()?
            .passphrase_hash()?
            .ok_or(AppError::NotConfigured)?;
        if auth::verify(passphrase, &hash) {
            self.staff_unlocked.store(true, Ordering::SeqCst);
            Ok(())
        } else {
            Err(AppError::WrongPassphrase)
        }
    }

    pub fn lock(&self) {
        self.staff_unlocked.store(false, Ordering::SeqCst);
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
                "Please choose months or quarters.",
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
        if let Some((first, last)) = shown_range(store.months()?.first().copied(), kind, now) {
            let request = Request {
                period: kind,
                from: first.to_string(),
                to: last.to_string(),
                by: Breakdown::None,
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
                        .measures
                        .iter()
                        .find(|m| m.measure.id == id)
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
            headers: vec![
                "Team",
                "Period",
                "Responses",
                "Power (average out of 5)",
                "Safety (average out of 5)",
                "Identity (average out of 5)",
                "Overall rating (average out of 5)",
                "Said something did not feel right",
            ],
            rows,
            note: "These are the figures an export would hold: counts are rounded to 5, small numbers are withheld, and groups of fewer than 10 responses show nothing else. A month or quarter appears once it has ended, so that no one's answers can be worked out from how the figures change.".to_string(),
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
                measure: r.measure_label.to_string(),
                statistic: match (r.statistic, r.option_label) {
                    ("count", Some(o)) => format!("count: {o}"),
                    (s, _) => s.to_string(),
                },
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
                "There are more staff counts than teams and roles.",
            ));
        }
        let counts: Vec<(String, String, u32)> = p
            .staff_counts
            .into_iter()
            .enumerate()
            .map(|(i, c)| {
                if c.staff > 10_000 {
                    return Err(AppError::invalid(
                        Some(format!("staff_counts[{i}]")),
                        "A number of staff must be from 0 to 10000.",
                    ));
                }
                Ok((c.team, c.role, c.staff))
            })
            .collect::<Result<_, _>>()?;
        self.store()?.save_disclosure_settings(p.rules, &counts)?;
        self.disclosure_settings()
    }
}

/// At most this many rows are previewed; the file holds them all.
pub const PREVIEW_ROWS: usize = 3000;

#[derive(Serialize, Debug)]
pub struct PreviewRow {
    pub team: String,
    pub period: String,
    pub breakdown_value: Option<String>,
    pub measure: String,
    pub statistic: String,
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
    pub rules: RuleSettings,
    pub staff_counts: Vec<StaffCount>,
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
/// responses, at most ten years back; `None` when no period with responses has ended.
fn shown_range(first_data: Option<Month>, kind: PeriodKind, now: Month) -> Option<(Month, Month)> {
    let last = Period::of(kind, now).first_month().prev();
    let ten_years_back = (0..119).fold(last, |m, _| m.prev());
    let mut first = Period::of(kind, first_data?).first_month();
    while first < ten_years_back {
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
        assert_eq!(shown_range(None, PeriodKind::Month, now), None);
        assert_eq!(
            shown_range(Some(now), PeriodKind::Month, now),
            None,
            "this month has not ended"
        );
        assert_eq!(
            shown_range(Some(m("2026-02")), PeriodKind::Month, now),
            Some((m("2026-02"), m("2026-10")))
        );
        assert_eq!(
            shown_range(Some(m("2026-10")), PeriodKind::Quarter, now),
            None,
            "this quarter has not ended"
        );
        assert_eq!(
            shown_range(Some(m("2026-02")), PeriodKind::Quarter, now),
            Some((m("2026-01"), m("2026-09")))
        );
        let (first, last) = shown_range(Some(m("1990-05")), PeriodKind::Quarter, now).unwrap();
        assert_eq!((first, last), (m("2016-10"), m("2026-09")));
        assert!(crate::period::periods(
            PeriodKind::Quarter,
            &first.to_string(),
            &last.to_string(),
            now
        )
        .is_ok());
        let (first, last) = shown_range(Some(m("1990-05")), PeriodKind::Month, now).unwrap();
        assert!(crate::period::periods(
            PeriodKind::Month,
            &first.to_string(),
            &last.to_string(),
            now
        )
        .is_ok());
    }
}
