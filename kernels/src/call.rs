//! A kernel call with its parameters: the one dispatch the `rawcheck` CLI, the fuzz harness and
//! the reference tests share.

use crate::{Csr, Index, Kernel, KernelError, Variant};

/// One of the kernels with every parameter besides the input matrix, ready to run on a matrix
/// of either index width in any [`Variant`]. The parameters are passed to the kernel as they
/// are: [`Call::apply`] validates nothing itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// [`reshape`](crate::reshape()) to `rows x cols`.
    Reshape {
        /// Requested rows.
        rows: usize,
        /// Requested columns.
        cols: usize,
    },
    /// [`transpose`](crate::transpose()).
    Transpose,
    /// [`column_stack`](crate::column_stack()).
    ColumnStack,
    /// [`column_unstack`](crate::column_unstack()) into `rows` rows.
    ColumnUnstack {
        /// Rows of the result.
        rows: usize,
    },
    /// [`permute`](crate::permute()) of the subsystems `dims` into `order`.
    Permute {
        /// Subsystem dimensions.
        dims: Vec<usize>,
        /// New order of the subsystems.
        order: Vec<usize>,
    },
    /// [`permute_indices`](crate::permute_indices()): entry `(i, j)` moves to
    /// `(rows[i], cols[j])`.
    PermuteIndices {
        /// Row `i` moves to `rows[i]`.
        rows: Vec<usize>,
        /// Column `j` moves to `cols[j]`.
        cols: Vec<usize>,
    },
}

impl Call {
    /// The kernel called.
    pub fn kernel(&self) -> Kernel {
        match self {
            Call::Reshape { .. } => Kernel::Reshape,
            Call::Transpose => Kernel::Transpose,
            Call::ColumnStack => Kernel::ColumnStack,
            Call::ColumnUnstack { .. } => Kernel::ColumnUnstack,
            Call::Permute { .. } => Kernel::Permute,
            Call::PermuteIndices { .. } => Kernel::PermuteIndices,
        }
    }

    /// Runs the kernel's public function on `a` in variant `v`.
    pub fn apply<I: Index>(&self, a: &Csr<I>, v: Variant) -> Result<Csr<I>, KernelError> {
        match self {
            Call::Reshape { rows, cols } => crate::reshape(a, *rows, *cols, v),
            Call::Transpose => crate::transpose(a, v),
            Call::ColumnStack => crate::column_stack(a, v),
            Call::ColumnUnstack { rows } => crate::column_unstack(a, *rows, v),
            Call::Permute { dims, order } => crate::permute(a, dims, order, v),
            Call::PermuteIndices { rows, cols } => crate::permute_indices(a, rows, cols, v),
        }
    }
}
