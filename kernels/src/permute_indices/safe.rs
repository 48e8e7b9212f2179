//! Safe permute_indices: no `unsafe`; iterators over pre-sliced rows let the compiler drop the
//! bounds checks of sequential accesses (scattered writes keep theirs).
#![forbid(unsafe_code)]

use num_complex::Complex64;

use super::{Path, Plan, SHORT_ROW, empty, long_row_scratch};
use crate::alloc::{try_filled, try_with_capacity};
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
    if nnz == 0 {
        return empty(rows, cols);
    }
    let cells_per_entry = rows.saturating_mul(cols) / nnz;
    let mut inv_row = try_filled(rows, 0usize)?;
    for (i, &r) in row_perm.iter().enumerate() {
        inv_row[r] = i;
    }
    match Path::or_choose(forced, rows, cols, cells_per_entry) {
        Path::Gather => gather(a, &inv_row, col_perm),
        Path::CountingSort => counting_sort(a, inv_row, col_perm),
    }
}

/// The number of entries in the longest row.
fn longest_row<I: Index>(row_ptr: &[I]) -> usize {
    row_ptr
        .windows(2)
        .map(|w| w[1].to_usize() - w[0].to_usize())
        .max()
        .unwrap_or(0)
}

/// Input row `i` as (columns, values).
#[inline]
fn row<I: Index>(a: &Csr<I>, i: usize) -> (&[I], &[Complex64]) {
    let range = a.row_ptr()[i].to_usize()..a.row_ptr()[i + 1].to_usize();
    (&a.col_idx()[range.clone()], &a.values()[range])
}

/// Gather path: gathers output row `i'` from input row `inv_row[i']`, mapping its columns, then
/// sorts that segment.
fn gather<I: Index>(
    a: &Csr<I>,
    inv_row: &[usize],
    col_perm: &[usize],
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let mut scratch = long_row_scratch(longest_row(a.row_ptr()))?;
    // The unwritten tails of the outputs; each row splits its segment off their front.
    let (mut rest_col, mut rest_val) = (&mut col_idx[..], &mut values[..]);
    let mut end = 0;
    for (&i, out_end) in inv_row.iter().zip(&mut row_ptr[1..]) {
        let (in_col, in_val) = row(a, i);
        let (seg_col, tail_col) = std::mem::take(&mut rest_col).split_at_mut(in_col.len());
        let (seg_val, tail_val) = std::mem::take(&mut rest_val).split_at_mut(in_col.len());
        (rest_col, rest_val) = (tail_col, tail_val);
        if in_col.len() <= SHORT_ROW {
            for ((out_c, out_v), (&j, &v)) in seg_col
                .iter_mut()
                .zip(&mut *seg_val)
                .zip(in_col.iter().zip(in_val))
            {
                *out_c = I::from_usize(col_perm[j.to_usize()]);
                *out_v = v;
            }
            for n in 1..seg_col.len() {
                let (c, v) = (seg_col[n], seg_val[n]);
                let mut pos = n;
                while pos > 0 && seg_col[pos - 1] > c {
                    seg_col[pos] = seg_col[pos - 1];
                    seg_val[pos] = seg_val[pos - 1];
                    pos -= 1;
                }
                seg_col[pos] = c;
                seg_val[pos] = v;
            }
        } else {
            scratch.clear();
            scratch.extend(
                in_col
                    .iter()
                    .enumerate()
                    .map(|(n, &j)| (I::from_usize(col_perm[j.to_usize()]), I::from_usize(n))),
            );
            scratch.sort_unstable_by_key(|&(c, _)| c);
            for ((out_c, out_v), &(c, at)) in seg_col.iter_mut().zip(seg_val).zip(&scratch) {
                *out_c = c;
                *out_v = in_val[at.to_usize()];
            }
        }
        end += in_col.len();
        *out_end = I::from_usize(end);
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
    // (a) Entries per input column, then the start of each new column's bucket, then the next
    // free slot of input column j's bucket (that of new column col_perm[j]).
    let mut next = try_filled(cols, 0usize)?;
    for &j in a.col_idx() {
        next[j.to_usize()] += 1;
    }
    let mut col_start = try_filled(cols + 1, 0usize)?;
    for (&c, &count) in col_perm.iter().zip(&next) {
        col_start[c + 1] = count;
    }
    let mut sum = 0;
    for s in &mut col_start {
        sum += *s;
        *s = sum;
    }
    for (slot, &c) in next.iter_mut().zip(col_perm) {
        *slot = col_start[c];
    }
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut csc = try_filled(nnz, (I::ZERO, Complex64::default()))?;
    row_ptr.push(I::ZERO);
    let mut end = 0;
    for (new_row, &i) in inv_row.iter().enumerate() {
        let (in_col, in_val) = row(a, i);
        for (&j, &v) in in_col.iter().zip(in_val) {
            let slot = &mut next[j.to_usize()];
            csc[*slot] = (I::from_usize(new_row), v);
            *slot += 1;
        }
        end += in_col.len();
        row_ptr.push(I::from_usize(end));
    }
    // (b) Counting sort by row: the next free slot of each output row, columns visited in order.
    let mut cursor = inv_row;
    for (slot, &start) in cursor.iter_mut().zip(&row_ptr) {
        *slot = start.to_usize();
    }
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    for (c, w) in col_start.windows(2).enumerate() {
        for &(r, v) in &csc[w[0]..w[1]] {
            let slot = &mut cursor[r.to_usize()];
            col_idx[*slot] = I::from_usize(c);
            values[*slot] = v;
            *slot += 1;
        }
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
