//! permute_indices: every variant and index width against the dense oracle, and every refusal.

mod common;

use common::*;
use num_complex::Complex64;
use proptest::prelude::*;
use rawcheck_kernels::cache::CacheSizes;
use rawcheck_kernels::families::{DEFAULT_SEED, Family, generate, index_permutations};
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::permute_indices::{Path, Plan};
use rawcheck_kernels::{Csr, Index, KernelError, Variant, permute_indices};

/// Largest side of the sparse matrices that reach the long-row limit of the rank sort.
const SPARSE_DIM: usize = if cfg!(miri) { 6 } else { 80 };

/// A matrix with a row permutation and a column permutation of its shape.
fn with_permutations(
    m: impl Strategy<Value = Csr<u64>>,
) -> impl Strategy<Value = (Csr<u64>, Vec<usize>, Vec<usize>)> {
    m.prop_flat_map(|a| {
        let (r, c) = a.shape();
        (Just(a), permutation(r), permutation(c))
    })
}

/// A sparse matrix up to `SPARSE_DIM` square: a few scattered entries, sometimes one long row
/// (up to 80 entries, across the 64-entry limit of the rank sort), so both orders and their
/// boundary are hit.
fn sparse_matrix() -> impl Strategy<Value = Csr<u64>> {
    (1..=SPARSE_DIM, 1..=SPARSE_DIM)
        .prop_flat_map(|(r, c)| {
            (
                Just((r, c)),
                prop::collection::vec((0..r, 0..c, value()), 0..2 * r),
                0..r,
                0..=c,
            )
        })
        .prop_map(|((r, c), mut triplets, long_row, long_len)| {
            triplets.extend((0..long_len).map(|j| (long_row, j, Complex64::new(j as f64, 1.0))));
            Csr::from_triplets(r, c, &triplets).expect("generated triplets are in range")
        })
}

/// `(name, result)` of every variant on every path: the rule's choice and each forced path.
///
/// Under Miri, the raw variant on each forced path: Miri looks for undefined behaviour, which
/// only the raw variant's `unsafe` code can have (checked and safe forbid `unsafe`, and every
/// variant is compared on every path natively), and the rule's choice is one of the forced
/// paths. That keeps these tests within Miri's time budget (24 runs per check down to 6).
fn every_path<I: Index>(a: &Csr<I>, rows: &[usize], cols: &[usize]) -> Vec<(String, Csr<I>)> {
    let plan = Plan::new(a, rows, cols).unwrap();
    let rule = (!cfg!(miri)).then(|| (plan, "rule".to_string()));
    let plans = rule
        .into_iter()
        .chain(Path::ALL.map(|p| (plan.with_path(p), format!("{p:?}"))));
    let variants: &[Variant] = if cfg!(miri) {
        &[Variant::Raw]
    } else {
        &Variant::ALL
    };
    plans
        .flat_map(|(plan, path)| {
            variants
                .iter()
                .map(move |&v| (format!("{} on {path}", v.name()), plan.run(v).unwrap()))
        })
        .collect()
}

/// Runs every variant on every path in both index widths and compares with `want` bit for bit.
fn check_every_path(a: &Csr<u64>, rows: &[usize], cols: &[usize], want: &Csr<u64>) {
    for (what, got) in every_path(a, rows, cols) {
        assert_bitwise_eq(&got, want, &what);
    }
    for (what, got) in every_path(&narrow(a), rows, cols) {
        assert_bitwise_eq(&got, &narrow(want), &what);
    }
}

/// Runs every variant on every path in both index widths against the dense oracle.
fn check_all_variants(a: &Csr<u64>, rows: &[usize], cols: &[usize]) {
    let want = Dense::from_csr(a)
        .permute_indices(rows, cols)
        .to_csr::<u64>()
        .unwrap();
    check_every_path(a, rows, cols, &want);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_variant_matches_the_oracle((a, rows, cols) in with_permutations(matrix())) {
        check_all_variants(&a, &rows, &cols);
    }

    #[test]
    fn sparse_matrices_and_long_rows_match_the_oracle(
        (a, rows, cols) in with_permutations(sparse_matrix())
    ) {
        check_all_variants(&a, &rows, &cols);
    }

    #[test]
    fn inverse_permutations_give_the_input_back((a, rows, cols) in with_permutations(matrix())) {
        for v in Variant::ALL {
            let b = permute_indices(&a, &rows, &cols, v).unwrap();
            let back = permute_indices(&b, &inverse(&rows), &inverse(&cols), v).unwrap();
            assert_bitwise_eq(&back, &a, v.name());
        }
    }

    #[test]
    fn identity_permutations_return_the_input(a in matrix()) {
        let rows: Vec<usize> = (0..a.rows()).collect();
        let cols: Vec<usize> = (0..a.cols()).collect();
        for v in Variant::ALL {
            assert_bitwise_eq(&permute_indices(&a, &rows, &cols, v).unwrap(), &a, v.name());
        }
    }
}

