//! The data sets the report reads and their JSON schemas.
//!
//! Every file under `reports/data/` may be written in one of three shapes, so that a script can
//! either append one line per result or write a whole file with its provenance:
//! - a JSON array of records: `[{...}, {...}]`;
//! - an object carrying the provenance: `{"machine": {...}, "date": "...", "results": [{...}]}`,
//!   where `machine` is any JSON (conventionally `{"cpu": "...", "cores": 2, "os": "..."}`) and
//!   `date` any string (conventionally ISO 8601 UTC); `checks.json` names its records `files`;
//! - one JSON object per line (blank lines are skipped), for a writer that appends.
//!
//! `scripts/bughunt` writes `bughunt.json` in the object form, with its budget, repeats and phase
//! times beside `results` ([`rawcheck_hunt::HuntDoc`]).
//!
//! Unknown fields are ignored, so writers may add fields without breaking the report.

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Where and when a data set was taken, as far as its files tell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Provenance {
    /// The machine the data was taken on (the file's `machine`, as `key: value` pairs).
    pub machine: Option<String>,
    /// When the data was taken (the file's `date`).
    pub date: Option<String>,
    /// When the file, or the newest file of a tree, was last written.
    pub modified: Option<SystemTime>,
}

/// A data set that was found and read.
#[derive(Debug, Clone)]
pub struct Dataset<T> {
    /// The records, in file order.
    pub records: Vec<T>,
    /// Where and when the data was taken.
    pub provenance: Provenance,
    /// Records that were read but left out, each with the reason.
    pub skipped: Vec<String>,
}

impl<T> Default for Dataset<T> {
    fn default() -> Self {
        Dataset {
            records: Vec::new(),
            provenance: Provenance::default(),
            skipped: Vec::new(),
        }
    }
}

/// What was found where a data set should be.
#[derive(Debug, Clone)]
pub enum State<T> {
    /// Nothing there: the step that writes it has not run.
    Missing,
    /// Something there that could not be read; the message says what and where.
    Unreadable(String),
    /// The data.
    Loaded(Dataset<T>),
}

/// One data set of the report and the path it was looked for at.
#[derive(Debug, Clone)]
pub struct DataSource<T> {
    /// The file or directory, as given.
    pub path: PathBuf,
    /// What was found there.
    pub state: State<T>,
}

impl<T> DataSource<T> {
    /// The records; none when the data set is missing or unreadable.
    pub fn records(&self) -> &[T] {
        match &self.state {
            State::Loaded(d) => &d.records,
            State::Missing | State::Unreadable(_) => &[],
        }
    }

    /// The provenance, when the data set was read.
    pub fn provenance(&self) -> Option<&Provenance> {
        match &self.state {
            State::Loaded(d) => Some(&d.provenance),
            State::Missing | State::Unreadable(_) => None,
        }
    }
}

/// One cell of the bug hunt (`reports/data/bughunt.json`, written by `scripts/bughunt`): the
/// writer's own cell type, so the two sides cannot drift.
pub use rawcheck_hunt::HuntCell;

/// One cell of the mutant campaign (`reports/data/mutants.json`, written by `scripts/mutants`):
/// the writer's own cell type, so the two sides cannot drift.
pub use rawcheck_hunt::MutantCell;

/// The classification of a mutant no detector kills (`reports/data/mutants-triage.json`): the
/// campaign's own type, so the reader and the campaign cannot drift.
pub use rawcheck_hunt::Triage;

/// One peer timing (`reports/data/peers.json`, written by `scripts/peers`).
///
/// The file is `{"machine": {...}, "date": "...", "results": [{"id":
/// "transpose/uniform/qutip/32/100000", "ns": 123456.0, "nnz": 100000, "equal": true}, ...]}`: `id`
/// uses the benchmark id scheme with variant `qutip` or `scipy`, `ns` is the mean time of one call in
/// nanoseconds, `equal` says whether the peer's result equals rawcheck's on that matrix.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PeerResult {
    /// `<kernel>/<family>/<peer>/<index>/<nnz>`.
    pub id: String,
    /// Mean nanoseconds per call.
    pub ns: f64,
    /// Stored nonzeros of the input (the id says it too).
    pub nnz: Option<u64>,
    /// Whether the peer's output equals rawcheck's.
    pub equal: Option<bool>,
}

