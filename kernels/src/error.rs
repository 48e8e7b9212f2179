//! Typed errors: a CSR that breaks an invariant, and kernel parameters that do not fit the matrix.
//!
//! Every message names the rule that was broken and where, so a user can fix the input without
//! reading the source (e.g. "row 7: column 12 out of range for 10 columns").

use thiserror::Error;

/// A violated invariant of the CSR format, found by [`Csr::new`](crate::Csr::new) or
/// [`Csr::from_triplets`](crate::Csr::from_triplets).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CsrError {
    /// A dimension or the number of entries does not fit the index type.
    #[error("{what} {value} does not fit a {bits}-bit index (max {max})")]
    TooLarge {
        /// Which quantity: "rows", "cols" or "nnz".
        what: &'static str,
        /// Its value.
        value: usize,
        /// Width of the index type.
        bits: u32,
        /// The largest value the index type holds.
        max: usize,
    },
    /// `row_ptr` does not have `rows + 1` entries.
    #[error("row_ptr has {found} entries, expected rows + 1 = {expected}")]
    RowPtrLength {
        /// `rows + 1`.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// `row_ptr[0]` is not zero.
    #[error("row_ptr[0] is {found}, expected 0")]
    RowPtrStart {
        /// The value found.
        found: usize,
    },
    /// `row_ptr[row + 1] < row_ptr[row]`.
    #[error("row {row}: row_ptr decreases from {start} to {end}")]
    RowPtrDecreasing {
        /// The row whose end lies before its start.
        row: usize,
        /// `row_ptr[row]`.
        start: usize,
        /// `row_ptr[row + 1]`.
        end: usize,
    },
    /// `row_ptr[rows]` differs from the number of stored entries.
    #[error("row_ptr[rows] is {found}, expected nnz = {nnz}")]
    RowPtrEnd {
        /// `col_idx.len()`.
        nnz: usize,
        /// `row_ptr[rows]`.
        found: usize,
    },
    /// `col_idx` and `values` have different lengths.
    #[error("col_idx has {col_idx} entries but values has {values}")]
    LengthMismatch {
        /// `col_idx.len()`.
        col_idx: usize,
        /// `values.len()`.
        values: usize,
    },
    /// A column index is not below `cols`.
    #[error("row {row}: column {col} out of range for {cols} columns")]
    ColumnOutOfRange {
        /// The row holding the entry.
        row: usize,
        /// The offending column index.
        col: usize,
        /// Number of columns.
        cols: usize,
    },
    /// Column indices of a row are not strictly increasing (unsorted or duplicated).
    #[error("row {row}: column {col} follows column {prev} (columns must be strictly increasing)")]
    ColumnsNotIncreasing {
        /// The row.
        row: usize,
        /// The earlier column index.
        prev: usize,
        /// The column index that does not exceed it.
        col: usize,
    },
    /// A triplet lies outside the declared shape.
    #[error("entry ({row}, {col}) out of range for a {rows}x{cols} matrix")]
    EntryOutOfRange {
        /// Row of the entry (0-based).
        row: usize,
        /// Column of the entry (0-based).
        col: usize,
        /// Number of rows.
        rows: usize,
        /// Number of columns.
        cols: usize,
    },
    /// Memory for the matrix could not be reserved.
    #[error("out of memory: cannot allocate {bytes} bytes")]
    OutOfMemory {
        /// Bytes requested.
        bytes: usize,
    },
}