#[test]
fn rows_of_exactly_the_rank_sort_limit_and_one_more() {
    // 3 x 140 with a single row of 64 (rank sort: all eight lane groups) or 65 entries (sorted
    // as pairs, or through the bitmap): reversed columns, every entry's rank moves.
    for len in [64, 65] {
        let t: Vec<_> = (0..len)
            .map(|j| (1, 2 * j, Complex64::new(j as f64, -1.0)))
            .collect();
        let a = Csr::<u64>::from_triplets(3, 140, &t).unwrap();
        let rows = [2, 0, 1];
        let cols: Vec<usize> = (0..140).rev().collect();
        check_all_variants(&a, &rows, &cols);
    }
}

#[test]
fn rows_of_exactly_the_network_limit_and_one_more() {
    // 40 x 40 with 8 entries in every row (every short row through the sorting network), then
    // the same with one more entry in row 3 (every short row ranked instead). The column map
    // scrambles each row's order, and every other row must come out the same both ways.
    let eight: Vec<_> = (0..40)
        .flat_map(|i| {
            (0..8).map(move |k| (i, (7 * i + 5 * k) % 40, Complex64::new(i as f64, k as f64)))
        })
        .collect();
    let mut nine = eight.clone();
    nine.push((3, 0, Complex64::new(-1.0, -1.0)));
    let rows: Vec<usize> = (0..40).map(|i| (i + 5) % 40).collect();
    let cols: Vec<usize> = (0..40).map(|j| (13 * j + 7) % 40).collect();
    let (a8, a9) = (
        Csr::<u64>::from_triplets(40, 40, &eight).unwrap(),
        Csr::<u64>::from_triplets(40, 40, &nine).unwrap(),
    );
    check_all_variants(&a8, &rows, &cols);
    check_all_variants(&a9, &rows, &cols);
    let grown = rows[3];
    for v in Variant::ALL {
        let (by_network, ranked) = (
            permute_indices(&a8, &rows, &cols, v).unwrap(),
            permute_indices(&a9, &rows, &cols, v).unwrap(),
        );
        let others =
            |m: &Csr<u64>| -> Vec<_> { m.iter().filter(|&(i, _, _)| i != grown).collect() };
        assert_eq!(others(&by_network), others(&ranked), "{}", v.name());
        assert_eq!(others(&by_network).len(), 39 * 8, "{}", v.name());
    }
}

#[test]
#[cfg_attr(miri, ignore = "matrices of 20 000 entries")]
fn bench_sized_matrices_match_the_moved_triplets() {
    // The bench families at 20 000 entries, too large for the dense oracle: the reference moves
    // every triplet and sorts them again, independently of both paths of the kernel.
    for family in [Family::Tensor, Family::Uniform, Family::Banded] {
        let a = generate(family, 20_000, DEFAULT_SEED);
        let (rows, cols) = index_permutations(a.rows(), a.cols(), DEFAULT_SEED);
        let moved: Vec<_> = a.iter().map(|(i, j, v)| (rows[i], cols[j], v)).collect();
        let want = Csr::<u64>::from_triplets(a.rows(), a.cols(), &moved).unwrap();
        check_every_path(&a, &rows, &cols, &want);
    }
}

#[test]
fn rows_spread_over_several_gather_blocks() {
    // About 2000 entries (Miri: 900), against the dense oracle: two or more blocks of the gather
    // paths (half a 32 or 48 KiB L1d of output, 682 to 1228 entries). Banded rows are all
    // short; tensor rows are of every length, long ones included, and some empty. Miri runs the
    // smaller banded case alone, to keep within its time budget.
    let (nnz, families): (usize, &[Family]) = if cfg!(miri) {
        (900, &[Family::Banded])
    } else {
        (2000, &[Family::Banded, Family::Tensor])
    };
    for &family in families {
        let a = generate(family, nnz, DEFAULT_SEED);
        let (rows, cols) = index_permutations(a.rows(), a.cols(), DEFAULT_SEED);
        check_all_variants(&a, &rows, &cols);
    }
}

