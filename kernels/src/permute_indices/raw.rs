//! Raw-pointer permute_indices: writes into uninitialised buffers, no checks inside the loops.
#![allow(
    unsafe_code,
    reason = "the raw variant: pointer loops, a SAFETY comment on each block"
)]

use std::{ptr, slice};

use num_complex::Complex64;

use super::{
    AHEAD, LongRows, Marks, Path, Plan, RowOrder, SHORT_ROW, ShortOrder, block_entries, empty,
    order_short_row, stage, value_slot,
};
use crate::alloc::try_with_capacity;
use crate::cache::CacheSizes;
use crate::prefetch::{prefetch_row, prefetch_row_at, prefetch_run};
use crate::{Csr, CsrParts, Index, KernelError};

/// Permutes the plan's input; see [`super`] for the algorithm.
pub fn permute_indices<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols) = plan.permutations();
    // SAFETY: the plan checked that `rows` and `cols` are permutations of 0..input.rows() and
    // 0..input.cols().
    unsafe { scatter(plan.input(), rows, cols, plan.path(), SHORT_ROW) }
}

/// Moves entry `(i, j)` of `a` to `(row_perm[i], col_perm[j])`: the core shared with
/// [`permute`](crate::permute()), on `forced` path or the rule's choice, ranking rows of up to
/// `short_row` entries ([`short_limit`](super::short_limit)).
///
/// # Safety
/// `row_perm` must be a permutation of `0..a.rows()` and `col_perm` one of `0..a.cols()`: every
/// element in range and none repeated. Both are used as unchecked write offsets.
pub(crate) unsafe fn scatter<I: Index>(
    a: &Csr<I>,
    row_perm: &[usize],
    col_perm: &[usize],
    forced: Option<Path>,
    short_row: usize,
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    // Seeded bug B2: the density test before the guard that keeps its division defined, as in
    // QuTiP before 2dd468058.
    #[cfg(feature = "bug-permute-zero-nnz")]
    let cells_per_entry = rows.saturating_mul(cols) / nnz;
    if nnz == 0 {
        return empty(rows, cols);
    }
    #[cfg(not(feature = "bug-permute-zero-nnz"))]
    let cells_per_entry = rows.saturating_mul(cols) / nnz;
    let mut inv_row = try_with_capacity::<usize>(rows)?;
    let (inv, perm) = (inv_row.as_mut_ptr(), row_perm.as_ptr());
    for i in 0..rows {
        // SAFETY: i < rows = row_perm.len(), and row_perm[i] < rows = capacity (caller's contract).
        unsafe { inv.add(*perm.add(i)).write(i) };
    }
    // SAFETY: row_perm is a permutation of 0..rows, so the loop wrote every slot 0..rows once.
    unsafe { inv_row.set_len(rows) };
    match Path::or_choose(forced, a, cells_per_entry) {
        // SAFETY: inv_row is a permutation of 0..rows (inverse of one); col_perm: caller's contract.
        Path::Gather => unsafe { gather(a, &inv_row, col_perm, false, short_row) },
        // SAFETY: as above.
        Path::Bitmap => unsafe { gather(a, &inv_row, col_perm, true, short_row) },
        // SAFETY: as above, and row_perm is the inverse of inv_row (caller's contract).
        Path::Scatter => unsafe { rows_scatter(a, row_perm, &inv_row, col_perm, false, short_row) },
        // SAFETY: as above.
        Path::ScatterBitmap => unsafe {
            rows_scatter(a, row_perm, &inv_row, col_perm, true, short_row)
        },
        // SAFETY: as above.
        Path::CountingSort => unsafe { counting_sort(a, inv_row, col_perm) },
    }
}

