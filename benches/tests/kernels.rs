//! The benchmarks measure what they claim: every kernel's plan matches what the kernel does on
//! every family at both index widths (the byte model), all variants agree, and sprs computes the
//! same matrix as rawcheck where it stands in as a peer.

use rawcheck_benches::kernels::{
    BenchKernel, Case, ColumnStack, ColumnUnstack, Idx, Permute, PermuteIndices, Reshape, Shape,
    Transpose, Workload, smallest_factor,
};
use rawcheck_benches::{Profile, Source};
use rawcheck_kernels::{Csr, Variant};

/// Small sizes: the behaviour does not depend on size, the test time does.
const SIZES: [usize; 2] = [1_000, 10_000];

fn to_parts<I: Idx>(
    m: &sprs::CsMatI<num_complex::Complex64, I, I>,
) -> (Vec<I>, Vec<I>, Vec<num_complex::Complex64>) {
    assert!(m.is_csr(), "the peer returns CSR");
    (
        m.indptr().raw_storage().to_vec(),
        m.indices().to_vec(),
        m.data().to_vec(),
    )
}

fn check_width<K: BenchKernel, I: Idx>(base: &Csr<u64>, plan: &Workload<K::Params>, what: &str) {
    let case = Case::<I>::new::<K>(base, plan).unwrap_or_else(|e| panic!("{what}: {e}"));
    let want = K::run(&case.input, &plan.params, Variant::Raw).unwrap();
    for v in Variant::ALL {
        assert_eq!(
            K::run(&case.input, &plan.params, v).unwrap(),
            want,
            "{what} {v}"
        );
    }
    assert_eq!(case.peer.is_some(), K::HAS_PEER, "{what}: HAS_PEER");
    if let Some(peer) = &case.peer {
        let got = to_parts(&peer());
        assert_eq!(got.0, want.row_ptr(), "{what}: sprs row pointers");
        assert_eq!(got.1, want.col_idx(), "{what}: sprs columns");
        assert_eq!(got.2, want.values(), "{what}: sprs values");
    }
}

fn check<K: BenchKernel>() {
    for source in Source::all().unwrap() {
        for nnz in SIZES {
            let what = format!("{}/{}/{nnz}", K::NAME, source.name());
            let shape = source.shape(nnz, K::VECTORISABLE);
            let plan = K::plan(&shape).unwrap_or_else(|| panic!("{what}: no plan for {shape:?}"));
            let base = source.matrix(nnz, K::VECTORISABLE);
            assert_eq!(
                (base.rows(), base.cols(), base.nnz()),
                (shape.rows, shape.cols, shape.nnz)
            );
            check_width::<K, u32>(&base, &plan, &what);
            check_width::<K, u64>(&base, &plan, &what);
        }
    }
}

#[test]
fn reshape_plans_hold() {
    check::<Reshape>();
}

#[test]
fn transpose_plans_hold() {
    check::<Transpose>();
}

#[test]
fn column_stack_plans_hold() {
    check::<ColumnStack>();
}

#[test]
fn column_unstack_plans_hold() {
    check::<ColumnUnstack>();
}

#[test]
fn permute_plans_hold() {
    check::<Permute>();
}

#[test]
fn permute_indices_plans_hold() {
    check::<PermuteIndices>();
}

#[test]
fn reshape_moves_the_smallest_factor() {
    let shape = |rows, cols| Shape {
        rows,
        cols,
        nnz: 0,
        dims: vec![],
    };
    let target = |rows, cols| Reshape::plan(&shape(rows, cols)).map(|p| p.output);
    assert_eq!(target(12, 5), Some((6, 10)));
    assert_eq!(target(7, 3), Some((1, 21)));
    assert_eq!(target(1, 9), Some((3, 3)));
    assert_eq!(target(1, 1), Some((1, 1)));
    assert_eq!(target(0, 4), None);
    assert_eq!([2, 9, 25, 97, 221].map(smallest_factor), [2, 3, 5, 97, 13]);
}

#[test]
fn the_byte_model_counts_input_output_and_parameters() {
    let plan = Workload {
        params: (),
        input: (4, 6),
        output: (8, 3),
        nnz: 10,
        param_bytes: 7,
    };
    // u32: input 10 * (16 + 4) + 5 * 4 = 220, output 200 + 9 * 4 = 236, plus 7.
    assert_eq!(plan.bytes(4), 220 + 236 + 7);
    assert!(plan.fits::<u32>());
    let wide = Workload {
        input: (1, 1 << 33),
        ..plan
    };
    assert!(!wide.fits::<u32>() && wide.fits::<u64>());
}

#[test]
fn profiles_parse_and_size() {
    assert_eq!("quick".parse::<Profile>(), Ok(Profile::Quick));
    assert_eq!(
        Profile::Full.sizes(),
        vec![1_000, 10_000, 100_000, 1_000_000, 10_000_000]
    );
    assert!(
        Profile::Quick.sizes().contains(&100_000),
        "outside checks read uniform 1e5"
    );
    let err = "slow".parse::<Profile>().unwrap_err();
    assert!(err.contains("expected quick or full"), "{err}");
}
