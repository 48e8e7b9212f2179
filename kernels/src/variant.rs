//! Run-time choice of a kernel variant.

use std::fmt;
use std::str::FromStr;

/// Which implementation of a kernel runs. All three compute the same result with the same
/// algorithm; they differ only in how memory is accessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Variant {
    /// Raw pointers into freshly allocated, uninitialised buffers; no checks inside loops.
    Raw,
    /// Slice indexing: every access bounds-checked (Cython's `boundscheck=True`).
    Checked,
    /// No `unsafe`; iterators and slice patterns let the compiler prove bounds.
    Safe,
}

impl Variant {
    /// Every variant, in a fixed order.
    pub const ALL: [Variant; 3] = [Variant::Raw, Variant::Checked, Variant::Safe];

    /// The lower-case name used on the command line and in benchmark ids.
    pub fn name(self) -> &'static str {
        match self {
            Variant::Raw => "raw",
            Variant::Checked => "checked",
            Variant::Safe => "safe",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The name given to [`Variant::from_str`] is not a variant.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant {0:?} (expected raw, checked or safe)")]
pub struct UnknownVariant(pub String);

impl FromStr for Variant {
    type Err = UnknownVariant;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|v| v.name() == s)
            .ok_or_else(|| UnknownVariant(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in Variant::ALL {
            assert_eq!(v.name().parse::<Variant>().unwrap(), v);
        }
        assert!("fast".parse::<Variant>().is_err());
    }
}
