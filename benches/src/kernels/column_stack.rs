//! column_stack and column_unstack, on the vectorisable shapes of the families.

use rawcheck_kernels::{Csr, KernelError, Variant, column_stack, column_unstack};

use super::{BenchKernel, Idx, Shape, Workload};

/// Largest `rows * cols` benchmarked: the stacked column has a row pointer per element, so a
/// sparse `.mtx` file with more elements is skipped (1 GiB of 64-bit row pointers).
const MAX_STACK_ELEMENTS: usize = 1 << 27;

/// `rows * cols` when it is positive and at most [`MAX_STACK_ELEMENTS`].
fn elements(shape: &Shape) -> Option<usize> {
    shape
        .rows
        .checked_mul(shape.cols)
        .filter(|&n| n > 0 && n <= MAX_STACK_ELEMENTS)
}

/// `column_stack(A)`.
pub struct ColumnStack;

impl BenchKernel for ColumnStack {
    const KERNEL: rawcheck_kernels::Kernel = rawcheck_kernels::Kernel::ColumnStack;
    const VECTORISABLE: bool = true;
    type Params = ();

    fn plan(shape: &Shape) -> Option<Workload<Self::Params>> {
        Some(Workload {
            params: (),
            input: (shape.rows, shape.cols),
            output: (elements(shape)?, 1),
            nnz: shape.nnz,
            param_bytes: 0,
        })
    }

    fn run<I: Idx>(a: &Csr<I>, _: &(), variant: Variant) -> Result<Csr<I>, KernelError> {
        column_stack(a, variant)
    }
}

/// `column_unstack(v, rows)` of the stacked base matrix, back to the base's shape.
pub struct ColumnUnstack;

impl BenchKernel for ColumnUnstack {
    const KERNEL: rawcheck_kernels::Kernel = rawcheck_kernels::Kernel::ColumnUnstack;
    const VECTORISABLE: bool = true;
    /// The rows of the result.
    type Params = usize;

    fn plan(shape: &Shape) -> Option<Workload<Self::Params>> {
        Some(Workload {
            params: shape.rows,
            input: (elements(shape)?, 1),
            output: (shape.rows, shape.cols),
            nnz: shape.nnz,
            param_bytes: 0,
        })
    }

    /// The stacked column (made with the raw variant, outside the timed code).
    fn input<I: Idx>(base: Csr<I>, _: &usize) -> Result<Csr<I>, KernelError> {
        column_stack(&base, Variant::Raw)
    }

    fn run<I: Idx>(v: &Csr<I>, &rows: &usize, variant: Variant) -> Result<Csr<I>, KernelError> {
        column_unstack(v, rows, variant)
    }
}
