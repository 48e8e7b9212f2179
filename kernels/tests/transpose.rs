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

/// A `rows x cols` matrix with `per_row` entries in each row, at the columns `column(i, k)`
/// (sorted and distinct within a row).
fn pattern(
    rows: usize,
    cols: usize,
    per_row: usize,
    column: impl Fn(usize, usize) -> usize,
) -> Csr<u32> {
    let mut col_idx = Vec::new();
    for i in 0..rows {
        let mut row: Vec<u32> = (0..per_row).map(|k| column(i, k) as u32).collect();
        row.sort_unstable();
        row.dedup();
        assert_eq!(row.len(), per_row, "distinct columns in a row");
        col_idx.extend(row);
    }
    let row_ptr = (0..=rows).map(|i| (i * per_row) as u32).collect();
    let values = vec![Complex64::default(); rows * per_row];
    Csr::new(rows, cols, row_ptr, col_idx, values).unwrap()
}

#[test]
#[cfg_attr(
    miri,
    ignore = "builds matrices of 80000 entries; the rule is safe code"
)]
fn the_rule_partitions_only_scatters_whose_open_lines_leave_the_cache() {
    // A 1 MiB L2 that is also the last level: half of it holds the two 64-byte lines of S =
    // 4096 columns.
    let cache = rawcheck_kernels::cache::CacheSizes {
        l1d: 32 << 10,
        l2: 1 << 20,
        llc: 1 << 20,
        line: 64,
    };
    let s = 4096;
    let choose = |a: &Csr<u32>| Path::choose(a, cache);
    // Few columns, or an output that fits: direct however the entries lie.
    let few = pattern(100, s, 400, |i, k| (i * 7 + k * 10) % s);
    assert_eq!(choose(&few), Path::Direct);
    let small = pattern(25, 100 * s, 400, |i, k| (i * 4001 + k * 1000) % (100 * s));
    assert_eq!(choose(&small), Path::Direct);
    // 80000 entries over 409600 columns: the same 400 columns in every row stay in cache...
    let local = pattern(200, 100 * s, 400, |_, k| k * 1000);
    assert_eq!(choose(&local), Path::Direct);
    // ...while every row on its own 400 columns opens more lines than the cache holds.
    let spread = pattern(200, 100 * s, 400, |i, k| (i * 4001 + k * 1000) % (100 * s));
    let Path::Partitioned { shift } = choose(&spread) else {
        panic!("a spread-out scatter must be partitioned");
    };
    // 44 bytes per entry in 512 KiB: 7 parts of 409600 columns, at most 2^16 columns each.
    assert!((1..=16).contains(&shift), "{shift}");
    // The same scatter stays direct where a 64 MiB L3 holds its open lines (S = 262144 columns
    // fewer than its 409600, but its 80000 entries touch fewer distinct ones).
    let l3 = rawcheck_kernels::cache::CacheSizes {
        llc: 64 << 20,
        ..cache
    };
    assert_eq!(Path::choose(&spread, l3), Path::Direct);
    // An output past four times the L2 takes the look-ahead: `few`'s 800 KB against a 4 KiB L2
    // (the same 1 MiB last level); the local scatter goes without it whatever its size.
    let small_l2 = rawcheck_kernels::cache::CacheSizes {
        l1d: 1 << 10,
        l2: 4 << 10,
        ..cache
    };
    assert_eq!(Path::choose(&few, small_l2), Path::DirectAhead);
    assert_eq!(Path::choose(&local, small_l2), Path::Direct);
    for a in [&few, &small, &local, &spread] {
        let want = transpose(&a.to_index::<u64>().unwrap(), Variant::Raw).unwrap();
        assert_eq!(
            transpose(a, Variant::Safe)
                .unwrap()
                .to_index::<u64>()
                .unwrap(),
            want
        );
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
    // 0 x (usize::MAX - 1): its usize::MAX row pointers can be counted but not allocated.
    let b = Csr::<u64>::new(0, usize::MAX - 1, vec![0], vec![], vec![]).unwrap();
    for v in Variant::ALL {
        for m in [&a, &b] {
            assert!(
                matches!(
                    transpose(m, v).unwrap_err(),
                    KernelError::OutOfMemory { .. }
                ),
                "{v} {}",
                m.cols()
            );
        }
    }
}

#[test]
fn the_rule_takes_any_cache_sizes() {
    use rawcheck_kernels::cache::CacheSizes;
    // 1 x 17 with 4 entries of 20 bytes (u32): 80 bytes, more than half of either last-level
    // cache below, over more columns than the streams, so the rule samples the column window.
    let a = pattern(1, 17, 4, |_, k| k * 4);
    // 1-byte lines: 16 streams, a window of min(nnz, 32) = all 4 entries; 64-byte lines in a
    // 64-byte L2: no stream at all, a window of min(nnz, 0) = no entry.
    let caches = [
        CacheSizes {
            l1d: 32,
            l2: 64,
            llc: 64,
            line: 1,
        },
        CacheSizes {
            l1d: 64,
            l2: 64,
            llc: 64,
            line: 64,
        },
    ];
    let want = Dense::from_csr(&a).transpose().to_csr::<u32>().unwrap();
    for cache in caches {
        let path = Path::choose(&a, cache);
        for v in Variant::ALL {
            let got = run(&Plan::with_path(&a, path).unwrap(), v).unwrap();
            assert_bitwise_eq(&got, &want, &format!("{v} {path:?} {cache:?}"));
        }
    }
}
