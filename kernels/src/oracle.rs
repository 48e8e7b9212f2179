//! A dense reference implementation: tiny, slow and obviously correct.
//!
//! Every cell is an `Option<Complex64>` (`None` = not stored), so explicit zeros survive and the
//! comparison with a kernel's output is exact. Each operation is written straight from its
//! definition in `shared/qutip-kernels.md`, with no cleverness; parameters are assumed valid (the
//! kernels' boundary checks decide validity, the oracle only computes).

use num_complex::Complex64;

use crate::{Csr, CsrError, Index};

/// A dense matrix of optional entries, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    rows: usize,
    cols: usize,
    cells: Vec<Option<Complex64>>,
}

impl Dense {
    /// Expands a CSR matrix into its dense form.
    pub fn from_csr<I: Index>(a: &Csr<I>) -> Self {
        let mut cells = vec![None; a.rows() * a.cols()];
        for (r, c, v) in a.iter() {
            cells[r * a.cols() + c] = Some(v);
        }
        Dense {
            rows: a.rows(),
            cols: a.cols(),
            cells,
        }
    }

    /// Compresses back into CSR with index type `I`.
    pub fn to_csr<I: Index>(&self) -> Result<Csr<I>, CsrError> {
        let triplets: Vec<_> = (0..self.rows)
            .flat_map(|r| (0..self.cols).map(move |c| (r, c)))
            .filter_map(|(r, c)| self.get(r, c).map(|v| (r, c, v)))
            .collect();
        Csr::from_triplets(self.rows, self.cols, &triplets)
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The entry at `(r, c)`, if stored.
    pub fn get(&self, r: usize, c: usize) -> Option<Complex64> {
        self.cells[r * self.cols + c]
    }

    fn from_fn(rows: usize, cols: usize, f: impl Fn(usize, usize) -> Option<Complex64>) -> Self {
        let cells = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .map(|(r, c)| f(r, c))
            .collect();
        Dense { rows, cols, cells }
    }

    /// C-order reshape: the row-major flat order of cells is kept.
    pub fn reshape(&self, rows: usize, cols: usize) -> Self {
        assert_eq!(rows * cols, self.rows * self.cols, "oracle reshape: size");
        Dense {
            rows,
            cols,
            cells: self.cells.clone(),
        }
    }

    /// Plain transpose.
    pub fn transpose(&self) -> Self {
        Dense::from_fn(self.cols, self.rows, |r, c| self.get(c, r))
    }

    /// Fortran-order vectorisation: `(i, j)` goes to row `j * rows + i` of one column.
    pub fn column_stack(&self) -> Self {
        let n = self.rows * self.cols;
        Dense::from_fn(n, 1, |k, _| self.get(k % self.rows, k / self.rows))
    }

    /// Inverse of [`Dense::column_stack`]: a column of length `rows * m` becomes `rows x m`.
    pub fn column_unstack(&self, rows: usize) -> Self {
        assert_eq!(self.cols, 1, "oracle column_unstack: not a column");
        let cols = self.rows / rows;
        Dense::from_fn(rows, cols, |i, j| self.get(j * rows + i, 0))
    }

    /// Tensor permutation: `out = A[pg][:, pg]` with
    /// `pg = arange(N).reshape(dims).transpose(order).ravel()`; kets permute rows only, bras
    /// columns only.
    pub fn permute(&self, dims: &[usize], order: &[usize]) -> Self {
        let pg = gather_permutation(dims, order);
        let id_rows: Vec<usize> = (0..self.rows).collect();
        let id_cols: Vec<usize> = (0..self.cols).collect();
        let square = self.rows == self.cols;
        let rows = if square || self.cols == 1 {
            &pg
        } else {
            &id_rows
        };
        let cols = if square || self.rows == 1 {
            &pg
        } else {
            &id_cols
        };
        Dense::from_fn(self.rows, self.cols, |r, c| self.get(rows[r], cols[c]))
    }

    /// Scatter: entry `(i, j)` moves to `(rows[i], cols[j])`.
    pub fn permute_indices(&self, rows: &[usize], cols: &[usize]) -> Self {
        let mut out = Dense {
            rows: self.rows,
            cols: self.cols,
            cells: vec![None; self.cells.len()],
        };
        for i in 0..self.rows {
            for j in 0..self.cols {
                out.cells[rows[i] * self.cols + cols[j]] = self.get(i, j);
            }
        }
        out
    }
}

/// `arange(prod(dims)).reshape(dims).transpose(order).ravel()`, computed by decoding each output
/// position in the permuted shape and re-encoding it in the original one.
pub fn gather_permutation(dims: &[usize], order: &[usize]) -> Vec<usize> {
    let n: usize = dims.iter().product();
    let permuted: Vec<usize> = order.iter().map(|&o| dims[o]).collect();
    (0..n)
        .map(|k| {
            // Multi-index of k in the permuted shape (last axis fastest).
            let mut idx = vec![0; dims.len()];
            let mut rest = k;
            for j in (0..dims.len()).rev() {
                idx[j] = rest % permuted[j];
                rest /= permuted[j];
            }
            // Axis j of the permuted array is axis order[j] of the original.
            let mut orig = vec![0; dims.len()];
            for j in 0..dims.len() {
                orig[order[j]] = idx[j];
            }
            orig.iter().zip(dims).fold(0, |acc, (&i, &d)| acc * d + i)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_permutation_matches_numpy() {
        // numpy: np.arange(6).reshape(2, 3).transpose(1, 0).ravel() == [0, 3, 1, 4, 2, 5]
        assert_eq!(gather_permutation(&[2, 3], &[1, 0]), vec![0, 3, 1, 4, 2, 5]);
        // np.arange(8).reshape(2,2,2).transpose(2,0,1).ravel() == [0, 2, 4, 6, 1, 3, 5, 7]
        assert_eq!(
            gather_permutation(&[2, 2, 2], &[2, 0, 1]),
            vec![0, 2, 4, 6, 1, 3, 5, 7]
        );
        assert_eq!(gather_permutation(&[4], &[0]), vec![0, 1, 2, 3]);
    }

    #[test]
    fn column_stack_and_unstack_are_inverse() {
        let a = Csr::<u32>::from_triplets(
            2,
            3,
            &[
                (0, 2, Complex64::new(1., 2.)),
                (1, 0, Complex64::new(3., 0.)),
            ],
        )
        .unwrap();
        let d = Dense::from_csr(&a);
        let v = d.column_stack();
        assert_eq!(v.shape(), (6, 1));
        assert_eq!(v.get(4, 0), Some(Complex64::new(1., 2.)));
        assert_eq!(v.get(1, 0), Some(Complex64::new(3., 0.)));
        assert_eq!(v.column_unstack(2), d);
        assert_eq!(d.transpose().transpose(), d);
        assert_eq!(d.to_csr::<u32>().unwrap(), a);
    }
}
