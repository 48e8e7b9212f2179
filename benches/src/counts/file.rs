//! The run's bookkeeping (where Gungraun writes, the start stamp) and `reports/data/counts.json`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::{CountCase, Counts, cases_from_env};

/// `reports/data/counts.json` (the shape is fixed: the report reads it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CountsFile {
    /// The machine: `{"cpu", "cores", "os", "load_at_start"}` as in the other data files.
    pub machine: serde_json::Value,
    /// When the file was written, `YYYY-MM-DDTHH:MM:SSZ`.
    pub date: String,
    /// `gungraun X, valgrind-Y`.
    pub tool_version: String,
    /// One row per id, in run order.
    pub results: Vec<CountRow>,
}

/// The counts of one id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountRow {
    /// `<kernel>/<family>/<variant>/<index>/<nnz>`.
    pub id: String,
    /// Stored entries of the input matrix.
    pub nnz: u64,
    /// Instructions of one call (`Ir`).
    pub instructions: u64,
    /// Conditional branches executed (`Bc`).
    pub branches: u64,
    /// Conditional branches mispredicted (`Bcm`).
    pub branch_misses: u64,
    /// `I1mr + D1mr + D1mw`.
    pub l1_misses: u64,
    /// `ILmr + DLmr + DLmw`.
    pub ll_misses: u64,
}

impl CountRow {
    /// The row of `case` with its `counts`.
    pub fn new(case: &CountCase, counts: Counts) -> Self {
        CountRow {
            id: case.id(),
            nnz: case.nnz() as u64,
            instructions: counts.instructions,
            branches: counts.branches,
            branch_misses: counts.branch_misses,
            l1_misses: counts.l1_misses,
            ll_misses: counts.ll_misses,
        }
    }
}

/// The environment variable naming another file for counts.json (the CI smoke step uses it).
pub const JSON_VAR: &str = "RAWCHECK_COUNTS_JSON";

/// Where the counts bench writes counts.json: `$RAWCHECK_COUNTS_JSON`, else
/// `reports/data/counts.json` of this workspace.
pub fn counts_path() -> PathBuf {
    match std::env::var_os(JSON_VAR) {
        Some(path) if !path.is_empty() => path.into(),
        _ => Path::new(env!("CARGO_MANIFEST_DIR")).join("../reports/data/counts.json"),
    }
}

/// Gungraun's output folder, found as Gungraun finds it: `$GUNGRAUN_HOME`, else
/// `$CARGO_TARGET_DIR/gungraun`, else `gungraun` in the target folder of the running bench binary
/// (`<target>/release/deps/counts-<hash>`).
fn gungraun_home() -> Result<PathBuf, String> {
    if let Some(home) = std::env::var_os("GUNGRAUN_HOME") {
        return Ok(home.into());
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return Ok(Path::new(&target).join("gungraun"));
    }
    let exe = std::env::current_exe().map_err(|e| format!("the bench binary's path: {e}"))?;
    exe.ancestors()
        .nth(3)
        .map(|target| target.join("gungraun"))
        .ok_or_else(|| format!("{}: not in a target folder", exe.display()))
}

/// This bench's folder under Gungraun's output: `<home>/<package>/counts`.
fn bench_dir() -> Result<PathBuf, String> {
    Ok(gungraun_home()?.join(env!("CARGO_PKG_NAME")).join("counts"))
}

fn stamp_path() -> Result<PathBuf, String> {
    Ok(bench_dir()?.join("rawcheck-run-started"))
}

/// Where the main setup leaves the run's base matrices ([`inputs`](super::inputs)).
pub fn inputs_dir() -> Result<PathBuf, String> {
    Ok(bench_dir()?.join("rawcheck-inputs"))
}

/// The main setup (native, before the first id): writes the base matrices of this run's ids and
/// stamps the start, so that the teardown never reads a Callgrind file left by an earlier run.
pub fn start_run() -> Result<(), String> {
    let cases = cases_from_env()?;
    super::inputs::write_all(&inputs_dir()?, &cases)?;
    let stamp = stamp_path()?;
    fs::write(&stamp, b"").map_err(|e| format!("{}: {e}", stamp.display()))
}

/// The Callgrind output of the `index`-th id (Gungraun names an `iter` bench `<id>_<index>`).
fn callgrind_file(index: usize) -> Result<PathBuf, String> {
    let name = format!("count.id_{index}");
    Ok(bench_dir()?
        .join("kernels")
        .join(&name)
        .join(format!("callgrind.{name}.out")))
}

/// The rows of this run's ids: each id's Callgrind file, written after `since`.
pub fn collect(
    cases: &[CountCase],
    file_of: impl Fn(usize) -> Result<PathBuf, String>,
    since: SystemTime,
) -> Result<Vec<CountRow>, String> {
    cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let path = file_of(index)?;
            let what = |e: &dyn std::fmt::Display| format!("{case:?}: {}: {e}", path.display());
            let written = fs::metadata(&path)
                .and_then(|m| m.modified())
                .map_err(|e| what(&e))?;
            if written < since {
                return Err(what(&"left by an earlier run (this run did not count it)"));
            }
            let text = fs::read_to_string(&path).map_err(|e| what(&e))?;
            let counts = Counts::from_callgrind(&text).map_err(|e| what(&e))?;
            Ok(CountRow::new(case, counts))
        })
        .collect()
}

/// The main teardown: reads this run's Callgrind files and writes [`counts_path`].
pub fn finish_run() -> Result<(), String> {
    let cases = cases_from_env()?;
    let stamp = stamp_path()?;
    let since = fs::metadata(&stamp)
        .and_then(|m| m.modified())
        .map_err(|e| format!("{}: {e}", stamp.display()))?;
    let results = collect(&cases, callgrind_file, since)?;
    let file = CountsFile {
        machine: machine(),
        date: command_line("date", &["-u", "+%Y-%m-%dT%H:%M:%SZ"]),
        tool_version: format!(
            "{}, {}",
            command_line("gungraun-runner", &["--version"]).replace("gungraun-runner", "gungraun"),
            command_line("valgrind", &["--version"])
        ),
        results,
    };
    let path = counts_path();
    write_counts(&path, &file)?;
    println!(
        "counts: {} ids written to {}",
        file.results.len(),
        path.display()
    );
    Ok(())
}

/// Writes `file` as pretty JSON to `path` (through a temporary file, so a failed write leaves
/// the old file whole), creating the folder.
pub fn write_counts(path: &Path, file: &CountsFile) -> Result<(), String> {
    let what = |p: &Path, e: &dyn std::fmt::Display| format!("{}: {e}", p.display());
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| what(dir, &e))?;
    }
    let mut json = serde_json::to_string_pretty(file).map_err(|e| what(path, &e))?;
    json.push('\n');
    let tmp = path.with_extension("json.tmp");
    fs::write(&tmp, json).map_err(|e| what(&tmp, &e))?;
    fs::rename(&tmp, path).map_err(|e| what(path, &e))
}

/// The first line a command prints, or `?` when it cannot run.
fn command_line(program: &str, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.lines().next().map(|l| l.trim().to_owned()))
        .unwrap_or_else(|| "?".to_owned())
}

/// The machine object of the other data files: CPU model, logical cores, OS, load average.
fn machine() -> serde_json::Value {
    let cpu = crate::machine::cpu_model().unwrap_or_else(|| "?".to_owned());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok());
    serde_json::json!({
        "cpu": cpu,
        "cores": cores,
        "os": command_line("uname", &["-sr"]),
        "load_at_start": load,
    })
}
