//! The mutant campaign (`scripts/mutants`, the `rawcheck-campaign` binary of this crate): every
//! generated mutant (`rawcheck-mutants`, README "Mutants") against the hunt's detectors and the
//! test suites, time to kill in `reports/data/mutants.json`.
//!
//! The mutants are compiled as schemata into one copy of the tree (`target/mutants/tree`), so
//! each detector is built once for the whole campaign (feature `mutants` of the copy's fuzz
//! crate) and each cell only sets `RAWCHECK_MUTANT=<id>` ([`subject`]: a mutant is a hunt
//! [`Subject`] whose build is shared and whose switch is its environment; Miri gets it through
//! `-Zmiri-env-set`, as the hunt passes every subject variable).
//!
//! The detectors run in stages, cheapest first ([`cheap_first`]: the `-Zub-checks` replay of
//! the inputs, then the test suites, the fuzzers, valgrind, Miri); a stage runs only the mutants
//! no earlier stage killed ([`stages`]), the others get a `skipped` cell. So a detector's kill
//! rate is over the mutants it ran on, which for the slow detectors are the hard ones.
//!
//! Why a second binary of the hunt crate rather than a `rawcheck-hunt mutants` subcommand: the
//! campaign has its own flags, output and exit rule (`--expect-killed`), and the hunt's command
//! line stays as `scripts/bughunt` documents it; both share this library: the builds, the
//! detector runs, the log reading and the cell folding.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::Instant;

use rawcheck_fuzz::Target;
use rawcheck_kernels::Detector;
use rawcheck_kernels::bugs::InChecked;
use rawcheck_mutants::Entry;
use serde::{Deserialize, Serialize};

use crate::build::{Builder, Step, run_quiet, show, steps};
use crate::cell::{HuntCell, Machine, Outcome, Run, finish, round};
use crate::run::{Job, run_job};
use crate::schedule::{Folder, build_all, enqueue, run_all};
use crate::subject::{Mode, Subject, mode, prevented};
use crate::{Hunt, Paths, Planned, make_jobs, tool_versions};

/// One cell of the mutant campaign (`reports/data/mutants.json`): one detector against one
/// generated mutant, the shape of a [`HuntCell`] with the mutant in place of the bug.
///
/// `{"mutant":"f049868d","operator":"cmp-boundary","location":"kernels/src/reshape/raw.rs:42",
/// "change":"`flat >= row_end` → `flat > row_end`","detector":"tests","outcome":"detected",
/// "seconds":1.9, ...}`; `outcome` is `detected`, `missed`, `error` or `skipped` (not run: an
/// earlier detector had killed the mutant, or the detector cannot see it). A field without a
/// value is left out; a reader takes a missing one as `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MutantCell {
    /// The mutant's stable id (eight hex digits, the value of `RAWCHECK_MUTANT`).
    pub mutant: String,
    /// The mutation operator.
    pub operator: String,
    /// `file:line` of the change, in the repository.
    pub location: String,
    /// The change, original to replacement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    /// Detector name (a [`Detector`] or `tests`).
    pub detector: String,
    /// `detected`, `missed`, `error` or `skipped`.
    pub outcome: String,
    /// Seconds to the verdict (time to detect when detected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Fuzzer executions, or replayed inputs, until the verdict.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execs: Option<u64>,
    /// What the detector said (or why the cell was skipped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The crashing input, the replayed file that triggered the report, or the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// The detector's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
}

/// The whole of `reports/data/mutants.json`: `{"machine", "date", "command", "mutants",
/// "detectors", "budgets", "jobs", "build_seconds", "run_seconds", "total_seconds",
/// "results": [cells]}`, cells mutant outer, detectors in the order they ran.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MutantDoc {
    /// Where it ran.
    pub machine: Machine,
    /// Start, ISO 8601 UTC.
    pub date: String,
    /// The command line, as `scripts/mutants ARGS`.
    pub command: String,
    /// Mutants in the campaign (of the catalogue's).
    pub mutants: usize,
    /// Mutants compiled into the tree.
    pub catalogue: usize,
    /// The detectors, in the order they ran.
    pub detectors: Vec<String>,
    /// Seconds per run of each detector.
    pub budgets: BTreeMap<String, u64>,
    /// Runs at a time.
    pub jobs: usize,
    /// Wall seconds of the build phase.
    pub build_seconds: f64,
    /// Wall seconds of the runs.
    pub run_seconds: f64,
    /// Wall seconds of the whole campaign.
    pub total_seconds: f64,
    /// One cell per mutant x detector.
    pub results: Vec<MutantCell>,
}

/// A detector of the campaign: one of the hunt's, or the test suites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Probe {
    /// `cargo test` of the kernels crate and the fuzz crate's corpus replay, in the tree.
    Tests,
    /// A detector of the hunt.
    Hunt(Detector),
}

/// The name of [`Probe::Tests`].
pub const TESTS: &str = "tests";

impl Probe {
    /// Every probe: the tests, then [`Detector::ALL`].
    pub fn all() -> Vec<Probe> {
        std::iter::once(Probe::Tests)
            .chain(Detector::ALL.map(Probe::Hunt))
            .collect()
    }

