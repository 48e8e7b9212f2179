//! Bounds-checked permute_indices: the raw algorithm with slice indexing on every access.
#![forbid(unsafe_code)]
#![allow(
    clippy::needless_range_loop,
    reason = "the checked variant indexes on purpose, to measure what bounds checks cost"
)]

use num_complex::Complex64;

use super::{
    AHEAD, LongRows, Marks, Path, Plan, RowOrder, SHORT_ROW, ShortOrder, block_entries, empty,
    order_short_row, stage, value_slot,
};
use crate::alloc::try_filled;
use crate::cache::CacheSizes;
use crate::prefetch::{prefetch_all, prefetch_row};
use crate::{Csr, CsrParts, Index, KernelError};

/// Permutes the plan's input; see [`super`] for the algorithm.
pub fn permute_indices<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols) = plan.permutations();
    scatter(plan.input(), rows, cols, plan.path(), SHORT_ROW)
}

/// Moves entry `(i, j)` of `a` to `(row_perm[i], col_perm[j])`: the core shared with
/// [`permute`](crate::permute()), on `forced` path or the rule's choice, ranking rows of up to
/// `short_row` entries ([`short_limit`](super::short_limit)).
///
/// `row_perm` and `col_perm` must be permutations of `0..a.rows()` and `0..a.cols()` (both callers
/// check them at their boundary); otherwise this panics or returns a wrong matrix.
pub(crate) fn scatter<I: Index>(
    a: &Csr<I>,
    row_perm: &[usize],
    col_perm: &[usize],
    forced: Option<Path>,
    short_row: usize,
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
    match Path::or_choose(forced, a, cells_per_entry) {
        Path::Gather => gather(a, &inv_row, col_perm, false, short_row),
        Path::Bitmap => gather(a, &inv_row, col_perm, true, short_row),
        Path::Scatter => rows_scatter(a, row_perm, &inv_row, col_perm, false, short_row),
        Path::ScatterBitmap => rows_scatter(a, row_perm, &inv_row, col_perm, true, short_row),
        Path::CountingSort => counting_sort(a, inv_row, col_perm),
    }
}

/// The output row pointer: output row `r` as long as input row `inv_row[r]`.
fn output_row_ptr<I: Index>(a: &Csr<I>, inv_row: &[usize]) -> Result<Vec<I>, KernelError> {
    let in_ptr = a.row_ptr();
    let mut row_ptr = try_filled(inv_row.len() + 1, I::ZERO)?;
    let mut end = 0usize;
    for r in 0..inv_row.len() {
        let i = inv_row[r];
        end += in_ptr[i + 1].to_usize() - in_ptr[i].to_usize();
        row_ptr[r + 1] = I::from_usize(end);
    }
    Ok(row_ptr)
}

/// Writes a long row (`row`: an input row's columns and values) to `seg` (its output segment's
/// columns and values, as long) in increasing order of its new columns, through `long`'s scratch.
fn order_long_row<I: Index>(
    long: &mut LongRows<I>,
    (in_col, in_val): (&[I], &[Complex64]),
    col_perm: &[usize],
    (seg_col, seg_val): (&mut [I], &mut [Complex64]),
) {
    match long {
        LongRows::Sort(scratch) => {
            scratch.clear();
            for n in 0..in_col.len() {
                let c = col_perm[in_col[n].to_usize()];
                scratch.push((I::from_usize(c), I::from_usize(n)));
            }
            scratch.sort_unstable_by_key(|&(c, _)| c);
            for n in 0..in_col.len() {
                let (c, from) = scratch[n];
                seg_col[n] = c;
                seg_val[n] = in_val[from.to_usize()];
            }
        }
        LongRows::Bitmap(marks) => {
            ordered_by_bitmap(marks, (in_col, in_val), col_perm, (seg_col, seg_val));
        }
    }
}

