//! The `rawcheck` binary: every QuTiP reference case through the command line for every variant
//! and index width, and the error contract (exit status, one `error:` line, no output file).
#![cfg(not(miri))]

#[path = "../../kernels/tests/common/cases.rs"]
mod cases;
mod common;

use cases::{Expect, load, reference_dir};
use common::{assert_error, rawcheck};
use rawcheck_kernels::{Csr, Index, Variant, mtx};
use std::path::{Path, PathBuf};

fn read<I: Index>(path: &Path) -> Csr<I> {
    mtx::read_path::<I>(path).expect("readable Matrix Market").0
}

/// Values compared by their bits: QuTiP's output must come back exactly.
fn bits<I: Index>(a: &Csr<I>) -> (Vec<I>, Vec<I>, Vec<(u64, u64)>) {
    let v = a.values().iter().map(|z| (z.re.to_bits(), z.im.to_bits()));
    (a.row_ptr().to_vec(), a.col_idx().to_vec(), v.collect())
}

#[test]
fn every_reference_case_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    for case in load() {
        for variant in Variant::ALL.map(Variant::name) {
            for index in ["32", "64"] {
                let out_path = dir
                    .path()
                    .join(format!("{}-{variant}-{index}.mtx", case.id));
                let mut args = case.cli_args();
                args.extend([
                    case.input.display().to_string(),
                    "-o".into(),
                    out_path.display().to_string(),
                    "--variant".into(),
                    variant.into(),
                    "--index".into(),
                    index.into(),
                ]);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let out = rawcheck(&args);
                let what = format!("{} {variant} {index}", case.id);
                match &case.expect {
                    Expect::Matrix { path, shape, nnz } => {
                        assert!(out.status.success(), "{what}: {out:?}");
                        let got = read::<u64>(&out_path);
                        assert_eq!((got.shape(), got.nnz()), (*shape, *nnz), "{what}");
                        assert_eq!(bits(&got), bits(&read::<u64>(path)), "{what}");
                    }
                    Expect::Error(gist) => {
                        let line = assert_error(&out, 1);
                        assert!(line.contains(gist.as_str()), "{what}: {line}");
                        assert!(!out_path.exists(), "{what}: output created on error");
                    }
                }
            }
        }
    }
}

#[test]
fn permutation_lists_can_come_from_files() {
    let dir = tempfile::tempdir().unwrap();
    let rows = dir.path().join("rows.txt");
    std::fs::write(&rows, "3 0 5\n1 4\t2\n").unwrap();
    let out = dir.path().join("out.mtx");
    let input = reference_dir().join("rand_herm_6.mtx");
    let r = rawcheck(&[
        "permute-indices",
        "--rows",
        &format!("@{}", rows.display()),
        "--cols",
        "1,2,0,5,3,4",
        input.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(r.status.success(), "{r:?}");
    let want = read::<u32>(&reference_dir().join("herm6_indices.expected.mtx"));
    assert_eq!(bits(&read::<u32>(&out)), bits(&want));
}

#[test]
fn errors_keep_an_existing_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.mtx");
    std::fs::write(&out, "precious").unwrap();
    let input = reference_dir().join("rand_herm_6.mtx");
    let (i, o) = (input.to_str().unwrap(), out.to_str().unwrap());
    let cases: [(&[&str], i32, &str); 7] = [
        (
            &["reshape", "--shape", "5,7", i, "-o", o],
            1,
            "35 elements cannot hold 36",
        ),
        (
            &["permute", "--dims", "2,2", "--order", "1,0", i, "-o", o],
            1,
            "does not match",
        ),
        (
            &[
                "permute-indices",
                "--rows",
                "0,1",
                "--cols",
                "0,1,2,3,4,5",
                i,
                "-o",
                o,
            ],
            1,
            "row permutation",
        ),
        (
            &["column-unstack", "--rows", "4", i, "-o", o],
            1,
            "single column",
        ),
        (
            &["transpose", "/nonexistent/in.mtx", "-o", o],
            1,
            "/nonexistent/in.mtx",
        ),
        (&["reshape", "--shape", "5,x", i, "-o", o], 2, "'x'"),
        (&["transpose", "--variant", "fast", i, "-o", o], 2, "fast"),
    ];
    for (args, status, gist) in cases {
        let line = assert_error(&rawcheck(args), status);
        assert!(line.contains(gist), "{args:?}: {line}");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "precious",
            "{args:?}"
        );
    }
    let garbage = dir.path().join("bad.mtx");
    std::fs::write(
        &garbage,
        "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 3 1.0\n",
    )
    .unwrap();
    let line = assert_error(
        &rawcheck(&["transpose", garbage.to_str().unwrap(), "-o", o]),
        1,
    );
    assert!(line.contains("line 3"), "{line}");
}

#[test]
fn info_describes_a_file() {
    let input: PathBuf = reference_dir().join("jc_hamiltonian.mtx");
    let out = rawcheck(&["info", input.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "shape: 40 x 40",
        "nnz: 77",
        "field: complex",
        "symmetry: general",
        "valid CSR as stored: yes",
    ] {
        assert!(text.contains(want), "missing {want:?} in:\n{text}");
    }
}

#[test]
fn list_names_what_the_cli_and_the_scripts_accept() {
    let out = rawcheck(&["list", "--json"]);
    assert!(out.status.success(), "{out:?}");
    let names: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let strings = |key: &str| -> Vec<String> {
        names[key]
            .as_array()
            .unwrap_or_else(|| panic!("no list {key}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    let kernels = strings("kernels");
    assert_eq!(kernels.len(), 6);
    for kernel in &kernels {
        let help = rawcheck(&[&kernel.replace('_', "-"), "--help"]);
        assert!(help.status.success(), "no subcommand for {kernel}");
    }
    for variant in strings("variants") {
        let out = rawcheck(&["transpose", "--variant", &variant, "-", "-o", "-"]);
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("unknown variant"),
            "{variant}: {out:?}"
        );
    }
    for family in strings("families") {
        let help = rawcheck(&["gen", &family, "--nnz", "0", "-o", "-"]);
        let error = String::from_utf8_lossy(&help.stderr);
        assert!(
            error.contains("outside"),
            "{family} is not a family: {error}"
        );
    }
    let bugs = names["bugs"].as_array().unwrap();
    assert_eq!(bugs.len(), 8);
    for (n, bug) in bugs.iter().enumerate() {
        assert_eq!(bug["id"], format!("B{}", n + 1));
        assert!(bug["feature"].as_str().unwrap().starts_with("bug-"));
        assert!(kernels.iter().any(|k| bug["kernel"] == k.as_str()));
    }
    assert_eq!(strings("detectors").len(), 8);
    let text = rawcheck(&["list"]);
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("kernels: reshape, "));
}
