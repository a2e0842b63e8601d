//! `psi-feedback audit`: every release in the ledger re-checked, with the others of the
//! same months, by the intruder with a solver ([`crate::disclosure::audit`]).

use crate::disclosure::{self, audit::Finding, Release};
use crate::domain::ContextList;
use crate::error::AppError;
use crate::period::Month;
use crate::questionnaire::COMPATIBLE_VERSIONS;
use crate::store::Store;
use crate::summary::{Dims, Names, Tallier};

/// What the audit found for one release.
#[derive(Debug, Clone)]
pub struct ReleaseAudit {
    pub number: i64,
    pub release: Release,
    /// Withheld or hidden counts checked.
    pub checked: usize,
    /// The count that keeps the fewest possible values, if any was checked: one
    /// proved to keep too few first, then one the solver could not decide.
    pub narrowest: Option<Finding>,
    /// Counts the solver could not decide within the time limit, with too few values
    /// found.
    pub undecided: usize,
    /// Why it could not be checked (its months' responses were deleted).
    pub unchecked: Option<String>,
}

/// What the audit says of one release.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Every count keeps as many possible values as the release's rules ask.
    Passes,
    /// A count is proved to keep fewer.
    Fails,
    /// No count is proved to keep fewer, but the solver could not tell of one.
    Undecided,
}

impl ReleaseAudit {
    /// The release's verdict, from its narrowest count (a count proved to keep too
    /// few values comes first, see [`audit_ledger`]).
    pub fn verdict(&self) -> Verdict {
        match &self.narrowest {
            Some(f) if u64::from(f.values) < self.release.rules.min_possible_values => {
                if f.decided {
                    Verdict::Fails
                } else {
                    Verdict::Undecided
                }
            }
            _ => Verdict::Passes,
        }
    }
}

/// Re-checks every release in the ledger against every other release of the same
/// months (directly or through others), the solver taking at most `limit` seconds over
/// any one count (`None`: as long as it needs).
pub fn audit_ledger(store: &Store, limit: Option<f64>) -> Result<Vec<ReleaseAudit>, AppError> {
    let ledger = store.ledger()?;
    let released = store.released_months()?;
    let deleted = store.deleted_before()?;
    let mut names = Names::new();
    for list in ContextList::ALL {
        names.insert(list, store.all_names(list)?);
    }
    // Releases sharing months, directly or through others, are checked together.
    let mut component: Vec<usize> = (0..ledger.len()).collect();
    let find = |c: &mut Vec<usize>, mut i: usize| {
        while c[i] != i {
            c[i] = c[c[i]];
            i = c[i];
        }
        i
    };
    for i in 0..ledger.len() {
        for j in 0..i {
            if ledger[i].1 <= ledger[j].2 && ledger[j].1 <= ledger[i].2 {
                let (a, b) = (find(&mut component, i), find(&mut component, j));
                component[a.max(b)] = a.min(b);
            }
        }
    }
    let mut out = Vec::new();
    let mut roots: Vec<usize> = (0..ledger.len()).map(|i| find(&mut component, i)).collect();
    let order = roots.clone();
    roots.sort_unstable();
    roots.dedup();
    for root in roots {
        let members: Vec<usize> = (0..ledger.len()).filter(|i| order[*i] == root).collect();
        let releases = members
            .iter()
            .map(|i| disclosure::decode(&ledger[*i].3))
            .collect::<Result<Vec<_>, _>>()
            .map_err(AppError::Storage)?;
        let from: Month = members
            .iter()
            .map(|i| ledger[*i].1)
            .min()
            .expect("one release");
        let to: Month = members
            .iter()
            .map(|i| ledger[*i].2)
            .max()
            .expect("one release");
        if deleted.is_some_and(|d| from < d) {
            for (i, release) in members.iter().zip(releases) {
                out.push(ReleaseAudit {
                    number: ledger[*i].0,
                    release,
                    checked: 0,
                    narrowest: None,
                    undecided: 0,
                    unchecked: Some(
                        "its months' responses were deleted under the retention setting".into(),
                    ),
                });
            }
            continue;
        }
        let mut tallier = Tallier::new(Dims::of(releases.iter().map(|r| r.breakdown)));
        store.for_each_response(from, to, COMPATIBLE_VERSIONS, &released, |row| {
            tallier.add(row)
        })?;
        let atoms = tallier.finish();
        let findings = disclosure::audit::audit_within(&releases, &atoms, &names, limit);
        for (k, (i, release)) in members.iter().zip(releases).enumerate() {
            let mine: Vec<&Finding> = findings.iter().filter(|f| f.release == k).collect();
            let need = release.rules.min_possible_values;
            let short = |f: &Finding| u64::from(f.values) < need;
            let narrowest = mine
                .iter()
                .min_by_key(|f| (!short(f), !f.decided, f.values, f.hi - f.lo))
                .map(|f| (*f).clone());
            let undecided = mine.iter().filter(|f| short(f) && !f.decided).count();
            out.push(ReleaseAudit {
                number: ledger[*i].0,
                release,
                checked: mine.len(),
                narrowest,
                undecided,
                unchecked: None,
            });
        }
    }
    out.sort_by_key(|a| a.number);
    Ok(out)
}
