//! transpose: every variant and index width against the dense oracle, and every refusal.

mod common;

use common::*;
use num_complex::Complex64;
use proptest::prelude::*;
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::{Csr, KernelError, Variant, transpose};

fn check(a: &Csr<u64>) {
    let want = Dense::from_csr(a).transpose().to_csr::<u64>().unwrap();
    for v in Variant::ALL {
        assert_bitwise_eq(&transpose(a, v).unwrap(), &want, v.name());
        assert_bitwise_eq(&transpose(&narrow(a), v).unwrap(), &narrow(&want), v.name());
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_variant_matches_the_oracle(a in matrix()) {
        check(&a);
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
fn a_worked_example() {
    let c = |re: f64, im: f64| Complex64::new(re, im);
    // [[0, 1, 2i], [3, 0, 0]] transposed is [[0, 3], [1, 0], [2i, 0]]: no conjugation.
    let a = Csr::<u32>::new(
        2,
        3,
        vec![0, 2, 3],
        vec![1, 2, 0],
        vec![c(1., 0.), c(0., 2.), c(3., 0.)],
    )
    .unwrap();
    for v in Variant::ALL {
        let t = transpose(&a, v).unwrap();
        assert_eq!(t.shape(), (3, 2), "{v}");
        assert_eq!(t.row_ptr(), &[0, 1, 2, 3], "{v}");
        assert_eq!(t.col_idx(), &[1, 0, 0], "{v}");
        assert_eq!(t.values(), &[c(3., 0.), c(1., 0.), c(0., 2.)], "{v}");
        assert_eq!(transpose(&t, v).unwrap(), a, "{v}");
    }
}

#[test]
fn a_row_pointer_no_allocator_can_hold_is_an_error() {
    // A valid 0 x usize::MAX matrix: its transpose would need usize::MAX + 1 row pointers.
    let a = Csr::<u64>::new(0, usize::MAX, vec![0], vec![], vec![]).unwrap();
    for v in Variant::ALL {
        assert!(matches!(
            transpose(&a, v).unwrap_err(),
            KernelError::OutOfMemory { .. }
        ));
    }
}
