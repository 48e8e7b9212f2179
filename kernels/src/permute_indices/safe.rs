//! Safe permute_indices: no `unsafe`; iterators over pre-sliced rows let the compiler drop the
//! bounds checks of sequential accesses (scattered writes keep theirs).
#![forbid(unsafe_code)]

use num_complex::Complex64;

use super::{
    AHEAD, LongRows, Marks, Path, Plan, RowOrder, SHORT_ROW, ShortOrder, block_entries, empty,
    order_short_row, stage,
};
use crate::alloc::{try_filled, try_with_capacity};
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
    if nnz == 0 {
        return empty(rows, cols);
    }
    let cells_per_entry = rows.saturating_mul(cols) / nnz;
    let mut inv_row = try_filled(rows, 0usize)?;
    for (i, &r) in row_perm.iter().enumerate() {
        inv_row[r] = i;
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
    let mut row_ptr = try_filled(inv_row.len() + 1, I::ZERO)?;
    let mut end = 0;
    for (&i, out_end) in inv_row.iter().zip(&mut row_ptr[1..]) {
        end += row(a, i).0.len();
        *out_end = I::from_usize(end);
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
            scratch.extend(
                in_col
                    .iter()
                    .enumerate()
                    .map(|(n, &j)| (I::from_usize(col_perm[j.to_usize()]), I::from_usize(n))),
            );
            scratch.sort_unstable_by_key(|&(c, _)| c);
            for ((out_c, out_v), &(c, at)) in seg_col.iter_mut().zip(seg_val).zip(&*scratch) {
                *out_c = c;
                *out_v = in_val[at.to_usize()];
            }
        }
        LongRows::Bitmap(marks) => {
            ordered_by_bitmap(marks, (in_col, in_val), col_perm, (seg_col, seg_val));
        }
    }
}

/// Input row `i` as (columns, values).
#[inline]
fn row<I: Index>(a: &Csr<I>, i: usize) -> (&[I], &[Complex64]) {
    let range = a.row_ptr()[i].to_usize()..a.row_ptr()[i + 1].to_usize();
    (&a.col_idx()[range.clone()], &a.values()[range])
}

