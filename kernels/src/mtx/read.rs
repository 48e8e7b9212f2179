//! The reader: banner, comments, size line, then one entry per line, streamed through a reused
//! line buffer (no regex, no per-line allocation on the happy path).
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use num_complex::Complex64;

use super::ParseErrorKind as Kind;
use super::{Field, Header, Limits, MtxError, ReadReport, Symmetry};
use crate::checks::check_fits;
use crate::{Csr, CsrError, Index};

/// Entries reserved before reading, whatever the size line claims; the buffer then grows with
/// the lines actually read.
const INITIAL_ENTRIES: usize = 1 << 16;

/// Longest piece of a bad line quoted in an error message, in characters.
const EXCERPT_CHARS: usize = 60;

/// An entry: 0-based row, 0-based column, value.
type Triplet = (usize, usize, Complex64);

/// Reads a Matrix Market coordinate file with the default [`Limits`]: at most
/// [`MAX_ROWS`](super::MAX_ROWS) rows and lines of at most
/// [`MAX_LINE_BYTES`](super::MAX_LINE_BYTES) bytes.
///
/// Returns the matrix (duplicates summed, symmetric storage expanded) and what the file held.
pub fn read<I: Index>(input: impl Read) -> Result<(Csr<I>, ReadReport), MtxError> {
    read_with_limits(input, Limits::default())
}

/// [`read`] with another limit on the number of rows.
///
/// Building the matrix allocates `rows + 1` row pointers whatever the number of entries, so
/// raise `max_rows` only for inputs trusted to be that tall.
pub fn read_with_limit<I: Index>(
    input: impl Read,
    max_rows: usize,
) -> Result<(Csr<I>, ReadReport), MtxError> {
    read_with_limits(
        input,
        Limits {
            max_rows,
            ..Limits::default()
        },
    )
}

/// [`read`] with other [`Limits`] on rows and line length.
pub fn read_with_limits<I: Index>(
    input: impl Read,
    limits: Limits,
) -> Result<(Csr<I>, ReadReport), MtxError> {
    let reader = BufReader::with_capacity(1 << 16, input);
    let mut lines = Lines::new(reader, limits.max_line_bytes);
    let header = read_header(&mut lines)?;
    check_fits::<I>("rows", header.rows)?;
    check_fits::<I>("cols", header.cols)?;
    if header.rows > limits.max_rows {
        return Err(MtxError::TooLarge {
            rows: header.rows,
            max_rows: limits.max_rows,
        });
    }
    let (triplets, canonical) = read_entries(&mut lines, &header)?;
    let a = Csr::from_triplets(header.rows, header.cols, &triplets)?;
    let report = ReadReport {
        header,
        stored: triplets.len(),
        duplicates: triplets.len() - a.nnz(),
        canonical,
    };
    Ok((a, report))
}

/// [`read`] from a file; I/O errors name the path.
pub fn read_path<I: Index>(path: &Path) -> Result<(Csr<I>, ReadReport), MtxError> {
    let file = File::open(path).map_err(|e| MtxError::from(e).at_path(path))?;
    read(file).map_err(|e| e.at_path(path))
}

/// Lines of the input, numbered from 1, read into one reused buffer of at most `max_bytes`
/// bytes plus the line break.
struct Lines<R> {
    reader: R,
    buf: Vec<u8>,
    number: usize,
    max_bytes: usize,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, max_bytes: usize) -> Self {
        Lines {
            reader,
            buf: Vec::new(),
            number: 0,
            max_bytes,
        }
    }

    /// The next line with its number, or `None` at the end of the input.
    ///
    /// A line longer than `max_bytes` is an error as soon as the limit is passed, before the
    /// buffer grows beyond it.
    fn next_line(&mut self) -> Result<Option<(usize, &str)>, MtxError> {
        self.buf.clear();
        let line = self.number + 1;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e.into()),
            };
            let (piece, complete) = match available.iter().position(|&b| b == b'\n') {
                Some(end) => (&available[..=end], true),
                None => (available, false),
            };
            if piece.is_empty() {
                break; // end of input
            }
            let content = self.buf.len() + piece.len() - usize::from(complete);
            if content > self.max_bytes {
                let limit = self.max_bytes;
                return Err(parse_error(line, Kind::LineTooLong { limit }));
            }
            grow_within(&mut self.buf, piece.len(), self.max_bytes + 1)?;
            self.buf.extend_from_slice(piece);
            let used = piece.len();
            self.reader.consume(used);
            if complete {
                break;
            }
        }
        if self.buf.is_empty() {
            return Ok(None);
        }
        self.number = line;
        match std::str::from_utf8(&self.buf) {
            Ok(text) => Ok(Some((line, text))),
            Err(_) => Err(parse_error(line, Kind::NotUtf8)),
        }
    }

    /// The number a line after the last one would have: where a truncated file ends.
    fn end(&self) -> usize {
        self.number + 1
    }
}

