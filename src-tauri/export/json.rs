//! JSON: the same rows as the CSV, with the metadata a data warehouse needs.

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::disclosure::{Reason, Release, Value};
use crate::questionnaire::{self, Kind};
use crate::summary::measures_of_generation;

fn value(v: Value) -> Json {
    match v {
        Value::Count(n) => json!(n),
        Value::Tenths(t) => json!(t as f64 / 10.0),
        Value::Percent(p) => json!(p),
        other => json!(other.text()),
    }
}

pub fn write(release: &Release) -> Vec<u8> {
    let rules = &release.rules;
    let reasons: Map<String, Json> = Reason::of_generation(release.generation)
        .iter()
        .map(|r| (r.id().to_string(), json!(r.explain(rules))))
        .collect();
    let measure_meta: Vec<Json> = measures_of_generation(release.generation)
        .map(|m| {
            json!({
                "id": m.id,
                "label": m.label,
                "kind": match m.kind { Kind::Scale => "scale", Kind::Choice => "choice" },
                "options": m.options.iter().map(|o| json!({"id": o.id, "code": o.code, "label": o.label()})).collect::<Vec<_>>(),
                "percent_means": m.share_label,
            })
        })
        .collect();
    // The rows are most of the file: written straight from borrowed fields rather than
    // built as JSON values first (fields in alphabetical order, as the metadata's are).
    let rows: Vec<JsonRow> = super::rows(release)
        .into_iter()
        .map(|r| JsonRow {
            breakdown_value: r.breakdown_value,
            measure: r.measure,
            option: r.option,
            period: r.period,
            statistic: r.statistic,
            team: r.team,
            value: JsonValue(r.value),
            withheld: r.value.reason().map(|x| x.id()),
        })
        .collect();
    let doc = Doc {
        app_version: super::APP_VERSION,
        breakdown: release.breakdown.id(),
        format: "psi-feedback-summary",
        format_version: 1,
        left_out: json!({
            "other_questionnaire_versions": value(release.left_out_other_versions),
            "withheld": release.left_out_other_versions.reason().map(|r| r.id()),
            "added_after_release": value(release.left_out_added_later),
            "added_after_release_withheld": release.left_out_added_later.reason().map(|r| r.id()),
        }),
        layout: (release.generation >= 2).then(|| release.layout.id()),
        measures: measure_meta,
        period_kind: release.period_kind.id(),
        periods: release.periods.iter().map(|p| p.to_string()).collect(),
        questionnaire_version: questionnaire::VERSION,
        questionnaire_versions_included: questionnaire::COMPATIBLE_VERSIONS,
        rows,
        rules: json!({
            "settings": rules,
            "applied": super::notes(release),
            "withheld_reasons": reasons,
        }),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("JSON of plain values");
    bytes.push(b'\n');
    bytes
}

#[derive(Serialize)]
struct Doc<'a> {
    app_version: &'static str,
    breakdown: &'static str,
    format: &'static str,
    format_version: u32,
    /// Headline or full, in files made since the layouts (absent from earlier ones, which
    /// are reissued exactly as they were).
    #[serde(skip_serializing_if = "Option::is_none")]
    layout: Option<&'static str>,
    left_out: Json,
    measures: Vec<Json>,
    period_kind: &'static str,
    periods: Vec<String>,
    questionnaire_version: u32,
    questionnaire_versions_included: &'static [u32],
    rows: Vec<JsonRow<'a>>,
    rules: Json,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    breakdown_value: Option<&'a str>,
    measure: &'static str,
    option: Option<&'static str>,
    period: String,
    statistic: &'static str,
    team: &'a str,
    value: JsonValue,
    withheld: Option<&'static str>,
}

/// A value as JSON: counts and percentages as numbers, averages as decimals, the rest
/// ("95 or more", "withheld") as text.
struct JsonValue(Value);

impl Serialize for JsonValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Count(n) => s.serialize_u64(n),
            Value::Tenths(t) => s.serialize_f64(t as f64 / 10.0),
            Value::Percent(p) => s.serialize_u32(p),
            other => s.serialize_str(&other.text()),
        }
    }
}