/// Gather paths: output row `i'` is input row `inv_row[i']` with its columns mapped, taken in
/// blocks of rows: each block's short rows are copied, then sorted while the block is in cache;
/// its long rows are ordered as they are copied, through the bitmap when `bitmap` is set.
fn gather<I: Index>(
    a: &Csr<I>,
    inv_row: &[usize],
    col_perm: &[usize],
    bitmap: bool,
    short_row: usize,
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let (in_ptr, in_col, in_val) = (a.row_ptr(), a.col_idx(), a.values());
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let RowOrder {
        mut long,
        network,
        short,
    } = RowOrder::new(a, bitmap, true, short_row)?;
    // The row pointer first.
    let row_ptr = output_row_ptr(a, inv_row)?;
    let block = block_entries::<I>(CacheSizes::get());
    let mut stage = stage(block)?;
    let mut row_vals = [Complex64::ZERO; SHORT_ROW];
    let mut ranks = [0u32; SHORT_ROW];
    let mut first_row = 0;
    while first_row < rows {
        let first = row_ptr[first_row].to_usize();
        let mut end_row = first_row + 1;
        while end_row < rows && row_ptr[end_row].to_usize() - first < block {
            end_row += 1;
        }
        for r in first_row..end_row {
            if r + AHEAD < rows {
                let ahead = in_ptr[inv_row[r + AHEAD]].to_usize();
                let len = row_ptr[r + AHEAD + 1].to_usize() - row_ptr[r + AHEAD].to_usize();
                prefetch_row(in_col, in_val, ahead, len);
            }
            let at = row_ptr[r].to_usize();
            let len = row_ptr[r + 1].to_usize() - at;
            let start = in_ptr[inv_row[r]].to_usize();
            if len <= short {
                let o = at - first;
                for n in 0..len {
                    let to = value_slot(n, len);
                    stage[o + n] = col_perm[in_col[start + n].to_usize()] as u32;
                    values[at + to] = in_val[start + n];
                }
            } else {
                prefetch_all(&in_val[start..start + len]);
                let row = (&in_col[start..start + len], &in_val[start..start + len]);
                let seg = (&mut col_idx[at..at + len], &mut values[at..at + len]);
                order_long_row(&mut long, row, col_perm, seg);
            }
        }
        for r in first_row..end_row {
            let at = row_ptr[r].to_usize();
            let len = row_ptr[r + 1].to_usize() - at;
            if len <= short {
                let o = at - first;
                match order_short_row(&stage[o..], len, network, &mut ranks) {
                    ShortOrder::InOrder => {
                        for n in 0..len {
                            col_idx[at + n] = I::from_usize(stage[o + n] as usize);
                        }
                    }
                    ShortOrder::Sorted(sorted) => {
                        row_vals[..len].copy_from_slice(&values[at..at + len]);
                        for n in 0..len {
                            let p = sorted[n];
                            col_idx[at + n] = I::from_usize((p >> 32) as usize);
                            values[at + n] = row_vals[p as u32 as usize];
                        }
                    }
                    ShortOrder::Ranked => {
                        row_vals[..len].copy_from_slice(&values[at..at + len]);
                        for n in 0..len {
                            let d = at + ranks[n] as usize;
                            col_idx[d] = I::from_usize(stage[o + n] as usize);
                            values[d] = row_vals[n];
                        }
                    }
                }
            }
        }
        first_row = end_row;
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// Scatter paths: input row `i`, in order, has its new columns staged and ordered while it is in
/// cache, then is written to output row `row_perm[i]`; its long rows are ordered through the
/// bitmap when `bitmap` is set.
fn rows_scatter<I: Index>(
    a: &Csr<I>,
    row_perm: &[usize],
    inv_row: &[usize],
    col_perm: &[usize],
    bitmap: bool,
    short_row: usize,
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let (in_ptr, in_col, in_val) = (a.row_ptr(), a.col_idx(), a.values());
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let RowOrder {
        mut long,
        network,
        short,
    } = RowOrder::new(a, bitmap, true, short_row)?;
    let row_ptr = output_row_ptr(a, inv_row)?;
    let mut keys = [0u32; 2 * SHORT_ROW];
    let mut ranks = [0u32; SHORT_ROW];
    for i in 0..rows {
        if i + AHEAD < rows {
            let ahead = row_ptr[row_perm[i + AHEAD]].to_usize();
            let len = in_ptr[i + AHEAD + 1].to_usize() - in_ptr[i + AHEAD].to_usize();
            prefetch_row(&col_idx, &values, ahead, len);
        }
        let start = in_ptr[i].to_usize();
        let len = in_ptr[i + 1].to_usize() - start;
        let at = row_ptr[row_perm[i]].to_usize();
        if len <= short {
            for n in 0..len {
                keys[n] = col_perm[in_col[start + n].to_usize()] as u32;
            }
            match order_short_row(&keys, len, network, &mut ranks) {
                ShortOrder::InOrder => {
                    for n in 0..len {
                        let to = value_slot(n, len);
                        col_idx[at + n] = I::from_usize(keys[n] as usize);
                        values[at + to] = in_val[start + n];
                    }
                }
                ShortOrder::Sorted(sorted) => {
                    for n in 0..len {
                        let p = sorted[n];
                        col_idx[at + n] = I::from_usize((p >> 32) as usize);
                        values[at + value_slot(n, len)] = in_val[start + p as u32 as usize];
                    }
                }
                ShortOrder::Ranked => {
                    for n in 0..len {
                        let d = ranks[n] as usize;
                        col_idx[at + d] = I::from_usize(keys[n] as usize);
                        values[at + value_slot(d, len)] = in_val[start + n];
                    }
                }
            }
        } else {
            let row = (&in_col[start..start + len], &in_val[start..start + len]);
            let seg = (&mut col_idx[at..at + len], &mut values[at..at + len]);
            order_long_row(&mut long, row, col_perm, seg);
        }
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// Writes the entries of an input row (`row`: its columns and values) to `seg` (the output
/// segment's columns and values, as long) in increasing order of their new columns
/// `col_perm[j]`: marks them in `marks`, then reads the marks back in order, leaving both bitmaps
/// all zero.
fn ordered_by_bitmap<I: Index>(
    marks: &mut Marks<I>,
    (in_col, in_val): (&[I], &[Complex64]),
    col_perm: &[usize],
    (seg_col, seg_val): (&mut [I], &mut [Complex64]),
) {
    for n in 0..in_col.len() {
        let c = col_perm[in_col[n].to_usize()];
        marks.words[c / 64] |= 1 << (c % 64);
        marks.summary[c / 4096] |= 1 << (c / 64 % 64);
        marks.pos[c] = I::from_usize(n);
    }
    let mut n = 0;
    for s in 0..marks.summary.len() {
        let mut sbits = marks.summary[s];
        marks.summary[s] = 0;
        while sbits != 0 {
            let w = s * 64 + sbits.trailing_zeros() as usize;
            sbits &= sbits - 1;
            let mut bits = marks.words[w];
            marks.words[w] = 0;
            while bits != 0 {
                let c = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                seg_col[n] = I::from_usize(c);
                seg_val[n] = in_val[marks.pos[c].to_usize()];
                n += 1;
            }
        }
    }
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
