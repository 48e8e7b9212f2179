//! `column_unstack(v, rows)`: the inverse of [`column_stack`](crate::column_stack()).
//!
//! Row `k` of a column `v` of length `rows * cols` goes to entry `(k % rows, k / rows)` of a
//! `rows x cols` matrix; the result equals `transpose(reshape(v, cols, rows))`. A counting sort
//! by output row, division-free:
//! 1. count: walking `v`'s rows output column by output column (`k = j * rows + i`, with `j` and
//!    `i` advanced by nested loops), output row `i` gains `v`'s row `k` length (0 or 1), in slot
//!    `i + 1` of the zero-filled output row pointer;
//! 2. prefix sum, as in [`transpose`](crate::transpose());
//! 3. scatter: the same walk places each stored row `k` at the next free position of output row
//!    `i`, with column index `j`; `j` increases along the walk, so every output row comes out
//!    sorted;
//! 4. shift, as in [`transpose`](crate::transpose()).
//!
//! Time O(nnz + len + rows), memory O(nnz + rows).
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::reshape::fits;
use crate::transpose::row_ptr_len;
use crate::{Csr, Index, KernelError, Variant};

/// A column unstack whose parameters have been checked against its input.
///
/// Guarantees, relied upon by [`raw::column_unstack`]: the input has one column and
/// `rows * cols == input.rows()` with `rows > 0`; `rows` and `cols` fit the index type `I`, and
/// `rows + 1` does not overflow.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    rows: usize,
    cols: usize,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that the column `input` can be unstacked into `rows` rows.
    pub fn new(input: &'a Csr<I>, rows: usize) -> Result<Self, KernelError> {
        if input.cols() != 1 {
            return Err(KernelError::NotAColumn {
                rows: input.rows(),
                cols: input.cols(),
            });
        }
        if rows == 0 {
            return Err(KernelError::ZeroDimension { what: "rows" });
        }
        let len = input.rows();
        if len % rows != 0 {
            return Err(KernelError::NotAMultiple { len, rows });
        }
        let cols = len / rows;
        fits::<I>("rows", rows)?;
        fits::<I>("cols", cols)?;
        row_ptr_len(rows)?;
        Ok(Plan { input, rows, cols })
    }

    /// The column to unstack.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// `(rows, cols)` of the output.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }
}

/// Unstacks the column `v` into a `rows x (len / rows)` matrix with the chosen variant.
pub fn column_unstack<I: Index>(
    v: &Csr<I>,
    rows: usize,
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    let plan = Plan::new(v, rows)?;
    match variant {
        Variant::Raw => raw::column_unstack(&plan),
        Variant::Checked => checked::column_unstack(&plan),
        Variant::Safe => safe::column_unstack(&plan),
    }
}
