//! Raw-pointer column stack: writes into uninitialised buffers, no checks inside the loops.
#![allow(
    unsafe_code,
    reason = "the raw variant: pointer loops, a SAFETY comment on each block"
)]

use num_complex::Complex64;

use super::{Plan, SPECULATIVE_FILL};
use crate::alloc::{try_grow, try_with_capacity};
use crate::transpose::raw::sort_by_column;
use crate::{CsrParts, Index, KernelError};

/// Stacks the plan's input into one column; see [`super`] for the algorithm.
pub fn column_stack<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, len, nnz) = (a.rows(), plan.output_rows(), a.nnz());
    // The counting sort's scratch column pointer (a.cols() + 1 slots) becomes the output row
    // pointer (len + 1 slots, as many or more once rows > 0): one allocation fewer, grown in
    // place where the allocator can. Neither a.cols() + 1 nor len + 1 overflows (plan).
    let mut row_ptr = try_with_capacity::<I>(a.cols() + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let out_col = col_idx.as_mut_ptr();
    // Seeded bug B6: the row pointer's address taken before the growth below, so the walk writes
    // into the freed scratch whenever the reallocation moves it.
    #[cfg(feature = "bug-stale-pointer")]
    let out_ptr = row_ptr.as_mut_ptr();
    // SAFETY: the buffers are fresh, with capacities a.cols() + 1, nnz and nnz as sort_by_column
    // needs; the key j * rows + i < rows * cols = len fits I, and the shift is clamped (plan).
    unsafe {
        sort_by_column(
            a,
            plan.path(),
            row_ptr.as_mut_ptr(),
            out_col,
            values.as_mut_ptr(),
            |i, j| j * rows + i,
        )
    }?;
    try_grow(&mut row_ptr, len + 1 + SPECULATIVE_FILL)?;
    // Taken after the growth, which may have moved the buffer.
    #[cfg(not(feature = "bug-stale-pointer"))]
    let out_ptr = row_ptr.as_mut_ptr();
    // `col_idx[k]` now holds entry k's output row, strictly increasing in k.
    let mut next = 0usize; // the first row pointer not yet final, at most len
    for k in 0..nnz {
        // SAFETY: k < nnz; sort_by_column wrote every slot of `col_idx`.
        let flat = unsafe { *out_col.add(k) }.to_usize();
        let position = I::from_usize(k); // k < nnz fits I (Csr invariant 1)
        for r in next..next + SPECULATIVE_FILL {
            // SAFETY: r < next + SPECULATIVE_FILL <= len + SPECULATIVE_FILL, within the
            // capacity len + 1 + SPECULATIVE_FILL.
            unsafe { out_ptr.add(r).write(position) };
        }
        for r in next + SPECULATIVE_FILL..flat + 1 {
            // SAFETY: r <= flat < len, within the capacity.
            unsafe { out_ptr.add(r).write(position) };
        }
        next = flat + 1;
        // SAFETY: k < nnz = capacity of `col_idx`.
        unsafe { out_col.add(k).write(I::ZERO) };
    }
    for r in next..len + 1 {
        // SAFETY: r <= len < len + 1 <= capacity; nnz fits I (Csr invariant 1).
        unsafe { out_ptr.add(r).write(I::from_usize(nnz)) };
    }
    // SAFETY: capacity >= len + 1; the walk and the tail wrote slots 0..=len of `row_ptr` (each
    // slot r <= len gets its final value from the last entry whose writes reach it, or from the
    // tail); sort_by_column wrote every slot of `values`, the walk every slot of `col_idx` again.
    unsafe {
        row_ptr.set_len(len + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    // Output rows strictly increase with k, so each row holds at most one entry, in column 0.
    Ok(CsrParts::new(len, 1, row_ptr, col_idx, values))
}
