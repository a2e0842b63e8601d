//! Exports: a request, the release it makes, and the three file formats.
//! Every path (window and command line, every format) goes through [`build`].

pub mod audit;
mod csv_out;
mod html;
mod json;

use std::io::Write;
use std::path::Path;

use serde::Deserialize;

use crate::disclosure::{self, Data, Layout, Release, Scope, Value, HEADLINE_MEASURES};
use crate::domain::ContextList;
use crate::error::AppError;
use crate::period::{self, Month, PeriodKind};
use crate::questionnaire::COMPATIBLE_VERSIONS;
use crate::store::{output, NewRelease, ReleaseKey, Store};
use crate::summary::{Breakdown, Dims, Names, Tallier};

pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Json,
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }
}

/// What staff ask for. Months are `YYYY-MM`; quarters are given by their first and last months.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub period: PeriodKind,
    pub from: String,
    pub to: String,
    #[serde(default = "no_breakdown")]
    pub by: Breakdown,
    /// The headline figures (the default) or every answer count too.
    #[serde(default = "headline")]
    pub layout: Layout,
    pub format: Format,
}

fn no_breakdown() -> Breakdown {
    Breakdown::None
}

fn headline() -> Layout {
    Layout::Headline
}

impl Request {
    /// A file name that says what the export holds, for the save dialog.
    pub fn file_name(&self) -> String {
        let by = match self.by {
            Breakdown::None => String::new(),
            b => format!("-by-{}", b.id().replace('_', "-")),
        };
        // The months as parsed, not as sent: the window's text could hold anything.
        let month = |m: &str| {
            crate::period::Month::parse(m)
                .map(|m| m.to_string())
                .unwrap_or_else(|| "period".to_string())
        };
        let layout = match self.layout {
            Layout::Headline => "",
            Layout::Full => "-full",
        };
        format!(
            "psi-summary-{}-{}-to-{}{by}{layout}.{}",
            self.period.id(),
            month(&self.from),
            month(&self.to),
            self.format.extension()
        )
    }
}

/// A finished export: the file's bytes and what it holds.
pub struct Export {
    pub bytes: Vec<u8>,
    pub groups: usize,
    pub withheld: usize,
    /// The same request was released before: this is that release again.
    pub reissued: bool,
    /// The release's number in the ledger.
    pub number: Option<i64>,
}

/// A protected release, not yet recorded or written.
pub struct Prepared {
    pub release: Release,
    /// The same request was released before and this is what it released.
    pub reissued: bool,
    key: ReleaseKey,
}

/// Works out what a request would release, without recording it: the release recorded
/// for the same request if there is one (rule 8), otherwise a new release from the
/// responses not added after their month was released, checked against every earlier
/// release of the same months.
pub fn prepare(store: &Store, request: &Request, now: Month) -> Result<Prepared, AppError> {
    let periods =
        period::periods(request.period, &request.from, &request.to, now).map_err(|e| {
            AppError::Invalid {
                field: Some("period".to_string()),
                message: e.message(),
            }
        })?;
    let (first, last) = match (periods.first(), periods.last()) {
        (Some(f), Some(l)) => (f.first_month(), l.last_month()),
        _ => {
            return Err(AppError::invalid(
                Some("period".to_string()),
                "error.export.no_period",
                Vec::new(),
            ))
        }
    };
    let key = ReleaseKey {
        period_kind: request.period.id().to_string(),
        first_month: first.to_string(),
        last_month: last.to_string(),
        breakdown: request.by.id().to_string(),
        layout: request.layout.id().to_string(),
    };
    if let Some(cells) = store.find_release(&key)? {
        return Ok(Prepared {
            release: disclosure::decode(&cells).map_err(AppError::Storage)?,
            reissued: true,
            key,
        });
    }
    // Months whose responses the retention setting deleted would look empty: refuse
    // them rather than publish a wrong picture (a repeat request, above, still works).
    if let Some(kept_from) = store.deleted_before()? {
        if first < kept_from {
            return Err(AppError::invalid(
                Some("from".to_string()),
                "error.export.deleted",
                vec![("month", kept_from.to_string())],
            ));
        }
    }
    let rules = store.rules()?;
    let released = store.released_months()?;
    // Every earlier release that shares months with this one, directly or through
    // others: they are checked together, over the atoms of all their months.
    let (recorded, lo, hi) = store.overlapping_releases(first, last)?;
    let earlier = recorded
        .iter()
        .map(|cells| disclosure::decode(cells))
        .collect::<Result<Vec<_>, _>>()
        .map_err(AppError::Storage)?;
    let dims = Dims::of(earlier.iter().map(|r| r.breakdown).chain([request.by]));
    let mut tallier = Tallier::new(dims);
    let left_out = store.for_each_response(lo, hi, COMPATIBLE_VERSIONS, &released, |row| {
        tallier.add(row)
    })?;
    let (other_versions, added_later) = left_out.within(first, last);
    let atoms = tallier.finish();
    let mut names = Names::new();
    for list in ContextList::ALL {
        names.insert(list, store.all_names(list)?);
    }
    let scope = Scope {
        period_kind: request.period,
        periods,
        breakdown: request.by,
        layout: request.layout,
        left_out_other_versions: other_versions,
        left_out_added_later: added_later,
    };
    let data = Data {
        atoms: &atoms,
        names: &names,
        staff: &store.staff_counts()?,
    };
    Ok(Prepared {
        release: disclosure::protect(scope, &data, &rules, &earlier),
        reissued: false,
        key,
    })
}

