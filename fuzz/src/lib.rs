//! rawcheck's fuzz targets, in one place for libFuzzer, the stable replay test and any other
//! replayer (Miri, valgrind).
//!
//! Every target is `fn(&[u8])`: [`Target::check`] decodes the bytes into a structured input
//! ([`bytes`] explains the byte format and its bias toward the interesting region) and runs the
//! differential checks, returning a [`Finding`] when the library misbehaves; a panic inside the
//! library is a finding too. [`run`] (what the fuzz binaries call) turns a finding into a panic
//! that names the decoded input.
//!
//! * Kernel targets ([`kernel`]): every variant x both index widths, against a model of the
//!   boundary rules, each other, a sparse and a dense oracle.
//! * `mtx_parse` ([`mtx_parse`]): bytes into the Matrix Market reader, against an independent
//!   reader ([`mtx_oracle`]), and the write/read round trip.
//! * `csr_new` ([`csr_new`]): arrays into `Csr::new` and triplets into `Csr::from_triplets`,
//!   against an independent statement of the invariants.

pub mod bytes;
pub mod csr_new;
pub mod kernel;
pub mod mtx_oracle;
pub mod mtx_parse;
pub mod variants;

use std::fmt;
use std::path::{Path, PathBuf};

use arbitrary::Unstructured;
use rawcheck_kernels::{Csr, CsrError, Index};

use crate::bytes::Gen;
use crate::kernel::{Kernel, KernelInput};

/// A fuzz target; its [`Target::name`] is the cargo-fuzz binary, corpus and regression folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// The target of one kernel ([`kernel`]), named after it.
    Kernel(Kernel),
    /// The Matrix Market reader and writer.
    MtxParse,
    /// `Csr::new` and `Csr::from_triplets`.
    CsrNew,
}

impl Target {
    /// Every target: the kernels' in [`Kernel::ALL`] order, then `mtx_parse` and `csr_new`.
    pub const ALL: [Target; Kernel::ALL.len() + 2] = {
        let mut all = [Target::MtxParse; Kernel::ALL.len() + 2];
        let mut i = 0;
        while i < Kernel::ALL.len() {
            all[i] = Target::Kernel(Kernel::ALL[i]);
            i += 1;
        }
        all[i + 1] = Target::CsrNew;
        all
    };

    /// The target's name: its kernel's name for a kernel target.
    pub fn name(self) -> &'static str {
        match self {
            Target::Kernel(kernel) => kernel.name(),
            Target::MtxParse => "mtx_parse",
            Target::CsrNew => "csr_new",
        }
    }

    /// The target called `name`.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }

    /// The kernel a kernel target calls.
    pub fn kernel(self) -> Option<Kernel> {
        match self {
            Target::Kernel(kernel) => Some(kernel),
            Target::MtxParse | Target::CsrNew => None,
        }
    }

    /// Decodes `data` and checks the library on it.
    pub fn check(self, data: &[u8]) -> Result<Verdict, Finding> {
        let mut u = Unstructured::new(data);
        match self {
            Target::Kernel(k) => kernel::check(&KernelInput::decode(k, &mut Gen::new(&mut u))),
            Target::MtxParse => mtx_parse::check(data),
            Target::CsrNew => csr_new::check(&csr_new::CsrInput::decode(&mut Gen::new(&mut u))),
        }
    }

    /// The decoded input, for messages (long inputs are cut).
    pub fn describe(self, data: &[u8]) -> String {
        let mut u = Unstructured::new(data);
        let text = match self {
            Target::Kernel(k) => format!("{:?}", KernelInput::decode(k, &mut Gen::new(&mut u))),
            Target::MtxParse => format!("{:?}", String::from_utf8_lossy(data)),
            Target::CsrNew => format!("{:?}", csr_new::CsrInput::decode(&mut Gen::new(&mut u))),
        };
        const MAX: usize = 4000;
        match text.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{}... ({} more bytes)", &text[..cut], text.len() - cut),
            None => text,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the check did with an input that found nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// Valid but beyond the harness's memory bound (see [`kernel::MAX_WORK`]): not run.
    Skipped,
    /// The library refused the input, as it must.
    Refused,
    /// The library accepted the input and every comparison passed.
    Ran,
}

/// The library misbehaved: what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding(pub String);

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Returns a [`Finding`] with a formatted message unless the condition holds.
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return Err($crate::Finding(format!($($msg)+)));
        }
    };
}
pub(crate) use ensure;

