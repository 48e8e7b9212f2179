//! An independent, deliberately simple Matrix Market coordinate reader: the oracle the
//! `mtx_parse` target compares the kernels' reader against.
//!
//! Written from the format's rules as `rawcheck_kernels::mtx` documents them, sharing no code
//! with its reader: the whole input is split into lines up front, each line into ASCII-whitespace
//! tokens, numbers go through `str::parse`, and the entries are summed into a
//! `BTreeMap<(row, col), value>` in file order (each mirrored entry right after its source), the
//! order in which the reader sums duplicates. It also states which error the reader must give,
//! on which line, so a refusal can be checked as precisely as an acceptance.
//!
//! The rules, in the order they are applied:
//! * Line `n` is the bytes up to and including the `n`-th `\n` (the last line may lack it). A
//!   line longer than the line limit (its `\n` not counted) or not UTF-8 is refused where it is.
//! * Line 1 is the banner `%%MatrixMarket matrix coordinate <field> <symmetry>`: five tokens,
//!   case-insensitive, no `pattern skew-symmetric`. No line at all is [`ParseErrorKind::Empty`].
//! * Lines without tokens, or whose first token starts with `%`, are skipped until the size line
//!   `rows cols entries` (three non-negative integers); a non-general matrix must be square. Rows,
//!   then columns, beyond the index type, then more rows than the row limit, are refused at once
//!   (nothing after the size line is read).
//! * Then exactly `entries` entry lines `row col [value tokens]` with 1-based indices, blank lines
//!   allowed anywhere, no comment and no other content. `integer` values are `i64`, `real` and
//!   `complex` parts `f64`, `pattern` entries `1 + 0i`.
//! * An off-diagonal entry of a non-general matrix also gives its mirror (same value, negated,
//!   conjugated); a skew-symmetric diagonal entry is an error.

use std::collections::BTreeMap;

use num_complex::Complex64;
use rawcheck_kernels::mtx::{Field, Header, Limits, ParseErrorKind as Kind, Symmetry};

/// Longest piece of a token or line an error message quotes, in characters.
const QUOTE_CHARS: usize = 60;

/// What the oracle read from an accepted file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// Banner and size line.
    pub header: Header,
    /// Entries after symmetric expansion, before duplicates were summed.
    pub stored: usize,
    /// Whether the expanded entries came strictly in row-major order.
    pub canonical: bool,
    /// The matrix: each position's sum and how many entries were summed into it.
    pub entries: BTreeMap<(usize, usize), (Complex64, usize)>,
}

/// Why the oracle refuses a file: the error the reader must give.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A parse error on a 1-based line.
    Parse {
        /// Line number.
        line: usize,
        /// What is wrong.
        kind: Kind,
    },
    /// The size line declares more rows or columns than the index type holds.
    IndexTooLarge {
        /// "rows" or "cols".
        what: &'static str,
        /// The declared number.
        value: usize,
    },
    /// The size line declares more rows than the limit.
    TooLarge {
        /// Declared rows.
        rows: usize,
    },
}

/// Where the oracle is in the file.
enum State {
    Banner,
    BeforeSize(Field, Symmetry),
    Entries(Header),
}

/// The oracle's entries being collected.
struct Collected {
    stored: usize,
    canonical: bool,
    last: Option<(usize, usize)>,
    entries: BTreeMap<(usize, usize), (Complex64, usize)>,
}

impl Collected {
    fn add(&mut self, row: usize, col: usize, value: Complex64) {
        self.stored += 1;
        self.canonical &= self.last.is_none_or(|last| last < (row, col));
        self.last = Some((row, col));
        self.entries
            .entry((row, col))
            .and_modify(|(sum, count)| {
                *sum += value;
                *count += 1;
            })
            .or_insert((value, 1));
    }
}

/// The length of `data`'s longest line, its `\n` not counted (0 for no line).
pub fn longest_line(data: &[u8]) -> usize {
    lines(data).map(content_length).max().unwrap_or(0)
}

