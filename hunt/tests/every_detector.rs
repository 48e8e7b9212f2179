//! One cell of every detector kind, on bugs each finds within seconds when it works: the proof
//! that the hunt and its detectors still work end to end. It builds fuzzers (with and without
//! ASan, debug and release), Miri's replayer and the `-Zub-checks` build, so it is ignored by
//! `cargo test` and run by `scripts/bughunt-ci` (after `scripts/setup`):
//!
//! `cargo test -p rawcheck-hunt --test every_detector -- --ignored --nocapture`
//!
//! The cells: fuzz-asan on B1 and B2, miri-tree on B7 (the CI hunt before this test), and on B2
//! (division by zero, found by every detector) fuzz-asan-release, fuzz-none, the checked variant
//! (which carries it), valgrind and debug-ub-checks; miri-stacked on B7, whose Miri build
//! miri-tree shares; the checked variant on B7, which it cannot carry (prevented). The document
//! goes to `fuzz/work/bughunt/ci/detectors.json`.

use std::time::{Instant, SystemTime};

use rawcheck_hunt::cell::{round, table};
use rawcheck_hunt::subject::Subject;
use rawcheck_hunt::{Hunt, HuntDoc, Paths, hunt, iso_utc, machine, write_doc};
use rawcheck_kernels::Detector::{self, *};
use rawcheck_kernels::bugs::CATALOGUE;

#[test]
#[ignore = "builds the fuzz crate five ways and runs Miri and valgrind: scripts/bughunt-ci runs it"]
fn every_detector_kind_finds_a_seeded_bug() {
    let started = Instant::now();
    let date = iso_utc(SystemTime::now());
    let bug = |id: &str| Subject::seeded(CATALOGUE.iter().find(|b| b.id == id).unwrap());
    let expected: [(usize, Detector, &str); 10] = [
        (0, FuzzAsan, "detected"),
        (1, FuzzAsan, "detected"),
        (2, MiriTree, "detected"),
        (1, FuzzAsanRelease, "detected"),
        (1, FuzzNone, "detected"),
        (1, CheckedVariant, "detected"),
        (2, CheckedVariant, "prevented"),
        (2, MiriStacked, "detected"),
        (1, Valgrind, "detected"),
        (1, DebugUbChecks, "detected"),
    ];
    let plan = Hunt {
        subjects: vec![bug("B1"), bug("B2"), bug("B7")],
        cells: expected.iter().map(|&(s, d, _)| (s, d)).collect(),
        budget: 120,
        repeats: 1,
        jobs: 2,
    };
    let paths = Paths::repository();
    let hunted = hunt(&paths, &plan).unwrap();
    let doc = HuntDoc {
        machine: machine(),
        date,
        command: "cargo test -p rawcheck-hunt --test every_detector -- --ignored".into(),
        budget: plan.budget,
        repeats: plan.repeats,
        jobs: plan.jobs,
        build_seconds: hunted.build_seconds,
        run_seconds: hunted.run_seconds,
        total_seconds: round(started.elapsed().as_secs_f64(), 1),
        results: hunted.cells,
    };
    write_doc(&paths.work.join("ci/detectors.json"), &doc).unwrap();
    let detectors: Vec<&str> = plan.detectors().iter().map(|d| d.name()).collect();
    eprintln!("{}", table(&doc.results, &["B1", "B2", "B7"], &detectors));
    let got: Vec<(String, String, String)> = doc
        .results
        .iter()
        .map(|c| (c.bug.clone(), c.detector.clone(), c.outcome.clone()))
        .collect();
    let want: Vec<(String, String, String)> = expected
        .iter()
        .map(|&(s, d, o)| (plan.subjects[s].id.clone(), d.name().into(), o.into()))
        .collect();
    assert_eq!(got, want, "{:#?}", doc.results);
}
