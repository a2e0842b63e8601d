//! What staff read and take away: comments, the summary and exports.

use serde::Serialize;

use super::App;
use crate::disclosure::{Value, SCORES};
use crate::domain::Comment;
use crate::error::AppError;
use crate::export::{self, Export, Format, Prepared, Request};
use crate::period::{Month, Period, PeriodKind};
use crate::store::ReleaseEntry;
use crate::summary::Breakdown;
use crate::validate::{self};

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
    /// The columns, by id: the window names them in its own words (`summary.column.<id>`).
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
    /// The team's view of the periods chosen: trends, the teams compared, flags.
    pub picture: Option<crate::overview::Picture>,
}

/// How far back the Overview's charts go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// The last 12 months (4 quarters) that have ended: the default.
    Year,
    /// Every period the summary shows.
    All,
}

impl Span {
    pub fn parse(s: Option<&str>) -> Option<Span> {
        match s {
            None | Some("year") => Some(Span::Year),
            Some("all") => Some(Span::All),
            Some(_) => None,
        }
    }
}

/// At most this many rows are previewed; the file holds them all.
pub const PREVIEW_ROWS: usize = 3000;

#[derive(Serialize, Debug)]
pub struct PreviewRow {
    pub team: String,
    pub period: String,
    pub breakdown_value: Option<String>,
    /// Ids, which the window puts in its own words: the measure (an item, a PSI
    /// dimension or "responses"), the statistic ("count", "mean", ...) and, for an
    /// answer's count, the answer option.
    pub measure: &'static str,
    pub statistic: &'static str,
    pub option: Option<&'static str>,
    pub value: Cell,
}

#[derive(Serialize, Debug)]
pub struct Preview {
    /// "headline" or "full": the window shows the headline figures a group a row.
    pub layout: &'static str,
    pub reissued: bool,
    pub groups: usize,
    pub withheld: usize,
    pub total_rows: usize,
    pub rows: Vec<PreviewRow>,
    pub notes: Vec<String>,
}

impl App {
    pub fn comments(&self) -> Result<Vec<Comment>, AppError> {
        self.require_staff()?;
        self.store()?.comments(Month::current())
    }

    /// The staff summary: the same protected figures an export would hold, one row per
    /// team and period, for every period that has responses.
    ///
    /// The figures come from one release of every period shown, whatever `span` is, so
    /// choosing a shorter span shows fewer periods of the same figures, never new ones.
    pub fn overview(&self, period: &str, span: Option<&str>) -> Result<Overview, AppError> {
        self.require_staff()?;
        let kind = PeriodKind::parse(period).ok_or_else(|| {
            AppError::invalid(
                Some("period".to_string()),
                "error.overview.period",
                Vec::new(),
            )
        })?;
        let span = Span::parse(span).ok_or_else(|| {
            AppError::invalid(Some("span".to_string()), "error.overview.span", Vec::new())
        })?;
        let store = self.store()?;
        let now = Month::current();
        let total_responses = store.response_count()?;
        let mut rows = Vec::new();
        let mut picture = None;
        // How many each team holds, the month in progress included: on the device only.
        let per_team: Vec<TeamCount> = store
            .response_count_by_team()?
            .into_iter()
            .map(|(team, responses)| TeamCount { team, responses })
            .collect();
        let first_data = store.months()?.first().copied();
        if let Some((first, last)) = shown_range(first_data, store.deleted_before()?, kind, now) {
            let request = Request {
                period: kind,
                from: first.to_string(),
                to: last.to_string(),
                by: Breakdown::None,
                layout: crate::disclosure::Layout::Headline,
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
                for id in SCORES.iter().chain(&["rupture"]) {
                    row.push(cell(g.headline(id)));
                }
                rows.push(row);
            }
            let shown: Vec<Period> = match span {
                Span::All => release.periods.clone(),
                Span::Year => {
                    let from = (0..11).fold(last, |m, _| m.prev());
                    let from = Period::of(kind, from).first_month();
                    release
                        .periods
                        .iter()
                        .copied()
                        .filter(|p| p.first_month() >= from)
                        .collect()
                }
            };
            picture = Some(crate::overview::picture(&release, &shown));
        }
        Ok(Overview {
            total_responses,
            teams: per_team,
            columns: vec![
                "team",
                "period",
                "responses",
                "power",
                "safety",
                "identity",
                "overall",
                "rupture",
            ],
            rows,
            picture,
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
                measure: r.measure,
                statistic: r.statistic,
                option: r.option,
                value: Cell {
                    text: r.value.display(),
                    withheld: r.value.is_withheld(),
                    reason: r.value.reason().map(|x| x.explain(&rules)),
                },
            })
            .collect();
        Ok(Preview {
            layout: release.layout.id(),
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
}

/// The first and last months of the ended periods to show, from the first month with
/// responses, at most ten years back and none that starts before `kept_from` (the
/// months before it were deleted); `None` when no period with responses has ended.
fn shown_range(
    first_data: Option<Month>,
    kept_from: Option<Month>,
    kind: PeriodKind,
    now: Month,
) -> Option<(Month, Month)> {
    let last = Period::of(kind, now).first_month().prev();
    let ten_years_back = (0..119).fold(last, |m, _| m.prev());
    let floor = kept_from.map_or(ten_years_back, |k| k.max(ten_years_back));
    let mut first = Period::of(kind, first_data?).first_month();
    while first < floor {
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
        assert_eq!(shown_range(None, None, PeriodKind::Month, now), None);
        assert_eq!(
            shown_range(Some(now), None, PeriodKind::Month, now),
            None,
            "this month has not ended"
        );
        assert_eq!(
            shown_range(Some(m("2026-02")), None, PeriodKind::Month, now),
            Some((m("2026-02"), m("2026-10")))
        );
        assert_eq!(
            shown_range(Some(m("2026-10")), None, PeriodKind::Quarter, now),
            None,
            "this quarter has not ended"
        );
        assert_eq!(
            shown_range(Some(m("2026-02")), None, PeriodKind::Quarter, now),
            Some((m("2026-01"), m("2026-09")))
        );
        let (first, last) =
            shown_range(Some(m("1990-05")), None, PeriodKind::Quarter, now).unwrap();
        assert_eq!((first, last), (m("2016-10"), m("2026-09")));
        assert!(crate::period::periods(
            PeriodKind::Quarter,
            &first.to_string(),
            &last.to_string(),
            now
        )
        .is_ok());
        assert_eq!(
            shown_range(
                Some(m("2026-02")),
                Some(m("2026-05")),
                PeriodKind::Quarter,
                now
            ),
            Some((m("2026-07"), m("2026-09"))),
            "no quarter that starts before the deleted months end"
        );
        assert_eq!(
            shown_range(
                Some(m("2026-02")),
                Some(m("2026-05")),
                PeriodKind::Month,
                now
            ),
            Some((m("2026-05"), m("2026-10")))
        );
        let (first, last) = shown_range(Some(m("1990-05")), None, PeriodKind::Month, now).unwrap();
        assert!(crate::period::periods(
            PeriodKind::Month,
            &first.to_string(),
            &last.to_string(),
            now
        )
        .is_ok());
    }
}