/// Makes room for `more` bytes in `buf`, doubling its capacity but never beyond `cap`, and
/// fallibly: memory running out is an error.
fn grow_within(buf: &mut Vec<u8>, more: usize, cap: usize) -> Result<(), MtxError> {
    let needed = buf.len() + more;
    if needed <= buf.capacity() {
        return Ok(());
    }
    let target = needed
        .max(buf.capacity().saturating_mul(2))
        .min(cap.max(needed));
    buf.try_reserve_exact(target - buf.len())
        .map_err(|_| out_of_memory::<u8>(target))
}

/// The error for a failed reservation of `len` elements of `T`.
fn out_of_memory<T>(len: usize) -> MtxError {
    MtxError::Csr(CsrError::OutOfMemory {
        bytes: len.saturating_mul(size_of::<T>()),
    })
}

fn parse_error(line: usize, kind: Kind) -> MtxError {
    MtxError::Parse { line, kind }
}

/// Reads the banner, skips comments and blank lines, and reads the size line.
fn read_header<R: BufRead>(lines: &mut Lines<R>) -> Result<Header, MtxError> {
    let (field, symmetry) = match lines.next_line()? {
        Some((n, banner)) => parse_banner(banner).map_err(|kind| parse_error(n, kind))?,
        None => return Err(parse_error(1, Kind::Empty)),
    };
    while let Some((n, line)) = lines.next_line()? {
        let content = line.trim_ascii_start();
        if content.is_empty() || content.starts_with('%') {
            continue;
        }
        let mut t = [""; 3];
        split_exact(line, &mut t).map_err(|found| parse_error(n, Kind::SizeTokens { found }))?;
        let size = |token, what| parse_usize(token, what).map_err(|kind| parse_error(n, kind));
        let (rows, cols, entries) = (
            size(t[0], "rows")?,
            size(t[1], "columns")?,
            size(t[2], "entries")?,
        );
        if symmetry != Symmetry::General && rows != cols {
            return Err(parse_error(
                n,
                Kind::NotSquare {
                    symmetry,
                    rows,
                    cols,
                },
            ));
        }
        return Ok(Header {
            rows,
            cols,
            entries,
            field,
            symmetry,
        });
    }
    Err(parse_error(lines.end(), Kind::MissingSizeLine))
}

/// Parses `%%MatrixMarket matrix coordinate <field> <symmetry>`, words case-insensitive.
fn parse_banner(line: &str) -> Result<(Field, Symmetry), Kind> {
    let is_banner = line
        .split_ascii_whitespace()
        .next()
        .is_some_and(|w| w.eq_ignore_ascii_case("%%MatrixMarket"));
    if !is_banner {
        return Err(Kind::NotABanner {
            found: excerpt(line),
        });
    }
    let mut w = [""; 5];
    split_exact(line, &mut w).map_err(|found| Kind::BannerWords { found })?;
    if !w[1].eq_ignore_ascii_case("matrix") {
        return Err(Kind::UnknownObject(excerpt(w[1])));
    }
    if !w[2].eq_ignore_ascii_case("coordinate") {
        return Err(Kind::UnsupportedFormat(excerpt(w[2])));
    }
    let field = Field::ALL
        .into_iter()
        .find(|f| w[3].eq_ignore_ascii_case(f.word()))
        .ok_or_else(|| Kind::UnknownField(excerpt(w[3])))?;
    let symmetry = Symmetry::ALL
        .into_iter()
        .find(|s| w[4].eq_ignore_ascii_case(s.word()))
        .ok_or_else(|| Kind::UnknownSymmetry(excerpt(w[4])))?;
    if field == Field::Pattern && symmetry == Symmetry::SkewSymmetric {
        return Err(Kind::PatternSkew);
    }
    Ok((field, symmetry))
}

