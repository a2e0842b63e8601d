//! The rules in plain words, and the reasons a value can be withheld.

use serde::Serialize;

use crate::domain::rules::Rules;

impl Rules {
    /// The rules in plain words as releases recorded before the layouts stated them:
    /// kept word for word, so that such a release is reissued byte for byte.
    pub fn plain_words_v1(&self) -> Vec<String> {
        vec![
            "Only whole calendar months or quarters are shown. There are no dates, times, names, ids or comments.".into(),
            format!(
                "A group (one team, one period, and at most one breakdown value) with fewer than {} responses shows only \"fewer than {}\".",
                self.group_floor, self.group_floor
            ),
            format!(
                "Inside a group, any count from 1 to {} is withheld. Every other count, the number of responses included, is rounded to the nearest {}. A true zero is shown as 0.",
                self.small_count_max, self.rounding_base
            ),
            format!(
                "Averages and standard deviations are only shown where at least {} people answered, to one decimal place.",
                self.derived_min_n
            ),
            format!(
                "Percentages are worked out from the rounded counts, shown as whole numbers, and shown as \"{}% or more\" or \"{}% or less\" at the ends.",
                self.percent_top_code, self.percent_bottom_code
            ),
            format!(
                "If an average, SD, percentage or number who answered would let someone work a withheld count down to fewer than {} possible values, it is withheld too.",
                self.min_possible_values
            ),
            "Rows for all teams, for all the periods together and for all breakdown values are totals. Where a total, with the other rows or with earlier exports of the same responses, would let someone work out a withheld value, or narrow it to fewer possible values than above, more values are withheld, smallest first.".into(),
            "Practitioner roles held by fewer than 3 staff in a team are shown together as \"Other roles\"; a team whose roles are all held by so few shows no role rows.".into(),
            "Exports are recorded in the release ledger. A period exported before keeps the values it had; responses added to it later are left out and counted below.".into(),
            "Every withheld value says \"withheld\" and why. A withheld value is never shown as blank or zero.".into(),
        ]
    }
}

/// Why a value is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// The whole group has fewer responses than the floor.
    GroupBelowFloor,
    /// A count from 1 to the small-count limit.
    SmallCount,
    /// A mean, SD or percentage from too few answers.
    SmallBase,
    /// A percentage whose numerator is a withheld count.
    RevealsSmallCount,
    /// A value that, with the others published, would narrow a withheld count to
    /// fewer than 3 possible values (the inversion check).
    NarrowsWithheld,
    /// A value that, with the totals, would let a withheld value be worked out (rule 6),
    /// or that describes such a value.
    ProtectsWithheld,
    /// Withheld with every other figure of its measure in its group, where withholding
    /// single values could not keep a count's possible values apart. It says nothing
    /// of the value: it may be small, large or zero.
    Concealed,
}

impl Reason {
    pub const ALL: [Reason; 7] = [
        Reason::GroupBelowFloor,
        Reason::SmallCount,
        Reason::SmallBase,
        Reason::RevealsSmallCount,
        Reason::NarrowsWithheld,
        Reason::ProtectsWithheld,
        Reason::Concealed,
    ];

    /// The reasons a release of `generation` may give (files of the first generation
    /// list exactly theirs, so that they are reissued byte for byte).
    pub fn of_generation(generation: u8) -> &'static [Reason] {
        if generation < 2 {
            &Reason::ALL[..6]
        } else {
            &Reason::ALL
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Reason::GroupBelowFloor => "group_below_floor",
            Reason::SmallCount => "small_count",
            Reason::SmallBase => "small_base",
            Reason::RevealsSmallCount => "reveals_small_count",
            Reason::NarrowsWithheld => "narrows_withheld",
            Reason::ProtectsWithheld => "protects_withheld",
            Reason::Concealed => "concealed",
        }
    }

    pub fn explain(self, rules: &Rules) -> String {
        match self {
            Reason::GroupBelowFloor => format!(
                "fewer than {} responses in this group, so nothing else about it is shown (rule 3)",
                rules.group_floor
            ),
            Reason::SmallCount => format!(
                "a count from 1 to {} could identify someone (rule 4)",
                rules.small_count_max
            ),
            Reason::SmallBase => format!(
                "fewer than {} answers, too few for an average or a percentage (rule 5)",
                rules.derived_min_n
            ),
            Reason::RevealsSmallCount => {
                format!(
                    "this percentage would give away a count from 1 to {} (rule 5)",
                    rules.small_count_max
                )
            }
            Reason::NarrowsWithheld => format!(
                "with the other figures shown, this would narrow a withheld count to fewer than {} possible values (rule 5)",
                rules.min_possible_values
            ),
            Reason::ProtectsWithheld => "withheld so that a withheld value cannot be worked out from the totals or from earlier exports (rules 6 and 8)".to_string(),
            Reason::Concealed => "withheld with every other figure of this question in this group, so that a withheld count cannot be worked out; it says nothing about its own value (rules 5 and 6)".to_string(),
        }
    }
}

impl Rules {
    /// The rules in plain words, as every export states them (rule 9).
    pub fn plain_words(&self) -> Vec<String> {
        vec![
            "Only whole calendar months or quarters are shown. There are no dates, times, names, ids or comments.".into(),
            format!(
                "A group (one team, one period, and at most one breakdown value) with fewer than {} responses shows only \"fewer than {}\".",
                self.group_floor, self.group_floor
            ),
            format!(
                "Inside a group, any count from 1 to {} is withheld. Every other count, the number of responses included, is rounded to the nearest {}. A true zero is shown as 0.",
                self.small_count_max, self.rounding_base
            ),
            format!(
                "Averages are only shown where at least {} people answered, to one decimal place.",
                self.derived_min_n
            ),
            format!(
                "Percentages are worked out from the rounded counts, shown as whole numbers, and shown as \"{}% or more\" or \"{}% or less\" at the ends.",
                self.percent_top_code, self.percent_bottom_code
            ),
            "Rows for all teams, for all the periods together and for all breakdown values are totals.".into(),
            format!(
                "Before anything is published, the app checks that every count that is withheld or not shown, from 1 to {}, keeps at least {} possible values for someone who holds this file and every earlier export of the same months and does the arithmetic (each rounded count can be 2 either side, a withheld count is 1 to {}, a missing row is 0, and every average and percentage must come out the same). Where it would not, one more value is withheld: the one readers lose least, a single count in a small group before an average, a small group before a large one, a team before all teams. Where single values cannot do it, every figure of that question in that group is withheld, marked as saying nothing about its own value.",
                self.small_count_max, self.min_possible_values, self.small_count_max
            ),
            "Practitioner roles held by fewer than 3 staff in a team are shown together as \"Other roles\"; a team whose roles are all held by so few shows no role rows.".into(),
            "Exports are recorded in the release ledger. A group exported before shows the values it showed then; responses added to its months later are left out and counted below.".into(),
            "Every withheld value says \"withheld\" and why. A withheld value is never shown as blank or zero.".into(),
        ]
    }
}
