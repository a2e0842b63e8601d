//! The release ledger's record of a release (rule 8): every group and every value, so
//! that the same request can be answered with the same values, and so that later
//! releases are checked against what this one published. A compact JSON document.
//!
//! Three generations: records made before the layouts (every measure with its SD, no
//! `"v"`), which are read and reissued exactly as they were; records with layouts from
//! before the practitioners' estimates (`"v": 2`), which hold only the measures of then;
//! and records since (`"v": 3`). A record of the last two names its layout and holds only
//! the measures it shows.

use serde_json::{json, Value as Json};

use super::{GroupRelease, Layout, MeasureValues, OptionValue, Reason, Release, Rules, Value};
use crate::period::{Period, PeriodKind};
use crate::summary::{measures_of_generation, Breakdown, GroupKey};

fn value_code(v: Value) -> String {
    match v {
        Value::Count(n) => n.to_string(),
        Value::Tenths(t) => format!("t{t}"),
        Value::Percent(p) => format!("p{p}"),
        Value::PercentAtLeast(p) => format!("ge{p}"),
        Value::PercentAtMost(p) => format!("le{p}"),
        Value::Withheld(r) => format!("w{}", r.id()),
    }
}

fn parse_value(s: &str) -> Option<Value> {
    let num = |t: &str| t.parse::<u64>().ok();
    if let Some(r) = s.strip_prefix('w') {
        return Reason::ALL
            .into_iter()
            .find(|x| x.id() == r)
            .map(Value::Withheld);
    }
    if let Some(t) = s.strip_prefix("ge") {
        return Some(Value::PercentAtLeast(t.parse().ok()?));
    }
    if let Some(t) = s.strip_prefix("le") {
        return Some(Value::PercentAtMost(t.parse().ok()?));
    }
    if let Some(t) = s.strip_prefix('p') {
        return Some(Value::Percent(t.parse().ok()?));
    }
    if let Some(t) = s.strip_prefix('t') {
        return Some(Value::Tenths(num(t)?));
    }
    Some(Value::Count(num(s)?))
}

fn period_code(p: Period) -> String {
    match p {
        Period::Span(first, last) => format!("{first}/{last}"),
        other => other.to_string(),
    }
}

pub fn encode(r: &Release) -> String {
    let v1 = r.generation < 2;
    let groups: Vec<Json> = r
        .groups
        .iter()
        .map(|g| {
            let m: Vec<Json> = g
                .measures
                .iter()
                .map(|m| {
                    let opt = |v: Option<Value>| v.map(value_code);
                    // v1: [answered, options, mean, sd, share]; full: the same without
                    // sd; headline: [mean, share].
                    let mut fields = Vec::new();
                    if v1 || r.layout == Layout::Full {
                        fields.push(json!(opt(m.answered)));
                        let options: Vec<String> =
                            m.options.iter().map(|o| value_code(o.count)).collect();
                        fields.push(json!(options));
                    }
                    fields.push(json!(opt(m.mean)));
                    if v1 {
                        fields.push(json!(opt(m.sd)));
                    }
                    fields.push(json!(value_code(m.share)));
                    Json::Array(fields)
                })
                .collect();
            let mut group = json!({
                "t": g.key.team,
                "p": period_code(g.key.period),
                "v": g.key.breakdown_value,
                "n": value_code(g.responses),
                "m": m,
            });
            if let Some(rules) = g.first_rules {
                group["r"] = json!(rules);
            }
            group
        })
        .collect();
    let mut doc = json!({
        "rules": r.rules,
        "kind": r.period_kind,
        "periods": r.periods.iter().map(|p| period_code(*p)).collect::<Vec<_>>(),
        "by": r.breakdown,
        "left_other": value_code(r.left_out_other_versions),
        "left_late": value_code(r.left_out_added_later),
        "groups": groups,
    });
    if !v1 {
        doc["v"] = json!(r.generation);
        doc["layout"] = json!(r.layout);
    }
    doc.to_string()
}

