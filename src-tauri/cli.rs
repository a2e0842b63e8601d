//! The command line: the same binary without a window.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::disclosure::Layout;
use crate::error::AppError;
use crate::export::audit::Verdict;
use crate::export::{self, Format, Request};
use crate::import::{self, ImportError};
use crate::period::{Month, PeriodKind};
use crate::store::Store;
use crate::summary::Breakdown;

#[derive(Parser)]
#[command(
    name = "psi-feedback",
    version,
    about = "Session feedback on the Power, Safety, Identity model. With no command, opens the window."
)]
struct Cli {
    /// The database file [default: psi-feedback.sqlite3 in the app data directory,
    /// the same place Tauri's app_data_dir() gives: $XDG_DATA_HOME/org.psifeedback.app]
    #[arg(long, global = true, env = "PSI_FEEDBACK_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Add realistic synthetic responses (several teams and months, skewed answers)
    Demo {
        #[arg(long, default_value_t = 1000)]
        responses: u64,
        #[arg(long, default_value_t = 6)]
        teams: usize,
        #[arg(long, default_value_t = 12)]
        months: u32,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The last month with responses [default: last month]
        #[arg(long, value_name = "YYYY-MM")]
        last_month: Option<String>,
    },
    /// Import paper forms from a CSV file: all rows or none
    Import { file: PathBuf },
    /// Export an anonymised summary
    Export {
        #[arg(long, value_enum)]
        period: PeriodArg,
        #[arg(long, value_name = "YYYY-MM")]
        from: String,
        #[arg(long, value_name = "YYYY-MM")]
        to: String,
        #[arg(long, value_enum)]
        by: Option<ByArg>,
        /// headline: the figures most readers need; full: every answer count too
        #[arg(long, value_enum, default_value = "headline")]
        layout: LayoutArg,
        #[arg(long, value_enum, default_value = "csv")]
        format: FormatArg,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Re-check every release in the ledger, with every other release of the same months,
    /// against an intruder who solves the integer programme they define; fails if any
    /// withheld count keeps fewer possible values than the rules ask, or if the solver
    /// cannot tell within the time limit
    Audit {
        /// The longest the solver may take over one count (0: no limit)
        #[arg(long, value_name = "SECONDS", default_value_t = 60)]
        time_limit: u64,
    },
    /// Save a consistent copy of the whole database (it holds comments: keep it safe)
    Backup { file: PathBuf },
    /// Replace the database with a backup, after checking it; the database that was
    /// there is kept beside it. Close the app first.
    Restore { file: PathBuf },
    /// Set a new staff passphrase when the old one is forgotten. Nothing else changes.
    /// Asks for it twice on a terminal, or reads one line from standard input.
    ResetPassphrase,
}

#[derive(Clone, Copy, ValueEnum)]
enum PeriodArg {
    Month,
    Quarter,
}

#[derive(Clone, Copy, ValueEnum)]
enum ByArg {
    SessionType,
    Role,
    Choice,
}

#[derive(Clone, Copy, ValueEnum)]
enum LayoutArg {
    Headline,
    Full,
}

#[derive(Clone, Copy, ValueEnum)]
enum FormatArg {
    Csv,
    Json,
    Html,
}

fn db_path(db: Option<PathBuf>) -> Result<PathBuf, String> {
    db.or_else(|| crate::store::default_path(crate::IDENTIFIER))
        .ok_or_else(|| "no data directory is known for this user: give --db PATH".to_string())
}

/// Opens the database, says on standard error what staff must know about it (a log
/// kept aside), and starts the full check of the file, which runs while the command
/// reads and which its first write waits for.
fn open(db: Option<PathBuf>) -> Result<Store, String> {
    let path = db_path(db)?;
    let mut store =
        Store::open(&path).map_err(|e| describe(&e, &format!("cannot open {}", path.display())))?;
    for notice in store.notices() {
        eprintln!("psi-feedback: {}", notice.text());
    }
    store.start_full_check();
    Ok(store)
}

fn describe(e: &AppError, context: &str) -> String {
    match e {
        AppError::Storage(detail) => format!("{context}: {detail}"),
        AppError::Unusable(_) => format!(
            "{context}: {e}\nThe file was not changed. To put a backup in its place: psi-feedback restore BACKUP-FILE"
        ),
        other => format!("{context}: {other}"),
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = Cli::parse();
    let result = match cli.command {
        None => db_path(cli.db).and_then(|p| crate::shell::run(&p)),
        Some(command) => run(command, cli.db),
    };
    match result {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("psi-feedback: {message}");
            1
        }
    }
}

/// The audit's findings, a line or two per release.
fn audit_report(audits: &[export::audit::ReleaseAudit]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    if audits.is_empty() {
        out.push_str("The release ledger is empty: nothing has been exported yet.\n");
    }
    for a in audits {
        let r = &a.release;
        let (first, last) = r.months().unwrap_or((Month::current(), Month::current()));
        let _ = write!(
            out,
            "Release {}: {} {} to {}, by {}, {} layout: ",
            a.number,
            r.period_kind.id(),
            first,
            last,
            r.breakdown.label(),
            r.layout.id()
        );
        let need = r.rules.min_possible_values;
        let _ = match (&a.unchecked, &a.narrowest) {
            (Some(why), _) => writeln!(out, "not checked: {why}."),
            (None, None) => writeln!(out, "no withheld or hidden counts."),
            (None, Some(f)) => {
                let g = &r.groups[f.group];
                let group = match &g.key.breakdown_value {
                    Some(v) => format!("{}, {}, {}", g.key.team_name(), g.key.period, v),
                    None => format!("{}, {}", g.key.team_name(), g.key.period),
                };
                let verdict = match a.verdict() {
                    Verdict::Passes => "passes".to_string(),
                    Verdict::Undecided => format!(
                        "UNDECIDED: the solver could not settle {} count(s) in time (it found \
                         too few values and could not rule the others out)",
                        a.undecided
                    ),
                    Verdict::Fails if a.undecided > 0 => {
                        format!("FAILS ({} more count(s) undecided)", a.undecided)
                    }
                    Verdict::Fails => "FAILS".to_string(),
                };
                let values = if u64::from(f.values) >= need {
                    format!("{need} or more possible values")
                } else if !f.decided {
                    format!("{} possible value(s) found so far", f.values)
                } else {
                    format!("{} possible value(s)", f.values)
                };
                let span = if u64::from(f.values) >= need || !f.decided {
                    format!("{} to {} or wider", f.lo, f.hi)
                } else {
                    format!("{} to {}", f.lo, f.hi)
                };
                writeln!(
                    out,
                    "{} counts checked; the narrowest keeps {values} ({group}: {}, {span}). {verdict}.",
                    a.checked, f.what
                )
            }
        };
    }
    out
}

/// The new passphrase: typed twice without echo on a terminal, else one line of input.
fn read_new_passphrase() -> Result<String, String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("New staff passphrase: ")
            .map_err(|e| format!("cannot read the passphrase: {e}"))?;
        let again = rpassword::prompt_password("Type it again: ")
            .map_err(|e| format!("cannot read the passphrase: {e}"))?;
        if first != again {
            return Err("the two passphrases are not the same; nothing was changed".into());
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the passphrase: {e}"))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

fn run(command: Command, db: Option<PathBuf>) -> Result<(), String> {
    let now = Month::current();
    match command {
        Command::Audit { time_limit } => {
            let store = open(db)?;
            let limit = (time_limit > 0).then_some(time_limit as f64);
            let audits = export::audit::audit_ledger(&store, limit)
                .map_err(|e| describe(&e, "the audit failed"))?;
            print!("{}", audit_report(&audits));
            let count = |v: Verdict| audits.iter().filter(|a| a.verdict() == v).count();
            let (failed, undecided) = (count(Verdict::Fails), count(Verdict::Undecided));
            let mut wrong = Vec::new();
            if failed > 0 {
                wrong.push(format!(
                    "{failed} of {} releases let a withheld count be narrowed below the rules",
                    audits.len()
                ));
            }
            if undecided > 0 {
                let advice = if time_limit > 0 {
                    format!(
                        " within {time_limit} s a count: run the audit again with a longer \
                         --time-limit (0 for none)"
                    )
                } else {
                    String::new()
                };
                wrong.push(format!(
                    "the solver could not decide every count of {undecided} of {} releases{advice}",
                    audits.len()
                ));
            }
            if wrong.is_empty() {
                Ok(())
            } else {
                Err(wrong.join("; "))
            }
        }
        Command::Backup { file } => {
            let mut store = open(db)?;
            store
                .backup_to(&file)
                .map_err(|e| describe(&e, "the backup failed"))?;
            println!("Saved a backup of the database to {}.", file.display());
            println!("It holds every response and comment: keep it somewhere safe.");
            Ok(())
        }
        Command::Restore { file } => {
            let path = db_path(db)?;
            let restored = crate::store::restore(&path, &file, chrono::Utc::now())
                .map_err(|e| format!("nothing was restored: {e}"))?;
            println!(
                "Restored {} responses from {} into {}.",
                restored.responses,
                file.display(),
                path.display()
            );
            if let Some(kept) = restored.kept_as {
                println!("The database that was there is kept as {}.", kept.display());
            }
            Ok(())
        }
        Command::ResetPassphrase => {
            let mut store = open(db)?;
            if !store
                .is_configured()
                .map_err(|e| describe(&e, "cannot read the database"))?
            {
                return Err(
                    "this device has not been set up yet: open the app to set it up".into(),
                );
            }
            let passphrase = read_new_passphrase()?;
            let hash =
                crate::auth::hash(&passphrase).map_err(|e| describe(&e, "nothing was changed"))?;
            store
                .set_passphrase(
                    &hash,
                    crate::store::Action::PassphraseReset,
                    "Reset the staff passphrase from the command line",
                )
                .map_err(|e| describe(&e, "nothing was changed"))?;
            println!("The staff passphrase is reset. No responses or settings were changed.");
            Ok(())
        }
        Command::Demo {
            responses,
            teams,
            months,
            seed,
            last_month,
        } => {
            let last_month = match last_month {
                Some(m) => {
                    Month::parse(&m).ok_or_else(|| format!("--last-month {m:?} is not YYYY-MM"))?
                }
                None => now.prev(),
            };
            let mut store = open(db)?;
            let started = std::time::Instant::now();
            let opts = crate::demo::Options {
                responses,
                teams,
                months,
                seed,
                last_month,
            };
            let added = crate::demo::generate(&mut store, &opts)
                .map_err(|e| describe(&e, "demo data failed"))?;
            println!(
                "Added {} synthetic responses in {:.1} s.",
                added.responses,
                started.elapsed().as_secs_f64()
            );
            if added.set_up {
                println!(
                    "The device is set up with the demo's teams, session types, roles and staff counts. \
                     Set a staff passphrase before opening the staff area: psi-feedback reset-passphrase"
                );
            }
            Ok(())
        }
        Command::Import { file } => {
            let mut store = open(db)?;
            let input = std::fs::File::open(&file)
                .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
            match import::import(&mut store, input, now) {
                Ok(n) => {
                    println!("Imported {n} responses from {}.", file.display());
                    Ok(())
                }
                Err(ImportError::Rejected(problems)) => {
                    for p in &problems {
                        eprintln!("{}: {p}", file.display());
                    }
                    // The list may end with a count of problems not listed.
                    Err(format!(
                        "nothing was imported: {} has the problems listed above",
                        file.display()
                    ))
                }
                Err(ImportError::Failed(e)) => Err(describe(&e, "nothing was imported")),
            }
        }
        Command::Export {
            period,
            from,
            to,
            by,
            layout,
            format,
            out,
        } => {
            let mut store = open(db)?;
            // Before the release is recorded: a file that may not be written is refused
            // with nothing recorded.
            crate::store::output::check_target(store.path(), &out)
                .map_err(|e| describe(&e, "export failed"))?;
            let request = Request {
                period: match period {
                    PeriodArg::Month => PeriodKind::Month,
                    PeriodArg::Quarter => PeriodKind::Quarter,
                },
                from,
                to,
                by: match by {
                    None => Breakdown::None,
                    Some(ByArg::SessionType) => Breakdown::SessionType,
                    Some(ByArg::Role) => Breakdown::Role,
                    Some(ByArg::Choice) => Breakdown::Choice,
                },
                layout: match layout {
                    LayoutArg::Headline => Layout::Headline,
                    LayoutArg::Full => Layout::Full,
                },
                format: match format {
                    FormatArg::Csv => Format::Csv,
                    FormatArg::Json => Format::Json,
                    FormatArg::Html => Format::Html,
                },
            };
            let built = export::build(&mut store, &request, now)
                .map_err(|e| describe(&e, "export failed"))?;
            export::write_file(store.path(), &out, &built.bytes)
                .map_err(|e| describe(&e, "export failed"))?;
            if built.reissued {
                println!(
                    "This request was exported before: the file holds the same values as then."
                );
            }
            println!(
                "Saved {} ({} groups, {} values withheld).",
                out.display(),
                built.groups,
                built.withheld
            );
            Ok(())
        }
    }
}
