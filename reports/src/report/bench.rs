//! Benchmark timings: criterion's output tree and the peers' timings, under one id scheme.
//!
//! criterion writes, for every benchmark, `<criterion dir>/<group>/<function>/<value>/new/
//! benchmark.json` (holding `full_id`, the id as the bench named it) and `new/estimates.json`
//! (holding `mean.point_estimate` and its 95 % `mean.confidence_interval`, in nanoseconds). The directory names are the id's parts made
//! filename-safe (a `/` inside a part becomes `_`), so the id is read from `full_id`, never from the
//! path. `base/` (the previous run) and `change/` (the comparison) hold older data and `report/` holds
//! criterion's own HTML: all three are skipped.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;

use super::data::{DataSource, Dataset, PeerResult, State, load_json};

/// A benchmark id `<kernel>/<family>/<variant>/<index>/<nnz>`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BenchId {
    /// Kernel, e.g. `transpose`.
    pub kernel: String,
    /// Matrix family: `uniform`, `banded`, `powerlaw`, `tensor` or `file-<name>`.
    pub family: String,
    /// `raw`, `checked`, `safe`, `memcpy`, `sprs`, `qutip` or `scipy`.
    pub variant: String,
    /// Index width in bits (32 or 64).
    pub index: u32,
    /// Stored nonzeros of the input.
    pub nnz: u64,
}

impl BenchId {
    /// Parses an id; `None` for ids of another shape. The family is everything between the kernel
    /// and the last three parts, so a family holding a `/` still parses.
    pub fn parse(id: &str) -> Option<Self> {
        let parts: Vec<&str> = id.split('/').collect();
        let n = parts.len();
        if n < 5 || parts.iter().any(|p| p.is_empty()) {
            return None;
        }
        Some(BenchId {
            kernel: parts[0].to_owned(),
            family: parts[1..n - 3].join("/"),
            variant: parts[n - 3].to_owned(),
            index: parts[n - 2].parse().ok()?,
            nnz: parts[n - 1].parse().ok().filter(|&nnz| nnz > 0)?,
        })
    }
}

/// One measured mean time.
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// What was measured.
    pub id: BenchId,
    /// Mean nanoseconds per call.
    pub ns: f64,
    /// criterion's confidence interval of the mean, `(lower, upper)` ns (`None` for peers, whose
    /// scripts record a point estimate only).
    pub interval: Option<(f64, f64)>,
    /// For a peer: whether its result equals rawcheck's (`None` when not compared).
    pub equal: Option<bool>,
}

#[cfg(test)]
impl Timing {
    /// A timing of `id` (which must parse) at `ns` per call, without an interval or a verdict.
    pub(crate) fn at(id: &str, ns: f64) -> Timing {
        Timing {
            id: BenchId::parse(id).unwrap(),
            ns,
            interval: None,
            equal: None,
        }
    }
}

/// `new/benchmark.json`: only the id is needed.
#[derive(Deserialize)]
struct BenchmarkJson {
    full_id: String,
}

/// `new/estimates.json`: only the mean and its confidence interval are needed.
#[derive(Deserialize)]
struct EstimatesJson {
    mean: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Option<ConfidenceInterval>,
}

#[derive(Deserialize)]
struct ConfidenceInterval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Reads every `new/` measurement under criterion's directory. A benchmark that cannot be read or has
/// an id of another shape is listed in `skipped`; the provenance's `modified` is the newest estimate.
pub fn load_criterion(dir: &Path) -> DataSource<Timing> {
    let state = if !dir.is_dir() {
        State::Missing
    } else {
        let mut found = Vec::new();
        match find_new_dirs(dir, &mut found) {
            Err(e) => State::Unreadable(format!("cannot walk {}: {e}", dir.display())),
            Ok(()) => State::Loaded(read_measurements(&found)),
        }
    };
    DataSource {
        path: dir.to_owned(),
        state,
    }
}

/// Collects, in path order, every `new` directory holding a `benchmark.json`.
fn find_new_dirs(dir: &Path, found: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if !entry.file_type()?.is_dir() {
            continue;
        }
        let path = entry.path();
        match entry.file_name().to_str() {
            Some("new") => {
                if path.join("benchmark.json").is_file() {
                    found.push(path);
                }
            }
            Some("base" | "change" | "report") => {}
            _ => find_new_dirs(&path, found)?,
        }
    }
    Ok(())
}

