//! sprs computes exactly what rawcheck's kernels compute (checked against the dense oracle), so
//! the `sprs` variant is a fair peer.

use rawcheck_benches::kernels::Idx;
use rawcheck_benches::peers::{self, from_sprs};
use rawcheck_kernels::Csr;
use rawcheck_kernels::families::{Family, generate, index_permutations};
use rawcheck_kernels::oracle::Dense;

/// Generated matrices plus the edge shapes (empty, single row, single column, no entries).
fn matrices() -> Vec<Csr<u64>> {
    let mut all: Vec<_> = Family::ALL.map(|f| generate(f, 300, 5)).into();
    let one = num_complex::Complex64::new(1.0, -2.0);
    all.push(Csr::from_triplets(0, 3, &[]).unwrap());
    all.push(Csr::from_triplets(1, 5, &[(0, 3, one), (0, 1, one)]).unwrap());
    all.push(Csr::from_triplets(4, 1, &[(2, 0, one)]).unwrap());
    all.push(Csr::from_triplets(3, 2, &[]).unwrap());
    all.push(generate(Family::Uniform, 300, 6).to_index().unwrap());
    all
}

fn check<I: Idx>(a: &Csr<I>) {
    let dense = Dense::from_csr(a);
    let got = from_sprs(&peers::transpose(a)()).unwrap();
    assert_eq!(
        got,
        dense.transpose().to_csr::<I>().unwrap(),
        "transpose {:?}",
        a.shape()
    );
    let (rows, cols) = index_permutations(a.rows(), a.cols(), 11);
    let got = from_sprs(&peers::permute_indices(a, &rows, &cols)()).unwrap();
    let want = dense.permute_indices(&rows, &cols).to_csr::<I>().unwrap();
    assert_eq!(got, want, "permute_indices {:?}", a.shape());
}

#[test]
fn sprs_matches_the_oracle_at_both_widths() {
    for a in matrices() {
        check::<u64>(&a);
        check::<u32>(&a.to_index().unwrap());
    }
}