/// Records a prepared release in the ledger (unless it is a reissue) and renders it.
/// The file is rendered from the ledger's record, so a later reissue is byte-identical.
pub fn record(store: &mut Store, prepared: Prepared, format: Format) -> Result<Export, AppError> {
    let cells = disclosure::encode(&prepared.release);
    let number = if prepared.reissued {
        store.audit(
            crate::store::Action::Export,
            &format!(
                "Exported again: {} {} to {}, {}, {} layout (the same file as before)",
                prepared.key.period_kind,
                prepared.key.first_month,
                prepared.key.last_month,
                prepared.key.breakdown,
                prepared.key.layout
            ),
        )?;
        None
    } else {
        Some(store.record_release(&NewRelease {
            key: prepared.key,
            rules: serde_json::to_string(&prepared.release.rules).expect("plain numbers"),
            app_version: APP_VERSION.to_string(),
            questionnaire_version: crate::questionnaire::VERSION,
            groups: prepared.release.groups.len(),
            withheld: prepared.release.withheld_count(),
            cells: cells.clone(),
        })?)
    };
    let release = disclosure::decode(&cells).map_err(AppError::Storage)?;
    Ok(Export {
        bytes: render(&release, format),
        groups: release.groups.len(),
        withheld: release.withheld_count(),
        reissued: prepared.reissued,
        number,
    })
}

/// Prepares, records and renders the export a request asks for.
pub fn build(store: &mut Store, request: &Request, now: Month) -> Result<Export, AppError> {
    let prepared = prepare(store, request, now)?;
    record(store, prepared, request.format)
}

pub fn render(release: &Release, format: Format) -> Vec<u8> {
    match format {
        Format::Csv => csv_out::write(release),
        Format::Json => json::write(release),
        Format::Html => html::write(release),
    }
}

/// Writes `bytes` to `path` whole or not at all, through [`crate::store::output`]: never
/// over the database at `db` or a file of its own, nor over anything that is not an
/// ordinary file; a temporary file beside it, synced, then renamed over the target.
pub fn write_file(db: &Path, path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let fail = |e: std::io::Error| {
        AppError::export(
            "error.export.not_written",
            vec![
                ("detail", e.to_string()),
                ("path", path.display().to_string()),
            ],
        )
    };
    output::write(db, path, output::TEMP_EXPORT, fail, |tmp| {
        tmp.as_file().write_all(bytes).map_err(fail)
    })
}

/// One statistic of one group: the tidy row every format is made of.
pub struct Row<'a> {
    pub team: &'a str,
    pub period: String,
    pub breakdown_value: Option<&'a str>,
    pub measure: &'static str,
    pub measure_label: &'static str,
    pub statistic: &'static str,
    pub option: Option<&'static str>,
    pub option_label: Option<&'static str>,
    pub value: Value,
}

/// The release as tidy rows, in a fixed order (the headline layout's measures in the
/// order of [`HEADLINE_MEASURES`]).
pub fn rows(release: &Release) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for g in &release.groups {
        let mut measures: Vec<&disclosure::MeasureValues> = g.measures.iter().collect();
        if release.layout == Layout::Headline {
            measures.sort_by_key(|m| HEADLINE_MEASURES.iter().position(|h| *h == m.measure.id));
        }
        let base = |measure,
                    measure_label,
                    statistic,
                    option: Option<(&'static str, &'static str)>,
                    value| Row {
            team: g.key.team_name(),
            period: g.key.period.to_string(),
            breakdown_value: breakdown_text(release.breakdown, g),
            measure,
            measure_label,
            statistic,
            option: option.map(|o| o.0),
            option_label: option.map(|o| o.1),
            value,
        };
        out.push(base(
            "responses",
            "Responses in this group",
            "count",
            None,
            g.responses,
        ));
        for m in measures {
            let (id, label) = (m.measure.id, m.measure.label);
            if let Some(v) = m.answered {
                out.push(base(id, label, "answered", None, v));
            }
            for o in &m.options {
                out.push(base(
                    id,
                    label,
                    "count",
                    Some((o.option.id, o.option.label())),
                    o.count,
                ));
            }
            if let Some(v) = m.mean {
                out.push(base(id, label, "mean", None, v));
            }
            if let Some(v) = m.sd {
                out.push(base(id, label, "sd", None, v));
            }
            out.push(base(id, label, "percent", None, m.share));
        }
    }
    out
}

