//! `reshape(A, R, C)`: C-order reshape, as `numpy.reshape(order='C')`.
//!
//! The flat index `r * cols + c` is monotone in CSR order, so values are copied unchanged and only
//! column indices and row pointers are recomputed, by a division-free walk: the output row advances
//! while the flat index passes the end of the current output row.
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::checks::{checked_size, fits, row_ptr_len};
use crate::{Csr, Index, KernelError, Variant};

/// A reshape whose parameters have been checked against its input.
///
/// Guarantees, relied upon by [`raw::reshape`]: `rows * cols == input.rows() * input.cols()`
/// without overflow, `rows, cols > 0`, `rows`, `cols` fit the index type `I`, and `rows + 1`
/// (the output's row-pointer length) does not overflow.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    rows: usize,
    cols: usize,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that `input` can be reshaped to `rows x cols`.
    pub fn new(input: &'a Csr<I>, rows: usize, cols: usize) -> Result<Self, KernelError> {
        if rows == 0 {
            return Err(KernelError::ZeroDimension { what: "rows" });
        }
        if cols == 0 {
            return Err(KernelError::ZeroDimension { what: "cols" });
        }
        let len = checked_size("input size", input.rows(), input.cols())?;
        let new_len = checked_size("requested size", rows, cols)?;
        if len != new_len {
            return Err(KernelError::ReshapeSize {
                rows: input.rows(),
                cols: input.cols(),
                new_rows: rows,
                new_cols: cols,
                len,
                new_len,
            });
        }
        fits::<I>("rows", rows)?;
        fits::<I>("cols", cols)?;
        row_ptr_len(rows)?;
        Ok(Plan { input, rows, cols })
    }

    /// The matrix to reshape.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// `(rows, cols)` of the output.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }
}

/// Reshapes `a` to `rows x cols` (C order) with the chosen variant.
#[allow(
    unsafe_code,
    reason = "the one trusted step from the variants' output to a `Csr`"
)]
pub fn reshape<I: Index>(
    a: &Csr<I>,
    rows: usize,
    cols: usize,
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    let plan = Plan::new(a, rows, cols)?;
    let parts = match variant {
        Variant::Raw => raw::reshape(&plan),
        Variant::Checked => checked::reshape(&plan),
        Variant::Safe => safe::reshape(&plan),
    }?;
    // SAFETY: the variants walk the module doc's path on a plan whose `rows * cols` is the input's
    // size and whose dimensions and `rows + 1` fit (`Plan::new`): entries keep their CSR order,
    // each flat index maps to one `(row, col)`, `col < cols`, increasing within a row as the
    // input's flat indices do, and the row pointer counts entries per row from 0 to nnz.
    Ok(unsafe { parts.assume_valid() })
}
