//! The bug hunt: every detector against every seeded bug, time to detect in JSON
//! (`scripts/bughunt`, which runs the `rawcheck-hunt` binary of this crate).
//!
//! For each subject ([`subject::Subject`]: today a seeded bug, a `bug-*` feature of the kernels
//! crate, see `kernels/src/bugs.rs`) and each [`Detector`], the hunt builds the fuzz crate with
//! the subject's feature, runs the detector under an outer `timeout` and records one
//! [`HuntCell`]. Every build comes first, `--jobs` at a time, then every run, `--jobs` at a time
//! ([`schedule`]), so that builds do not disturb the timed runs.
//!
//! Detectors (the fuzzers fuzz the target of the bug's kernel, starting from the committed
//! corpus, with the libFuzzer options of `fuzz/options/<target>.options` and its dictionary; all
//! but checked-variant and Miri run the raw variant with the safe one as differential reference,
//! [`subject::variants`]): `fuzz-asan`, `fuzz-asan-release`, `fuzz-none` (cargo fuzz builds),
//! `checked-variant` (the fuzz-none build fuzzing the checked variant alone; `prevented` where
//! safe code cannot make the mistake), `miri-stacked` and `miri-tree` (Miri replaying the
//! smallest set of inputs that covers every edge of corpus, regressions and property cases,
//! [`inputs::miri_set`]), `valgrind` (memcheck on the fuzz-none binary replaying corpus,
//! regressions and property cases) and `debug-ub-checks` (the same inputs through the file
//! replayer in a debug build with `-Zub-checks=yes`). Fuzzers run `--repeats` times with seeds
//! 1..N ([`cell::finish`] folds them: majority outcome, median seconds); replays run once.
//!
//! Why a crate of its own rather than a `rawcheck hunt` subcommand: the hunt orchestrates cargo,
//! libFuzzer, Miri and Valgrind (an xtask's job, not the report's), the `rawcheck` command line
//! stays small, and the generated-mutant campaign (issue 14, [`campaign`], the `rawcheck-campaign`
//! binary) runs on this same engine with mutants as subjects. The report reads the hunt's cells
//! through [`HuntCell`] and the campaign's through [`MutantCell`], the types written here.

pub mod args;
pub mod build;
pub mod campaign;
pub mod cell;
pub mod events;
pub mod inputs;
pub mod run;
pub mod schedule;
pub mod subject;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub use campaign::{MutantCell, MutantDoc, Triage};
pub use cell::{HuntCell, HuntDoc, Machine};
use rawcheck_kernels::Detector;

use crate::build::{Builder, Step, miri_command, run_quiet, steps};
use crate::cell::{Outcome, Run, finish, progress, round};
use crate::run::{FUZZ_GRACE, Job, run_job};
use crate::schedule::{Folder, enqueue, two_phases};
use crate::subject::{Mode, Subject, mode, prevented, variants};

/// Prints one progress line on stderr.
pub fn log(msg: &str) {
    eprintln!("bughunt: {msg}");
}

/// Where the hunt reads and writes.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The repository root (the workspace).
    pub root: PathBuf,
    /// The fuzz crate.
    pub fuzz: PathBuf,
    /// Binaries, logs, corpora and input sets of the hunt: `fuzz/work/bughunt`.
    pub work: PathBuf,
    /// Crashing inputs: `fuzz/artifacts/bughunt`.
    pub artifacts: PathBuf,
}

impl Paths {
    /// The paths of the repository at `root`.
    pub fn of(root: &Path) -> Paths {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_owned());
        let fuzz = root.join("fuzz");
        Paths {
            work: fuzz.join("work/bughunt"),
            artifacts: fuzz.join("artifacts/bughunt"),
            fuzz,
            root,
        }
    }

    /// The repository this crate was built in.
    pub fn repository() -> Paths {
        Paths::of(&Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
    }

    /// The logs of every build and run.
    pub fn logs(&self) -> PathBuf {
        self.work.join("logs")
    }

    /// The property cases, one folder per target.
    pub fn cases(&self) -> PathBuf {
        self.work.join("cases")
    }

    /// `path` relative to the root when it is inside it.
    pub fn rel(&self, path: &Path) -> String {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .display()
            .to_string()
    }
}

