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
//! A whole input row moves `CHUNK` (8) columns at a time, running past the row's end into the
//! slots of the rows after it, which write them again (a row's output slots are its input slots,
//! and rows go in order); only rows whose last chunk would pass `nnz` move entry by entry. The
//! loop over a row then runs once for a row of up to 8 entries, where a loop of `len` steps
//! mispredicted its exit on most rows of varying length. Cachegrind with the EPYC's caches
//! (`--D1=32768,8,64 --LL=1048576,16,64 --branch-sim=yes`, `scatter_probe reshape F 1000000 V
//! rule 32` with 3 calls minus 2, under the counts bench's `GLIBC_TUNABLES`), raw, per entry,
//! before -> after: powerlaw 8.94 -> 7.87 instructions and 0.19 -> 0.08 mispredicted branches,
//! banded (rows of 7) 13.29 -> 8.29 and 0.11 -> 0.00, tensor 9.21 -> 7.73 and 0.14 -> 0.06,
//! uniform (rows of 141) 4.58 -> 4.35 and 0.02 -> 0.01; safe powerlaw 10.86 -> 10.02 and 0.21 ->
//! 0.13, banded 15.53 -> 10.52, tensor 11.34 -> 9.81, uniform 5.25 -> 5.28; misses unchanged
//! (0.64 D1 and L2 raw, 0.70 safe, which zero-fills its column indices first). In time
//! (`scatter_probe`, 32-bit, 6 interleaved rounds of the fastest of 20 calls at 1e6, 100 at
//! 1e5, median ns per entry), raw at 1e6: powerlaw 2.16 -> 1.90, banded 1.41 -> 1.17, tensor
//! 1.54 -> 1.32, uniform 1.17 -> 1.16 (64-bit powerlaw 2.24 -> 1.78, banded 1.44 -> 1.24); at
//! 1e5 powerlaw 0.70 -> 0.56, banded 0.78 -> 0.54, tensor 0.81 -> 0.71; safe at 1e6 powerlaw
//! 2.29 -> 1.85, banded 1.58 -> 1.28, tensor 1.65 -> 1.45, uniform 1.19 -> 1.23. The checked
//! variant indexes every entry of a chunk, which costs it on long rows (uniform 5.54 -> 7.30
//! instructions per entry, 1.04 -> 1.23 ns; tensor 1.53 -> 1.69 ns; powerlaw 12.33 -> 12.65 and
//! 2.76 -> 2.08 ns).
//!
//! The loop tests its end after each step, so an empty row moves one chunk too (into slots the
//! rows after it write again) and every row of up to 8 entries, empty or not, runs it exactly
//! once. Tested before the step, the loop ran 0 or 1 times on the short rows, and powerlaw's
//! shuffled Zipf rows (most of them 0 to 2 entries) mispredicted that exit on about half of
//! them. Cachegrind (`--branch-sim=yes`, `scatter_probe reshape F 1000000 V rule 32` with 3
//! calls minus 2), per entry, before -> after: raw powerlaw 7.87 -> 8.23 instructions and 0.077
//! -> 0.028 mispredicted branches, safe 13.80 -> 14.43 and 0.121 -> 0.027; tensor raw 7.73 ->
//! 8.01 and 0.059 -> 0.063 (its Kronecker row lengths repeat, and the predictor follows them;
//! the empty rows' chunks are the added instructions). In time (`scatter_probe`, 6 interleaved
//! rounds of the fastest of 15 calls at 1e6, median (range) ns per entry), powerlaw raw 1.36
//! (1.35-1.40) -> 1.08 (1.06-1.09), 64-bit 1.56 -> 1.31, checked 1.65 -> 1.42, safe 1.45 ->
//! 1.19; tensor raw 0.91 (0.89-0.92) -> 0.94 (0.92-0.94), checked 1.20 -> 1.27, safe 1.09 ->
//! 1.09; banded 0.94 -> 0.92. At 1e5 (60 calls) nothing moved by more than 0.02 ns: there the
//! predictor learns the whole matrix's row lengths over the repeated calls.
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::checks::{checked_size, fits, row_ptr_len};
use crate::{Csr, Index, KernelError, Variant};

/// Column `col` of an input row that begins at flat index `base` and lies wholly in the output
/// row that begins at flat index `row_start`: `base + col - row_start`, below the output's
/// column count when `col` is below the input's. Seeded bug B4 keeps the flat index in the index
/// type, as the raw variant's walk does.
#[inline(always)]
pub(crate) fn whole_row_column<I: Index>(col: I, base: usize, row_start: usize) -> I {
    #[cfg(not(feature = "bug-flat-index-overflow"))]
    let flat = base + col.to_usize();
    #[cfg(feature = "bug-flat-index-overflow")]
    let flat = I::from_usize(base + col.to_usize()).to_usize();
    I::from_usize(flat - row_start)
}

/// Column indices a whole input row moves per step (see the [module documentation](self)): a
/// row's loop runs `len.div_ceil(CHUNK).max(1)` times, which for most rows is once, and each
/// step is a fixed-width copy-and-add the compiler vectorises.
pub(crate) const CHUNK: usize = 8;

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