/// Reads the declared entries (and nothing else but blank lines), expanding symmetric storage.
///
/// Returns the entries in file order (each mirrored entry right after its source) and whether
/// that order was strictly row-major.
fn read_entries<R: BufRead>(
    lines: &mut Lines<R>,
    h: &Header,
) -> Result<(Vec<Triplet>, bool), MtxError> {
    let width = 2 + h.field.value_tokens();
    let declared = h.entries;
    let mut triplets = Vec::new();
    triplets
        .try_reserve_exact(declared.min(INITIAL_ENTRIES))
        .map_err(|_| out_of_memory::<Triplet>(declared.min(INITIAL_ENTRIES)))?;
    let mut canonical = true;
    let mut read = 0;
    while let Some((n, line)) = lines.next_line()? {
        let at = |kind| parse_error(n, kind);
        let Some(first) = line.split_ascii_whitespace().next() else {
            continue; // blank line
        };
        if first.starts_with('%') {
            return Err(at(Kind::CommentAfterSize));
        }
        let mut t = [""; 4];
        let tokens = split_exact(line, &mut t[..width]);
        if read == declared {
            return Err(at(match tokens {
                Ok(()) => Kind::TooManyEntries { declared },
                Err(_) => Kind::TrailingContent {
                    declared,
                    found: excerpt(line),
                },
            }));
        }
        tokens.map_err(|found| {
            at(Kind::EntryTokens {
                field: h.field,
                expected: width,
                found,
            })
        })?;
        let row = parse_index(t[0], "row index", h.rows).map_err(at)?;
        let col = parse_index(t[1], "column index", h.cols).map_err(at)?;
        let value = parse_value(h.field, t[2], t[3]).map_err(at)?;
        read += 1;
        push(&mut triplets, &mut canonical, (row, col, value))?;
        if row == col {
            if h.symmetry == Symmetry::SkewSymmetric {
                return Err(at(Kind::SkewDiagonal { index: row + 1 }));
            }
        } else if let Some(m) = mirror(h.symmetry, h.field, value) {
            push(&mut triplets, &mut canonical, (col, row, m))?;
        }
    }
    if read < declared {
        return Err(parse_error(lines.end(), Kind::Truncated { read, declared }));
    }
    Ok((triplets, canonical))
}

/// Appends `t` (growing the buffer fallibly), clearing `canonical` unless `t` comes strictly
/// after the previous entry.
fn push(triplets: &mut Vec<Triplet>, canonical: &mut bool, t: Triplet) -> Result<(), MtxError> {
    if let Some(&(r, c, _)) = triplets.last() {
        *canonical &= (r, c) < (t.0, t.1);
    }
    // Amortised doubling, as `push` would, but an error instead of an abort.
    triplets
        .try_reserve(1)
        .map_err(|_| out_of_memory::<Triplet>(triplets.len().saturating_mul(2)))?;
    triplets.push(t);
    Ok(())
}

/// The value stored at `(j, i)` for an entry at `(i, j)`, `i != j`; `None` for general files.
fn mirror(symmetry: Symmetry, field: Field, v: Complex64) -> Option<Complex64> {
    let real = field != Field::Complex;
    Some(match symmetry {
        Symmetry::General => return None,
        Symmetry::Symmetric => v,
        // Negating or conjugating a real value must not turn its imaginary `0` into `-0`; an
        // integer 0 has no sign, so its negation is `+0` as well.
        Symmetry::SkewSymmetric if field == Field::Integer => Complex64::new(0.0 - v.re, v.im),
        Symmetry::SkewSymmetric if real => Complex64::new(-v.re, v.im),
        Symmetry::SkewSymmetric => -v,
        Symmetry::Hermitian if real => v,
        Symmetry::Hermitian => v.conj(),
    })
}

/// Splits `line` into exactly `out.len()` whitespace-separated tokens, or returns how many
/// tokens it holds.
fn split_exact<'a>(line: &'a str, out: &mut [&'a str]) -> Result<(), usize> {
    let mut tokens = line.split_ascii_whitespace();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = tokens.next().ok_or(i)?;
    }
    match tokens.next() {
        None => Ok(()),
        Some(_) => Err(out.len() + 1 + tokens.count()),
    }
}

fn parse_usize(token: &str, what: &'static str) -> Result<usize, Kind> {
    token.parse().map_err(|_| Kind::BadInteger {
        what,
        token: excerpt(token),
    })
}

/// A 1-based index in `1..=len`, returned 0-based.
fn parse_index(token: &str, what: &'static str, len: usize) -> Result<usize, Kind> {
    let index = parse_usize(token, what)?;
    if index == 0 || index > len {
        return Err(Kind::IndexOutOfRange {
            what,
            index,
            max: len,
        });
    }
    Ok(index - 1)
}