/// The lines of `data`, each with its `\n` if it has one.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split_inclusive(|&b| b == b'\n')
}

/// The length of a line without its `\n`.
fn content_length(raw: &[u8]) -> usize {
    raw.len() - usize::from(raw.ends_with(b"\n"))
}

/// Reads `data` by the rules of the module docs into a matrix whose index type holds at most
/// `index_max`.
pub fn parse(data: &[u8], limits: Limits, index_max: usize) -> Result<Parsed, Refusal> {
    let mut state = State::Banner;
    let mut collected = Collected {
        stored: 0,
        canonical: true,
        last: None,
        entries: BTreeMap::new(),
    };
    let mut read = 0;
    let mut count = 0;
    for (index, raw) in lines(data).enumerate() {
        let line = index + 1;
        count = line;
        let err = |kind| Refusal::Parse { line, kind };
        if content_length(raw) > limits.max_line_bytes {
            let limit = limits.max_line_bytes;
            return Err(err(Kind::LineTooLong { limit }));
        }
        let text = std::str::from_utf8(raw).map_err(|_| err(Kind::NotUtf8))?;
        let tokens: Vec<&str> = text.split_ascii_whitespace().collect();
        match state {
            State::Banner => {
                let (field, symmetry) = banner(text, &tokens).map_err(err)?;
                state = State::BeforeSize(field, symmetry);
            }
            State::BeforeSize(field, symmetry) => {
                if tokens.first().is_none_or(|t| t.starts_with('%')) {
                    continue;
                }
                let header = size_line(&tokens, field, symmetry).map_err(err)?;
                for (what, value) in [("rows", header.rows), ("cols", header.cols)] {
                    if value > index_max {
                        return Err(Refusal::IndexTooLarge { what, value });
                    }
                }
                if header.rows > limits.max_rows {
                    return Err(Refusal::TooLarge { rows: header.rows });
                }
                state = State::Entries(header);
            }
            State::Entries(h) => {
                let Some(first) = tokens.first() else {
                    continue;
                };
                if first.starts_with('%') {
                    return Err(err(Kind::CommentAfterSize));
                }
                let width = 2 + match h.field {
                    Field::Pattern => 0,
                    Field::Real | Field::Integer => 1,
                    Field::Complex => 2,
                };
                if read == h.entries {
                    return Err(err(if tokens.len() == width {
                        Kind::TooManyEntries {
                            declared: h.entries,
                        }
                    } else {
                        Kind::TrailingContent {
                            declared: h.entries,
                            found: quote(text),
                        }
                    }));
                }
                let (row, col, value) = entry(&tokens, &h, width).map_err(err)?;
                read += 1;
                collected.add(row, col, value);
                if row == col {
                    if h.symmetry == Symmetry::SkewSymmetric {
                        return Err(err(Kind::SkewDiagonal { index: row + 1 }));
                    }
                } else if h.symmetry != Symmetry::General {
                    collected.add(col, row, mirrored(h.symmetry, h.field, value));
                }
            }
        }
    }
    let end = count + 1;
    match state {
        State::Banner => Err(Refusal::Parse {
            line: 1,
            kind: Kind::Empty,
        }),
        State::BeforeSize(..) => Err(Refusal::Parse {
            line: end,
            kind: Kind::MissingSizeLine,
        }),
        State::Entries(header) if read < header.entries => Err(Refusal::Parse {
            line: end,
            kind: Kind::Truncated {
                read,
                declared: header.entries,
            },
        }),
        State::Entries(header) => Ok(Parsed {
            header,
            stored: collected.stored,
            canonical: collected.canonical,
            entries: collected.entries,
        }),
    }
}

