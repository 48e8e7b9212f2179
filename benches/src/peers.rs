//! The Rust peer: sprs 0.11, for the kernels it has (transpose and permute_indices).
//!
//! Each function converts its input outside the timed code and returns the call to time.

use num_complex::Complex64;
use rawcheck_kernels::{Csr, CsrError};
use sprs::{CsMatI, PermOwnedI};

use crate::kernels::Idx;

/// A sprs call ready to run: it owns its converted input and parameters.
pub type Peer<I> = Box<dyn Fn() -> CsMatI<Complex64, I, I>>;

/// The same matrix as a sprs CSR matrix (a copy).
pub fn to_sprs<I: Idx>(a: &Csr<I>) -> CsMatI<Complex64, I, I> {
    CsMatI::new(
        a.shape(),
        a.row_ptr().to_vec(),
        a.col_idx().to_vec(),
        a.values().to_vec(),
    )
}

/// A sprs result back as a [`Csr`] (checked), to compare with rawcheck's.
pub fn from_sprs<I: Idx>(m: &CsMatI<Complex64, I, I>) -> Result<Csr<I>, CsrError> {
    let m = m.to_csr();
    Csr::new(
        m.rows(),
        m.cols(),
        m.indptr().to_proper().into_owned(),
        m.indices().to_vec(),
        m.data().to_vec(),
    )
}

/// `transpose(a)` as `a.transpose_view().to_csr()`: the view is free (the CSC form of the
/// transpose), `to_csr` does the counting-sort conversion.
pub fn transpose<I: Idx>(a: &Csr<I>) -> Peer<I> {
    let m = to_sprs(a);
    Box::new(move || m.transpose_view().to_csr())
}

/// `permute_indices(a, rows, cols)` as `transform_mat_paq(A, P, Q)`, whose output row `k` is
/// input row `P[k]`: `P` is the inverse of `rows` (and `Q` of `cols`). sprs keeps a permutation
/// and its inverse; both are built here.
pub fn permute_indices<I: Idx>(a: &Csr<I>, rows: &[usize], cols: &[usize]) -> Peer<I> {
    let m = to_sprs(a);
    let inverse = |p: &[usize]| {
        let mut inv = vec![I::ZERO; p.len()];
        for (i, &j) in p.iter().enumerate() {
            inv[j] = <I as rawcheck_kernels::Index>::from_usize(i);
        }
        PermOwnedI::new(inv)
    };
    let (p, q) = (inverse(rows), inverse(cols));
    Box::new(move || sprs::transform_mat_paq(m.view(), p.view(), q.view()))
}
