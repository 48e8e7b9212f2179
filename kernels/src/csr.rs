//! The validated CSR value.
//!
//! A [`Csr`] can only be built through [`Csr::new`] (which checks every invariant once),
//! [`Csr::from_triplets`] (which sorts and sums duplicates), or the `unsafe`
//! [`Csr::new_unchecked`], through which each kernel's dispatch turns its variants' output
//! ([`CsrParts`]) into a matrix, valid by construction of the kernel's plan and algorithm.
//! Everything that holds a `&Csr<I>` may therefore rely on the invariants listed on [`Csr`].

use num_complex::Complex64;

use crate::checks::check_fits;
use crate::{CsrError, Index};

/// A sparse matrix in compressed sparse row form over `Complex64` values.
///
/// Invariants (checked by [`Csr::new`], relied upon by the raw kernels):
/// 1. `rows`, `cols` and `nnz` are at most `I::MAX`;
/// 2. `row_ptr.len() == rows + 1`, `row_ptr[0] == 0`, `row_ptr` is non-decreasing and
///    `row_ptr[rows] == nnz == col_idx.len() == values.len()`;
/// 3. within each row, column indices are strictly increasing and below `cols`.
#[derive(Debug, Clone, PartialEq)]
pub struct Csr<I: Index> {
    rows: usize,
    cols: usize,
    row_ptr: Vec<I>,
    col_idx: Vec<I>,
    values: Vec<Complex64>,
}

impl<I: Index> Csr<I> {
    /// Builds a matrix from its three arrays, checking every invariant listed on [`Csr`].
    ///
    /// The first violation found is returned, naming the rule and its position.
    pub fn new(
        rows: usize,
        cols: usize,
        row_ptr: Vec<I>,
        col_idx: Vec<I>,
        values: Vec<Complex64>,
    ) -> Result<Self, CsrError> {
        check_fits::<I>("rows", rows)?;
        check_fits::<I>("cols", cols)?;
        check_fits::<I>("nnz", col_idx.len())?;
        if col_idx.len() != values.len() {
            return Err(CsrError::LengthMismatch {
                col_idx: col_idx.len(),
                values: values.len(),
            });
        }
        // `rows + 1` overflows for `rows == usize::MAX` (which fits u64): no row pointer is
        // that long, so compare without computing it.
        if row_ptr.len().checked_sub(1) != Some(rows) {
            return Err(CsrError::RowPtrLength {
                expected: rows.saturating_add(1),
                found: row_ptr.len(),
            });
        }
        if row_ptr[0] != I::ZERO {
            return Err(CsrError::RowPtrStart {
                found: row_ptr[0].to_usize(),
            });
        }
        let nnz = col_idx.len();
        for (row, w) in row_ptr.windows(2).enumerate() {
            let (start, end) = (w[0].to_usize(), w[1].to_usize());
            if end < start {
                return Err(CsrError::RowPtrDecreasing { row, start, end });
            }
            if end > nnz {
                return Err(CsrError::RowPtrEnd { nnz, found: end });
            }
            let mut prev: Option<usize> = None;
            for &c in &col_idx[start..end] {
                let col = c.to_usize();
                if col >= cols {
                    return Err(CsrError::ColumnOutOfRange { row, col, cols });
                }
                if let Some(prev) = prev.filter(|&p| p >= col) {
                    return Err(CsrError::ColumnsNotIncreasing { row, prev, col });
                }
                prev = Some(col);
            }
        }
        let last = row_ptr[rows].to_usize();
        if last != nnz {
            return Err(CsrError::RowPtrEnd { nnz, found: last });
        }
        Ok(Csr {
            rows,
            cols,
            row_ptr,
            col_idx,
            values,
        })
    }