/// The banner's field and symmetry.
fn banner(text: &str, tokens: &[&str]) -> Result<(Field, Symmetry), Kind> {
    let word = |i: usize, expected: &str| tokens[i].eq_ignore_ascii_case(expected);
    if tokens.is_empty() || !word(0, "%%MatrixMarket") {
        return Err(Kind::NotABanner { found: quote(text) });
    }
    if tokens.len() != 5 {
        return Err(Kind::BannerWords {
            found: tokens.len(),
        });
    }
    if !word(1, "matrix") {
        return Err(Kind::UnknownObject(quote(tokens[1])));
    }
    if !word(2, "coordinate") {
        return Err(Kind::UnsupportedFormat(quote(tokens[2])));
    }
    let fields = [
        ("real", Field::Real),
        ("integer", Field::Integer),
        ("complex", Field::Complex),
        ("pattern", Field::Pattern),
    ];
    let field = lookup(tokens[3], &fields).ok_or_else(|| Kind::UnknownField(quote(tokens[3])))?;
    let symmetries = [
        ("general", Symmetry::General),
        ("symmetric", Symmetry::Symmetric),
        ("skew-symmetric", Symmetry::SkewSymmetric),
        ("hermitian", Symmetry::Hermitian),
    ];
    let symmetry =
        lookup(tokens[4], &symmetries).ok_or_else(|| Kind::UnknownSymmetry(quote(tokens[4])))?;
    if (field, symmetry) == (Field::Pattern, Symmetry::SkewSymmetric) {
        return Err(Kind::PatternSkew);
    }
    Ok((field, symmetry))
}

/// The value of the word `token` is, ignoring ASCII case.
fn lookup<T: Copy>(token: &str, words: &[(&str, T)]) -> Option<T> {
    words
        .iter()
        .find(|(word, _)| token.eq_ignore_ascii_case(word))
        .map(|&(_, value)| value)
}

/// The header a size line completes.
fn size_line(tokens: &[&str], field: Field, symmetry: Symmetry) -> Result<Header, Kind> {
    let &[rows, cols, entries] = tokens else {
        return Err(Kind::SizeTokens {
            found: tokens.len(),
        });
    };
    let rows = natural(rows, "rows")?;
    let cols = natural(cols, "columns")?;
    let entries = natural(entries, "entries")?;
    if symmetry != Symmetry::General && rows != cols {
        return Err(Kind::NotSquare {
            symmetry,
            rows,
            cols,
        });
    }
    Ok(Header {
        rows,
        cols,
        entries,
        field,
        symmetry,
    })
}

/// The 0-based position and value of an entry line of `width` tokens.
fn entry(tokens: &[&str], h: &Header, width: usize) -> Result<(usize, usize, Complex64), Kind> {
    if tokens.len() != width {
        return Err(Kind::EntryTokens {
            field: h.field,
            expected: width,
            found: tokens.len(),
        });
    }
    let row = one_based(tokens[0], "row index", h.rows)?;
    let col = one_based(tokens[1], "column index", h.cols)?;
    let number = |token: &str, what| {
        token.parse::<f64>().map_err(|_| Kind::BadValue {
            what,
            token: quote(token),
            expected: "a number",
        })
    };
    let value = match h.field {
        Field::Pattern => Complex64::new(1.0, 0.0),
        Field::Integer => match tokens[2].parse::<i64>() {
            Ok(v) => Complex64::new(v as f64, 0.0),
            Err(_) => {
                return Err(Kind::BadValue {
                    what: "value",
                    token: quote(tokens[2]),
                    expected: "an integer",
                });
            }
        },
        Field::Real => Complex64::new(number(tokens[2], "value")?, 0.0),
        Field::Complex => {
            let re = number(tokens[2], "real part")?;
            Complex64::new(re, number(tokens[3], "imaginary part")?)
        }
    };
    Ok((row, col, value))
}

