//! Bounds-checked permute_indices: the raw algorithm with slice indexing on every access.
#![forbid(unsafe_code)]
#![allow(
    clippy::needless_range_loop,
    reason = "the checked variant indexes on purpose, to measure what bounds checks cost"
)]

use num_complex::Complex64;

use super::{Path, Plan, SHORT_ROW, empty, long_row_scratch};
use crate::alloc::try_filled;
use crate::{Csr, CsrParts, Index, KernelError};

/// Permutes the plan's input; see [`super`] for the algorithm.
pub fn permute_indices<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols) = plan.permutations();
    scatter(plan.input(), rows, cols, plan.path())
}

/// Moves entry `(i, j)` of `a` to `(row_perm[i], col_perm[j])`: the core shared with
/// [`permute`](crate::permute()), on `forced` path or the rule's choice.
///
/// `row_perm` and `col_perm` must be permutations of `0..a.rows()` and `0..a.cols()` (both callers
/// check them at their boundary); otherwise this panics or returns a wrong matrix.
pub(crate) fn scatter<I: Index>(
    a: &Csr<I>,
    row_perm: &[usize],
    col_perm: &[usize],
    forced: Option<Path>,
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    // Seeded bug B2 (see the raw variant): the density test before the nnz == 0 guard.
    #[cfg(feature = "bug-permute-zero-nnz")]
    let cells_per_entry = rows.saturating_mul(cols) / nnz;
    if nnz == 0 {
        return empty(rows, cols);
    }
    #[cfg(not(feature = "bug-permute-zero-nnz"))]
    let cells_per_entry = rows.saturating_mul(cols) / nnz;
    let mut inv_row = try_filled(rows, 0usize)?;
    for i in 0..rows {
        inv_row[row_perm[i]] = i;
    }
    match Path::or_choose(forced, rows, cols, cells_per_entry) {
        Path::Gather => gather(a, &inv_row, col_perm),
        Path::CountingSort => counting_sort(a, inv_row, col_perm),
    }
}

/// The number of entries in the longest row.
fn longest_row<I: Index>(row_ptr: &[I]) -> usize {
    let mut longest = 0;
    for r in 1..row_ptr.len() {
        longest = longest.max(row_ptr[r].to_usize() - row_ptr[r - 1].to_usize());
    }
    longest
}

/// Gather path: gathers output row `i'` from input row `inv_row[i']`, mapping its columns, then
/// sorts that segment.
fn gather<I: Index>(
    a: &Csr<I>,
    inv_row: &[usize],
    col_perm: &[usize],
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let (in_ptr, in_col, in_val) = (a.row_ptr(), a.col_idx(), a.values());
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let mut scratch = long_row_scratch(longest_row(a.row_ptr()))?;
    let mut end = 0usize;
    for new_row in 0..rows {
        let i = inv_row[new_row];
        let start = in_ptr[i].to_usize();
        let len = in_ptr[i + 1].to_usize() - start;
        if len <= SHORT_ROW {
            for n in 0..len {
                #[cfg(not(feature = "bug-permute-len-for-index"))]
                let at = n;
                // Seeded bug B3 (see the raw variant): the row's length where the index belongs.
                #[cfg(feature = "bug-permute-len-for-index")]
                let at = len;
                col_idx[end + at] = I::from_usize(col_perm[in_col[start + n].to_usize()]);
                values[end + at] = in_val[start + n];
            }
            for n in 1..len {
                let (c, v) = (col_idx[end + n], values[end + n]);
                let mut pos = n;
                while pos > 0 && col_idx[end + pos - 1] > c {
                    col_idx[end + pos] = col_idx[end + pos - 1];
                    values[end + pos] = values[end + pos - 1];
                    pos -= 1;
                }
                col_idx[end + pos] = c;
                values[end + pos] = v;
            }
        } else {
            scratch.clear();
            for n in 0..len {
                let c = col_perm[in_col[start + n].to_usize()];
                scratch.push((I::from_usize(c), I::from_usize(n)));
            }
            scratch.sort_unstable_by_key(|&(c, _)| c);
            for n in 0..len {
                let (c, at) = scratch[n];
                col_idx[end + n] = c;
                values[end + n] = in_val[start + at.to_usize()];
            }
        }
        end += len;
        row_ptr[new_row + 1] = I::from_usize(end);
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// General path: (a) buckets `(new row, value)` pairs by new column, visiting output rows in
/// order (a CSC with sorted rows), then (b) transposes that CSC back into CSR.
fn counting_sort<I: Index>(
    a: &Csr<I>,
    inv_row: Vec<usize>,
    col_perm: &[usize],
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let (in_ptr, in_col, in_val) = (a.row_ptr(), a.col_idx(), a.values());
    // (a) Entries per input column, then the start of each new column's bucket, then the next
    // free slot of input column j's bucket (that of new column col_perm[j]).
    let mut next = try_filled(cols, 0usize)?;
    for k in 0..nnz {
        next[in_col[k].to_usize()] += 1;
    }
    let mut col_start = try_filled(cols + 1, 0usize)?;
    for j in 0..cols {
        col_start[col_perm[j] + 1] = next[j];
    }
    for c in 0..cols {
        col_start[c + 1] += col_start[c];
    }
    for j in 0..cols {
        next[j] = col_start[col_perm[j]];
    }
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut csc = try_filled(nnz, (I::ZERO, Complex64::default()))?;
    for new_row in 0..rows {
        let i = inv_row[new_row];
        let (start, end) = (in_ptr[i].to_usize(), in_ptr[i + 1].to_usize());
        for k in start..end {
            let j = in_col[k].to_usize();
            csc[next[j]] = (I::from_usize(new_row), in_val[k]);
            next[j] += 1;
        }
        row_ptr[new_row + 1] = I::from_usize(row_ptr[new_row].to_usize() + (end - start));
    }
    // (b) Counting sort by row: the next free slot of each output row, columns visited in order.
    let mut cursor = inv_row;
    for r in 0..rows {
        cursor[r] = row_ptr[r].to_usize();
    }
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    for c in 0..cols {
        for p in col_start[c]..col_start[c + 1] {
            let (r, v) = (csc[p].0.to_usize(), csc[p].1);
            col_idx[cursor[r]] = I::from_usize(c);
            values[cursor[r]] = v;
            cursor[r] += 1;
        }
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
