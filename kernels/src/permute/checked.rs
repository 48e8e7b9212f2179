//! Bounds-checked permute: the raw walk with slice indexing on every access.
#![forbid(unsafe_code)]

use super::Plan;
use crate::alloc::try_filled;
use crate::permute_indices::DIGITS_SHORT_ROW;
use crate::permute_indices::checked::scatter;
use crate::{CsrParts, Index, KernelError};

/// Permutes the plan's input; see [`super`] for the algorithm.
pub fn permute<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let size = plan.size();
    let (outer, (inner_dim, inner_stride)) = plan.walk();
    let mut p = try_filled(size, 0usize)?;
    let mut digits = try_filled(outer.len(), 0usize)?;
    let mut base = 0usize; // sum of digit * stride over the outer axes
    let mut block = 0usize;
    while block < size {
        for t in 0..inner_dim {
            p[block + t] = base + t * inner_stride;
        }
        block += inner_dim;
        let mut axis = outer.len();
        while axis > 0 {
            axis -= 1;
            let (dim, stride) = outer[axis];
            digits[axis] += 1;
            base += stride;
            if digits[axis] < dim {
                break;
            }
            digits[axis] = 0;
            base -= dim * stride;
        }
    }
    let (rows, cols) = plan.scatter_axes(&p);
    scatter(plan.input(), rows, cols, plan.path(), DIGITS_SHORT_ROW)
}
