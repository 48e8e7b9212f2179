//! Raw-pointer reshape: writes into uninitialised buffers, no checks inside the loop.
#![allow(
    unsafe_code,
    reason = "the raw variant: pointer loops, a SAFETY comment on each block"
)]

use super::{CHUNK, Plan, whole_row_column};
use crate::alloc::{try_copied, try_with_capacity};
use crate::{CsrParts, Index, KernelError};

/// Reshapes the plan's input; see [`super`] for the algorithm.
pub fn reshape<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, cols) = plan.shape();
    let (in_rows, in_cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut row_ptr = try_with_capacity::<I>(rows + 1)?;
    let mut col_idx = try_with_capacity::<I>(nnz)?;
    let values = try_copied(a.values())?;
    let out_ptr = row_ptr.as_mut_ptr();
    let out_col = col_idx.as_mut_ptr();
    let in_ptr = a.row_ptr().as_ptr();
    let in_col = a.col_idx().as_ptr();
    // SAFETY: `out_ptr` has capacity `rows + 1` and index 0 < rows + 1.
    unsafe { out_ptr.write(I::ZERO) };
    let mut out_row = 0usize;
    let mut row_end = cols; // flat index one past the current output row
    for r in 0..in_rows {
        let base = r * in_cols; // < in_rows * in_cols, which the plan proved does not overflow
        // SAFETY: `in_ptr` points at `in_rows + 1` row pointers (Csr invariant 2) and r < in_rows.
        let (start, end) =
            unsafe { ((*in_ptr.add(r)).to_usize(), (*in_ptr.add(r + 1)).to_usize()) };
        // Output rows that begin at or before this input row's first cell begin with its first
        // entry (every entry so far lies before them).
        while base >= row_end {
            out_row += 1;
            // SAFETY: out_row * cols < row_end <= base < rows * cols, so out_row < rows; capacity
            // is rows + 1.
            unsafe { out_ptr.add(out_row).write(I::from_usize(start)) };
            row_end += cols;
        }
        if base + in_cols <= row_end {
            // The whole input row lies in output row out_row: each column moves by the row's
            // offset in it, with no walk, CHUNK columns at a time while a chunk ends within nnz.
            let row_start = row_end - cols;
            // Every column of the input is < in_cols, so base + col < base + in_cols <= row_end
            // and the new column is < cols, which fits I (plan).
            let moved = |col: I| whole_row_column(col, base, row_start);
            if end + CHUNK <= nnz {
                let mut k = start;
                loop {
                    // SAFETY: k <= end (k == start on the first step, k < end after), so
                    // k + CHUNK <= nnz, the length of in_col and the capacity of out_col (Csr
                    // invariant 2). Slots past `end` belong to later rows, which write them again.
                    unsafe {
                        let chunk = in_col.add(k).cast::<[I; CHUNK]>().read_unaligned();
                        out_col
                            .add(k)
                            .cast::<[I; CHUNK]>()
                            .write_unaligned(chunk.map(moved));
                    }
                    k += CHUNK;
                    if k >= end {
                        break;
                    }
                }
            } else {
                for k in start..end {
                    // SAFETY: start <= k < end <= nnz, the length of in_col and the capacity of
                    // out_col (Csr invariant 2).
                    unsafe { out_col.add(k).write(moved(*in_col.add(k))) };
                }
            }
            continue;
        }
        for k in start..end {
            // SAFETY: start <= k < end <= nnz = col_idx.len() (Csr invariant 2).
            let col = unsafe { *in_col.add(k) }.to_usize();
            #[cfg(not(feature = "bug-flat-index-overflow"))]
            let flat = base + col;
            // Seeded bug B4: the flat index kept in the index type, as QuTiP's `idxint` did; it
            // wraps once r * cols + c passes I::MAX, though rows and cols each fit.
            #[cfg(feature = "bug-flat-index-overflow")]
            let flat = I::from_usize(base + col).to_usize();
            // flat < in_rows * in_cols = rows * cols (plan), so out_row stays below rows.
            while flat >= row_end {
                out_row += 1;
                // SAFETY: out_row < rows because flat < rows * cols; capacity is rows + 1.
                unsafe { out_ptr.add(out_row).write(I::from_usize(k)) };
                row_end += cols;
            }
            // SAFETY: k < nnz = capacity of `col_idx`; the column is < cols, which fits I (plan).
            unsafe { out_col.add(k).write(I::from_usize(flat - (row_end - cols))) };
        }
    }
    #[cfg(not(feature = "bug-reshape-prefix-sum"))]
    let last = rows;
    // Seeded bug B1: the fill runs to rows + 1, one past the row pointer, as QuTiP's prefix sum
    // did before b6dcc2893.
    #[cfg(feature = "bug-reshape-prefix-sum")]
    let last = rows + 1;
    while out_row < last {
        out_row += 1;
        // SAFETY: out_row <= rows < rows + 1 = capacity; nnz fits I (Csr invariant 1).
        unsafe { out_ptr.add(out_row).write(I::from_usize(nnz)) };
    }
    // SAFETY: every slot 0..=rows of `row_ptr` was written (0, the walk, then the tail loop), and
    // every slot 0..nnz of `col_idx` by its own row (a chunk may write later rows' slots first).
    unsafe {
        row_ptr.set_len(rows + 1);
        col_idx.set_len(nnz);
    }
    // The walk emits entries in flat-index order, so row pointers are non-decreasing from 0 to nnz
    // and columns strictly increase within a row and are below `cols`.
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
