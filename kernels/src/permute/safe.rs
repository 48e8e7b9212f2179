//! Safe permute: no `unsafe`; `p` is built by extending a vector block by block, the odometer
//! runs over zipped digits and radices.
#![forbid(unsafe_code)]

use super::Plan;
use crate::alloc::{try_filled, try_with_capacity};
use crate::permute_indices::DIGITS_SHORT_ROW;
use crate::permute_indices::safe::scatter;
use crate::{CsrParts, Index, KernelError};

/// Permutes the plan's input; see [`super`] for the algorithm.
pub fn permute<I: Index>(plan: &Plan<'_, I>) -> Result<CsrParts<I>, KernelError> {
    let size = plan.size();
    let (outer, (inner_dim, inner_stride)) = plan.walk();
    let mut p = try_with_capacity::<usize>(size)?;
    let mut digits = try_filled(outer.len(), 0usize)?;
    let mut base = 0usize; // sum of digit * stride over the outer axes
    for _ in 0..size / inner_dim {
        p.extend((0..inner_dim).map(|t| base + t * inner_stride));
        for (d, &(dim, stride)) in digits.iter_mut().zip(outer).rev() {
            *d += 1;
            base += stride;
            if *d < dim {
                break;
            }
            *d = 0;
            base -= dim * stride;
        }
    }
    let (rows, cols) = plan.scatter_axes(&p);
    scatter(plan.input(), rows, cols, plan.path(), DIGITS_SHORT_ROW)
}
