//! `permute_indices(A, rows, cols)`: scatter permutation, QuTiP's `indices_csr`.
//!
//! Entry `(i, j)` of `A` moves to `(rows[i], cols[j])`; the output keeps the shape of `A` and its
//! rows come out sorted. The work is done by a `scatter` core (one per variant, also used by
//! [`permute`](crate::permute())), which takes the two scatter permutations and follows one of
//! two [`Path`]s, both free of comparison sorts over the whole matrix:
//!
//! * [`Path::Gather`]: output row `i'` *is* input row `inv_row[i']` (`inv_row` inverts `rows`)
//!   with its columns mapped through `cols`, so each output row is gathered from its input row,
//!   its columns mapped, and the segment sorted: up to `SHORT_ROW` (32) entries it is written
//!   and insertion-sorted in place; a longer row's `(new column, position)` pairs are sorted in
//!   a scratch row (8 bytes a pair with 32-bit indices), then its entries are copied out in that
//!   order. Every output array is written front to back; the reads jump once per row (and once
//!   per entry into `cols`, which is sequential for banded and tensor-structured column maps).
//!   O(nnz log(longest row)).
//! * [`Path::CountingSort`], two counting sorts, O(nnz + rows + cols): (a) `(new row, value)`
//!   pairs are bucketed by their new column, visiting output rows in order, which yields a CSC
//!   matrix with sorted row indices (the buckets are counted per input column and laid out in
//!   new-column order, so the scatter needs no lookup in `cols`); (b) that CSC is transposed
//!   back into CSR (output row `i'` has the length of input row `inv_row[i']`), which leaves
//!   every row sorted by column. Each pass writes one stream per bucket (`cols`, then `rows`
//!   of them), at random.
//!
//! **The path rule** ([`Path::choose`]): the counting sort is taken only when the average row
//! holds more than `SHORT_ROW` entries (`rows * cols / nnz < cols / SHORT_ROW`: gathering would
//! have to sort long rows) *and* the write streams of both of its passes stay in cache: pass (b)
//! keeps two lines open per bucket (a column index and a value), pass (a) one, so the rule asks
//! `max(rows, cols) * 2 * line <= l2 / 6` with the sizes of
//! [`CacheSizes::get`](crate::cache::CacheSizes::get). Otherwise the gather path runs: its writes
//! are sequential whatever the size, where the counting sort's open lines, once they crowd the
//! L2 (which also holds the input streams and the bucket cursors), make nearly every store a
//! miss. The sixth is the crossover measured on uniform 2 % matrices on a 2 MiB L2 (both widths,
//! all variants): the counting sort wins at `dim = 2236` (1e5 entries, 286 KiB of open lines),
//! the two tie at 2800 (358 KiB), gathering wins from 3500 (448 KiB, 15-40 %) and at 7071 (1e6
//! entries: 1.25 instead of 5.7 L1d misses per entry, 0.64 instead of 1.54 L2 misses, for 4x
//! the instructions of its row sorts). [`Plan::with_path`] forces a path (tests, fuzzing,
//! benches).
//!
//! `nnz == 0` returns the empty result at once, which is also what keeps the density test's
//! division defined (QuTiP divided by zero there before commit 2dd468058).
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::alloc::{try_filled, try_with_capacity};
use crate::cache::CacheSizes;
use crate::{Csr, CsrParts, Index, KernelError, Variant};

/// Longest row the gather path insertion-sorts in place; longer rows are sorted as pairs.
pub(crate) const SHORT_ROW: usize = 32;

/// The algorithm of the scatter core; see the [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Path {
    /// Each output row gathered from its input row, its mapped columns sorted.
    Gather,
    /// Two counting sorts: by new column into a CSC, then by new row back into CSR.
    CountingSort,
}

impl Path {
    /// Every path.
    pub const ALL: [Path; 2] = [Path::Gather, Path::CountingSort];

    /// The path rule for a `rows x cols` matrix with `cells_per_entry = rows * cols / nnz` (see
    /// the [module documentation](self)).
    pub fn choose(rows: usize, cols: usize, cells_per_entry: usize, cache: CacheSizes) -> Path {
        let long_rows = cells_per_entry.saturating_mul(SHORT_ROW) < cols;
        let streams_fit = rows.max(cols).saturating_mul(2 * cache.line) <= cache.l2 / 6;
        if long_rows && streams_fit {
            Path::CountingSort
        } else {
            Path::Gather
        }
    }

    /// The path `forced`, or the rule's choice.
    pub(crate) fn or_choose(
        forced: Option<Path>,
        rows: usize,
        cols: usize,
        cells_per_entry: usize,
    ) -> Path {
        forced.unwrap_or_else(|| Path::choose(rows, cols, cells_per_entry, CacheSizes::get()))
    }
}

