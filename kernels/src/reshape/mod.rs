//! `reshape(A, R, C)`: C-order reshape, as `numpy.reshape(order='C')`.
//!
//! The flat index `r * cols + c` is monotone in CSR order, so values are copied unchanged and only
//! column indices and row pointers are recomputed, by a division-free walk: the output row advances
//! while the flat index passes the end of the current output row. The walk goes a row at a time:
//! first past the output rows that begin at or before the input row's first cell (each begins
//! with the row's first entry), then, when the whole input row lies in the current output row
//! (always when the output rows are whole multiples of the input rows, as in the bench's shapes,
//! and for most rows when they are longer), every column moves by the row's offset in it, with
//! no branch per entry; only an input row that crosses an output row's end is walked entry by
//! entry. Against the walk of every entry (prototype, 32-bit, the bench's shapes, 5 interleaved
//! pairs of the fastest of 20 calls, new/old median): uniform 0.48 at 1e5 and 0.65 at 1e6,
//! tensor 0.69 and 0.81, powerlaw 0.77 and 0.76, banded 0.87 and 0.91. The branch per entry it
//! removes mispredicted 0.03 to 0.22 times per entry (Callgrind, 1e5). In the bench (criterion's
//! means, the binaries before and after in the order old, new, new, old, both widths) raw took
//! 0.41-0.57x at 1e5 on uniform, 0.65-0.95x on tensor and powerlaw, 0.98-1.08x on banded (rows
//! of 7, whose walk mispredicted least per row), and 0.82-1.06x at 1e6, where the copy of the
//! values dominates; safe 0.43-0.93x at 1e5 and 0.65-1.12x at 1e6.
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
