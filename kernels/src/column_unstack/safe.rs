//! Safe column unstack: no `unsafe`; the scan and the walks iterate over the row pointer and the
//! entries, so only the scratch slot of the scan and the counting sort's computed positions are
//! bounds-checked.
#![forbid(unsafe_code)]

use num_complex::Complex64;

use super::{Plan, Position};
use crate::alloc::try_filled;
use crate::prefetch::{prefetch, prefetch_next};
use crate::transpose::AHEAD;
use crate::transpose::safe::{prefix_sum, shift};
use crate::{CsrParts, Index, KernelError};

/// Unstacks the plan's input; see [`super`] for the algorithm.
pub fn column_unstack<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let v = plan.input();
    let (rows, cols) = plan.shape();
    let nnz = v.nnz();
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let mut flat = try_filled(nnz + 1, I::ZERO)?;
    for (k, start) in v.row_ptr()[..v.rows()].iter().enumerate() {
        flat[start.to_usize()] = I::from_usize(k);
    }
    let counts = &mut row_ptr[1..];
    for (i, _) in walk(&flat[..nnz], rows) {
        counts[i] = I::from_usize(counts[i].to_usize() + 1);
    }
    prefix_sum(&mut row_ptr);
    let mut lead = walk(&flat[..nnz], rows).skip(AHEAD);
    for ((i, j), &x) in walk(&flat[..nnz], rows).zip(v.values()) {
        if let Some((ahead, _)) = lead.next() {
            let ahead = row_ptr[ahead].to_usize();
            prefetch(&col_idx, ahead);
            prefetch(&values, ahead);
        }
        let next = &mut row_ptr[i];
        let d = next.to_usize();
        if plan.next_lines() {
            prefetch_next(&col_idx, d);
            prefetch_next(&values, d);
        }
        col_idx[d] = I::from_usize(j);
        values[d] = x;
        *next = I::from_usize(d + 1);
    }
    shift(&mut row_ptr);
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// `(i, j)` of each row number `flat[e] = j * rows + i`, in order, found from the previous
/// entry's by additions; the numbers increase and `rows > 0` (plan).
fn walk<I: Index>(flat: &[I], rows: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
    flat.iter()
        .scan(Position::new(rows), |at, k| Some(at.step(k.to_usize())))
}
