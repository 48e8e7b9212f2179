//! The deterministic counts bench (`cargo bench --bench counts`): which ids it runs, how each is
//! prepared outside the measured call, and how Callgrind's output becomes `reports/data/counts.json`.
//!
//! Ids are the criterion ids `<kernel>/<family>/<variant>/<index>/<nnz>` of the six kernels on
//! the four generated families ([`Family::ALL`](rawcheck_kernels::families::Family::ALL)) at
//! [`SIZES`], variants [`Variant::ALL`](rawcheck_kernels::Variant::ALL) and the
//! memcpy floor, 32- and 64-bit indices. `RAWCHECK_COUNTS_FILTER=<regex>` keeps the ids it
//! matches; the others are never listed, so they never run under Valgrind.
//! `RAWCHECK_COUNTS_JSON=<file>` writes the JSON elsewhere.

mod callgrind;
mod cases;
mod file;
pub mod inputs;

pub use callgrind::Counts;
pub use cases::{CountCase, Measured, MeasuredCall, cases, cases_from_env, prepare};
pub use file::{
    CountRow, CountsFile, JSON_VAR, collect, counts_path, finish_run, inputs_dir, start_run,
    write_counts,
};

/// The setup of one id under Valgrind: its base matrix from the main setup's file (generated
/// when the file is missing), then the kernel's input and the call.
pub fn setup(case: &CountCase) -> Result<MeasuredCall, String> {
    let base = match inputs::read(&inputs_dir()?, case)? {
        Some(base) => base,
        None => case.base(),
    };
    prepare(case, base)
}

/// The environment variable holding the id filter (a regex).
pub const FILTER_VAR: &str = "RAWCHECK_COUNTS_FILTER";

/// glibc tunables for the counted process: `memcpy` and `memset` never use `rep movsb` /
/// `rep stosb`. Valgrind counts every iteration of a `rep` string instruction as one
/// instruction and one conditional branch, so a zero-fill or a copy of n bytes would count n
/// instructions and n branches, where the vector loop glibc uses below the thresholds executes
/// (and costs) about one per 32 bytes: with `rep`, a variant that zero-fills its output would look
/// like it executes a bounds check per byte.
pub const GLIBC_TUNABLES: &str = "glibc.cpu.x86_rep_movsb_threshold=0x7fffffffffffffff:glibc.cpu.x86_rep_stosb_threshold=0x7fffffffffffffff";

/// Nominal nnz of the counted inputs.
pub const SIZES: [usize; 2] = [10_000, 100_000];
