//! Safe column unstack: no `unsafe`; the walk zips output rows with `chunks_exact` of the input's
//! row pointer, so only the counting sort's computed positions are bounds-checked.
#![forbid(unsafe_code)]

use num_complex::Complex64;

use super::Plan;
use crate::alloc::try_filled;
use crate::transpose::safe::{prefix_sum, shift};
use crate::{Csr, Index, KernelError};

/// Unstacks the plan's input; see [`super`] for the algorithm.
pub fn column_unstack<I: Index>(plan: &Plan<'_, I>) -> Result<Csr<I>, KernelError> {
    let v = plan.input();
    let (rows, cols) = plan.shape();
    let nnz = v.nnz();
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    for (starts, ends) in output_columns(v.row_ptr(), rows) {
        for ((n, start), end) in row_ptr[1..].iter_mut().zip(starts).zip(ends) {
            *n = I::from_usize(n.to_usize() + end.to_usize() - start.to_usize());
        }
    }
    prefix_sum(&mut row_ptr);
    for (j, (starts, ends)) in output_columns(v.row_ptr(), rows).enumerate() {
        for ((next, &start), end) in row_ptr.iter_mut().zip(starts).zip(ends) {
            if start != *end {
                let d = next.to_usize();
                col_idx[d] = I::from_usize(j);
                values[d] = v.values()[start.to_usize()];
                *next = I::from_usize(d + 1);
            }
        }
    }
    shift(&mut row_ptr);
    Ok(Csr::from_kernel(rows, cols, row_ptr, col_idx, values))
}

/// The starts and ends of the input rows `j * rows .. (j + 1) * rows`, for each output column
/// `j`: `in_ptr` has `rows * cols + 1` entries and `rows > 0` (plan).
fn output_columns<I: Index>(in_ptr: &[I], rows: usize) -> impl Iterator<Item = (&[I], &[I])> {
    let len = in_ptr.len() - 1;
    in_ptr[..len]
        .chunks_exact(rows)
        .zip(in_ptr[1..].chunks_exact(rows))
}
