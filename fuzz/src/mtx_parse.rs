//! The `mtx_parse` target: arbitrary bytes into the Matrix Market reader.
//!
//! The reader must never panic, with either index width, and the widths must agree (`u32`
//! refuses only what does not fit 32 bits). When a file parses, writing the matrix (with the
//! file's first line as a comment, to exercise comment escaping) and reading it back must give
//! the identical matrix: values bit for bit, except that a NaN keeps only its sign (the
//! documented contract of `mtx::write`). The row limit is [`MAX_ROWS`], so a header claiming
//! billions of rows is refused, never allocated.
//!
//! The reader is also compared with an independent one ([`mtx_oracle`](crate::mtx_oracle)), with
//! both index widths: both must accept the same files, read the same matrix (values bit for
//! bit, sums of duplicates up to NaN payloads) and the same report, and refuse the rest with the
//! same error on the same line -- with the default line limit, and with limits equal to and one
//! below the input's longest line, so the limit's boundary is exercised by inputs of a few bytes.

use rawcheck_kernels::mtx::{self, Field, Limits, MtxError, ReadReport, Symmetry};
use rawcheck_kernels::{Csr, CsrError, Index};

use crate::mtx_oracle::{self, Parsed, Refusal};
use crate::{Finding, Verdict, ensure, revalidate, same_matrix, same_sum};

/// Row limit passed to `mtx::read_with_limit` (a row pointer of at most 32 KiB).
pub const MAX_ROWS: usize = 1 << 12;

/// Equal up to NaN payloads: values equal in bits or both NaN of the same sign.
fn same_up_to_nan<I: Index>(a: &Csr<I>, b: &Csr<I>) -> bool {
    same_matrix(a, b, |x, y| {
        x.to_bits() == y.to_bits()
            || (x.is_nan() && y.is_nan() && x.is_sign_negative() == y.is_sign_negative())
    })
}

/// The reader's outcome on `data` under `limits`, with index type `I`, is the oracle's.
fn agree<I: Index>(
    data: &[u8],
    read: &Result<(Csr<I>, ReadReport), MtxError>,
    limits: Limits,
) -> Result<(), Finding> {
    match (read, mtx_oracle::parse(data, limits, I::MAX)) {
        (Ok((a, report)), Ok(expected)) => same_as_oracle(a, report, &expected),
        (Ok(_), Err(refusal)) => Err(Finding(format!(
            "the reader accepted what the oracle refuses ({limits:?}): {refusal:?}"
        ))),
        (Err(e), Ok(_)) => Err(Finding(format!(
            "the reader refused what the oracle accepts ({limits:?}): {e}"
        ))),
        (Err(e), Err(refusal)) => {
            let same = match (e, &refusal) {
                (MtxError::Parse { line, kind }, Refusal::Parse { line: l, kind: k }) => {
                    line == l && kind == k
                }
                (MtxError::TooLarge { rows, max_rows }, Refusal::TooLarge { rows: r }) => {
                    rows == r && *max_rows == limits.max_rows
                }
                (
                    MtxError::Csr(CsrError::TooLarge { what, value, .. }),
                    Refusal::IndexTooLarge { what: w, value: v },
                ) => what == w && value == v,
                _ => false,
            };
            ensure!(
                same,
                "the reader refused with '{e}' ({e:?}), the oracle with {refusal:?} ({limits:?})"
            );
            Ok(())
        }
    }
}

