//! The committed seed corpus (`fuzz/corpus/<target>/seed-*` and `qutip-*`): hand-made edge
//! cases plus QuTiP's reference cases from `shared/reference/qutip`.
//!
//! Included by `examples/make_seeds.rs` (which writes the files) and `tests/corpus.rs` (which
//! checks the committed files are what this produces), so the seeds keep decoding to the inputs
//! named here when the byte format changes.

use std::path::Path;

use num_complex::Complex64;
use rawcheck_fuzz::Target;
use rawcheck_fuzz::csr_new::CsrInput;
use rawcheck_fuzz::kernel::{Call, Kernel, KernelInput, MatrixSpec};
use rawcheck_kernels::mtx::{self, Field, Symmetry};

/// One seed file: `fuzz/corpus/<target>/<name>`.
pub struct SeedFile {
    /// The target whose corpus holds it.
    pub target: Target,
    /// File name.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Largest seed kept, in bytes (the smallest `max_len` of the kernel targets).
pub const MAX_SEED: usize = 4096;

fn c(re: f64, im: f64) -> Complex64 {
    Complex64::new(re, im)
}

fn spec(rows: usize, cols: usize, entries: &[(usize, usize, Complex64)]) -> MatrixSpec {
    MatrixSpec {
        rows,
        cols,
        entries: entries.to_vec(),
    }
}

/// A few small matrices with values chosen for their bits.
fn matrices() -> Vec<(&'static str, MatrixSpec)> {
    let nan = f64::from_bits(0x7ff8_0000_0000_0001);
    let full3: Vec<_> = (0..9)
        .map(|k| (k / 3, k % 3, c(k as f64 - 4.0, 0.5)))
        .collect();
    vec![
        (
            "2x3",
            spec(
                2,
                3,
                &[
                    (0, 2, c(1.5, 2.0)),
                    (1, 0, c(-0.0, 0.0)),
                    (1, 1, c(nan, -1e-310)),
                ],
            ),
        ),
        ("0x0", spec(0, 0, &[])),
        ("0x5", spec(0, 5, &[])),
        ("4x0", spec(4, 0, &[])),
        ("1x1", spec(1, 1, &[(0, 0, c(f64::INFINITY, -0.0))])),
        ("3x3-full", spec(3, 3, &full3)),
        ("3x3-empty", spec(3, 3, &[])),
        (
            "ket6",
            spec(
                6,
                1,
                &[
                    (0, 0, c(1.0, 0.0)),
                    (2, 0, c(0.0, -1.0)),
                    (5, 0, c(0.25, 3.0)),
                ],
            ),
        ),
        (
            "bra6",
            spec(1, 6, &[(0, 1, c(2.0, 0.0)), (0, 4, c(-3.0, 1.0))]),
        ),
        (
            "6x6",
            spec(
                6,
                6,
                &[
                    (0, 0, c(1.0, 0.0)),
                    (1, 4, c(2.0, 1.0)),
                    (3, 2, c(-1.0, 0.0)),
                    (5, 5, c(0.0, 0.0)),
                ],
            ),
        ),
        (
            "8x8",
            spec(
                8,
                8,
                &[
                    (0, 7, c(1.0, 0.0)),
                    (2, 3, c(2.0, 0.0)),
                    (6, 1, c(3.0, 0.0)),
                    (7, 7, c(4.0, 0.0)),
                ],
            ),
        ),
    ]
}

fn matrix(name: &str) -> MatrixSpec {
    matrices()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, m)| m)
        .unwrap_or_else(|| panic!("no seed matrix {name}"))
}

/// A square matrix of order `n` with two diagonal entries: around 2^16 the flat index
/// `r * cols + c` leaves 32 bits.
fn corners(n: usize) -> MatrixSpec {
    spec(n, n, &[(0, 0, c(1.0, 0.0)), (n - 1, n - 1, c(2.0, 0.0))])
}

