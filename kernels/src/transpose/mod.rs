//! `transpose(A)`: plain transpose (no conjugation), as QuTiP's `transpose_csr`.
//!
//! A counting sort by column, in two passes over the entries and three over the columns:
//! 1. count: the zero-filled output row pointer gets the number of entries of column `j` in slot
//!    `j + 1`;
//! 2. prefix sum: slot `j` now holds the first output position of column `j`;
//! 3. scatter: walking the input in CSR order, entry `(i, j)` goes to the next free position of
//!    output row `j`, with column index `i`, and slot `j` advances. Input rows are visited in
//!    increasing order, so every output row comes out sorted, and slot `j` ends at the end of
//!    output row `j`;
//! 4. shift: moving the slots up by one (slot 0 becomes 0) turns those ends into row pointers.
//!
//! Passes 1 to 3 are `sort_by_column` in each variant's file, which
//! [`column_stack`](crate::column_stack()) reuses with another key; the prefix sum and the shift
//! serve [`column_unstack`](crate::column_unstack()) too.
//!
//! [`Plan::new`] validates the input once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::reshape::fits;
use crate::{Csr, Index, KernelError, Variant};

/// A transpose whose output has been checked to be representable.
///
/// Guarantees, relied upon by [`raw::transpose`]: the output's `input.cols() + 1` row pointers
/// can be counted in a `usize`, and its dimensions fit the index type `I`.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that the transpose of `input` can be represented.
    pub fn new(input: &'a Csr<I>) -> Result<Self, KernelError> {
        fits::<I>("rows", input.cols())?;
        fits::<I>("cols", input.rows())?;
        row_ptr_len(input.cols())?;
        Ok(Plan { input })
    }

    /// The matrix to transpose.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }
}

/// `rows + 1`, the length of the row pointer of an output with `rows` rows, or
/// [`KernelError::OutOfMemory`] when even that count overflows (a `u64` matrix may have
/// `usize::MAX` columns; no allocator could hold its transpose's row pointers).
pub(crate) fn row_ptr_len(rows: usize) -> Result<usize, KernelError> {
    rows.checked_add(1)
        .ok_or(KernelError::OutOfMemory { bytes: usize::MAX })
}

/// Transposes `a` (no conjugation) with the chosen variant.
pub fn transpose<I: Index>(a: &Csr<I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    let plan = Plan::new(a)?;
    match variant {
        Variant::Raw => raw::transpose(&plan),
        Variant::Checked => checked::transpose(&plan),
        Variant::Safe => safe::transpose(&plan),
    }
}
