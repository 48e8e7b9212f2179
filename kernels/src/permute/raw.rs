//! Raw-pointer permute: writes `p` into an uninitialised buffer, no checks inside the walk.
#![allow(
    unsafe_code,
    reason = "the raw variant: pointer loops, a SAFETY comment on each block"
)]

use super::Plan;
use crate::alloc::{try_filled, try_with_capacity};
use crate::permute_indices::DIGITS_SHORT_ROW;
use crate::permute_indices::raw::scatter;
use crate::{CsrParts, Index, KernelError};

/// Permutes the plan's input; see [`super`] for the algorithm.
pub fn permute<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let size = plan.size();
    let (outer, (inner_dim, inner_stride)) = plan.walk();
    let mut p = try_with_capacity::<usize>(size)?;
    let mut digits = try_filled(outer.len(), 0usize)?;
    let (out, digit, radix) = (p.as_mut_ptr(), digits.as_mut_ptr(), outer.as_ptr());
    let mut base = 0usize; // sum of digit * stride over the outer axes
    let mut block = 0usize;
    while block < size {
        for t in 0..inner_dim {
            // SAFETY: inner_dim divides size (plan), so block + t < size = capacity.
            unsafe { out.add(block + t).write(base + t * inner_stride) };
        }
        block += inner_dim;
        let mut axis = outer.len();
        while axis > 0 {
            axis -= 1;
            // SAFETY: axis < outer.len() = digits.len().
            let ((dim, stride), d) = unsafe { (*radix.add(axis), &mut *digit.add(axis)) };
            *d += 1;
            base += stride;
            if *d < dim {
                break;
            }
            *d = 0;
            base -= dim * stride;
        }
    }
    // SAFETY: the blocks of inner_dim slots tile 0..size, so every slot was written once.
    unsafe { p.set_len(size) };
    let (rows, cols) = plan.scatter_axes(&p);
    // SAFETY: the walk maps the multi-indices over dims one to one onto those of the permuted
    // shape, so p is a permutation of 0..size; the plan checked that size is the length of every
    // axis given p, and the other axis has length 1, where [0] is the permutation.
    unsafe { scatter(plan.input(), rows, cols, plan.path(), DIGITS_SHORT_ROW) }
}