/// Checks `data` as `target`; a finding becomes a panic naming the decoded input (what libFuzzer
/// reports as a crash).
pub fn run(target: Target, data: &[u8]) {
    if let Err(finding) = target.check(data) {
        panic!("{target}: {finding}\ninput: {}", target.describe(data));
    }
}

/// Equal shapes and arrays, and every pair of value parts `same`.
pub fn same_matrix<I: Index>(a: &Csr<I>, b: &Csr<I>, same: impl Fn(f64, f64) -> bool) -> bool {
    a.shape() == b.shape()
        && a.row_ptr() == b.row_ptr()
        && a.col_idx() == b.col_idx()
        && a.values().len() == b.values().len()
        && a.values()
            .iter()
            .zip(b.values())
            .all(|(x, y)| same(x.re, y.re) && same(x.im, y.im))
}

/// Equal bits, or both NaN: the comparison for *computed* values (sums of duplicates), since
/// Rust leaves the payload and sign of a NaN result unspecified (LLVM may swap the operands of
/// `+`, and the two index widths are compiled separately).
pub fn same_sum(x: f64, y: f64) -> bool {
    x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan())
}

/// Equal shapes, arrays, and values bit for bit (so `-0.0 != 0.0` and NaN payloads count): what
/// kernels that move values must produce.
pub fn bitwise_eq<I: Index>(a: &Csr<I>, b: &Csr<I>) -> bool {
    same_matrix(a, b, |x, y| x.to_bits() == y.to_bits())
}

/// Runs `Csr::new`'s validation on a copy of `a`'s arrays.
pub fn revalidate<I: Index>(a: &Csr<I>) -> Result<(), CsrError> {
    Csr::new(
        a.rows(),
        a.cols(),
        a.row_ptr().to_vec(),
        a.col_idx().to_vec(),
        a.values().to_vec(),
    )
    .map(drop)
}

/// The input files of `dir`, sorted by name: not recursive, hidden files (`.gitkeep`) and
/// `.txt` descriptions left out; none when `dir` does not exist.
pub fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            !name.starts_with('.') && !name.ends_with(".txt")
        })
        .collect();
    files.sort();
    files
}

/// The replayer behind a fuzz binary built without libFuzzer (`cargo run --bin TARGET -- PATH...`,
/// e.g. under valgrind): checks every file given, or every file of every folder given, prints
/// one line per file and exits non-zero when something was found.
pub fn replay_main(target: Target) {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!(
            "usage: {target} FILE_OR_DIR...  (replays inputs; fuzz with scripts/fuzz {target})"
        );
        std::process::exit(2);
    }
    let mut found = 0;
    for path in paths {
        let list = if path.is_dir() {
            inputs(&path)
        } else {
            vec![path]
        };
        for file in list {
            let data = match std::fs::read(&file) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{}: {e}", file.display());
                    std::process::exit(2);
                }
            };
            let checked = std::panic::catch_unwind(|| target.check(&data));
            let failure = match checked {
                Ok(Ok(v)) => {
                    println!("{}: {v:?}", file.display());
                    continue;
                }
                Ok(Err(f)) => f.0,
                Err(_) => "panicked (message above)".to_owned(),
            };
            found += 1;
            println!(
                "{}: FINDING {failure}\ninput: {}",
                file.display(),
                target.describe(&data)
            );
        }
    }
    if found > 0 {
        std::process::exit(1);
    }
}

/// The body of a fuzz target file: a libFuzzer entry point under `cargo fuzz` (`cfg(fuzzing)`),
/// a file replayer ([`replay_main`]) otherwise. `fuzz_main!(kernel Reshape)` is the target of
/// [`Kernel::Reshape`], `fuzz_main!(MtxParse)` that of [`Target::MtxParse`]. The file also needs
/// `#![cfg_attr(fuzzing, no_main)]`.
#[macro_export]
macro_rules! fuzz_main {
    (kernel $kernel:ident) => {
        $crate::fuzz_main!(@target $crate::Target::Kernel($crate::kernel::Kernel::$kernel));
    };
    ($target:ident) => {
        $crate::fuzz_main!(@target $crate::Target::$target);
    };
    (@target $target:expr) => {
        #[cfg(fuzzing)]
        libfuzzer_sys::fuzz_target!(|data: &[u8]| { $crate::run($target, data) });

        #[cfg(not(fuzzing))]
        fn main() {
            $crate::replay_main($target)
        }
    };
}
