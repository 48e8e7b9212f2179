//! `rawcheck gen`: the bench matrices and their parameters, as `scripts/peers` reads them.
#![cfg(not(miri))]

mod common;

use std::path::Path;

use common::rawcheck;
use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec};
use rawcheck_kernels::{Csr, mtx};
use serde_json::Value;

fn ok(args: &[&str]) {
    let out = rawcheck(args);
    assert!(out.status.success(), "{args:?}: {out:?}");
}

fn read(path: &Path) -> Csr<u64> {
    mtx::read_path::<u64>(path)
        .expect("readable Matrix Market")
        .0
}

fn gen_into(dir: &Path, family: &str, nnz: usize, seed: Option<&str>) -> Value {
    let out = dir.join(format!("{family}-{nnz}.mtx"));
    let nnz_arg = nnz.to_string();
    let mut args = vec![
        "gen",
        family,
        "--nnz",
        &nnz_arg,
        "-o",
        out.to_str().unwrap(),
    ];
    if let Some(seed) = seed {
        args.extend(["--seed", seed]);
    }
    ok(&args);
    let json = std::fs::read_to_string(dir.join(format!("{family}-{nnz}.params.json"))).unwrap();
    serde_json::from_str(&json).unwrap()
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("an array")
        .iter()
        .map(|x| x.as_u64().expect("an integer") as usize)
        .collect()
}

fn is_permutation(list: &[usize], n: usize) -> bool {
    let mut sorted = list.to_vec();
    sorted.sort_unstable();
    sorted == (0..n).collect::<Vec<_>>()
}

fn perm_file(dir: &Path, p: &Value, key: &str) -> Vec<usize> {
    let text = std::fs::read_to_string(dir.join(p[key].as_str().unwrap())).unwrap();
    text.split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect()
}

#[test]
fn gen_writes_the_bench_matrix_deterministically() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let pa = gen_into(a.path(), "uniform", 2000, None);
    let pb = gen_into(b.path(), "uniform", 2000, None);
    assert_eq!(pa, pb);
    for name in [
        "uniform-2000.mtx",
        "uniform-2000.vec.mtx",
        "uniform-2000.rows.txt",
    ] {
        let read = |d: &Path| std::fs::read(d.join(name)).unwrap();
        assert_eq!(read(a.path()), read(b.path()), "{name}");
    }
    // The same matrices the benches generate: the natural shape and the vectorisable one.
    let spec = Spec::new(Family::Uniform, 2000);
    assert_eq!(
        read(&a.path().join("uniform-2000.mtx")),
        spec.generate(DEFAULT_SEED)
    );
    let vec = Spec::vectorisable(Family::Uniform, 2000);
    assert_eq!(
        read(&a.path().join("uniform-2000.vec.mtx")),
        vec.generate(DEFAULT_SEED)
    );
    assert_eq!(usizes(&pa["vectorisable_shape"]), [vec.dim(), vec.dim()]);
    assert_eq!(pa["unstack_rows"], vec.dim());

    // Another seed, another matrix of the same shape.
    let c = tempfile::tempdir().unwrap();
    let pc = gen_into(c.path(), "uniform", 2000, Some("7"));
    assert_eq!(pc["shape"], pa["shape"]);
    let m = read(&c.path().join("uniform-2000.mtx"));
    assert_eq!(m, spec.generate(7));
    assert_ne!(m, spec.generate(DEFAULT_SEED));
}

#[test]
fn gen_parameters_are_consistent_and_run_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    for family in ["uniform", "banded", "powerlaw", "tensor"] {
        let p = gen_into(dir.path(), family, 1000, None);
        let what = format!("{family}: {p}");
        assert_eq!(p["family"], family, "{what}");
        assert_eq!(p["nnz"], 1000, "{what}");
        let [r, c] = usizes(&p["shape"])[..] else {
            panic!("{what}")
        };
        let a = read(&dir.path().join(format!("{family}-1000.mtx")));
        assert_eq!(a.shape(), (r, c), "{what}");
        let [rr, cc] = usizes(&p["reshape"])[..] else {
            panic!("{what}")
        };
        assert_eq!(rr * cc, r * c, "{what}");
        let dims = usizes(&p["dims"]);
        assert_eq!(dims.iter().product::<usize>(), r, "{what}");
        let order = usizes(&p["order"]);
        assert!(is_permutation(&order, dims.len()), "{what}");
        assert!(is_permutation(
            &perm_file(dir.path(), &p, "rows_perm_file"),
            r
        ));
        assert!(is_permutation(
            &perm_file(dir.path(), &p, "cols_perm_file"),
            c
        ));
        let [vr, vc] = usizes(&p["vectorisable_shape"])[..] else {
            panic!("{what}")
        };
        let rows = p["unstack_rows"].as_u64().unwrap() as usize;
        assert_eq!((vr * vc) % rows, 0, "{what}");

        // Every parameter is accepted by the kernels it is meant for.
        let input = dir.path().join(format!("{family}-1000.mtx"));
        let vec = dir.path().join(format!("{family}-1000.vec.mtx"));
        let out = dir.path().join("out.mtx");
        let stacked = dir.path().join("stacked.mtx");
        let (i, o, s, v) = (
            input.to_str().unwrap(),
            out.to_str().unwrap(),
            stacked.to_str().unwrap(),
            vec.to_str().unwrap(),
        );
        let list = |l: &[usize]| l.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
        let (dims, order) = (list(&dims), list(&order));
        ok(&["permute", "--dims", &dims, "--order", &order, i, "-o", o]);
        ok(&["reshape", "--shape", &format!("{rr},{cc}"), i, "-o", o]);
        let perm = |key: &str| format!("@{}", dir.path().join(p[key].as_str().unwrap()).display());
        let (rows_perm, cols_perm) = (perm("rows_perm_file"), perm("cols_perm_file"));
        ok(&[
            "permute-indices",
            "--rows",
            &rows_perm,
            "--cols",
            &cols_perm,
            i,
            "-o",
            o,
        ]);
        ok(&["column-stack", v, "-o", s]);
        ok(&["column-unstack", "--rows", &rows.to_string(), s, "-o", o]);
        assert_eq!(read(&out), read(&vec), "{what}: unstack(stack(V)) == V");
    }
}

#[test]
fn gen_refuses_bad_arguments_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.mtx");
    let o = out.to_str().unwrap();
    for args in [
        vec!["gen", "diagonal", "--nnz", "10", "-o", o],
        vec!["gen", "uniform", "--nnz", "0", "-o", o],
        vec!["gen", "uniform", "--nnz", "ten", "-o", o],
        vec!["gen", "uniform", "--nnz", "-5", "-o", o],
    ] {
        let res = rawcheck(&args);
        let stderr = String::from_utf8_lossy(&res.stderr);
        assert_eq!(res.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
        assert!(!out.exists());
    }
    assert!(rawcheck(&["gen", "--help"]).status.success());
}
