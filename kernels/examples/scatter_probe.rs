//! Runs permute_indices on one bench matrix `REPEATS` times, on a chosen path of its scatter core,
//! and prints the fastest run's time per nonzero: the driver for counting the scatter paths at
//! sizes the counts bench does not reach (1e6) under Cachegrind with this machine's caches. The
//! kernel's share of the counts is the difference between a run with `REPEATS` and one with 0
//! (which only builds the matrix and its permutations).
//!
//! ```sh
//! cargo build --release -p rawcheck-kernels --example scatter_probe
//! valgrind --tool=cachegrind --cache-sim=yes --D1=49152,12,64 --LL=2097152,16,64 \
//!     target/release/examples/scatter_probe uniform 1000000 raw bitmap 32 1
//! ```
//!
//! Arguments: `FAMILY NNZ VARIANT PATH BITS REPEATS`, `PATH` being `rule` or a path of
//! `permute_indices::Path` in lower case, `BITS` 32 or 64.

use std::process::ExitCode;
use std::time::Instant;

use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec, index_permutations};
use rawcheck_kernels::permute_indices::{Path, Plan};
use rawcheck_kernels::{Csr, Index, Variant};

/// The parsed command line.
struct Args {
    spec: Spec,
    variant: Variant,
    path: Option<Path>,
    bits: u32,
    repeats: usize,
}

fn parse(args: &[String]) -> Result<Args, String> {
    let [family, nnz, variant, path, bits, repeats] = args else {
        return Err("expected FAMILY NNZ VARIANT PATH BITS REPEATS".into());
    };
    let number = |what: &str, s: &str| s.parse::<usize>().map_err(|e| format!("{what} {s:?}: {e}"));
    let family: Family = family.parse().map_err(|e| format!("{e}"))?;
    let path = match path.as_str() {
        "rule" => None,
        name => Some(
            Path::ALL
                .into_iter()
                .find(|p| format!("{p:?}").to_lowercase() == name)
                .ok_or_else(|| format!("unknown path {name:?}"))?,
        ),
    };
    let bits = match bits.as_str() {
        "32" => 32,
        "64" => 64,
        other => return Err(format!("BITS {other:?}: expected 32 or 64")),
    };
    Ok(Args {
        spec: Spec::new(family, number("NNZ", nnz)?),
        variant: variant.parse().map_err(|e| format!("{e}"))?,
        path,
        bits,
        repeats: number("REPEATS", repeats)?,
    })
}

/// Runs the plan `repeats` times; returns the output's nnz and the fastest run's time per
/// nonzero in nanoseconds (on a loaded machine the minimum is the least disturbed run).
fn run<I: Index>(a: &Csr<I>, args: &Args) -> Result<(usize, f64), String> {
    let (rows, cols) = index_permutations(a.rows(), a.cols(), DEFAULT_SEED);
    let plan = Plan::new(a, &rows, &cols).map_err(|e| e.to_string())?;
    let plan = args.path.map_or(plan, |p| plan.with_path(p));
    let (mut nnz, mut fastest) = (0, f64::INFINITY);
    for _ in 0..args.repeats {
        let start = Instant::now();
        nnz = plan.run(args.variant).map_err(|e| e.to_string())?.nnz();
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
