//! `rawcheck-campaign`: the mutant campaign's command line (`scripts/mutants` runs it). Writes
//! the schemata tree, runs the campaign ([`rawcheck_hunt::campaign`]), writes
//! `reports/data/mutants.json` (or `--out`) atomically and prints the kill rate per detector.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Instant, SystemTime};

use rawcheck_hunt::campaign::{
    Campaign, MutantDoc, Probe, cheap_first, kill_table, run_campaign, sample, select,
};
use rawcheck_hunt::cell::{round, to_json};
use rawcheck_hunt::{Paths, iso_utc, log, machine, write_atomic};
use rawcheck_mutants::Entry;
use rawcheck_mutants::apply::{Options, apply};

const USAGE: &str = "\
usage: scripts/mutants [--quick] [--mutants ID,..] [--detectors d1,..] [--budget SECONDS]
                       [--jobs N] [--out FILE] [--expect-killed] [--no-setup]

The mutant campaign: generated mutants against the detectors, cheapest first, each mutant
stopped at its first kill; kill rates and times to kill in JSON.

options:
  --quick            a fixed sample of 30 mutants x tests, fuzz-asan, miri-tree
  --mutants LIST     comma-separated mutant ids (default: all, --quick: the sample)
  --detectors LIST   comma-separated detectors and `tests` (default: all; run cheapest first)
  --budget SECONDS   seconds per run of every detector (default: each detector's own)
  --jobs N           builds and runs at a time (default 2)
  --out FILE         output JSON file (default reports/data/mutants.json)
  --expect-killed    exit 1 unless every mutant is killed (CI)
  --no-setup         do not run scripts/setup first (the wrapper's job)
  -h, --help         this text";

/// The quick campaign's sample size and detectors.
const QUICK_MUTANTS: usize = 30;

/// The command line.
#[derive(Debug, Default)]
struct Args {
    quick: bool,
    mutants: Option<String>,
    detectors: Option<String>,
    budget: Option<u64>,
    jobs: Option<usize>,
    out: Option<String>,
    expect_killed: bool,
}

/// Parses the arguments; `None` for `--help`.
fn parse(argv: &[String]) -> Result<Option<Args>, String> {
    let mut a = Args::default();
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let count = |v: String| match v.parse::<u64>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!("{flag} must be a positive integer, not {v:?}")),
        };
        match flag {
            "-h" | "--help" => return Ok(None),
            "--quick" => a.quick = true,
            "--expect-killed" => a.expect_killed = true,
            "--no-setup" => {}
            "--mutants" => a.mutants = Some(value()?),
            "--detectors" => a.detectors = Some(value()?),
            "--budget" => a.budget = Some(count(value()?)?),
            "--jobs" => a.jobs = Some(count(value()?)? as usize),
            "--out" => a.out = Some(value()?),
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    Ok(Some(a))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match parse(&argv) {
        Ok(Some(a)) => a,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = rawcheck_hunt::run::kill_runs_on_interrupt() {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    match campaign(&argv, &args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the campaign; false when `--expect-killed` finds a survivor.
fn campaign(argv: &[String], args: &Args) -> Result<bool, String> {
    let started = Instant::now();
    let date = iso_utc(SystemTime::now());
    let machine = machine();
    let repo = Paths::repository();
    let probes: Vec<Probe> = match &args.detectors {
        Some(list) => list
            .split(',')
            .map(Probe::parse)
            .collect::<Result<_, _>>()?,
        None if args.quick => ["tests", "fuzz-asan", "miri-tree"]
            .into_iter()
            .map(Probe::parse)
            .collect::<Result<_, _>>()?,
        None => Probe::all(),
    };
    let probes = cheap_first(&probes);

    let out_dir = repo.root.join("target/mutants/tree");
    log(&format!("writing the schemata into {}", repo.rel(&out_dir)));
    let options = Options {
        only: None,
        check: true,
        record: false,
    };
    let applied = apply(&repo.root, &out_dir, &options)?;
    let catalogue: Vec<Entry> = applied.kept.iter().map(Entry::from).collect();
    let mutants = match (&args.mutants, args.quick) {
        (Some(ids), _) => select(&catalogue, ids)?,
        (None, true) => sample(&catalogue, QUICK_MUTANTS),
        (None, false) => catalogue.clone(),
    };
    let budgets: HashMap<Probe, u64> = probes
        .iter()
        .map(|&p| (p, args.budget.unwrap_or(p.budget())))
        .collect();
    // The full campaign spares the slow detectors the mutants triaged equivalent; the quick
    // one measures its three detectors on the whole sample.
    let triage = (!args.quick).then(|| repo.root.join(TRIAGE));
    let plan = Campaign {
        triage,
        mutants,
        probes: probes.clone(),
        budgets: budgets.clone(),
        jobs: args.jobs.unwrap_or(2),
    };
    log(&format!(
        "{} of {} mutants x {} detector(s) ({}), {} at a time",
        plan.mutants.len(),
        catalogue.len(),
        probes.len(),
        probes
            .iter()
            .map(|p| format!("{} {} s", p.name(), budgets[p]))
            .collect::<Vec<_>>()
            .join(", "),
        plan.jobs
    ));
    let tree = Paths::of(&applied.workspace);
    let ran = run_campaign(&repo, &tree, &plan)?;
    let doc = MutantDoc {
        machine,
        date,
        command: format!("scripts/mutants {}", argv.join(" ")),
        mutants: plan.mutants.len(),
        catalogue: catalogue.len(),
        detectors: probes.iter().map(|p| p.name().to_owned()).collect(),
        budgets: budgets
            .iter()
            .map(|(p, b)| (p.name().to_owned(), *b))
            .collect(),
        jobs: plan.jobs,
        build_seconds: ran.build_seconds,
        run_seconds: ran.run_seconds,
        total_seconds: round(started.elapsed().as_secs_f64(), 1),
        results: ran.cells,
    };
    let out = repo
        .root
        .join(args.out.as_deref().unwrap_or("reports/data/mutants.json"));
    write_atomic(&out, &to_json(&doc)).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("{:<20} {:>7} {:>5}", "detector", "killed", "ran");
    for (name, killed, ran) in kill_table(&doc.results, &probes) {
        eprintln!("{name:<20} {killed:>7} {ran:>5}");
    }
    let survivors = survivors(&doc);
    log(&format!(
        "{} of {} mutants killed; wrote {}: builds {:.0} s, runs {:.0} s, total {:.0} s",
        doc.mutants - survivors.len(),
        doc.mutants,
        repo.rel(Path::new(&out)),
        doc.build_seconds,
        doc.run_seconds,
        doc.total_seconds
    ));
    for s in &survivors {
        log(&format!("survivor: {s}"));
    }
    if args.expect_killed && !survivors.is_empty() {
        log("EXPECTED KILLED: every mutant above");
        return Ok(false);
    }
    Ok(true)
}

/// The survivors' triage, committed (`class` `equivalent` or `hole`).
const TRIAGE: &str = "reports/data/mutants-triage.json";

/// The mutants no detector killed, as `id location change`.
fn survivors(doc: &MutantDoc) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in &doc.results {
        let killed = doc
            .results
            .iter()
            .any(|d| d.mutant == c.mutant && d.outcome == "detected");
        let line = format!(
            "{} {} {}",
            c.mutant,
            c.location,
            c.change.as_deref().unwrap_or("")
        );
        if !killed && !out.contains(&line) {
            out.push(line);
        }
    }
    out
}
