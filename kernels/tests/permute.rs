//! permute: every variant and index width against the dense oracle, QuTiP's tensor identity,
//! and every refusal.

mod common;

use common::*;
use num_complex::Complex64;
use proptest::prelude::*;
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::permute::Plan;
use rawcheck_kernels::permute_indices::Path;
use rawcheck_kernels::{Csr, Index, KernelError, Variant, permute};

/// Largest `prod(dims)` generated.
const MAX_SIZE: usize = if cfg!(miri) { 8 } else { 36 };

/// The three kinds of matrix `permute` accepts, for a tensor of size `n`.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Operator,
    Ket,
    Bra,
}

impl Kind {
    fn shape(self, n: usize) -> (usize, usize) {
        match self {
            Kind::Operator => (n, n),
            Kind::Ket => (n, 1),
            Kind::Bra => (1, n),
        }
    }
}

/// Tensor dims (1 to 4 subsystems of size 1 to 4, product at most `MAX_SIZE`) and an order.
fn dims_and_order() -> impl Strategy<Value = (Vec<usize>, Vec<usize>)> {
    prop::collection::vec(1..=4usize, 1..=4)
        .prop_filter("product too large", |d| {
            d.iter().product::<usize>() <= MAX_SIZE
        })
        .prop_flat_map(|d| {
            let n = d.len();
            (Just(d), permutation(n))
        })
}

/// dims, order and a matrix of one of the three kinds whose permuted side is `prod(dims)`.
fn case() -> impl Strategy<Value = (Vec<usize>, Vec<usize>, Csr<u64>)> {
    (
        dims_and_order(),
        prop_oneof![Just(Kind::Operator), Just(Kind::Ket), Just(Kind::Bra)],
    )
        .prop_flat_map(|((dims, order), kind)| {
            let (r, c) = kind.shape(dims.iter().product());
            (Just(dims), Just(order), matrix_with_shape(r, c))
        })
}

/// Kronecker product `a ⊗ b` (entries in row-major order, so no duplicates to sum).
fn kron(a: &Csr<u64>, b: &Csr<u64>) -> Csr<u64> {
    let (br, bc) = b.shape();
    let t: Vec<_> = a
        .iter()
        .flat_map(|(i, j, x)| {
            b.iter()
                .map(move |(k, l, y)| (i * br + k, j * bc + l, x * y))
        })
        .collect();
    Csr::from_triplets(a.rows() * br, a.cols() * bc, &t).unwrap()
}

/// A dense `r x c` block with distinct values (seeded by `s`), some cells left out.
fn block(r: usize, c: usize, s: f64) -> Csr<u64> {
    let t: Vec<_> = (0..r * c)
        .filter(|k| (k + s as usize) % 3 != 0)
        .map(|k| {
            (
                k / c,
                k % c,
                Complex64::new(s + k as f64, s - k as f64 / 4.0),
            )
        })
        .collect();
    Csr::from_triplets(r, c, &t).unwrap()
}

