//! `column_stack(A)`: Fortran-order vectorisation, QuTiP's `operator_to_vector`.
//!
//! Entry `(i, j)` of a `rows x cols` matrix goes to row `j * rows + i` of a `(rows * cols) x 1`
//! column, so the result equals `reshape(transpose(A), rows * cols, 1)`. In one step:
//! 1. the counting sort of [`transpose`](crate::transpose()) orders the entries by column (then
//!    row), using a scratch column pointer (grown afterwards into the output row pointer: one
//!    allocation fewer), and stores each entry's output row `j * rows + i` where the transpose
//!    stores `i`: the values land in their final order, and the output rows come out strictly
//!    increasing;
//! 2. a walk over those rows fills the `rows * cols + 1` output row pointers (every row pointer up
//!    to an entry's row gets the entry's position, the tail gets nnz, like reshape's tail fill)
//!    and overwrites each stored row with the single column index 0.
//!
//! Time and memory O(nnz + rows * cols): the output row pointer has `rows * cols + 1` entries.
//!
//! [`Plan::new`] validates the input once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::reshape::{checked_size, fits};
use crate::transpose::row_ptr_len;
use crate::{Csr, Index, KernelError, Variant};

/// A column stack whose output has been checked to be representable.
///
/// Guarantees, relied upon by [`raw::column_stack`]: `len = input.rows() * input.cols()` does not
/// overflow, fits the index type `I` (so every output row `j * rows + i < len` does), and
/// neither `len + 1` (the output row pointer) nor `input.cols() + 1` (the scratch column
/// pointer of the counting sort) overflows.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    len: usize,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that `input` can be stacked into one column with index type `I`.
    pub fn new(input: &'a Csr<I>) -> Result<Self, KernelError> {
        let len = checked_size("column_stack length", input.rows(), input.cols())?;
        fits::<I>("rows", len)?;
        row_ptr_len(len)?;
        row_ptr_len(input.cols())?;
        Ok(Plan { input, len })
    }

    /// The matrix to stack.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// Rows of the output column: `input.rows() * input.cols()`.
    pub fn output_rows(&self) -> usize {
        self.len
    }
}

/// Stacks the columns of `a` into one `(rows * cols) x 1` column with the chosen variant.
pub fn column_stack<I: Index>(a: &Csr<I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    let plan = Plan::new(a)?;
    match variant {
        Variant::Raw => raw::column_stack(&plan),
        Variant::Checked => checked::column_stack(&plan),
        Variant::Safe => safe::column_stack(&plan),
    }
}