/// The reader's matrix and report are the oracle's.
fn same_as_oracle<I: Index>(
    a: &Csr<I>,
    report: &ReadReport,
    expected: &Parsed,
) -> Result<(), Finding> {
    let nnz = expected.entries.len();
    ensure!(
        report.header == expected.header
            && report.stored == expected.stored
            && report.duplicates == expected.stored - nnz
            && report.canonical == expected.canonical,
        "report {report:?}, the oracle read {:?}, {} stored, {nnz} distinct, canonical {}",
        expected.header,
        expected.stored,
        expected.canonical
    );
    let (rows, cols) = (expected.header.rows, expected.header.cols);
    ensure!(
        a.shape() == (rows, cols) && a.nnz() == nnz,
        "read a {:?} matrix with {} entries, the oracle {rows}x{cols} with {nnz}",
        a.shape(),
        a.nnz()
    );
    for ((r, c, v), (&(er, ec), &(ev, count))) in a.iter().zip(&expected.entries) {
        // A single entry is its parsed (or mirrored) value; a sum leaves NaN payloads open.
        let same = |x: f64, y: f64| match count {
            1 => x.to_bits() == y.to_bits(),
            _ => same_sum(x, y),
        };
        ensure!(
            (r, c) == (er, ec) && same(v.re, ev.re) && same(v.im, ev.im),
            "entry ({r}, {c}) = {v} where the oracle has ({er}, {ec}) = {ev} (sum of {count})"
        );
    }
    Ok(())
}

/// The check of an `mtx_parse` input.
pub fn check(data: &[u8]) -> Result<Verdict, Finding> {
    let wide = mtx::read_with_limit::<u64>(data, MAX_ROWS);
    let narrow = mtx::read_with_limit::<u32>(data, MAX_ROWS);
    let limits = Limits {
        max_rows: MAX_ROWS,
        ..Limits::default()
    };
    agree(data, &wide, limits)?;
    agree(data, &narrow, limits)?;
    let longest = mtx_oracle::longest_line(data);
    for max_line_bytes in [Some(longest), longest.checked_sub(1)]
        .into_iter()
        .flatten()
    {
        let tight = Limits {
            max_rows: MAX_ROWS,
            max_line_bytes,
        };
        agree(data, &mtx::read_with_limits::<u64>(data, tight), tight)?;
    }
    let (a, report) = match (wide, narrow) {
        (Err(e), Ok(_)) => {
            return Err(Finding(format!("u32 parsed what u64 refused: {e}")));
        }
        (Err(e), Err(_)) => {
            ensure!(!e.to_string().is_empty(), "empty error message");
            return Ok(Verdict::Refused);
        }
        (Ok((a, report)), narrow) => {
            let fits = [a.rows(), a.cols(), a.nnz()]
                .iter()
                .all(|&x| x <= u32::MAX as usize);
            match narrow {
                Ok((n, narrow_report)) => {
                    ensure!(fits, "u32 parsed a matrix that does not fit 32 bits");
                    ensure!(narrow_report == report, "the widths report differently");
                    let n64 = n.to_index::<u64>().expect("u32 always widens");
                    ensure!(
                        same_matrix(&n64, &a, same_sum),
                        "the widths parsed different matrices"
                    );
                }
                Err(e) => ensure!(!fits, "u32 refused a matrix that fits: {e}"),
            }
            (a, report)
        }
    };
    revalidate(&a).map_err(|e| Finding(format!("parsed an invalid matrix: {e}")))?;
    ensure!(
        report.stored == report.duplicates + a.nnz(),
        "report: {} stored != {} duplicates + {} nnz",
        report.stored,
        report.duplicates,
        a.nnz()
    );
    let first_line = data.split(|&b| b == b'\n').next().unwrap_or_default();
    let comment = String::from_utf8_lossy(&first_line[..first_line.len().min(200)]);
    let mut file = Vec::new();
    mtx::write(&a, &mut file, Some(&comment))
        .map_err(|e| Finding(format!("writing to memory failed: {e}")))?;
    let (b, again) = mtx::read_with_limit::<u64>(file.as_slice(), MAX_ROWS).map_err(|e| {
        Finding(format!(
            "cannot read back what was written: {e}\n{}",
            String::from_utf8_lossy(&file)
        ))
    })?;
    ensure!(
        same_up_to_nan(&a, &b),
        "write -> read changed the matrix:\nread    {a:?}\nreread  {b:?}"
    );
    ensure!(
        again.canonical && again.duplicates == 0,
        "the written file is not canonical: {again:?}"
    );
    ensure!(
        again.header.field == Field::Complex
            && again.header.symmetry == Symmetry::General
            && again.header.entries == a.nnz(),
        "the written header is {:?}",
        again.header
    );
    Ok(Verdict::Ran)
}
