//! `rawcheck list`: the names of kernels, variants, families, seeded bugs and detectors, from
//! the kernels crate's enums and catalogue, and the raw kernels' goals, from the report, for
//! people and for the scripts (`--json`), so no script types them again.

use rawcheck_kernels::bugs::CATALOGUE;
use rawcheck_kernels::families::Family;
use rawcheck_kernels::{Detector, Kernel, Variant};
use rawcheck_reports::report::{GOALS, Goal, GoalJson};
use serde::Serialize;

/// A seeded bug as the scripts need it.
#[derive(Debug, Serialize)]
pub struct BugName {
    /// `B1` .. `B8`.
    pub id: &'static str,
    /// The cargo feature that compiles it in.
    pub feature: &'static str,
    /// The kernel (and fuzz target) that carries it.
    pub kernel: &'static str,
}

/// Every name, each list in its canonical order.
#[derive(Debug, Serialize)]
pub struct Names {
    /// [`Kernel::ALL`].
    pub kernels: Vec<&'static str>,
    /// [`Variant::ALL`].
    pub variants: Vec<&'static str>,
    /// [`Family::ALL`].
    pub families: Vec<&'static str>,
    /// [`CATALOGUE`].
    pub bugs: Vec<BugName>,
    /// [`Detector::ALL`].
    pub detectors: Vec<&'static str>,
    /// [`GOALS`]: the raw kernels' goals, which `scripts/bench_table.py --targets` judges.
    pub goals: Vec<GoalJson>,
}

impl Names {
    /// The names this build knows.
    pub fn new() -> Names {
        Names {
            kernels: Kernel::ALL.map(Kernel::name).to_vec(),
            variants: Variant::ALL.map(Variant::name).to_vec(),
            families: Family::ALL.map(Family::name).to_vec(),
            bugs: CATALOGUE
                .iter()
                .map(|b| BugName {
                    id: b.id,
                    feature: b.feature,
                    kernel: b.kernel.name(),
                })
                .collect(),
            detectors: Detector::ALL.map(Detector::name).to_vec(),
            goals: GOALS.iter().map(Goal::json).collect(),
        }
    }

    /// One line per list, `kernels: reshape, transpose, ...` (bugs as `B1 (feature, kernel)`, goals
    /// by their headings).
    pub fn text(&self) -> String {
        let bugs: Vec<String> = self
            .bugs
            .iter()
            .map(|b| format!("{} ({}, {})", b.id, b.feature, b.kernel))
            .collect();
        [
            ("kernels", self.kernels.join(", ")),
            ("variants", self.variants.join(", ")),
            ("families", self.families.join(", ")),
            ("bugs", bugs.join(", ")),
            ("detectors", self.detectors.join(", ")),
            ("goals", GOALS.map(|g| g.heading()).join(", ")),
        ]
        .map(|(what, list)| format!("{what}: {list}\n"))
        .concat()
    }
}

impl Default for Names {
    fn default() -> Self {
        Names::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_round_trips_through_its_parser() {
        let names = Names::new();
        for k in &names.kernels {
            assert_eq!(k.parse::<Kernel>().unwrap().name(), *k);
        }
        for d in &names.detectors {
            assert_eq!(d.parse::<Detector>().unwrap().name(), *d);
        }
        for f in &names.families {
            assert_eq!(f.parse::<Family>().unwrap().name(), *f);
        }
        assert_eq!(names.bugs.len(), CATALOGUE.len());
        assert!(names.bugs.iter().all(|b| names.kernels.contains(&b.kernel)));
        let json: serde_json::Value = serde_json::to_value(&names).unwrap();
        assert_eq!(json["bugs"][0]["id"], "B1");
        assert_eq!(names.text().lines().count(), 6);
        assert_eq!(json["goals"][0]["at_least"], 2.0);
        assert_eq!(json["goals"][2]["reshape_at_most"], 1.5);
    }
}
