//! The questionnaire: its items, their wording and answer options, and its version.
//!
//! Item ids are stable across versions so that summaries can combine them; a change of
//! wording that changes meaning gets a new version (and, if the item changes, a new id).
//! The wording follows the Power Safety Identity study (Bacha et al., 2020), the
//! partnership view that service users are experts in their own lives, and the
//! bond / tasks / goals view of working together. It is written for a reading age of
//! about 11: short sentences, everyday words.

use serde::Serialize;

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

    pub fn title(self) -> &'static str {
        match self {
            Section::Power => "Power: having a say",
            Section::Safety => "Safety: feeling safe to be honest",
            Section::Identity => "Identity: being seen as a person",
            Section::WorkingTogether => "Working together",
            Section::Rupture => "Anything that did not feel right",
            Section::Overall => "Overall",
            Section::Choice => "Coming today",
        }
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
    pub label: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: &'static str,
    pub section: Section,
    pub kind: Kind,
    pub text: &'static str,
    pub options: &'static [AnswerOption],
    /// Codes counted for the item's headline share (for example "Mostly" or "Completely").
    pub share_codes: &'static [u8],
    /// What the headline share means, in plain words.
    pub share_label: &'static str,
}

impl Item {
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
        label: "Not at all",
    },
    AnswerOption {
        code: 2,
        id: "a_little",
        label: "A little",
    },
    AnswerOption {
        code: 3,
        id: "partly",
        label: "Partly",
    },
    AnswerOption {
        code: 4,
        id: "mostly",
        label: "Mostly",
    },
    AnswerOption {
        code: 5,
        id: "completely",
        label: "Completely",
    },
];

const RATING: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "very_bad",
        label: "Very bad",
    },
    AnswerOption {
        code: 2,
        id: "bad",
        label: "Bad",
    },
    AnswerOption {
        code: 3,
        id: "ok",
        label: "OK",
    },
    AnswerOption {
        code: 4,
        id: "good",
        label: "Good",
    },
    AnswerOption {
        code: 5,
        id: "very_good",
        label: "Very good",
    },
];

const RUPTURE: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "no",
        label: "No, it all felt right",
    },
    AnswerOption {
        code: 2,
        id: "not_sure",
        label: "I'm not sure",
    },
    AnswerOption {
        code: 3,
        id: "yes",
        label: "Yes, something did not feel right",
    },
];

const CHOICE: &[AnswerOption] = &[
    AnswerOption {
        code: 1,
        id: "yes",
        label: "Yes",
    },
    AnswerOption {
        code: 2,
        id: "partly",
        label: "Partly",
    },
    AnswerOption {
        code: 3,
        id: "no",
        label: "No",
    },
];

const POSITIVE: &[u8] = &[4, 5];
const POSITIVE_LABEL: &str = "answered Mostly or Completely";

const fn agreement(id: &'static str, section: Section, text: &'static str) -> Item {
    Item {
        id,
        section,
        kind: Kind::Scale,
        text,
        options: AGREEMENT,
        share_codes: POSITIVE,
        share_label: POSITIVE_LABEL,
    }
}

