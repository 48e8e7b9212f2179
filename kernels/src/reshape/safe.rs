//! Safe reshape: no `unsafe`; each input row (or chunk of it) and its slots in the output are
//! sliced once, so the inner loops zip two slices and need no bounds check per entry.
#![forbid(unsafe_code)]

use super::{CHUNK, Plan};
use crate::alloc::{try_copied, try_filled};
use crate::{CsrParts, Index, KernelError};

/// Reshapes the plan's input; see [`super`] for the algorithm.
pub fn reshape<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let a = plan.input();
    let (rows, cols) = plan.shape();
    let nnz = a.nnz();
    let mut row_ptr = try_filled(rows + 1, I::ZERO)?;
    // Pre-filled and then overwritten: an `extend` per input row paid its setup per row (1.7x
    // raw's instructions on rows of a few entries), one `extend` over all entries more.
    let mut col_idx = try_filled(nnz, I::ZERO)?;
    let values = try_copied(a.values())?;
    let in_col = a.col_idx();
    let mut out_row = 0usize;
    let mut row_end = cols;
    let mut base = 0usize;
    for w in a.row_ptr().windows(2) {
        let (start, end) = (w[0].to_usize(), w[1].to_usize());
        while base >= row_end {
            out_row += 1;
            row_ptr[out_row] = I::from_usize(start);
            row_end += cols;
        }
        if base + a.cols() <= row_end {
            let row_start = row_end - cols;
            let moved = |c: I| I::from_usize(base + c.to_usize() - row_start);
            if end + CHUNK <= nnz {
                // at <= end (at == start on the first step, at < end after), so at + CHUNK <=
                // nnz, the length of both arrays: both chunks exist.
                let mut at = start;
                while let (Some(out), Some(from)) = (
                    col_idx[at..].first_chunk_mut::<CHUNK>(),
                    in_col[at..].first_chunk::<CHUNK>(),
                ) {
                    *out = from.map(moved);
                    at += CHUNK;
                    if at >= end {
                        break;
                    }
                }
            } else {
                for (o, &c) in col_idx[start..end].iter_mut().zip(&in_col[start..end]) {
                    *o = moved(c);
                }
            }
        } else {
            let row = col_idx[start..end].iter_mut().zip(&in_col[start..end]);
            for (k, (o, &c)) in (start..).zip(row) {
                let flat = base + c.to_usize();
                while flat >= row_end {
                    out_row += 1;
                    row_ptr[out_row] = I::from_usize(k);
                    row_end += cols;
                }
                *o = I::from_usize(flat - (row_end - cols));
            }
        }
        base += a.cols();
    }
    row_ptr[out_row + 1..].fill(I::from_usize(nnz));
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
