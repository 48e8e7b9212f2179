//! Fallible allocation: an output too large for memory is an error, never an abort.

use crate::KernelError;

/// Returns an empty vector with room for exactly `len` elements, or
/// [`KernelError::OutOfMemory`] when the allocator refuses (or the byte count overflows).
pub(crate) fn try_with_capacity<T>(len: usize) -> Result<Vec<T>, KernelError> {
    let mut v = Vec::new();
    try_grow(&mut v, len)?;
    Ok(v)
}

/// Makes room in `v` for `len` elements in all (its capacity becomes at least `len`; a
/// reallocation may move it), or [`KernelError::OutOfMemory`]: how a scratch buffer is reused
/// as a longer output.
pub(crate) fn try_grow<T>(v: &mut Vec<T>, len: usize) -> Result<(), KernelError> {
    v.try_reserve_exact(len.saturating_sub(v.len()))
        .map_err(|_| KernelError::OutOfMemory {
            bytes: len.saturating_mul(size_of::<T>()),
        })
}

/// Returns a vector of `len` copies of `fill`, allocated fallibly.
pub(crate) fn try_filled<T: Clone>(len: usize, fill: T) -> Result<Vec<T>, KernelError> {
    let mut v = try_with_capacity(len)?;
    v.resize(len, fill);
    Ok(v)
}

/// Returns a copy of `src`, allocated fallibly (where `to_vec` aborts when memory runs out) and
/// copied in one `memcpy` (the `Copy` path of `extend_from_slice`).
pub(crate) fn try_copied<T: Copy>(src: &[T]) -> Result<Vec<T>, KernelError> {
    let mut v = try_with_capacity(src.len())?;
    v.extend_from_slice(src);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absurd_sizes_are_an_error_not_an_abort() {
        let err = try_with_capacity::<u64>(usize::MAX / 2).unwrap_err();
        assert!(matches!(err, KernelError::OutOfMemory { .. }), "{err}");
        assert_eq!(try_filled(3, 7u8).unwrap(), vec![7, 7, 7]);
        assert_eq!(try_copied(&[1u8, 2, 3]).unwrap(), vec![1, 2, 3]);
    }
}