/// One fuzzing run (`reports/data/fuzz.json`, written by the fuzz scripts).
///
/// `[{"target":"reshape","sanitizer":"address","execs_per_sec":1234,"cov":567,"seconds":30}]`, with
/// `sanitizer` being cargo fuzz's `-s` value (`address` or `none`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct FuzzStat {
    /// cargo-fuzz target name.
    pub target: String,
    /// `address` (ASan) or `none`.
    pub sanitizer: String,
    /// Mean executions per second over the run.
    pub execs_per_sec: f64,
    /// Coverage (libFuzzer's `cov`) at the end of the run.
    pub cov: Option<u64>,
    /// Length of the run, seconds.
    pub seconds: Option<f64>,
}

/// One deterministic count of one kernel call (`reports/data/counts.json`, written by `cargo bench
/// --bench counts`): the writer's own row type, so the two sides cannot drift.
pub use rawcheck_benches::counts::CountRow;

/// One examined variant file of `scripts/asm-checks --json` (`reports/data/checks.json`).
///
/// The file is `{"date": "...", "command": "scripts/asm-checks", "files": [{"kernel": "transpose",
/// "variant": "safe", "file": "kernels/src/transpose/safe.rs", "checks": [{"line": 42, "code":
/// "out[k] = v;", "inner_loop": true}]}]}`; a file with no surviving check has `"checks": []`, a
/// file that was not examined is absent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CheckFile {
    /// Kernel name.
    pub kernel: String,
    /// `raw`, `checked` or `safe`.
    pub variant: String,
    /// The source file, relative to the workspace.
    pub file: String,
    /// The bounds checks that survived the optimiser.
    pub checks: Vec<Check>,
}

/// One surviving bounds check: a source line that keeps its panic location in the machine code.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Check {
    /// Line in [`CheckFile::file`].
    pub line: u32,
    /// The source text of the line.
    pub code: String,
    /// Whether the line sits inside an inner loop (`None`: cannot tell).
    pub inner_loop: Option<bool>,
}

/// The object form of a data file (`checks.json` names its records `files`).
#[derive(Deserialize)]
struct Wrapped<T> {
    machine: Option<Value>,
    date: Option<Value>,
    #[serde(alias = "files")]
    results: Vec<T>,
}

/// Reads a data file in any of the shapes of the module documentation.
pub fn load_json<T: DeserializeOwned>(path: &Path) -> DataSource<T> {
    let state = match fs::read_to_string(path) {
        Err(e) if e.kind() == ErrorKind::NotFound => State::Missing,
        Err(e) => State::Unreadable(format!("cannot read {}: {e}", path.display())),
        Ok(text) => match parse_records(&text) {
            Ok(mut dataset) => {
                dataset.provenance.modified = fs::metadata(path).and_then(|m| m.modified()).ok();
                State::Loaded(dataset)
            }
            Err(e) => State::Unreadable(format!("{}: {e}", path.display())),
        },
    };
    DataSource {
        path: path.to_owned(),
        state,
    }
}

/// Parses the text of a data file (array, object with `results`, or one object per line); an
/// object `{"unavailable": "why"}` is an error carrying the reason the data could not be taken.
pub fn parse_records<T: DeserializeOwned>(text: &str) -> Result<Dataset<T>, String> {
    let records = |records| Dataset {
        records,
        ..Dataset::default()
    };
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(_)) => serde_json::from_str(text)
            .map(records)
            .map_err(|e| e.to_string()),
        // A step that could not measure says why (e.g. scripts/harness when pip fails).
        Ok(Value::Object(o)) if o.contains_key("unavailable") => {
            Err(format!("not measured: {}", describe(&o["unavailable"])))
        }
        Ok(Value::Object(o)) if o.contains_key("results") || o.contains_key("files") => {
            let w: Wrapped<T> = serde_json::from_str(text).map_err(|e| e.to_string())?;
            Ok(Dataset {
                records: w.results,
                provenance: Provenance {
                    machine: w.machine.as_ref().map(describe),
                    date: w.date.as_ref().map(describe),
                    modified: None,
                },
                skipped: Vec::new(),
            })
        }
        _ => text
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(i, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1)))
            .collect::<Result<_, _>>()
            .map(records),
    }
}

