//! The practitioners' sense of sessions beside what people said: for each PSI dimension,
//! the average of the practitioners' estimates and the people's own average score in the
//! same sessions, over the periods, with the share of those sessions where the estimate
//! was higher. Published figures only, as everywhere in the Overview: the sessions
//! where both were given are a group like any other, withheld where it is small.

use serde::Serialize;

use super::chart::{self, Scale};
use super::{Point, DIMENSIONS, GAP_MARK};
use crate::summary::ESTIMATE_MEASURES;

/// One dimension: the two averages over the periods, and how often the estimate was
/// higher.
#[derive(Debug, Clone, Serialize)]
pub struct Perception {
    /// "power", "safety" or "identity".
    pub dimension: &'static str,
    /// The practitioners' average estimate, period by period.
    pub estimate: Vec<Point>,
    /// The people's own average score in the same sessions.
    pub person: Vec<Point>,
    /// The share of those sessions where the estimate was higher than the person's score.
    pub higher: Vec<Point>,
    /// The share where it was lower.
    pub lower: Vec<Point>,
    /// The two averages as two lines, the people's first (SVG, a picture only: the
    /// points are its text).
    pub svg: String,
}

/// The perception of each dimension for which any average estimate is published;
/// `series(measure)` gives a measure's published points over the periods shown.
pub fn perceptions(labels: &[String], series: &dyn Fn(&str) -> Vec<Point>) -> Vec<Perception> {
    DIMENSIONS
        .iter()
        .zip(ESTIMATE_MEASURES)
        .filter_map(|(&dimension, [estimate, person, higher, lower])| {
            let estimate = series(estimate);
            if estimate.iter().all(|p| p.withheld) {
                return None;
            }
            let person = series(person);
            let number =
                |points: &[Point]| -> Vec<Option<f64>> { points.iter().map(|p| p.value).collect() };
            Some(Perception {
                dimension,
                // People's own scores drawn as every other chart draws them; the
                // estimate as the second line.
                svg: chart::pair(
                    labels,
                    &number(&person),
                    &number(&estimate),
                    Scale::Score,
                    GAP_MARK,
                ),
                higher: series(higher),
                lower: series(lower),
                estimate,
                person,
            })
        })
        .collect()
}
