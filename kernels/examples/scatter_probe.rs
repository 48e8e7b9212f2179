//! Runs transpose, permute_indices, permute or reshape on one bench matrix `REPEATS` times, on a
//! chosen path of its scatter, and prints the fastest run's time per nonzero: the driver for
//! counting the scatter paths at sizes the counts bench does not reach (1e6) under Cachegrind
//! with this machine's caches. The kernel's share of the counts is the difference between a run
//! with `REPEATS` and one with 0 (which only builds the matrix and, for permute_indices, its
//! permutations).
//!
//! ```sh
//! cargo build --release -p rawcheck-kernels --example scatter_probe
//! valgrind --tool=cachegrind --cache-sim=yes --D1=49152,12,64 --LL=2097152,16,64 \
//!     target/release/examples/scatter_probe permute_indices uniform 1000000 raw bitmap 32 1
//! ```
//!
//! Arguments: `KERNEL FAMILY NNZ VARIANT PATH BITS REPEATS`, `KERNEL` being `transpose`,
//! `permute_indices` (the bench's seeded permutations) or `permute` (the subsystems reversed, as
//! in the bench) or `reshape` (as in the bench: `p` rows into one, `p` the least factor of the
//! row count), `PATH` being `rule` or a path of the kernel in lower case (for transpose
//! `direct`, `direct-ahead` or `partitioned-SHIFT`, e.g. `partitioned-10`; permute and reshape
//! take `rule` only), `BITS` 32 or 64.
//!
//! For times comparable with the benches, run it under their allocator settings
//! (`GLIBC_TUNABLES` from `benches/src/allocator.rs`) and with several calls: the first one pays
//! the zeroing of its fresh pages. permute_indices on tensor at 1e6, 32-bit, raw, 3 runs each:
//! one call took 18.7 to 100.6 ns per nonzero on huge pages; the fastest of 2 calls took 14.6 to
//! 15.0, of 7 calls 14.0 to 14.6, of 60 calls 13.7 to 13.9.
//!
//! For counts, run it under the counts bench's `GLIBC_TUNABLES` (`benches/src/counts/mod.rs`):
//! Valgrind counts each iteration of a `rep` string instruction, and glibc's `memset` zero-fills
//! a safe variant's output with `rep stosb`, one instruction and one branch per byte (transpose
//! on tensor at 1e6, safe: 60.9 instructions per entry, 41.5 under the tunables; raw 27.0 and
//! 26.6).

use std::process::ExitCode;
use std::time::Instant;

use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec, index_permutations, smallest_factor};
use rawcheck_kernels::{Csr, Index, Kernel, Variant, permute, permute_indices, reshape, transpose};

/// The kernel and its forced path (`None`: the kernel's rule).
enum Probe {
    Transpose(Option<transpose::Path>),
    PermuteIndices(Option<permute_indices::Path>),
    /// The bench's permute: the matrix's subsystems in reversed order (rule's path only).
    Permute,
    /// The bench's reshape: `p` rows into one, `p` the least factor of the row count.
    Reshape,
}

/// The parsed command line.
struct Args {
    probe: Probe,
    spec: Spec,
    variant: Variant,
    bits: u32,
    repeats: usize,
}

fn transpose_path(name: &str) -> Result<transpose::Path, String> {
    match name.strip_prefix("partitioned-") {
        None if name == "direct" => Ok(transpose::Path::Direct),
        None if name == "direct-ahead" => Ok(transpose::Path::DirectAhead),
        None => Err(format!("unknown path {name:?}")),
        Some(shift) => Ok(transpose::Path::Partitioned {
            shift: shift.parse().map_err(|e| format!("SHIFT {shift:?}: {e}"))?,
        }),
    }
}

fn permute_indices_path(name: &str) -> Result<permute_indices::Path, String> {
    permute_indices::Path::ALL
        .into_iter()
        .find(|p| format!("{p:?}").to_lowercase() == name)
        .ok_or_else(|| format!("unknown path {name:?}"))
}