/// The items of this version, in the order they are asked.
pub const ITEMS: &[Item] = &[
    agreement(
        "power_say",
        Section::Power,
        "I had a say in what we talked about and what we decided.",
    ),
    agreement(
        "power_expert",
        Section::Power,
        "I was treated as the expert on my own life.",
    ),
    agreement(
        "power_care",
        Section::Power,
        "It felt like care, not control.",
    ),
    agreement(
        "safety_honest",
        Section::Safety,
        "I felt safe to say what I really think, even to disagree.",
    ),
    agreement(
        "safety_listened",
        Section::Safety,
        "I was listened to and not judged.",
    ),
    agreement(
        "safety_trust",
        Section::Safety,
        "I felt I could trust the person I saw.",
    ),
    agreement(
        "identity_person",
        Section::Identity,
        "I was seen as a person, not just a diagnosis or a case.",
    ),
    agreement(
        "identity_strengths",
        Section::Identity,
        "They saw what I am good at, not just my problems.",
    ),
    agreement(
        "identity_respect",
        Section::Identity,
        "I was treated with respect.",
    ),
    agreement(
        "together_understood",
        Section::WorkingTogether,
        "I felt understood.",
    ),
    agreement(
        "together_goals",
        Section::WorkingTogether,
        "We agreed on what to work on.",
    ),
    agreement(
        "together_way",
        Section::WorkingTogether,
        "The way we worked made sense to me.",
    ),
    Item {
        id: "rupture",
        section: Section::Rupture,
        kind: Kind::Choice,
        text: "Did anything in this session not feel right to you?",
        options: RUPTURE,
        share_codes: &[3],
        share_label: "said something did not feel right",
    },
    Item {
        id: "overall",
        section: Section::Overall,
        kind: Kind::Scale,
        text: "Overall, how was this session for you?",
        options: RATING,
        share_codes: POSITIVE,
        share_label: "said Good or Very good",
    },
    Item {
        id: "attending_choice",
        section: Section::Choice,
        kind: Kind::Choice,
        text: "Was coming today your choice?",
        options: CHOICE,
        share_codes: &[1],
        share_label: "said Yes",
    },
];

/// The plain statement shown before the first question.
pub const INTRO: &[&str] = &[
    "This is about the session you just had.",
    "Your answers are anonymous. We do not ask your name.",
    "Your answers stay on this device. Staff only see totals for many people together.",
    "If you write a comment, staff in this team can read it. It never leaves this device.",
    "You can skip any question. It takes about two minutes.",
];

pub const COMMENT_PROMPT: &str =
    "Is there anything else you want to tell us? (You can leave this empty.)";
pub const COMMENT_HINT: &str = "Please do not write your name or anyone else's name.";
pub const DECLINE_LABEL: &str = "I'd rather not say";
pub const THANKS: &str =
    "Thank you. Your answers have been saved. Please hand the device back to a member of staff.";

pub fn item(id: &str) -> Option<&'static Item> {
    ITEMS.iter().find(|i| i.id == id)
}

/// The answer codes a response holds, in the order of [`ITEMS`]. `None` is a skipped question.
pub type Answers = [Option<u8>; ITEMS.len()];

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

/// The whole questionnaire as the UI shows it.
#[derive(Debug, Serialize)]
pub struct Questionnaire {
    pub version: u32,
    pub intro: &'static [&'static str],
    pub sections: Vec<SectionView>,
    pub decline_label: &'static str,
    pub comment_prompt: &'static str,
    pub comment_hint: &'static str,
    pub comment_max_chars: usize,
    pub thanks: &'static str,
}

#[derive(Debug, Serialize)]
pub struct SectionView {
    pub id: &'static str,
    pub title: &'static str,
    pub items: Vec<&'static Item>,
}

pub fn questionnaire() -> Questionnaire {
    let mut sections: Vec<SectionView> = Vec::new();
    for item in ITEMS {
        match sections.last_mut() {
            Some(s) if s.id == item.section.id() => s.items.push(item),
            _ => sections.push(SectionView {
                id: item.section.id(),
                title: item.section.title(),
                items: vec![item],
            }),
        }
    }
    Questionnaire {
        version: VERSION,
        intro: INTRO,
        sections,
        decline_label: DECLINE_LABEL,
        comment_prompt: COMMENT_PROMPT,
        comment_hint: COMMENT_HINT,
        comment_max_chars: COMMENT_MAX_CHARS,
        thanks: THANKS,
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
    fn sentences_are_short() {
        let texts = ITEMS
            .iter()
            .map(|i| i.text)
            .chain(INTRO.iter().copied())
            .chain([COMMENT_HINT, THANKS]);
        for text in texts {
            for sentence in text.split(['.', '?']) {
                assert!(sentence.split_whitespace().count() <= 14, "{sentence}");
            }
        }
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
