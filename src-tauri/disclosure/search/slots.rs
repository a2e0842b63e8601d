//! How a group of a release becomes the slots of a search's cell: what it shows, and
//! which measures' counts it does not show.

use crate::disclosure::board::{MeasureSlots, Slot};
use crate::disclosure::{Layout, Release, Value, HEADLINE_MEASURES};
use crate::summary::{all_measures, N_MEASURES};

/// The values group `group` of `release` shows, as slots (`open`: ones this release may
/// still withhold).
pub fn slots_of(
    release: &Release,
    group: usize,
    open: bool,
) -> (Option<Slot>, Vec<Option<MeasureSlots>>) {
    let g = &release.groups[group];
    let slot = |v: Value| Slot { value: v, open };
    let mut out: Vec<Option<MeasureSlots>> = vec![None; N_MEASURES];
    for mv in &g.measures {
        let mut s = MeasureSlots {
            answered: mv.answered.map(slot),
            mean: mv.mean.map(slot),
            sd: mv.sd.map(slot),
            share: Some(slot(mv.share)),
            ..MeasureSlots::default()
        };
        for o in &mv.options {
            s.options[usize::from(o.option.code)] = Some(slot(o.count));
        }
        out[mv.measure.index] = Some(s);
    }
    (Some(slot(g.responses)), out)
}

/// The measures whose counts a group does not show.
pub fn hidden_measures(layout: Layout, below_floor: bool) -> Vec<u8> {
    all_measures()
        .iter()
        .filter(|m| {
            below_floor || (layout == Layout::Headline && HEADLINE_MEASURES.contains(&m.id))
        })
        .map(|m| m.index as u8)
        .collect()
}
