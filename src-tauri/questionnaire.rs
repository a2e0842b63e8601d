//! The questionnaire: its items, their wording and answer options, and its version.
//!
//! Item ids are stable across versions so that summaries can combine them; a change of
//! wording that changes meaning gets a new version (and, if the item changes, a new id).
//! The wording follows the Power Safety Identity study (Bacha et al., 2020), the
//! partnership view that service users are experts in their own lives, and the
//! bond / tasks / goals view of working together. It is written for a reading age of
//! about 11: short sentences, everyday words.

use serde::Serialize;

use crate::locale;

/// Version of the wording below. Every stored response records the version it answered.
pub const VERSION: u32 = 1;

/// Versions whose answers mean the same as this one's and may be summarised together.
pub const COMPATIBLE_VERSIONS: &[u32] = &[1];

/// The answer code for "I'd rather not say". It is stored, but counts as no answer.
pub const DECLINED: u8 = 0;

/// Longest comment accepted, in characters.
pub const COMMENT_MAX_CHARS: usize = 2000;

/// The part of the relationship an item asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Power,
    Safety,
    Identity,
    WorkingTogether,
    Rupture,
    Overall,
    Choice,
}

impl Section {
    pub fn id(self) -> &'static str {
        match self {
            Section::Power => "power",
            Section::Safety => "safety",
            Section::Identity => "identity",
            Section::WorkingTogether => "working_together",
            Section::Rupture => "rupture",
            Section::Overall => "overall",
            Section::Choice => "choice",
        }
    }

    /// The section's title in canonical English (exports, the command line).
    pub fn title(self) -> &'static str {
        locale::text(&format!("q.section.{}", self.id()))
    }

    /// The three PSI dimensions, which also get a summary score of their own.
    pub const DIMENSIONS: [Section; 3] = [Section::Power, Section::Safety, Section::Identity];
}

/// How an item's options relate to each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Options 1..=5 in order, from worst to best: means and SDs make sense.
    Scale,
    /// Unordered options: only counts and shares make sense.
    Choice,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerOption {
    pub code: u8,
    /// Short id used in exports (stable, English).
    pub id: &'static str,
    /// The set of options this one belongs to; with `id` it names the option's words.
    pub scale: &'static str,
}

impl AnswerOption {
    /// The option's label in canonical English (exports, the command line).
    pub fn label(&self) -> &'static str {
        locale::text(&format!("q.option.{}.{}", self.scale, self.id))
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: &'static str,
    pub section: Section,
    pub kind: Kind,
    /// The set of answer options, which also names their words in the locale files.
    pub scale: &'static str,
    pub options: &'static [AnswerOption],
    /// Codes counted for the item's headline share (for example "Mostly" or "Completely").
    pub share_codes: &'static [u8],
    /// Names what the headline share means (`q.share.<share>` in the locale files).
    pub share: &'static str,
}

impl Item {
    /// The question in canonical English (exports, the command line). The window shows
    /// it in the person's language and version from the locale files (`q.item.<id>`).
    pub fn text(&self) -> &'static str {
        locale::text(&format!("q.item.{}", self.id))
    }

    /// What the headline share means, in canonical English.
    pub fn share_label(&self) -> &'static str {
        locale::text(&format!("q.share.{}", self.share))
    }

    pub fn option(&self, code: u8) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.code == code)
    }

    /// Whether `code` is an answer this item accepts (an option or "rather not say").
    pub fn accepts(&self, code: u8) -> bool {
        code == DECLINED || self.option(code).is_some()
    }
}

const AGREEMENT: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "not_at_all",
        scale: "agreement",
    },
    AnswerOption {
        code: 2,
        id: "a_little",
        scale: "agreement",
    },
    AnswerOption {
        code: 3,
        id: "partly",
        scale: "agreement",
    },
    AnswerOption {
        code: 4,
        id: "mostly",
        scale: "agreement",
    },
    AnswerOption {
        code: 5,
        id: "completely",
        scale: "agreement",
    },
];

const RATING: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "very_bad",
        scale: "rating",
    },
    AnswerOption {
        code: 2,
        id: "bad",
        scale: "rating",
    },
    AnswerOption {
        code: 3,
        id: "ok",
        scale: "rating",
    },
    AnswerOption {
        code: 4,
        id: "good",
        scale: "rating",
    },
    AnswerOption {
        code: 5,
        id: "very_good",
        scale: "rating",
    },
];