/// `(name, result)` of every variant on every path of the scatter core: the rule's choice and
/// each forced path.
fn every_path<I: Index>(a: &Csr<I>, dims: &[usize], order: &[usize]) -> Vec<(String, Csr<I>)> {
    let plan = Plan::new(a, dims, order).unwrap();
    let plans = std::iter::once((plan.clone(), "rule".to_string()))
        .chain(Path::ALL.map(|p| (plan.clone().with_path(p), format!("{p:?}"))));
    plans
        .flat_map(|(plan, path)| {
            Variant::ALL.map(|v| (format!("{} on {path}", v.name()), plan.run(v).unwrap()))
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn every_variant_matches_the_oracle((dims, order, a) in case()) {
        let want = Dense::from_csr(&a).permute(&dims, &order).to_csr::<u64>().unwrap();
        for (what, got) in every_path(&a, &dims, &order) {
            assert_bitwise_eq(&got, &want, &what);
        }
        for (what, got) in every_path(&narrow(&a), &dims, &order) {
            assert_bitwise_eq(&got, &narrow(&want), &what);
        }
    }

    #[test]
    fn the_inverse_order_gives_the_input_back((dims, order, a) in case()) {
        let permuted_dims: Vec<usize> = order.iter().map(|&o| dims[o]).collect();
        for v in Variant::ALL {
            let b = permute(&a, &dims, &order, v).unwrap();
            let back = permute(&b, &permuted_dims, &inverse(&order), v).unwrap();
            assert_bitwise_eq(&back, &a, v.name());
        }
    }
}

#[test]
fn tensor_factors_move_with_the_order() {
    // tensor(A, B, C).permute([2, 0, 1]) == tensor(C, A, B), for operators, kets and bras.
    for (kind, dims) in [
        (Kind::Operator, [2, 3, 4]),
        (Kind::Operator, [3, 1, 2]),
        (Kind::Ket, [2, 3, 4]),
        (Kind::Bra, [4, 2, 3]),
    ] {
        let [a, b, c] = [0, 1, 2].map(|k| {
            let (r, col) = kind.shape(dims[k]);
            block(r, col, k as f64 + 1.0)
        });
        let abc = kron(&kron(&a, &b), &c);
        let cab = kron(&kron(&c, &a), &b);
        for (what, got) in every_path(&abc, &dims, &[2, 0, 1]) {
            assert_bitwise_eq(&got, &cab, &format!("{kind:?} {what}"));
        }
        for (what, got) in every_path(&narrow(&abc), &dims, &[2, 0, 1]) {
            assert_bitwise_eq(&got, &narrow(&cab), &format!("{kind:?} {what} u32"));
        }
    }
}

#[test]
fn rows_of_exactly_the_rank_sort_limit_and_one_more() {
    // A bra over dims [8, 10] whose one row holds 32 entries (ranked: permute's limit) or 33
    // (ordered as a long row), swapped subsystems: column (x, y) goes to (y, x), out of order.
    for len in [32, 33] {
        let t: Vec<_> = (0..len)
            .map(|j| (0, 2 * j + 1, Complex64::new(j as f64, 0.25)))
            .collect();
        let a = Csr::<u64>::from_triplets(1, 80, &t).unwrap();
        let want = Dense::from_csr(&a)
            .permute(&[8, 10], &[1, 0])
            .to_csr::<u64>()
            .unwrap();
        for (what, got) in every_path(&a, &[8, 10], &[1, 0]) {
            assert_bitwise_eq(&got, &want, &format!("{len} entries, {what}"));
        }
    }
}

#[test]
fn scalars_and_trivial_orders() {
    let one = Csr::<u64>::from_triplets(1, 1, &[(0, 0, Complex64::new(2.0, -1.0))]).unwrap();
    let a = block(6, 6, 3.0);
    for v in Variant::ALL {
        assert_bitwise_eq(&permute(&one, &[1], &[0], v).unwrap(), &one, v.name());
        assert_bitwise_eq(
            &permute(&one, &[1, 1, 1], &[2, 0, 1], v).unwrap(),
            &one,
            v.name(),
        );
        assert_bitwise_eq(&permute(&a, &[6], &[0], v).unwrap(), &a, v.name());
        assert_bitwise_eq(&permute(&a, &[2, 3], &[0, 1], v).unwrap(), &a, v.name());
        // Subsystems of size 1 move without changing anything.
        assert_bitwise_eq(
            &permute(&a, &[1, 6, 1], &[2, 1, 0], v).unwrap(),
            &a,
            v.name(),
        );
    }
}

/// The walk leaves out every axis of size 1, a trailing one included: the innermost axis is the
/// last of size > 1, and a shape of ones has an empty walk.
#[test]
fn walk_leaves_out_axes_of_size_one() {
    let a = block(6, 6, 1.0);
    // Permuted shape [3, 2, 1]: strides 1 (axis 0), 1 (axis 1), 2 (axis 2).
    let plan = Plan::new(&a, &[2, 1, 3], &[2, 0, 1]).unwrap();
    assert_eq!(plan.walk(), (&[(2, 1)][..], (3, 2)));
    // The trailing axis of size 1 is not the innermost one.
    let plan = Plan::new(&a, &[3, 2, 1], &[0, 1, 2]).unwrap();
    assert_eq!(plan.walk(), (&[(3, 2)][..], (2, 1)));
    let one = Csr::<u64>::from_triplets(1, 1, &[]).unwrap();
    let plan = Plan::new(&one, &[1, 1, 1], &[2, 0, 1]).unwrap();
    assert_eq!(plan.walk(), (&[][..], (1, 1)));
}

#[test]
fn refusals_name_the_problem_in_order() {
    let a = Csr::<u32>::from_triplets(6, 6, &[(1, 2, Complex64::new(1.0, 0.0))]).unwrap();
    for v in Variant::ALL {
        let run =
            |a: &Csr<u32>, dims: &[usize], order: &[usize]| permute(a, dims, order, v).unwrap_err();
        assert_eq!(run(&a, &[], &[]), KernelError::EmptyDims);
        let err = run(&a, &[2, 3], &[0]);
        assert_eq!(
            err,
            KernelError::OrderLength {
                expected: 2,
                found: 1
            }
        );
        assert!(
            err.to_string().contains("wrong number of elements"),
            "{err}"
        );
        let err = run(&a, &[2, 3], &[0, 2]);
        assert_eq!(
            err,
            KernelError::OrderOutOfRange {
                position: 1,
                value: 2,
                len: 2
            }
        );
        assert!(
            err.to_string().contains("order element out of range"),
            "{err}"
        );
        // Range before duplicates.
        assert!(matches!(
            run(&a, &[1, 2, 3], &[0, 0, 5]),
            KernelError::OrderOutOfRange { position: 2, .. }
        ));
        let err = run(&a, &[2, 3], &[1, 1]);
        assert_eq!(
            err,
            KernelError::OrderDuplicate {
                position: 1,
                value: 1
            }
        );
        assert!(err.to_string().contains("duplicate order element"), "{err}");
        // The order is checked before the dims.
        assert!(matches!(
            run(&a, &[0, 6], &[1, 1]),
            KernelError::OrderDuplicate { .. }
        ));
        assert_eq!(
            run(&a, &[3, 0, 2], &[0, 1, 2]),
            KernelError::ZeroDim { position: 1 }
        );
        assert_eq!(
            run(&a, &[1 << 40, 1 << 30, 0], &[0, 1, 2]),
            KernelError::ZeroDim { position: 2 }
        );
        assert_eq!(
            run(&a, &[2, 1 << 40, 1 << 30], &[2, 0, 1]),
            KernelError::DimsOverflow { position: 2 }
        );
        let wide = Csr::<u32>::from_triplets(2, 3, &[]).unwrap();
        let err = run(&wide, &[6], &[0]);
        assert_eq!(err, KernelError::NotPermutable { rows: 2, cols: 3 });
        // Overflow comes before the shape.
        assert!(matches!(
            run(&wide, &[usize::MAX, 2], &[0, 1]),
            KernelError::DimsOverflow { position: 1 }
        ));
        let err = run(&a, &[2, 2], &[1, 0]);
        assert_eq!(
            err,
            KernelError::DimsMismatch {
                product: 4,
                dimension: 6
            }
        );
        assert_eq!(err.to_string(), "dims product 4 does not match dimension 6");
        assert_eq!(
            run(&a, &[2, 2, 2], &[1, 0, 2]),
            KernelError::DimsMismatch {
                product: 8,
                dimension: 6
            }
        );
        // QuTiP 5.3.1 skips this check on its bra and sparse paths; kets are checked too.
        let bra = Csr::<u32>::from_triplets(1, 6, &[(0, 5, Complex64::new(1.0, 0.0))]).unwrap();
        let ket = Csr::<u32>::from_triplets(6, 1, &[(5, 0, Complex64::new(1.0, 0.0))]).unwrap();
        for m in [&bra, &ket] {
            assert_eq!(
                run(m, &[2, 4], &[1, 0]),
                KernelError::DimsMismatch {
                    product: 8,
                    dimension: 6
                }
            );
            assert!(matches!(
                run(m, &[2, 2], &[1, 0]),
                KernelError::DimsMismatch { product: 4, .. }
            ));
        }
        let nothing = Csr::<u32>::from_triplets(0, 0, &[]).unwrap();
        assert_eq!(
            run(&nothing, &[1], &[0]),
            KernelError::DimsMismatch {
                product: 1,
                dimension: 0
            }
        );
        let empty_ket = Csr::<u32>::from_triplets(0, 1, &[]).unwrap();
        assert!(matches!(
            run(&empty_ket, &[1], &[0]),
            KernelError::DimsMismatch { dimension: 0, .. }
        ));
    }
}
