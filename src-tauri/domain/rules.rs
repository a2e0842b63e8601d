//! The disclosure rules' settings: what staff may change, and only ever stricter.

use serde::Serialize;

use crate::error::Message;

/// The rule settings. They can be made stricter, never looser than the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Rules {
    /// Groups with fewer responses than this show only "fewer than N" (rule 3).
    pub group_floor: u64,
    /// Counts from 1 to this are withheld (rule 4).
    pub small_count_max: u64,
    /// Every other count is rounded to the nearest multiple of this (rule 4).
    pub rounding_base: u64,
    /// Means, SDs and percentages need at least this many answers (rule 5).
    pub derived_min_n: u64,
    /// Percentages at or above this are shown as "N or more" (rule 5).
    pub percent_top_code: u32,
    /// Percentages at or below this are shown as "N or less" (rule 5).
    pub percent_bottom_code: u32,
    /// A withheld count must keep at least this many possible values for an intruder
    /// who knows everything published (rules 5 and 6).
    pub min_possible_values: u64,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            group_floor: 10,
            small_count_max: 7,
            rounding_base: 5,
            derived_min_n: 10,
            percent_top_code: 95,
            percent_bottom_code: 5,
            min_possible_values: 3,
        }
    }
}

/// The settings staff may change: each can only make the rules stricter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    pub group_floor: u64,
    pub rounding_base: u64,
    pub min_possible_values: u64,
}

/// The lowest a group floor may ever be (rule 3).
pub const LOWEST_FLOOR: u64 = 8;
pub const HIGHEST_FLOOR: u64 = 1000;
pub const HIGHEST_ROUNDING_BASE: u64 = 100;

impl Rules {
    pub fn settings(&self) -> RuleSettings {
        RuleSettings {
            group_floor: self.group_floor,
            rounding_base: self.rounding_base,
            min_possible_values: self.min_possible_values,
        }
    }

    /// The rules with `new` settings, if each is at least as strict as now: the floor
    /// never below 8 nor below what it is, the rounding base and the protection only
    /// larger. Returns the field and the reason otherwise.
    pub fn tightened(&self, new: RuleSettings) -> Result<Rules, (&'static str, Message)> {
        if new.group_floor < LOWEST_FLOOR || new.group_floor > HIGHEST_FLOOR {
            return Err((
                "group_floor",
                Message::new(
                    "error.rules.floor_range",
                    vec![
                        ("min", LOWEST_FLOOR.to_string()),
                        ("max", HIGHEST_FLOOR.to_string()),
                    ],
                ),
            ));
        }
        if new.group_floor < self.group_floor {
            return Err((
                "group_floor",
                Message::new(
                    "error.rules.floor_lower",
                    vec![("floor", self.group_floor.to_string())],
                ),
            ));
        }
        if new.rounding_base < self.rounding_base || new.rounding_base > HIGHEST_ROUNDING_BASE {
            return Err((
                "rounding_base",
                Message::new(
                    "error.rules.rounding",
                    vec![
                        ("from", self.rounding_base.to_string()),
                        ("to", HIGHEST_ROUNDING_BASE.to_string()),
                    ],
                ),
            ));
        }
        if new.min_possible_values < self.min_possible_values
            || new.min_possible_values > self.small_count_max
        {
            return Err((
                "min_possible_values",
                Message::new(
                    "error.rules.protection",
                    vec![
                        ("from", self.min_possible_values.to_string()),
                        ("to", self.small_count_max.to_string()),
                    ],
                ),
            ));
        }
        Ok(Rules {
            group_floor: new.group_floor,
            rounding_base: new.rounding_base,
            min_possible_values: new.min_possible_values,
            // Averages need as many answers as a group needs responses, and never fewer than 10.
            derived_min_n: new.group_floor.max(Rules::default().derived_min_n),
            ..*self
        })
    }
}