const RUPTURE: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "no",
        scale: "rupture",
    },
    AnswerOption {
        code: 2,
        id: "not_sure",
        scale: "rupture",
    },
    AnswerOption {
        code: 3,
        id: "yes",
        scale: "rupture",
    },
];

const CHOICE: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "yes",
        scale: "choice",
    },
    AnswerOption {
        code: 2,
        id: "partly",
        scale: "choice",
    },
    AnswerOption {
        code: 3,
        id: "no",
        scale: "choice",
    },
];

/// How a practitioner's estimate of a dimension compares with the person's own score.
pub const GAP: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "lower",
        scale: "gap",
    },
    AnswerOption {
        code: 2,
        id: "same",
        scale: "gap",
    },
    AnswerOption {
        code: 3,
        id: "higher",
        scale: "gap",
    },
];

/// The agreement scale's words, which a practitioner's estimate uses too.
pub const ESTIMATE_OPTIONS: &[AnswerOption] = AGREEMENT;

pub const POSITIVE: &[u8] = &[4, 5];

/// An item answered on the agreement scale. Its words are `q.item.<id>` in the locale files.
const fn agreement(id: &'static str, section: Section) -> Item {
    Item {
        id,
        section,
        kind: Kind::Scale,
        scale: "agreement",
        options: AGREEMENT,
        share_codes: POSITIVE,
        share: "positive",
    }
}

/// The items of this version, in the order they are asked.
pub const ITEMS: &[Item] = &[
    agreement("power_say", Section::Power),
    agreement("power_expert", Section::Power),
    agreement("power_care", Section::Power),
    agreement("safety_honest", Section::Safety),
    agreement("safety_listened", Section::Safety),
    agreement("safety_trust", Section::Safety),
    agreement("identity_person", Section::Identity),
    agreement("identity_strengths", Section::Identity),
    agreement("identity_respect", Section::Identity),
    agreement("together_understood", Section::WorkingTogether),
    agreement("together_goals", Section::WorkingTogether),
    agreement("together_way", Section::WorkingTogether),
    Item {
        id: "rupture",
        section: Section::Rupture,
        kind: Kind::Choice,
        scale: "rupture",
        options: RUPTURE,
        share_codes: &[3],
        share: "rupture",
    },
    Item {
        id: "overall",
        section: Section::Overall,
        kind: Kind::Scale,
        scale: "rating",
        options: RATING,
        share_codes: POSITIVE,
        share: "overall",
    },
    Item {
        id: "attending_choice",
        section: Section::Choice,
        kind: Kind::Choice,
        scale: "choice",
        options: CHOICE,
        share_codes: &[1],
        share: "choice",
    },
];

pub fn item(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.id == id)
}

/// The answer codes a response holds, in the order of [`ITEMS`]. `None` is a skipped question.
pub type Answers = [Option<u8>; ITEMS.len()];

/// A practitioner's estimate, given at hand-over, of how the person felt on each PSI
/// dimension (in the order of [`Section::DIMENSIONS`]), as a code of the agreement scale;
/// `None` where it was not given. It is never shown to the person, and is stored only
/// with the response it was given for.
pub type Estimate = [Option<u8>; 3];

/// No estimate given.
pub const NO_ESTIMATE: Estimate = [None; 3];

/// The estimate's columns in the database and in a paper-form CSV, by dimension.
pub const ESTIMATE_COLUMNS: [&str; 3] = ["estimate_power", "estimate_safety", "estimate_identity"];

/// How a practitioner's estimate `estimate` of a dimension compares with the person's
/// score `score` of it: 1 lower, 2 the same, 3 higher (codes of [`GAP`]).
pub fn gap(estimate: u8, score: u8) -> u8 {
    match estimate.cmp(&score) {
        std::cmp::Ordering::Less => 1,
        std::cmp::Ordering::Equal => 2,
        std::cmp::Ordering::Greater => 3,
    }
}

pub fn item_index(id: &str) -> Option<usize> {
    ITEMS.iter().position(|i| i.id == id)
}

/// Index of the "was attending your choice" item, used as a breakdown.
pub fn choice_index() -> usize {
    item_index("attending_choice").expect("attending_choice is an item")
}

