//! The floors of the scatter kernels: what moving a bench matrix's entries to their places costs
//! when everything a kernel must compute or sort is known beforehand, timed like
//! `scatter_probe` (the fastest of `REPEATS` calls, ns per nonzero, into a fresh output).
//!
//! A kernel cannot beat the floor of its formulation, so a floor slower than a target shows that
//! no kernel of that formulation meets the target on this machine:
//!
//! * `entries`: transpose's one-pass scatter with every destination computed beforehand (no
//!   count, prefix sum or cursor), only `out[dest[k]] = (row[k], value[k])`, with the kernel's
//!   look-ahead prefetch. Every counting sort (sprs', QuTiP's, SciPy's, rawcheck's direct path)
//!   does this and more.
//! * `rows-gather` and `rows-scatter`: permute's and permute_indices' row move with no sort: each
//!   output row copied from its input row with its columns mapped, the output row pointer
//!   computed first. `rows-gather` reads the input rows in output order (at random) and writes in
//!   order, prefetching [`AHEAD`] rows on; `rows-scatter` reads in order and writes each row at
//!   its output place (at random), prefetching the place [`AHEAD`] rows on. Any permutation of
//!   rows does one or the other; the kernels also sort every row.
//! * `memcpy`: the entries' values and column indices copied into fresh vectors, as the benches'
//!   memcpy floor.
//!
//! ```sh
//! cargo build --release -p rawcheck-kernels --example floor_probe
//! GLIBC_TUNABLES=... target/release/examples/floor_probe rows-scatter permute banded 1000000 20
//! ```
//!
//! Arguments: `FLOOR KERNEL FAMILY NNZ REPEATS`, `KERNEL` being `transpose`, `permute` (the
//! subsystems reversed, as in the bench) or `permute_indices` (the bench's seeded permutations),
//! `FLOOR` one of the above (`entries` for transpose only, the row floors for the permutes only).
//! Indices are 32-bit, as in the bench's 32 cells. `floor_probe list` prints each kernel's
//! floors as JSON; `scripts/floors` runs them all beside the raw kernels and tabulates them.
#![allow(
    unsafe_code,
    reason = "floors in raw pointers, as the raw kernels are; a SAFETY comment on each block"
)]

use std::process::ExitCode;
use std::time::Instant;

use num_complex::Complex64;
use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec, index_permutations};
use rawcheck_kernels::{Csr, Kernel, Variant, permute, permute_indices, transpose};

/// Rows (or, for `entries`, entries) the floors look ahead to prefetch, as the kernels do.
const AHEAD: usize = 8;

/// Asks for the cache line at `at` (the kernels' hint; never dereferences `at`).
#[inline(always)]
fn prefetch<T>(at: *const T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: `sse` is in the x86_64 baseline; the instruction reads nothing and cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at.cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = at;
}

/// A floor's output: column indices and values (and a row pointer for the row moves), kept only
/// to be checked so that no write is optimised away.
struct Moved {
    row_ptr: Vec<u32>,
    col_idx: Vec<u32>,
    values: Vec<Complex64>,
}

/// What a floor needs that a kernel would compute, built before any timed call.
struct Prepared {
    /// `entries`: the destination of each entry in transpose's output, and its input row.
    dest: Vec<u32>,
    row_of: Vec<u32>,
    /// Row moves: the scatter permutations (`row_perm[i]`: output row of input row `i`), the
    /// inverse of the rows', and the columns'.
    row_perm: Vec<usize>,
    inv_row: Vec<usize>,
    col_perm: Vec<usize>,
}

