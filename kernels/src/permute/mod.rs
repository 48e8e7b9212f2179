//! `permute(A, dims, order)`: tensor-subsystem permutation, QuTiP's `dimensions_csr` behind
//! `Qobj.permute`.
//!
//! With `N = prod(dims)`, `pg = arange(N).reshape(dims).transpose(order).ravel()` and the result
//! is `A[pg][:, pg]`, so `tensor(A, B, C).permute([2, 0, 1]) == tensor(C, A, B)`. Kets (`N x 1`)
//! permute their rows only, bras (`1 x N`) their columns only, square operators (`1 x 1`
//! included) both.
//!
//! Each variant first computes the scatter form `p`, the inverse of `pg`: old flat index `i`
//! goes to `p[i]`. Writing `i` as a multi-index `m` over `dims` (last axis fastest), `p[i]` is
//! `sum(m[a] * s[a])` where `s[a]` is the stride of axis `a` in the permuted shape. The walk
//! needs no division: the innermost axis fills a block of `p` with an arithmetic progression,
//! then an odometer over the other axes advances `m` and adds or removes their strides. Axes of
//! size 1 are left out of the walk, so every carry is amortised O(1) and computing `p` is O(N).
//! Then the scatter core of [`permute_indices`](crate::permute_indices()) moves the entries
//! with `p` on the permuted axes and the identity `[0]` on a ket's or bra's axis of length 1,
//! on the path its rule picks ([`Path::choose`]) unless [`Plan::with_path`] forces one.
//!
//! [`Plan::new`] validates the parameters once, including the checks QuTiP 5.3.1 lacks (it
//! trusts `prod(dims)` on its bra and sparse paths); [`raw`], [`checked`] and [`safe`] each
//! compute the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::alloc::{try_filled, try_with_capacity};
use crate::permute_indices::{Path, check_permutation};
use crate::{Csr, Index, KernelError, Variant};

/// The only permutation of an axis of length 1: a ket's column, a bra's row.
const FIXED: &[usize] = &[0];

/// Which axes of the matrix a permutation of length `prod(dims)` applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Axes {
    /// A square operator: rows and columns.
    Both,
    /// A ket (`N x 1`, `N > 1`): rows only.
    Rows,
    /// A bra (`1 x N`, `N > 1`): columns only.
    Cols,
}