/// A `3 x cols` matrix whose middle row holds `len` entries, `step` columns apart, and whose
/// first row holds two.
fn long_row(cols: usize, len: usize, step: usize) -> MatrixSpec {
    let mut entries = vec![(0, 1, c(1.0, 0.0)), (0, cols - 1, c(2.0, 0.0))];
    entries.extend((0..len).map(|k| (1, k * step, c(k as f64 / 8.0, 1.0))));
    spec(3, cols, &entries)
}

/// `0..n` reversed.
fn reversed(n: usize) -> Vec<usize> {
    (0..n).rev().collect()
}

fn kernel_seeds() -> Vec<(String, KernelInput)> {
    let k = |matrix: MatrixSpec, op: Call| KernelInput { matrix, op };
    let reshape = |rows, cols| Call::Reshape { rows, cols };
    let unstack = |rows| Call::ColumnUnstack { rows };
    let permute = |dims: &[usize], order: &[usize]| Call::Permute {
        dims: dims.to_vec(),
        order: order.to_vec(),
    };
    let indices = |rows: &[usize], cols: &[usize]| Call::PermuteIndices {
        rows: rows.to_vec(),
        cols: cols.to_vec(),
    };
    let big = 1usize << 32;
    let mut seeds = vec![
        ("ok-2x3-to-3x2", k(matrix("2x3"), reshape(3, 2))),
        ("ok-2x3-to-6x1", k(matrix("2x3"), reshape(6, 1))),
        ("ok-2x3-to-1x6", k(matrix("2x3"), reshape(1, 6))),
        ("ok-full-to-1x9", k(matrix("3x3-full"), reshape(1, 9))),
        ("ok-ket-to-2x3", k(matrix("ket6"), reshape(2, 3))),
        (
            "ok-65536-to-32768x131072",
            k(corners(1 << 16), reshape(1 << 15, 1 << 17)),
        ),
        ("ok-u64-only-1x2pow32", k(corners(1 << 16), reshape(1, big))),
        ("bad-6x6-to-5x7", k(matrix("6x6"), reshape(5, 7))),
        ("bad-zero-rows", k(matrix("6x6"), reshape(0, 36))),
        ("bad-overflow", k(matrix("6x6"), reshape(usize::MAX, 2))),
        ("bad-empty-shape", k(matrix("0x5"), reshape(1, 1))),
        (
            "bad-stray-entry",
            k(
                spec(2, 2, &[(0, 0, c(1.0, 0.0)), (2, 0, c(1.0, 0.0))]),
                reshape(4, 1),
            ),
        ),
    ];
    seeds.extend([
        ("ok-65537-corners", k(corners(65537), Call::Transpose)),
        (
            "u32-overflow-65537-corners",
            k(corners(65537), Call::ColumnStack),
        ),
        ("ok-ket6-by-2", k(matrix("ket6"), unstack(2))),
        ("ok-ket6-by-3", k(matrix("ket6"), unstack(3))),
        ("ok-ket6-by-6", k(matrix("ket6"), unstack(6))),
        ("ok-ket6-by-1", k(matrix("ket6"), unstack(1))),
        ("ok-0x1-by-5", k(spec(0, 1, &[]), unstack(5))),
        ("huge-0x1-by-2pow32", k(spec(0, 1, &[]), unstack(big))),
        ("bad-ket6-by-4", k(matrix("ket6"), unstack(4))),
        ("bad-ket6-by-0", k(matrix("ket6"), unstack(0))),
        ("bad-not-a-column", k(matrix("2x3"), unstack(2))),
        ("ok-6x6-2-3", k(matrix("6x6"), permute(&[2, 3], &[1, 0]))),
        ("ok-ket6-3-2", k(matrix("ket6"), permute(&[3, 2], &[1, 0]))),
        ("ok-bra6-2-3", k(matrix("bra6"), permute(&[2, 3], &[1, 0]))),
        (
            "ok-8x8-2-2-2",
            k(matrix("8x8"), permute(&[2, 2, 2], &[2, 0, 1])),
        ),
        ("ok-1x1", k(matrix("1x1"), permute(&[1], &[0]))),
        (
            "bad-dims-mismatch",
            k(matrix("6x6"), permute(&[2, 2], &[1, 0])),
        ),
        (
            "bad-duplicate-order",
            k(matrix("6x6"), permute(&[2, 3], &[1, 1])),
        ),
        ("bad-order-length", k(matrix("6x6"), permute(&[2, 3], &[0]))),
        (
            "bad-order-range",
            k(matrix("6x6"), permute(&[2, 3], &[0, 5])),
        ),
        ("bad-empty-dims", k(matrix("1x1"), permute(&[], &[]))),
        ("bad-zero-dim", k(matrix("6x6"), permute(&[0, 6], &[0, 1]))),
        (
            "bad-dims-overflow",
            k(matrix("6x6"), permute(&[big, big], &[1, 0])),
        ),
        (
            "bad-not-permutable",
            k(spec(6, 2, &[]), permute(&[6], &[0])),
        ),
        (
            "ok-3x3",
            k(matrix("3x3-full"), indices(&[2, 0, 1], &[1, 2, 0])),
        ),
        ("ok-2x3", k(matrix("2x3"), indices(&[1, 0], &[2, 0, 1]))),
        ("ok-0x0", k(matrix("0x0"), indices(&[], &[]))),
        (
            "ok-ket6",
            k(matrix("ket6"), indices(&[5, 4, 3, 2, 1, 0], &[0])),
        ),
        // Rows longer than the gather paths' short-row limit (32 entries), so every path takes
        // its long-row branch; the wide one spreads its row over several bitmap summary words.
        (
            "ok-long-row",
            k(long_row(100, 50, 2), indices(&[2, 1, 0], &reversed(100))),
        ),
        (
            "ok-long-row-wide",
            k(
                long_row(20_000, 40, 500),
                indices(&[2, 1, 0], &reversed(20_000)),
            ),
        ),
        (
            "bad-duplicate",
            k(matrix("3x3-full"), indices(&[0, 0, 1], &[0, 1, 2])),
        ),
        (
            "bad-length",
            k(matrix("3x3-full"), indices(&[0, 1], &[0, 1, 2])),
        ),
        (
            "bad-range",
            k(matrix("3x3-full"), indices(&[0, 1, 2], &[0, 1, usize::MAX])),
        ),
    ]);
    let mut seeds: Vec<(String, KernelInput)> =
        seeds.into_iter().map(|(n, i)| (n.to_owned(), i)).collect();
    let stray = spec(2, 2, &[(0, 1, c(1.0, 0.0)), (0, 2, c(2.0, 0.0))]);
    for op in [Call::Transpose, Call::ColumnStack] {
        for m in [
            "2x3", "0x0", "0x5", "4x0", "1x1", "3x3-full", "ket6", "bra6",
        ] {
            seeds.push((format!("ok-{m}"), k(matrix(m), op.clone())));
        }
        seeds.push(("bad-stray-entry".to_owned(), k(stray.clone(), op)));
    }
    seeds
}

