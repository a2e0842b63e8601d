//! CSV: tidy, one statistic a row. The rules applied come first as `#` note lines
//! (spreadsheets show them as rows; `pandas.read_csv(comment="#")` skips them).

use crate::disclosure::Release;

pub const HEADER: [&str; 11] = [
    "team",
    "period",
    "breakdown",
    "breakdown_value",
    "measure",
    "measure_label",
    "statistic",
    "option",
    "option_label",
    "value",
    "withheld_reason",
];

pub fn write(release: &Release) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"# PSI Feedback summary. Rules applied:\n");
    for note in super::notes(release) {
        out.extend_from_slice(format!("# {note}\n").as_bytes());
    }
    let mut w = csv::Writer::from_writer(out);
    let breakdown = release.breakdown.id();
    // Writing to a Vec cannot fail.
    w.write_record(HEADER).expect("write to memory");
    for row in super::rows(release) {
        let reason = row
            .value
            .reason()
            .map(|r| r.explain(&release.rules))
            .unwrap_or_default();
        w.write_record([
            row.team,
            &row.period,
            breakdown,
            row.breakdown_value.unwrap_or(""),
            row.measure,
            row.measure_label,
            row.statistic,
            row.option.unwrap_or(""),
            row.option_label.unwrap_or(""),
            &row.value.text(),
            &reason,
        ])
        .expect("write to memory");
    }
    w.into_inner().expect("flush to memory")
}