/// A tensor permutation whose parameters have been checked against its input.
///
/// Guarantees, relied upon by [`raw::permute`]: `order` is a permutation of `0..dims.len()`,
/// every dim is positive, `prod(dims)` does not overflow and equals the length of every permuted
/// axis, and any axis not permuted has length 1. The walk therefore visits exactly
/// `0..prod(dims)` and yields a permutation of it.
#[derive(Debug, Clone)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    size: usize,
    axes: Axes,
    /// `(dim, stride in the permuted shape)` of every axis of size > 1 but the last one, in the
    /// order of `dims`.
    outer: Vec<(usize, usize)>,
    /// The same for the last axis of size > 1, or `(1, 1)` when there is none.
    inner: (usize, usize),
    /// The scatter core's path when forced, `None` when its rule decides.
    path: Option<Path>,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that `input` can be permuted as a tensor of shape `dims` into axis order `order`.
    ///
    /// The checks run in this order: `dims` non-empty, `order` of the same length, its elements
    /// in range, none repeated, every dim positive, `prod(dims)` without overflow, the matrix
    /// square, a ket or a bra, and `prod(dims)` equal to the dimension being permuted.
    pub fn new(input: &'a Csr<I>, dims: &[usize], order: &[usize]) -> Result<Self, KernelError> {
        if dims.is_empty() {
            return Err(KernelError::EmptyDims);
        }
        if order.len() != dims.len() {
            return Err(KernelError::OrderLength {
                expected: dims.len(),
                found: order.len(),
            });
        }
        check_permutation(
            order,
            |position, value| KernelError::OrderOutOfRange {
                position,
                value,
                len: dims.len(),
            },
            |position, value| KernelError::OrderDuplicate { position, value },
        )?;
        if let Some(position) = dims.iter().position(|&d| d == 0) {
            return Err(KernelError::ZeroDim { position });
        }
        let mut size = 1usize;
        for (position, &d) in dims.iter().enumerate() {
            size = size
                .checked_mul(d)
                .ok_or(KernelError::DimsOverflow { position })?;
        }
        let (rows, cols) = input.shape();
        let (axes, dimension) = if rows == cols {
            (Axes::Both, rows)
        } else if cols == 1 {
            (Axes::Rows, rows)
        } else if rows == 1 {
            (Axes::Cols, cols)
        } else {
            return Err(KernelError::NotPermutable { rows, cols });
        };
        #[cfg(not(feature = "bug-unchecked-dims"))]
        let mismatch = size != dimension;
        // Seeded bug B8: prod(dims) compared on the operator path only, as QuTiP 5.3.1's
        // dimensions_csr does; a ket or bra with wrong dims then scatters through a permutation
        // of the wrong length, and every variant trusts the plan.
        #[cfg(feature = "bug-unchecked-dims")]
        let mismatch = axes == Axes::Both && size != dimension;
        if mismatch {
            return Err(KernelError::DimsMismatch {
                product: size,
                dimension,
            });
        }
        // Strides of the permuted shape, dims[order[0]] x dims[order[1]] x ..., filed under the
        // original axis: stride[order[j]] = prod(dims[order[j + 1..]]). No product exceeds size.
        let mut stride = try_filled(dims.len(), 0usize)?;
        let mut s = 1;
        for &axis in order.iter().rev() {
            stride[axis] = s;
            s *= dims[axis];
        }
        let mut outer = try_with_capacity(dims.len())?;
        outer.extend(
            dims.iter()
                .zip(&stride)
                .filter(|&(&d, _)| d > 1)
                .map(|(&d, &s)| (d, s)),
        );
        let inner = outer.pop().unwrap_or((1, 1));
        Ok(Plan {
            input,
            size,
            axes,
            outer,
            inner,
            path: None,
        })
    }

    /// The same plan with the scatter core following `path` whatever its rule says (see
    /// [`Path`]): for tests, fuzzing and benches.
    pub fn with_path(self, path: Path) -> Self {
        Plan {
            path: Some(path),
            ..self
        }
    }

    /// The forced path of the scatter core, `None` when its rule decides.
    pub fn path(&self) -> Option<Path> {
        self.path
    }

    /// Runs the plan with `variant`.
    #[allow(
        unsafe_code,
        reason = "the one trusted step from the variants' output to a `Csr`"
    )]
    pub fn run(&self, variant: Variant) -> Result<Csr<I>, KernelError> {
        let parts = match variant {
            Variant::Raw => raw::permute(self),
            Variant::Checked => checked::permute(self),
            Variant::Safe => safe::permute(self),
        }?;
        // SAFETY: the walk yields a permutation of `0..prod(dims)` (the guarantees on `Plan`),
        // so `scatter_axes` hands `scatter` a permutation of the rows and one of the columns,
        // and `scatter` builds a valid matrix from any such pair (`permute_indices::Plan::run`).
        Ok(unsafe { parts.assume_valid() })
    }

    /// The matrix to permute.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// `N = prod(dims)`: the length of the scatter permutation `p`.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The mixed-radix walk: `(outer axes, innermost axis)`, each as `(dim, stride in the
    /// permuted shape)`, axes of size 1 left out. The innermost dim divides [`Plan::size`], and
    /// the outer dims multiply to the number of its blocks.
    pub fn walk(&self) -> (&[(usize, usize)], (usize, usize)) {
        (&self.outer, self.inner)
    }

    /// The row and column scatter permutations for the core, given `p`: `p` on every permuted
    /// axis, the identity `[0]` on a ket's or bra's axis of length 1.
    pub(crate) fn scatter_axes<'p>(&self, p: &'p [usize]) -> (&'p [usize], &'p [usize]) {
        match self.axes {
            Axes::Both => (p, p),
            Axes::Rows => (p, FIXED),
            Axes::Cols => (FIXED, p),
        }
    }
}

/// Permutes the tensor subsystems of `a` (shape `dims`) into `order` with the chosen variant.
pub fn permute<I: Index>(
    a: &Csr<I>,
    dims: &[usize],
    order: &[usize],
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    Plan::new(a, dims, order)?.run(variant)
}
