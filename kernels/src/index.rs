//! The index type of a CSR matrix: `u32` (QuTiP's default `int32` build) or `u64`.
//!
//! Row pointers and column indices are stored in an [`Index`] type. Every conversion from `usize`
//! that can fail goes through [`Index::try_from_usize`]; kernels use [`Index::from_usize`] only on
//! values already proven to fit (at construction of the [`Csr`](crate::Csr) or at the kernel
//! boundary), which is what makes the raw variant's unchecked arithmetic sound.

use std::fmt::{Debug, Display};
use std::hash::Hash;

mod sealed {
    pub trait Sealed {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// An unsigned integer type usable for CSR row pointers and column indices.
///
/// Sealed: implemented for `u32` and `u64` only, so `unsafe` code may rely on its conversions
/// being exact for every value up to [`Index::MAX`].
pub trait Index:
    sealed::Sealed + Copy + Ord + Eq + Hash + Default + Debug + Display + Send + Sync + 'static
{
    /// Width of the type in bits (32 or 64).
    const BITS: u32;
    /// The largest value of the type, as a `usize`: every dimension, every index and nnz must be
    /// at most this.
    const MAX: usize;
    /// Zero.
    const ZERO: Self;

    /// Converts `n`, or returns `None` when it does not fit.
    fn try_from_usize(n: usize) -> Option<Self>;

    /// Converts `n`, which the caller has proven to be at most [`Index::MAX`].
    ///
    /// Debug builds assert the bound; release builds truncate (that is the mistake seeded bug B4
    /// re-creates, so the bound is always checked before a call).
    fn from_usize(n: usize) -> Self;

    /// Widens to `usize`; exact on the 64-bit targets this crate supports.
    fn to_usize(self) -> usize;
}

// The crate supports 64-bit targets only: `u64 -> usize` must be lossless.
const _: () = assert!(
    usize::BITS == 64,
    "rawcheck-kernels requires a 64-bit target"
);

macro_rules! impl_index {
    ($t:ty) => {
        impl Index for $t {
            const BITS: u32 = <$t>::BITS;
            const MAX: usize = <$t>::MAX as usize;
            const ZERO: Self = 0;

            #[inline]
            fn try_from_usize(n: usize) -> Option<Self> {
                <$t>::try_from(n).ok()
            }

            #[inline(always)]
            fn from_usize(n: usize) -> Self {
                debug_assert!(
                    n <= <Self as Index>::MAX,
                    "index {n} does not fit {} bits",
                    <Self as Index>::BITS
                );
                n as $t
            }

            #[inline(always)]
            fn to_usize(self) -> usize {
                self as usize
            }
        }
    };
}

impl_index!(u32);
impl_index!(u64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_respect_the_width() {
        assert_eq!(u32::try_from_usize(u32::MAX as usize), Some(u32::MAX));
        assert_eq!(u32::try_from_usize(u32::MAX as usize + 1), None);
        assert_eq!(u64::try_from_usize(usize::MAX), Some(u64::MAX));
        assert_eq!(<u32 as Index>::MAX, 4_294_967_295);
        assert_eq!(7u32.to_usize(), 7);
        assert_eq!(<u64 as Index>::from_usize(1 << 40), 1 << 40);
    }
}
