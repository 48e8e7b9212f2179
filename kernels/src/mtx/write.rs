//! The writer: `coordinate complex general`, shortest round-trip numbers, atomic file
//! replacement.
#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::MtxError;
use crate::{Csr, Index};

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

/// Writes `a` to `path` atomically: readers see the old file or the complete new one.
///
/// The matrix goes to a temporary file in the same directory (`.NAME.tmp-<pid>-<n>`), which is
/// synced to disk and renamed over `path`. On any error the temporary file is removed and an
/// existing `path` is left untouched. (The directory entry itself is not synced, so after a
/// power failure `path` may still hold its old contents, but never a partial file.)
pub fn write_path<I: Index>(
    a: &Csr<I>,
    path: &Path,
    comment: Option<&str>,
) -> Result<(), MtxError> {
    let at_path = |source| MtxError::Io {
        path: Some(path.to_owned()),
        source,
    };
    let tmp = temp_path(path).map_err(at_path)?;
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(at_path)?;
    let result = write(a, &file, comment)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        // Best effort: the error that matters is the one being returned.
        let _ = fs::remove_file(&tmp);
    }
    result.map_err(at_path)
}

/// A fresh temporary name beside `path`: `.NAME.tmp-<pid>-<counter>`.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    Ok(path.with_file_name(tmp))
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

    #[test]
    fn temp_names_are_hidden_fresh_and_beside_the_target() {
        let a = temp_path(Path::new("dir/out.mtx")).unwrap();
        let b = temp_path(Path::new("dir/out.mtx")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.parent(), Some(Path::new("dir")));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(".out.mtx.tmp-"), "{name}");
        assert!(temp_path(Path::new("/")).is_err());
    }
}