    /// The name in the results.
    pub fn name(self) -> &'static str {
        match self {
            Probe::Tests => TESTS,
            Probe::Hunt(d) => d.name(),
        }
    }

    /// The probe called `name`.
    pub fn parse(name: &str) -> Result<Probe, String> {
        if name == TESTS {
            return Ok(Probe::Tests);
        }
        name.parse::<Detector>()
            .map(Probe::Hunt)
            .map_err(|e| format!("{e}, or {TESTS}"))
    }

    /// Its rank in the campaign: the `-Zub-checks` replay (a debug build replaying every input
    /// in well under a second), the test suites (about 13 s when they pass), the fuzzers (their
    /// whole budget when they miss), valgrind, Miri (~1000x native).
    fn cost(self) -> u8 {
        match self {
            Probe::Tests => 1,
            Probe::Hunt(d) => match mode(d) {
                Mode::UbChecks => 0,
                Mode::LibFuzzer { fuzz: true, .. } => 2,
                Mode::LibFuzzer { fuzz: false, .. } => 3,
                Mode::Miri { .. } => 4,
            },
        }
    }

    /// Whether a mutant triaged equivalent skips it: the fuzzers, valgrind and Miri.
    pub fn slow(self) -> bool {
        self.cost() >= 2
    }

    /// Seconds per run, the same in the quick and the full campaign: the replays and the tests
    /// are capped far above what they take when they pass (the cap only stops a mutant that
    /// makes them loop), a fuzzer gets 10 s, Miri 30 s (a dozen of its smallest inputs).
    pub fn budget(self) -> u64 {
        match self.cost() {
            0 => 30,
            2 => 10,
            4 => 30,
            _ => 60,
        }
    }
}

/// `probes` cheapest first (stable: ties keep their order).
pub fn cheap_first(probes: &[Probe]) -> Vec<Probe> {
    let mut v = probes.to_vec();
    v.sort_by_key(|p| p.cost());
    v
}

/// The fuzz target that exercises the code of a mutant in `file` (from the repository root),
/// in `function`: a kernel's `raw.rs` or `mod.rs`, its kernel's target; `csr.rs` (`Csr::new`,
/// `Csr::from_triplets`), `csr_new`; the Matrix Market reader, `mtx_parse`; the shared size
/// checks, `csr_new` for `check_fits` (which `Csr::new` and the reader call) and the first
/// kernel's target (reshape, whose plan calls `fits`) for the others.
pub fn fuzz_target(file: &str, function: &str) -> Result<Target, String> {
    let unknown = || format!("{file}: no fuzz target exercises it");
    let rest = file.strip_prefix("kernels/src/").ok_or_else(unknown)?;
    match rest {
        "csr.rs" => Ok(Target::CsrNew),
        "mtx/read.rs" => Ok(Target::MtxParse),
        "checks.rs" if function == "check_fits" => Ok(Target::CsrNew),
        "checks.rs" => Ok(Target::ALL[0]),
        _ => {
            let (dir, name) = rest.split_once('/').ok_or_else(unknown)?;
            match name {
                "raw.rs" | "mod.rs" => Target::from_name(dir).ok_or_else(unknown),
                _ => Err(unknown()),
            }
        }
    }
}

/// The hunt subject of a mutant: the schemata build (feature `mutants`), switched on by
/// `RAWCHECK_MUTANT`; the checked variant cannot carry a mutant of raw code.
pub fn subject(mutant: &Entry) -> Result<Subject, String> {
    let raw = mutant.file.ends_with("/raw.rs");
    Ok(Subject {
        id: mutant.id.clone(),
        fuzz_target: fuzz_target(&mutant.file, &mutant.function)?,
        feature: "mutants".to_owned(),
        env: vec![("RAWCHECK_MUTANT".to_owned(), mutant.id.clone())],
        checked: if raw {
            InChecked::Prevented("the mutant is in raw code, which the checked variant never runs")
        } else {
            InChecked::Carried
        },
    })
}

/// `n` mutants spread evenly over `mutants` sorted by id (ids are hashes, so this is a stable
/// pseudo-random sample: the same catalogue gives the same sample): every `len / n`-th, from the
/// first. All of them when there are at most `n`.
pub fn sample(mutants: &[Entry], n: usize) -> Vec<Entry> {
    let mut sorted = mutants.to_vec();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    if n == 0 || sorted.len() <= n {
        return sorted;
    }
    (0..n)
        .map(|i| sorted[i * sorted.len() / n].clone())
        .collect()
}

/// The mutants of `ids` (comma-separated), in that order.
pub fn select(mutants: &[Entry], ids: &str) -> Result<Vec<Entry>, String> {
    ids.split(',')
        .map(|id| {
            mutants
                .iter()
                .find(|m| m.id == id)
                .cloned()
                .ok_or_else(|| format!("{id:?} is not the id of a mutant compiled in (see `cargo run -p rawcheck-mutants -- list`)"))
        })
        .collect()
}

/// The cell of `mutant` with its identity filled in.
fn blank(mutant: &Entry, probe: Probe) -> MutantCell {
    MutantCell {
        mutant: mutant.id.clone(),
        operator: mutant.operator.to_owned(),
        location: format!("{}:{}", mutant.file, mutant.line),
        change: Some(format!("`{}` → `{}`", mutant.original, mutant.replacement)),
        detector: probe.name().to_owned(),
        ..MutantCell::default()
    }
}

/// The `skipped` cell of a detector that did not run on `mutant`, and why.
pub fn skipped(mutant: &Entry, probe: Probe, why: &str) -> MutantCell {
    MutantCell {
        outcome: "skipped".to_owned(),
        message: Some(why.to_owned()),
        ..blank(mutant, probe)
    }
}

/// A hunt cell of `mutant` as a campaign cell. `prevented` becomes `skipped` (the detector
/// cannot see the mutant); paths relative to the tree become relative to the repository
/// (`tree` is the tree's root from the repository's).
pub fn from_hunt(mutant: &Entry, probe: Probe, cell: HuntCell, tree: &str) -> MutantCell {
    let outcome = match cell.outcome.as_str() {
        "prevented" => "skipped".to_owned(),
        other => other.to_owned(),
    };
    let artifact = cell.artifact.map(|a| match Path::new(&a).is_absolute() {
        true => a,
        false => format!("{tree}/{a}"),
    });
    MutantCell {
        outcome,
        seconds: cell.seconds,
        execs: cell.execs,
        message: cell.message,
        artifact,
        tool_version: cell.tool_version,
        ..blank(mutant, probe)
    }
}

