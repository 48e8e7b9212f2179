//! reshape: every variant and index width against the dense oracle, and every refusal.

mod common;

use common::*;
use proptest::prelude::*;
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::{Csr, KernelError, Variant, reshape};

/// A matrix and a valid target shape (a factor pair of its element count).
fn matrix_and_shape() -> impl Strategy<Value = (Csr<u64>, usize, usize)> {
    matrix()
        .prop_filter("reshape needs a non-empty shape", |a| {
            a.rows() * a.cols() > 0
        })
        .prop_flat_map(|a| {
            let n = a.rows() * a.cols();
            let factors: Vec<usize> = (1..=n).filter(|d| n % d == 0).collect();
            (Just(a), prop::sample::select(factors)).prop_map(move |(a, r)| (a, r, n / r))
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_variant_matches_the_oracle((a, r, c) in matrix_and_shape()) {
        let want = Dense::from_csr(&a).reshape(r, c).to_csr::<u64>().unwrap();
        for v in Variant::ALL {
            assert_bitwise_eq(&reshape(&a, r, c, v).unwrap(), &want, v.name());
            let got32 = reshape(&narrow(&a), r, c, v).unwrap();
            assert_bitwise_eq(&got32, &narrow(&want), v.name());
        }
    }
}

/// Rows of 0 to 19 entries (a row of `CHUNK` = 8 entries, one less, one more, two chunks and a
/// part) reshaped so that whole rows move a chunk at a time (two rows into one), so that rows
/// cross output rows (each walked entry by entry), and into one column. Every chunk but the last
/// rows' runs past its row into the rows after it (the empty row's chunk lies wholly in them);
/// the last rows, whose chunk would pass `nnz`, move entry by entry.
#[test]
fn rows_around_the_chunk_width_move_whole_and_walked() {
    let lengths = [8, 0, 7, 9, 1, 16, 17, 3, 19, 8, 2, 5];
    let (rows, cols) = (lengths.len(), 20);
    let triplets: Vec<_> = lengths
        .iter()
        .enumerate()
        .flat_map(|(r, &len)| {
            (0..len).map(move |n| {
                let c = (n * 7 + r) % cols;
                (r, c, num_complex::Complex64::new(r as f64, c as f64))
            })
        })
        .collect();
    let a = Csr::<u64>::from_triplets(rows, cols, &triplets).unwrap();
    assert_eq!(a.nnz(), lengths.iter().sum::<usize>());
    for (r, c) in [
        (rows / 2, 2 * cols),
        (rows * 2, cols / 2),
        (8, rows * cols / 8),
        (rows * cols, 1),
    ] {
        let want = Dense::from_csr(&a).reshape(r, c).to_csr::<u64>().unwrap();
        for v in Variant::ALL {
            assert_bitwise_eq(&reshape(&a, r, c, v).unwrap(), &want, v.name());
            let got32 = reshape(&narrow(&a), r, c, v).unwrap();
            assert_bitwise_eq(&got32, &narrow(&want), v.name());
        }
    }
}

#[test]
fn refusals_name_the_problem() {
    let a = Csr::<u32>::from_triplets(6, 6, &[]).unwrap();
    for v in Variant::ALL {
        let err = reshape(&a, 5, 7, v).unwrap_err();
        assert!(
            err.to_string().contains("35 elements cannot hold 36"),
            "{err}"
        );
        assert_eq!(
            reshape(&a, 0, 36, v).unwrap_err(),
            KernelError::ZeroDimension { what: "rows" }
        );
        assert!(matches!(
            reshape(&a, usize::MAX, 2, v).unwrap_err(),
            KernelError::Overflow { .. }
        ));
    }
    // 1 x 2^32 holds the same 2^32 elements as 2 x 2^31 but its column count needs 33 bits.
    // (Two rows, not 2^16: a row loop of 2^16 takes Miri many minutes.)
    let big = Csr::<u32>::from_triplets(2, 1 << 31, &[]).unwrap();
    assert!(matches!(
        reshape(&big, 1, 1 << 32, Variant::Raw).unwrap_err(),
        KernelError::IndexOverflow { what: "cols", .. }
    ));
    // A valid 1 x usize::MAX u64 matrix: its reshape to usize::MAX x 1 would need usize::MAX + 1
    // row pointers, a length that overflows; it must be refused, not wrapped to zero.
    let wide = Csr::<u64>::new(1, usize::MAX, vec![0, 0], vec![], vec![]).unwrap();
    for v in Variant::ALL {
        assert!(matches!(
            reshape(&wide, usize::MAX, 1, v).unwrap_err(),
            KernelError::OutOfMemory { .. }
        ));
    }
}

/// Found by the `reshape` fuzz target (fuzz/regressions/reshape/crash-3c6fc29a...): the column
/// was computed as `flat + cols - row_end`, whose intermediate sum overflows when `cols` is near
/// `usize::MAX` (a debug-build panic on a valid call; release builds wrapped back by luck).
#[test]
fn huge_column_counts_do_not_overflow() {
    let c = num_complex::Complex64::new(1.0, 0.0);
    let a = Csr::<u64>::from_triplets(1, usize::MAX, &[(0, 1, c), (0, usize::MAX - 1, c)]).unwrap();
    for v in Variant::ALL {
        assert_bitwise_eq(&reshape(&a, 1, usize::MAX, v).unwrap(), &a, v.name());
    }
}
