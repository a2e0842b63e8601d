//! JSON: the same rows as the CSV, with the metadata a data warehouse needs.

use serde_json::{json, Map, Value as Json};

use crate::disclosure::{Reason, Release, Value};
use crate::questionnaire::{self, Kind};
use crate::summary::measures;

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
    let reasons: Map<String, Json> = Reason::ALL
        .iter()
        .map(|r| (r.id().to_string(), json!(r.explain(rules))))
        .collect();
    let measure_meta: Vec<Json> = measures()
        .iter()
        .map(|m| {
            json!({
                "id": m.id,
                "label": m.label,
                "kind": match m.kind { Kind::Scale => "scale", Kind::Choice => "choice" },
                "options": m.options.iter().map(|o| json!({"id": o.id, "code": o.code, "label": o.label})).collect::<Vec<_>>(),
                "percent_means": m.share_label,
            })
        })
        .collect();
    let rows: Vec<Json> = super::rows(release)
        .into_iter()
        .map(|r| {
            json!({
                "team": r.team,
                "period": r.period,
                "breakdown_value": r.breakdown_value,
                "measure": r.measure,
                "statistic": r.statistic,
                "option": r.option,
                "value": value(r.value),
                "withheld": r.value.reason().map(|x| x.id()),
            })
        })
        .collect();
    let doc = json!({
        "format": "psi-feedback-summary",
        "format_version": 1,
        "app_version": super::APP_VERSION,
        "questionnaire_version": questionnaire::VERSION,
        "questionnaire_versions_included": questionnaire::COMPATIBLE_VERSIONS,
        "period_kind": release.period_kind.id(),
        "periods": release.periods.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        "breakdown": release.breakdown.id(),
        "rules": {
            "settings": rules,
            "applied": super::notes(release),
            "withheld_reasons": reasons,
        },
        "left_out": {
            "other_questionnaire_versions": value(release.left_out_other_versions),
            "withheld": release.left_out_other_versions.reason().map(|r| r.id()),
        },
        "measures": measure_meta,
        "rows": rows,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).expect("JSON of plain values");
    bytes.push(b'\n');
    bytes
}
