//! Matrix Market (`.mtx`) reader and writer for [`Csr`](crate::Csr) matrices.
//!
//! # What is read
//! The *coordinate* format of <https://math.nist.gov/MatrixMarket/formats.html>:
//!
//! ```text
//! %%MatrixMarket matrix coordinate complex hermitian    <- banner, words case-insensitive
//! % comment lines (and blank lines) until the size line
//! 3 3 2                                                 <- rows cols entries
//! 1 1 2.5 0                                             <- 1-based row, column, value
//! 3 1 -3E-1 1.5                                         <- ...one line per declared entry
//! ```
//!
//! * Fields: `real` (1 number), `integer` (1 integer, converted to `f64`: exact up to 2^53),
//!   `complex` (2 numbers) and `pattern` (no value: every entry is `1 + 0i`).
//! * Symmetries are expanded on read, each off-diagonal entry `(i, j)` also giving `(j, i)`:
//!   `symmetric` with the same value, `skew-symmetric` negated (a diagonal entry is an error: the
//!   diagonal of a skew-symmetric matrix is zero and not stored; `pattern skew-symmetric` is
//!   refused), `hermitian` conjugated (diagonal entries are kept as written; for real and integer
//!   fields conjugation is the identity). Either triangle may be given; an entry present in both
//!   triangles is a duplicate. A symmetric matrix must be square.
//! * Numbers are parsed by Rust's [`f64::from_str`](std::str::FromStr): decimal forms such as
//!   `-3E-1`, `1E1`, `+1.5`, `.5`, `5.`, `1e5`, plus `inf`, `-inf`, `infinity` and `nan`
//!   (case-insensitive, optionally signed). Hexadecimal floats and Fortran `1.5D3` are refused.
//! * Duplicate entries are summed (as SciPy does) and counted in [`ReadReport::duplicates`];
//!   explicit zeros are kept.
//! * The dense `array` format and `vector` objects are refused with
//!   [`ParseErrorKind::UnsupportedFormat`] / [`ParseErrorKind::UnknownObject`]: QuTiP's matrices
//!   are sparse, and a dense reader would be a second parser to maintain for no user.
//!
//! Every malformed file is an [`MtxError::Parse`] naming the line and the problem, e.g.
//! `line 5: row index 0 out of range 1..=40 (indices are 1-based)`; truncated files, extra
//! entries and trailing content are errors too.
//!
//! # Memory
//! The reader never trusts the size line for allocation: the entry buffer grows with the lines
//! actually read. The CSR conversion needs `rows + 1` row pointers, so shapes whose dimensions do
//! not fit the index type are refused ([`CsrError::TooLarge`]) and so
//! are shapes with more than [`MAX_ROWS`] rows ([`MtxError::TooLarge`]) unless
//! [`read_with_limit`] raises the limit: a ten-byte file claiming four billion rows is refused
//! instead of costing tens of gigabytes. Lines are read into one buffer bounded by
//! [`MAX_LINE_BYTES`] ([`read_with_limits`] raises it), so an input without line breaks
//! (`/dev/zero`) is an error after a megabyte, not a buffer growing until memory runs out. Every
//! allocation is fallible: memory running out is [`CsrError::OutOfMemory`], never an abort.
//!
//! # What is written
//! [`write()`] always writes `%%MatrixMarket matrix coordinate complex general`, an optional
//! comment, the size line and one `row col re im` line per stored entry in CSR order. Numbers use
//! the shortest representation that parses back to the same `f64` (positional between `1e-5` and
//! `1e16`, scientific outside), so values survive a write and read bit for bit, including `-0`,
//! subnormals, `inf` and `-inf`; a NaN is written `nan` or `-nan` and reads back as the standard
//! NaN of that sign (payload bits are not kept). [`write_path`] writes through
//! [`output::write_file`](crate::output::write_file): a regular file is replaced atomically, a
//! device, FIFO or symbolic link is never renamed over.
#![forbid(unsafe_code)]

mod read;
mod write;

pub use read::{read, read_path, read_with_limit, read_with_limits};
pub use write::{write, write_path};

use std::fmt;
use std::path::PathBuf;

use thiserror::Error;

use crate::CsrError;

/// Default limit on the number of rows [`read`] and [`read_path`] accept: `2^27`.
///
/// Building the CSR matrix allocates `rows + 1` row pointers plus per-row counters (about
/// 24 bytes per row for `u64` indices) however few entries the file holds, so a header alone
/// could otherwise demand gigabytes. Use [`read_with_limit`] for taller matrices.
pub const MAX_ROWS: usize = 1 << 27;

