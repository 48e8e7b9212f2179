//! QuTiP's reference cases (`shared/reference/qutip/cases.json`), shared by the library test and
//! the command-line test.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;

use serde_json::Value;

/// Folder with the reference inputs, QuTiP's outputs and `cases.json`: `shared/` sits beside the
/// workspace root.
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/qutip")
}

/// One operation of a reference case, with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseOp {
    /// `reshape` to `(rows, cols)`.
    Reshape(usize, usize),
    /// `transpose`.
    Transpose,
    /// `column_stack`.
    ColumnStack,
    /// `column_unstack` into this many rows.
    ColumnUnstack(usize),
    /// `permute` by `dims` and `order`.
    Permute(Vec<usize>, Vec<usize>),
    /// `permute_indices` by row and column permutations.
    PermuteIndices(Vec<usize>, Vec<usize>),
}

/// What a case must produce.
#[derive(Debug, Clone)]
pub enum Expect {
    /// QuTiP's output file, with its declared shape and nnz.
    Matrix {
        /// Path of the expected `.mtx`.
        path: PathBuf,
        /// `expected_shape`.
        shape: (usize, usize),
        /// `expected_nnz`.
        nnz: usize,
    },
    /// A refusal whose message carries this gist.
    Error(String),
}

/// A reference case.
#[derive(Debug, Clone)]
pub struct Case {
    /// Case id.
    pub id: String,
    /// Input `.mtx` path.
    pub input: PathBuf,
    /// The operation.
    pub op: CaseOp,
    /// What it must give.
    pub expect: Expect,
}

impl CaseOp {
    /// The `rawcheck` subcommand and its parameter arguments.
    pub fn cli_args(&self) -> Vec<String> {
        let list = |v: &[usize]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let args: Vec<String> = match self {
            CaseOp::Reshape(r, c) => vec!["reshape".into(), "--shape".into(), format!("{r},{c}")],
            CaseOp::Transpose => vec!["transpose".into()],
            CaseOp::ColumnStack => vec!["column-stack".into()],
            CaseOp::ColumnUnstack(r) => {
                vec!["column-unstack".into(), "--rows".into(), r.to_string()]
            }
            CaseOp::Permute(d, o) => vec![
                "permute".into(),
                "--dims".into(),
                list(d),
                "--order".into(),
                list(o),
            ],
            CaseOp::PermuteIndices(r, c) => vec![
                "permute-indices".into(),
                "--rows".into(),
                list(r),
                "--cols".into(),
                list(c),
            ],
        };
        args
    }
}

fn usizes(v: &Value) -> Vec<usize> {
    v.as_array()
        .expect("a list parameter")
        .iter()
        .map(|x| x.as_u64().expect("a non-negative integer") as usize)
        .collect()
}

/// Every case of `cases.json`; panics (failing the test) on a case this loader does not know.
pub fn load() -> Vec<Case> {
    let dir = reference_dir();
    let text = std::fs::read_to_string(dir.join("cases.json")).expect("shared/ beside the repo");
    let json: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    let cases = json["cases"].as_array().expect("a cases array");
    assert!(!cases.is_empty(), "cases.json holds no case");
    cases
        .iter()
        .map(|c| {
            let p = &c["params"];
            let op = match c["op"].as_str().expect("op") {
                "reshape" => {
                    let s = usizes(&p["shape"]);
                    CaseOp::Reshape(s[0], s[1])
                }
                "transpose" => CaseOp::Transpose,
                "column_stack" => CaseOp::ColumnStack,
                "column_unstack" => {
                    CaseOp::ColumnUnstack(p["rows"].as_u64().expect("rows") as usize)
                }
                "permute" => CaseOp::Permute(usizes(&p["dims"]), usizes(&p["order"])),
                "permute_indices" => CaseOp::PermuteIndices(usizes(&p["rows"]), usizes(&p["cols"])),
                other => panic!("unknown op {other} in cases.json"),
            };
            let expect = match c["expect_error"].as_str() {
                Some(gist) => Expect::Error(gist.to_owned()),
                None => {
                    let s = usizes(&c["expected_shape"]);
                    Expect::Matrix {
                        path: dir.join(c["expected"].as_str().expect("expected file")),
                        shape: (s[0], s[1]),
                        nnz: c["expected_nnz"].as_u64().expect("expected_nnz") as usize,
                    }
                }
            };
            Case {
                id: c["id"].as_str().expect("id").to_owned(),
                input: dir.join(c["input"].as_str().expect("input")),
                op,
                expect,
            }
        })
        .collect()
}
