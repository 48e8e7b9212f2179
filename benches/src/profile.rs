//! The `RAWCHECK_BENCH` switch: which sizes run and how long criterion measures each.

use std::time::Duration;

/// How thorough a benchmark run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// nnz 1e3..1e6, 0.2 s per benchmark (at least ten calls at 1e6, where one call takes
    /// milliseconds): the families at 1e5 and 1e6 for the comparison with the peers.
    Quick,
    /// nnz 1e3..1e7, about a second per benchmark; at 1e7, where one call takes 0.1 to 1 s,
    /// criterion switches to flat sampling (warm-up and ten calls), which dominates the run:
    /// about 35 minutes on an idle 2-core machine.
    Full,
}

/// Criterion settings of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriterionSettings {
    /// Samples per benchmark.
    pub sample_size: usize,
    /// Warm-up before measuring.
    pub warm_up: Duration,
    /// Target measuring time.
    pub measurement: Duration,
    /// Bootstrap resamples of the analysis.
    pub nresamples: usize,
}

impl Profile {
    /// The environment variable holding the profile's name.
    pub const VAR: &'static str = "RAWCHECK_BENCH";

    /// The profile named by `RAWCHECK_BENCH` (`quick` when unset).
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(Self::VAR) {
            Err(std::env::VarError::NotPresent) => Ok(Profile::Quick),
            Ok(name) => name.parse(),
            Err(e) => Err(format!("{}: {e}", Self::VAR)),
        }
    }

    /// Nominal nnz of the generated matrices (`scripts/peers` times the same sizes).
    pub fn sizes(self) -> Vec<usize> {
        let top = match self {
            Profile::Quick => 6,
            Profile::Full => 7,
        };
        (3..=top).map(|e| 10usize.pow(e)).collect()
    }

    /// How long criterion measures.
    pub fn timing(self) -> CriterionSettings {
        match self {
            Profile::Quick => CriterionSettings {
                sample_size: 10,
                warm_up: Duration::from_millis(50),
                measurement: Duration::from_millis(150),
                nresamples: 10_000,
            },
            Profile::Full => CriterionSettings {
                sample_size: 10,
                warm_up: Duration::from_millis(200),
                measurement: Duration::from_millis(800),
                nresamples: 20_000,
            },
        }
    }
}

impl std::str::FromStr for Profile {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quick" => Ok(Profile::Quick),
            "full" => Ok(Profile::Full),
            _ => Err(format!("{}={s:?}: expected quick or full", Profile::VAR)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `scripts/peers` keeps its own list of sizes (it runs before any Rust is built): it must
    /// be the quick profile's, so the peers are timed on the benchmarks' matrices.
    #[test]
    fn the_peers_script_times_the_quick_sizes() {
        let script = include_str!("../../scripts/peers");
        let list = script
            .lines()
            .find_map(|l| l.trim().strip_prefix("nnz=1e"))
            .expect("scripts/peers sets its default sizes");
        let sizes: Vec<usize> = format!("1e{list}")
            .split(',')
            .map(|n| n.parse::<f64>().expect("a size") as usize)
            .collect();
        assert_eq!(sizes, Profile::Quick.sizes());
    }
}