/// Default limit on the length of a line, newline excluded: 1 MiB.
///
/// The line buffer grows with the longest line, so without a limit an input that never breaks
/// its line (`/dev/zero`, a binary file) would take all the memory there is before any error.
/// A valid entry line is under 100 bytes (two indices and two shortest round-trip numbers), so
/// only a comment could come near the limit; [`read_with_limits`] raises it.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// What the reader accepts before refusing an input as too large for its memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Most rows the size line may declare ([`MAX_ROWS`] by default).
    pub max_rows: usize,
    /// Longest line in bytes, newline excluded ([`MAX_LINE_BYTES`] by default).
    pub max_line_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: MAX_ROWS,
            max_line_bytes: MAX_LINE_BYTES,
        }
    }
}

/// The value type declared in the banner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// One real number per entry.
    Real,
    /// One integer per entry.
    Integer,
    /// Two numbers per entry: real and imaginary part.
    Complex,
    /// No value: every entry is `1 + 0i`.
    Pattern,
}

impl Field {
    /// Every field, in the order of the format's documentation.
    pub const ALL: [Field; 4] = [Field::Real, Field::Integer, Field::Complex, Field::Pattern];

    /// The banner word.
    fn word(self) -> &'static str {
        match self {
            Field::Real => "real",
            Field::Integer => "integer",
            Field::Complex => "complex",
            Field::Pattern => "pattern",
        }
    }

    /// Number of value tokens on an entry line.
    fn value_tokens(self) -> usize {
        match self {
            Field::Real | Field::Integer => 1,
            Field::Complex => 2,
            Field::Pattern => 0,
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// The symmetry declared in the banner; all but `General` store one triangle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symmetry {
    /// Every entry is stored.
    General,
    /// `A[j][i] == A[i][j]`.
    Symmetric,
    /// `A[j][i] == -A[i][j]`, zero diagonal (not stored).
    SkewSymmetric,
    /// `A[j][i] == conj(A[i][j])`.
    Hermitian,
}

impl Symmetry {
    /// Every symmetry, in the order of the format's documentation.
    pub const ALL: [Symmetry; 4] = [
        Symmetry::General,
        Symmetry::Symmetric,
        Symmetry::SkewSymmetric,
        Symmetry::Hermitian,
    ];

    /// The banner word.
    fn word(self) -> &'static str {
        match self {
            Symmetry::General => "general",
            Symmetry::Symmetric => "symmetric",
            Symmetry::SkewSymmetric => "skew-symmetric",
            Symmetry::Hermitian => "hermitian",
        }
    }
}

impl fmt::Display for Symmetry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// What the banner and size line of a file declare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Number of entry lines declared (before symmetric expansion).
    pub entries: usize,
    /// Value type.
    pub field: Field,
    /// Symmetry.
    pub symmetry: Symmetry,
}

/// What [`read`] found besides the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReadReport {
    /// The file's header.
    pub header: Header,
    /// Entries after symmetric expansion, before duplicates were summed.
    pub stored: usize,
    /// Entries summed into an earlier entry at the same position (`stored - nnz`).
    pub duplicates: usize,
    /// The (expanded) entries were already in row-major order without duplicates, i.e. in a
    /// valid CSR order.
    pub canonical: bool,
}

/// Reading or writing a Matrix Market file failed.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum MtxError {
    /// The operating system refused a read, write, open or rename.
    #[error("{}{source}", path_prefix(.path))]
    Io {
        /// The file concerned, when known.
        path: Option<PathBuf>,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The file is not valid Matrix Market.
    #[error("line {line}: {kind}")]
    Parse {
        /// 1-based line number where the problem was found.
        line: usize,
        /// What is wrong.
        kind: ParseErrorKind,
    },
    /// The matrix cannot be built: a dimension or nnz does not fit the index type, or memory
    /// ran out.
    #[error(transparent)]
    Csr(#[from] CsrError),
    /// The declared number of rows exceeds the reader's limit ([`MAX_ROWS`] by default).
    #[error(
        "the file declares {rows} rows, more than the limit of {max_rows} \
         (mtx::MAX_ROWS; use mtx::read_with_limit to read taller matrices)"
    )]
    TooLarge {
        /// Rows declared by the size line.
        rows: usize,
        /// The limit in force.
        max_rows: usize,
    },
}

impl From<std::io::Error> for MtxError {
    fn from(source: std::io::Error) -> Self {
        MtxError::Io { path: None, source }
    }
}

impl MtxError {
    /// Attaches `path` to an I/O error that does not name its file yet.
    fn at_path(self, path: &std::path::Path) -> Self {
        match self {
            MtxError::Io { path: None, source } => MtxError::Io {
                path: Some(path.to_owned()),
                source,
            },
            other => other,
        }
    }
}

fn path_prefix(path: &Option<PathBuf>) -> String {
    match path {
        Some(p) => format!("{}: ", p.display()),
        None => "I/O error: ".to_owned(),
    }
}