/// The value at `(j, i)` of a non-general matrix whose `(i, j)` holds `v`, `i != j`.
fn mirrored(symmetry: Symmetry, field: Field, v: Complex64) -> Complex64 {
    match (symmetry, field) {
        // An integer has no negative zero: -0 is +0.
        (Symmetry::SkewSymmetric, Field::Integer) if v.re == 0.0 => Complex64::new(0.0, v.im),
        // A real value's imaginary part stays +0.
        (Symmetry::SkewSymmetric, Field::Integer | Field::Real) => Complex64::new(-v.re, v.im),
        (Symmetry::SkewSymmetric, _) => Complex64::new(-v.re, -v.im),
        (Symmetry::Hermitian, Field::Complex) => Complex64::new(v.re, -v.im),
        _ => v,
    }
}

/// A non-negative integer token.
fn natural(token: &str, what: &'static str) -> Result<usize, Kind> {
    token.parse::<usize>().map_err(|_| Kind::BadInteger {
        what,
        token: quote(token),
    })
}

/// A 1-based index token in `1..=len`, returned 0-based.
fn one_based(token: &str, what: &'static str, len: usize) -> Result<usize, Kind> {
    match natural(token, what)? {
        index @ 1.. if index <= len => Ok(index - 1),
        index => Err(Kind::IndexOutOfRange {
            what,
            index,
            max: len,
        }),
    }
}

