//! Raw-pointer transpose: writes into uninitialised buffers, no checks inside the loops.
#![allow(
    unsafe_code,
    reason = "the raw variant: pointer loops, a SAFETY comment on each block"
)]

use std::ptr;

use num_complex::Complex64;

use super::{AHEAD, Path, Plan};
use crate::alloc::try_with_capacity;
use crate::prefetch::{prefetch_at, prefetch_next_line};
use crate::{Csr, CsrParts, Index, KernelError};

/// Transposes the plan's input; see [`super`] for the algorithm.
pub fn transpose<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    // cols + 1 does not overflow (plan).
    let mut row_ptr = try_with_capacity::<I>(cols + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let out_ptr = row_ptr.as_mut_ptr();
    // SAFETY: the buffers are fresh, with capacities cols + 1, nnz and nnz as sort_by_column
    // needs; the key, an input row, is below rows, which fits I (Csr invariant 1); the plan
    // clamps the shift.
    unsafe {
        sort_by_column(
            a,
            plan.path(),
            out_ptr,
            col_idx.as_mut_ptr(),
            values.as_mut_ptr(),
            |i, _| i,
        )
    }?;
    // SAFETY: sort_by_column initialised slots 0..=cols of `row_ptr` (capacity cols + 1).
    unsafe { shift(out_ptr, cols) };
    // SAFETY: sort_by_column wrote every slot of `col_idx` and `values`, shift every slot of
    // `row_ptr`.
    unsafe {
        row_ptr.set_len(cols + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    // Row pointers run from 0 to nnz by counts; input rows were scattered in increasing order,
    // so every output row is strictly increasing and below `rows`.
    Ok(CsrParts::new(cols, rows, row_ptr, col_idx, values))
}

/// Counting sort of `a`'s entries by column (passes 1 to 3 of [`super`]) along `path`: entry
/// `(i, j)` with value `v` goes to the next free position `d` of column `j`,
/// `out_idx[d] = key(i, j)` and `out_val[d] = v`; columns follow each other, and within one the
/// entries keep CSR order. Fails only when the partitioned path cannot allocate its scratch.
///
/// On success every slot of `out_idx` and `out_val` and slots `0..=a.cols()` of `ptr` are
/// initialised: `ptr[j]` is the end of column `j`'s run (`ptr[a.cols()] == a.nnz()`).
///
/// # Safety
/// `ptr` must be valid for writes of `a.cols() + 1` elements, `out_idx` and `out_val` of `a.nnz()`
/// each, none overlapping another or `a`; `key(i, j)` must fit `I` for every stored `(i, j)`;
/// a partitioned path's shift is at most 63 (plan).
pub(crate) unsafe fn sort_by_column<I: Index>(
    a: &Csr<I>,
    path: Path,
    ptr: *mut I,
    out_idx: *mut I,
    out_val: *mut Complex64,
    key: impl Fn(usize, usize) -> usize,
) -> Result<(), KernelError> {
    let (cols, nnz) = (a.cols(), a.nnz());
    let in_col = a.col_idx().as_ptr();
    // SAFETY: `ptr` is valid for cols + 1 writes (caller); all-zero bits are the integer 0.
    unsafe { ptr.write_bytes(0, cols + 1) };
    for k in 0..nnz {
        // SAFETY: k < nnz = col_idx.len() (Csr invariant 2); its column is below cols (invariant
        // 3), so slot column + 1 <= cols was zeroed above; a count is at most nnz, which fits I.
        unsafe {
            let slot = ptr.add((*in_col.add(k)).to_usize() + 1);
            slot.write(I::from_usize((*slot).to_usize() + 1));
        }
    }
    // SAFETY: slots 0..=cols are initialised, slot 0 is 0 and their sum is nnz, which fits I.
    unsafe { prefix_sum(ptr, cols) };
    match path {
        // SAFETY: slot j of `ptr` holds the start of column j (prefix sum); the caller's
        // guarantees on the buffers and the key.
        Path::Direct => unsafe { scatter::<_, false>(a, ptr, out_idx, out_val, key) },
        // SAFETY: as for the direct path; the look-ahead only reads slots and hints lines.
        Path::DirectAhead => unsafe { scatter::<_, true>(a, ptr, out_idx, out_val, key) },
        Path::Partitioned { shift } => {
            // SAFETY: as for the direct scatter; shift <= 63 (caller).
            unsafe { partitioned(a, shift, ptr, out_idx, out_val, key) }?
        }
    }
    Ok(())
}

/// The direct scatter (pass 3): every entry straight to the next free position of its column,
/// with the look-ahead when `LOOK_AHEAD`.
///
/// # Safety
/// As [`sort_by_column`], with `ptr[j]` initialised to the start of column `j`'s run for every
/// `j <= a.cols()`. On return `ptr[j]` is the end of the run.
unsafe fn scatter<I: Index, const LOOK_AHEAD: bool>(
    a: &Csr<I>,
    ptr: *mut I,
    out_idx: *mut I,
    out_val: *mut Complex64,
    key: impl Fn(usize, usize) -> usize,
) {
    let in_ptr = a.row_ptr().as_ptr();
    let in_col = a.col_idx().as_ptr();
    let in_val = a.values().as_ptr();
    let nnz = a.nnz();
    for i in 0..a.rows() {
        // SAFETY: `in_ptr` points at rows + 1 row pointers (Csr invariant 2) and i < rows.
        let (start, end) =
            unsafe { ((*in_ptr.add(i)).to_usize(), (*in_ptr.add(i + 1)).to_usize()) };
        for k in start..end {
            // Slot c holds the start of column c plus the entries of c placed so far.
            // SAFETY: start <= k < end <= nnz (Csr invariant 2), so is k + AHEAD below nnz; c <
            // cols (invariant 3), so slot c is initialised and d < end of column c <= nnz, the
            // capacity of `out_idx` and `out_val`; no position is handed out twice; key fits I.
            unsafe {
                if LOOK_AHEAD && k + AHEAD < nnz {
                    let ahead = (*ptr.add((*in_col.add(k + AHEAD)).to_usize())).to_usize();
                    prefetch_at(out_idx.wrapping_add(ahead));
                    prefetch_at(out_val.wrapping_add(ahead));
                }
                let c = (*in_col.add(k)).to_usize();
                let slot = ptr.add(c);
                let d = (*slot).to_usize();
                if LOOK_AHEAD {
                    prefetch_next_line(out_idx.wrapping_add(d));
                    prefetch_next_line(out_val.wrapping_add(d));
                }
                out_idx.add(d).write(I::from_usize(key(i, c)));
                out_val.add(d).write(*in_val.add(k));
                slot.write(I::from_usize(d + 1));
            }
        }
    }
}

/// The partitioned scatter (pass 3 in two passes, see [`super`]): pass A moves every entry to
/// its bucket's range of the output, pass B sorts each range by column through a scratch copy.
///
/// # Safety
/// As [`scatter`], and `shift <= 63`.
unsafe fn partitioned<I: Index>(
    a: &Csr<I>,
    shift: u32,
    ptr: *mut I,
    out_idx: *mut I,
    out_val: *mut Complex64,
    key: impl Fn(usize, usize) -> usize,
) -> Result<(), KernelError> {
    let (cols, nnz) = (a.cols(), a.nnz());
    let buckets = Path::Partitioned { shift }.buckets(cols);
    let mut next = try_with_capacity::<usize>(buckets)?;
    let mut bucket_col = try_with_capacity::<I>(nnz)?;
    let (next_ptr, col_ptr) = (next.as_mut_ptr(), bucket_col.as_mut_ptr());
    // Bucket b holds columns b << shift .. (b + 1) << shift; its range starts where its first
    // column does. The largest range sizes the scratch.
    let mut largest = 0;
    for b in 0..buckets {
        let first = b << shift;
        let last = if b + 1 == buckets {
            cols
        } else {
            (b + 1) << shift
        };
        // SAFETY: b < buckets = ((cols - 1) >> shift) + 1, so first <= cols - 1 and
        // first < last <= cols: both slots are initialised (caller); `next` has capacity
        // `buckets`.
        unsafe {
            let (lo, hi) = ((*ptr.add(first)).to_usize(), (*ptr.add(last)).to_usize());
            largest = largest.max(hi - lo);
            next_ptr.add(b).write(lo);
        }
    }
    let in_ptr = a.row_ptr().as_ptr();
    let in_col = a.col_idx().as_ptr();
    let in_val = a.values().as_ptr();
    // Pass A.
    for i in 0..a.rows() {
        // SAFETY: `in_ptr` points at rows + 1 row pointers (Csr invariant 2) and i < rows.
        let (start, end) =
            unsafe { ((*in_ptr.add(i)).to_usize(), (*in_ptr.add(i + 1)).to_usize()) };
        for k in start..end {
            // Bucket c >> shift's cursor is its range's start plus the entries placed.
            // SAFETY: k < end <= nnz (Csr invariant 2), so is k + AHEAD below nnz; c < cols (3,
            // fits I by 1), so the bucket is < buckets and d < range end <= nnz, the capacity of
            // the outputs and `bucket_col`; no position is handed out twice; key fits I.
            unsafe {
                if k + AHEAD < nnz {
                    let ahead = *next_ptr.add((*in_col.add(k + AHEAD)).to_usize() >> shift);
                    prefetch_at(out_idx.wrapping_add(ahead));
                    prefetch_at(out_val.wrapping_add(ahead));
                    prefetch_at(col_ptr.wrapping_add(ahead));
                }
                let c = (*in_col.add(k)).to_usize();
                let cursor = next_ptr.add(c >> shift);
                let d = *cursor;
                out_idx.add(d).write(I::from_usize(key(i, c)));
                out_val.add(d).write(*in_val.add(k));
                col_ptr.add(d).write(I::from_usize(c));
                cursor.write(d + 1);
            }
        }
    }
    // Pass B: each cursor now holds the end of its range, the next one's start.
    let mut scratch_idx = try_with_capacity::<I>(largest)?;
    let mut scratch_val = try_with_capacity::<Complex64>(largest)?;
    let (s_idx, s_val) = (scratch_idx.as_mut_ptr(), scratch_val.as_mut_ptr());
    let mut lo = 0;
    for b in 0..buckets {
        // SAFETY: b < buckets, the length of `next`, initialised above.
        let hi = unsafe { *next_ptr.add(b) };
        // SAFETY: lo..hi is bucket b's range, within the nnz slots pass A wrote (every slot of a
        // range is handed out once, and the counts add up to nnz); hi - lo <= largest, the
        // scratch's capacity; the scratch and the output do not overlap.
        unsafe {
            ptr::copy_nonoverlapping(out_idx.add(lo), s_idx, hi - lo);
            ptr::copy_nonoverlapping(out_val.add(lo), s_val, hi - lo);
        }
        for e in 0..hi - lo {
            // Column c < cols belongs to bucket b; slot c is within bucket b's range.
            // SAFETY: lo + e < hi <= nnz, written by pass A (so is lo + e + AHEAD below hi), as
            // are scratch slots e < hi - lo; slot c holds column c's start plus the entries
            // placed so far: d < nnz, and no position is handed out twice.
            unsafe {
                if e + AHEAD < hi - lo {
                    let ahead = (*ptr.add((*col_ptr.add(lo + e + AHEAD)).to_usize())).to_usize();
                    prefetch_at(out_idx.wrapping_add(ahead));
                    prefetch_at(out_val.wrapping_add(ahead));
                }
                let c = (*col_ptr.add(lo + e)).to_usize();
                let slot = ptr.add(c);
                let d = (*slot).to_usize();
                out_idx.add(d).write(*s_idx.add(e));
                out_val.add(d).write(*s_val.add(e));
                slot.write(I::from_usize(d + 1));
            }
        }
        lo = hi;
    }
    Ok(())
}

/// Turns per-bucket counts in slots `1..=n` (slot 0 holding 0) into bucket starts: slot `b`
/// becomes the sum of the counts of buckets before `b`, slot `n` the total.
///
/// # Safety
/// `ptr` must point at `n + 1` initialised elements, valid for reads and writes, whose sum
/// fits `I`.
pub(crate) unsafe fn prefix_sum<I: Index>(ptr: *mut I, n: usize) {
    let mut sum = 0usize;
    for b in 1..n + 1 {
        // SAFETY: b <= n, within the n + 1 initialised elements (caller); the sum fits I.
        unsafe {
            let slot = ptr.add(b);
            sum += (*slot).to_usize();
            slot.write(I::from_usize(sum));
        }
    }
}

/// Moves slots `0..n` up to `1..=n` and sets slot 0 to zero: after a scatter has advanced each
/// bucket's slot to its end, this yields the row pointer.
///
/// # Safety
/// `ptr` must be valid for reads and writes of `n + 1` elements, the first `n` initialised.
pub(crate) unsafe fn shift<I: Index>(ptr: *mut I, n: usize) {
    // SAFETY: source 0..n and destination 1..=n lie within the n + 1 valid elements (caller);
    // `ptr::copy` allows them to overlap.
    unsafe {
        ptr::copy(ptr, ptr.add(1), n);
        ptr.write(I::ZERO);
    }
}