fn csr_seeds() -> Vec<(&'static str, CsrInput)> {
    let parts = |wide, rows, cols, rp: &[u64], ci: &[u64], n: usize| CsrInput {
        wide,
        rows,
        cols,
        row_ptr: rp.to_vec(),
        col_idx: ci.to_vec(),
        values: (0..n).map(|k| c(k as f64, -(k as f64))).collect(),
        triplets: Vec::new(),
    };
    let dup = |wide, triplets: &[(usize, usize, Complex64)]| CsrInput {
        triplets: triplets.to_vec(),
        ..parts(wide, 2, 3, &[0, 0, 0], &[], 0)
    };
    vec![
        ("ok-2x3-u32", parts(false, 2, 3, &[0, 1, 3], &[2, 0, 1], 3)),
        ("ok-2x3-u64", parts(true, 2, 3, &[0, 1, 3], &[2, 0, 1], 3)),
        ("ok-0x0", parts(true, 0, 0, &[0], &[], 0)),
        ("ok-0x5", parts(false, 0, 5, &[0], &[], 0)),
        ("ok-4x0", parts(true, 4, 0, &[0; 5], &[], 0)),
        ("bad-row-ptr-length", parts(false, 2, 3, &[0, 1], &[0], 1)),
        ("bad-row-ptr-start", parts(true, 1, 3, &[1, 1], &[0], 1)),
        (
            "bad-row-ptr-decreasing",
            parts(false, 2, 3, &[0, 2, 1], &[0, 1], 2),
        ),
        ("bad-row-ptr-end", parts(true, 1, 3, &[0, 1], &[0, 1], 2)),
        (
            "bad-row-ptr-past-nnz",
            parts(false, 1, 3, &[0, 5], &[0, 1], 2),
        ),
        ("bad-length-mismatch", parts(true, 1, 3, &[0, 1], &[0], 0)),
        (
            "bad-column-range",
            parts(false, 8, 10, &[0, 0, 0, 0, 0, 0, 0, 0, 1], &[12], 1),
        ),
        (
            "bad-columns-duplicate",
            parts(true, 1, 3, &[0, 2], &[1, 1], 2),
        ),
        (
            "bad-columns-unsorted",
            parts(false, 1, 3, &[0, 2], &[2, 0], 2),
        ),
        ("bad-u32-cols", parts(false, 1, 1 << 32, &[0, 0], &[], 0)),
        ("ok-u64-cols", parts(true, 1, 1 << 32, &[0, 0], &[], 0)),
        (
            "ok-u32-max-cols",
            parts(false, 1, u32::MAX as usize, &[0, 0], &[], 0),
        ),
        (
            "ok-triplets-summed",
            dup(
                true,
                &[
                    (1, 2, c(1.0, 0.0)),
                    (0, 1, c(-0.0, 0.0)),
                    (1, 2, c(4.0, 0.0)),
                    (0, 1, c(0.0, 0.0)),
                ],
            ),
        ),
        ("bad-triplet-range", dup(false, &[(2, 0, c(1.0, 0.0))])),
    ]
}

