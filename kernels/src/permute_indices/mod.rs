//! `permute_indices(A, rows, cols)`: scatter permutation, QuTiP's `indices_csr`.
//!
//! Entry `(i, j)` of `A` moves to `(rows[i], cols[j])`; the output keeps the shape of `A` and its
//! rows come out sorted. The work is done by a `scatter` core (one per variant, also used by
//! [`permute`](crate::permute())), which takes the two scatter permutations and picks one of two
//! paths, both O(nnz + rows + cols) and free of comparison sorts over the whole matrix:
//!
//! * **sparse path** (one pass): when the matrix is very sparse (`rows * cols / nnz >= cols / 4`,
//!   i.e. at most about four entries per row on average) and no row holds more than
//!   `SHORT_ROW` (32) entries, each output row `i'` is gathered from input row `inv_row[i']`
//!   (`inv_row` inverts `rows`), its columns are mapped through `cols`, and the short segment is
//!   insertion-sorted (fewer than `SHORT_ROW` moves per entry, so O(nnz)).
//! * **double counting sort** otherwise: (a) `(new row, value)` pairs are bucketed by their new
//!   column, visiting output rows in order, which yields a CSC matrix with sorted row indices
//!   (the buckets are counted per input column and laid out in new-column order, so the scatter
//!   needs no lookup in `cols`); (b) that CSC is transposed back into CSR (output row `i'` has
//!   the length of input row `inv_row[i']`), which leaves every row sorted by column.
//!
//! `nnz == 0` returns the empty result at once, which is also what keeps the density test's
//! division defined (QuTiP divided by zero there before commit 2dd468058).
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use crate::alloc::try_filled;
use crate::{Csr, Index, KernelError, Variant};

/// Longest row the sparse path insertion-sorts; longer rows send the matrix to the counting sort.
pub(crate) const SHORT_ROW: usize = 32;

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
        Ok(Plan { input, rows, cols })
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
pub(crate) fn empty<I: Index>(rows: usize, cols: usize) -> Result<Csr<I>, KernelError> {
    let row_ptr = try_filled(rows + 1, I::ZERO)?;
    Ok(Csr::from_kernel(
        rows,
        cols,
        row_ptr,
        Vec::new(),
        Vec::new(),
    ))
}

/// Moves entry `(i, j)` of `a` to `(rows[i], cols[j])` with the chosen variant.
pub fn permute_indices<I: Index>(
    a: &Csr<I>,
    rows: &[usize],
    cols: &[usize],
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    let plan = Plan::new(a, rows, cols)?;
    match variant {
        Variant::Raw => raw::permute_indices(&plan),
        Variant::Checked => checked::permute_indices(&plan),
        Variant::Safe => safe::permute_indices(&plan),
    }
}
