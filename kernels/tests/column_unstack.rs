//! column_unstack: every variant and index width against the dense oracle, as the inverse of
//! column_stack, and every refusal.

mod common;

use common::*;
use proptest::prelude::*;
use rawcheck_kernels::column_unstack::{Plan, run};
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::{
    Csr, KernelError, Variant, column_stack, column_unstack, reshape, transpose,
};

/// A column of length `rows * cols` and the `rows` to unstack it into.
fn column_and_rows(max: usize) -> impl Strategy<Value = (Csr<u64>, usize)> {
    (1..=max, 0..=max).prop_flat_map(|(rows, cols)| (matrix_with_shape(rows * cols, 1), Just(rows)))
}

fn check(v: &Csr<u64>, rows: usize) {
    let want = Dense::from_csr(v)
        .column_unstack(rows)
        .to_csr::<u64>()
        .unwrap();
    for var in Variant::ALL {
        assert_bitwise_eq(&column_unstack(v, rows, var).unwrap(), &want, var.name());
        let got32 = column_unstack(&narrow(v), rows, var).unwrap();
        assert_bitwise_eq(&got32, &narrow(&want), var.name());
        // Both sides of the next-line hint, which only large outputs take by themselves.
        for next_lines in [false, true] {
            let plan = Plan::new(v, rows).unwrap().with_next_lines(next_lines);
            let what = format!("{var}, next lines {next_lines}");
            assert_bitwise_eq(&run(&plan, var).unwrap(), &want, &what);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_variant_matches_the_oracle((v, rows) in column_and_rows(MAX_DIM)) {
        check(&v, rows);
    }

    #[test]
    fn unstack_inverts_stack(a in matrix()) {
        prop_assume!(a.rows() > 0);
        for v in Variant::ALL {
            let back = column_unstack(&column_stack(&a, v).unwrap(), a.rows(), v).unwrap();
            assert_bitwise_eq(&back, &a, v.name());
            let a32 = narrow(&a);
            let back32 = column_unstack(&column_stack(&a32, v).unwrap(), a.rows(), v).unwrap();
            assert_bitwise_eq(&back32, &a32, v.name());
        }
    }

    #[test]
    fn equals_transpose_of_reshape((v, rows) in column_and_rows(MAX_DIM)) {
        let cols = v.rows() / rows;
        prop_assume!(cols > 0); // reshape refuses a zero dimension
        for var in Variant::ALL {
            let want = transpose(&reshape(&v, cols, rows, var).unwrap(), var).unwrap();
            assert_bitwise_eq(&column_unstack(&v, rows, var).unwrap(), &want, var.name());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(few_cases()))]

    #[test]
    fn larger_columns_match_the_oracle((v, rows) in column_and_rows(MAX_DIM * 6)) {
        check(&v, rows);
    }
}

#[test]
fn an_empty_column_unstacks_into_any_number_of_rows() {
    let v = Csr::<u32>::new(0, 1, vec![0], vec![], vec![]).unwrap();
    for rows in [1, 3, 1000] {
        for var in Variant::ALL {
            let m = column_unstack(&v, rows, var).unwrap();
            assert_eq!(m.shape(), (rows, 0), "{var}");
            assert_eq!(m.row_ptr(), vec![0; rows + 1], "{var}");
        }
    }
}

#[test]
fn refusals_name_the_problem() {
    let square = Csr::<u32>::from_triplets(2, 2, &[]).unwrap();
    let bra = Csr::<u32>::from_triplets(1, 6, &[]).unwrap();
    let empty = Csr::<u32>::from_triplets(0, 0, &[]).unwrap();
    let ket = Csr::<u32>::from_triplets(6, 1, &[]).unwrap();
    for var in Variant::ALL {
        assert_eq!(
            column_unstack(&square, 1, var).unwrap_err(),
            KernelError::NotAColumn { rows: 2, cols: 2 }
        );
        assert_eq!(
            column_unstack(&bra, 1, var).unwrap_err(),
            KernelError::NotAColumn { rows: 1, cols: 6 }
        );
        assert_eq!(
            column_unstack(&empty, 1, var).unwrap_err(),
            KernelError::NotAColumn { rows: 0, cols: 0 }
        );
        assert_eq!(
            column_unstack(&ket, 0, var).unwrap_err(),
            KernelError::ZeroDimension { what: "rows" }
        );
        let err = column_unstack(&ket, 4, var).unwrap_err();
        assert_eq!(err, KernelError::NotAMultiple { len: 6, rows: 4 });
        assert!(err.to_string().contains("length 6"), "{err}");
        assert_eq!(
            column_unstack(&ket, 5, var).unwrap_err(),
            KernelError::NotAMultiple { len: 6, rows: 5 }
        );
    }
}

#[test]
fn outputs_too_large_are_refused() {
    // An empty column unstacks into rows x 0 for any rows, but rows must fit the index type...
    let v32 = Csr::<u32>::new(0, 1, vec![0], vec![], vec![]).unwrap();
    // ...and its rows + 1 row pointers must be countable and allocatable.
    let v64 = Csr::<u64>::new(0, 1, vec![0], vec![], vec![]).unwrap();
    for var in Variant::ALL {
        assert_eq!(
            column_unstack(&v32, 1 << 32, var).unwrap_err(),
            KernelError::IndexOverflow {
                what: "rows",
                value: 1 << 32,
                bits: 32,
                max: u32::MAX as usize
            }
        );
        for rows in [usize::MAX, 1 << 61] {
            assert!(
                matches!(
                    column_unstack(&v64, rows, var).unwrap_err(),
                    KernelError::OutOfMemory { .. }
                ),
                "{var}"
            );
        }
    }
}

#[test]
#[cfg_attr(miri, ignore = "a column of a million entries")]
fn only_outputs_past_four_times_the_l2_ask_for_next_lines() {
    // A full column, unstacked into `rows` rows: its output holds nnz indices and values.
    let full = |len: usize| {
        let one = num_complex::Complex64::new(1.0, 0.0);
        Csr::<u32>::new(
            len,
            1,
            (0..=len as u32).collect(),
            vec![0; len],
            vec![one; len],
        )
        .unwrap()
    };
    let bound = 4 * rawcheck_kernels::cache::CacheSizes::get().l2;
    let entry = size_of::<u32>() + size_of::<num_complex::Complex64>();
    let at = bound / entry; // an output of at most the bound
    let (small, large) = (full(at / 8 * 8), full((at / 8 + 1) * 8));
    assert!(!Plan::new(&small, 8).unwrap().next_lines());
    assert!(Plan::new(&large, 8).unwrap().next_lines());
    assert!(
        !Plan::new(&large, 8)
            .unwrap()
            .with_next_lines(false)
            .next_lines()
    );
}
