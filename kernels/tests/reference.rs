//! QuTiP 5.3.1's own outputs (`shared/reference/qutip`): every case, every variant, both index
//! widths, equal entry for entry.
#![cfg(not(miri))] // file I/O; the kernels themselves run under Miri in the property tests

mod common;

use common::assert_bitwise_eq;
use common::cases::{Case, Expect, load};
use rawcheck_kernels::{Index, Variant, mtx};

fn check_case<I: Index>(case: &Case) {
    let (a, _) = mtx::read_path::<I>(&case.input).expect("reference input reads");
    for v in Variant::ALL {
        let what = format!("{} {v} {}-bit", case.id, I::BITS);
        let got = case.call.apply(&a, v);
        match &case.expect {
            Expect::Matrix { path, shape, nnz } => {
                let (want, _) = mtx::read_path::<I>(path).expect("expected output reads");
                let got = got.unwrap_or_else(|e| panic!("{what}: {e}"));
                assert_eq!(got.shape(), *shape, "{what}");
                assert_eq!(got.nnz(), *nnz, "{what}");
                assert_bitwise_eq(&got, &want, &what);
            }
            Expect::Error(gist) => {
                let err = got.expect_err(&what).to_string();
                assert!(
                    err.contains(gist.as_str()),
                    "{what}: '{err}' lacks '{gist}'"
                );
            }
        }
    }
}

#[test]
fn every_reference_case_in_every_variant_and_width() {
    let cases = load();
    for case in &cases {
        check_case::<u32>(case);
        check_case::<u64>(case);
    }
}
