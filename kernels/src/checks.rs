//! The size checks every validation step shares: [`Csr::new`](crate::Csr::new), the Matrix
//! Market reader and each kernel's `Plan::new`.
//!
//! Each returns the error of its caller's boundary (a [`CsrError`] for a matrix, a
//! [`KernelError`] for a kernel's parameters) so the message names what did not fit.

use crate::{CsrError, Index, KernelError};

/// Checks that a matrix's `value` (its rows, cols or nnz) fits the index type `I`.
pub(crate) fn check_fits<I: Index>(what: &'static str, value: usize) -> Result<(), CsrError> {
    if value > I::MAX {
        return Err(CsrError::TooLarge {
            what,
            value,
            bits: I::BITS,
            max: I::MAX,
        });
    }
    Ok(())
}

/// Checks that an output dimension fits the index type `I`.
pub(crate) fn fits<I: Index>(what: &'static str, value: usize) -> Result<(), KernelError> {
    if value > I::MAX {
        return Err(KernelError::IndexOverflow {
            what,
            value,
            bits: I::BITS,
            max: I::MAX,
        });
    }
    Ok(())
}

/// `a * b`, or [`KernelError::Overflow`] naming `what`.
pub(crate) fn checked_size(what: &'static str, a: usize, b: usize) -> Result<usize, KernelError> {
    a.checked_mul(b).ok_or(KernelError::Overflow { what, a, b })
}

/// `rows + 1`, the length of the row pointer of an output with `rows` rows, or
/// [`KernelError::OutOfMemory`] when even that count overflows (a `u64` matrix may have
/// `usize::MAX` columns; no allocator could hold its transpose's row pointers).
pub(crate) fn row_ptr_len(rows: usize) -> Result<usize, KernelError> {
    rows.checked_add(1)
        .ok_or(KernelError::OutOfMemory { bytes: usize::MAX })
}