fn prepare(kernel: Kernel, spec: &Spec, a: &Csr<u32>) -> Result<Prepared, String> {
    let (rows, cols, nnz) = (a.rows(), a.cols(), a.nnz());
    let mut prepared = Prepared {
        dest: Vec::new(),
        row_of: Vec::new(),
        row_perm: Vec::new(),
        inv_row: Vec::new(),
        col_perm: Vec::new(),
    };
    match kernel {
        Kernel::Transpose => {
            let mut next = vec![0u32; cols + 1];
            for &c in a.col_idx() {
                next[c as usize + 1] += 1;
            }
            for c in 0..cols {
                next[c + 1] += next[c];
            }
            prepared.dest = vec![0; nnz];
            prepared.row_of = vec![0; nnz];
            for i in 0..rows {
                for k in a.row_ptr()[i] as usize..a.row_ptr()[i + 1] as usize {
                    let c = a.col_idx()[k] as usize;
                    prepared.dest[k] = next[c];
                    prepared.row_of[k] = i as u32;
                    next[c] += 1;
                }
            }
        }
        Kernel::Permute => {
            // The bench's permute: subsystems (d0, d1, d2) reversed, so multi-index (x, y, z)
            // goes to (z, y, x) over (d2, d1, d0).
            let &[d0, d1, d2] = spec.dims() else {
                return Err("permute floors need three subsystems".into());
            };
            let mut p = vec![0; rows];
            for x in 0..d0 {
                for y in 0..d1 {
                    for z in 0..d2 {
                        p[(x * d1 + y) * d2 + z] = (z * d1 + y) * d0 + x;
                    }
                }
            }
            prepared.col_perm = p.clone();
            prepared.row_perm = p;
        }
        Kernel::PermuteIndices => {
            (prepared.row_perm, prepared.col_perm) = index_permutations(rows, cols, DEFAULT_SEED);
        }
        other => {
            return Err(format!(
                "{other}: only transpose, permute and permute_indices"
            ));
        }
    }
    prepared.inv_row = vec![0; prepared.row_perm.len()];
    for (i, &r) in prepared.row_perm.iter().enumerate() {
        prepared.inv_row[r] = i;
    }
    Ok(prepared)
}

/// The `entries` floor (see the module documentation).
fn entries(p: &Prepared, values: &[Complex64]) -> Moved {
    let nnz = p.dest.len();
    let mut col_idx = Vec::<u32>::with_capacity(nnz);
    let mut out = Vec::<Complex64>::with_capacity(nnz);
    let (o_col, o_val) = (col_idx.as_mut_ptr(), out.as_mut_ptr());
    let (dest, row_of, val) = (p.dest.as_ptr(), p.row_of.as_ptr(), values.as_ptr());
    // SAFETY: k < nnz, the length of dest, row_of and values; dest is the transpose's placement,
    // a permutation of 0..nnz = the capacity of both outputs, so every slot is written once.
    unsafe {
        for k in 0..nnz {
            if k + AHEAD < nnz {
                let ahead = *dest.add(k + AHEAD) as usize;
                prefetch(o_col.wrapping_add(ahead));
                prefetch(o_val.wrapping_add(ahead));
            }
            let d = *dest.add(k) as usize;
            o_col.add(d).write(*row_of.add(k));
            o_val.add(d).write(*val.add(k));
        }
        col_idx.set_len(nnz);
        out.set_len(nnz);
    }
    Moved {
        row_ptr: Vec::new(),
        col_idx,
        values: out,
    }
}

/// The output row pointer of a row permutation: output row `r` as long as input row
/// `inv_row[r]`.
fn output_row_ptr(row_ptr: &[u32], inv_row: &[usize]) -> Vec<u32> {
    let mut out = Vec::with_capacity(inv_row.len() + 1);
    out.push(0);
    let mut end = 0;
    for &i in inv_row {
        end += row_ptr[i + 1] - row_ptr[i];
        out.push(end);
    }
    out
}

