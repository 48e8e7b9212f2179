//! Writes small property cases for the six kernel targets, for the replays that cannot fuzz
//! (Miri, valgrind, a debug build with UB checks: `scripts/bughunt`):
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example property_cases -- OUT_DIR`
//!
//! writes `OUT_DIR/<target>/prop-NNNN`, files in the fuzz byte format that the target binaries
//! replay (`cargo run --bin <target> -- OUT_DIR/<target>`). The cases are what the kernels'
//! property tests cover, made deterministic: every shape up to 9 x 9 plus rows of 40 entries
//! (past the 32 the gather path rank-sorts), filled with nothing, a diagonal, one full row
//! or every cell; each kernel with valid parameters and with the invalid ones its boundary must
//! refuse. They
//! come in a fixed shuffled order, as a property test draws them, so that a replay cut short by
//! its time budget has still seen every kind of case.

use std::path::PathBuf;

use num_complex::Complex64;
use rawcheck_fuzz::Target;
use rawcheck_fuzz::kernel::{Call, Kernel, KernelInput, MatrixSpec};

/// Dimensions of the swept shapes.
const SIZES: [usize; 7] = [0, 1, 2, 3, 5, 8, 9];

/// Tensor dimensions for permute (products up to 9).
const DIMS: [&[usize]; 9] = [
    &[1],
    &[4],
    &[2, 2],
    &[2, 3],
    &[3, 2],
    &[2, 2, 2],
    &[2, 4],
    &[3, 3],
    &[1, 3, 1],
];

/// The matrices of the sweep: every shape of [`SIZES`] and a few with rows of 40 entries, each
/// empty, diagonal, with a full first row and full.
fn matrices() -> Vec<MatrixSpec> {
    let mut shapes: Vec<(usize, usize)> = SIZES
        .iter()
        .flat_map(|&r| SIZES.iter().map(move |&c| (r, c)))
        .collect();
    shapes.extend([(1, 40), (3, 40), (40, 3)]);
    let mut out = Vec::new();
    for (rows, cols) in shapes {
        let cells: Vec<(usize, usize)> = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .collect();
        let fills: [Vec<(usize, usize)>; 4] = [
            Vec::new(),
            (0..rows.min(cols)).map(|i| (i, i)).collect(),
            cells.iter().copied().filter(|&(r, _)| r == 0).collect(),
            cells,
        ];
        for fill in fills {
            let entries = fill
                .into_iter()
                .enumerate()
                .map(|(k, (r, c))| (r, c, Complex64::new(k as f64 / 8.0 + 1.0, -(k as f64))))
                .collect();
            let m = MatrixSpec {
                rows,
                cols,
                entries,
            };
            if !out.contains(&m) {
                out.push(m);
            }
        }
    }
    out
}

/// `0..n` reversed, and rotated left by one.
fn permutations(n: usize) -> [Vec<usize>; 2] {
    let mut rotated: Vec<usize> = (0..n).collect();
    rotated.rotate_left(1.min(n));
    [(0..n).rev().collect(), rotated]
}

/// The divisors `1`, the smallest one above 1 and `n` of `n > 0`.
fn divisors(n: usize) -> Vec<usize> {
    let mut d = vec![1, n];
    if let Some(s) = (2..n).find(|s| n.is_multiple_of(*s)) {
        d.push(s);
    }
    d.dedup();
    d
}

/// The same entries as one column of `rows * cols` rows, in row-major order.
fn as_column(m: &MatrixSpec) -> MatrixSpec {
    let entries = m
        .entries
        .iter()
        .map(|&(r, c, v)| (r * m.cols + c, 0, v))
        .collect();
    MatrixSpec {
        rows: m.rows * m.cols,
        cols: 1,
        entries,
    }
}

/// The cases of one kernel.
fn cases(kernel: Kernel) -> Vec<KernelInput> {
    let input = |matrix: &MatrixSpec, op: Call| KernelInput {
        matrix: matrix.clone(),
        op,
    };
    let mut out = Vec::new();
    if kernel == Kernel::Permute {
        for (k, dims) in DIMS.iter().enumerate() {
            let n: usize = dims.iter().product();
            let wrong = DIMS[(k + 1) % DIMS.len()].to_vec();
            let mut orders: Vec<Vec<usize>> = permutations(dims.len()).into();
            orders.push((0..dims.len()).collect());
            for m in matrices() {
                let shaped = (m.rows, m.cols) == (n, n)
                    || (m.rows, m.cols) == (n, 1)
                    || (m.rows, m.cols) == (1, n);
                if !shaped {
                    continue;
                }
                for order in &orders {
                    let (dims, order) = (dims.to_vec(), order.clone());
                    out.push(input(&m, Call::Permute { dims, order }));
                }
                let bad_order = vec![0; dims.len()];
                out.push(input(
                    &m,
                    Call::Permute {
                        dims: dims.to_vec(),
                        order: bad_order,
                    },
                ));
                let order = (0..wrong.len()).collect();
                out.push(input(
                    &m,
                    Call::Permute {
                        dims: wrong.clone(),
                        order,
                    },
                ));
            }
        }
        return out;
    }
    for m in matrices() {
        let (rows, cols) = (m.rows, m.cols);
        let n = rows * cols;
        match kernel {
            Kernel::Reshape => {
                for d in divisors(n.max(1)) {
                    out.push(input(
                        &m,
                        Call::Reshape {
                            rows: d,
                            cols: n / d,
                        },
                    ));
                }
                out.push(input(
                    &m,
                    Call::Reshape {
                        rows,
                        cols: cols + 1,
                    },
                ));
                out.push(input(&m, Call::Reshape { rows: 0, cols: n }));
            }
            Kernel::Transpose => out.push(input(&m, Call::Transpose)),
            Kernel::ColumnStack => out.push(input(&m, Call::ColumnStack)),
            Kernel::ColumnUnstack => {
                let column = as_column(&m);
                for d in divisors(n.max(1)) {
                    out.push(input(&column, Call::ColumnUnstack { rows: d }));
                }
                out.push(input(&column, Call::ColumnUnstack { rows: 0 }));
                out.push(input(&column, Call::ColumnUnstack { rows: n + 1 }));
                if cols > 1 {
                    out.push(input(&m, Call::ColumnUnstack { rows: 1 }));
                }
            }
            Kernel::PermuteIndices => {
                let [row_rev, row_rot] = permutations(rows);
                let [col_rev, col_rot] = permutations(cols);
                let identity = |k: usize| (0..k).collect::<Vec<_>>();
                for (r, c) in [
                    (identity(rows), identity(cols)),
                    (row_rev, col_rev.clone()),
                    (row_rot, col_rev),
                    (identity(rows), col_rot),
                    (identity(rows + 1), identity(cols)),
                    (identity(rows), vec![0; cols]),
                ] {
                    out.push(input(&m, Call::PermuteIndices { rows: r, cols: c }));
                }
            }
            Kernel::Permute => unreachable!("handled above"),
        }
    }
    out
}

/// Shuffles `v` in place with a fixed xorshift64* sequence (Fisher-Yates).
fn shuffle<T>(v: &mut [T]) {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    for i in (1..v.len()).rev() {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let j = (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 32) as usize % (i + 1);
        v.swap(i, j);
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or("usage: property_cases OUT_DIR")?
        .into();
    for target in Target::ALL {
        let Some(kernel) = target.kernel() else {
            continue;
        };
        let dir = out.join(target.name());
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        std::fs::create_dir_all(&dir)?;
        let mut cases = cases(kernel);
        shuffle(&mut cases);
        for (k, case) in cases.iter().enumerate() {
            std::fs::write(dir.join(format!("prop-{k:04}")), case.to_bytes())?;
        }
        println!("{target}: {} cases", cases.len());
    }
    Ok(())
}
