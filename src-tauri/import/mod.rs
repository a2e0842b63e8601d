//! Import of paper forms typed into a spreadsheet. All or nothing: every row is checked
//! first, every problem is reported with its line and column (the first [`MAX_LISTED`],
//! then how many more), and only a file without problems is stored, in one transaction.
//! A file that is not UTF-8 CSV, or whose header is wrong, is refused before its rows
//! are read: they could not be read right.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use crate::domain::{ContextList, NewResponse};
use crate::error::AppError;
use crate::period::Month;
use crate::questionnaire::{COMMENT_MAX_CHARS, ITEMS};
use crate::store::Store;

mod row;

use row::{row, Names};

/// The columns before the answers, in the documented order.
pub const CONTEXT_COLUMNS: [&str; 4] = ["month", "team", "session_type", "role"];
pub const COMMENT_COLUMN: &str = "comment";

/// Columns a file may have after these, in any order: the practitioner's estimate of
/// each PSI dimension (1 to 5, or blank), where the paper form asked for it.
pub use crate::questionnaire::ESTIMATE_COLUMNS as OPTIONAL_COLUMNS;

/// Every column an import file must have, in the documented order.
pub fn columns() -> Vec<&'static str> {
    let mut c: Vec<&str> = CONTEXT_COLUMNS.to_vec();
    c.extend(ITEMS.iter().map(|i| i.id));
    c.push(COMMENT_COLUMN);
    c
}

/// One thing wrong with an import file. `line` is the line in the file (the header is 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: u64,
    pub column: Option<String>,
    pub reason: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.column {
            Some(c) => write!(f, "line {}, column {}: {}", self.line, c, self.reason),
            None => write!(f, "line {}: {}", self.line, self.reason),
        }
    }
}

#[derive(Debug)]
pub enum ImportError {
    /// The file has problems; nothing was stored.
    Rejected(Vec<Problem>),
    /// The file could not be read or the store failed; nothing was stored.
    Failed(AppError),
}

impl From<AppError> for ImportError {
    fn from(e: AppError) -> ImportError {
        ImportError::Failed(e)
    }
}

/// Largest file accepted. The whole file is checked before anything is stored (all or
/// nothing), so it is held in memory with the responses it makes: 64 MiB is over half a
/// million typed forms, far more than a clinic types in, and a bounded amount of memory.
/// Reading stops one byte past the limit, so a larger file (or an endless stream) is
/// never read whole.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Longest cell accepted, in bytes. The longest real cell is a comment of
/// [`COMMENT_MAX_CHARS`] characters, at most 4 bytes each in UTF-8; anything longer is a
/// broken file or pasted text, named by its line and column but never decoded or shown.
pub const MAX_CELL_BYTES: usize = 10_000;
const _: () = assert!(MAX_CELL_BYTES >= 4 * COMMENT_MAX_CHARS);

/// Most problems listed. A wholly wrong file (another export, the wrong encoding) would
/// otherwise give a line for nearly every cell; the rest are counted, not listed.
pub const MAX_LISTED: usize = 100;

/// What to do about a file that is not UTF-8 text, in the words of a spreadsheet's menu.
const SAVE_AS: &str = "save the file as \"CSV UTF-8\"";

/// Added after the file before reading it: it comes back as a record of its own unless
/// the file ends inside a quoted cell, which the csv crate closes silently (it has no
/// strict mode) and which would otherwise swallow every row after the stray quote.
const END_MARK: &[u8] = b"-- end of file --";

/// Checks the whole file and stores its responses only if every row is right.
pub fn import(store: &mut Store, input: impl Read, now: Month) -> Result<usize, ImportError> {
    let responses = check(store, input, now)?;
    store.insert_all(&responses)?;
    Ok(responses.len())
}

