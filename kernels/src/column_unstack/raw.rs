//! Raw-pointer column unstack: writes into uninitialised buffers, no checks inside the loops.
#![allow(
    unsafe_code,
    reason = "the raw variant: pointer loops, a SAFETY comment on each block"
)]

use num_complex::Complex64;

use super::{Plan, Position};
use crate::alloc::try_with_capacity;
use crate::prefetch::{prefetch_at, prefetch_next_line};
use crate::transpose::AHEAD;
use crate::transpose::raw::{prefix_sum, shift};
use crate::{CsrParts, Index, KernelError};

/// Unstacks the plan's input; see [`super`] for the algorithm.
pub fn column_unstack<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let v = plan.input();
    let next_lines = plan.next_lines();
    let (rows, cols) = plan.shape();
    let (len, nnz) = (v.rows(), v.nnz());
    // rows + 1 does not overflow (plan), nor does nnz + 1 (nnz <= len, a count of row pointers).
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let mut values = try_with_capacity::<Complex64>(nnz)?;
    let mut scratch = try_with_capacity::<I>(nnz + 1)?;
    let (ptr, out_col, out_val) = (
        row_ptr.as_mut_ptr(),
        col_idx.as_mut_ptr(),
        values.as_mut_ptr(),
    );
    let (in_ptr, in_val) = (v.row_ptr().as_ptr(), v.values().as_ptr());
    let flat = scratch.as_mut_ptr();
    for k in 0..len {
        // SAFETY: k < len, within v's row pointer of len + 1 slots (Csr invariant 2), whose
        // values are at most nnz < nnz + 1, the capacity of `flat`; k < len fits I (Csr
        // invariant 1).
        unsafe {
            flat.add((*in_ptr.add(k)).to_usize())
                .write(I::from_usize(k))
        };
    }
    // SAFETY: `row_ptr` has capacity rows + 1; all-zero bits are the integer 0.
    unsafe { ptr.write_bytes(0, rows + 1) };
    // SAFETY: the scan wrote slots 0..nnz of `flat` (slot e before each stored row's count
    // moved e past it), with increasing row numbers below len = rows * cols (plan).
    unsafe {
        walk(flat, nnz, rows, |_, i, _| {
            // SAFETY: i < rows, so slot i + 1 <= rows was zeroed above; a count is at most nnz,
            // which fits I.
            let slot = ptr.add(i + 1);
            slot.write(I::from_usize((*slot).to_usize() + 1));
        })
    };
    // SAFETY: slots 0..=rows are initialised, slot 0 is 0 and their sum is nnz, which fits I.
    unsafe { prefix_sum(ptr, rows) };
    let mut lead = Position::new(rows);
    for e in 0..nnz.min(AHEAD) {
        // SAFETY: e < nnz, written by the scan.
        lead.step(unsafe { *flat.add(e) }.to_usize());
    }
    // SAFETY: as for the count.
    unsafe {
        walk(flat, nnz, rows, |e, i, j| {
            // SAFETY: slot i <= rows is initialised and holds the start of output row i plus
            // the entries placed in it so far, so d < nnz, the capacity of `col_idx` and
            // `values`, and no position is handed out twice; e < nnz, the length of v's values;
            // j < cols fits I (plan). The lead walk reads entry e + AHEAD < nnz, written by the
            // scan, and the slot of its row i < rows.
            if e + AHEAD < nnz {
                let (ahead, _) = lead.step((*flat.add(e + AHEAD)).to_usize());
                let ahead = (*ptr.add(ahead)).to_usize();
                prefetch_at(out_col.wrapping_add(ahead));
                prefetch_at(out_val.wrapping_add(ahead));
            }
            let slot = ptr.add(i);
            let d = (*slot).to_usize();
            if next_lines {
                prefetch_next_line(out_col.wrapping_add(d));
                prefetch_next_line(out_val.wrapping_add(d));
            }
            out_col.add(d).write(I::from_usize(j));
            out_val.add(d).write(*in_val.add(e));
            slot.write(I::from_usize(d + 1));
        })
    };
    // SAFETY: slots 0..=rows of `row_ptr` are initialised, within its capacity rows + 1.
    unsafe { shift(ptr, rows) };
    // SAFETY: the scatter wrote every slot of `col_idx` and `values` (the counts add up to nnz),
    // shift every slot of `row_ptr`.
    unsafe {
        row_ptr.set_len(rows + 1);
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}

/// Calls `visit(e, i, j)` for each entry `e < nnz` whose row number is `flat[e] = j * rows + i`,
/// in order, finding `(i, j)` from the previous entry's by additions.
///
/// # Safety
/// `flat` must point at `nnz` initialised, strictly increasing row numbers, and `rows > 0`.
unsafe fn walk<I: Index>(
    flat: *const I,
    nnz: usize,
    rows: usize,
    mut visit: impl FnMut(usize, usize, usize),
) {
    let mut at = Position::new(rows);
    for e in 0..nnz {
        // SAFETY: e < nnz (caller).
        let (i, j) = at.step(unsafe { *flat.add(e) }.to_usize());
        visit(e, i, j);
    }
}
