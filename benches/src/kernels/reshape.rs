//! reshape: to the shape that moves the smallest prime factor of the rows over to the columns.

use rawcheck_kernels::{Csr, KernelError, Variant, reshape};

use super::{BenchKernel, Idx, Shape, Workload, smallest_factor};

/// `reshape(A, R, C)`.
pub struct Reshape;

impl BenchKernel for Reshape {
    const KERNEL: rawcheck_kernels::Kernel = rawcheck_kernels::Kernel::Reshape;
    type Params = (usize, usize);

    /// `rows x cols` becomes `rows/p x cols*p` with `p` the smallest prime factor of `rows`
    /// (of `cols`, the other way round, when `rows == 1`); empty shapes have nothing to reshape.
    fn plan(shape: &Shape) -> Option<Workload<Self::Params>> {
        let (rows, cols) = (shape.rows, shape.cols);
        let target = match (rows, cols) {
            (0, _) | (_, 0) => return None,
            (1, 1) => (1, 1),
            (1, _) => {
                let p = smallest_factor(cols);
                (p, cols / p)
            }
            _ => {
                let p = smallest_factor(rows);
                (rows / p, cols * p)
            }
        };
        Some(Workload {
            params: target,
            input: (rows, cols),
            output: target,
            nnz: shape.nnz,
            param_bytes: 0,
        })
    }

    fn run<I: Idx>(
        a: &Csr<I>,
        &(rows, cols): &Self::Params,
        variant: Variant,
    ) -> Result<Csr<I>, KernelError> {
        reshape(a, rows, cols, variant)
    }
}
