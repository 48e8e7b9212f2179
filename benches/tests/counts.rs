//! The counts bench's ids, its reading of Callgrind's output and the counts.json it writes.

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use rawcheck_benches::counts::{self, CountRow, Counts, CountsFile, Measured, SIZES};
use rawcheck_benches::kernels::{BenchKernel, ColumnStack};
use rawcheck_kernels::Variant;
use rawcheck_kernels::families::Family;
use regex::Regex;

/// A Callgrind output file of the counts bench (reshape/uniform/raw/32/100000; the per-function
/// costs cut to the first two records).
const FIXTURE: &str = include_str!("fixtures/callgrind.count.out");

fn fixture_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/callgrind.count.out")
}

#[test]
fn every_kernel_family_variant_width_and_size_once() {
    let all = counts::cases(None);
    let ids: HashSet<String> = all.iter().map(|c| c.id()).collect();
    assert_eq!(ids.len(), all.len(), "ids are unique");
    let kernels: HashSet<&str> = all.iter().map(|c| c.kernel()).collect();
    assert_eq!(kernels.len(), 6);
    let variants = Measured::all().count();
    assert_eq!(variants, Variant::ALL.len() + 1);
    assert_eq!(
        all.len(),
        6 * Family::ALL.len() * SIZES.len() * 2 * variants
    );
    for case in &all {
        let id = case.id();
        let parts: Vec<&str> = id.split('/').collect();
        assert_eq!(parts.len(), 5, "{id}");
        assert_eq!(parts[1], case.family.name());
        assert_eq!(parts[3], case.bits.to_string());
        assert_eq!(parts[4], case.nominal.to_string());
    }
}

#[test]
fn nnz_is_the_stored_entries_of_the_input() {
    let filter = Regex::new("^(reshape|column_stack)/[a-z]+/raw/32/10000$").unwrap();
    let cases = counts::cases(Some(&filter));
    assert_eq!(cases.len(), 2 * Family::ALL.len());
    for case in cases {
        assert_eq!(case.vectorisable(), case.kernel() == ColumnStack::NAME);
        let base = case.base();
        assert_eq!(case.nnz(), base.nnz(), "{case:?}");
    }
}

#[test]
fn every_kernel_applies_to_every_counted_input() {
    let one_width = Regex::new("/raw/(32|64)/").unwrap();
    for case in counts::cases(Some(&one_width)) {
        assert!(case.applies(), "{case:?}");
    }
}

#[test]
fn the_filter_keeps_exactly_the_matching_ids() {
    let filter = Regex::new("^reshape/uniform/(raw|safe)/32/10000$").unwrap();
    let ids: Vec<String> = counts::cases(Some(&filter))
        .iter()
        .map(|c| c.id())
        .collect();
    assert_eq!(
        ids,
        [
            "reshape/uniform/raw/32/10000",
            "reshape/uniform/safe/32/10000"
        ]
    );
    assert!(counts::cases(Some(&Regex::new("^nothing$").unwrap())).is_empty());
}

#[test]
fn prepared_calls_run() {
    let filter = Regex::new("^(reshape|permute_indices)/banded/.*/64/10000$").unwrap();
    let cases = counts::cases(Some(&filter));
    assert_eq!(cases.len(), 2 * Measured::all().count());
    for case in &cases {
        let mut call = counts::setup(case).unwrap_or_else(|e| panic!("{case:?}: {e}"));
        call.run();
        call.run();
    }
}

#[test]
fn callgrind_totals_are_read_by_event_name() {
    let counts = Counts::from_callgrind(FIXTURE).unwrap();
    // The fixture's events line and totals line, added up as the schema says.
    let line = |key: &str| -> Vec<String> {
        FIXTURE
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap()
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    };
    let (events, totals) = (line("events:"), line("totals:"));
    let total = |name: &str| -> u64 {
        let i = events.iter().position(|e| e == name).unwrap();
        totals.get(i).map_or(0, |t| t.parse().unwrap())
    };
    assert_eq!(counts.instructions, total("Ir"));
    assert_eq!(counts.branches, total("Bc"));
    assert_eq!(counts.branch_misses, total("Bcm"));
    assert_eq!(
        counts.l1_misses,
        total("I1mr") + total("D1mr") + total("D1mw")
    );
    assert_eq!(
        counts.ll_misses,
        total("ILmr") + total("DLmr") + total("DLmw")
    );
    assert!(counts.instructions > counts.branches && counts.branches > 0);
}

