//! `cargo bench --bench counts`: exact Callgrind counts (instructions, conditional branches and
//! their mispredictions, L1 and last-level misses) of one call per id, written to
//! `reports/data/counts.json`.
//!
//! Ids and inputs come from [`rawcheck_benches::counts`]; `RAWCHECK_COUNTS_FILTER=<regex>`
//! limits them. Gungraun runs each id in its own Valgrind process: the input is built by the
//! setup (not counted), only the call is. The main setup, run natively before the first id,
//! writes the base matrices the ids need (so the setups under Valgrind only read them) and stamps
//! the start; the main teardown reads this run's Callgrind files and writes the JSON.

// Gungraun's macros generate public modules, constants and functions without doc comments.
#![allow(missing_docs)]

use std::hint::black_box;

use gungraun::{
    Callgrind, LibraryBenchmarkConfig, library_benchmark, library_benchmark_group, main,
};
use rawcheck_benches::counts::{self, CountCase, FILTER_VAR, MeasuredCall};

/// The ids of this run; a bad filter stops the bench with one `error:` line.
fn ids() -> Vec<CountCase> {
    counts::cases_from_env().unwrap_or_else(|e| fail(&e))
}

/// The setup: the input, built outside the counted region.
fn prepare(case: CountCase) -> MeasuredCall {
    counts::setup(&case).unwrap_or_else(|e| fail(&e))
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

// One call; the prepared input is handed back so it is dropped outside the counted region.
#[library_benchmark]
#[benches::id(iter = ids(), setup = prepare)]
fn count(mut call: MeasuredCall) -> MeasuredCall {
    call.run();
    black_box(call)
}

library_benchmark_group!(name = kernels, benchmarks = count);

main!(
    config = LibraryBenchmarkConfig::default()
        .tool(Callgrind::with_args([
            "--cache-sim=yes",
            "--branch-sim=yes",
            // Fixed caches, not the host's: the misses are comparable across machines.
            "--I1=32768,8,64",
            "--D1=32768,8,64",
            "--LL=8388608,16,64",
        ]))
        .pass_through_env(FILTER_VAR)
        .env("GLIBC_TUNABLES", counts::GLIBC_TUNABLES);
    setup = counts::start_run().unwrap_or_else(|e| fail(&e));
    teardown = counts::finish_run().unwrap_or_else(|e| fail(&e));
    library_benchmark_groups = kernels
);
