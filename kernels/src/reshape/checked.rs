//! Bounds-checked reshape: the raw algorithm with slice indexing on every access.
#![forbid(unsafe_code)]

use super::{CHUNK, Plan, whole_row_column};
use crate::alloc::{try_copied, try_filled};
use crate::{CsrParts, Index, KernelError};

/// Reshapes the plan's input; see [`super`] for the algorithm.
pub fn reshape<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, cols) = plan.shape();
    let (in_rows, in_cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let values = try_copied(a.values())?;
    let (in_ptr, in_col) = (a.row_ptr(), a.col_idx());
    let mut out_row = 0usize;
    let mut row_end = cols;
    for r in 0..in_rows {
        let base = r * in_cols;
        let (start, end) = (in_ptr[r].to_usize(), in_ptr[r + 1].to_usize());
        while base >= row_end {
            out_row += 1;
            row_ptr[out_row] = I::from_usize(start);
            row_end += cols;
        }
        if base + in_cols <= row_end {
            let row_start = row_end - cols;
            let moved = |col: I| whole_row_column(col, base, row_start);
            if end + CHUNK <= nnz {
                let mut k = start;
                loop {
                    let (out, from) = (&mut col_idx[k..k + CHUNK], &in_col[k..k + CHUNK]);
                    for l in 0..CHUNK {
                        out[l] = moved(from[l]);
                    }
                    k += CHUNK;
                    if k >= end {
                        break;
                    }
                }
            } else {
                for k in start..end {
                    col_idx[k] = moved(in_col[k]);
                }
            }
            continue;
        }
        for k in start..end {
            #[cfg(not(feature = "bug-flat-index-overflow"))]
            let flat = base + in_col[k].to_usize();
            // Seeded bug B4 (see the raw variant): the flat index kept in the index type.
            #[cfg(feature = "bug-flat-index-overflow")]
            let flat = I::from_usize(base + in_col[k].to_usize()).to_usize();
            while flat >= row_end {
                out_row += 1;
                row_ptr[out_row] = I::from_usize(k);
                row_end += cols;
            }
            col_idx[k] = I::from_usize(flat - (row_end - cols));
        }
    }
    #[cfg(not(feature = "bug-reshape-prefix-sum"))]
    let last = rows;
    // Seeded bug B1 (see the raw variant): the fill runs to rows + 1.
    #[cfg(feature = "bug-reshape-prefix-sum")]
    let last = rows + 1;
    while out_row < last {
        out_row += 1;
        row_ptr[out_row] = I::from_usize(nnz);
    }
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