/// The value of an entry from its value tokens (`re`, `im` are `""` when the field has fewer).
fn parse_value(field: Field, re: &str, im: &str) -> Result<Complex64, Kind> {
    Ok(match field {
        Field::Pattern => Complex64::new(1.0, 0.0),
        Field::Real => Complex64::new(parse_f64(re, "value")?, 0.0),
        Field::Integer => {
            let v: i64 = re.parse().map_err(|_| Kind::BadValue {
                what: "value",
                token: excerpt(re),
                expected: "an integer",
            })?;
            Complex64::new(v as f64, 0.0)
        }
        Field::Complex => Complex64::new(
            parse_f64(re, "real part")?,
            parse_f64(im, "imaginary part")?,
        ),
    })
}

fn parse_f64(token: &str, what: &'static str) -> Result<f64, Kind> {
    token.parse().map_err(|_| Kind::BadValue {
        what,
        token: excerpt(token),
        expected: "a number",
    })
}

/// `text` trimmed and cut to [`EXCERPT_CHARS`] characters, for quoting in a message.
fn excerpt(text: &str) -> String {
    let text = text.trim_ascii();
    match text.char_indices().nth(EXCERPT_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_exact_counts_every_token() {
        let mut t = [""; 3];
        assert_eq!(split_exact(" 1\t2  3\r\n", &mut t), Ok(()));
        assert_eq!(t, ["1", "2", "3"]);
        assert_eq!(split_exact("1 2", &mut t), Err(2));
        assert_eq!(split_exact("1 2 3 4 5", &mut t), Err(5));
        assert_eq!(split_exact("", &mut t[..0]), Ok(()));
    }

    #[test]
    fn excerpts_are_short_and_cut_on_char_boundaries() {
        assert_eq!(excerpt("  abc \n"), "abc");
        let long = "é".repeat(100);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 3);
        assert!(cut.ends_with("..."));
    }

    #[test]
    fn mirrors_keep_the_sign_of_zero_right() {
        let v = Complex64::new(2.0, 0.0);
        let bits = |c: Complex64| (c.re.to_bits(), c.im.to_bits());
        let skew = |f| mirror(Symmetry::SkewSymmetric, f, v).unwrap();
        assert_eq!(bits(skew(Field::Real)), bits(Complex64::new(-2.0, 0.0)));
        assert_eq!(bits(skew(Field::Complex)), bits(Complex64::new(-2.0, -0.0)));
        let zero = Complex64::new(0.0, 0.0);
        let int = mirror(Symmetry::SkewSymmetric, Field::Integer, zero).unwrap();
        assert_eq!(bits(int), bits(zero));
        let herm = |f| mirror(Symmetry::Hermitian, f, v).unwrap();
        assert_eq!(bits(herm(Field::Real)), bits(v));
        assert_eq!(bits(herm(Field::Complex)), bits(Complex64::new(2.0, -0.0)));
        assert_eq!(mirror(Symmetry::General, Field::Real, v), None);
    }

    #[test]
    fn reservation_ignores_the_declared_count() {
        let text = "%%MatrixMarket matrix coordinate real general\n2 2 1000000000000\n1 1 1\n";
        let mut lines = Lines::new(text.as_bytes(), crate::mtx::MAX_LINE_BYTES);
        let header = read_header(&mut lines).unwrap();
        assert_eq!(header.entries, 1_000_000_000_000);
        // Reading stops at the end of input: the error comes after one entry, and the
        // reservation made for the claim was INITIAL_ENTRIES at most (or this would abort).
        let err = read_entries(&mut lines, &header).unwrap_err();
        assert_eq!(
            err.to_string(),
            "line 4: file ends after 1 of 1000000000000 declared entries"
        );
    }

    #[test]
    fn a_line_over_the_limit_is_refused_before_the_buffer_grows_past_it() {
        let text = "abc\nabcd\r\nabcdefgh";
        let mut lines = Lines::new(BufReader::with_capacity(2, text.as_bytes()), 5);
        assert_eq!(lines.next_line().unwrap(), Some((1, "abc\n")));
        assert_eq!(lines.next_line().unwrap(), Some((2, "abcd\r\n")));
        let err = lines.next_line().unwrap_err();
        assert_eq!(err.to_string(), "line 3: longer than 5 bytes");
        assert!(lines.buf.capacity() <= 6, "{}", lines.buf.capacity());
        let mut last = Lines::new("12345".as_bytes(), 5);
        assert_eq!(last.next_line().unwrap(), Some((1, "12345")));
        assert_eq!(last.next_line().unwrap(), None);
    }
}