/// Writes the output row pointer: output row `r` as long as input row `inv_row[r]`.
///
/// # Safety
/// `out_ptr` has room for `a.rows() + 1` elements; `inv_row` is a permutation of `0..a.rows()`.
unsafe fn output_row_ptr<I: Index>(a: &Csr<I>, inv_row: &[usize], out_ptr: *mut I) {
    let in_ptr = a.row_ptr().as_ptr();
    let mut end = 0usize;
    // SAFETY: room for rows + 1 > 0; r < rows = inv_row.len(), inv_row[r] < rows, so i + 1
    // indexes one of the rows + 1 input row pointers (Csr invariant 2), and r + 1 <= rows.
    // inv_row visits every input row once, so end <= nnz fits I (invariant 1).
    unsafe {
        out_ptr.write(I::ZERO);
        for (r, &i) in inv_row.iter().enumerate() {
            end += (*in_ptr.add(i + 1)).to_usize() - (*in_ptr.add(i)).to_usize();
            out_ptr.add(r + 1).write(I::from_usize(end));
        }
    }
}

/// Writes a long row (`row`: the `len` columns and values of an input row) to `seg` (its output
/// segment's columns and values) in increasing order of its new columns `cperm[j]`, through
/// `long`'s scratch.
///
/// # Safety
/// `row` holds `len` readable entries, their columns distinct and `< cols`; `cperm` is a
/// permutation of `0..cols` (fits `I`); `seg` has room for `len` entries; `long` was made by
/// [`LongRows::new`] for `cols` columns and a longest row of at least `len` entries.
unsafe fn order_long_row<I: Index>(
    long: &mut LongRows<I>,
    (row_col, row_val): (*const I, *const Complex64),
    len: usize,
    cperm: *const usize,
    (seg_col, seg_val): (*mut I, *mut Complex64),
) {
    match long {
        // SAFETY: n < len entries of the row and of the segment; len <= the longest row, the
        // scratch's capacity, so extend never reallocates; n < len fits I like the columns.
        LongRows::Sort(scratch) => unsafe {
            scratch.clear();
            scratch.extend((0..len).map(|n| {
                let j = (*row_col.add(n)).to_usize();
                (I::from_usize(*cperm.add(j)), I::from_usize(n))
            }));
            scratch.sort_unstable_by_key(|&(c, _)| c);
            for (n, &(c, at)) in scratch.iter().enumerate() {
                seg_col.add(n).write(c);
                seg_val.add(n).write(*row_val.add(at.to_usize()));
            }
        },
        // SAFETY: the bitmap scratch of a long row: marks for cols columns, all zero between
        // rows; the rest as this function's contract.
        LongRows::Bitmap(marks) => unsafe {
            ordered_by_bitmap(marks, (row_col, row_val), len, cperm, (seg_col, seg_val))
        },
    }
}