/// Hand-made Matrix Market files: every field and symmetry, number forms, and the errors.
fn mtx_seeds() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "ok-complex-general",
            "%%MatrixMarket matrix coordinate complex general\n% a comment\n3 3 2\n1 1 2.5 0\n3 1 -3E-1 1.5\n",
        ),
        (
            "ok-real-symmetric",
            "%%MatrixMarket matrix coordinate real symmetric\n3 3 3\n1 1 1\n2 1 -2.5\n3 2 .5\n",
        ),
        (
            "ok-integer-skew",
            "%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 2\n2 1 7\n3 1 -9007199254740993\n",
        ),
        (
            "ok-pattern",
            "%%MatrixMarket matrix coordinate pattern general\n2 4 3\n1 4\n2 1\n1 1\n",
        ),
        (
            "ok-hermitian",
            "%%MatrixMarket matrix coordinate complex hermitian\n2 2 2\n1 1 1 5\n2 1 0 -1\n",
        ),
        (
            "ok-empty",
            "%%MatrixMarket matrix coordinate real general\n0 0 0\n",
        ),
        (
            "ok-crlf-blank-lines",
            "%%MatrixMarket matrix coordinate real general\r\n\r\n%\r\n  \r\n2 2 1\r\n2 2 1e5\r\n",
        ),
        (
            "ok-specials",
            "%%MATRIXMARKET Matrix Coordinate Complex General\n1 4 4\n1 1 -0 +0\n1 2 inf -inf\n1 3 nan -nan\n1 4 4.9e-324 1e308\n",
        ),
        (
            "ok-duplicates",
            "%%MatrixMarket matrix coordinate real general\n2 2 3\n1 1 1\n1 1 -1\n2 2 5.\n",
        ),
        (
            "ok-wide-u64-only",
            "%%MatrixMarket matrix coordinate real general\n1 4294967296 1\n1 4294967296 1\n",
        ),
        (
            "ok-u32-max-cols",
            "%%MatrixMarket matrix coordinate real general\n1 4294967295 1\n1 4294967295 1\n",
        ),
        ("bad-no-banner", "3 3 0\n"),
        (
            "bad-array",
            "%%MatrixMarket matrix array real general\n2 2\n1\n2\n3\n4\n",
        ),
        (
            "bad-vector",
            "%%MatrixMarket vector coordinate real general\n2 1\n1 1\n",
        ),
        (
            "bad-field",
            "%%MatrixMarket matrix coordinate quaternion general\n1 1 0\n",
        ),
        (
            "bad-pattern-skew",
            "%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 0\n",
        ),
        (
            "bad-not-square",
            "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n",
        ),
        (
            "bad-truncated",
            "%%MatrixMarket matrix coordinate real general\n2 2 2\n1 1 1\n",
        ),
        (
            "bad-too-many",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n2 2 2\n",
        ),
        (
            "bad-index-zero",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n0 1 1\n",
        ),
        (
            "bad-index-range",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n3 1 1\n",
        ),
        (
            "bad-skew-diagonal",
            "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n",
        ),
        (
            "bad-u32-rows",
            "%%MatrixMarket matrix coordinate real general\n4294967296 1 0\n",
        ),
        (
            "bad-row-limit",
            "%%MatrixMarket matrix coordinate real general\n1000000 1 0\n",
        ),
        (
            "bad-comment-after-size",
            "%%MatrixMarket matrix coordinate real general\n1 1 1\n% late\n1 1 1\n",
        ),
        (
            "bad-hex-and-fortran",
            "%%MatrixMarket matrix coordinate real general\n1 2 2\n1 1 0x1p3\n1 2 1.5D3\n",
        ),
        (
            "bad-size-tokens",
            "%%MatrixMarket matrix coordinate real general\n1 1\n",
        ),
        (
            "ok-row-limit",
            "%%MatrixMarket matrix coordinate pattern general\n4096 1 1\n4096 1\n",
        ),
        (
            "bad-row-limit-plus-one",
            "%%MatrixMarket matrix coordinate pattern general\n4097 1 0\n",
        ),
        (
            "bad-banner-word",
            "%%MatrixMarke matrix coordinate real general\n1 1 0\n",
        ),
        (
            "bad-banner-six-words",
            "%%MatrixMarket matrix coordinate real general extra\n1 1 0\n",
        ),
        (
            "bad-symmetry",
            "%%MatrixMarket matrix coordinate real lower\n1 1 0\n",
        ),
        (
            "bad-entry-tokens",
            "%%MatrixMarket matrix coordinate complex general\n2 2 2\n1 1 1 0\n2 2 1\n",
        ),
        (
            "bad-trailing-content",
            "%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1\n\nend\n",
        ),
    ]
}

