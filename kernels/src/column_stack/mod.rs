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
//!    and overwrites each stored row with the single column index 0. The walk has no branch on
//!    the usual gap between rows: each entry writes its position to the next
//!    [`SPECULATIVE_FILL`] row pointers at once (the next entries overwrite those past its row;
//!    the buffer has as many spare slots at its end), and only a longer gap takes a loop.
//!    Every fill loop runs over an exclusive range (`a..b + 1`, never `a..=b`, whose extra end
//!    test keeps the compiler from turning the loop into vector stores): on banded at 1e5
//!    entries (every column's gap of about 780 rows filled by that loop) raw ran 103
//!    instructions per entry with the inclusive ranges and runs 52 (Callgrind), 0.62x the time
//!    (median of 5 interleaved runs; 0.81x at 1e6, tensor 0.88x, uniform and powerlaw 0.95x).
//!
//! A longer fill trades stores for mispredicted loops, and which wins depends on the matrix. With
//! 24 row pointers instead of 16, the gaps past the fill fall from 12 % to 4 % of the entries on
//! uniform and powerlaw, and on 32-bit indices raw ran faster there (the fastest of 10 calls, 5
//! interleaved rounds, median ns per entry, 16 -> 24: uniform 8.33 -> 7.81 at 1e6 and 4.15 ->
//! 3.73 at 1e5, powerlaw 8.29 -> 7.79 and 4.20 -> 3.76). Tensor's and banded's gaps are
//! structured (1 to 2 % and none of them between 17 and 24 rows): there the 8 more pointers
//! only cost, 3.27 -> 3.88 and 3.00 -> 3.57 at 1e5, banded 5.60 -> 6.18 at 1e6. On 64-bit
//! indices, twice the bytes, uniform and powerlaw gained 2 to 4 % at 1e5 and nothing at 1e6,
//! tensor and banded lost 21 % at 1e5. So the fill stays at 16 for every matrix.
//!
//! The counting sort takes the [`Path`] that [`Path::choose`] picks for transpose from the
//! input and the caches; [`Plan::with_path`] forces one.
//!
//! Time and memory O(nnz + rows * cols): the output row pointer has `rows * cols + 1` entries.
//!
//! [`Plan::new`] validates the input once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::cache::CacheSizes;
use crate::checks::{checked_size, fits, row_ptr_len};
use crate::transpose::Path;
use crate::{Csr, Index, KernelError, Variant};

/// Row pointers the walk writes per entry before it looks at the entry's row: 16 covers the gap
/// of a column with one stored element in 8 (the benchmarks' shapes) 88 % of the time.
pub const SPECULATIVE_FILL: usize = 16;

/// A column stack whose output has been checked to be representable.
///
/// Guarantees, relied upon by [`raw::column_stack`]: `len = input.rows() * input.cols()` does not
/// overflow, fits the index type `I` (so every output row `j * rows + i < len` does), and
/// neither `len + 1 + SPECULATIVE_FILL` (the output row pointer and its spare slots) nor
/// `input.cols() + 1` (the scratch column pointer of the counting sort) overflows.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    len: usize,
    path: Path,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that `input` can be stacked into one column with index type `I`, and picks the
    /// counting sort's [`Path`] as [`transpose`](crate::transpose::Path::choose) does.
    pub fn new(input: &'a Csr<I>) -> Result<Self, KernelError> {
        let path = Path::choose(input, CacheSizes::get());
        Self::with_path(input, path)
    }

    /// As [`Plan::new`], but with the given path, whatever the sizes (for tests, fuzzing and
    /// benchmarks). A shift above 63 counts as 63.
    pub fn with_path(input: &'a Csr<I>, path: Path) -> Result<Self, KernelError> {
        let len = checked_size("column_stack length", input.rows(), input.cols())?;
        fits::<I>("rows", len)?;
        row_ptr_len(len.saturating_add(SPECULATIVE_FILL))?;
        row_ptr_len(input.cols())?;
        Ok(Plan {
            input,
            len,
            path: path.clamped(),
        })
    }

    /// The matrix to stack.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// Rows of the output column: `input.rows() * input.cols()`.
    pub fn output_rows(&self) -> usize {
        self.len
    }

    /// How the counting sort moves the entries.
    pub fn path(&self) -> Path {
        self.path
    }
}

/// Stacks the columns of `a` into one `(rows * cols) x 1` column with the chosen variant.
pub fn column_stack<I: Index>(a: &Csr<I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    run(&Plan::new(a)?, variant)
}

/// Runs a plan with the chosen variant.
#[allow(
    unsafe_code,
    reason = "the one trusted step from the variants' output to a `Csr`"
)]
pub fn run<I: Index>(plan: &Plan<'_, I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    let parts = match variant {
        Variant::Raw => raw::column_stack(plan),
        Variant::Checked => checked::column_stack(plan),
        Variant::Safe => safe::column_stack(plan),
    }?;
    // SAFETY: every variant runs the algorithm of the module doc on a plan whose output length
    // `len` fits `I` (`Plan::with_path`): the output has `len` rows and one column, each input
    // entry `(i, j)` lands once in row `j * rows + i < len` with column 0, and the row pointer
    // steps by at most one per row from 0 to nnz.
    Ok(unsafe { parts.assume_valid() })
}
