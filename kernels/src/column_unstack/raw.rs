//! Raw-pointer column unstack: writes into uninitialised buffers, no checks inside the loops.

use num_complex::Complex64;

use super::Plan;
use crate::alloc::try_with_capacity;
use crate::transpose::raw::{prefix_sum, shift};
use crate::{Csr, Index, KernelError};

/// Unstacks the plan's input; see [`super`] for the algorithm.
pub fn column_unstack<I: Index>(plan: &Plan<'_, I>) -> Result<Csr<I>, KernelError> {
    let v = plan.input();
    let (rows, cols) = plan.shape();
    let nnz = v.nnz();
    // rows + 1 does not overflow (plan).
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let (ptr, out_col, out_val) = (
        row_ptr.as_mut_ptr(),
        col_idx.as_mut_ptr(),
        values.as_mut_ptr(),
    );
    let (in_ptr, in_val) = (v.row_ptr().as_ptr(), v.values().as_ptr());
    // SAFETY: `row_ptr` has capacity rows + 1; all-zero bits are the integer 0.
    unsafe { ptr.write_bytes(0, rows + 1) };
    let mut k = 0usize; // = j * rows + i
    for _ in 0..cols {
        for i in 0..rows {
            // SAFETY: k = j * rows + i < cols * rows = v.rows() (plan), so k + 1 is within v's
            // row pointer (Csr invariant 2); slot i + 1 <= rows was zeroed above, and a count is
            // at most nnz, which fits I.
            unsafe {
                let len = (*in_ptr.add(k + 1)).to_usize() - (*in_ptr.add(k)).to_usize();
                let slot = ptr.add(i + 1);
                slot.write(I::from_usize((*slot).to_usize() + len));
            }
            k += 1;
        }
    }
    // SAFETY: slots 0..=rows are initialised, slot 0 is 0 and their sum is nnz, which fits I.
    unsafe { prefix_sum(ptr, rows) };
    k = 0;
    for j in 0..cols {
        for i in 0..rows {
            // SAFETY: k + 1 <= v.rows(), as in the count.
            let (start, end) = unsafe { (*in_ptr.add(k), *in_ptr.add(k + 1)) };
            if start != end {
                // SAFETY: start < end <= nnz (Csr invariant 2); slot i <= rows is initialised and
                // holds the start of output row i plus the entries placed in it so far, so
                // d < nnz, the capacity of `col_idx` and `values`, and no position is handed out
                // twice; j < cols fits I (plan).
                unsafe {
                    let slot = ptr.add(i);
                    let d = (*slot).to_usize();
                    out_col.add(d).write(I::from_usize(j));
                    out_val.add(d).write(*in_val.add(start.to_usize()));
                    slot.write(I::from_usize(d + 1));
                }
            }
            k += 1;
        }
    }
    // SAFETY: slots 0..=rows of `row_ptr` are initialised, within its capacity rows + 1.
    unsafe { shift(ptr, rows) };
    // SAFETY: the scatter wrote every slot of `col_idx` and `values` (the counts add up to nnz),
    // shift every slot of `row_ptr`.
    unsafe {
        row_ptr.set_len(rows + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    Ok(Csr::from_kernel(rows, cols, row_ptr, col_idx, values))
}