/// Runs the stages: each probe in turn on the mutants no earlier probe killed (`run` gets the
/// probe and the indices of those mutants and returns their cells, in that order); a killed
/// mutant gets a `skipped` cell from every later probe. A mutant that `equivalent` marks (triaged
/// so in `reports/data/mutants-triage.json`) still meets the cheap probes, which would show a
/// wrong triage, but not the slow ones ([`Probe::slow`]). `equivalent` is asked again before each
/// slow stage, so survivors triaged while the cheap stages run are spared too. Returns the cells
/// mutant outer, probes in the order given, and logs each stage.
pub fn stages(
    mutants: &[Entry],
    probes: &[Probe],
    mut equivalent: impl FnMut() -> Vec<bool>,
    mut run: impl FnMut(Probe, &[usize]) -> Vec<MutantCell>,
) -> Vec<MutantCell> {
    let mut killer: Vec<Option<&'static str>> = vec![None; mutants.len()];
    let mut cells: Vec<Vec<MutantCell>> = vec![Vec::new(); mutants.len()];
    for &probe in probes {
        let settled = match probe.slow() {
            true => equivalent(),
            false => Vec::new(),
        };
        let alive: Vec<usize> = (0..mutants.len())
            .filter(|&i| killer[i].is_none() && !settled.get(i).copied().unwrap_or(false))
            .collect();
        let ran = match alive.is_empty() {
            true => Vec::new(),
            false => run(probe, &alive),
        };
        assert_eq!(ran.len(), alive.len(), "one cell per mutant run");
        let mut ran = alive.iter().copied().zip(ran).peekable();
        for (i, m) in mutants.iter().enumerate() {
            let cell = match (ran.next_if(|(k, _)| *k == i), killer[i]) {
                (Some((_, cell)), _) => {
                    if cell.outcome == Outcome::Detected.name() {
                        killer[i] = Some(probe.name());
                    }
                    cell
                }
                (None, Some(by)) => skipped(m, probe, &format!("killed by {by} before")),
                (None, None) => {
                    skipped(m, probe, "triaged equivalent: not given to slow detectors")
                }
            };
            cells[i].push(cell);
        }
        let killed = alive.iter().filter(|&&i| killer[i].is_some()).count();
        crate::log(&format!(
            "{}: killed {killed} of the {} mutants it ran on; {} left",
            probe.name(),
            alive.len(),
            killer.iter().filter(|k| k.is_none()).count()
        ));
    }
    cells.into_iter().flatten().collect()
}

/// Per probe, in `probes`' order: (name, killed, ran), over the cells that ran (detected or
/// missed).
pub fn kill_table(cells: &[MutantCell], probes: &[Probe]) -> Vec<(&'static str, usize, usize)> {
    probes
        .iter()
        .map(|p| {
            let of = cells.iter().filter(|c| c.detector == p.name());
            let ran = of
                .clone()
                .filter(|c| c.outcome == "detected" || c.outcome == "missed")
                .count();
            let killed = of.filter(|c| c.outcome == "detected").count();
            (p.name(), killed, ran)
        })
        .collect()
}

/// A test suite of the tree, built once with `cargo test --no-run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suite {
    /// Every test of the kernels crate (unit and integration; doctests cannot be built ahead).
    Kernels,
    /// The fuzz crate's tests: the stable replay of corpus and regressions.
    Fuzz,
}

impl Suite {
    /// The crate's folder in the tree.
    fn dir(self, ws: &Path) -> PathBuf {
        match self {
            Suite::Kernels => ws.join("kernels"),
            Suite::Fuzz => ws.join("fuzz"),
        }
    }

    /// `cargo test --no-run` of the suite, in `ws`.
    fn command(self, ws: &Path) -> Command {
        let mut cmd = Command::new("cargo");
        cmd.args([
            "test",
            "--no-run",
            "--message-format=json",
            "--manifest-path",
        ])
        .arg(self.dir(ws).join("Cargo.toml"))
        .args(["--features", "mutants"]);
        cmd
    }
}

/// A suite's test executables, or why they could not be built.
type Built = Result<Vec<PathBuf>, String>;

/// The test executables in the output of `cargo test --no-run --message-format=json`.
pub fn test_executables(json_lines: &str) -> Vec<PathBuf> {
    json_lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["reason"] == "compiler-artifact" && v["profile"]["test"] == true)
        .filter_map(|v| v["executable"].as_str().map(PathBuf::from))
        .collect()
}

/// The one test of the kernels crate that fails on the schemata by design: it proves that a
/// default build has no mutant switch.
const NO_SWITCH_TEST: &str = "a_default_build_has_no_mutant_switch";

/// The shell script of the tests probe: each executable of `suites` run in its crate's folder
/// (as cargo runs it), stopping at the first that fails; within the kernels crate the tests
/// named after `target` (or its kernel) first.
pub fn tests_script(ws: &Path, suites: &[(Suite, Vec<PathBuf>)], target: Target) -> String {
    let quote = |p: &Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let stem = |p: &Path| {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        name.rsplit_once('-')
            .map_or(name.to_string(), |(s, _)| s.to_owned())
    };
    let own = match target {
        Target::MtxParse => "mtx",
        t => t.name(),
    };
    let mut script = String::from("set -e\n");
    for (suite, exes) in suites {
        let dir = suite.dir(ws);
        script += &format!("cd {0}\nexport CARGO_MANIFEST_DIR={0}\n", quote(&dir));
        let mut exes = exes.clone();
        exes.sort_by_key(|e| stem(e) != own);
        for exe in exes {
            script += &format!("{} -q --skip {NO_SWITCH_TEST}\n", quote(&exe));
        }
    }
    script
}

