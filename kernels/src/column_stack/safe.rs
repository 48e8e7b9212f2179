//! Safe column stack: no `unsafe`; the row pointer grows by `extend_from_slice` and `resize`, so
//! only the counting sort's computed positions are bounds-checked.
#![forbid(unsafe_code)]

use num_complex::Complex64;

use super::{Plan, SPECULATIVE_FILL};
use crate::alloc::{try_filled, try_grow};
use crate::transpose::safe::sort_by_column;
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
    row_ptr.clear();
    try_grow(&mut row_ptr, len + 1 + SPECULATIVE_FILL)?;
    for (k, c) in col_idx.iter_mut().enumerate() {
        // Output rows strictly increase, so `row_ptr` stays within its capacity: the speculative
        // fill, then a truncation to the entry's row (or, past a long gap, a fill up to it).
        row_ptr.extend_from_slice(&[I::from_usize(k); SPECULATIVE_FILL]);
        row_ptr.resize(c.to_usize() + 1, I::from_usize(k));
        *c = I::ZERO;
    }
    row_ptr.resize(len + 1, I::from_usize(nnz));
    Ok(CsrParts::new(len, 1, row_ptr, col_idx, values))
}
