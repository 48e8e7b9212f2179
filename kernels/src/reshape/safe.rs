//! Safe reshape: no `unsafe`; each input row and its slot in the output are split off the front
//! of their arrays, so the inner loop zips two slices and needs no bounds check.
#![forbid(unsafe_code)]

use super::Plan;
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
    let (mut out_rest, mut in_rest) = (&mut col_idx[..], a.col_idx());
    let mut out_row = 0usize;
    let mut row_end = cols;
    let mut k = 0usize;
    let mut base = 0usize;
    for w in a.row_ptr().windows(2) {
        let len = w[1].to_usize() - w[0].to_usize();
        let (out, rest) = std::mem::take(&mut out_rest).split_at_mut(len);
        let (row, rest_in) = in_rest.split_at(len);
        (out_rest, in_rest) = (rest, rest_in);
        while base >= row_end {
            out_row += 1;
            row_ptr[out_row] = I::from_usize(k);
            row_end += cols;
        }
        if base + a.cols() <= row_end {
            let row_start = row_end - cols;
            for (o, &c) in out.iter_mut().zip(row) {
                *o = I::from_usize(base + c.to_usize() - row_start);
            }
            k += len;
        } else {
            for (o, &c) in out.iter_mut().zip(row) {
                let flat = base + c.to_usize();
                while flat >= row_end {
                    out_row += 1;
                    row_ptr[out_row] = I::from_usize(k);
                    row_end += cols;
                }
                *o = I::from_usize(flat - (row_end - cols));
                k += 1;
            }
        }
        base += a.cols();
    }
    row_ptr[out_row + 1..].fill(I::from_usize(nnz));
    Ok(CsrParts::new(rows, cols, row_ptr, col_idx, values))
}
