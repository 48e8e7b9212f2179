//! Run-time choice of a kernel variant.

use crate::named::named_enum;

named_enum! {
    /// Which implementation of a kernel runs. All three compute the same result with the same
    /// algorithm; they differ only in how memory is accessed.
    pub enum Variant, unknown UnknownVariant = "variant" {
        /// Raw pointers into freshly allocated, uninitialised buffers; no checks inside loops.
        Raw => "raw",
        /// Slice indexing: every access bounds-checked (Cython's `boundscheck=True`).
        Checked => "checked",
        /// No `unsafe`; iterators and slice patterns let the compiler prove bounds.
        Safe => "safe",
    }
}