fn read_measurements(dirs: &[PathBuf]) -> Dataset<Timing> {
    let mut data = Dataset::default();
    let mut newest: Option<SystemTime> = None;
    for dir in dirs {
        match read_measurement(dir) {
            Ok((timing, modified)) => {
                newest = newest.max(modified);
                data.records.push(timing);
            }
            Err(why) => data.skipped.push(why),
        }
    }
    data.provenance.modified = newest;
    data
}

fn read_measurement(dir: &Path) -> Result<(Timing, Option<SystemTime>), String> {
    let read = |name: &str| {
        let path = dir.join(name);
        fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let bench: BenchmarkJson = serde_json::from_str(&read("benchmark.json")?)
        .map_err(|e| format!("{}/benchmark.json: {e}", dir.display()))?;
    let estimates: EstimatesJson = serde_json::from_str(&read("estimates.json")?)
        .map_err(|e| format!("{}/estimates.json: {e}", dir.display()))?;
    let id = BenchId::parse(&bench.full_id).ok_or_else(|| {
        format!(
            "{}: not a <kernel>/<family>/<variant>/<index>/<nnz> id",
            bench.full_id
        )
    })?;
    let ns = positive(estimates.mean.point_estimate, &bench.full_id)?;
    let interval = match estimates.mean.confidence_interval {
        None => None,
        Some(ci) if ci.lower_bound <= ns && ns <= ci.upper_bound => {
            Some((positive(ci.lower_bound, &bench.full_id)?, ci.upper_bound))
        }
        Some(ci) => {
            return Err(format!(
                "{}: mean {ns} ns outside its interval [{}, {}]",
                bench.full_id, ci.lower_bound, ci.upper_bound
            ));
        }
    };
    let modified = fs::metadata(dir.join("estimates.json"))
        .and_then(|m| m.modified())
        .ok();
    Ok((
        Timing {
            id,
            ns,
            interval,
            equal: None,
        },
        modified,
    ))
}

/// Reads `peers.json` into timings under the same id scheme.
pub fn load_peers(path: &Path) -> DataSource<Timing> {
    let source = load_json::<PeerResult>(path);
    let state = match source.state {
        State::Loaded(d) => {
            let mut data = Dataset {
                records: Vec::new(),
                provenance: d.provenance,
                skipped: d.skipped,
            };
            for r in d.records {
                let timing = BenchId::parse(&r.id)
                    .ok_or_else(|| {
                        format!(
                            "{}: not a <kernel>/<family>/<variant>/<index>/<nnz> id",
                            r.id
                        )
                    })
                    .and_then(|id| {
                        Ok(Timing {
                            ns: positive(r.ns, &r.id)?,
                            id,
                            interval: None,
                            equal: r.equal,
                        })
                    });
                match timing {
                    Ok(t) => data.records.push(t),
                    Err(why) => data.skipped.push(why),
                }
            }
            State::Loaded(data)
        }
        State::Missing => State::Missing,
        State::Unreadable(why) => State::Unreadable(why),
    };
    DataSource {
        path: source.path,
        state,
    }
}

/// A time must be a positive finite number of nanoseconds to be plotted.
fn positive(ns: f64, id: &str) -> Result<f64, String> {
    if ns.is_finite() && ns > 0.0 {
        Ok(ns)
    } else {
        Err(format!("{id}: time {ns} ns is not positive"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_from_both_ends() {
        let id = BenchId::parse("transpose/uniform/raw/32/1000").unwrap();
        assert_eq!(
            (
                id.kernel.as_str(),
                id.family.as_str(),
                id.variant.as_str(),
                id.index,
                id.nnz
            ),
            ("transpose", "uniform", "raw", 32, 1000)
        );
        let id = BenchId::parse("permute/file-a/b/memcpy/64/10").unwrap();
        assert_eq!(
            (id.family.as_str(), id.variant.as_str()),
            ("file-a/b", "memcpy")
        );
        for bad in [
            "transpose/uniform/raw/32",
            "transpose/uniform/raw/32/1e3",
            "transpose/uniform/raw/x/1000",
            "transpose//raw/32/1000",
            "transpose/uniform/raw/32/0",
            "",
        ] {
            assert_eq!(BenchId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn positive_times_only() {
        assert!(positive(1.5, "x").is_ok());
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(positive(bad, "x").is_err());
        }
    }
}
