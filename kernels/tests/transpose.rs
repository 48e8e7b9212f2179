//! transpose: every variant and index width against the dense oracle, and every refusal.

mod common;

use common::*;
use num_complex::Complex64;
use proptest::prelude::*;
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::transpose::{Path, Plan, run};
use rawcheck_kernels::{Csr, KernelError, Variant, transpose};

fn check(a: &Csr<u64>) {
    let want = Dense::from_csr(a).transpose().to_csr::<u64>().unwrap();
    let a32 = narrow(a);
    for v in Variant::ALL {
        assert_bitwise_eq(&transpose(a, v).unwrap(), &want, v.name());
        assert_bitwise_eq(&transpose(&a32, v).unwrap(), &narrow(&want), v.name());
        for path in transpose_paths() {
            let what = format!("{v} {path:?}");
            let got = run(&Plan::with_path(a, path).unwrap(), v).unwrap();
            assert_bitwise_eq(&got, &want, &what);
            let got = run(&Plan::with_path(&a32, path).unwrap(), v).unwrap();
            assert_bitwise_eq(&got, &narrow(&want), &what);
        }
    }
}

#[test]
fn the_rule_takes_the_direct_path_while_the_streams_fit_and_partitions_beyond() {
    let cache = rawcheck_kernels::cache::CacheSizes::FALLBACK;
    // 1 MiB L2: half of it holds the 2 * 64-byte lines of 4096 columns.
    assert_eq!(Path::choose(4096, 1 << 30, 4, cache), Path::Direct);
    // Any number of columns while the output fits: 20 bytes per entry.
    assert_eq!(Path::choose(1 << 30, 1 << 14, 4, cache), Path::Direct);
    let Path::Partitioned { shift } = Path::choose(1 << 20, 1 << 24, 4, cache) else {
        panic!("a large scatter must be partitioned");
    };
    // 44 bytes per entry on average in 512 KiB: at most 11916 entries, so at least 1408
    // buckets of 16 entries each on average: at most 1024 columns per bucket.
    assert!(shift <= 10, "{shift}");
    assert!(shift >= 1, "{shift}");
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