/// A scatter permutation whose parameters have been checked against its input.
///
/// Guarantees, relied upon by [`raw::permute_indices`]: `rows` is a permutation of
/// `0..input.rows()` and `cols` a permutation of `0..input.cols()` (right length, every element
/// in range, no duplicates).
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    rows: &'a [usize],
    cols: &'a [usize],
    path: Option<Path>,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that `rows` and `cols` are permutations of the row and column indices of `input`.
    pub fn new(
        input: &'a Csr<I>,
        rows: &'a [usize],
        cols: &'a [usize],
    ) -> Result<Self, KernelError> {
        check_axis("row", rows, input.rows())?;
        check_axis("column", cols, input.cols())?;
        Ok(Plan {
            input,
            rows,
            cols,
            path: None,
        })
    }

    /// The same plan following `path` whatever the rule says: for tests, fuzzing and benches.
    pub fn with_path(self, path: Path) -> Self {
        Plan {
            path: Some(path),
            ..self
        }
    }

    /// The forced path, `None` when [`Path::choose`] decides.
    pub fn path(&self) -> Option<Path> {
        self.path
    }

    /// The matrix to permute.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// `(rows, cols)`: where each input row and each input column goes.
    pub fn permutations(&self) -> (&'a [usize], &'a [usize]) {
        (self.rows, self.cols)
    }
}

/// Checks one axis of a scatter permutation: its length, then its elements.
fn check_axis(axis: &'static str, perm: &[usize], len: usize) -> Result<(), KernelError> {
    if perm.len() != len {
        return Err(KernelError::PermutationLength {
            axis,
            expected: len,
            found: perm.len(),
        });
    }
    check_permutation(
        perm,
        |position, value| KernelError::PermutationOutOfRange {
            axis,
            position,
            value,
            len,
        },
        |position, value| KernelError::PermutationDuplicate {
            axis,
            position,
            value,
        },
    )
}

/// Checks that `perm` is a permutation of `0..perm.len()`: first that every element is in range
/// (reported by `out_of_range(position, value)` for the first one that is not), then that none
/// repeats (`duplicate(position, value)` for the first second occurrence), in O(len) with a
/// bitmap of seen elements.
pub(crate) fn check_permutation(
    perm: &[usize],
    out_of_range: impl FnOnce(usize, usize) -> KernelError,
    duplicate: impl FnOnce(usize, usize) -> KernelError,
) -> Result<(), KernelError> {
    let len = perm.len();
    if let Some(position) = perm.iter().position(|&v| v >= len) {
        return Err(out_of_range(position, perm[position]));
    }
    let mut seen = try_filled(len.div_ceil(64), 0u64)?;
    for (position, &value) in perm.iter().enumerate() {
        let (word, bit) = (&mut seen[value / 64], 1u64 << (value % 64));
        if *word & bit != 0 {
            return Err(duplicate(position, value));
        }
        *word |= bit;
    }
    Ok(())
}

/// The `rows x cols` matrix with no stored entry: what every variant returns when `nnz == 0`.
pub(crate) fn empty<I: Index>(rows: usize, cols: usize) -> Result<CsrParts<I>, KernelError> {
    let row_ptr = try_filled(rows + 1, I::ZERO)?;
    Ok(CsrParts::new(rows, cols, row_ptr, Vec::new(), Vec::new()))
}

/// The scratch row of the gather path: room for the `(new column, position)` pairs of the
/// longest row when it is longer than [`SHORT_ROW`], else none.
pub(crate) fn long_row_scratch<I: Index>(longest: usize) -> Result<Vec<(I, I)>, KernelError> {
    try_with_capacity(if longest > SHORT_ROW { longest } else { 0 })
}

impl<I: Index> Plan<'_, I> {
    /// Runs the plan with `variant`.
    #[allow(
        unsafe_code,
        reason = "the one trusted step from the variants' output to a `Csr`"
    )]
    pub fn run(&self, variant: Variant) -> Result<Csr<I>, KernelError> {
        let parts = match variant {
            Variant::Raw => raw::permute_indices(self),
            Variant::Checked => checked::permute_indices(self),
            Variant::Safe => safe::permute_indices(self),
        }?;
        // SAFETY: `rows`, `cols` are permutations of the input's axes (`Plan::new`), so each path
        // of the module doc moves every entry once to an in-range `(rows[i], cols[j])`, keeps the
        // shape (fits `I`), counts the row pointer from 0 to nnz, and sorts each row's columns,
        // strictly increasing as images of distinct columns.
        Ok(unsafe { parts.assume_valid() })
    }
}

/// Moves entry `(i, j)` of `a` to `(rows[i], cols[j])` with the chosen variant.
pub fn permute_indices<I: Index>(
    a: &Csr<I>,
    rows: &[usize],
    cols: &[usize],
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    Plan::new(a, rows, cols)?.run(variant)
}