/// Kernel parameters that do not fit the input, or an output that cannot be represented.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KernelError {
    /// A requested dimension is zero where a positive one is needed.
    #[error("{what} must be positive, got 0")]
    ZeroDimension {
        /// Which parameter.
        what: &'static str,
    },
    /// A product of dimensions overflows.
    #[error("{what}: {a} x {b} overflows")]
    Overflow {
        /// Which product.
        what: &'static str,
        /// Left factor.
        a: usize,
        /// Right factor.
        b: usize,
    },
    /// Reshape to a shape with a different number of elements.
    #[error(
        "cannot reshape {rows}x{cols} to {new_rows}x{new_cols}: {new_len} elements cannot hold {len}"
    )]
    ReshapeSize {
        /// Input rows.
        rows: usize,
        /// Input columns.
        cols: usize,
        /// Requested rows.
        new_rows: usize,
        /// Requested columns.
        new_cols: usize,
        /// `rows * cols`.
        len: usize,
        /// `new_rows * new_cols`.
        new_len: usize,
    },
    /// column_unstack needs a single column.
    #[error("column_unstack needs a single column, got a {rows}x{cols} matrix")]
    NotAColumn {
        /// Input rows.
        rows: usize,
        /// Input columns.
        cols: usize,
    },
    /// column_unstack: the column length is not a multiple of the requested rows.
    #[error("column of length {len} cannot be unstacked into rows of {rows}: not a multiple")]
    NotAMultiple {
        /// Column length.
        len: usize,
        /// Requested rows.
        rows: usize,
    },
    /// permute: `order` has the wrong length.
    #[error("order has the wrong number of elements: {found} for {expected} dims")]
    OrderLength {
        /// `dims.len()`.
        expected: usize,
        /// `order.len()`.
        found: usize,
    },
    /// permute: an `order` element is not below `dims.len()`.
    #[error("order element out of range: {value} at position {position} (must be < {len})")]
    OrderOutOfRange {
        /// Position in `order`.
        position: usize,
        /// The element.
        value: usize,
        /// `dims.len()`.
        len: usize,
    },
    /// permute: an `order` element repeats.
    #[error("duplicate order element {value} at position {position}")]
    OrderDuplicate {
        /// Position of the second occurrence.
        position: usize,
        /// The element.
        value: usize,
    },
    /// permute: `dims` is empty.
    #[error("dims must not be empty")]
    EmptyDims,
    /// permute: a dimension of `dims` is zero.
    #[error("dims element {position} is 0; every dimension must be positive")]
    ZeroDim {
        /// Position in `dims`.
        position: usize,
    },
    /// permute: `prod(dims)` overflows.
    #[error("dims product overflows at element {position}")]
    DimsOverflow {
        /// Position in `dims` where the running product overflowed.
        position: usize,
    },
    /// permute: `prod(dims)` differs from the dimension being permuted.
    #[error("dims product {product} does not match dimension {dimension}")]
    DimsMismatch {
        /// `prod(dims)`.
        product: usize,
        /// The matrix dimension (rows for kets, cols for bras, either for square operators).
        dimension: usize,
    },
    /// permute: a matrix that is neither square, a ket (`N x 1`) nor a bra (`1 x N`).
    #[error("cannot permute a {rows}x{cols} matrix: it is neither square, a ket nor a bra")]
    NotPermutable {
        /// Input rows.
        rows: usize,
        /// Input columns.
        cols: usize,
    },
    /// permute_indices: a permutation has the wrong length.
    #[error("{axis} permutation has {found} elements, expected {expected}")]
    PermutationLength {
        /// "row" or "column".
        axis: &'static str,
        /// Required length.
        expected: usize,
        /// Actual length.
        found: usize,
    },
    /// permute_indices: a permutation element is out of range.
    #[error("{axis} permutation element {value} at position {position} out of range for {len}")]
    PermutationOutOfRange {
        /// "row" or "column".
        axis: &'static str,
        /// Position.
        position: usize,
        /// The element.
        value: usize,
        /// Permutation length.
        len: usize,
    },
    /// permute_indices: a permutation element repeats.
    #[error("{axis} permutation has duplicate element {value} at position {position}")]
    PermutationDuplicate {
        /// "row" or "column".
        axis: &'static str,
        /// Position of the second occurrence.
        position: usize,
        /// The element.
        value: usize,
    },
    /// The output has a dimension or nnz the index type cannot hold.
    #[error("output {what} {value} does not fit a {bits}-bit index (max {max})")]
    IndexOverflow {
        /// Which quantity.
        what: &'static str,
        /// Its value.
        value: usize,
        /// Width of the index type.
        bits: u32,
        /// Largest representable value.
        max: usize,
    },
    /// The output does not fit in memory.
    #[error("out of memory: cannot allocate {bytes} bytes for the output")]
    OutOfMemory {
        /// Bytes requested.
        bytes: usize,
    },
}
