//! The writer: `coordinate complex general`, shortest round-trip numbers, files written through
//! [`output::write_file`].
#![forbid(unsafe_code)]

use std::fmt;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use super::MtxError;
use crate::{Csr, Index, output};

/// Writes `a` as `%%MatrixMarket matrix coordinate complex general`, entries in CSR order.
///
/// Each line of `comment` becomes a `%` line after the banner (carriage returns are replaced by
/// spaces so no reader sees a line break inside a comment). Output is buffered and flushed
/// before returning.
pub fn write<I: Index>(a: &Csr<I>, out: impl Write, comment: Option<&str>) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 16, out);
    w.write_all(b"%%MatrixMarket matrix coordinate complex general\n")?;
    if let Some(comment) = comment {
        for line in comment.split('\n') {
            let line = line.strip_suffix('\r').unwrap_or(line);
            writeln!(w, "%{}", line.replace('\r', " "))?;
        }
    }
    writeln!(w, "{} {} {}", a.rows(), a.cols(), a.nnz())?;
    for (r, c, v) in a.iter() {
        writeln!(w, "{} {} {} {}", r + 1, c + 1, Num(v.re), Num(v.im))?;
    }
    w.flush()
}

/// Writes `a` to `path` by the rules of [`output::write_file`]: a regular file is replaced
/// atomically (readers see the old file or the complete new one; on error an existing `path` is
/// left untouched), a symbolic link is followed, a device or FIFO is written in place and a
/// directory is an error.
pub fn write_path<I: Index>(
    a: &Csr<I>,
    path: &Path,
    comment: Option<&str>,
) -> Result<(), MtxError> {
    output::write_file(path, |w| write(a, w, comment)).map_err(|source| MtxError::Io {
        path: Some(path.to_owned()),
        source,
    })
}

/// An `f64` in the shortest form that parses back to the same bits (NaN payloads excepted).
///
/// Rust's `{}` and `{:e}` both print the shortest round-trip digits; `{}` is positional, which
/// would spell `1e300` with 301 digits, so magnitudes outside `[1e-5, 1e16)` use `{:e}`.
struct Num(f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_nan() {
            f.write_str(if v.is_sign_negative() { "-nan" } else { "nan" })
        } else if v == 0.0 || v.is_infinite() || (1e-5..1e16).contains(&v.abs()) {
            write!(f, "{v}")
        } else {
            write!(f, "{v:e}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_exact() {
        let cases = [
            (0.0, "0"),
            (-0.0, "-0"),
            (1.0, "1"),
            (-0.3, "-0.3"),
            (15.000000000000004, "15.000000000000004"),
            (1e-5, "0.00001"),
            (9.5e-6, "9.5e-6"),
            (1e16, "1e16"),
            (1e300, "1e300"),
            (f64::MAX, "1.7976931348623157e308"),
            (5e-324, "5e-324"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "-nan"),
        ];
        for (v, text) in cases {
            assert_eq!(Num(v).to_string(), text);
            let back: f64 = text.parse().unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{text}");
        }
    }
}
