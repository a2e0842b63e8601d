//! Calendar months and quarters: the only time units an export may use (disclosure rule 2).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::Message;

/// A calendar month, kept as `year * 12 + (month - 1)` so months compare and step simply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1900..=9999).contains(&year))
            .then(|| Month(year * 12 + month as i32 - 1))
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1 to 12.
    pub fn month(self) -> u32 {
        self.0.rem_euclid(12) as u32 + 1
    }

    pub fn next(self) -> Month {
        Month(self.0 + 1)
    }

    pub fn prev(self) -> Month {
        Month(self.0 - 1)
    }

    /// This month on the device's clock, in local time: a session on the evening of the
    /// 31st belongs to that month, wherever UTC has got to.
    pub fn current() -> Month {
        use chrono::Datelike;
        let now = chrono::Local::now();
        Month::new(now.year(), now.month()).expect("the clock gives a valid month")
    }

    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<Month> {
        let (y, m) = s.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn quarter(self) -> Quarter {
        Quarter(self.0.div_euclid(3))
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

/// A calendar quarter, kept as `year * 4 + (quarter - 1)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter(i32);

impl Quarter {
    pub fn first_month(self) -> Month {
        Month(self.0 * 3)
    }

    pub fn last_month(self) -> Month {
        Month(self.0 * 3 + 2)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-Q{}",
            self.0.div_euclid(4),
            self.0.rem_euclid(4) + 1
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    Month,
    Quarter,
}

impl PeriodKind {
    pub fn parse(s: &str) -> Option<PeriodKind> {
        match s {
            "month" => Some(PeriodKind::Month),
            "quarter" => Some(PeriodKind::Quarter),
            _ => None,
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
        }
    }
}

/// One period of an export: a whole month or a whole quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Period {
    Month(Month),
    Quarter(Quarter),
    /// All the periods of an export together, from the first month to the last: the
    /// periods' total (a margin, disclosure rule 6).
    Span(Month, Month),
}

impl Period {
    pub fn of(kind: PeriodKind, month: Month) -> Period {
        match kind {
            PeriodKind::Month => Period::Month(month),
            PeriodKind::Quarter => Period::Quarter(month.quarter()),
        }
    }

    pub fn first_month(self) -> Month {
        match self {
            Period::Month(m) => m,
            Period::Quarter(q) => q.first_month(),
            Period::Span(first, _) => first,
        }
    }

    pub fn last_month(self) -> Month {
        match self {
            Period::Month(m) => m,
            Period::Quarter(q) => q.last_month(),
            Period::Span(_, last) => last,
        }
    }
}

impl Period {
    /// Reads a period as the ledger writes it: `2026-03`, `2026-Q1` or `2026-01/2026-06`.
    pub fn parse_code(s: &str) -> Option<Period> {
        if let Some((a, b)) = s.split_once('/') {
            let (first, last) = (Month::parse(a)?, Month::parse(b)?);
            return (first <= last).then_some(Period::Span(first, last));
        }
        if let Some((y, q)) = s.split_once("-Q") {
            let q: u32 = q.parse().ok().filter(|q| (1..=4).contains(q))?;
            let first = Month::new(y.parse().ok()?, (q - 1) * 3 + 1)?;
            return Some(Period::Quarter(first.quarter()));
        }
        Month::parse(s).map(Period::Month)
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month(m) => m.fmt(f),
            Period::Quarter(q) => q.fmt(f),
            Period::Span(first, last) => write!(f, "{first} to {last}"),
        }
    }
}

/// The most months one export may cover.
pub const MAX_MONTHS: i32 = 120;

/// Why a requested range of periods was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RangeError {
    /// The text given (its first 20 characters), which is not `YYYY-MM`.
    NotAMonth(String),
    Backwards {
        from: Month,
        to: Month,
    },
    QuarterStart(Month),
    QuarterEnd(Month),
    NotEnded(Month),
    TooLong,
}

impl RangeError {
    /// What staff are told: months as `YYYY-MM`.
    pub fn message(&self) -> Message {
        match self {
            RangeError::NotAMonth(text) => {
                // Escaped as Rust quotes it (control characters made visible), without
                // the quotes, which are the message's own.
                let quoted = format!("{text:?}");
                Message::new(
                    "error.period.not_a_month",
                    vec![("text", quoted[1..quoted.len() - 1].to_string())],
                )
            }
            RangeError::Backwards { from, to } => Message::new(
                "error.period.backwards",
                vec![("from", from.to_string()), ("to", to.to_string())],
            ),
            RangeError::QuarterStart(m) => {
                Message::new("error.period.quarter_start", vec![("month", m.to_string())])
            }
            RangeError::QuarterEnd(m) => {
                Message::new("error.period.quarter_end", vec![("month", m.to_string())])
            }
            RangeError::NotEnded(m) => {
                Message::new("error.period.not_ended", vec![("month", m.to_string())])
            }
            RangeError::TooLong => {
                Message::new("error.period.too_long", vec![("n", MAX_MONTHS.to_string())])
            }
        }
    }
}

