//! The targets taken in batches: the cheap moves for each in order, then the searches
//! still needed on every core at once.

use super::*;
use crate::disclosure::cores::on_threads;

/// How many targets are prepared together (see [`Search::prepare`]).
const BATCH: usize = 4096;

#[cfg(test)]
thread_local! {
    /// How many targets the searches with repairs ran for, on the threads of this one.
    pub(crate) static SEARCHED_WITH_REPAIRS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl Search<'_> {
    /// Protects the targets from `next` on, and those they queue.
    pub(super) fn run(&mut self, mut next: usize, threads: usize) {
        while next < self.queue.len() {
            let end = (next + BATCH).min(self.queue.len());
            self.prepare(next..end, threads);
            for i in next..end {
                self.protect_target(i);
            }
            next = end;
        }
    }

    /// Finds witnesses for the targets `range` before they are protected one by one:
    /// first, in order, by the likeliest moves alone, each witness credited to every
    /// target it shows a value of (most targets need no more); then, for those still
    /// short of values, the whole search with repairs, on `threads` threads at once,
    /// against the board as it is when the batch starts. A witness stays one whatever is
    /// withheld later, so this only saves the one-by-one pass the work. Each search
    /// depends only on its target and that board, so the result does not depend on
    /// the number of threads.
    fn prepare(&mut self, range: std::ops::Range<usize>, threads: usize) {
        let mut short = Vec::new();
        for i in range {
            let t = self.queue[i];
            let need = self.need(t);
            let (found, _) = self.witnesses(
                t,
                need,
                &self.witnessed[i],
                witness::Effort::FirstMoves,
                &mut Vec::new(),
            );
            for d in found {
                self.credit(&d);
            }
            if self.witnessed[i].len() + 1 < need {
                short.push(i);
            }
        }
        #[cfg(test)]
        SEARCHED_WITH_REPAIRS.with(|n| n.set(n.get() + short.len()));
        let this = &*self;
        let found: Vec<Vec<Delta>> = on_threads(&short, threads, |&i| {
            let t = this.queue[i];
            let known = &this.witnessed[i];
            let (found, _) = this.witnesses(
                t,
                this.need(t),
                known,
                witness::Effort::Repairs,
                &mut Vec::new(),
            );
            found
        });
        for ds in found {
            for d in ds {
                self.credit(&d);
            }
        }
    }
}
