//! The practitioner's estimate at hand-over: checked, held in the app (never in the
//! page) until the person sends their answers, and dropped if they do not.

use serde::Deserialize;

use super::App;
use crate::error::AppError;
use crate::questionnaire::{Estimate, NO_ESTIMATE};
use crate::validate;

/// A practitioner's estimate as the hand-over screen sends it: for each PSI dimension a
/// code of the agreement scale (1 to 5), or nothing where it was not given.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EstimatePayload {
    #[serde(default)]
    power: Option<i64>,
    #[serde(default)]
    safety: Option<i64>,
    #[serde(default)]
    identity: Option<i64>,
}

/// Checks an estimate: each given value one of the scale's five codes.
fn estimate(p: EstimatePayload) -> Result<Estimate, AppError> {
    let mut out = NO_ESTIMATE;
    for (d, (field, given)) in [
        ("power", p.power),
        ("safety", p.safety),
        ("identity", p.identity),
    ]
    .into_iter()
    .enumerate()
    {
        out[d] = match given.map(u8::try_from) {
            None => None,
            Some(Ok(code @ 1..=5)) => Some(code),
            Some(_) => {
                return Err(AppError::invalid(
                    Some(field.to_string()),
                    "error.estimate.not_a_choice",
                    Vec::new(),
                ))
            }
        };
    }
    Ok(out)
}

/// The practitioner's estimate at hand-over ([`crate::questionnaire::Estimate`]).
impl App {
    /// Holds the estimate of this hand-over (`None`: skipped) until the person sends
    /// their answers, in place of any held before. Anyone may give one, as anyone may
    /// hand over; only where the device asks for estimates.
    pub fn hold_estimate(&self, payload: serde_json::Value) -> Result<(), AppError> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Payload {
            #[serde(deserialize_with = "validate::optional_object")]
            estimate: Option<EstimatePayload>,
        }
        // Whatever comes next, an estimate held before is never given to another person.
        self.forget_estimate();
        let p: Payload = validate::parse(payload, "estimate")?;
        let Some(given) = p.estimate else {
            return Ok(());
        };
        let estimate = estimate(given)?;
        if estimate == crate::questionnaire::NO_ESTIMATE {
            return Ok(());
        }
        if !self.store()?.asks_estimate()? {
            return Err(AppError::invalid(None, "error.estimate.off", Vec::new()));
        }
        *self.held_estimate() = Some(estimate);
        Ok(())
    }

    /// Drops the held estimate: the person did not send their answers (the idle reset,
    /// or the questionnaire left).
    pub fn forget_estimate(&self) {
        self.held_estimate().take();
    }

    /// Whether an estimate is held (for tests: the page can never ask what it is).
    pub fn holds_estimate(&self) -> bool {
        self.held_estimate().is_some()
    }

    /// Turns the practitioner's estimate at hand-over on or off for the device (staff).
    pub fn set_ask_estimate(&self, on: bool) -> Result<(), AppError> {
        self.require_staff()?;
        if !on {
            self.forget_estimate();
        }
        self.store()?.set_asks_estimate(on)
    }
}