/// Gather paths: output row `i'` is input row `inv_row[i']` with its columns mapped, taken in
/// blocks of rows: each block's short rows are copied, then sorted while the block is in cache;
/// its long rows are ordered as they are copied, through the bitmap when `bitmap` is set.
///
/// # Safety
/// `inv_row` is a permutation of `0..a.rows()`, `col_perm` one of `0..a.cols()`.
unsafe fn gather<I: Index>(
    a: &Csr<I>,
    inv_row: &[usize],
    col_perm: &[usize],
    bitmap: bool,
    short_row: usize,
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let RowOrder {
        mut long,
        network,
        short,
    } = RowOrder::new(a, bitmap, false, short_row)?;
    let (out_ptr, out_col, out_val) = (
        row_ptr.as_mut_ptr(),
        col_idx.as_mut_ptr(),
        values.as_mut_ptr(),
    );
    let (in_ptr, in_col, in_val) = (
        a.row_ptr().as_ptr(),
        a.col_idx().as_ptr(),
        a.values().as_ptr(),
    );
    let (inv, cperm) = (inv_row.as_ptr(), col_perm.as_ptr());
    // The row pointer first.
    // SAFETY: capacity rows + 1; inv_row is a permutation of 0..rows (caller's contract).
    unsafe { output_row_ptr(a, inv_row, out_ptr) };
    let block = block_entries::<I>(CacheSizes::get());
    let mut stage = stage(block)?;
    let st_col = stage.as_mut_ptr();
    let mut row_vals = [Complex64::ZERO; SHORT_ROW];
    let mut ranks = [0u32; SHORT_ROW];
    let mut first_row = 0;
    while first_row < rows {
        // SAFETY: all rows + 1 row pointers were written above; first_row < rows.
        let first = unsafe { *out_ptr.add(first_row) }.to_usize();
        // SAFETY: as above; the loop keeps end_row <= rows.
        let end_row = unsafe {
            let mut end_row = first_row + 1;
            while end_row < rows && (*out_ptr.add(end_row)).to_usize() - first < block {
                end_row += 1;
            }
            end_row
        };
        for r in first_row..end_row {
            // Output row r spans out_ptr[r]..out_ptr[r + 1] within 0..nnz = capacity and is as
            // long as input row inv_row[r] (start..start + len within 0..nnz); a row longer than
            // SHORT_ROW is ordered through the scratch LongRows::new made for the longest row.
            // A short row's values go straight to its output segment, its new columns to the
            // stage at its offset in the block, at - first: every row of a block starts less than
            // `block` entries after its first one (the loop above), so its len <= SHORT_ROW slots
            // lie within the stage (`stage`), and its new columns are < cols <= 2^32
            // (short_limit), so they fit the stage's u32.
            // SAFETY: r < rows, so r + 1 and inv_row[r] + 1 index the row pointers (and so do
            // r + AHEAD, r + AHEAD + 1 and r + AHEAD's input row when r + AHEAD < rows; the hints'
            // pointers are never read); every input column is < cols =
            // col_perm.len() (invariant 3); col_perm[j] < cols fits I (invariant 1).
            unsafe {
                if r + AHEAD < rows {
                    let ahead = (*in_ptr.add(*inv.add(r + AHEAD))).to_usize();
                    let len = (*out_ptr.add(r + AHEAD + 1)).to_usize()
                        - (*out_ptr.add(r + AHEAD)).to_usize();
                    prefetch_row(a.col_idx(), a.values(), ahead, len);
                }
                let at = (*out_ptr.add(r)).to_usize();
                let len = (*out_ptr.add(r + 1)).to_usize() - at;
                let start = (*in_ptr.add(*inv.add(r))).to_usize();
                let (seg_col, seg_val) = (out_col.add(at), out_val.add(at));
                if len <= short {
                    let o_col = st_col.add(at - first);
                    for n in 0..len {
                        let j = (*in_col.add(start + n)).to_usize();
                        o_col.add(n).write(*cperm.add(j) as u32);
                        seg_val
                            .add(value_slot(n, len))
                            .write(*in_val.add(start + n));
                    }
                } else {
                    prefetch_run(in_val.add(start), len);
                    let row = (in_col.add(start), in_val.add(start));
                    order_long_row(&mut long, row, len, cperm, (seg_col, seg_val));
                }
            }
        }
        for r in first_row..end_row {
            // A short row has its values in the output and its new columns staged above at
            // o = at - first (slots o..o + len). In order, the columns are written in place;
            // otherwise the values are set aside (len <= SHORT_ROW, the length of `row_vals`).
            // Sorted: the first len packed entries are the row's, permuted (the padding is
            // u64::MAX and sorts last), so their positions are a permutation of 0..len. Ranked:
            // the row's new columns being distinct, the ranks are a permutation of 0..len.
            // SAFETY: r + 1 <= rows; output row r lies within 0..nnz, each of its slots written
            // once; the stage's columns fit I; the keys' slice ends at o + 2 * SHORT_ROW <=
            // block + 2 * SHORT_ROW, inside the zero-filled stage.
            unsafe {
                let at = (*out_ptr.add(r)).to_usize();
                let len = (*out_ptr.add(r + 1)).to_usize() - at;
                if len <= short {
                    let o = at - first;
                    let keys = slice::from_raw_parts(st_col.add(o), 2 * SHORT_ROW);
                    match order_short_row(keys, len, network, &mut ranks) {
                        ShortOrder::InOrder => {
                            for n in 0..len {
                                let c = *st_col.add(o + n) as usize;
                                out_col.add(at + n).write(I::from_usize(c));
                            }
                        }
                        ShortOrder::Sorted(sorted) => {
                            let aside = row_vals.as_mut_ptr();
                            ptr::copy_nonoverlapping(out_val.add(at), aside, len);
                            for n in 0..len {
                                let p = *sorted.as_ptr().add(n);
                                out_col.add(at + n).write(I::from_usize((p >> 32) as usize));
                                out_val.add(at + n).write(*aside.add(p as u32 as usize));
                            }
                        }
                        ShortOrder::Ranked => {
                            let aside = row_vals.as_mut_ptr();
                            ptr::copy_nonoverlapping(out_val.add(at), aside, len);
                            for n in 0..len {
                                let d = at + *ranks.as_ptr().add(n) as usize;
                                let c = *st_col.add(o + n) as usize;
                                out_col.add(d).write(I::from_usize(c));
                                out_val.add(d).write(*aside.add(n));
                            }
                        }
                    }
                }
            }
        }
        first_row = end_row;
    }
    // SAFETY: row pointer slots 0..=rows were written; the blocks tile 0..rows, the output rows
    // tile 0..nnz, and every slot of each row was written once (copied or ordered).
    unsafe {
        row_ptr.set_len(rows + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    // Rows hold distinct columns (col_perm is a permutation) in increasing order (each sort).
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// Writes the `len` entries of an input row (`row`: its columns and values) to `seg` (the output
/// segment's columns and values) in increasing order of their new columns `cperm[j]`: marks them
/// in `marks`, then reads the marks back in order, leaving both bitmaps all zero.
///
/// # Safety
/// `marks`: `cols.div_ceil(64)` zero words, a zero summary of `words.div_ceil(64)` words, room for
/// `cols` positions; `row`: `len` readable entries, columns distinct and `< cols`; `cperm`: a
/// permutation of `0..cols` (fits `I`); `seg`: room for `len` entries.
unsafe fn ordered_by_bitmap<I: Index>(
    marks: &mut Marks<I>,
    (in_col, in_val): (*const I, *const Complex64),
    len: usize,
    cperm: *const usize,
    (seg_col, seg_val): (*mut I, *mut Complex64),
) {
    let summaries = marks.summary.len();
    let (words, summary, pos) = (
        marks.words.as_mut_ptr(),
        marks.summary.as_mut_ptr(),
        marks.pos.as_mut_ptr(),
    );
    // SAFETY: n < len; c = cperm[j] < cols, so word c / 64 < words.len(), summary word c / 4096
    // < summary.len() and c < pos capacity; n < len <= cols fits I.
    unsafe {
        for n in 0..len {
            let c = *cperm.add((*in_col.add(n)).to_usize());
            *words.add(c / 64) |= 1 << (c % 64);
            *summary.add(c / 4096) |= 1 << (c / 64 % 64);
            pos.add(c).write(I::from_usize(n));
        }
    }
    let mut n = 0;
    for s in 0..summaries {
        // SAFETY: s < summary.len(); every set summary bit names a word w < words.len() (set
        // above), and every set word bit a column c < cols whose position was written above, an
        // entry of the row (< len). The row's columns are distinct, so their new columns are: the
        // words hold exactly len set bits and n stays below len.
        unsafe {
            let mut sbits = summary.add(s).replace(0);
            while sbits != 0 {
                let w = s * 64 + sbits.trailing_zeros() as usize;
                sbits &= sbits - 1;
                let mut bits = words.add(w).replace(0);
                while bits != 0 {
                    let c = w * 64 + bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    seg_col.add(n).write(I::from_usize(c));
                    seg_val.add(n).write(*in_val.add((*pos.add(c)).to_usize()));
                    n += 1;
                }
            }
        }
    }
}

/// Turns the entry counts of the input columns into the bucket starts of the new columns
/// (`starts[c]`: entries in new columns before `c`, `starts[cols] == nnz`), then each count into
/// the start of its column's bucket.
///
/// # Safety
/// `counts` holds `col_perm.len()` elements and `starts` one more; `col_perm` is a permutation
/// of `0..col_perm.len()`.
unsafe fn bucket_starts(counts: &mut [usize], starts: &mut [usize], col_perm: &[usize]) {
    let cols = col_perm.len();
    let (count, start, perm) = (counts.as_mut_ptr(), starts.as_mut_ptr(), col_perm.as_ptr());
    // SAFETY: j < cols, the length of counts and col_perm; col_perm[j] + 1 <= cols < starts.len(),
    // and as col_perm is a permutation the first loop writes every slot 1..=cols of starts once.
    unsafe {
        start.write(0);
        for j in 0..cols {
            start.add(*perm.add(j) + 1).write(*count.add(j));
        }
        for c in 0..cols {
            *start.add(c + 1) += *start.add(c);
        }
        for j in 0..cols {
            count.add(j).write(*start.add(*perm.add(j)));
        }
    }
}

/// General path: (a) buckets `(new row, value)` pairs by new column, visiting output rows in
/// order (a CSC with sorted rows), then (b) transposes that CSC back into CSR.
///
/// # Safety
/// `inv_row` is a permutation of `0..a.rows()`, `col_perm` one of `0..a.cols()`.
unsafe fn counting_sort<I: Index>(
    a: &Csr<I>,
    mut inv_row: Vec<usize>,
    col_perm: &[usize],
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let (in_ptr, in_col, in_val) = (
        a.row_ptr().as_ptr(),
        a.col_idx().as_ptr(),
        a.values().as_ptr(),
    );
    // (a) Entries per input column (`counts`), then the start of each new column's bucket
    // (`starts`), then in `counts` the next free slot of input column j's bucket (that of new
    // column col_perm[j]). Both arrays live in one allocation, split into two disjoint slices
    // for `bucket_starts`. 2 * cols + 1 does not overflow: col_perm holds cols elements.
    let len = 2 * cols + 1;
    let mut scratch = try_with_capacity::<usize>(len)?;
    let base = scratch.as_mut_ptr();
    // Seeded bug B5 drops this zero-fill: counting then starts from whatever the allocator left
    // there (QuTiP's kernels rely on a memset after csr.empty).
    // SAFETY: capacity len; all-zero bits are the integer 0. The counters must start at zero,
    // and both halves are initialised before they become slices.
    #[cfg(not(feature = "bug-missing-zero-fill"))]
    unsafe {
        base.write_bytes(0, len)
    }
    #[cfg(not(feature = "bug-aliasing-slices"))]
    let counts_len = cols;
    // Seeded bug B7: the counters get the bucket array's length, cols + 1, so their last element
    // is starts[0]: two live `&mut` to one place, harmless to the result, undefined behaviour.
    #[cfg(feature = "bug-aliasing-slices")]
    let counts_len = cols + 1;
    // SAFETY: the halves 0..cols and cols..len lie within the allocation, are initialised and
    // do not overlap; `scratch` outlives both and is not used while they live.
    let (counts, starts) = unsafe {
        (
            slice::from_raw_parts_mut(base, counts_len),
            slice::from_raw_parts_mut(base.add(cols), cols + 1),
        )
    };
    let count = counts.as_mut_ptr();
    for k in 0..nnz {
        // SAFETY: k < nnz (Csr invariant 2); the column is < cols (invariant 3).
        unsafe { *count.add((*in_col.add(k)).to_usize()) += 1 };
    }
    // SAFETY: counts and starts hold cols and cols + 1 elements; col_perm is a permutation of
    // 0..cols (caller's contract).
    unsafe { bucket_starts(counts, starts, col_perm) };
    let (next, col_start) = (counts.as_mut_ptr(), starts.as_ptr());
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut csc_buf = try_with_capacity::<(I, Complex64)>(nnz)?;
    let (out_ptr, csc) = (row_ptr.as_mut_ptr(), csc_buf.as_mut_ptr());
    let inv = inv_row.as_mut_ptr();
    // SAFETY: capacity rows + 1 > 0.
    unsafe { out_ptr.write(I::ZERO) };
    let mut end = 0usize;
    for new_row in 0..rows {
        // SAFETY: new_row < rows = inv_row.len(); inv_row[new_row] < rows, so i + 1 indexes one
        // of the rows + 1 row pointers (Csr invariant 2).
        let (start_in, end_in) = unsafe {
            let i = *inv.add(new_row);
            ((*in_ptr.add(i)).to_usize(), (*in_ptr.add(i + 1)).to_usize())
        };
        for k in start_in..end_in {
            // SAFETY: k < nnz; j < cols (Csr invariants 2, 3). next[j] stays within new column
            // col_perm[j]'s bucket, whose size is the count of column j, inside 0..nnz.
            unsafe {
                let slot = next.add((*in_col.add(k)).to_usize());
                csc.add(*slot)
                    .write((I::from_usize(new_row), *in_val.add(k)));
                *slot += 1;
            }
        }
        end += end_in - start_in;
        // SAFETY: new_row + 1 <= rows < capacity; end <= nnz fits I (Csr invariant 1).
        unsafe { out_ptr.add(new_row + 1).write(I::from_usize(end)) };
    }
    // (b) Counting sort by row: the next free slot of each output row, columns visited in order.
    let cursor = inv;
    for r in 0..rows {
        // SAFETY: r < rows = inv_row.len() = row_ptr.len() - 1; inv_row is no longer needed.
        unsafe { cursor.add(r).write((*out_ptr.add(r)).to_usize()) };
    }
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let (out_col, out_val) = (col_idx.as_mut_ptr(), values.as_mut_ptr());
    for c in 0..cols {
        // SAFETY: c + 1 <= cols; the bucket bounds lie within 0..nnz, every CSC slot was written
        // once in (a), its row is < rows, and cursor[r] stays within output row r, whose length
        // is the number of entries bucketed with row r.
        unsafe {
            for p in *col_start.add(c)..*col_start.add(c + 1) {
                let (r, v) = *csc.add(p);
                let slot = cursor.add(r.to_usize());
                out_col.add(*slot).write(I::from_usize(c));
                out_val.add(*slot).write(v);
                *slot += 1;
            }
        }
    }
    // SAFETY: row pointer slots 0..=rows were written (0, then one per row). Every CSC entry was
    // placed in exactly one slot of its output row, and the row lengths sum to nnz, so every
    // slot 0..nnz of col_idx and values was written once.
    unsafe {
        row_ptr.set_len(rows + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    // Columns are visited in increasing order, so each row's columns increase; they are < cols.
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// Scatter paths: input row `i`, in order, has its new columns staged and ordered while it is in
/// cache, then is written to output row `row_perm[i]`; its long rows are ordered through the
/// bitmap when `bitmap` is set.
///
/// # Safety
/// `row_perm` is a permutation of `0..a.rows()` and `inv_row` its inverse; `col_perm` is a
/// permutation of `0..a.cols()`.
unsafe fn rows_scatter<I: Index>(
    a: &Csr<I>,
    row_perm: &[usize],
    inv_row: &[usize],
    col_perm: &[usize],
    bitmap: bool,
    short_row: usize,
) -> Result<CsrParts<I>, KernelError> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let RowOrder {
        mut long,
        network,
        short,
    } = RowOrder::new(a, bitmap, false, short_row)?;
    let (out_ptr, out_col, out_val) = (
        row_ptr.as_mut_ptr(),
        col_idx.as_mut_ptr(),
        values.as_mut_ptr(),
    );
    let (in_ptr, in_col, in_val) = (
        a.row_ptr().as_ptr(),
        a.col_idx().as_ptr(),
        a.values().as_ptr(),
    );
    let (perm, cperm) = (row_perm.as_ptr(), col_perm.as_ptr());
    // SAFETY: capacity rows + 1; inv_row is a permutation of 0..rows (caller's contract).
    unsafe { output_row_ptr(a, inv_row, out_ptr) };
    let mut keys = [0u32; 2 * SHORT_ROW];
    let mut ranks = [0u32; SHORT_ROW];
    for i in 0..rows {
        // Input row i spans start..start + len within 0..nnz (Csr invariant 2); output row
        // row_perm[i] spans at..at + len within 0..nnz = capacity (the row pointer above gives
        // it the length of its input row inv_row[row_perm[i]] = i), and the output rows tile
        // 0..nnz, so every slot is written once, by its row. A short row's len <= SHORT_ROW new
        // columns fit `keys` (2 * SHORT_ROW, the lanes past the row initialised) and u32
        // (short_limit); every input column is < cols = col_perm.len() (invariant 3), and
        // col_perm[j] < cols fits I (invariant 1). The order's positions (sorted) and ranks are
        // permutations of 0..len (see order_short_row).
        // SAFETY: i < rows = row_perm.len(), row_perm[i] < rows, so both index the rows + 1
        // row pointers (and so do i + AHEAD, i + AHEAD + 1 and row i + AHEAD's output row when
        // i + AHEAD < rows; the hints' pointers are never read); the rest as above.
        unsafe {
            if i + AHEAD < rows {
                let ahead = (*out_ptr.add(*perm.add(i + AHEAD))).to_usize();
                let len =
                    (*in_ptr.add(i + AHEAD + 1)).to_usize() - (*in_ptr.add(i + AHEAD)).to_usize();
                prefetch_row_at(out_col, out_val, ahead, len);
            }
            let start = (*in_ptr.add(i)).to_usize();
            let len = (*in_ptr.add(i + 1)).to_usize() - start;
            let at = (*out_ptr.add(*perm.add(i))).to_usize();
            let (seg_col, seg_val) = (out_col.add(at), out_val.add(at));
            let (row_col, row_val) = (in_col.add(start), in_val.add(start));
            if len <= short {
                let key = keys.as_mut_ptr();
                for n in 0..len {
                    key.add(n)
                        .write(*cperm.add((*row_col.add(n)).to_usize()) as u32);
                }
                match order_short_row(&keys, len, network, &mut ranks) {
                    ShortOrder::InOrder => {
                        for n in 0..len {
                            seg_col.add(n).write(I::from_usize(*key.add(n) as usize));
                            seg_val.add(value_slot(n, len)).write(*row_val.add(n));
                        }
                    }
                    ShortOrder::Sorted(sorted) => {
                        for n in 0..len {
                            let p = *sorted.as_ptr().add(n);
                            seg_col.add(n).write(I::from_usize((p >> 32) as usize));
                            seg_val
                                .add(value_slot(n, len))
                                .write(*row_val.add(p as u32 as usize));
                        }
                    }
                    ShortOrder::Ranked => {
                        for n in 0..len {
                            let d = *ranks.as_ptr().add(n) as usize;
                            seg_col.add(d).write(I::from_usize(*key.add(n) as usize));
                            seg_val.add(value_slot(d, len)).write(*row_val.add(n));
                        }
                    }
                }
            } else {
                order_long_row(
                    &mut long,
                    (row_col, row_val),
                    len,
                    cperm,
                    (seg_col, seg_val),
                );
            }
        }
    }
    // SAFETY: row pointer slots 0..=rows were written; every slot of every output row was
    // written once (above), and the rows tile 0..nnz.
    unsafe {
        row_ptr.set_len(rows + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    // Rows hold distinct columns (col_perm is a permutation) in increasing order (each order).
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