/// A group's breakdown value as exports write it: `None` without a breakdown, "All"
/// on a total over the breakdown's values.
pub fn breakdown_text(breakdown: Breakdown, g: &disclosure::GroupRelease) -> Option<&str> {
    match (&g.key.breakdown_value, breakdown) {
        (Some(v), _) => Some(v.as_str()),
        (None, Breakdown::None) => None,
        (None, _) => Some(crate::summary::ALL_VALUES),
    }
}

/// Plain words for the note every format carries.
pub fn notes(release: &Release) -> Vec<String> {
    let v1 = release.generation < 2;
    let mut notes = if v1 {
        release.rules.plain_words_v1()
    } else {
        release.rules.plain_words()
    };
    if !v1 {
        notes.push(match release.layout {
            Layout::Headline => "Layout: headline figures (responses; the average and the share of positive answers for power, safety, identity and the overall rating; the share who said something did not feel right; the share attending by choice).".to_string(),
            Layout::Full => "Layout: full (every answer's count of every question, with the averages and percentages).".to_string(),
        });
    }
    if release.generation >= 3 {
        notes.push("Practitioner's estimate: where the device asks for it, the practitioner may estimate at hand-over, on the same 5 points, how much say the person felt they had, how safe they felt to say what they really think, and how much they felt seen as a person. For each dimension, the estimate's average, the person's own score in the same sessions, and the shares of those sessions where the estimate was higher and where it was lower than the person's score cover only sessions where both were given. They are in the headline layout only, with no count of them shown. No single session is shown.".to_string());
    }
    if let Some(note) = small_teams_note(release) {
        notes.push(note);
    }
    notes.push(
        "Percent rows give the share of answers in the measure's headline options (see each measure's description)."
            .to_string(),
    );
    notes.push("Scores are averages on a 1 to 5 scale, where 5 is the best.".to_string());
    // A count of responses left out, in words, under the same rules as every count.
    let about = |v: Value| match v {
        Value::Count(0) => None,
        Value::Withheld(_) => Some("From 1 to 7".to_string()),
        v => Some(format!("About {}", v.text())),
    };
    if let Some(n) = about(release.left_out_other_versions) {
        notes.push(format!(
            "{n} responses to an older questionnaire with different questions are left out."
        ));
    }
    if let Some(n) = about(release.left_out_added_later) {
        notes.push(format!(
            "{n} responses were added to these periods after they were first exported (for example, paper forms entered later). They are left out, so that what was exported before does not change."
        ));
    }
    notes.extend(earlier_rules(release));
    notes
}

/// Where a team under the floor in a period has no rows of breakdown values there (each
/// would be under the floor too, and say only that it holds someone), a note that says
/// so. Only releases that leave such rows out have it, so a release recorded before
/// reads as it did. By role, a team whose roles are all merged had no role rows before
/// either, and the rules' own words say so.
fn small_teams_note(release: &Release) -> Option<String> {
    let kind = match release.breakdown {
        Breakdown::SessionType => "session type",
        Breakdown::Choice => "answer to the question about attending by choice",
        Breakdown::None | Breakdown::Role => return None,
    };
    let has_rows = |g: &disclosure::GroupRelease| {
        release.groups.iter().any(|v| {
            v.key.breakdown_value.is_some()
                && v.key.team == g.key.team
                && v.key.period == g.key.period
        })
    };
    release
        .groups
        .iter()
        .any(|g| {
            g.key.team.is_some()
                && g.key.breakdown_value.is_none()
                && g.shows_no_figures()
                && !has_rows(g)
        })
        .then(|| {
            format!(
                "A team with fewer than {} responses in a period has no rows by {kind} there: each would have fewer than {} too, and say only that it holds someone.",
                release.rules.group_floor, release.rules.group_floor
            )
        })
}

/// Which groups show values first released under rules since made stricter: they keep
/// the values they showed then (rule 8), and so the rounding of then.
pub fn earlier_rules(release: &Release) -> Vec<String> {
    let mut by_rules: Vec<(disclosure::Rules, Vec<String>)> = Vec::new();
    for g in &release.groups {
        let Some(r) = g.first_rules else { continue };
        let name = match breakdown_text(release.breakdown, g) {
            Some(b) => format!("{}, {}, {}", g.key.team_name(), g.key.period, b),
            None => format!("{}, {}", g.key.team_name(), g.key.period),
        };
        match by_rules.iter_mut().find(|(x, _)| *x == r) {
            Some((_, names)) => names.push(name),
            None => by_rules.push((r, vec![name])),
        }
    }
    by_rules
        .into_iter()
        .map(|(r, names)| {
            format!(
                "These groups were exported before under earlier rules and show the values they showed then: counts rounded to the nearest {}, groups of fewer than {} withheld, withheld counts kept to at least {} possible values. {}.",
                r.rounding_base,
                r.group_floor,
                r.min_possible_values,
                names.join("; ")
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
