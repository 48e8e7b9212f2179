//! Safe transpose: no `unsafe`; iterators over pre-sliced rows let the compiler drop bounds
//! checks everywhere but at the counting sort's computed positions.
#![forbid(unsafe_code)]

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
    shift(&mut row_ptr);
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
    let counts = &mut ptr[1..];
    for c in a.col_idx() {
        let n = &mut counts[c.to_usize()];
        *n = I::from_usize(n.to_usize() + 1);
    }
    prefix_sum(ptr);
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
    let in_col = a.col_idx();
    for (i, w) in a.row_ptr().windows(2).enumerate() {
        let range = w[0].to_usize()..w[1].to_usize();
        let entries = in_col[range.clone()].iter().zip(&a.values()[range.clone()]);
        for (k, (c, &v)) in range.zip(entries) {
            if let Some(ahead) = in_col.get(k + AHEAD).filter(|_| LOOK_AHEAD) {
                let ahead = ptr[ahead.to_usize()].to_usize();
                prefetch(out_idx, ahead);
                prefetch(out_val, ahead);
            }
            let c = c.to_usize();
            let next = &mut ptr[c];
            let d = next.to_usize();
            if LOOK_AHEAD {
                prefetch_next(out_idx, d);
                prefetch_next(out_val, d);
            }
            out_idx[d] = I::from_usize(key(i, c));
            out_val[d] = v;
            *next = I::from_usize(d + 1);
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
    let cols = a.cols();
    let buckets = Path::Partitioned { shift }.buckets(cols);
    let mut next = try_filled(buckets, 0usize)?;
    let mut bucket_col = try_filled(a.nnz(), I::ZERO)?;
    // Bucket b's range starts where its first column does; the last bucket ends at nnz.
    let starts = ptr.iter().step_by(1 << shift);
    for (n, start) in next.iter_mut().zip(starts) {
        *n = start.to_usize();
    }
    let ends = next.iter().skip(1).copied().chain([ptr[cols].to_usize()]);
    let largest = next.iter().zip(ends).map(|(lo, hi)| hi - lo).max();
    let in_col = a.col_idx();
    for (i, w) in a.row_ptr().windows(2).enumerate() {
        let range = w[0].to_usize()..w[1].to_usize();
        let entries = in_col[range.clone()].iter().zip(&a.values()[range.clone()]);
        for (k, (c, &v)) in range.zip(entries) {
            if let Some(ahead) = in_col.get(k + AHEAD) {
                let ahead = next[ahead.to_usize() >> shift];
                prefetch(out_idx, ahead);
                prefetch(out_val, ahead);
                prefetch(&bucket_col, ahead);
            }
            let c = c.to_usize();
            let cursor = &mut next[c >> shift];
            let d = *cursor;
            out_idx[d] = I::from_usize(key(i, c));
            out_val[d] = v;
            bucket_col[d] = I::from_usize(c);
            *cursor = d + 1;
        }
    }
    let largest = largest.unwrap_or(0);
    let mut scratch_idx = try_filled(largest, I::ZERO)?;
    let mut scratch_val = try_filled(largest, Complex64::default())?;
    let mut lo = 0;
    for &hi in &next {
        let (s_idx, s_val) = (&mut scratch_idx[..hi - lo], &mut scratch_val[..hi - lo]);
        s_idx.copy_from_slice(&out_idx[lo..hi]);
        s_val.copy_from_slice(&out_val[lo..hi]);
        let range = &bucket_col[lo..hi];
        for (e, ((c, &x), &v)) in range.iter().zip(&*s_idx).zip(&*s_val).enumerate() {
            if let Some(ahead) = range.get(e + AHEAD) {
                let ahead = ptr[ahead.to_usize()].to_usize();
                prefetch(out_idx, ahead);
                prefetch(out_val, ahead);
            }
            let slot = &mut ptr[c.to_usize()];
            let d = slot.to_usize();
            out_idx[d] = x;
            out_val[d] = v;
            *slot = I::from_usize(d + 1);
        }
        lo = hi;
    }
    Ok(())
}

/// Turns per-bucket counts in slots `1..` (slot 0 holding 0) into bucket starts.
pub(crate) fn prefix_sum<I: Index>(ptr: &mut [I]) {
    let mut sum = 0usize;
    for slot in ptr {
        sum += slot.to_usize();
        *slot = I::from_usize(sum);
    }
}

/// Moves every slot but the last up by one and sets slot 0 to zero: bucket ends become row
/// pointers. `ptr` is never empty (it has `buckets + 1` slots).
pub(crate) fn shift<I: Index>(ptr: &mut [I]) {
    let n = ptr.len() - 1;
    ptr.copy_within(..n, 1);
    ptr[0] = I::ZERO;
}