    /// Builds a matrix without checking anything (in release builds).
    ///
    /// Debug builds (every test run) re-check all invariants and panic on the first one broken,
    /// so a kernel whose output breaks them fails its tests instead of handing an invalid matrix
    /// to the next raw kernel.
    ///
    /// # Safety
    /// The arguments must satisfy every invariant listed on [`Csr`]: the raw kernels read and
    /// write through pointers derived from them without bounds checks.
    #[allow(
        unsafe_code,
        reason = "the one constructor that trusts its caller; its callers carry the SAFETY argument"
    )]
    pub unsafe fn new_unchecked(
        rows: usize,
        cols: usize,
        row_ptr: Vec<I>,
        col_idx: Vec<I>,
        values: Vec<Complex64>,
    ) -> Self {
        let out = Csr {
            rows,
            cols,
            row_ptr,
            col_idx,
            values,
        };
        #[cfg(debug_assertions)]
        if let Err(e) = Self::new(
            rows,
            cols,
            out.row_ptr.clone(),
            out.col_idx.clone(),
            out.values.clone(),
        ) {
            panic!("kernel produced an invalid CSR matrix: {e}");
        }
        out
    }

    /// Builds a matrix from `(row, col, value)` triplets in any order, summing duplicates.
    ///
    /// Explicit zeros (including sums that cancel) are kept as stored entries.
    pub fn from_triplets(
        rows: usize,
        cols: usize,
        triplets: &[(usize, usize, Complex64)],
    ) -> Result<Self, CsrError> {
        check_fits::<I>("rows", rows)?;
        check_fits::<I>("cols", cols)?;
        // Count entries per row (counting sort by row, stable in input order).
        let oom = |e: crate::KernelError| match e {
            crate::KernelError::OutOfMemory { bytes } => CsrError::OutOfMemory { bytes },
            other => unreachable!("allocation helpers only fail for memory: {other}"),
        };
        // Saturating: `rows == usize::MAX` fits u64 but its `rows + 1` counters cannot exist,
        // so the allocation below refuses it instead of `rows + 1` overflowing.
        let mut counts = crate::alloc::try_filled(rows.saturating_add(1), 0usize).map_err(oom)?;
        for &(row, col, _) in triplets {
            if row >= rows || col >= cols {
                return Err(CsrError::EntryOutOfRange {
                    row,
                    col,
                    rows,
                    cols,
                });
            }
            counts[row + 1] += 1;
        }
        for r in 0..rows {
            counts[r + 1] += counts[r];
        }
        let mut next = crate::alloc::try_with_capacity(rows + 1).map_err(oom)?;
        next.extend_from_slice(&counts);
        let mut sorted = crate::alloc::try_filled(triplets.len(), (0usize, Complex64::default()))
            .map_err(oom)?;
        for &(row, col, v) in triplets {
            sorted[next[row]] = (col, v);
            next[row] += 1;
        }
        // Sort each row by column (stable, so duplicates sum in input order) and merge duplicates.
        let mut row_ptr = crate::alloc::try_with_capacity(rows + 1).map_err(oom)?;
        let mut col_idx = crate::alloc::try_with_capacity(triplets.len()).map_err(oom)?;
        let mut values = crate::alloc::try_with_capacity(triplets.len()).map_err(oom)?;
        row_ptr.push(I::ZERO);
        for r in 0..rows {
            let row = &mut sorted[counts[r]..counts[r + 1]];
            row.sort_by_key(|&(c, _)| c);
            let row_start = col_idx.len();
            for &(c, v) in row.iter() {
                if col_idx.len() > row_start && col_idx.last().map(|x: &I| x.to_usize()) == Some(c)
                {
                    *values
                        .last_mut()
                        .expect("a column was pushed with its value") += v;
                } else {
                    col_idx.push(I::from_usize(c));
                    values.push(v);
                }
            }
            row_ptr.push(I::from_usize(col_idx.len()));
        }
        // nnz after merging never exceeds triplets.len(), but it must still fit the index type;
        // row_ptr entries were converted above, so check before they could have truncated.
        check_fits::<I>("nnz", col_idx.len())?;
        Self::new(rows, cols, row_ptr, col_idx, values)
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// Number of stored entries (explicit zeros included).
    pub fn nnz(&self) -> usize {
        self.col_idx.len()
    }

    /// Row pointers: `rows + 1` entries, row `r` occupies `row_ptr[r]..row_ptr[r + 1]`.
    pub fn row_ptr(&self) -> &[I] {
        &self.row_ptr
    }

    /// Column index of every stored entry, row by row.
    pub fn col_idx(&self) -> &[I] {
        &self.col_idx
    }

    /// Value of every stored entry, row by row.
    pub fn values(&self) -> &[Complex64] {
        &self.values
    }

    /// Takes the matrix apart: `(rows, cols, row_ptr, col_idx, values)`.
    pub fn into_parts(self) -> (usize, usize, Vec<I>, Vec<I>, Vec<Complex64>) {
        (
            self.rows,
            self.cols,
            self.row_ptr,
            self.col_idx,
            self.values,
        )
    }

    /// Iterates over stored entries as `(row, col, value)` in row-major order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize, Complex64)> + '_ {
        self.row_ptr.windows(2).enumerate().flat_map(move |(r, w)| {
            let range = w[0].to_usize()..w[1].to_usize();
            self.col_idx[range.clone()]
                .iter()
                .zip(&self.values[range])
                .map(move |(&c, &v)| (r, c.to_usize(), v))
        })
    }

    /// The same matrix with another index type, or an error when it does not fit.
    pub fn to_index<J: Index>(&self) -> Result<Csr<J>, CsrError> {
        check_fits::<J>("rows", self.rows)?;
        check_fits::<J>("cols", self.cols)?;
        check_fits::<J>("nnz", self.nnz())?;
        // Every row pointer is at most nnz and every column index below cols, so all fit.
        let convert = |v: &[I]| v.iter().map(|x| J::from_usize(x.to_usize())).collect();
        Ok(Csr {
            rows: self.rows,
            cols: self.cols,
            row_ptr: convert(&self.row_ptr),
            col_idx: convert(&self.col_idx),
            values: self.values.clone(),
        })
    }
}

