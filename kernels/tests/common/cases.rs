//! QuTiP's reference cases (`shared/reference/qutip/cases.json`), shared by the library test and
//! the command-line test.
#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;

use rawcheck_kernels::{Call, Kernel};
use serde_json::Value;

/// Folder with the reference inputs, QuTiP's outputs and `cases.json`: `shared/` sits beside the
/// workspace root.
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference/qutip")
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
    /// The kernel call.
    pub call: Call,
    /// What it must give.
    pub expect: Expect,
}

impl Case {
    /// The `rawcheck` subcommand and its parameter arguments.
    pub fn cli_args(&self) -> Vec<String> {
        let list = |v: &[usize]| {
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        };
        let params: Vec<String> = match &self.call {
            Call::Reshape { rows, cols } => vec!["--shape".into(), format!("{rows},{cols}")],
            Call::Transpose | Call::ColumnStack => vec![],
            Call::ColumnUnstack { rows } => vec!["--rows".into(), rows.to_string()],
            Call::Permute { dims, order } => {
                vec!["--dims".into(), list(dims), "--order".into(), list(order)]
            }
            Call::PermuteIndices { rows, cols } => {
                vec!["--rows".into(), list(rows), "--cols".into(), list(cols)]
            }
        };
        [vec![self.call.kernel().command()], params].concat()
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
            let kernel: Kernel = c["op"].as_str().expect("op").parse().expect("a kernel");
            let call = match kernel {
                Kernel::Reshape => {
                    let s = usizes(&p["shape"]);
                    Call::Reshape {
                        rows: s[0],
                        cols: s[1],
                    }
                }
                Kernel::Transpose => Call::Transpose,
                Kernel::ColumnStack => Call::ColumnStack,
                Kernel::ColumnUnstack => Call::ColumnUnstack {
                    rows: p["rows"].as_u64().expect("rows") as usize,
                },
                Kernel::Permute => Call::Permute {
                    dims: usizes(&p["dims"]),
                    order: usizes(&p["order"]),
                },
                Kernel::PermuteIndices => Call::PermuteIndices {
                    rows: usizes(&p["rows"]),
                    cols: usizes(&p["cols"]),
                },
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
                call,
                expect,
            }
        })
        .collect()
}