/// A hunt: which cells, with what budget.
#[derive(Debug, Clone)]
pub struct Hunt {
    /// The subjects.
    pub subjects: Vec<Subject>,
    /// The cells: a subject (index into `subjects`) and a detector, in the order of the results.
    pub cells: Vec<(usize, Detector)>,
    /// Seconds per detector run.
    pub budget: u64,
    /// Runs per fuzzer cell, seeds 1..N.
    pub repeats: u32,
    /// Builds and runs at a time.
    pub jobs: usize,
}

impl Hunt {
    /// Every subject against every detector, subjects outer.
    pub fn grid(subjects: Vec<Subject>, detectors: &[Detector]) -> Vec<(usize, Detector)> {
        (0..subjects.len())
            .flat_map(|s| detectors.iter().map(move |d| (s, *d)))
            .collect()
    }

    /// The detectors of the cells, each once, in order of appearance.
    pub fn detectors(&self) -> Vec<Detector> {
        let mut v: Vec<Detector> = Vec::new();
        for (_, d) in &self.cells {
            if !v.contains(d) {
                v.push(*d);
            }
        }
        v
    }
}

/// What a hunt produced.
#[derive(Debug, Clone)]
pub struct Hunted {
    /// One cell per [`Hunt::cells`], in order.
    pub cells: Vec<HuntCell>,
    /// Wall seconds of the build phase (with the input sets).
    pub build_seconds: f64,
    /// Wall seconds of the runs.
    pub run_seconds: f64,
}

/// The first line of what `program args` prints, `?` when nothing, `not installed` when it
/// cannot run.
fn version(paths: &Paths, program: &str, args: &[&str]) -> String {
    match run_quiet(Command::new(program).args(args), &paths.root) {
        Ok((_, text)) => text
            .trim()
            .lines()
            .next()
            .map_or("?".to_owned(), str::to_owned),
        Err(_) => "not installed".to_owned(),
    }
}

/// The version of the tool behind each of `detectors`.
pub fn tool_versions(paths: &Paths, detectors: &[Detector]) -> HashMap<Detector, String> {
    let rustc = version(paths, "rustc", &["+nightly", "--version"]);
    detectors
        .iter()
        .map(|&d| {
            let v = match mode(d) {
                Mode::LibFuzzer { fuzz: true, .. } => format!(
                    "{}, libFuzzer of {rustc}",
                    version(paths, "cargo", &["+nightly", "fuzz", "--version"])
                ),
                Mode::LibFuzzer { fuzz: false, .. } => format!(
                    "{} (memcheck) on the fuzz-none build of {rustc}",
                    version(paths, "valgrind", &["--version"])
                ),
                Mode::Miri { .. } => version(paths, "cargo", &["+nightly", "miri", "--version"]),
                Mode::UbChecks => format!("{rustc}, -Zub-checks=yes"),
            };
            (d, v)
        })
        .collect()
}

/// Checks that the build with every bug feature on compiles in each subject that is a seeded
/// bug (`fuzz/examples/seeded_bugs.rs` says `"enabled": true`).
pub fn check_enabled(paths: &Paths, subjects: &[Subject]) -> Result<(), String> {
    let mut cmd = Command::new("cargo");
    cmd.args(["run", "-q", "--manifest-path"])
        .arg(paths.fuzz.join("Cargo.toml"))
        .args(["--example", "seeded_bugs", "--all-features"]);
    let (ok, text) = run_quiet(&mut cmd, &paths.root).map_err(|e| e.to_string())?;
    if !ok {
        return Err(format!("{} failed:\n{text}", build::show(&cmd)));
    }
    let enabled: HashMap<String, bool> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| Some((v["id"].as_str()?.to_owned(), v["enabled"].as_bool()?)))
        .collect();
    for s in subjects {
        if enabled.get(&s.id) == Some(&false) {
            return Err(format!(
                "{}: the build with {} does not report it enabled",
                s.id, s.feature
            ));
        }
    }
    Ok(())
}

