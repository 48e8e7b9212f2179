//! Safe reshape: no `unsafe`; iterators over pre-sliced rows let the compiler drop bounds checks.
#![forbid(unsafe_code)]

use super::Plan;
use crate::alloc::{try_filled, try_with_capacity};
use crate::{CsrParts, Index, KernelError};

/// Reshapes the plan's input; see [`super`] for the algorithm.
pub fn reshape<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, cols) = plan.shape();
    let nnz = a.nnz();
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let values = a.values().to_vec();
    let mut out_row = 0usize;
    let mut row_end = cols;
    let mut k = 0usize;
    let mut base = 0usize;
    for w in a.row_ptr().windows(2) {
        let row = &a.col_idx()[w[0].to_usize()..w[1].to_usize()];
        // `row_ptr` is pre-filled and written by index (checked, but only when a row ends), so
        // the closure never pushes: a push (with its grow path) in the closure, or a push per
        // entry, kept `extend` off its fast path (1.5-3x raw).
        col_idx.extend(row.iter().map(|&c| {
            let flat = base + c.to_usize();
            while flat >= row_end {
                out_row += 1;
                row_ptr[out_row] = I::from_usize(k);
                row_end += cols;
            }
            k += 1;
            I::from_usize(flat - (row_end - cols))
        }));
        base += a.cols();
    }
    row_ptr[out_row + 1..].fill(I::from_usize(nnz));
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
