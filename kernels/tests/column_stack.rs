//! column_stack: every variant and index width against the dense oracle and against
//! reshape(transpose(A)), and every refusal.

mod common;

use common::*;
use proptest::prelude::*;
use rawcheck_kernels::column_stack::{Plan, run};
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::{Csr, KernelError, Variant, column_stack, reshape, transpose};

fn check(a: &Csr<u64>) {
    let want = Dense::from_csr(a).column_stack().to_csr::<u64>().unwrap();
    let a32 = narrow(a);
    for v in Variant::ALL {
        assert_bitwise_eq(&column_stack(a, v).unwrap(), &want, v.name());
        assert_bitwise_eq(&column_stack(&a32, v).unwrap(), &narrow(&want), v.name());
        for path in transpose_paths() {
            let what = format!("{v} {path:?}");
            let got = run(&Plan::with_path(a, path).unwrap(), v).unwrap();
            assert_bitwise_eq(&got, &want, &what);
            let got = run(&Plan::with_path(&a32, path).unwrap(), v).unwrap();
            assert_bitwise_eq(&got, &narrow(&want), &what);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_variant_matches_the_oracle(a in matrix()) {
        check(&a);
    }

    #[test]
    fn equals_reshape_of_transpose(a in matrix()) {
        // reshape refuses a zero dimension, so the identity is only defined for non-empty shapes.
        prop_assume!(a.rows() * a.cols() > 0);
        for v in Variant::ALL {
            let want = reshape(&transpose(&a, v).unwrap(), a.rows() * a.cols(), 1, v).unwrap();
            assert_bitwise_eq(&column_stack(&a, v).unwrap(), &want, v.name());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(few_cases()))]

    #[test]
    fn larger_matrices_match_the_oracle(a in larger_matrix()) {
        check(&a);
    }
}

#[test]
fn gaps_longer_than_the_speculative_fill_match_the_oracle() {
    // Output rows 0, 1 and 59: a gap of 58 rows, past the speculative fill, then a tail of one.
    let one = num_complex::Complex64::new(1.0, 0.0);
    let gap = rawcheck_kernels::column_stack::SPECULATIVE_FILL;
    let (rows, cols) = (3, 2 * gap);
    let last = (rows - 1, cols - 2, one);
    let a = Csr::from_triplets(rows, cols, &[(0, 0, one), (1, 0, one), last]).unwrap();
    check(&a);
}

#[test]
fn empty_shapes_stack_into_empty_columns() {
    for (rows, cols) in [(0, 0), (0, 5), (5, 0)] {
        let a = Csr::<u32>::from_triplets(rows, cols, &[]).unwrap();
        for v in Variant::ALL {
            let s = column_stack(&a, v).unwrap();
            assert_eq!(s.shape(), (0, 1), "{v}");
            assert_eq!(s.row_ptr(), &[0], "{v}");
        }
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "refused at the boundary before any unsafe code; building the input is slow under Miri"
)]
fn outputs_too_tall_for_the_index_are_refused() {
    // QuTiP 5.3.1 segfaults on column_stack_csr(identity(65537)): 65537^2 > u32::MAX.
    let n = 65537;
    let one = num_complex::Complex64::new(1.0, 0.0);
    let id: Vec<_> = (0..n).map(|i| (i, i, one)).collect();
    let id = Csr::<u32>::from_triplets(n, n, &id).unwrap();
    for v in Variant::ALL {
        assert_eq!(
            column_stack(&id, v).unwrap_err(),
            KernelError::IndexOverflow {
                what: "rows",
                value: n * n,
                bits: 32,
                max: u32::MAX as usize
            }
        );
    }
}

#[test]
fn overflowing_products_and_lengths_are_errors() {
    // 1 x usize::MAX: the row pointer would need usize::MAX + 1 entries.
    let a = Csr::<u64>::new(1, usize::MAX, vec![0, 0], vec![], vec![]).unwrap();
    let b = Csr::<u64>::new(2, usize::MAX, vec![0, 0, 0], vec![], vec![]).unwrap();
    // 2 x usize::MAX overflows usize; 3 x (usize::MAX / 3) = usize::MAX, as for `a`.
    let c = Csr::<u64>::new(3, usize::MAX / 3, vec![0; 4], vec![], vec![]).unwrap();
    // 0 x usize::MAX stacks into 0 x 1, but the counting sort's column pointer cannot be counted.
    let d = Csr::<u64>::new(0, usize::MAX, vec![0], vec![], vec![]).unwrap();
    // 1 x 2^61: 2^61 + 1 row pointers of 8 bytes overflow the byte count, so allocation fails.
    let e = Csr::<u64>::new(1, 1 << 61, vec![0, 0], vec![], vec![]).unwrap();
    // 0 x (usize::MAX - 1): the column pointer's usize::MAX slots are counted, not allocated.
    let f = Csr::<u64>::new(0, usize::MAX - 1, vec![0], vec![], vec![]).unwrap();
    // The plan itself refuses c: its row pointer with spare slots, len + 1 + SPECULATIVE_FILL,
    // cannot be counted (every variant then fails to allocate anyway).
    assert!(matches!(
        Plan::new(&c).unwrap_err(),
        KernelError::OutOfMemory { .. }
    ));
    for v in Variant::ALL {
        assert!(
            matches!(
                column_stack(&a, v).unwrap_err(),
                KernelError::OutOfMemory { .. }
            ),
            "{v}"
        );
        assert_eq!(
            column_stack(&b, v).unwrap_err(),
            KernelError::Overflow {
                what: "column_stack length",
                a: 2,
                b: usize::MAX
            }
        );
        for m in [&c, &d, &e, &f] {
            assert!(
                matches!(
                    column_stack(m, v).unwrap_err(),
                    KernelError::OutOfMemory { .. }
                ),
                "{v}"
            );
        }
    }
}
