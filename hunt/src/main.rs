//! `rawcheck-hunt`: the bug hunt's command line (`scripts/bughunt` runs it after the setup).
//! Writes `reports/data/bughunt.json` (or `--out`) atomically, one progress line per cell on
//! stderr, and the table at the end.

use std::process::ExitCode;
use std::time::{Instant, SystemTime};

use rawcheck_hunt::args::{self, Parsed};
use rawcheck_hunt::cell::{round, table};
use rawcheck_hunt::subject::Subject;
use rawcheck_hunt::{Hunt, HuntDoc, Paths, hunt, iso_utc, log, machine, write_doc};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let args = match args::parse(&argv) {
        Ok(Parsed::Hunt(a)) => a,
        Ok(Parsed::Help) => {
            println!("{}", args::USAGE);
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
    let started = Instant::now();
    let date = iso_utc(SystemTime::now());
    let machine = machine();
    let paths = Paths::repository();
    let subjects: Vec<Subject> = args.bugs.iter().map(|b| Subject::seeded(b)).collect();
    let ids: Vec<String> = subjects.iter().map(|s| s.id.clone()).collect();
    let plan = Hunt {
        cells: Hunt::grid(subjects.clone(), &args.detectors),
        subjects,
        budget: args.budget,
        repeats: args.repeats,
        jobs: args.jobs,
    };
    let hunted = match hunt(&paths, &plan) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let doc = HuntDoc {
        machine,
        date,
        command: format!("scripts/bughunt {}", argv.join(" ")),
        budget: args.budget,
        repeats: args.repeats,
        jobs: args.jobs,
        build_seconds: hunted.build_seconds,
        run_seconds: hunted.run_seconds,
        total_seconds: round(started.elapsed().as_secs_f64(), 1),
        results: hunted.cells,
    };
    let out = paths.root.join(&args.out);
    if let Err(e) = write_doc(&out, &doc) {
        eprintln!("error: {}: {e}", out.display());
        return ExitCode::FAILURE;
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let detectors: Vec<&str> = args.detectors.iter().map(|d| d.name()).collect();
    eprintln!("{}", table(&doc.results, &ids, &detectors));
    log(&format!(
        "wrote {}: builds {:.0} s, runs {:.0} s, total {:.0} s",
        paths.rel(&out),
        doc.build_seconds,
        doc.run_seconds,
        doc.total_seconds
    ));
    if args.expect_detected {
        let missed: Vec<_> = doc
            .results
            .iter()
            .filter(|c| c.outcome != "detected" && c.outcome != "prevented")
            .collect();
        for c in &missed {
            log(&format!(
                "EXPECTED DETECTED: {} x {} was {}: {}",
                c.bug,
                c.detector,
                c.outcome,
                c.message.as_deref().unwrap_or("")
            ));
        }
        if !missed.is_empty() {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