/// The tests probe's verdict from the hunt's: a failing test is a kill (the harness exits with
/// 101 and no report the hunt knows when a test returns an error), and so is a suite that does
/// not finish within the budget (it passes in seconds unmutated: the mutant made it loop).
pub fn tests_verdict(mut run: Run) -> Run {
    let failed = run.outcome == Outcome::Error && run.message.starts_with("exit status ");
    let hung = run.outcome == Outcome::Missed && run.message.starts_with("budget exhausted");
    if failed || hung {
        run.outcome = Outcome::Detected;
        if hung {
            run.message = format!("timeout: the tests did not finish in {:.0} s", run.seconds);
        } else {
            run.message = format!("tests failed: {}", run.message);
        }
    } else if run.outcome == Outcome::Missed {
        run.message = "every test passed".to_owned();
    }
    run
}

/// What a campaign runs.
#[derive(Debug, Clone)]
pub struct Campaign {
    /// The mutants.
    pub mutants: Vec<Entry>,
    /// The detectors, in the order they run (cheapest first).
    pub probes: Vec<Probe>,
    /// Seconds per run of each probe.
    pub budgets: HashMap<Probe, u64>,
    /// Builds and runs at a time.
    pub jobs: usize,
    /// The triage file whose `equivalent` mutants skip the slow detectors (read before each slow
    /// stage); `None`: every mutant meets every detector.
    pub triage: Option<PathBuf>,
}

/// What a campaign produced.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The cells, mutant outer.
    pub cells: Vec<MutantCell>,
    /// Wall seconds of the builds.
    pub build_seconds: f64,
    /// Wall seconds of the runs.
    pub run_seconds: f64,
}

/// The classification of a mutant no detector kills (`reports/data/mutants-triage.json`,
/// committed and edited by hand: one record per survivor). The campaign reads it to spare the
/// slow detectors; the report shows it beside the survivors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Triage {
    /// The mutant's stable id.
    pub mutant: String,
    /// `equivalent` (no input can tell it from the original) or `hole` (the harness should
    /// kill it).
    pub class: String,
    /// For `equivalent`, the one-sentence proof; for `hole`, what closes it.
    pub why: String,
}

/// The triage file: `{"results": [Triage, ..]}`.
#[derive(Deserialize)]
struct TriageDoc {
    results: Vec<Triage>,
}

/// The ids of the mutants the triage file `path` classes equivalent (none when it is missing).
pub fn triaged_equivalent(path: &Path) -> Result<Vec<String>, String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(Vec::new());
    };
    let doc: TriageDoc =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(doc
        .results
        .into_iter()
        .filter(|t| t.class == "equivalent")
        .map(|t| t.mutant)
        .collect())
}