/// The machine, now.
pub fn machine() -> Machine {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    Machine {
        cpu: rawcheck_benches::machine::cpu_model().unwrap_or_else(|| "?".into()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        os: rawcheck_benches::machine::kernel(),
        load_at_start: read("/proc/loadavg")
            .split_whitespace()
            .next()
            .and_then(|l| l.parse().ok())
            .map_or(0.0, |l| round(l, 2)),
    }
}

/// `t` as ISO 8601 UTC to the second (`2026-12-02T02:28:50Z`).
pub fn iso_utc(t: SystemTime) -> String {
    let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (year, month, day) = rawcheck_benches::machine::civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Writes `doc` to `out` through a temporary file beside it and a rename, so that a failed hunt
/// never leaves half a file.
pub fn write_doc(out: &Path, doc: &HuntDoc) -> std::io::Result<()> {
    write_atomic(out, &doc.to_json())
}

/// Writes `text` to `out` through a temporary file beside it and a rename.
pub fn write_atomic(out: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = out.as_os_str().to_owned();
    tmp.push(".tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, out)
}

/// A cell waiting for its runs.
struct Pending {
    cell: HuntCell,
    runs: Vec<Run>,
    left: usize,
}

/// What a cell needs.
pub enum Planned {
    /// These runs, to fold into the cell.
    Runs(HuntCell, Vec<Job>),
    /// Nothing: it is finished (prevented, error).
    Done(HuntCell),
}

/// The cell and its runs, or the finished cell (prevented, error).
pub fn make_jobs(
    paths: &Paths,
    hunt: &Hunt,
    builder: &Builder,
    subject: &Subject,
    detector: Detector,
) -> Planned {
    let target = subject.target();
    let mut cell = HuntCell {
        bug: subject.id.clone(),
        detector: detector.name().to_owned(),
        ..HuntCell::default()
    };
    let fail = |mut cell: HuntCell, outcome: Outcome, message: &str| {
        cell.outcome = outcome.name().to_owned();
        cell.message = Some(message.to_owned());
        cell
    };
    if let Some(reason) = prevented(subject, detector) {
        return Planned::Done(fail(cell, Outcome::Prevented, reason));
    }
    let step = &steps(subject, detector)[0];
    let built = builder.build(step); // built in the build phase: this only looks it up
    cell.build_seconds = Some(built.seconds);
    if let Some(e) = &built.error {
        return Planned::Done(fail(cell, Outcome::Error, e));
    }
    let mut env = subject.env.clone();
    env.push(("RAWCHECK_VARIANTS".into(), variants(detector).into()));
    let logs = paths.logs();
    let rel_all = |files: &[PathBuf]| files.iter().map(|f| paths.rel(f)).collect::<Vec<_>>();
    let name = format!("{}-{detector}", subject.id);
    let replay = |program: PathBuf, args: Vec<String>, env, files: &[PathBuf]| Job {
        program,
        args,
        env,
        timeout: hunt.budget,
        fuzzer: false,
        files: rel_all(files),
        log: logs.join(format!("{name}.log")),
    };
    let binary = built.path.clone().unwrap_or_default();
    match mode(detector) {
        Mode::LibFuzzer { fuzz: true, .. } => {
            let mut flags = fuzz_flags(paths, target);
            flags.push(format!("-max_total_time={}", hunt.budget));
            let mut jobs = Vec::new();
            for seed in 1..=hunt.repeats {
                let run_name = format!("{name}-s{seed}");
                let corpus = paths.work.join("corpus").join(&run_name);
                let _ = std::fs::remove_dir_all(&corpus);
                let made = std::fs::create_dir_all(&corpus)
                    .and_then(|()| std::fs::create_dir_all(&paths.artifacts));
                if let Err(e) = made {
                    return Planned::Done(fail(
                        cell,
                        Outcome::Error,
                        &format!("{}: {e}", corpus.display()),
                    ));
                }
                let mut args = vec![
                    corpus.display().to_string(),
                    paths.fuzz.join("corpus").join(target).display().to_string(),
                ];
                args.extend(flags.iter().cloned());
                args.push(format!("-seed={seed}"));
                args.push("-print_final_stats=1".into());
                let prefix = paths.artifacts.join(format!("{run_name}-"));
                args.push(format!("-artifact_prefix={}", prefix.display()));
                jobs.push(Job {
                    program: binary.clone(),
                    args,
                    env: env.clone(),
                    timeout: hunt.budget + FUZZ_GRACE,
                    fuzzer: true,
                    files: Vec::new(),
                    log: logs.join(format!("{run_name}.log")),
                });
            }
            Planned::Runs(cell, jobs)
        }
        Mode::Miri { tree } => {
            let files = match inputs::miri_set(paths, target, builder) {
                Ok(files) => files,
                Err(e) => return Planned::Done(fail(cell, Outcome::Error, &e)),
            };
            let mut flags = vec![
                "-Zmiri-disable-isolation".to_owned(),
                "-Zmiri-recursive-validation".to_owned(),
            ];
            flags.extend(env.iter().map(|(k, v)| format!("-Zmiri-env-set={k}={v}")));
            if tree {
                flags.push("-Zmiri-tree-borrows".into());
            }
            let cmd = miri_command(paths, &subject.feature, target, &files);
            let args = cmd
                .get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            let env = vec![("MIRIFLAGS".to_owned(), flags.join(" "))];
            Planned::Runs(cell, vec![replay("cargo".into(), args, env, &files)])
        }
        Mode::LibFuzzer { fuzz: false, .. } => {
            let Some(valgrind) = on_path("valgrind") else {
                return Planned::Done(fail(cell, Outcome::Error, "valgrind is not installed"));
            };
            let files = inputs::replay_list(paths, target);
            let mut args: Vec<String> = ["-q", "--error-exitcode=99"].map(String::from).into();
            args.push(binary.display().to_string());
            args.extend(files.iter().map(|f| f.display().to_string()));
            Planned::Runs(cell, vec![replay(valgrind, args, env, &files)])
        }
        Mode::UbChecks => {
            let files = inputs::replay_list(paths, target);
            let args = files.iter().map(|f| f.display().to_string()).collect();
            Planned::Runs(cell, vec![replay(binary, args, env, &files)])
        }
    }
}

/// libFuzzer's flags for `target`: `fuzz/options/<target>.options` (OSS-Fuzz's `key = value`
/// under `[libfuzzer]`, as `scripts/fuzz` reads it) and its dictionary when there is one.
pub fn fuzz_flags(paths: &Paths, target: &str) -> Vec<String> {
    let options = std::fs::read_to_string(paths.fuzz.join(format!("options/{target}.options")));
    let mut flags = options_flags(&options.unwrap_or_default());
    let dict = paths.fuzz.join(format!("dict/{target}.dict"));
    if dict.exists() {
        flags.push(format!("-dict={}", dict.display()));
    }
    flags
}

/// The `-key=value` flags of an options file.
pub fn options_flags(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('['))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.replace(' ', ""), v.replace(' ', "")))
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .map(|(k, v)| format!("-{k}={v}"))
        .collect()
}

