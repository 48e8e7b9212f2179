//! Bounds-checked column unstack: the raw algorithm with slice indexing on every access.
#![forbid(unsafe_code)]
// Indexing by loop counters is the point of this variant: it measures what bounds checks cost.
#![allow(clippy::needless_range_loop)]

use num_complex::Complex64;

use super::{Plan, Position};
use crate::alloc::try_filled;
use crate::prefetch::{prefetch, prefetch_next};
use crate::transpose::AHEAD;
use crate::transpose::checked::{prefix_sum, shift};
use crate::{CsrParts, Index, KernelError};

/// Unstacks the plan's input; see [`super`] for the algorithm.
pub fn column_unstack<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let v = plan.input();
    let (rows, cols) = plan.shape();
    let (len, nnz) = (v.rows(), v.nnz());
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let mut flat = try_filled(nnz + 1, I::ZERO)?;
    let (in_ptr, in_val) = (v.row_ptr(), v.values());
    for k in 0..len {
        flat[in_ptr[k].to_usize()] = I::from_usize(k);
    }
    walk(&flat, nnz, rows, |_, i, _| {
        row_ptr[i + 1] = I::from_usize(row_ptr[i + 1].to_usize() + 1);
    });
    prefix_sum(&mut row_ptr, rows);
    let mut lead = Position::new(rows);
    for e in 0..nnz.min(AHEAD) {
        lead.step(flat[e].to_usize());
    }
    walk(&flat, nnz, rows, |e, i, j| {
        if e + AHEAD < nnz {
            let (ahead, _) = lead.step(flat[e + AHEAD].to_usize());
            let ahead = row_ptr[ahead].to_usize();
            prefetch(&col_idx, ahead);
            prefetch(&values, ahead);
        }
        let d = row_ptr[i].to_usize();
        if plan.next_lines() {
            prefetch_next(&col_idx, d);
            prefetch_next(&values, d);
        }
        col_idx[d] = I::from_usize(j);
        values[d] = in_val[e];
        row_ptr[i] = I::from_usize(d + 1);
    });
    shift(&mut row_ptr, rows);
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// Calls `visit(e, i, j)` for each entry `e < nnz` whose row number is `flat[e] = j * rows + i`,
/// in order, finding `(i, j)` from the previous entry's by additions.
fn walk<I: Index>(flat: &[I], nnz: usize, rows: usize, mut visit: impl FnMut(usize, usize, usize)) {
    let mut at = Position::new(rows);
    for e in 0..nnz {
        let (i, j) = at.step(flat[e].to_usize());
        visit(e, i, j);
    }
}
