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
    /// The `rawcheck` subcommand and its parameter arguments (`--shape 2,3`).
    pub fn cli_args(&self) -> Vec<String> {
        let mut args = vec![self.call.kernel().command()];
        for (name, values) in self.call.params() {
            let list: Vec<String> = values.iter().map(usize::to_string).collect();
            args.extend([format!("--{name}"), list.join(",")]);
        }
        args
    }
}

/// A parameter of a case: a number or a list of numbers.
fn usizes(v: &Value) -> Option<Vec<usize>> {
    let number = |x: &Value| x.as_u64().map(|x| x as usize);
    match v {
        Value::Array(a) => a.iter().map(number).collect(),
        x => number(x).map(|x| vec![x]),
    }
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
            let kernel: Kernel = c["op"].as_str().expect("op").parse().expect("a kernel");
            let call = Call::from_params(kernel, |name| usizes(&c["params"][name]))
                .expect("the parameters of a kernel");
            let expect = match c["expect_error"].as_str() {
                Some(gist) => Expect::Error(gist.to_owned()),
                None => {
                    let s = usizes(&c["expected_shape"]).expect("expected_shape");
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
