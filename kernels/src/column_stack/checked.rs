//! Bounds-checked column stack: the raw algorithm with slice indexing on every access.
#![forbid(unsafe_code)]
// Indexing by loop counters is the point of this variant: it measures what bounds checks cost.
#![allow(clippy::needless_range_loop)]

use num_complex::Complex64;

use super::{Plan, SPECULATIVE_FILL};
use crate::alloc::{try_filled, try_grow};
use crate::transpose::checked::sort_by_column;
use crate::{CsrParts, Index, KernelError};

/// Stacks the plan's input into one column; see [`super`] for the algorithm.
pub fn column_stack<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, len, nnz) = (a.rows(), plan.output_rows(), a.nnz());
    // The scratch column pointer of the counting sort becomes the output row pointer.
    let mut row_ptr = try_filled(a.cols() + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    sort_by_column(
        a,
        plan.path(),
        &mut row_ptr,
        &mut col_idx,
        &mut values,
        |i, j| j * rows + i,
    )?;
    try_grow(&mut row_ptr, len + 1 + SPECULATIVE_FILL)?;
    row_ptr.resize(len + 1 + SPECULATIVE_FILL, I::ZERO);
    let mut next = 0usize;
    for k in 0..nnz {
        let flat = col_idx[k].to_usize();
        for r in next..next + SPECULATIVE_FILL {
            row_ptr[r] = I::from_usize(k);
        }
        for r in next + SPECULATIVE_FILL..flat + 1 {
            row_ptr[r] = I::from_usize(k);
        }
        next = flat + 1;
        col_idx[k] = I::ZERO;
    }
    for r in next..len + 1 {
        row_ptr[r] = I::from_usize(nnz);
    }
    row_ptr.truncate(len + 1);
    Ok(CsrParts::new(len, 1, row_ptr, col_idx, values))
}