/// Reads and checks a file without storing anything.
pub fn check(store: &Store, input: impl Read, now: Month) -> Result<Vec<NewResponse>, ImportError> {
    // Months the retention setting has deleted stay deleted.
    let kept_from = store.deleted_before()?;
    let mut data = Vec::new();
    input
        .take(MAX_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| {
            AppError::invalid(
                None,
                "error.import.unreadable",
                vec![("detail", e.to_string())],
            )
        })?;
    if data.len() as u64 > MAX_BYTES {
        return Err(rejected(
            1,
            None,
            format!("the file is larger than {} MiB", MAX_BYTES / 1024 / 1024),
        ));
    }
    if let Some(p) = not_text(&data) {
        return Err(ImportError::Rejected(vec![p]));
    }
    // A spreadsheet's UTF-8 mark is skipped.
    let bom = if data.starts_with(b"\xEF\xBB\xBF") {
        3
    } else {
        0
    };
    let file_len = data.len();
    data.push(b'\n');
    data.extend_from_slice(END_MARK);
    let file = &data[bom..file_len];
    let mut lines = Lines::new(file);

    let mut names: Names = HashMap::new();
    for list in ContextList::ALL {
        let by_name = store
            .all_names(list)?
            .into_iter()
            .map(|(id, name)| (name.to_lowercase(), id))
            .collect();
        names.insert(list, by_name);
    }

    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(&data[bom..]);
    let mut records = reader.byte_records().peekable();
    let is_end = |r: &csv::ByteRecord| r.len() == 1 && &r[0] == END_MARK;

    let header = match records.next() {
        Some(Ok(h)) if is_end(&h) => return Err(rejected(1, None, "the file is empty".into())),
        // The file ended inside a quoted cell of the header.
        Some(Ok(_)) if records.peek().is_none() => {
            return Err(rejected(
                1,
                None,
                "a quote (\") in the column names is never closed".into(),
            ))
        }
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(rejected(1, None, e.to_string())),
        None => return Err(rejected(1, None, "the file is empty".into())),
    };
    let (header, index) = read_header(&header)?;
    let mut problems = Problems::default();

    let mut out = Vec::new();
    while let Some(record) = records.next() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.at(p.byte()));
                problems.push(line, None, format!("this row could not be read: {e}"));
                continue;
            }
        };
        if records.peek().is_none() {
            if is_end(&record) {
                break;
            }
            // The file ended inside a quoted cell: this record ran to the end of the file.
            let line = record.position().map_or(0, |p| lines.at(p.byte()));
            let column = header.get(record.len() - 1).cloned();
            problems.push(
                line,
                column,
                "a quote (\") in this cell is never closed".into(),
            );
            break;
        }
        let line = record.position().map_or(0, |p| lines.at(p.byte()));
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue; // a spreadsheet's empty row (",,,,")
        }
        // A line break inside a cell is only possible within quotes. In a row of the
        // wrong length, or holding what look like whole rows, it means a quote was
        // opened and not closed where it should have been.
        let runs_on = record.iter().position(|f| {
            (f.contains(&b'\n') || f.contains(&b'\r'))
                && (record.len() != header.len() || holds_rows(f, header.len()))
        });
        if let Some(i) = runs_on {
            problems.push(
                line,
                header.get(i).cloned(),
                "this cell runs on over the next lines: a closing quote (\") is probably missing"
                    .into(),
            );
            continue;
        }
        if record.len() != header.len() {
            problems.push(
                line,
                None,
                format!(
                    "this row has {} fields; the header has {}",
                    record.len(),
                    header.len()
                ),
            );
            continue;
        }
        match row(&record, &index, &names, kept_from, now) {
            Ok(response) => out.push(response),
            Err(wrong) => {
                for (column, reason) in wrong {
                    problems.push(line, Some(column.into()), reason);
                }
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems.rejected());
    }
    if out.is_empty() {
        return Err(rejected(
            2,
            None,
            "the file has no rows after the header".into(),
        ));
    }
    Ok(out)
}

/// The column names of the first line, and where each expected column is; refused
/// where a column is unknown, missing, unnamed or twice, or the separator is wrong.
fn read_header(
    record: &csv::ByteRecord,
) -> Result<(Vec<String>, HashMap<String, usize>), ImportError> {
    let mut problems = Problems::default();
    let expected = columns();
    let header: Vec<String> = record
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_lowercase())
        .collect();
    if header.len() == 1 && header[0].contains([';', '\t']) {
        return Err(rejected(
            1,
            None,
            "the columns are separated by semicolons or tabs, not commas: ".to_string() + SAVE_AS,
        ));
    }
    if !header.iter().any(|h| expected.contains(&h.as_str())) {
        return Err(rejected(
            1,
            None,
            format!(
                "the first line should be the column names ({}, …), but it has none of them",
                CONTEXT_COLUMNS.join(", ")
            ),
        ));
    }
    let mut index = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if h.is_empty() {
            problems.push(
                1,
                Some((i + 1).to_string()),
                "this column has no name".into(),
            );
        } else if !expected.contains(&h.as_str()) && !OPTIONAL_COLUMNS.contains(&h.as_str()) {
            problems.push(1, Some(name_shown(h)), "unknown column".into());
        } else if index.insert(h.clone(), i).is_some() {
            problems.push(1, Some(h.clone()), "this column appears twice".into());
        }
    }
    for c in &expected {
        if !index.contains_key(*c) {
            problems.push(1, Some(c.to_string()), "missing column".into());
        }
    }
    if !problems.is_empty() {
        return Err(problems.rejected());
    }
    Ok((header, index))
}

