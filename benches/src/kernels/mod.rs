//! The kernels as the benchmarks see them: parameters for every input, the byte model, and the
//! sprs peer where sprs 0.11 has the kernel.
//!
//! Each kernel is a unit struct implementing [`BenchKernel`]; the bench target registers one
//! criterion group per kernel and source with the same generic function.

mod column_stack;
mod permute;
mod reshape;
mod transpose;

pub use column_stack::{ColumnStack, ColumnUnstack};
pub use permute::{Permute, PermuteIndices};
pub use reshape::Reshape;
pub use transpose::Transpose;

use num_complex::Complex64;
use rawcheck_kernels::{Csr, Index, KernelError, Variant};
use sprs::SpIndex;

use crate::peers::Peer;

/// An index type both rawcheck and sprs accept (`u32`, `u64`).
pub trait Idx: Index + SpIndex {}

impl<T: Index + SpIndex> Idx for T {}

/// Size of one stored value (`Complex64`).
const VALUE_BYTES: usize = size_of::<Complex64>();

/// The base matrix of a benchmark, before a kernel prepares its input from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Stored entries.
    pub nnz: usize,
    /// Subsystem dimensions of the permutable dimension (empty when it has no useful split).
    pub dims: Vec<usize>,
}

/// A kernel's parameters for one input, with the shapes the byte model needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workload<P> {
    /// The kernel's parameters.
    pub params: P,
    /// `(rows, cols)` of the kernel's input.
    pub input: (usize, usize),
    /// `(rows, cols)` of the kernel's output.
    pub output: (usize, usize),
    /// Stored entries of input and output (every kernel moves entries, none creates or drops any).
    pub nnz: usize,
    /// Bytes of parameters the kernel reads (permutation vectors), besides the input matrix.
    pub param_bytes: usize,
}

impl<P> Workload<P> {
    /// The byte model: what one call must read and write with `index_bytes`-wide indices.
    ///
    /// It reads the input's three arrays (`nnz` values and column indices, `rows + 1` row
    /// pointers) and its parameters, and writes the output's three arrays. Scratch space a
    /// kernel chooses to use is not counted: this is the floor any implementation pays. The same
    /// number is criterion's `Throughput::Bytes` and the size of the `memcpy` variant.
    pub fn bytes(&self, index_bytes: usize) -> u64 {
        let csr = |rows: usize| self.nnz * (VALUE_BYTES + index_bytes) + (rows + 1) * index_bytes;
        (csr(self.input.0) + self.param_bytes + csr(self.output.0)) as u64
    }

    /// Whether every dimension and the nnz of input and output fit the index type `I`.
    pub fn fits<I: Index>(&self) -> bool {
        let (i, o) = (self.input, self.output);
        [i.0, i.1, o.0, o.1, self.nnz].iter().all(|&n| n <= I::MAX)
    }
}

/// One kernel, as benchmarked.
pub trait BenchKernel {
    /// The kernel benchmarked.
    const KERNEL: rawcheck_kernels::Kernel;
    /// The kernel's name, first part of every benchmark id.
    const NAME: &'static str = Self::KERNEL.name();
    /// Whether family inputs use [`Spec::vectorisable`](rawcheck_kernels::families::Spec::vectorisable)
    /// shapes (column_stack's output has a row pointer per matrix element).
    const VECTORISABLE: bool = false;
    /// Whether sprs has the kernel: exactly when [`BenchKernel::peer`] returns `Some`.
    const HAS_PEER: bool = false;
    /// The kernel's parameters besides the input matrix.
    type Params: std::fmt::Debug;

    /// Parameters for a base matrix of `shape`, or `None` when the kernel does not apply to it.
    fn plan(shape: &Shape) -> Option<Workload<Self::Params>>;

    /// The kernel's input, made from the base matrix outside the timed code.
    fn input<I: Idx>(base: Csr<I>, _params: &Self::Params) -> Result<Csr<I>, KernelError> {
        Ok(base)
    }

    /// Runs the kernel.
    fn run<I: Idx>(
        a: &Csr<I>,
        params: &Self::Params,
        variant: Variant,
    ) -> Result<Csr<I>, KernelError>;

    /// The sprs equivalent, prepared outside the timed code; `None` where sprs lacks the kernel.
    fn peer<I: Idx>(_a: &Csr<I>, _params: &Self::Params) -> Option<Peer<I>> {
        None
    }
}

/// One kernel's prepared input at one index width, checked against its plan.
pub struct Case<I: Idx> {
    /// The kernel's input.
    pub input: Csr<I>,
    /// The sprs peer, where there is one.
    pub peer: Option<Peer<I>>,
}

impl<I: Idx> Case<I> {
    /// Converts `base`, prepares the kernel's input and checks the byte model: one raw call must
    /// produce exactly the output shape and nnz the plan counted.
    pub fn new<K: BenchKernel>(
        base: &Csr<u64>,
        plan: &Workload<K::Params>,
    ) -> Result<Self, String> {
        let what = |e: &dyn std::fmt::Display| format!("{}: {e}", K::NAME);
        let input = kernel_input::<K, I>(base, plan)?;
        let out = K::run(&input, &plan.params, Variant::Raw).map_err(|e| what(&e))?;
        let got = (input.shape(), out.shape(), input.nnz(), out.nnz());
        let want = (plan.input, plan.output, plan.nnz, plan.nnz);
        if got != want {
            return Err(format!(
                "{}: byte model expects (input, output, nnz in, nnz out) {want:?}, the kernel gave {got:?}",
                K::NAME
            ));
        }
        let peer = K::peer(&input, &plan.params);
        Ok(Case { input, peer })
    }
}

/// The kernel's input at index width `I`: `base` converted, then prepared by
/// [`BenchKernel::input`].
pub fn kernel_input<K: BenchKernel, I: Idx>(
    base: &Csr<u64>,
    plan: &Workload<K::Params>,
) -> Result<Csr<I>, String> {
    let what = |e: &dyn std::fmt::Display| format!("{}: {e}", K::NAME);
    let base = base.to_index::<I>().map_err(|e| what(&e))?;
    K::input(base, &plan.params).map_err(|e| what(&e))
}

/// The source of the memcpy floor for a kernel moving `bytes` ([`Workload::bytes`]): half of them,
/// non-zero so its pages are really there.
pub fn floor_source(bytes: u64) -> Vec<u8> {
    vec![0x5a; bytes.div_ceil(2) as usize]
}

/// The memcpy floor: a fresh buffer filled from `source` (from [`floor_source`]), so a read and
/// a write of half the kernel's traffic each.
#[inline]
pub fn memcpy_floor(source: &[u8]) -> Vec<u8> {
    let mut copy = Vec::with_capacity(source.len());
    copy.extend_from_slice(source);
    copy
}

pub use rawcheck_kernels::families::smallest_factor;