/// What is wrong with a line of a Matrix Market file (the line number is in [`MtxError::Parse`]).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ParseErrorKind {
    /// The input holds no bytes.
    #[error(
        "file is empty; expected the banner '%%MatrixMarket matrix coordinate <field> <symmetry>'"
    )]
    Empty,
    /// The first line is not a `%%MatrixMarket` banner.
    #[error(
        "expected the banner '%%MatrixMarket matrix coordinate <field> <symmetry>', found '{found}'"
    )]
    NotABanner {
        /// The start of the line found.
        found: String,
    },
    /// The banner does not have its five words.
    #[error(
        "the banner has {found} words, expected 5: %%MatrixMarket matrix coordinate <field> <symmetry>"
    )]
    BannerWords {
        /// Words found.
        found: usize,
    },
    /// The banner's object is not `matrix`.
    #[error("unknown object '{0}' (only 'matrix' is supported)")]
    UnknownObject(String),
    /// The banner's format is not `coordinate`.
    #[error("unsupported format '{0}' (only the sparse 'coordinate' format is supported)")]
    UnsupportedFormat(String),
    /// The banner's field is unknown.
    #[error("unknown field '{0}' (expected real, integer, complex or pattern)")]
    UnknownField(String),
    /// The banner's symmetry is unknown.
    #[error("unknown symmetry '{0}' (expected general, symmetric, skew-symmetric or hermitian)")]
    UnknownSymmetry(String),
    /// `pattern skew-symmetric`: a pattern has no value to negate.
    #[error("a pattern matrix cannot be skew-symmetric (there is no value to negate)")]
    PatternSkew,
    /// The file ends before the size line.
    #[error("file ends before the size line 'rows cols entries'")]
    MissingSizeLine,
    /// The size line does not hold exactly three numbers.
    #[error("the size line needs 3 numbers 'rows cols entries', found {found} tokens")]
    SizeTokens {
        /// Tokens found.
        found: usize,
    },
    /// A symmetric, skew-symmetric or hermitian matrix that is not square.
    #[error("a {symmetry} matrix must be square, the size line declares {rows}x{cols}")]
    NotSquare {
        /// The declared symmetry.
        symmetry: Symmetry,
        /// Declared rows.
        rows: usize,
        /// Declared columns.
        cols: usize,
    },
    /// A token that must be a non-negative integer (a size or an index) is not one.
    #[error("cannot parse {what} '{token}' as a non-negative integer")]
    BadInteger {
        /// What the token is: "rows", "row index", ...
        what: &'static str,
        /// The token.
        token: String,
    },
    /// A value token is not a number of the declared field.
    #[error("cannot parse {what} '{token}' as {expected}")]
    BadValue {
        /// "value", "real part" or "imaginary part".
        what: &'static str,
        /// The token.
        token: String,
        /// "a number" or "an integer".
        expected: &'static str,
    },
    /// An entry line has the wrong number of tokens for the field.
    #[error("expected {expected} tokens for a {field} entry, found {found}")]
    EntryTokens {
        /// The declared field.
        field: Field,
        /// Tokens an entry of that field has.
        expected: usize,
        /// Tokens found.
        found: usize,
    },
    /// A row or column index is zero or beyond the declared shape.
    #[error("{what} {index} out of range 1..={max} (indices are 1-based)")]
    IndexOutOfRange {
        /// "row index" or "column index".
        what: &'static str,
        /// The index as written.
        index: usize,
        /// Number of rows or columns.
        max: usize,
    },
    /// A skew-symmetric file stores a diagonal entry.
    #[error(
        "skew-symmetric matrix stores the diagonal entry ({index}, {index}); its diagonal is zero and must not be stored"
    )]
    SkewDiagonal {
        /// The 1-based index of the entry.
        index: usize,
    },
    /// A `%` comment line after the size line.
    #[error("comment lines are only allowed before the size line")]
    CommentAfterSize,
    /// The file ends before all declared entries were read.
    #[error("file ends after {read} of {declared} declared entries")]
    Truncated {
        /// Entries read.
        read: usize,
        /// Entries declared by the size line.
        declared: usize,
    },
    /// An entry line beyond the declared count.
    #[error("more entries than the {declared} declared by the size line")]
    TooManyEntries {
        /// Entries declared by the size line.
        declared: usize,
    },
    /// Non-blank content after the last declared entry that is not an entry either.
    #[error("unexpected content after the last of {declared} declared entries: '{found}'")]
    TrailingContent {
        /// Entries declared by the size line.
        declared: usize,
        /// The start of the line found.
        found: String,
    },
    /// A line is not valid UTF-8 (so certainly not ASCII Matrix Market).
    #[error("line is not valid UTF-8 text")]
    NotUtf8,
    /// A line is longer than the reader's limit ([`MAX_LINE_BYTES`] by default).
    #[error("longer than {limit} bytes")]
    LineTooLong {
        /// The limit in force, in bytes.
        limit: usize,
    },
}