/// The score of a PSI dimension for one response: the mean of the answered items of that
/// dimension, rounded to the nearest whole point (halves round up), or `None` if none of
/// them was answered. Whole points keep a dimension's distribution and mean consistent,
/// which the disclosure checks rely on.
pub fn dimension_score(section: Section, answers: &Answers) -> Option<u8> {
    let (mut sum, mut n) = (0u32, 0u32);
    for (item, answer) in ITEMS.iter().zip(answers) {
        if item.section == section {
            if let Some(code @ 1..=5) = answer {
                sum += u32::from(*code);
                n += 1;
            }
        }
    }
    // round(sum / n) with halves up, in integers: floor((2*sum + n) / (2*n)).
    (n > 0).then(|| ((2 * sum + n) / (2 * n)) as u8)
}

/// The whole questionnaire as the window builds it: ids, kinds and codes. Its words (in
/// the person's language, adult or young-person version) come from the locale files.
#[derive(Debug, Serialize)]
pub struct Questionnaire {
    pub version: u32,
    pub sections: Vec<SectionView>,
    pub comment_max_chars: usize,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub id: &'static str,
    pub items: Vec<&'static Item>,
}

pub fn questionnaire() -> Questionnaire {
    let mut sections: Vec<SectionView> = Vec::new();
    for item in ITEMS {
        match sections.last_mut() {
            Some(s) if s.id == item.section.id() => s.items.push(item),
            _ => sections.push(SectionView {
                id: item.section.id(),
                items: vec![item],
            }),
        }
    }
    Questionnaire {
        version: VERSION,
        sections,
        comment_max_chars: COMMENT_MAX_CHARS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn item_ids_are_unique_and_snake_case() {
        let ids: HashSet<_> = ITEMS.iter().map(|i| i.id).collect();
        assert_eq!(ids.len(), ITEMS.len());
        for id in ids {
            assert!(
                id.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{id}"
            );
        }
    }

    #[test]
    fn every_dimension_has_several_items() {
        for d in Section::DIMENSIONS {
            assert!(
                ITEMS.iter().filter(|i| i.section == d).count() >= 3,
                "{d:?}"
            );
        }
    }

    #[test]
    fn scale_items_have_five_ordered_options_and_choices_have_codes_from_one() {
        for item in ITEMS {
            let codes: Vec<u8> = item.options.iter().map(|o| o.code).collect();
            let expected: Vec<u8> = (1..=codes.len() as u8).collect();
            assert_eq!(codes, expected, "{}", item.id);
            if item.kind == Kind::Scale {
                assert_eq!(codes.len(), 5, "{}", item.id);
            }
            assert!(!item.accepts(codes.len() as u8 + 1));
            assert!(item.accepts(DECLINED));
            assert!(item.share_codes.iter().all(|c| item.option(*c).is_some()));
        }
    }

    #[test]
    fn every_item_option_section_and_share_has_english_words() {
        for item in ITEMS {
            for key in [
                format!("q.item.{}", item.id),
                format!("q.share.{}", item.share),
                format!("q.section.{}", item.section.id()),
            ] {
                assert!(locale::has(&key), "{key}");
            }
            for o in item.options {
                assert!(
                    locale::has(&format!("q.option.{}.{}", o.scale, o.id)),
                    "{}",
                    o.id
                );
                assert_eq!(o.scale, item.scale, "{}", item.id);
            }
        }
        assert_eq!(
            item("power_say").unwrap().text(),
            "I had a say in what we talked about and what we decided."
        );
        assert_eq!(ITEMS[0].options[4].label(), "Completely");
    }

    #[test]
    fn dimension_score_rounds_the_mean_of_answered_items() {
        let mut a: Answers = [None; ITEMS.len()];
        assert_eq!(dimension_score(Section::Power, &a), None);
        a[item_index("power_say").unwrap()] = Some(4);
        a[item_index("power_expert").unwrap()] = Some(5);
        assert_eq!(
            dimension_score(Section::Power, &a),
            Some(5),
            "4.5 rounds up"
        );
        a[item_index("power_care").unwrap()] = Some(DECLINED);
        assert_eq!(
            dimension_score(Section::Power, &a),
            Some(5),
            "declined is not an answer"
        );
        a[item_index("power_care").unwrap()] = Some(1);
        assert_eq!(dimension_score(Section::Power, &a), Some(3), "10/3 = 3.33");
        assert_eq!(dimension_score(Section::Safety, &a), None);
    }

    #[test]
    fn questionnaire_groups_items_by_section_in_order() {
        let q = questionnaire();
        let count: usize = q.sections.iter().map(|s| s.items.len()).sum();
        assert_eq!(count, ITEMS.len());
        assert_eq!(q.sections[0].id, "power");
        assert_eq!(q.sections.len(), 7);
    }
}