/// One small file per field x symmetry (but `pattern skew-symmetric`): a comment and blank
/// lines before and after the size line, a diagonal entry (but for skew-symmetric), an entry
/// given in both triangles and one repeated, so every expansion and summation is reached.
fn field_symmetry_seeds() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for field in Field::ALL {
        for symmetry in Symmetry::ALL {
            if (field, symmetry) == (Field::Pattern, Symmetry::SkewSymmetric) {
                continue;
            }
            let values: [&str; 4] = match field {
                Field::Real => ["1.5", "-0.25", "3e2", "-0"],
                Field::Integer => ["7", "-3", "0", "2"],
                Field::Complex => ["1.5 -2", "-0.25 0", "3 1e-3", "0 -0"],
                Field::Pattern => [""; 4],
            };
            let [a, b, c, d] = values.map(|v| match v {
                "" => String::new(),
                v => format!(" {v}"),
            });
            let diagonal = match symmetry {
                Symmetry::SkewSymmetric => String::new(),
                _ => format!("3 3{c}\n"),
            };
            let entries = 4 + usize::from(!diagonal.is_empty());
            out.push((
                format!("ok-dups-{field}-{symmetry}"),
                format!(
                    "%%MatrixMarket matrix coordinate {field} {symmetry}\n% {field} {symmetry}\n\n\
                     3 3 {entries}\n\n2 1{a}\n1 2{b}\n{diagonal}3 2{d}\n  \n3 2{a}\n\n"
                ),
            ));
        }
    }
    out
}