/// An output larger than any last-level cache, so the rule gathers rather than scatters rows.
const HUGE_OUTPUT: usize = usize::MAX;

#[test]
fn the_rule_counting_sorts_long_rows_whose_buckets_fit_the_l2() {
    let cache = CacheSizes {
        l1d: 32 << 10,
        l2: 1 << 20,
        llc: 8 << 20,
        line: 64,
    };
    // 1365 buckets of two 64-byte lines (174720 bytes) fit a sixth of the 1 MiB L2 (174762
    // bytes); one more does not.
    let (fits, too_many) = (1365, 1366);
    // Average rows of 33 entries (cells per entry = cols / 33) are long, of 32 are not.
    let choose = |dim: usize, per_row: usize| {
        Path::choose(dim, dim, dim / per_row, per_row, HUGE_OUTPUT, cache)
    };
    assert_eq!(choose(1024, 33), Path::CountingSort);
    assert_eq!(choose(1024, 32), Path::Bitmap);
    assert_eq!(choose(fits, 1000), Path::CountingSort);
    assert_eq!(choose(too_many, 1000), Path::Bitmap);
    // The larger side counts: a dense wide matrix with few rows still opens `cols` streams.
    assert_eq!(
        Path::choose(10, too_many, 1, 10, HUGE_OUTPUT, cache),
        Path::Bitmap
    );
    assert_eq!(
        Path::choose(10, fits, 1, 10, HUGE_OUTPUT, cache),
        Path::CountingSort
    );
    // The counting sort comes first whatever the output's size.
    assert_eq!(Path::choose(10, fits, 1, 10, 0, cache), Path::CountingSort);
}

#[test]
fn the_rule_orders_long_rows_by_bitmap_while_16_bytes_a_column_fit_half_the_llc() {
    let cache = CacheSizes {
        l1d: 32 << 10,
        l2: 1 << 20,
        llc: 2 << 20,
        line: 64,
    };
    // 65536 columns of 16 bytes fill half the 2 MiB L3 exactly; rows of 8 or 1000 entries.
    for per_row in [8, 1000] {
        let choose =
            |dim: usize| Path::choose(dim, dim, dim / per_row, per_row, HUGE_OUTPUT, cache);
        assert_eq!(choose(65536), Path::Bitmap, "{per_row}");
        assert_eq!(choose(65537), Path::Gather, "{per_row}");
    }
    // Only the columns count: a tall matrix with few columns still orders by bitmap.
    assert_eq!(
        Path::choose(1 << 20, 65536, 1 << 10, 64, HUGE_OUTPUT, cache),
        Path::Bitmap
    );
}

#[test]
fn the_rule_scatters_rows_while_the_output_fits_half_the_llc() {
    let cache = CacheSizes {
        l1d: 32 << 10,
        l2: 1 << 20,
        llc: 2 << 20,
        line: 64,
    };
    // Rows of cols / 8192 entries: short, and far too many columns for the counting sort. The
    // output's bytes against half the 2 MiB L3, with the long rows' order (bitmap or comparison
    // sort) kept from the columns.
    // A longest row of 9 entries: past the network, so the output's bound is half the LLC.
    let choose = |cols: usize, out: usize| Path::choose(cols, cols, 8192, 9, out, cache);
    assert_eq!(choose(65536, 1 << 20), Path::ScatterBitmap);
    assert_eq!(choose(65536, (1 << 20) + 1), Path::Bitmap);
    assert_eq!(choose(65537, 1 << 20), Path::Scatter);
    assert_eq!(choose(65537, (1 << 20) + 1), Path::Gather);
    // Rows of at most 8 entries (the network's) scatter while the output fits four LLCs.
    let network = |cols: usize, out: usize| Path::choose(cols, cols, 8192, 8, out, cache);
    assert_eq!(network(65536, (1 << 20) + 1), Path::ScatterBitmap);
    assert_eq!(network(65536, 8 << 20), Path::ScatterBitmap);
    assert_eq!(network(65536, (8 << 20) + 1), Path::Bitmap);
    assert_eq!(network(65537, 8 << 20), Path::Scatter);
    assert_eq!(network(65537, (8 << 20) + 1), Path::Gather);
    // Rows of 33 entries on average are long: gathered whatever the output's size.
    assert_eq!(
        Path::choose(65536, 65536, 65536 / 33, 33, 0, cache),
        Path::Bitmap
    );
}