/// How an error message quotes `text`: trimmed, at most [`QUOTE_CHARS`] characters then `...`.
fn quote(text: &str) -> String {
    let text = text.trim_ascii();
    if text.chars().count() <= QUOTE_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(QUOTE_CHARS).collect();
    cut.push_str("...");
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIDE: Limits = Limits {
        max_rows: 100,
        max_line_bytes: 1000,
    };

    fn ok(text: &str) -> Parsed {
        parse(text.as_bytes(), WIDE, usize::MAX).unwrap_or_else(|e| panic!("{text:?}: {e:?}"))
    }

    fn refused(text: &str) -> (usize, Kind) {
        match parse(text.as_bytes(), WIDE, usize::MAX) {
            Err(Refusal::Parse { line, kind }) => (line, kind),
            other => panic!("{text:?}: {other:?}"),
        }
    }

    /// The entries as `(row, col, re, im)` with the bits of the values.
    fn bits(p: &Parsed) -> Vec<(usize, usize, u64, u64)> {
        p.entries
            .iter()
            .map(|(&(r, c), (v, _))| (r, c, v.re.to_bits(), v.im.to_bits()))
            .collect()
    }

    fn b(re: f64, im: f64) -> (u64, u64) {
        (re.to_bits(), im.to_bits())
    }

    #[test]
    fn every_symmetry_expands_as_documented() {
        let p = ok("%%MatrixMarket matrix coordinate complex hermitian\n\
                    % comment\n\n3 3 2\n1 1 2.5 0\n3 1 -3E-1 1.5\n");
        assert_eq!(p.header.rows, 3);
        assert_eq!(p.header.entries, 2);
        assert_eq!((p.stored, p.canonical), (3, false));
        let (re, im) = b(-0.3, -1.5);
        let (re2, im2) = b(-0.3, 1.5);
        let (d_re, d_im) = b(2.5, 0.0);
        assert_eq!(
            bits(&p),
            vec![(0, 0, d_re, d_im), (0, 2, re, im), (2, 0, re2, im2)]
        );
        let skew = ok("%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 1 0\n");
        let (z, neg_z) = (b(0.0, 0.0), b(-0.0, 0.0));
        assert_eq!(
            bits(&skew),
            vec![(0, 1, neg_z.0, neg_z.1), (1, 0, z.0, z.1)]
        );
        let int = ok("%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 1 0\n");
        assert_eq!(bits(&int), vec![(0, 1, z.0, z.1), (1, 0, z.0, z.1)]);
        let sym = ok("%%MatrixMarket matrix coordinate pattern symmetric\n2 2 2\n1 2\n2 2\n");
        let one = b(1.0, 0.0);
        assert_eq!(
            bits(&sym),
            vec![
                (0, 1, one.0, one.1),
                (1, 0, one.0, one.1),
                (1, 1, one.0, one.1)
            ]
        );
        let complex_skew =
            ok("%%MatrixMarket matrix coordinate complex skew-symmetric\n2 2 1\n1 2 1 0\n");
        let minus = b(-1.0, -0.0);
        assert_eq!(bits(&complex_skew)[1], (1, 0, minus.0, minus.1));
    }

    #[test]
    fn duplicates_sum_in_file_order_and_count() {
        let p = ok("%%MatrixMarket matrix coordinate real symmetric\n\
                    2 2 3\n1 2 1e16\n2 1 1\n2 1 -1e16\n");
        assert_eq!((p.stored, p.canonical), (6, false));
        // (1e16 + 1) - 1e16 is 0 in file order, 1 in any order adding -1e16 first.
        assert_eq!(p.entries[&(1, 0)], (Complex64::new(0.0, 0.0), 3));
        let sorted = ok("%%MatrixMarket matrix coordinate integer general\n2 3 2\n1 3 7\n2 1 -7\n");
        assert!(sorted.canonical);
        let repeated =
            ok("%%MatrixMarket matrix coordinate integer general\n1 1 2\n1 1 7\n1 1 7\n");
        assert!(!repeated.canonical);
        assert_eq!(repeated.entries[&(0, 0)], (Complex64::new(14.0, 0.0), 2));
    }

    #[test]
    fn the_header_is_flexible_where_documented() {
        let p = ok("  %%MATRIXMARKET Matrix COORDINATE Real GENERAL \r\n\
                    \t% indented comment\r\n%\r\n \r\n+2\t3 0\r\n\r\n");
        assert_eq!((p.header.rows, p.header.cols, p.stored), (2, 3, 0));
        assert_eq!(p.header.field, Field::Real);
        assert!(p.entries.is_empty());
        let last_line = ok("%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 -inf");
        assert_eq!(last_line.entries[&(0, 0)].0.re, f64::NEG_INFINITY);
    }

    #[test]
    fn malformed_files_are_refused_on_the_right_line() {
        let banner = "%%MatrixMarket matrix coordinate real general\n";
        let cases: Vec<(String, usize, Kind)> = vec![
            (String::new(), 1, Kind::Empty),
            (
                "3 3 0\n".into(),
                1,
                Kind::NotABanner {
                    found: "3 3 0".into(),
                },
            ),
            (
                "%%MatrixMarket matrix\n".into(),
                1,
                Kind::BannerWords { found: 2 },
            ),
            (
                "%%MatrixMarket vector coordinate real general\n".into(),
                1,
                Kind::UnknownObject("vector".into()),
            ),
            (
                "%%matrixmarket matrix array real general\n".into(),
                1,
                Kind::UnsupportedFormat("array".into()),
            ),
            (
                "%%MatrixMarket matrix coordinate pattern skew-symmetric\n".into(),
                1,
                Kind::PatternSkew,
            ),
            (format!("{banner}% only\n\n"), 4, Kind::MissingSizeLine),
            (format!("{banner}1 1\n"), 2, Kind::SizeTokens { found: 2 }),
            (
                format!("{banner}1 -1 0\n"),
                2,
                Kind::BadInteger {
                    what: "columns",
                    token: "-1".into(),
                },
            ),
            (
                format!("{banner}1 1 1\n% late\n"),
                3,
                Kind::CommentAfterSize,
            ),
            (
                format!("{banner}2 2 1\n\n3 1 1\n"),
                4,
                Kind::IndexOutOfRange {
                    what: "row index",
                    index: 3,
                    max: 2,
                },
            ),
            (
                format!("{banner}2 2 1\n1 0 1\n"),
                3,
                Kind::IndexOutOfRange {
                    what: "column index",
                    index: 0,
                    max: 2,
                },
            ),
            (
                format!("{banner}1 1 1\n1 1 1.5D3\n"),
                3,
                Kind::BadValue {
                    what: "value",
                    token: "1.5D3".into(),
                    expected: "a number",
                },
            ),
            (
                format!("{banner}1 1 1\n1 1\n"),
                3,
                Kind::EntryTokens {
                    field: Field::Real,
                    expected: 3,
                    found: 2,
                },
            ),
            (
                format!("{banner}2 2 2\n1 1 1\n"),
                4,
                Kind::Truncated {
                    read: 1,
                    declared: 2,
                },
            ),
            (
                format!("{banner}2 2 1\n1 1 1\n2 2 2\n"),
                4,
                Kind::TooManyEntries { declared: 1 },
            ),
            (
                format!("{banner}2 2 1\n1 1 1\n x \n"),
                4,
                Kind::TrailingContent {
                    declared: 1,
                    found: "x".into(),
                },
            ),
            (
                "%%MatrixMarket matrix coordinate integer symmetric\n2 3 0\n".into(),
                2,
                Kind::NotSquare {
                    symmetry: Symmetry::Symmetric,
                    rows: 2,
                    cols: 3,
                },
            ),
            (
                "%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 1.0\n".into(),
                3,
                Kind::BadValue {
                    what: "value",
                    token: "1.0".into(),
                    expected: "an integer",
                },
            ),
            (
                "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n2 2 1\n".into(),
                3,
                Kind::SkewDiagonal { index: 2 },
            ),
        ];
        for (text, line, kind) in cases {
            assert_eq!(refused(&text), (line, kind), "{text:?}");
        }
    }

    #[test]
    fn limits_and_encoding_are_refused_where_they_are_met() {
        let banner = "%%MatrixMarket matrix coordinate real general\n";
        let tall = format!("{banner}101 1 0\nnot even read\n");
        assert_eq!(
            parse(tall.as_bytes(), WIDE, usize::MAX),
            Err(Refusal::TooLarge { rows: 101 })
        );
        let at_limit = format!("{banner}100 1 0\n");
        assert!(parse(at_limit.as_bytes(), WIDE, usize::MAX).is_ok());
        // The index type's limit comes first, rows before columns, whatever follows.
        for (size, index_max, what, value) in
            [("5 11", 10, "cols", 11), ("101 101", 100, "rows", 101)]
        {
            let text = format!("{banner}{size} 1\n0 0 x\n");
            let expected = Refusal::IndexTooLarge { what, value };
            assert_eq!(parse(text.as_bytes(), WIDE, index_max), Err(expected));
        }
        assert!(parse(at_limit.as_bytes(), WIDE, 100).is_ok());
        let mut bytes = format!("{banner}1 1 1\n").into_bytes();
        bytes.extend_from_slice(b"1 1 \xff\n");
        assert_eq!(
            parse(&bytes, WIDE, usize::MAX),
            Err(Refusal::Parse {
                line: 3,
                kind: Kind::NotUtf8
            })
        );
        let tight = Limits {
            max_rows: 100,
            max_line_bytes: banner.len() - 1,
        };
        let text = format!("{banner}1 1 0\r\n");
        assert!(parse(text.as_bytes(), tight, usize::MAX).is_ok());
        let tighter = Limits {
            max_line_bytes: banner.len() - 2,
            ..tight
        };
        assert_eq!(
            parse(text.as_bytes(), tighter, usize::MAX),
            Err(Refusal::Parse {
                line: 1,
                kind: Kind::LineTooLong {
                    limit: banner.len() - 2
                }
            })
        );
    }

    #[test]
    fn quotes_are_cut_on_characters() {
        assert_eq!(quote(" \tabc\r\n"), "abc");
        let long = "é".repeat(QUOTE_CHARS + 1);
        let cut = quote(&long);
        assert_eq!(cut, format!("{}...", "é".repeat(QUOTE_CHARS)));
        assert_eq!(quote(&long[..2 * QUOTE_CHARS]), "é".repeat(QUOTE_CHARS));
    }
}