fn parse(args: &[String]) -> Result<Args, String> {
    let [kernel, family, nnz, variant, path, bits, repeats] = args else {
        return Err("expected KERNEL FAMILY NNZ VARIANT PATH BITS REPEATS".into());
    };
    let number = |what: &str, s: &str| s.parse::<usize>().map_err(|e| format!("{what} {s:?}: {e}"));
    let forced = (path != "rule").then_some(path.as_str());
    let probe = match kernel.parse().map_err(|e| format!("{e}"))? {
        Kernel::Transpose => Probe::Transpose(forced.map(transpose_path).transpose()?),
        Kernel::PermuteIndices => {
            Probe::PermuteIndices(forced.map(permute_indices_path).transpose()?)
        }
        Kernel::Permute if forced.is_none() => Probe::Permute,
        Kernel::Reshape if forced.is_none() => Probe::Reshape,
        Kernel::Permute | Kernel::Reshape => {
            return Err(format!("{kernel} takes the path `rule` only"));
        }
        other => {
            return Err(format!(
                "{other}: only transpose, permute_indices, permute and reshape"
            ));
        }
    };
    let family: Family = family.parse().map_err(|e| format!("{e}"))?;
    let bits = match bits.as_str() {
        "32" => 32,
        "64" => 64,
        other => return Err(format!("BITS {other:?}: expected 32 or 64")),
    };
    Ok(Args {
        probe,
        spec: Spec::new(family, number("NNZ", nnz)?),
        variant: variant.parse().map_err(|e| format!("{e}"))?,
        bits,
        repeats: number("REPEATS", repeats)?,
    })
}

/// Runs the probe's kernel on `a` `repeats` times; returns the output's nnz and the fastest
/// run's time per nonzero in nanoseconds (on a loaded machine the minimum is the least disturbed
/// run).
fn run<I: Index>(a: &Csr<I>, args: &Args) -> Result<(usize, f64), String> {
    let dims = args.spec.dims();
    let order: Vec<usize> = (0..dims.len()).rev().collect();
    // Only permute_indices needs the permutations (built here, before any timed run).
    let permutations;
    let call: Box<dyn Fn() -> Result<Csr<I>, String>> = match args.probe {
        Probe::Transpose(path) => {
            let plan = match path {
                None => transpose::Plan::new(a),
                Some(p) => transpose::Plan::with_path(a, p),
            }
            .map_err(|e| e.to_string())?;
            Box::new(move || transpose::run(&plan, args.variant).map_err(|e| e.to_string()))
        }
        Probe::PermuteIndices(path) => {
            permutations = index_permutations(a.rows(), a.cols(), DEFAULT_SEED);
            let (rows, cols) = &permutations;
            let plan = permute_indices::Plan::new(a, rows, cols).map_err(|e| e.to_string())?;
            let plan = path.map_or(plan, |p| plan.with_path(p));
            Box::new(move || plan.run(args.variant).map_err(|e| e.to_string()))
        }
        Probe::Permute => {
            Box::new(|| permute::permute(a, dims, &order, args.variant).map_err(|e| e.to_string()))
        }
        Probe::Reshape => {
            let p = smallest_factor(a.rows());
            let shape = (a.rows() / p, a.cols() * p);
            Box::new(move || reshape(a, shape.0, shape.1, args.variant).map_err(|e| e.to_string()))
        }
    };
    let (mut nnz, mut fastest) = (0, f64::INFINITY);
    for _ in 0..args.repeats {
        let start = Instant::now();
        nnz = call()?.nnz();
        fastest = fastest.min(start.elapsed().as_secs_f64() * 1e9 / a.nnz().max(1) as f64);
    }
    Ok((nnz, fastest))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = parse(&argv).and_then(|args| {
        let a = args.spec.generate(DEFAULT_SEED);
        if args.bits == 32 {
            run(&a.to_index::<u32>().map_err(|e| e.to_string())?, &args)
        } else {
            run(&a, &args)
        }
    });
    match result {
        Ok((nnz, fastest)) => {
            println!("{nnz} nonzeros, fastest run {fastest:.2} ns per nonzero");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