/// QuTiP's reference cases (`cases.json`) as kernel seeds, plus the reference files as
/// `mtx_parse` seeds; anything larger than [`MAX_SEED`] is left out.
fn reference_seeds(dir: &Path) -> Result<Vec<SeedFile>, String> {
    let text = std::fs::read_to_string(dir.join("cases.json"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    let cases: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let read = |file: &str| -> Result<MatrixSpec, String> {
        let (a, _) = mtx::read_path::<u64>(&dir.join(file)).map_err(|e| e.to_string())?;
        Ok(spec(a.rows(), a.cols(), &a.iter().collect::<Vec<_>>()))
    };
    let usizes = |v: &serde_json::Value| -> Option<Vec<usize>> {
        let number = |x: &serde_json::Value| x.as_u64().map(|x| x as usize);
        match v {
            serde_json::Value::Array(a) => a.iter().map(number).collect(),
            x => number(x).map(|x| vec![x]),
        }
    };
    let mut out = Vec::new();
    for case in cases["cases"].as_array().ok_or("cases.json: no cases")? {
        let id = case["id"].as_str().ok_or("case without id")?;
        let kernel: Kernel = case["op"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .map_err(|e| format!("case {id}: {e}"))?;
        let op = Call::from_params(kernel, |name| usizes(&case["params"][name]))
            .map_err(|e| format!("case {id}: {e}"))?;
        let target = Target::Kernel(kernel);
        let input = case["input"].as_str().ok_or("case without input")?;
        let bytes = KernelInput {
            matrix: read(input)?,
            op,
        }
        .to_bytes();
        if bytes.len() <= MAX_SEED {
            out.push(SeedFile {
                target,
                name: format!("qutip-{id}"),
                bytes,
            });
        }
        // An expected column is also an input for column_unstack: back to the operator.
        if let (Target::Kernel(Kernel::ColumnStack), Some(expected)) =
            (target, case["expected"].as_str())
        {
            let column = read(expected)?;
            let rows = read(input)?.rows;
            let bytes = KernelInput {
                matrix: column,
                op: Call::ColumnUnstack { rows },
            }
            .to_bytes();
            if bytes.len() <= MAX_SEED {
                out.push(SeedFile {
                    target: Target::Kernel(Kernel::ColumnUnstack),
                    name: format!("qutip-{id}-back"),
                    bytes,
                });
            }
        }
    }
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "mtx"))
        .collect();
    files.sort();
    for path in files {
        let bytes = std::fs::read(&path).map_err(|e| e.to_string())?;
        if bytes.len() <= MAX_SEED {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            out.push(SeedFile {
                target: Target::MtxParse,
                name: format!("qutip-{stem}"),
                bytes,
            });
        }
    }
    Ok(out)
}

/// Every hand-made seed.
pub fn hand_made() -> Vec<SeedFile> {
    let mut out = Vec::new();
    for (name, input) in kernel_seeds() {
        let target = Target::Kernel(input.kernel());
        out.push(SeedFile {
            target,
            name: format!("seed-{name}"),
            bytes: input.to_bytes(),
        });
    }
    for (name, input) in csr_seeds() {
        out.push(SeedFile {
            target: Target::CsrNew,
            name: format!("seed-{name}"),
            bytes: input.to_bytes(),
        });
    }
    let mtx = mtx_seeds()
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text.to_owned()))
        .chain(field_symmetry_seeds());
    for (name, text) in mtx {
        out.push(SeedFile {
            target: Target::MtxParse,
            name: format!("seed-{name}"),
            bytes: text.into_bytes(),
        });
    }
    out
}

/// Every seed: hand-made, plus QuTiP's when `reference` (shared/reference/qutip) exists.
pub fn all(reference: &Path) -> Result<Vec<SeedFile>, String> {
    let mut out = hand_made();
    if reference.exists() {
        out.extend(reference_seeds(reference)?);
    }
    Ok(out)
}
