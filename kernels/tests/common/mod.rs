//! Shared test support: proptest strategies for small random matrices and exact comparison.
#![allow(dead_code)] // each test binary uses its own subset

use num_complex::Complex64;
use proptest::prelude::*;
use rawcheck_kernels::{Csr, Index};

pub mod cases;

/// Largest dimension generated; Miri runs are slow, so it gets smaller matrices.
pub const MAX_DIM: usize = if cfg!(miri) { 4 } else { 9 };

/// Number of proptest cases per property.
pub fn cases() -> u32 {
    if cfg!(miri) { 4 } else { 256 }
}

/// A value with distinct bits (including negative zero and subnormals now and then).
pub fn value() -> impl Strategy<Value = Complex64> {
    prop_oneof![
        8 => (-100i32..100, -100i32..100).prop_map(|(a, b)| Complex64::new(a as f64 / 8.0, b as f64)),
        1 => Just(Complex64::new(-0.0, 0.0)),
        1 => Just(Complex64::new(f64::MIN_POSITIVE / 4.0, 1e300)),
    ]
}

/// A `rows x cols` matrix whose density ranges from empty to full.
pub fn matrix_with_shape(rows: usize, cols: usize) -> impl Strategy<Value = Csr<u64>> {
    let cells = rows * cols;
    (
        prop::collection::vec(any::<bool>(), cells),
        prop::collection::vec(value(), cells),
        0u8..4,
    )
        .prop_map(move |(mask, vals, density)| {
            // density 0: empty, 3: full, else the random mask (thinned for density 1).
            let triplets: Vec<_> = (0..cells)
                .filter(|&k| match density {
                    0 => false,
                    3 => true,
                    1 => mask[k] && k % 3 == 0,
                    _ => mask[k],
                })
                .map(|k| (k / cols, k % cols, vals[k]))
                .collect();
            Csr::from_triplets(rows, cols, &triplets).expect("generated triplets are in range")
        })
}

/// A small matrix of any shape, including empty shapes, 1x1, kets and bras.
pub fn matrix() -> impl Strategy<Value = Csr<u64>> {
    (0..=MAX_DIM, 0..=MAX_DIM).prop_flat_map(|(r, c)| matrix_with_shape(r, c))
}

/// The same matrix in 32-bit indices.
pub fn narrow(a: &Csr<u64>) -> Csr<u32> {
    a.to_index().expect("small matrices fit 32 bits")
}

/// Asserts two matrices are equal bit for bit (values compared by their bit patterns).
pub fn assert_bitwise_eq<I: Index>(got: &Csr<I>, want: &Csr<I>, what: &str) {
    assert_eq!(got.shape(), want.shape(), "{what}: shape");
    assert_eq!(got.row_ptr(), want.row_ptr(), "{what}: row_ptr");
    assert_eq!(got.col_idx(), want.col_idx(), "{what}: col_idx");
    let bits = |m: &Csr<I>| -> Vec<(u64, u64)> {
        m.values()
            .iter()
            .map(|v| (v.re.to_bits(), v.im.to_bits()))
            .collect()
    };
    assert_eq!(bits(got), bits(want), "{what}: values");
}

/// A uniformly random permutation of `0..n`.
pub fn permutation(n: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..n).collect::<Vec<_>>()).prop_shuffle()
}

/// The inverse of the permutation `p`: `inverse(p)[p[i]] == i`.
pub fn inverse(p: &[usize]) -> Vec<usize> {
    let mut inv = vec![0; p.len()];
    for (i, &x) in p.iter().enumerate() {
        inv[x] = i;
    }
    inv
}

/// Number of proptest cases for properties over larger inputs (none under Miri).
pub fn few_cases() -> u32 {
    cases() / 16
}

/// A larger non-empty matrix, up to `6 * MAX_DIM` in each dimension, for [`few_cases`] runs.
pub fn larger_matrix() -> impl Strategy<Value = Csr<u64>> {
    (1..=MAX_DIM * 6, 1..=MAX_DIM * 6).prop_flat_map(|(r, c)| matrix_with_shape(r, c))
}

/// Every scatter path of transpose and column_stack: direct with and without the look-ahead, and
/// partitioned with buckets of 1, 2 and 4 columns and (the shift clamped to 63) one bucket for
/// all, so that small matrices cross every path.
pub fn transpose_paths() -> impl Iterator<Item = rawcheck_kernels::transpose::Path> {
    use rawcheck_kernels::transpose::Path;
    let partitioned = [0, 1, 2, 200].map(|shift| Path::Partitioned { shift });
    [Path::Direct, Path::DirectAhead]
        .into_iter()
        .chain(partitioned)
}