/// `program` found on `PATH`.
fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Runs a hunt: every build, then every run, and returns the cells in [`Hunt::cells`]' order.
/// Logs a line per build, per finished cell and per phase on stderr.
pub fn hunt(paths: &Paths, hunt: &Hunt) -> Result<Hunted, String> {
    for dir in [paths.logs(), paths.work.join("bin")] {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    check_enabled(paths, &hunt.subjects)?;
    let tools = tool_versions(paths, &hunt.detectors());
    log(&format!(
        "{} bug(s) x {} detector(s), budget {} s, {} repeat(s) of each fuzzer, {} at a time",
        hunt.subjects.len(),
        hunt.detectors().len(),
        hunt.budget,
        hunt.repeats,
        hunt.jobs
    ));

    let builder = Builder::new(paths);
    let mut folders: Vec<Folder<Step>> = Vec::new();
    enqueue(
        &mut folders,
        &Step::PropertyCases.folder(),
        Step::PropertyCases,
    );
    for &(s, d) in &hunt.cells {
        if prevented(&hunt.subjects[s], d).is_none() {
            for step in steps(&hunt.subjects[s], d) {
                enqueue(&mut folders, &step.folder(), step);
            }
        }
    }
    let done: Mutex<Vec<Option<HuntCell>>> = Mutex::new(vec![None; hunt.cells.len()]);
    let pending: Mutex<Vec<Pending>> = Mutex::new(Vec::new());
    let build_start = Instant::now();
    let mut build_seconds = 0.0;
    let mut run_start = Instant::now();
    let mut cases_error = None;
    let plan = || {
        if let Some(e) = builder.get(&Step::PropertyCases).and_then(|b| b.error) {
            cases_error = Some(format!("property cases: {e}"));
            return Vec::new();
        }
        let mut jobs: Vec<(usize, usize, Job)> = Vec::new();
        for (i, &(s, d)) in hunt.cells.iter().enumerate() {
            match make_jobs(paths, hunt, &builder, &hunt.subjects[s], d) {
                Planned::Runs(cell, js) => {
                    let mut p = pending.lock().expect("no run panicked");
                    p.push(Pending {
                        cell,
                        runs: Vec::new(),
                        left: js.len(),
                    });
                    let slot = p.len() - 1;
                    jobs.extend(js.into_iter().map(|j| (i, slot, j)));
                }
                Planned::Done(mut cell) => {
                    cell.tool_version = Some(tools[&d].clone());
                    log(&progress(&cell));
                    done.lock().expect("no run panicked")[i] = Some(cell);
                }
            }
        }
        build_seconds = round(build_start.elapsed().as_secs_f64(), 1);
        log(&format!(
            "builds done in {build_seconds:.0} s; running {} detector runs",
            jobs.len()
        ));
        // Longest first: fuzzers (which run to their budget when they miss) before replays.
        jobs.sort_by_key(|(_, _, j)| std::cmp::Reverse(j.timeout));
        run_start = Instant::now();
        jobs
    };
    let run = |(i, slot, job): (usize, usize, Job)| {
        let result = run_job(paths, &job);
        let mut p = pending.lock().expect("no run panicked");
        let cell = &mut p[slot];
        cell.runs.push(result);
        cell.left -= 1;
        if cell.left == 0 {
            let d = hunt.cells[i].1;
            let finished = finish(cell.cell.clone(), &cell.runs, &tools[&d]);
            log(&progress(&finished));
            done.lock().expect("no run panicked")[i] = Some(finished);
        }
    };
    let build = |step: Step| {
        builder.build(&step);
    };
    two_phases(folders, hunt.jobs, build, plan, run);
    if let Some(e) = cases_error {
        return Err(e);
    }
    let run_seconds = round(run_start.elapsed().as_secs_f64(), 1);
    let cells = done
        .into_inner()
        .expect("no run panicked")
        .into_iter()
        .map(|c| c.expect("every cell finished"))
        .collect();
    Ok(Hunted {
        cells,
        build_seconds,
        run_seconds,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn options_files_become_libfuzzer_flags() {
        let text = "[libfuzzer]\nmax_len = 4096\nrss_limit_mb=2048\n\n# comment\ntimeout = \n";
        assert_eq!(options_flags(text), ["-max_len=4096", "-rss_limit_mb=2048"]);
        let paths = Paths::repository();
        let flags = fuzz_flags(&paths, "reshape");
        assert!(flags.contains(&"-max_len=4096".to_owned()), "{flags:?}");
    }

    #[test]
    fn dates_are_iso_utc() {
        let t = UNIX_EPOCH + Duration::from_secs(1_796_178_530);
        assert_eq!(iso_utc(t), "2026-12-02T02:28:50Z");
        assert_eq!(iso_utc(UNIX_EPOCH), "1970-01-01T00:00:00Z");
        assert_eq!(
            iso_utc(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "2000-02-29T00:00:00Z"
        );
    }

    #[test]
    fn a_grid_is_subjects_outer() {
        let bugs = rawcheck_kernels::bugs::CATALOGUE;
        let subjects: Vec<Subject> = bugs[..2].iter().map(Subject::seeded).collect();
        let cells = Hunt::grid(subjects, &[Detector::MiriTree, Detector::FuzzAsan]);
        assert_eq!(
            cells,
            [
                (0, Detector::MiriTree),
                (0, Detector::FuzzAsan),
                (1, Detector::MiriTree),
                (1, Detector::FuzzAsan)
            ]
        );
    }
}