/// The arrays of a kernel's output, not yet trusted as a [`Csr`]: what every variant returns.
///
/// A kernel's raw, checked and safe variants all return `CsrParts`, and the kernel's dispatch
/// (`run` in its `mod.rs`) turns them into a `Csr` with one `unsafe` call under one SAFETY
/// argument that names the kernel's plan. So the safe and checked variants, which forbid
/// `unsafe`, cannot hand raw code a matrix it trusts without that argument, and no variant pays
/// for a validation pass the others skip: the three stay comparable in the benchmarks. The
/// alternative, re-checking every output with [`Csr::new`] in every build, was measured at 9.1
/// to 9.3 more instructions per stored entry (Callgrind, uniform family, u32, nnz 1e5): +60 %
/// on raw reshape (15.3 per entry), +67 % on raw transpose (13.9), +48 % and +20 % on the safe
/// ones. Debug builds (every test run) do run that check, in [`Csr::new_unchecked`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CsrParts<I: Index> {
    rows: usize,
    cols: usize,
    row_ptr: Vec<I>,
    col_idx: Vec<I>,
    values: Vec<Complex64>,
}

impl<I: Index> CsrParts<I> {
    /// Collects a kernel's output arrays.
    pub(crate) fn new(
        rows: usize,
        cols: usize,
        row_ptr: Vec<I>,
        col_idx: Vec<I>,
        values: Vec<Complex64>,
    ) -> Self {
        CsrParts {
            rows,
            cols,
            row_ptr,
            col_idx,
            values,
        }
    }

    /// Checks every invariant with [`Csr::new`]: how a caller of one variant directly (not
    /// through the kernel's dispatch) gets a matrix.
    pub fn validate(self) -> Result<Csr<I>, CsrError> {
        Csr::new(
            self.rows,
            self.cols,
            self.row_ptr,
            self.col_idx,
            self.values,
        )
    }

