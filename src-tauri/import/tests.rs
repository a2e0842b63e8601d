//! Reading paper-form files: answers, months, line numbers and what a message quotes.

use super::row::{parse_answer, parse_month};
use super::*;
use crate::questionnaire;

#[test]
fn answers_parse_codes_ids_and_blanks() {
    let scale = questionnaire::item("power_say").unwrap();
    let rupture = questionnaire::item("rupture").unwrap();
    assert_eq!(parse_answer(scale, ""), Ok(None));
    assert_eq!(parse_answer(scale, " 4 "), Ok(Some(4)));
    assert_eq!(parse_answer(scale, "0"), Ok(Some(0)));
    assert!(parse_answer(scale, "6").is_err());
    assert!(parse_answer(scale, "4.5").is_err());
    assert_eq!(parse_answer(rupture, "Not sure"), Ok(Some(2)));
    assert_eq!(parse_answer(rupture, "yes"), Ok(Some(3)));
    assert!(parse_answer(rupture, "maybe")
        .unwrap_err()
        .contains("not_sure"));
}

#[test]
fn line_numbers_are_right_for_crlf_cr_blank_lines_and_quoted_newlines() {
    let lines = |text: &str| -> Vec<u64> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = Lines::new(text.as_bytes());
        r.byte_records()
            .map(|rec| lines.at(rec.unwrap().position().unwrap().byte()))
            .collect()
    };
    assert_eq!(lines("h\na\nb\n"), [1, 2, 3]);
    assert_eq!(lines("h\r\na\r\nb\r\n"), [1, 2, 3]);
    assert_eq!(lines("h\ra\rb\r"), [1, 2, 3]);
    assert_eq!(lines("h\n\n\na\nb"), [1, 4, 5]);
    assert_eq!(lines("h\r\n\r\na\r\nb"), [1, 3, 4]);
    assert_eq!(lines("h\r\n\"two\r\nlines\"\r\nb\r\n"), [1, 2, 4]);
}

#[test]
fn months_parse_as_month_or_real_date() {
    assert_eq!(parse_month("2026-03").ok(), Month::parse("2026-03"));
    assert_eq!(parse_month("2026-03-31").ok(), Month::parse("2026-03"));
    assert_eq!(
        parse_month("2026-02-30").unwrap_err(),
        "\"2026-02-30\" is not a real date"
    );
    assert_eq!(
        parse_month("2026-13").unwrap_err(),
        "\"2026-13\" is not a real month"
    );
    assert_eq!(
        parse_month("1850-01-01").unwrap_err(),
        "\"1850-01-01\" is before 1900"
    );
    assert!(parse_month("03/2026").unwrap_err().contains("YYYY-MM"));
    assert!(parse_month("2026-3").is_err());
    assert!(
        parse_month("２０２６-03").is_err(),
        "digits are ASCII digits"
    );
}

#[test]
fn long_cells_are_cut_when_shown() {
    let long = "é".repeat(1000);
    assert_eq!(shown(&long), format!("\"{}…\"", "é".repeat(30)));
    assert_eq!(shown("a\nb"), "\"a\\nb\"");
    assert_eq!(name_shown("colour"), "colour");
}

#[test]
fn a_cell_holds_rows_when_a_line_has_a_row_s_commas() {
    assert!(!holds_rows(b"two\r\nlines, quoted", 20));
    assert!(holds_rows(b"hi\n2026-01,a,b,c", 4));
    assert!(
        !holds_rows(b"2026-01,a,b,c", 4),
        "the first line is the cell's own"
    );
}