#[test]
fn a_run_without_the_simulations_is_refused() {
    let err = Counts::from_callgrind("events: Ir\ntotals: 1234\n").unwrap_err();
    assert!(
        err.contains("Bc") && err.contains("--branch-sim=yes"),
        "{err}"
    );
    assert!(Counts::from_callgrind("totals: 1\n").is_err());
    assert!(Counts::from_callgrind("events: Ir Bc\ntotals: 1 x\n").is_err());
}

#[test]
fn collect_reads_this_runs_files_and_refuses_stale_ones() {
    let cases = counts::cases(Some(&Regex::new("^reshape/uniform/raw/32/10000$").unwrap()));
    let long_ago = SystemTime::UNIX_EPOCH;
    let rows = counts::collect(&cases, |_| Ok(fixture_path()), long_ago).unwrap();
    let want = Counts::from_callgrind(FIXTURE).unwrap();
    assert_eq!(rows, [CountRow::new(&cases[0], want)]);
    assert_eq!(rows[0].nnz, cases[0].nnz() as u64);
    let future = SystemTime::now() + Duration::from_secs(3600);
    let err = counts::collect(&cases, |_| Ok(fixture_path()), future).unwrap_err();
    assert!(err.contains("earlier run"), "{err}");
    let missing = counts::collect(&cases, |_| Ok(PathBuf::from("/nonexistent")), long_ago);
    assert!(missing.is_err());
}

#[test]
fn counts_json_has_exactly_the_schema_fields() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/counts.json");
    let cases = counts::cases(Some(
        &Regex::new("^transpose/powerlaw/safe/64/100000$").unwrap(),
    ));
    let row = CountRow::new(&cases[0], Counts::from_callgrind(FIXTURE).unwrap());
    let file = CountsFile {
        machine: serde_json::json!({"cpu": "x", "cores": 2}),
        date: "2026-12-02T01:23:45Z".into(),
        tool_version: "gungraun 0.20.0, valgrind-3.19.0".into(),
        results: vec![row.clone()],
    };
    counts::write_counts(&path, &file).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let keys = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(keys(&json), ["date", "machine", "results", "tool_version"]);
    let result = &json["results"][0];
    assert_eq!(
        keys(result),
        [
            "branch_misses",
            "branches",
            "id",
            "instructions",
            "l1_misses",
            "ll_misses",
            "nnz"
        ]
    );
    assert_eq!(result["id"], "transpose/powerlaw/safe/64/100000");
    assert_eq!(result["instructions"].as_u64(), Some(row.instructions));
    assert_eq!(result["nnz"].as_u64(), Some(cases[0].nnz() as u64));
}

#[test]
fn base_matrices_round_trip_through_their_files() {
    let dir = tempfile::tempdir().unwrap();
    let filter = Regex::new("^(reshape|column_stack)/(tensor|powerlaw)/raw/32/10000$").unwrap();
    let cases = counts::cases(Some(&filter));
    for case in &cases {
        assert_eq!(counts::inputs::read(dir.path(), case).unwrap(), None);
    }
    counts::inputs::write_all(dir.path(), &cases).unwrap();
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), cases.len());
    for case in &cases {
        let read = counts::inputs::read(dir.path(), case).unwrap();
        let base = case.base();
        assert_eq!(read.as_ref(), Some(&base), "{case:?}");
    }
    // A damaged file is an error, not a different matrix.
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() - 8]).unwrap();
    assert!(
        cases
            .iter()
            .any(|c| counts::inputs::read(dir.path(), c).is_err())
    );
}