fn rejected(line: u64, column: Option<String>, reason: String) -> ImportError {
    ImportError::Rejected(vec![Problem {
        line,
        column,
        reason,
    }])
}

/// The problems found so far: the first [`MAX_LISTED`] are kept, the rest counted.
#[derive(Default)]
struct Problems {
    listed: Vec<Problem>,
    /// How many more there are, and the line of the first of them.
    more: u64,
    more_from: u64,
}

impl Problems {
    fn push(&mut self, line: u64, column: Option<String>, reason: String) {
        if self.listed.len() < MAX_LISTED {
            self.listed.push(Problem {
                line,
                column,
                reason,
            });
        } else {
            if self.more == 0 {
                self.more_from = line;
            }
            self.more += 1;
        }
    }

    fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// The listed problems, then one saying how many more there are and where they start.
    fn rejected(mut self) -> ImportError {
        if self.more > 0 {
            self.listed.push(Problem {
                line: self.more_from,
                column: None,
                reason: format!(
                    "{} more problem{} from this line on {} not listed",
                    self.more,
                    if self.more == 1 { "" } else { "s" },
                    if self.more == 1 { "is" } else { "are" },
                ),
            });
        }
        ImportError::Rejected(self.listed)
    }
}

/// A file that is not UTF-8 text at all is refused whole, before any row is read: read
/// as CSV it would give a problem for every cell and none of them would say why.
fn not_text(data: &[u8]) -> Option<Problem> {
    let whole = |reason: String| Problem {
        line: 1,
        column: None,
        reason,
    };
    if data.starts_with(b"\xFF\xFE") || data.starts_with(b"\xFE\xFF") {
        return Some(whole(format!(
            "the file is UTF-16 text, not UTF-8: {SAVE_AS}"
        )));
    }
    if data.starts_with(b"PK\x03\x04") || data.starts_with(b"\xD0\xCF\x11\xE0") {
        return Some(whole(format!(
            "the file is a spreadsheet workbook, not CSV: {SAVE_AS}"
        )));
    }
    // UTF-16 without its mark has a zero byte in every other place; text never has one.
    let zero = data.iter().position(|b| *b == 0)?;
    Some(Problem {
        line: Lines::new(data).at(zero as u64),
        column: None,
        reason: format!("this line holds a zero byte, so the file is not plain text: {SAVE_AS}"),
    })
}

/// Whether a cell holds lines that look like whole rows (as many commas as a row has):
/// a quote opened in it was closed only some rows later, and the rows between were read
/// into it.
fn holds_rows(cell: &[u8], columns: usize) -> bool {
    cell.split(|b| matches!(b, b'\n' | b'\r'))
        .skip(1)
        .any(|l| l.iter().filter(|b| **b == b',').count() + 1 >= columns)
}

/// Line numbers from the byte offsets of records, counted forward: records come in
/// order, so the file is walked once however many rows it has. The csv crate's own line
/// count is off by one for CRLF files and after blank lines; the offset is exact.
struct Lines<'a> {
    data: &'a [u8],
    pos: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(data: &'a [u8]) -> Lines<'a> {
        Lines {
            data,
            pos: 0,
            line: 1,
        }
    }

    /// The line of the first character at or after `byte` that is not a line break (a
    /// record's offset is before the blank lines that precede it). A line break is LF,
    /// CRLF or a lone CR (old Mac spreadsheets).
    fn at(&mut self, byte: u64) -> u64 {
        let data = self.data;
        let mut start = (byte as usize).min(data.len());
        while start < data.len() && matches!(data[start], b'\r' | b'\n') {
            start += 1;
        }
        if start < self.pos {
            (self.pos, self.line) = (0, 1);
        }
        for i in self.pos..start {
            if data[i] == b'\n' || data[i] == b'\r' && data.get(i + 1) != Some(&b'\n') {
                self.line += 1;
            }
        }
        self.pos = start;
        self.line
    }
}

/// A cell's text as quoted in a message: at most 30 characters, so that a long cell
/// does not flood the list, and control characters escaped.
fn shown(text: &str) -> String {
    format!("{:?}", cut(text))
}

/// A column name as given in the header, cut and escaped like [`shown`], unquoted.
fn name_shown(text: &str) -> String {
    cut(text).escape_debug().to_string()
}

fn cut(text: &str) -> String {
    let mut s: String = text.chars().take(30).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests;
