//! The `rawcheck` binary: every QuTiP reference case through the command line for every variant
//! and index width, and the error contract (exit status, one `error:` line, no output file).
#![cfg(not(miri))]

#[path = "../../kernels/tests/common/cases.rs"]
mod cases;
mod common;

use cases::{Expect, load, reference_dir};
use common::{assert_error, rawcheck};
use rawcheck_kernels::{Csr, Index, mtx};
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
        for variant in ["raw", "checked", "safe"] {
            for index in ["32", "64"] {
                let out_path = dir
                    .path()
                    .join(format!("{}-{variant}-{index}.mtx", case.id));
                let mut args = case.op.cli_args();
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
