//! Runs one kernel call, in one variant, on a uniform-family matrix of about `nnz` entries with
//! `u32` indices: the program Callgrind counts to compare two builds of the same sources, e.g.
//! the mutant schemata with no mutant active against the plain build (README "Mutants").
//!
//! ```sh
//! cargo build --release -p rawcheck-kernels --example one_call
//! valgrind --tool=callgrind --toggle-collect='one_call::run*' \
//!     target/release/examples/one_call reshape raw 100000
//! ```
//!
//! Kernels: `reshape` (to half the rows, twice the columns) and `transpose`.

use std::hint::black_box;
use std::process::ExitCode;

use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec};
use rawcheck_kernels::{Call, Csr, Kernel, KernelError, Variant};

/// The call Callgrind's `--toggle-collect` counts: nothing else runs inside it.
#[inline(never)]
fn run(call: &Call, a: &Csr<u32>, variant: Variant) -> Result<Csr<u32>, KernelError> {
    call.apply(black_box(a), variant)
}

fn main() -> ExitCode {
    match parse(std::env::args().skip(1).collect()) {
        Ok((kernel, variant, nnz)) => {
            let a: Csr<u32> = match Spec::new(Family::Uniform, nnz)
                .generate(DEFAULT_SEED)
                .to_index()
            {
                Ok(a) => a,
                Err(e) => return fail(&e.to_string()),
            };
            let call = match kernel {
                Kernel::Reshape if a.rows() % 2 == 0 => Call::Reshape {
                    rows: a.rows() / 2,
                    cols: a.cols() * 2,
                },
                Kernel::Reshape => Call::Reshape {
                    rows: a.rows() * a.cols(),
                    cols: 1,
                },
                _ => Call::Transpose,
            };
            match run(&call, &a, variant) {
                Ok(out) => {
                    println!(
                        "{kernel} {variant}: {} -> {} nnz",
                        a.nnz(),
                        black_box(out).nnz()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => fail(&e.to_string()),
            }
        }
        Err(e) => fail(&e),
    }
}

fn parse(args: Vec<String>) -> Result<(Kernel, Variant, usize), String> {
    let [kernel, variant, nnz] = args.as_slice() else {
        return Err(String::from(
            "usage: one_call reshape|transpose VARIANT NNZ",
        ));
    };
    let kernel: Kernel = kernel.parse().map_err(|e| format!("{e}"))?;
    if !matches!(kernel, Kernel::Reshape | Kernel::Transpose) {
        return Err(format!("{kernel}: only reshape and transpose"));
    }
    let variant: Variant = variant.parse().map_err(|e| format!("{e}"))?;
    let nnz = nnz
        .parse()
        .map_err(|_| format!("NNZ {nnz:?} is not a count"))?;
    Ok((kernel, variant, nnz))
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}