    /// Trusts the arrays as a matrix ([`Csr::new_unchecked`]).
    ///
    /// # Safety
    /// As for [`Csr::new_unchecked`]: the arrays satisfy every invariant listed on [`Csr`].
    #[allow(
        unsafe_code,
        reason = "forwards its caller's SAFETY argument to `Csr::new_unchecked`"
    )]
    pub(crate) unsafe fn assume_valid(self) -> Csr<I> {
        // SAFETY: the caller guarantees the invariants (this function's contract).
        unsafe {
            Csr::new_unchecked(
                self.rows,
                self.cols,
                self.row_ptr,
                self.col_idx,
                self.values,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64) -> Complex64 {
        Complex64::new(re, 0.0)
    }

    #[test]
    fn accepts_valid_and_empty_matrices() {
        let a = Csr::<u32>::new(
            2,
            3,
            vec![0, 1, 3],
            vec![2, 0, 1],
            vec![c(1.), c(2.), c(3.)],
        )
        .unwrap();
        assert_eq!(a.shape(), (2, 3));
        assert_eq!(a.nnz(), 3);
        let entries: Vec<_> = a.iter().collect();
        assert_eq!(entries, vec![(0, 2, c(1.)), (1, 0, c(2.)), (1, 1, c(3.))]);
        assert!(Csr::<u64>::new(0, 0, vec![0], vec![], vec![]).is_ok());
        assert!(Csr::<u64>::new(0, 5, vec![0], vec![], vec![]).is_ok());
        assert!(Csr::<u32>::new(4, 0, vec![0; 5], vec![], vec![]).is_ok());
    }

    #[test]
    fn every_invariant_has_its_error() {
        let v = |n| vec![c(1.); n];
        let new = |rows, cols, rp: Vec<u32>, ci: Vec<u32>, n| Csr::new(rows, cols, rp, ci, v(n));
        assert_eq!(
            new(2, 3, vec![0, 1], vec![0], 1),
            Err(CsrError::RowPtrLength {
                expected: 3,
                found: 2
            })
        );
        assert_eq!(
            new(1, 3, vec![1, 1], vec![0], 1),
            Err(CsrError::RowPtrStart { found: 1 })
        );
        assert_eq!(
            new(2, 3, vec![0, 2, 1], vec![0, 1], 2),
            Err(CsrError::RowPtrDecreasing {
                row: 1,
                start: 2,
                end: 1
            })
        );
        assert_eq!(
            new(1, 3, vec![0, 1], vec![0, 1], 2),
            Err(CsrError::RowPtrEnd { nnz: 2, found: 1 })
        );
        assert_eq!(
            new(1, 3, vec![0, 5], vec![0, 1], 2),
            Err(CsrError::RowPtrEnd { nnz: 2, found: 5 })
        );
        assert_eq!(
            Csr::<u32>::new(1, 3, vec![0, 1], vec![0], vec![]),
            Err(CsrError::LengthMismatch {
                col_idx: 1,
                values: 0
            })
        );
        let err = new(8, 10, vec![0, 0, 0, 0, 0, 0, 0, 0, 1], vec![12], 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "row 7: column 12 out of range for 10 columns"
        );
        assert_eq!(
            new(1, 3, vec![0, 2], vec![1, 1], 2),
            Err(CsrError::ColumnsNotIncreasing {
                row: 0,
                prev: 1,
                col: 1
            })
        );
        assert_eq!(
            new(1, 3, vec![0, 2], vec![2, 0], 2),
            Err(CsrError::ColumnsNotIncreasing {
                row: 0,
                prev: 2,
                col: 0
            })
        );
        let too_big = u32::MAX as usize + 1;
        assert!(matches!(
            Csr::<u32>::new(1, too_big, vec![0, 0], vec![], vec![]),
            Err(CsrError::TooLarge { what: "cols", .. })
        ));
        assert!(Csr::<u64>::new(1, too_big, vec![0, 0], vec![], vec![]).is_ok());
    }

    /// Found by the `csr_new` fuzz target (fuzz/regressions/csr_new/): `rows + 1` overflowed
    /// for `rows == usize::MAX`, a panic instead of an error in both constructors.
    #[test]
    fn usize_max_rows_are_an_error_not_an_overflow() {
        assert_eq!(
            Csr::<u64>::new(usize::MAX, 3, vec![], vec![], vec![]),
            Err(CsrError::RowPtrLength {
                expected: usize::MAX,
                found: 0
            })
        );
        assert!(matches!(
            Csr::<u64>::from_triplets(usize::MAX, 3, &[]),
            Err(CsrError::OutOfMemory { .. })
        ));
    }

    #[test]
    fn triplets_are_sorted_and_duplicates_summed() {
        let t = [
            (1, 2, c(1.)),
            (0, 1, c(2.)),
            (1, 0, c(3.)),
            (1, 2, c(4.)),
            (0, 1, c(-2.)),
        ];
        let a = Csr::<u32>::from_triplets(2, 3, &t).unwrap();
        assert_eq!(a.row_ptr(), &[0, 1, 3]);
        assert_eq!(a.col_idx(), &[1, 0, 2]);
        assert_eq!(a.values(), &[c(0.), c(3.), c(5.)]);
        assert_eq!(
            Csr::<u32>::from_triplets(2, 3, &[(2, 0, c(1.))]),
            Err(CsrError::EntryOutOfRange {
                row: 2,
                col: 0,
                rows: 2,
                cols: 3
            })
        );
    }

    /// A column equal to `cols` is one past the last: from_triplets refuses it as an entry out
    /// of range before building anything (not later, as Csr::new's column check would).
    #[test]
    fn from_triplets_refuses_a_column_equal_to_cols() {
        assert_eq!(
            Csr::<u32>::from_triplets(2, 3, &[(0, 1, c(1.)), (1, 3, c(1.))]),
            Err(CsrError::EntryOutOfRange {
                row: 1,
                col: 3,
                rows: 2,
                cols: 3
            })
        );
    }

    /// Rows beyond `u32::MAX` need a row pointer of 2^32 + 1 entries: 16 GiB of zeroed memory,
    /// which `vec!` maps without touching (one page is written), so the check costs nothing.
    /// The second row pointer breaks another rule, so a `Csr::new` that skipped the rows check
    /// would fail fast with that error instead of walking 2^32 rows.
    #[test]
    #[cfg(target_pointer_width = "64")]
    #[cfg_attr(miri, ignore = "Miri would really allocate the 16 GiB")]
    fn rows_beyond_u32_are_refused_first() {
        let n = (1usize << 32) + 1;
        let mut row_ptr = vec![0u32; n];
        row_ptr[1] = 1;
        assert_eq!(
            Csr::<u32>::new(n - 1, 1, row_ptr, vec![], vec![]),
            Err(CsrError::TooLarge {
                what: "rows",
                value: n - 1,
                bits: 32,
                max: u32::MAX as usize
            })
        );
    }

    #[test]
    fn index_width_conversion_checks_fit() {
        let a = Csr::<u64>::from_triplets(3, 3, &[(2, 1, c(1.))]).unwrap();
        let b: Csr<u32> = a.to_index().unwrap();
        assert_eq!(b.to_index::<u64>().unwrap(), a);
        let wide = Csr::<u64>::new(1, u32::MAX as usize + 1, vec![0, 0], vec![], vec![]).unwrap();
        assert!(wide.to_index::<u32>().is_err());
    }
}
