//! Runs every kernel in every variant at 32-bit indices on one small tensor-family matrix and
//! prints the output sizes: the program `scripts/asm-checks` compiles to assembly (release, line
//! tables) to list, per variant file, the source lines where a bounds check survived.
//!
//! `cargo run --release -p rawcheck-kernels --example asm_probe`

use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec};
use rawcheck_kernels::{
    Csr, Kernel, KernelError, Variant, column_stack, column_unstack, permute, permute_indices,
    reshape, transpose,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spec = Spec::new(Family::Tensor, 1000);
    let a: Csr<u32> = spec.generate(DEFAULT_SEED).to_index()?;
    let n = a.rows();
    let (row_perm, col_perm) = rawcheck_kernels::families::index_permutations(n, n, DEFAULT_SEED);
    let order: Vec<usize> = (0..spec.dims().len()).rev().collect();
    for variant in Variant::ALL {
        let stacked = column_stack(&a, variant)?;
        let runs: [(Kernel, Result<Csr<u32>, KernelError>); 6] = [
            (
                Kernel::Reshape,
                reshape(&a, n / spec.dims()[0], n * spec.dims()[0], variant),
            ),
            (Kernel::Transpose, transpose(&a, variant)),
            (Kernel::ColumnStack, Ok(stacked.clone())),
            (Kernel::ColumnUnstack, column_unstack(&stacked, n, variant)),
            (Kernel::Permute, permute(&a, spec.dims(), &order, variant)),
            (
                Kernel::PermuteIndices,
                permute_indices(&a, &row_perm, &col_perm, variant),
            ),
        ];
        for (kernel, out) in runs {
            let out = out?;
            println!(
                "{kernel} {variant}: {}x{}, {} nonzeros",
                out.rows(),
                out.cols(),
                out.nnz()
            );
        }
    }
    Ok(())
}
