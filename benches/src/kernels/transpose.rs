//! transpose, with sprs as the peer.

use rawcheck_kernels::{Csr, KernelError, Variant, transpose};

use super::{BenchKernel, Idx, Shape, Workload};
use crate::peers::{self, Peer};

/// `transpose(A)`.
pub struct Transpose;

impl BenchKernel for Transpose {
    const KERNEL: rawcheck_kernels::Kernel = rawcheck_kernels::Kernel::Transpose;
    const HAS_PEER: bool = true;
    type Params = ();

    fn plan(shape: &Shape) -> Option<Workload<Self::Params>> {
        Some(Workload {
            params: (),
            input: (shape.rows, shape.cols),
            output: (shape.cols, shape.rows),
            nnz: shape.nnz,
            param_bytes: 0,
        })
    }

    fn run<I: Idx>(a: &Csr<I>, _: &(), variant: Variant) -> Result<Csr<I>, KernelError> {
        transpose(a, variant)
    }

    fn peer<I: Idx>(a: &Csr<I>, _: &()) -> Option<Peer<I>> {
        Some(peers::transpose(a))
    }
}