/// Reads a recorded release back. A record this version cannot read is an error, never
/// a guess.
pub fn decode(text: &str) -> Result<Release, String> {
    let bad = |what: &str| format!("a release in the ledger cannot be read ({what})");
    let doc: Json = serde_json::from_str(text).map_err(|e| bad(&e.to_string()))?;
    let generation: u8 = match doc.get("v") {
        None => 1,
        Some(v) if v == &json!(2) => 2,
        Some(v) if v == &json!(3) => 3,
        Some(_) => return Err(bad("a newer record")),
    };
    let layout: Layout = if generation == 1 {
        Layout::Full
    } else {
        serde_json::from_value(doc["layout"].clone()).map_err(|_| bad("layout"))?
    };
    let rules: Rules = serde_json::from_value(doc["rules"].clone()).map_err(|_| bad("rules"))?;
    let period_kind: PeriodKind =
        serde_json::from_value(doc["kind"].clone()).map_err(|_| bad("kind"))?;
    let breakdown: Breakdown = serde_json::from_value(doc["by"].clone()).map_err(|_| bad("by"))?;
    let val = |j: &Json| j.as_str().and_then(parse_value).ok_or_else(|| bad("value"));
    let opt_val = |j: &Json| -> Result<Option<Value>, String> {
        if j.is_null() {
            Ok(None)
        } else {
            val(j).map(Some)
        }
    };
    let period = |j: &Json| {
        j.as_str()
            .and_then(Period::parse_code)
            .ok_or_else(|| bad("period"))
    };
    let text_or_null = |j: &Json| j.as_str().map(str::to_string);
    let shown: Vec<_> = measures_of_generation(generation)
        .filter(|m| generation == 1 || layout.shows(m))
        .copied()
        .collect();
    let mut groups = Vec::new();
    for g in doc["groups"].as_array().ok_or_else(|| bad("groups"))? {
        let ms = g["m"].as_array().ok_or_else(|| bad("measures"))?;
        if !ms.is_empty() && ms.len() != shown.len() {
            return Err(bad("another questionnaire's measures"));
        }
        let mut measures_out = Vec::new();
        for (measure, m) in shown.iter().zip(ms) {
            let full = generation == 1 || layout == Layout::Full;
            let (answered, options, mean, sd, share) = if full {
                let opts = m[1].as_array().ok_or_else(|| bad("options"))?;
                if opts.len() != measure.options.len() {
                    return Err(bad("another questionnaire's options"));
                }
                let options = measure
                    .options
                    .iter()
                    .zip(opts)
                    .map(|(o, v)| {
                        Ok(OptionValue {
                            option: o,
                            count: val(v)?,
                        })
                    })
                    .collect::<Result<Vec<_>, String>>()?;
                if generation == 1 {
                    (
                        opt_val(&m[0])?,
                        options,
                        opt_val(&m[2])?,
                        opt_val(&m[3])?,
                        val(&m[4])?,
                    )
                } else {
                    (opt_val(&m[0])?, options, opt_val(&m[2])?, None, val(&m[3])?)
                }
            } else {
                (None, Vec::new(), opt_val(&m[0])?, None, val(&m[1])?)
            };
            measures_out.push(MeasureValues {
                measure: *measure,
                answered,
                options,
                mean,
                sd,
                share,
            });
        }
        let first_rules = match g.get("r") {
            None => None,
            Some(r) => Some(serde_json::from_value(r.clone()).map_err(|_| bad("rules"))?),
        };
        groups.push(GroupRelease {
            key: GroupKey {
                team: text_or_null(&g["t"]),
                period: period(&g["p"])?,
                breakdown_value: text_or_null(&g["v"]),
            },
            responses: val(&g["n"])?,
            measures: measures_out,
            first_rules,
        });
    }
    Ok(Release {
        rules,
        layout,
        generation,
        period_kind,
        periods: doc["periods"]
            .as_array()
            .ok_or_else(|| bad("periods"))?
            .iter()
            .map(period)
            .collect::<Result<_, _>>()?,
        breakdown,
        groups,
        left_out_other_versions: val(&doc["left_other"])?,
        left_out_added_later: val(&doc["left_late"])?,
        _sealed: (),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_written() {
        let mut values = vec![
            Value::Count(0),
            Value::Count(125),
            Value::Tenths(43),
            Value::Percent(80),
            Value::PercentAtLeast(95),
            Value::PercentAtMost(5),
        ];
        values.extend(Reason::ALL.map(Value::Withheld));
        for v in values {
            assert_eq!(parse_value(&value_code(v)), Some(v));
        }
        assert_eq!(parse_value("x"), None);
        assert_eq!(parse_value("wnonsense"), None);
    }
}
