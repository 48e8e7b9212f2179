//! Bounds-checked transpose: the raw algorithm with slice indexing on every access.
#![forbid(unsafe_code)]
// Indexing by loop counters is the point of this variant: it measures what bounds checks cost.
#![allow(clippy::needless_range_loop)]

use num_complex::Complex64;

use super::{AHEAD, Path, Plan};
use crate::alloc::try_filled;
use crate::prefetch::{prefetch, prefetch_next};
use crate::{Csr, CsrParts, Index, KernelError};

/// Transposes the plan's input; see [`super`] for the algorithm.
pub fn transpose<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut row_ptr = try_filled(cols + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    sort_by_column(
        a,
        plan.path(),
        &mut row_ptr,
        &mut col_idx,
        &mut values,
        |i, _| i,
    )?;
    shift(&mut row_ptr, cols);
    Ok(CsrParts::new(cols, rows, row_ptr, col_idx, values))
}

/// Counting sort of `a`'s entries by column along `path`: entry `(i, j)` with value `v` goes to
/// the next free position `d` of column `j`, `out_idx[d] = key(i, j)` and `out_val[d] = v`.
/// `ptr` holds `a.cols() + 1` zeros on entry; on return `ptr[j]` is the end of column `j`'s run.
/// Fails only when the partitioned path cannot allocate its scratch.
pub(crate) fn sort_by_column<I: Index>(
    a: &Csr<I>,
    path: Path,
    ptr: &mut [I],
    out_idx: &mut [I],
    out_val: &mut [Complex64],
    key: impl Fn(usize, usize) -> usize,
) -> Result<(), KernelError> {
    let (cols, nnz) = (a.cols(), a.nnz());
    let in_col = a.col_idx();
    for k in 0..nnz {
        let c = in_col[k].to_usize();
        ptr[c + 1] = I::from_usize(ptr[c + 1].to_usize() + 1);
    }
    prefix_sum(ptr, cols);
    match path {
        Path::Direct => scatter::<_, false>(a, ptr, out_idx, out_val, key),
        Path::DirectAhead => scatter::<_, true>(a, ptr, out_idx, out_val, key),
        Path::Partitioned { shift } => partitioned(a, shift, ptr, out_idx, out_val, key)?,
    }
    Ok(())
}

/// The direct scatter: every entry straight to the next free position of its column; `ptr[j]`
/// goes from the start of column `j`'s run to its end; with the look-ahead when `LOOK_AHEAD`.
fn scatter<I: Index, const LOOK_AHEAD: bool>(
    a: &Csr<I>,
    ptr: &mut [I],
    out_idx: &mut [I],
    out_val: &mut [Complex64],
    key: impl Fn(usize, usize) -> usize,
) {
    let (in_ptr, in_col, in_val) = (a.row_ptr(), a.col_idx(), a.values());
    let nnz = a.nnz();
    for i in 0..a.rows() {
        for k in in_ptr[i].to_usize()..in_ptr[i + 1].to_usize() {
            if LOOK_AHEAD && k + AHEAD < nnz {
                let ahead = ptr[in_col[k + AHEAD].to_usize()].to_usize();
                prefetch(out_idx, ahead);
                prefetch(out_val, ahead);
            }
            let c = in_col[k].to_usize();
            let d = ptr[c].to_usize();
            if LOOK_AHEAD {
                prefetch_next(out_idx, d);
                prefetch_next(out_val, d);
            }
            out_idx[d] = I::from_usize(key(i, c));
            out_val[d] = in_val[k];
            ptr[c] = I::from_usize(d + 1);
        }
    }
}

/// The partitioned scatter: pass A moves every entry to its bucket's range of the output, pass B
/// sorts each range by column through a scratch copy.
fn partitioned<I: Index>(
    a: &Csr<I>,
    shift: u32,
    ptr: &mut [I],
    out_idx: &mut [I],
    out_val: &mut [Complex64],
    key: impl Fn(usize, usize) -> usize,
) -> Result<(), KernelError> {
    let (cols, nnz) = (a.cols(), a.nnz());
    let buckets = Path::Partitioned { shift }.buckets(cols);
    let mut next = try_filled(buckets, 0usize)?;
    let mut bucket_col = try_filled(nnz, I::ZERO)?;
    let mut largest = 0;
    for b in 0..buckets {
        let first = b << shift;
        let last = if b + 1 == buckets {
            cols
        } else {
            (b + 1) << shift
        };
        let (lo, hi) = (ptr[first].to_usize(), ptr[last].to_usize());
        largest = largest.max(hi - lo);
        next[b] = lo;
    }
    let (in_ptr, in_col, in_val) = (a.row_ptr(), a.col_idx(), a.values());
    for i in 0..a.rows() {
        for k in in_ptr[i].to_usize()..in_ptr[i + 1].to_usize() {
            if k + AHEAD < nnz {
                let ahead = next[in_col[k + AHEAD].to_usize() >> shift];
                prefetch(out_idx, ahead);
                prefetch(out_val, ahead);
                prefetch(&bucket_col, ahead);
            }
            let c = in_col[k].to_usize();
            let d = next[c >> shift];
            out_idx[d] = I::from_usize(key(i, c));
            out_val[d] = in_val[k];
            bucket_col[d] = I::from_usize(c);
            next[c >> shift] = d + 1;
        }
    }
    let mut scratch_idx = try_filled(largest, I::ZERO)?;
    let mut scratch_val = try_filled(largest, Complex64::default())?;
    let mut lo = 0;
    for b in 0..buckets {
        let hi = next[b];
        scratch_idx[..hi - lo].copy_from_slice(&out_idx[lo..hi]);
        scratch_val[..hi - lo].copy_from_slice(&out_val[lo..hi]);
        for e in 0..hi - lo {
            if e + AHEAD < hi - lo {
                let ahead = ptr[bucket_col[lo + e + AHEAD].to_usize()].to_usize();
                prefetch(out_idx, ahead);
                prefetch(out_val, ahead);
            }
            let c = bucket_col[lo + e].to_usize();
            let d = ptr[c].to_usize();
            out_idx[d] = scratch_idx[e];
            out_val[d] = scratch_val[e];
            ptr[c] = I::from_usize(d + 1);
        }
        lo = hi;
    }
    Ok(())
}

/// Turns per-bucket counts in slots `1..=n` (slot 0 holding 0) into bucket starts.
pub(crate) fn prefix_sum<I: Index>(ptr: &mut [I], n: usize) {
    for b in 0..n {
        ptr[b + 1] = I::from_usize(ptr[b + 1].to_usize() + ptr[b].to_usize());
    }
}

/// Moves slots `0..n` up to `1..=n` and sets slot 0 to zero: bucket ends become row pointers.
pub(crate) fn shift<I: Index>(ptr: &mut [I], n: usize) {
    for b in (0..n).rev() {
        ptr[b + 1] = ptr[b];
    }
    ptr[0] = I::ZERO;
}
