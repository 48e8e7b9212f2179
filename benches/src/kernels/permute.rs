//! permute (subsystems in reversed order) and permute_indices (seeded random permutations, with
//! sprs as the peer).

use rawcheck_kernels::families::{DEFAULT_SEED, index_permutations};
use rawcheck_kernels::{Csr, KernelError, Variant, permute, permute_indices};

use super::{BenchKernel, Idx, Shape, Workload};
use crate::peers::{self, Peer};

/// `permute(A, dims, order)`.
pub struct Permute;

impl BenchKernel for Permute {
    const KERNEL: rawcheck_kernels::Kernel = rawcheck_kernels::Kernel::Permute;
    /// `(dims, order)`.
    type Params = (Vec<usize>, Vec<usize>);

    /// The base's `dims` in reversed order (`tensor(A, B, C)` becomes `tensor(C, B, A)`); a
    /// matrix without at least two subsystems has nothing to permute.
    fn plan(shape: &Shape) -> Option<Workload<Self::Params>> {
        let dims = shape.dims.clone();
        if dims.len() < 2 {
            return None;
        }
        let order: Vec<usize> = (0..dims.len()).rev().collect();
        let param_bytes = (dims.len() + order.len()) * size_of::<usize>();
        Some(Workload {
            params: (dims, order),
            input: (shape.rows, shape.cols),
            output: (shape.rows, shape.cols),
            nnz: shape.nnz,
            param_bytes,
        })
    }

    fn run<I: Idx>(
        a: &Csr<I>,
        (dims, order): &Self::Params,
        variant: Variant,
    ) -> Result<Csr<I>, KernelError> {
        permute(a, dims, order, variant)
    }
}

/// `permute_indices(A, rows, cols)`.
pub struct PermuteIndices;

impl BenchKernel for PermuteIndices {
    const KERNEL: rawcheck_kernels::Kernel = rawcheck_kernels::Kernel::PermuteIndices;
    const HAS_PEER: bool = true;
    /// `(rows, cols)` permutations.
    type Params = (Vec<usize>, Vec<usize>);

    /// [`index_permutations`] from [`DEFAULT_SEED`], the ones `rawcheck gen` gives the peers.
    fn plan(shape: &Shape) -> Option<Workload<Self::Params>> {
        let params = index_permutations(shape.rows, shape.cols, DEFAULT_SEED);
        Some(Workload {
            params,
            input: (shape.rows, shape.cols),
            output: (shape.rows, shape.cols),
            nnz: shape.nnz,
            param_bytes: (shape.rows + shape.cols) * size_of::<usize>(),
        })
    }

    fn run<I: Idx>(
        a: &Csr<I>,
        (rows, cols): &Self::Params,
        variant: Variant,
    ) -> Result<Csr<I>, KernelError> {
        permute_indices(a, rows, cols, variant)
    }

    fn peer<I: Idx>(a: &Csr<I>, (rows, cols): &Self::Params) -> Option<Peer<I>> {
        Some(peers::permute_indices(a, rows, cols))
    }
}
