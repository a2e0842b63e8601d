//! Atoms: the finest pieces of data that any release in question is made of. An atom is
//! one team, one month and, where some release breaks the responses down by them, one
//! session type, one role and one answer to "was coming today your choice?". Every
//! group of every release is a sum of atoms, which is how releases of different
//! periods, breakdowns and layouts are checked together.

use std::collections::HashMap;

use super::{measures, Breakdown, Measure, Tally};
use crate::domain::ResponseRow;
use crate::period::Month;
use crate::questionnaire::{self, DECLINED};

/// Which breakdowns the atoms are split by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Dims {
    pub session_type: bool,
    pub role: bool,
    pub choice: bool,
}

impl Dims {
    /// The split that `breakdowns` need.
    pub fn of(breakdowns: impl IntoIterator<Item = Breakdown>) -> Dims {
        let mut d = Dims::default();
        for b in breakdowns {
            match b {
                Breakdown::None => {}
                Breakdown::SessionType => d.session_type = true,
                Breakdown::Role => d.role = true,
                Breakdown::Choice => d.choice = true,
            }
        }
        d
    }
}

/// An atom's place. A dimension the atoms are not split by holds [`AtomKey::ANY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AtomKey {
    pub team: i64,
    pub month: Month,
    pub session_type: i64,
    pub role: i64,
    /// The answer code to the choice item; 0 when not answered (skipped or declined).
    pub choice: i64,
}

impl AtomKey {
    pub const ANY: i64 = -1;
}

/// The atoms with their true counts, in a stable order (by key).
#[derive(Debug, Clone, Default)]
pub struct Atoms {
    pub dims: Dims,
    pub keys: Vec<AtomKey>,
    pub tallies: Vec<Tally>,
}

impl Atoms {
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Atoms from counts made elsewhere (tests, tools): the same key twice adds up.
    pub fn from_tallies(dims: Dims, atoms: impl IntoIterator<Item = (AtomKey, Tally)>) -> Atoms {
        let mut map: std::collections::BTreeMap<AtomKey, Tally> = Default::default();
        for (k, t) in atoms {
            map.entry(k).or_default().add(&t);
        }
        let (keys, tallies) = map.into_iter().unzip();
        Atoms {
            dims,
            keys,
            tallies,
        }
    }
}

/// Counts responses into atoms. Feed it rows, then call [`Tallier::finish`].
pub struct Tallier {
    dims: Dims,
    measures: Vec<Measure>,
    index: HashMap<AtomKey, usize>,
    keys: Vec<AtomKey>,
    tallies: Vec<Tally>,
}

impl Tallier {
    pub fn new(dims: Dims) -> Tallier {
        Tallier {
            dims,
            measures: measures(),
            index: HashMap::new(),
            keys: Vec::new(),
            tallies: Vec::new(),
        }
    }

    pub fn add(&mut self, row: &ResponseRow) {
        let d = self.dims;
        let key = AtomKey {
            team: row.team,
            month: row.month,
            session_type: if d.session_type {
                row.session_type
            } else {
                AtomKey::ANY
            },
            role: if d.role { row.role } else { AtomKey::ANY },
            choice: if d.choice {
                match row.answers[questionnaire::choice_index()] {
                    Some(c) if c != DECLINED => i64::from(c),
                    _ => 0,
                }
            } else {
                AtomKey::ANY
            },
        };
        let i = match self.index.get(&key) {
            Some(i) => *i,
            None => {
                self.keys.push(key);
                self.tallies.push(Tally::default());
                self.index.insert(key, self.keys.len() - 1);
                self.keys.len() - 1
            }
        };
        self.tallies[i].count_row(&self.measures, &row.answers, &row.estimate);
    }

    pub fn finish(self) -> Atoms {
        let mut order: Vec<usize> = (0..self.keys.len()).collect();
        order.sort_by_key(|i| self.keys[*i]);
        let mut tallies: Vec<Option<Tally>> = self.tallies.into_iter().map(Some).collect();
        Atoms {
            dims: self.dims,
            keys: order.iter().map(|i| self.keys[*i]).collect(),
            tallies: order
                .iter()
                .map(|i| tallies[*i].take().expect("each atom once"))
                .collect(),
        }
    }
}