/// Splits the first `len` elements off `rest`, which keeps the others.
fn split_front<'a, T>(rest: &mut &'a mut [T], len: usize) -> &'a mut [T] {
    let (front, tail) = std::mem::take(rest).split_at_mut(len);
    *rest = tail;
    front
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
    // The unwritten tails of the outputs; each block splits its range off their front.
    let (mut rest_col, mut rest_val) = (&mut col_idx[..], &mut values[..]);
    let (mut first_row, mut first) = (0, 0);
    while first_row < rows {
        let end_row = first_row
            + 1
            + row_ptr[first_row + 1..rows]
                .iter()
                .take_while(|p| p.to_usize() - first < block)
                .count();
        let last = row_ptr[end_row].to_usize();
        let block_col = split_front(&mut rest_col, last - first);
        let block_val = split_front(&mut rest_val, last - first);
        let (mut seg_rest_col, mut seg_rest_val) = (&mut *block_col, &mut *block_val);
        let mut o = 0;
        for (r, &i) in (first_row..end_row).zip(&inv_row[first_row..end_row]) {
            if let Some(&ahead) = inv_row.get(r + AHEAD) {
                let ahead = a.row_ptr()[ahead].to_usize();
                let len = row_ptr[r + AHEAD + 1].to_usize() - row_ptr[r + AHEAD].to_usize();
                prefetch_row(a.col_idx(), a.values(), ahead, len);
            }
            let (in_col, in_val) = row(a, i);
            let seg_col = split_front(&mut seg_rest_col, in_col.len());
            let seg_val = split_front(&mut seg_rest_val, in_col.len());
            if in_col.len() <= short {
                for ((key, out_v), (&j, &v)) in stage[o..]
                    .iter_mut()
                    .zip(seg_val)
                    .zip(in_col.iter().zip(in_val))
                {
                    *key = col_perm[j.to_usize()] as u32;
                    *out_v = v;
                }
            } else {
                prefetch_all(in_val);
                order_long_row(&mut long, (in_col, in_val), col_perm, (seg_col, seg_val));
            }
            o += in_col.len();
        }
        let (mut seg_rest_col, mut seg_rest_val) = (block_col, block_val);
        let mut o = 0;
        for w in row_ptr[first_row..=end_row].windows(2) {
            let len = w[1].to_usize() - w[0].to_usize();
            let seg_col = split_front(&mut seg_rest_col, len);
            let seg_val = split_front(&mut seg_rest_val, len);
            if len <= short {
                let keys = &stage[o..o + len];
                match order_short_row(&stage[o..], len, network, &mut ranks) {
                    ShortOrder::InOrder => {
                        for (out_c, &k) in seg_col.iter_mut().zip(keys) {
                            *out_c = I::from_usize(k as usize);
                        }
                    }
                    ShortOrder::Sorted(sorted) => {
                        let aside = &mut row_vals[..len];
                        aside.copy_from_slice(seg_val);
                        for ((out_c, out_v), &p) in seg_col.iter_mut().zip(seg_val).zip(&sorted) {
                            *out_c = I::from_usize((p >> 32) as usize);
                            *out_v = aside[p as u32 as usize];
                        }
                    }
                    ShortOrder::Ranked => {
                        let aside = &mut row_vals[..len];
                        aside.copy_from_slice(seg_val);
                        for ((&k, &v), &rank) in keys.iter().zip(&*aside).zip(&ranks) {
                            seg_col[rank as usize] = I::from_usize(k as usize);
                            seg_val[rank as usize] = v;
                        }
                    }
                }
            }
            o += len;
        }
        (first_row, first) = (end_row, last);
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
    for (i, &r) in row_perm.iter().enumerate() {
        if let Some(&ahead) = row_perm.get(i + AHEAD) {
            let ahead = row_ptr[ahead].to_usize();
            let len = a.row_ptr()[i + AHEAD + 1].to_usize() - a.row_ptr()[i + AHEAD].to_usize();
            prefetch_row(&col_idx, &values, ahead, len);
        }
        let (in_col, in_val) = row(a, i);
        let seg = row_ptr[r].to_usize()..row_ptr[r + 1].to_usize();
        let (seg_col, seg_val) = (&mut col_idx[seg.clone()], &mut values[seg]);
        if in_col.len() <= short {
            for (key, &j) in keys.iter_mut().zip(in_col) {
                *key = col_perm[j.to_usize()] as u32;
            }
            let row_keys = &keys[..in_col.len()];
            match order_short_row(&keys, in_col.len(), network, &mut ranks) {
                ShortOrder::InOrder => {
                    for (out_c, &k) in seg_col.iter_mut().zip(row_keys) {
                        *out_c = I::from_usize(k as usize);
                    }
                    seg_val.copy_from_slice(in_val);
                }
                ShortOrder::Sorted(sorted) => {
                    for ((out_c, out_v), &p) in seg_col.iter_mut().zip(seg_val).zip(&sorted) {
                        *out_c = I::from_usize((p >> 32) as usize);
                        *out_v = in_val[p as u32 as usize];
                    }
                }
                ShortOrder::Ranked => {
                    for ((&k, &v), &rank) in row_keys.iter().zip(in_val).zip(&ranks) {
                        seg_col[rank as usize] = I::from_usize(k as usize);
                        seg_val[rank as usize] = v;
                    }
                }
            }
        } else {
            order_long_row(&mut long, (in_col, in_val), col_perm, (seg_col, seg_val));
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
    let Marks {
        words,
        summary,
        pos,
    } = marks;
    for (n, &j) in in_col.iter().enumerate() {
        let c = col_perm[j.to_usize()];
        words[c / 64] |= 1 << (c % 64);
        summary[c / 4096] |= 1 << (c / 64 % 64);
        pos[c] = I::from_usize(n);
    }
    // The marked columns in increasing order, each word cleared as it is read: the segment is as
    // long as the row, so taking its entries takes every mark.
    let (mut summaries, mut s, mut sbits, mut w, mut bits) = (summary.iter_mut(), 0, 0u64, 0, 0u64);
    let marked = std::iter::from_fn(|| {
        while bits == 0 {
            while sbits == 0 {
                sbits = std::mem::take(summaries.next()?);
                s += 1;
            }
            w = (s - 1) * 64 + sbits.trailing_zeros() as usize;
            sbits &= sbits - 1;
            bits = std::mem::take(&mut words[w]);
        }
        let c = w * 64 + bits.trailing_zeros() as usize;
        bits &= bits - 1;
        Some(c)
    });
    for ((out_c, out_v), c) in seg_col.iter_mut().zip(seg_val).zip(marked) {
        *out_c = I::from_usize(c);
        *out_v = in_val[pos[c].to_usize()];
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
