//! Bounds-checked column unstack: the raw algorithm with slice indexing on every access.
// Indexing by loop counters is the point of this variant: it measures what bounds checks cost.
#![allow(clippy::needless_range_loop)]

use num_complex::Complex64;

use super::Plan;
use crate::alloc::try_filled;
use crate::transpose::checked::{prefix_sum, shift};
use crate::{Csr, Index, KernelError};

/// Unstacks the plan's input; see [`super`] for the algorithm.
pub fn column_unstack<I: Index>(plan: &Plan<'_, I>) -> Result<Csr<I>, KernelError> {
    let v = plan.input();
    let (rows, cols) = plan.shape();
    let nnz = v.nnz();
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let mut values = try_filled(nnz, Complex64::default())?;
    let (in_ptr, in_val) = (v.row_ptr(), v.values());
    let mut k = 0usize;
    for _ in 0..cols {
        for i in 0..rows {
            let len = in_ptr[k + 1].to_usize() - in_ptr[k].to_usize();
            row_ptr[i + 1] = I::from_usize(row_ptr[i + 1].to_usize() + len);
            k += 1;
        }
    }
    prefix_sum(&mut row_ptr, rows);
    k = 0;
    for j in 0..cols {
        for i in 0..rows {
            let start = in_ptr[k];
            if start != in_ptr[k + 1] {
                let d = row_ptr[i].to_usize();
                col_idx[d] = I::from_usize(j);
                values[d] = in_val[start.to_usize()];
                row_ptr[i] = I::from_usize(d + 1);
            }
            k += 1;
        }
    }
    shift(&mut row_ptr, rows);
    Ok(Csr::from_kernel(rows, cols, row_ptr, col_idx, values))
}