/// A build of the campaign.
#[derive(Debug, Clone, PartialEq)]
enum Build {
    /// One of the hunt's, in the tree.
    Hunt(Step),
    /// A test suite's `cargo test --no-run`, in the tree.
    Tests(Suite),
    /// The property cases, from the repository's fuzz crate (the tree builds only with the
    /// mutants' switch).
    Cases,
    /// Miri's input set of a target, from the repository's bug-free ASan build.
    MiriSet(&'static str),
}

/// Runs `campaign` on the tree whose workspace is `tree` (`repo` is the repository, for paths
/// in the results): every build, `jobs` at a time, then a baseline run of the tests with no
/// mutant active (which must pass), then the stages.
pub fn run_campaign(repo: &Paths, tree: &Paths, campaign: &Campaign) -> Result<Ran, String> {
    for dir in [tree.logs(), tree.work.join("bin")] {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let subjects: Vec<Subject> = campaign
        .mutants
        .iter()
        .map(subject)
        .collect::<Result<_, _>>()?;
    let detectors: Vec<Detector> = campaign
        .probes
        .iter()
        .filter_map(|p| match p {
            Probe::Hunt(d) => Some(*d),
            Probe::Tests => None,
        })
        .collect();
    let tools = tool_versions(tree, &detectors);
    let rustc = run_quiet(Command::new("rustc").arg("--version"), &tree.root)
        .map(|(_, t)| t.trim().to_owned())
        .unwrap_or_else(|_| "?".into());
    let tests_tool = format!("cargo test of {rustc}");

    let build_start = Instant::now();
    let builder = Builder::new(tree);
    let mut folders: Vec<Folder<Build>> = Vec::new();
    let tests = campaign.probes.contains(&Probe::Tests);
    if tests {
        for suite in [Suite::Kernels, Suite::Fuzz] {
            enqueue(
                &mut folders,
                &format!("tests-{suite:?}"),
                Build::Tests(suite),
            );
        }
    }
    // The inputs of the replays come from the repository's (unmutated) fuzz crate, written
    // into the tree's work folder, where the hunt's runs look for them.
    let source = Paths {
        work: tree.work.clone(),
        artifacts: tree.artifacts.clone(),
        ..repo.clone()
    };
    let source_builder = Builder::new(&source);
    if !detectors.is_empty() {
        enqueue(&mut folders, "inputs", Build::Cases);
    }
    let mut queue = |b: Build, folder: &str| {
        if !folders.iter().any(|f| f.steps.contains(&b)) {
            enqueue(&mut folders, folder, b);
        }
    };
    for s in &subjects {
        for &d in &detectors {
            if prevented(s, d).is_some() {
                continue;
            }
            if let Mode::Miri { .. } = mode(d) {
                queue(Build::MiriSet(s.target()), "inputs");
            }
            // The first step is the cell's binary; Miri's second, the bug-free build of its
            // input set, is the repository's (above).
            let step = steps(s, d).swap_remove(0);
            let folder = step.folder();
            queue(Build::Hunt(step), &folder);
        }
    }
    let suites: Mutex<Vec<(Suite, Built)>> = Mutex::new(Vec::new());
    let inputs_error: Mutex<Option<String>> = Mutex::new(None);
    build_all(folders, campaign.jobs, |b| match b {
        Build::Hunt(step) => {
            builder.build(&step);
        }
        Build::Cases => {
            if let Some(e) = source_builder.build(&Step::PropertyCases).error {
                *inputs_error.lock().expect("no build panicked") =
                    Some(format!("property cases: {e}"));
            }
        }
        Build::MiriSet(target) => {
            if let Err(e) = crate::inputs::miri_set(&source, target, &source_builder) {
                crate::log(&format!("Miri's input set of {target}: {e}"));
            }
        }
        Build::Tests(suite) => {
            crate::log(&format!("building the {suite:?} tests"));
            let mut cmd = suite.command(&tree.root);
            let built = match run_quiet(&mut cmd, &tree.root) {
                Ok((true, text)) => Ok(test_executables(&text)),
                Ok((false, text)) => Err(format!(
                    "{} failed: {}",
                    show(&cmd),
                    text.lines().find(|l| l.contains("error")).unwrap_or("")
                )),
                Err(e) => Err(format!("cannot run cargo: {e}")),
            };
            suites
                .lock()
                .expect("no build panicked")
                .push((suite, built));
        }
    });
    if let Some(e) = inputs_error.into_inner().expect("no build panicked") {
        return Err(e);
    }
    let mut suites = suites.into_inner().expect("no build panicked");
    suites.sort_by_key(|(s, _)| *s != Suite::Kernels);
    let suites: Vec<(Suite, Vec<PathBuf>)> = suites
        .into_iter()
        .map(|(s, r)| r.map(|exes| (s, exes)))
        .collect::<Result<_, _>>()?;
    let build_seconds = round(build_start.elapsed().as_secs_f64(), 1);
    crate::log(&format!("builds done in {build_seconds:.0} s"));

    let tree_rel = repo.rel(&tree.root);
    let tests_job = |id: &str, target: Target, budget: u64| Job {
        program: "sh".into(),
        args: vec!["-c".into(), tests_script(&tree.root, &suites, target)],
        env: vec![
            ("RAWCHECK_MUTANT".into(), id.into()),
            ("PROPTEST_DISABLE_FAILURE_PERSISTENCE".into(), "1".into()),
            ("RUST_BACKTRACE".into(), "0".into()),
        ],
        timeout: budget,
        fuzzer: false,
        files: Vec::new(),
        log: tree.logs().join(format!(
            "{}-tests.log",
            if id.is_empty() { "baseline" } else { id }
        )),
    };
    let run_start = Instant::now();
    if tests {
        let budget = campaign.budgets[&Probe::Tests];
        let base = run_job(tree, &tests_job("", Target::ALL[0], budget));
        if base.outcome != Outcome::Missed {
            return Err(format!(
                "the tests fail on the tree with no mutant active ({}): {}",
                base.log, base.message
            ));
        }
        crate::log(&format!(
            "baseline: the tests pass with no mutant active in {:.1} s",
            base.seconds
        ));
    }
    let stage = |probe: Probe, alive: &[usize]| -> Vec<MutantCell> {
        let budget = campaign.budgets[&probe];
        let hunt = Hunt {
            subjects: Vec::new(),
            cells: Vec::new(),
            budget,
            repeats: 1,
            jobs: campaign.jobs,
        };
        let done: Mutex<Vec<Option<MutantCell>>> = Mutex::new(vec![None; alive.len()]);
        let mut jobs: Vec<(usize, HuntCell, Job)> = Vec::new();
        for (k, &i) in alive.iter().enumerate() {
            let (m, s) = (&campaign.mutants[i], &subjects[i]);
            let tool = |d: Detector| tools.get(&d).cloned().unwrap_or_default();
            match probe {
                Probe::Tests => {
                    let cell = HuntCell {
                        bug: m.id.clone(),
                        detector: TESTS.to_owned(),
                        ..HuntCell::default()
                    };
                    jobs.push((k, cell, tests_job(&m.id, s.fuzz_target, budget)));
                }
                Probe::Hunt(d) => match make_jobs(tree, &hunt, &builder, s, d) {
                    Planned::Runs(cell, js) => {
                        let job = js.into_iter().next().expect("one run per cell");
                        jobs.push((k, cell, job));
                    }
                    Planned::Done(mut cell) => {
                        cell.tool_version = Some(tool(d));
                        let c = from_hunt(m, probe, cell, &tree_rel);
                        done.lock().expect("no run panicked")[k] = Some(c);
                    }
                },
            }
        }
        run_all(jobs, campaign.jobs, |(k, cell, job)| {
            let i = alive[k];
            let mut run = run_job(tree, &job);
            let tool = match probe {
                Probe::Tests => {
                    run = tests_verdict(run);
                    tests_tool.clone()
                }
                Probe::Hunt(d) => tools.get(&d).cloned().unwrap_or_default(),
            };
            let cell = from_hunt(
                &campaign.mutants[i],
                probe,
                finish(cell, &[run], &tool),
                &tree_rel,
            );
            crate::log(&format!(
                "{} x {}: {} {}",
                cell.mutant,
                cell.detector,
                cell.outcome,
                cell.message.as_deref().unwrap_or("")
            ));
            done.lock().expect("no run panicked")[k] = Some(cell);
        });
        done.into_inner()
            .expect("no run panicked")
            .into_iter()
            .map(|c| c.expect("every cell finished"))
            .collect()
    };
    // Read once before any run, so a malformed file is an error at the start; the slow stages
    // read it again and keep this reading when a later edit does not parse.
    let mut last_triage = match &campaign.triage {
        Some(path) => triaged_equivalent(path)?,
        None => Vec::new(),
    };
    let equivalent = || {
        let Some(path) = &campaign.triage else {
            return Vec::new();
        };
        match triaged_equivalent(path) {
            Ok(ids) => last_triage = ids,
            Err(e) => crate::log(&format!("{e}: keeping the triage read before")),
        }
        let marked: Vec<bool> = (campaign.mutants.iter())
            .map(|m| last_triage.contains(&m.id))
            .collect();
        crate::log(&format!(
            "{} of the mutants triaged equivalent in {}",
            marked.iter().filter(|&&e| e).count(),
            path.display()
        ));
        marked
    };
    let cells = stages(&campaign.mutants, &campaign.probes, equivalent, stage);
    Ok(Ran {
        cells,
        build_seconds,
        run_seconds: round(run_start.elapsed().as_secs_f64(), 1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, file: &str, function: &str) -> Entry {
        Entry {
            id: id.to_owned(),
            file: file.to_owned(),
            line: 42,
            column: 9,
            function: function.to_owned(),
            operator: "cmp-boundary",
            original: "flat >= row_end".to_owned(),
            replacement: "flat > row_end".to_owned(),
        }
    }

    fn ran(m: &Entry, p: Probe, outcome: &str) -> MutantCell {
        MutantCell {
            outcome: outcome.to_owned(),
            seconds: Some(1.5),
            ..blank(m, p)
        }
    }

    #[test]
    fn each_file_maps_to_the_target_that_runs_it() {
        let t = |file: &str, function: &str| fuzz_target(file, function).map(Target::name);
        assert_eq!(t("kernels/src/reshape/raw.rs", "reshape"), Ok("reshape"));
        assert_eq!(
            t("kernels/src/permute_indices/mod.rs", "Plan::new"),
            Ok("permute_indices")
        );
        assert_eq!(t("kernels/src/csr.rs", "Csr::new"), Ok("csr_new"));
        assert_eq!(
            t("kernels/src/mtx/read.rs", "read_entries"),
            Ok("mtx_parse")
        );
        assert_eq!(t("kernels/src/checks.rs", "check_fits"), Ok("csr_new"));
        assert_eq!(t("kernels/src/checks.rs", "fits"), Ok("reshape"));
        assert!(t("kernels/src/oracle.rs", "f").is_err());
        assert!(t("kernels/src/nokernel/raw.rs", "f").is_err());
        assert!(t("fuzz/src/lib.rs", "f").is_err());
        // Every kernel directory of the generator has its target.
        for dir in rawcheck_mutants::KERNEL_DIRS {
            assert_eq!(t(&format!("kernels/src/{dir}/raw.rs"), "f"), Ok(dir));
        }
    }

    #[test]
    fn a_mutant_is_a_subject_of_the_shared_build_switched_by_its_id() {
        let raw = subject(&entry("f049868d", "kernels/src/reshape/raw.rs", "reshape")).unwrap();
        assert_eq!(raw.feature, "mutants");
        assert_eq!(raw.env, [("RAWCHECK_MUTANT".into(), "f049868d".into())]);
        assert_eq!(raw.target(), "reshape");
        assert!(prevented(&raw, Detector::CheckedVariant).is_some());
        assert!(prevented(&raw, Detector::FuzzAsan).is_none());
        let plan = subject(&entry("1", "kernels/src/reshape/mod.rs", "Plan::new")).unwrap();
        assert!(prevented(&plan, Detector::CheckedVariant).is_none());
    }

    #[test]
    fn probes_run_cheapest_first_and_parse_their_names() {
        let all = cheap_first(&Probe::all());
        let names: Vec<&str> = all.iter().map(|p| p.name()).collect();
        assert_eq!(names[..2], ["debug-ub-checks", TESTS]);
        assert_eq!(names.len(), Detector::ALL.len() + 1);
        let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
        assert!(pos("fuzz-asan") < pos("valgrind"));
        assert!(pos("valgrind") < pos("miri-tree"));
        assert!(pos("valgrind") < pos("miri-stacked"));
        for p in Probe::all() {
            assert_eq!(Probe::parse(p.name()), Ok(p));
        }
        assert!(Probe::parse("asan").unwrap_err().ends_with("or tests"));
        let quick = cheap_first(&[Probe::Hunt(Detector::MiriTree), Probe::Tests]);
        assert_eq!(quick, [Probe::Tests, Probe::Hunt(Detector::MiriTree)]);
    }

    #[test]
    fn the_sample_is_stable_and_spread() {
        let all: Vec<Entry> = (0..100u32)
            .rev()
            .map(|i| entry(&format!("{i:08x}"), "kernels/src/reshape/raw.rs", "f"))
            .collect();
        let s = sample(&all, 30);
        assert_eq!(s.len(), 30);
        let ids: Vec<u32> = s
            .iter()
            .map(|e| u32::from_str_radix(&e.id, 16).unwrap())
            .collect();
        assert_eq!(ids[..4], [0, 3, 6, 10]);
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
        let mut shuffled = all.clone();
        shuffled.rotate_left(37);
        assert_eq!(sample(&shuffled, 30), s);
        assert_eq!(sample(&all[..5], 30).len(), 5);
    }

    #[test]
    fn mutants_are_selected_by_id_in_the_order_given() {
        let all = [
            entry("aaaaaaaa", "kernels/src/csr.rs", "Csr::new"),
            entry("bbbbbbbb", "kernels/src/csr.rs", "Csr::new"),
        ];
        let s = select(&all, "bbbbbbbb,aaaaaaaa").unwrap();
        assert_eq!(s[0].id, "bbbbbbbb");
        assert!(
            select(&all, "cccccccc")
                .unwrap_err()
                .starts_with("\"cccccccc\" is not")
        );
    }

    #[test]
    fn a_kill_stops_the_mutant_and_later_detectors_skip_it() {
        let ms = [
            entry("00000001", "kernels/src/reshape/raw.rs", "reshape"),
            entry("00000002", "kernels/src/reshape/raw.rs", "reshape"),
            entry("00000003", "kernels/src/reshape/raw.rs", "reshape"),
        ];
        let probes = [
            Probe::Tests,
            Probe::Hunt(Detector::FuzzAsan),
            Probe::Hunt(Detector::MiriTree),
        ];
        let mut asked: Vec<(Probe, Vec<usize>)> = Vec::new();
        let cells = stages(&ms, &probes, Vec::new, |p, alive| {
            asked.push((p, alive.to_vec()));
            alive
                .iter()
                .map(|&i| {
                    let killed = (p == Probe::Tests && i == 0)
                        || (p == Probe::Hunt(Detector::FuzzAsan) && i == 1);
                    ran(&ms[i], p, if killed { "detected" } else { "missed" })
                })
                .collect()
        });
        assert_eq!(
            asked,
            [
                (Probe::Tests, vec![0, 1, 2]),
                (Probe::Hunt(Detector::FuzzAsan), vec![1, 2]),
                (Probe::Hunt(Detector::MiriTree), vec![2]),
            ]
        );
        let table: Vec<(&str, &str, &str)> = cells
            .iter()
            .map(|c| (c.mutant.as_str(), c.detector.as_str(), c.outcome.as_str()))
            .collect();
        assert_eq!(
            table,
            [
                ("00000001", "tests", "detected"),
                ("00000001", "fuzz-asan", "skipped"),
                ("00000001", "miri-tree", "skipped"),
                ("00000002", "tests", "missed"),
                ("00000002", "fuzz-asan", "detected"),
                ("00000002", "miri-tree", "skipped"),
                ("00000003", "tests", "missed"),
                ("00000003", "fuzz-asan", "missed"),
                ("00000003", "miri-tree", "missed"),
            ]
        );
        assert_eq!(cells[1].message.as_deref(), Some("killed by tests before"));
        assert_eq!(
            kill_table(&cells, &probes),
            [("tests", 1, 3), ("fuzz-asan", 1, 2), ("miri-tree", 0, 1)]
        );
    }

    /// Runs the stages with every run missing: the mutants each probe was given, and the cells.
    fn all_missed(
        ms: &[Entry],
        probes: &[Probe],
        equivalent: impl FnMut() -> Vec<bool>,
    ) -> (Vec<(Probe, Vec<usize>)>, Vec<MutantCell>) {
        let mut asked = Vec::new();
        let cells = stages(ms, probes, equivalent, |p, alive| {
            asked.push((p, alive.to_vec()));
            alive.iter().map(|&i| ran(&ms[i], p, "missed")).collect()
        });
        (asked, cells)
    }

    #[test]
    fn a_mutant_triaged_equivalent_meets_only_the_cheap_detectors() {
        let ms = [
            entry("00000001", "kernels/src/csr.rs", "Csr::new"),
            entry("00000002", "kernels/src/csr.rs", "Csr::new"),
        ];
        let probes = [Probe::Tests, Probe::Hunt(Detector::MiriTree)];
        let (asked, cells) = all_missed(&ms, &probes, || vec![true, false]);
        assert_eq!(
            asked,
            [
                (Probe::Tests, vec![0, 1]),
                (Probe::Hunt(Detector::MiriTree), vec![1])
            ]
        );
        assert_eq!(cells[1].outcome, "skipped");
        assert!(
            cells[1]
                .message
                .as_deref()
                .unwrap()
                .starts_with("triaged equivalent")
        );
        assert_eq!(cells[3].outcome, "missed");
    }

    #[test]
    fn the_triage_is_read_again_before_each_slow_stage() {
        let ms = [
            entry("00000001", "kernels/src/csr.rs", "Csr::new"),
            entry("00000002", "kernels/src/csr.rs", "Csr::new"),
        ];
        let probes = [
            Probe::Tests,
            Probe::Hunt(Detector::FuzzAsan),
            Probe::Hunt(Detector::MiriTree),
        ];
        // Mutant 0 is triaged equivalent while fuzz-asan runs.
        let mut reads = 0;
        let triage = || {
            reads += 1;
            vec![reads > 1, false]
        };
        let (asked, _) = all_missed(&ms, &probes, triage);
        assert_eq!(
            asked,
            [
                (Probe::Tests, vec![0, 1]),
                (Probe::Hunt(Detector::FuzzAsan), vec![0, 1]),
                (Probe::Hunt(Detector::MiriTree), vec![1])
            ]
        );
        assert_eq!(reads, 2, "read before each slow stage only");
    }

    #[test]
    fn the_triage_file_names_its_equivalent_mutants() {
        let dir = std::env::temp_dir().join(format!("rawcheck-triage-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("triage.json");
        assert_eq!(triaged_equivalent(&path), Ok(Vec::new()), "missing: none");
        std::fs::write(
            &path,
            r#"{"results": [{"mutant": "aa", "class": "equivalent", "why": "w"},
                            {"mutant": "bb", "class": "hole", "why": "w"}]}"#,
        )
        .unwrap();
        assert_eq!(triaged_equivalent(&path), Ok(vec!["aa".to_owned()]));
        std::fs::write(&path, "{").unwrap();
        assert!(
            triaged_equivalent(&path)
                .unwrap_err()
                .contains("triage.json")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn an_error_leaves_the_mutant_to_the_next_detector() {
        let ms = [entry("00000001", "kernels/src/csr.rs", "Csr::new")];
        let probes = [Probe::Tests, Probe::Hunt(Detector::Valgrind)];
        let mut n = 0;
        let cells = stages(&ms, &probes, Vec::new, |p, alive| {
            n += 1;
            let outcome = if p == Probe::Tests {
                "error"
            } else {
                "detected"
            };
            alive.iter().map(|&i| ran(&ms[i], p, outcome)).collect()
        });
        assert_eq!(n, 2);
        assert_eq!(cells[1].outcome, "detected");
        // A stage with nothing left to run is not asked.
        let mut asked = 0;
        let all_killed = stages(&ms, &probes, Vec::new, |p, alive| {
            asked += 1;
            alive.iter().map(|&i| ran(&ms[i], p, "detected")).collect()
        });
        assert_eq!(asked, 1);
        assert_eq!(all_killed[1].outcome, "skipped");
    }

    #[test]
    fn hunt_cells_become_mutant_cells() {
        let m = entry("f049868d", "kernels/src/reshape/raw.rs", "reshape");
        let hunt = HuntCell {
            bug: m.id.clone(),
            detector: "fuzz-asan".into(),
            outcome: "detected".into(),
            seconds: Some(2.5),
            execs: Some(1234),
            message: Some("AddressSanitizer: heap-buffer-overflow".into()),
            artifact: Some("fuzz/artifacts/bughunt/x-crash".into()),
            tool_version: Some("cargo-fuzz 0.12".into()),
            ..HuntCell::default()
        };
        let p = Probe::Hunt(Detector::FuzzAsan);
        let c = from_hunt(&m, p, hunt.clone(), "target/mutants/tree/rawcheck");
        assert_eq!(c.location, "kernels/src/reshape/raw.rs:42");
        assert_eq!(
            c.change.as_deref(),
            Some("`flat >= row_end` → `flat > row_end`")
        );
        assert_eq!(
            c.artifact.as_deref(),
            Some("target/mutants/tree/rawcheck/fuzz/artifacts/bughunt/x-crash")
        );
        assert_eq!((c.outcome.as_str(), c.execs), ("detected", Some(1234)));
        let prevented = HuntCell {
            outcome: "prevented".into(),
            artifact: None,
            ..hunt
        };
        assert_eq!(from_hunt(&m, p, prevented, "t").outcome, "skipped");
    }

    #[test]
    fn the_json_round_trips_through_the_cell_type_the_report_reads() {
        let m = entry("f049868d", "kernels/src/reshape/raw.rs", "reshape");
        let cells = vec![
            ran(&m, Probe::Tests, "detected"),
            skipped(
                &m,
                Probe::Hunt(Detector::MiriTree),
                "killed by tests before",
            ),
        ];
        let doc = MutantDoc {
            machine: Machine {
                cpu: "cpu".into(),
                cores: 2,
                os: "Linux".into(),
                load_at_start: 0.5,
            },
            date: "2026-12-02T04:00:00Z".into(),
            command: "scripts/mutants --quick".into(),
            mutants: 1,
            catalogue: 755,
            detectors: vec![TESTS.into(), "miri-tree".into()],
            budgets: BTreeMap::from([(TESTS.to_owned(), 60)]),
            jobs: 2,
            build_seconds: 1.0,
            run_seconds: 2.0,
            total_seconds: 3.0,
            results: cells.clone(),
        };
        let text = crate::cell::to_json(&doc);
        assert!(text.contains("\"outcome\": \"skipped\""), "{text}");
        assert!(
            !text.contains("\"execs\""),
            "absent fields are left out: {text}"
        );
        let back: MutantDoc = serde_json::from_str(&text).unwrap();
        assert_eq!(back, doc);
        // A reader needs only the identity and the outcome.
        let minimal: MutantCell = serde_json::from_str(
            r#"{"mutant":"1","operator":"o","location":"f:1","detector":"tests","outcome":"missed"}"#,
        )
        .unwrap();
        assert_eq!(minimal.seconds, None);
    }

    #[test]
    fn failing_or_hanging_tests_are_kills() {
        let run = |outcome, message: &str| Run {
            outcome,
            seconds: 60.0,
            execs: None,
            message: message.to_owned(),
            artifact: None,
            log: "l".into(),
        };
        let failed = tests_verdict(run(Outcome::Error, "exit status 101: test result: FAILED"));
        assert_eq!(failed.outcome, Outcome::Detected);
        assert!(failed.message.starts_with("tests failed: exit status 101"));
        let hung = tests_verdict(run(Outcome::Missed, "budget exhausted after 0 of 0 inputs"));
        assert_eq!(hung.outcome, Outcome::Detected);
        assert_eq!(hung.message, "timeout: the tests did not finish in 60 s");
        let passed = tests_verdict(run(Outcome::Missed, "replayed all 0 inputs, nothing found"));
        assert_eq!(passed.outcome, Outcome::Missed);
        assert_eq!(passed.message, "every test passed");
        let broken = tests_verdict(run(Outcome::Error, "cannot run timeout: x"));
        assert_eq!(broken.outcome, Outcome::Error);
    }

    #[test]
    fn the_tests_script_runs_the_mutants_own_tests_first_and_stops_at_a_failure() {
        let ws = Path::new("/t/rawcheck");
        let exes = |names: &[&str]| -> Vec<PathBuf> {
            names
                .iter()
                .map(|n| ws.join("target/debug/deps").join(n))
                .collect()
        };
        let suites = [
            (
                Suite::Kernels,
                exes(&["transpose-11", "mtx-22", "rawcheck_kernels-33"]),
            ),
            (Suite::Fuzz, exes(&["corpus-44"])),
        ];
        let script = tests_script(ws, &suites, Target::MtxParse);
        let lines: Vec<&str> = script.lines().collect();
        assert_eq!(lines[0], "set -e");
        assert_eq!(lines[1], "cd '/t/rawcheck/kernels'");
        assert!(lines[3].starts_with("'/t/rawcheck/target/debug/deps/mtx-22' -q --skip"));
        assert!(lines[4].contains("transpose-11"));
        assert!(lines[6].starts_with("cd '/t/rawcheck/fuzz'"), "{script}");
        assert!(lines[8].contains("corpus-44"));
        let json = concat!(
            r#"{"reason":"compiler-artifact","profile":{"test":true},"executable":"/x/t-1"}"#,
            "\n",
            r#"{"reason":"compiler-artifact","profile":{"test":false},"executable":null}"#,
            "\nnot json\n",
            r#"{"reason":"build-finished","success":true}"#
        );
        assert_eq!(test_executables(json), [PathBuf::from("/x/t-1")]);
    }
}
