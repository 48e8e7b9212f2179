//! `column_unstack(v, rows)`: the inverse of [`column_stack`](crate::column_stack()).
//!
//! Row `k` of a column `v` of length `rows * cols` goes to entry `(k % rows, k / rows)` of a
//! `rows x cols` matrix; the result equals `transpose(reshape(v, cols, rows))`. A counting sort
//! by output row, division-free and with no branch on the data:
//! 1. scan: each row `k < len` of `v` writes its number to slot `row_ptr[k]` of a scratch array
//!    `flat`, in increasing `k`. A stored row's slot is its entry's position; an empty row's slot
//!    is the next stored row's, which overwrites it (`flat` has a spare last slot for the rows
//!    after the last entry). No step depends on the one before: a load and a store per row
//!    (it used to carry the slot from row to row by adding each row's length: uniform at 10^6
//!    entries, 32-bit, raw, 22.7 to 20.4 ns per entry, medians of 3 interleaved criterion runs,
//!    ranges 22.2-24.7 and 17.0-21.4);
//! 2. count: a walk over the entries turns each `k` into `(i, j)` incrementally (`i` advances by
//!    the gap to the previous `k` and wraps at `rows`, each wrap incrementing `j`) and output row
//!    `i` gains one entry, in slot `i + 1` of the zero-filled output row pointer;
//! 3. prefix sum, as in [`transpose`](crate::transpose());
//! 4. scatter: the same walk places entry `e` at the next free position of output row `i`, with
//!    column index `j` and `v`'s `e`-th value; `j` increases along the walk, so every output row
//!    comes out sorted. A second walk runs [`AHEAD`](crate::transpose::AHEAD) entries in front and asks
//!    for the output lines its entry will write (as transpose's scatter does). Once the output
//!    outgrows four times the L2 (the bound of transpose's look-ahead path, [`Plan::next_lines`]),
//!    each write also asks the L2 for the line after its own, as transpose's look-ahead path
//!    does: in the bench at 10^6 (criterion's means, binaries before and after in the order old,
//!    new, new, old) raw took 0.72x (32-bit) and 0.78x (64-bit) the time on tensor, 0.81x and
//!    0.86x on uniform, 0.82x and 0.88x on powerlaw, 0.95x and 1.02x on banded; checked and safe
//!    0.77-0.93x on the first three, 0.99-1.02x on banded. Below the bound the hint costs: taken
//!    at every size, it made raw 5-8 % slower at 10^5 (the fastest of 10 calls, 5 interleaved
//!    rounds). The plan's choice is a branch in the loop, which costs at 10^5 where the hint is
//!    off: raw executes 3 instructions an entry more (73.3 -> 76.3, Cachegrind, uniform, 32-bit)
//!    and ran 1-2 % slower (the fastest of 50 calls, 7 interleaved rounds: uniform 4.35 -> 4.41
//!    ns per entry, tensor 4.28 -> 4.37), safe at 64-bit 8 % (banded 5.61 -> 6.10, powerlaw 6.03
//!    -> 6.48). Instantiating the scatter twice instead, with and without the hint, made no
//!    copy as fast as before either, and cost safe at 64-bit its gain at 10^6;
//! 5. shift, as in [`transpose`](crate::transpose()).
//!
//! One path only: the scan reads `len / nnz` row pointers per entry (8 in the benchmarks'
//! shapes) and dominates, while the scatter's `rows` write streams are the square root of the
//! column's length: at 10^7 entries (8944 rows, 1.1 MiB of open lines) they still fit a 2 MiB L2.
//!
//! Time O(nnz + len + rows), memory O(nnz + rows).
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::cache::CacheSizes;
use crate::checks::{fits, row_ptr_len};
use crate::transpose::{outgrows_l2, output_bytes};
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
    next_lines: bool,
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
        Ok(Plan {
            input,
            rows,
            cols,
            next_lines: outgrows_l2(output_bytes::<I>(input.nnz()), CacheSizes::get()),
        })
    }

    /// As the plan, but asking for the next lines of the output rows (`true`) or not, whatever
    /// the sizes (for tests and fuzzing: a hint never changes the result).
    pub fn with_next_lines(self, next_lines: bool) -> Self {
        Plan { next_lines, ..self }
    }

    /// The column to unstack.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// `(rows, cols)` of the output.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Whether the scatter asks the L2 for the line after each one it writes (see the
    /// [module documentation](self)).
    pub fn next_lines(&self) -> bool {
        self.next_lines
    }
}

/// Where the walks of the module documentation stand: the `(i, j)` of the last row number
/// stepped over, found from the one before by additions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Position {
    i: usize,
    j: usize,
    prev: usize,
    rows: usize,
}

impl Position {
    /// Before the first entry of a walk over a column unstacked into `rows > 0` rows.
    pub(crate) fn new(rows: usize) -> Self {
        Position {
            i: 0,
            j: 0,
            prev: 0,
            rows,
        }
    }

    /// Steps to row number `k = j * rows + i`, not below the previous one, and returns `(i, j)`.
    #[inline]
    pub(crate) fn step(&mut self, k: usize) -> (usize, usize) {
        self.i += k - self.prev;
        self.prev = k;
        while self.i >= self.rows {
            self.i -= self.rows;
            self.j += 1;
        }
        (self.i, self.j)
    }
}

/// Unstacks the column `v` into a `rows x (len / rows)` matrix with the chosen variant.
pub fn column_unstack<I: Index>(
    v: &Csr<I>,
    rows: usize,
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    run(&Plan::new(v, rows)?, variant)
}

/// Runs a plan with the chosen variant.
#[allow(
    unsafe_code,
    reason = "the one trusted step from the variants' output to a `Csr`"
)]
pub fn run<I: Index>(plan: &Plan<'_, I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    let parts = match variant {
        Variant::Raw => raw::column_unstack(plan),
        Variant::Checked => checked::column_unstack(plan),
        Variant::Safe => safe::column_unstack(plan),
    }?;
    // SAFETY: every variant runs the algorithm of the module doc on a plan whose one-column
    // input has `rows * cols` rows and whose `rows`, `cols` and `rows + 1` fit (`Plan::new`):
    // input row `k` becomes entry `(k % rows, k / rows)`, so the row pointer is the prefix sum
    // of per-row counts (0 to nnz) and each output row's columns increase with `k`.
    Ok(unsafe { parts.assume_valid() })
}