/// The `rows-gather` (`scatter == false`) and `rows-scatter` floors.
fn rows(p: &Prepared, a: &Csr<u32>, scatter: bool) -> Moved {
    let (rows, nnz) = (a.rows(), a.nnz());
    let row_ptr = output_row_ptr(a.row_ptr(), &p.inv_row);
    let mut col_idx = Vec::<u32>::with_capacity(nnz);
    let mut values = Vec::<Complex64>::with_capacity(nnz);
    let (o_col, o_val) = (col_idx.as_mut_ptr(), values.as_mut_ptr());
    let (in_ptr, in_col, in_val) = (
        a.row_ptr().as_ptr(),
        a.col_idx().as_ptr(),
        a.values().as_ptr(),
    );
    let (out_ptr, perm, inv, cperm) = (
        row_ptr.as_ptr(),
        p.row_perm.as_ptr(),
        p.inv_row.as_ptr(),
        p.col_perm.as_ptr(),
    );
    // Input row i spans start..start + len within 0..nnz (Csr invariants), output row r as long
    // from at; the output rows tile 0..nnz = the capacity, so every slot is written once.
    // SAFETY: n < rows, the length of row_perm and inv_row, both permutations of 0..rows, so
    // n + AHEAD (when < rows), i and r index the rows + 1 entries of both row pointers; every
    // input column is < cols = col_perm.len() and col_perm[j] < cols fits u32 (a u32 matrix).
    unsafe {
        for n in 0..rows {
            let (i, r) = if scatter {
                (n, *perm.add(n))
            } else {
                (*inv.add(n), n)
            };
            if n + AHEAD < rows {
                if scatter {
                    let ahead = *out_ptr.add(*perm.add(n + AHEAD)) as usize;
                    prefetch(o_col.wrapping_add(ahead));
                    prefetch(o_val.wrapping_add(ahead));
                    prefetch(o_val.wrapping_add(ahead + 4));
                } else {
                    let ahead = *in_ptr.add(*inv.add(n + AHEAD)) as usize;
                    prefetch(in_col.wrapping_add(ahead));
                    prefetch(in_val.wrapping_add(ahead));
                    prefetch(in_val.wrapping_add(ahead + 4));
                }
            }
            let start = *in_ptr.add(i) as usize;
            let len = *in_ptr.add(i + 1) as usize - start;
            let at = *out_ptr.add(r) as usize;
            for k in 0..len {
                let j = *in_col.add(start + k) as usize;
                o_col.add(at + k).write(*cperm.add(j) as u32);
                o_val.add(at + k).write(*in_val.add(start + k));
            }
        }
        col_idx.set_len(nnz);
        values.set_len(nnz);
    }
    Moved {
        row_ptr,
        col_idx,
        values,
    }
}

/// A floor: what the kernel's formulation costs with its computing and sorting done beforehand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Floor {
    /// transpose's one-pass scatter to precomputed destinations.
    Entries,
    /// The row move reading input rows in output order.
    RowsGather,
    /// The row move writing each input row at its output place.
    RowsScatter,
    /// The entries' column indices and values copied.
    Memcpy,
}

impl Floor {
    const ALL: [Floor; 4] = [
        Floor::Entries,
        Floor::RowsGather,
        Floor::RowsScatter,
        Floor::Memcpy,
    ];

    /// The floor's name on the command line.
    fn name(self) -> &'static str {
        match self {
            Floor::Entries => "entries",
            Floor::RowsGather => "rows-gather",
            Floor::RowsScatter => "rows-scatter",
            Floor::Memcpy => "memcpy",
        }
    }

    /// Whether this floor belongs to `kernel`'s formulation.
    fn fits(self, kernel: Kernel) -> bool {
        match self {
            Floor::Entries => kernel == Kernel::Transpose,
            Floor::RowsGather | Floor::RowsScatter => {
                matches!(kernel, Kernel::Permute | Kernel::PermuteIndices)
            }
            Floor::Memcpy => true,
        }
    }
}

/// The kernels with floors, each with its floors, as JSON (`floor_probe list`, read by
/// `scripts/floors`).
fn list() -> String {
    let kernels: Vec<String> = Kernel::ALL
        .into_iter()
        .filter(|&k| Floor::ALL.iter().any(|&f| f != Floor::Memcpy && f.fits(k)))
        .map(|k| {
            let floors: Vec<String> = Floor::ALL
                .into_iter()
                .filter(|f| f.fits(k))
                .map(|f| format!("\"{}\"", f.name()))
                .collect();
            format!("\"{k}\": [{}]", floors.join(", "))
        })
        .collect();
    format!("{{{}}}", kernels.join(", "))
}

/// The command line: the floor, the kernel whose maps it uses, the matrix, the calls.
struct Args {
    floor: Floor,
    kernel: Kernel,
    spec: Spec,
    repeats: usize,
}