/// Renders a JSON value for a reader: strings bare, objects as `key: value, ...`.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Object(m) => m
            .iter()
            .map(|(k, v)| format!("{k}: {}", describe(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(a) => a.iter().map(describe).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_shapes_parse() {
        let line = r#"{"target":"t","sanitizer":"none","execs_per_sec":5}"#;
        let array: Dataset<FuzzStat> = parse_records(&format!("[{line}, {line}]")).unwrap();
        assert_eq!(array.records.len(), 2);
        assert_eq!(array.provenance, Provenance::default());

        let wrapped: Dataset<FuzzStat> = parse_records(&format!(
            r#"{{"machine": {{"cpu": "Z80", "cores": 1}}, "date": "2025-01-02", "results": [{line}]}}"#
        ))
        .unwrap();
        assert_eq!(wrapped.records.len(), 1);
        assert_eq!(
            wrapped.provenance.machine.as_deref(),
            Some("cores: 1, cpu: Z80")
        );
        assert_eq!(wrapped.provenance.date.as_deref(), Some("2025-01-02"));

        let lines: Dataset<FuzzStat> =
            parse_records(&format!("{line}\n\n{line}\n{line}\n")).unwrap();
        assert_eq!(lines.records.len(), 3);
        assert_eq!(lines.records[0].execs_per_sec, 5.0);
        assert_eq!(lines.records[0].cov, None);
        let single: Dataset<FuzzStat> = parse_records(line).unwrap();
        assert_eq!(single.records.len(), 1);
        assert!(parse_records::<FuzzStat>("").unwrap().records.is_empty());
    }

    #[test]
    fn an_unavailable_data_set_carries_its_reason() {
        let err = parse_records::<PeerResult>(r#"{"unavailable": "pip could not install qutip"}"#)
            .unwrap_err();
        assert_eq!(err, "not measured: pip could not install qutip");
    }

    #[test]
    fn bad_records_are_reported_with_their_place() {
        let good = r#"{"target":"t","sanitizer":"none","execs_per_sec":5}"#;
        let err =
            parse_records::<FuzzStat>(&format!("{good}\n{{\"target\":\"t\"}}\n")).unwrap_err();
        assert!(
            err.starts_with("line 2:") && err.contains("sanitizer"),
            "{err}"
        );
        let err = parse_records::<FuzzStat>(r#"{"results": [{"target": 3}]}"#).unwrap_err();
        assert!(err.contains("line 1"), "{err}");
        assert!(parse_records::<FuzzStat>("[1, 2]").is_err());
    }

    #[test]
    fn a_missing_file_is_missing_and_a_bad_one_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let missing = load_json::<FuzzStat>(&dir.path().join("fuzz.json"));
        assert!(matches!(missing.state, State::Missing));
        assert!(missing.records().is_empty() && missing.provenance().is_none());
        let bad = dir.path().join("bad.json");
        fs::write(&bad, "not json").unwrap();
        match load_json::<FuzzStat>(&bad).state {
            State::Unreadable(msg) => assert!(msg.contains("bad.json") && msg.contains("line 1")),
            other => panic!("expected unreadable, got {other:?}"),
        }
        let good = dir.path().join("good.json");
        fs::write(&good, "[]").unwrap();
        let loaded = load_json::<FuzzStat>(&good);
        assert!(loaded.provenance().unwrap().modified.is_some());
    }
}