#[test]
fn long_rows_spread_over_several_summary_words() {
    // 3 x 8200 (Miri: 3 x 4200): 129 bitmap words, three summary words (Miri: 66 and two). Row
    // 1 holds 80 entries spread over all of them, row 2 one short run of 65 columns (both past
    // the rank sort's 64), row 0 nothing.
    let cols = if cfg!(miri) { 4200 } else { 8200 };
    let mut t: Vec<_> = (0..80)
        .map(|j| (1, j * (cols / 80), Complex64::new(j as f64, 0.5)))
        .collect();
    t.extend((0..65).map(|j| (2, 4070 + j, Complex64::new(-(j as f64), 2.0))));
    let a = Csr::<u64>::from_triplets(3, cols, &t).unwrap();
    let (rows, cols) = index_permutations(3, cols, DEFAULT_SEED);
    check_all_variants(&a, &rows, &cols);
    if cfg!(miri) {
        return; // Miri checks one permutation, to keep within its time budget
    }
    // The identity keeps row 2 within two neighbouring summary words, reversal flips every row.
    let identity: Vec<usize> = (0..a.cols()).collect();
    let reversed: Vec<usize> = (0..a.cols()).rev().collect();
    check_all_variants(&a, &rows, &identity);
    check_all_variants(&a, &rows, &reversed);
}

#[test]
fn refusals_name_the_problem() {
    let a = Csr::<u32>::from_triplets(3, 2, &[(0, 1, Complex64::new(1.0, 0.0))]).unwrap();
    for v in Variant::ALL {
        let run = |rows: &[usize], cols: &[usize]| permute_indices(&a, rows, cols, v).unwrap_err();
        assert_eq!(
            run(&[0, 1], &[0, 1]),
            KernelError::PermutationLength {
                axis: "row",
                expected: 3,
                found: 2
            }
        );
        let err = run(&[0, 1, 2], &[1, 0, 2]);
        assert_eq!(
            err,
            KernelError::PermutationLength {
                axis: "column",
                expected: 2,
                found: 3
            }
        );
        assert_eq!(
            err.to_string(),
            "column permutation has 3 elements, expected 2"
        );
        let err = run(&[0, 3, 1], &[0, 1]);
        assert_eq!(
            err,
            KernelError::PermutationOutOfRange {
                axis: "row",
                position: 1,
                value: 3,
                len: 3
            }
        );
        assert_eq!(
            err.to_string(),
            "row permutation element 3 at position 1 out of range for 3"
        );
        assert_eq!(
            run(&[2, 0, 1], &[5, 0]),
            KernelError::PermutationOutOfRange {
                axis: "column",
                position: 0,
                value: 5,
                len: 2
            }
        );
        // Range is checked before duplicates, so the later out-of-range element wins.
        assert_eq!(
            run(&[1, 1, 7], &[0, 1]),
            KernelError::PermutationOutOfRange {
                axis: "row",
                position: 2,
                value: 7,
                len: 3
            }
        );
        let err = run(&[2, 0, 2], &[0, 1]);
        assert_eq!(
            err,
            KernelError::PermutationDuplicate {
                axis: "row",
                position: 2,
                value: 2
            }
        );
        assert_eq!(
            err.to_string(),
            "row permutation has duplicate element 2 at position 2"
        );
        assert_eq!(
            run(&[0, 1, 2], &[1, 1]),
            KernelError::PermutationDuplicate {
                axis: "column",
                position: 1,
                value: 1
            }
        );
    }
}

#[test]
fn empty_shapes_take_empty_permutations() {
    for (r, c) in [(0, 0), (0, 3), (4, 0)] {
        let a = Csr::<u32>::from_triplets(r, c, &[]).unwrap();
        let rows: Vec<usize> = (0..r).rev().collect();
        let cols: Vec<usize> = (0..c).rev().collect();
        for v in Variant::ALL {
            assert_bitwise_eq(&permute_indices(&a, &rows, &cols, v).unwrap(), &a, v.name());
            assert!(matches!(
                permute_indices(&a, &[0; 5], &cols, v),
                Err(KernelError::PermutationLength { axis: "row", .. })
            ));
        }
    }
}