/// The whole periods from `from` to `to` (inclusive). Arbitrary ranges are refused:
/// for quarters the range must start and end on quarter boundaries. Every period must
/// have ended (`now` is the current month): figures for a period still in progress
/// would change with each response, and two looks a session apart would give that
/// one person's answers away.
pub fn periods(
    kind: PeriodKind,
    from: &str,
    to: &str,
    now: Month,
) -> Result<Vec<Period>, RangeError> {
    let shown = |s: &str| s.chars().take(20).collect::<String>();
    let from_m = Month::parse(from).ok_or_else(|| RangeError::NotAMonth(shown(from)))?;
    let to_m = Month::parse(to).ok_or_else(|| RangeError::NotAMonth(shown(to)))?;
    if from_m > to_m {
        return Err(RangeError::Backwards {
            from: from_m,
            to: to_m,
        });
    }
    if to_m >= now {
        return Err(RangeError::NotEnded(to_m));
    }
    if to_m.0 - from_m.0 >= MAX_MONTHS {
        return Err(RangeError::TooLong);
    }
    if kind == PeriodKind::Quarter {
        if from_m.quarter().first_month() != from_m {
            return Err(RangeError::QuarterStart(from_m));
        }
        if to_m.quarter().last_month() != to_m {
            return Err(RangeError::QuarterEnd(to_m));
        }
    }
    let mut out = Vec::new();
    let mut m = from_m;
    while m <= to_m {
        let p = Period::of(kind, m);
        if out.last() != Some(&p) {
            out.push(p);
        }
        m = m.next();
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn months_parse_and_print() {
        assert_eq!(m("2026-01").to_string(), "2026-01");
        assert_eq!(m("2026-12").next().to_string(), "2027-01");
        assert_eq!(m("2026-01").prev().to_string(), "2025-12");
        for bad in [
            "2026-13",
            "2026-00",
            "2026-1",
            "26-01",
            "2026/01",
            "",
            "2026-01-05",
            "abcd-ef",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn quarters_cover_three_months() {
        let q = m("2026-05").quarter();
        assert_eq!(q.to_string(), "2026-Q2");
        assert_eq!(q.first_month(), m("2026-04"));
        assert_eq!(q.last_month(), m("2026-06"));
    }

    #[test]
    fn ranges_give_whole_periods() {
        let now = m("2026-11");
        let p = periods(PeriodKind::Month, "2026-01", "2026-03", now).unwrap();
        assert_eq!(
            p.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            ["2026-01", "2026-02", "2026-03"]
        );
        let q = periods(PeriodKind::Quarter, "2026-01", "2026-06", now).unwrap();
        assert_eq!(
            q.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
            ["2026-Q1", "2026-Q2"]
        );
        let last = periods(PeriodKind::Month, "2026-10", "2026-10", now).unwrap();
        assert_eq!(last.len(), 1, "last month has ended");
    }

    #[test]
    fn arbitrary_ranges_are_refused() {
        let now = m("2026-11");
        assert_eq!(
            periods(PeriodKind::Quarter, "2026-02", "2026-06", now),
            Err(RangeError::QuarterStart(m("2026-02")))
        );
        assert_eq!(
            periods(PeriodKind::Quarter, "2026-01", "2026-05", now),
            Err(RangeError::QuarterEnd(m("2026-05")))
        );
        assert_eq!(
            periods(PeriodKind::Month, "2026-12", "2026-12", now),
            Err(RangeError::NotEnded(m("2026-12")))
        );
        // Neither the month nor the quarter in progress.
        assert_eq!(
            periods(PeriodKind::Month, "2026-10", "2026-11", now),
            Err(RangeError::NotEnded(m("2026-11")))
        );
        assert_eq!(
            periods(PeriodKind::Quarter, "2026-10", "2026-11", now),
            Err(RangeError::NotEnded(m("2026-11")))
        );
        assert_eq!(
            periods(PeriodKind::Quarter, "2026-10", "2026-12", now),
            Err(RangeError::NotEnded(m("2026-12")))
        );
        assert!(matches!(
            periods(PeriodKind::Month, "2026-05", "2026-01", now),
            Err(RangeError::Backwards { .. })
        ));
        assert!(matches!(
            periods(PeriodKind::Month, "2026-5", "2026-06", now),
            Err(RangeError::NotAMonth(_))
        ));
        assert!(matches!(
            periods(PeriodKind::Month, "2010-01", "2020-01", now),
            Err(RangeError::TooLong)
        ));
    }

    #[test]
    fn a_refused_range_is_said_with_its_months_as_values() {
        let said = RangeError::NotAMonth("26\"\n".into()).message();
        assert_eq!(said.key, "error.period.not_a_month");
        assert_eq!(said.arg("text"), Some("26\\\"\\n"), "escaped, one line");
        assert_eq!(
            said.text(),
            "Those periods cannot be exported: \"26\\\"\\n\" is not a month: write it as YYYY-MM, for example 2026-03."
        );
        let said = RangeError::Backwards {
            from: m("2026-05"),
            to: m("2026-01"),
        }
        .message();
        assert_eq!(said.arg("from"), Some("2026-05"));
        assert_eq!(said.arg("to"), Some("2026-01"));
        assert_eq!(
            RangeError::NotEnded(m("2026-12")).message().text(),
            "Those periods cannot be exported: 2026-12 has not ended yet: only whole months and quarters that have ended can be exported."
        );
        let said = RangeError::TooLong.message();
        assert_eq!(
            (said.key, said.arg("n")),
            ("error.period.too_long", Some("120"))
        );
        assert_eq!(
            said.text(),
            "Those periods cannot be exported: at most 120 months can be exported at once."
        );
    }
}