fn parse(argv: &[String]) -> Result<Args, String> {
    let [floor, kernel, family, nnz, repeats] = argv else {
        return Err("expected FLOOR KERNEL FAMILY NNZ REPEATS, or list".into());
    };
    let number = |what: &str, s: &str| s.parse::<usize>().map_err(|e| format!("{what} {s:?}: {e}"));
    let kernel: Kernel = kernel.parse().map_err(|e| format!("{e}"))?;
    let floor = Floor::ALL
        .into_iter()
        .find(|f| f.name() == floor)
        .ok_or_else(|| format!("unknown floor {floor:?}"))?;
    if !floor.fits(kernel) {
        return Err(format!("the {} floor is not {kernel}'s", floor.name()));
    }
    let family: Family = family.parse().map_err(|e| format!("{e}"))?;
    Ok(Args {
        floor,
        kernel,
        spec: Spec::new(family, number("NNZ", nnz)?),
        repeats: number("REPEATS", repeats)?,
    })
}

/// Checks a floor's output against the kernel's (raw, the rule's path): `entries` must equal the
/// transpose, a row move must equal the permutation once each row is sorted.
fn check(args: &Args, a: &Csr<u32>, p: &Prepared, moved: &Moved) -> Result<(), String> {
    let want = match args.kernel {
        Kernel::Transpose => {
            transpose::Plan::new(a).and_then(|plan| transpose::run(&plan, Variant::Raw))
        }
        Kernel::Permute => {
            let order: Vec<usize> = (0..args.spec.dims().len()).rev().collect();
            permute::permute(a, args.spec.dims(), &order, Variant::Raw)
        }
        _ => permute_indices::permute_indices(a, &p.row_perm, &p.col_perm, Variant::Raw),
    }
    .map_err(|e| e.to_string())?;
    let (mut col_idx, mut values) = (moved.col_idx.clone(), moved.values.clone());
    if !moved.row_ptr.is_empty() {
        if moved.row_ptr != want.row_ptr() {
            return Err("the row move's row pointer differs from the kernel's".into());
        }
        for w in moved.row_ptr.windows(2) {
            let range = w[0] as usize..w[1] as usize;
            let mut row: Vec<(u32, Complex64)> = moved.col_idx[range.clone()]
                .iter()
                .copied()
                .zip(moved.values[range.clone()].iter().copied())
                .collect();
            row.sort_unstable_by_key(|&(c, _)| c);
            for (k, (c, v)) in range.zip(row) {
                (col_idx[k], values[k]) = (c, v);
            }
        }
    }
    if col_idx != want.col_idx() || values != want.values() {
        return Err(format!(
            "the {} floor's entries differ from the kernel's",
            args.floor.name()
        ));
    }
    Ok(())
}

/// Times `args.floor` on the bench matrix: its fastest call in ns per nonzero, and a checksum
/// of the outputs. The last output is checked against the kernel's (`memcpy` excepted).
fn run(args: &Args) -> Result<(f64, u64), String> {
    let a = args
        .spec
        .generate(DEFAULT_SEED)
        .to_index::<u32>()
        .map_err(|e| e.to_string())?;
    let prepared = prepare(args.kernel, &args.spec, &a)?;
    let (mut fastest, mut sum) = (f64::INFINITY, 0u64);
    for call in 1..=args.repeats {
        let start = Instant::now();
        let moved = match args.floor {
            Floor::Entries => entries(&prepared, a.values()),
            Floor::RowsGather => rows(&prepared, &a, false),
            Floor::RowsScatter => rows(&prepared, &a, true),
            Floor::Memcpy => Moved {
                row_ptr: Vec::new(),
                col_idx: a.col_idx().to_vec(),
                values: a.values().to_vec(),
            },
        };
        fastest = fastest.min(start.elapsed().as_secs_f64() * 1e9 / a.nnz().max(1) as f64);
        if call == args.repeats && args.floor != Floor::Memcpy {
            check(args, &a, &prepared, &moved)?;
        }
        let mid = moved.col_idx.len() / 2;
        sum = sum
            .wrapping_add(moved.row_ptr.last().copied().unwrap_or(0).into())
            .wrapping_add(moved.col_idx.get(mid).copied().unwrap_or(0).into())
            .wrapping_add(moved.values.get(mid).map_or(0, |v| v.re.to_bits()));
    }
    Ok((fastest, sum))
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv == ["list"] {
        println!("{}", list());
        return ExitCode::SUCCESS;
    }
    match parse(&argv).and_then(|args| run(&args)) {
        Ok((fastest, check)) => {
            println!("fastest run {fastest:.2} ns per nonzero (checksum {check:x})");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
