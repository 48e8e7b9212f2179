//! `rawcheck gen`: export a benchmark matrix and the parameters the benchmarks use with it, so
//! other tools (`scripts/peers`) time exactly the inputs criterion times.
//!
//! The matrices are `Spec::new(family, nnz).generate(seed)` and its `Spec::vectorisable` twin,
//! exactly the benches' inputs for the default seed; every parameter comes from the benches' own
//! [`BenchKernel::plan`]s on the benches' own [`Source`] shapes, so there is one definition of what
//! is measured.

use std::path::{Path, PathBuf};

use rawcheck_benches::Source;
use rawcheck_benches::kernels::{
    BenchKernel, ColumnUnstack, Permute, PermuteIndices, Reshape, Shape,
};
use rawcheck_kernels::families::{Family, Spec};
use rawcheck_kernels::{Csr, mtx};
use serde::Serialize;

use crate::commands::CliResult;
use crate::streams::{DASH, is_dash, write_output};

/// `NAME.params.json`: see `scripts/peers.py` for how each key is used.
#[derive(Debug, Serialize)]
struct ParamsFile {
    family: String,
    /// The nominal nnz (the power of ten in the bench ids), not necessarily the matrix's.
    nnz: usize,
    shape: [usize; 2],
    reshape: [usize; 2],
    dims: Vec<usize>,
    order: Vec<usize>,
    rows_perm_file: String,
    cols_perm_file: String,
    /// column_stack's input, denser than the main matrix (`Spec::vectorisable`).
    vectorisable_input: String,
    vectorisable_shape: [usize; 2],
    /// Rows of column_unstack's result: the vectorisable input's rows (its input is the
    /// column_stack of the vectorisable input).
    unstack_rows: usize,
}

/// Writes `out` (the matrix) and, beside it with the `.mtx` suffix replaced, `NAME.params.json`,
/// `NAME.rows.txt`, `NAME.cols.txt` and `NAME.vec.mtx` (column_stack/column_unstack's input).
pub fn gen_command(family: Family, nnz: usize, seed: u64, out: &Path) -> CliResult<()> {
    let source = Source::Family(family);
    let shape = source.shape(nnz, false);
    let vec_shape = source.shape(nnz, true);
    let missing = |kernel: &str| format!("gen: the benches plan no {kernel} for {family}/{nnz}");
    let (r, c) = Reshape::plan(&shape)
        .ok_or_else(|| missing(Reshape::NAME))?
        .params;
    let (dims, order) = Permute::plan(&shape)
        .ok_or_else(|| missing(Permute::NAME))?
        .params;
    let (rows_perm, cols_perm) = PermuteIndices::plan(&shape)
        .ok_or_else(|| missing(PermuteIndices::NAME))?
        .params;
    let unstack_rows = ColumnUnstack::plan(&vec_shape)
        .ok_or_else(|| missing(ColumnUnstack::NAME))?
        .params;

    if is_dash(out) {
        return Err(format!(
            "gen: -o {DASH} is not supported: gen writes NAME.mtx and four files beside it"
        )
        .into());
    }
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| format!("gen: {} is not a file name", out.display()))?;
    let stem = name.strip_suffix(".mtx").unwrap_or(&name).to_owned();
    let sibling = |suffix: &str| -> (PathBuf, String) {
        let file = format!("{stem}{suffix}");
        (out.with_file_name(&file), file)
    };
    let (rows_path, rows_file) = sibling(".rows.txt");
    let (cols_path, cols_file) = sibling(".cols.txt");
    let (vec_path, vec_file) = sibling(".vec.mtx");
    let (params_path, _) = sibling(".params.json");

    let comment = |what: &str| format!("rawcheck gen {family} --nnz {nnz} --seed {seed}{what}");
    write_matrix(&Spec::new(family, nnz).generate(seed), out, &comment(""))?;
    write_matrix(
        &Spec::vectorisable(family, nnz).generate(seed),
        &vec_path,
        &comment(" (vectorisable input of column_stack)"),
    )?;
    write_text(&rows_path, &join(&rows_perm))?;
    write_text(&cols_path, &join(&cols_perm))?;
    let params = ParamsFile {
        family: family.name().to_owned(),
        nnz,
        shape: dims2(&shape),
        reshape: [r, c],
        dims,
        order,
        rows_perm_file: rows_file,
        cols_perm_file: cols_file,
        vectorisable_input: vec_file,
        vectorisable_shape: dims2(&vec_shape),
        unstack_rows,
    };
    let json = serde_json::to_string_pretty(&params)?;
    write_text(&params_path, &(json + "\n"))
}

fn dims2(shape: &Shape) -> [usize; 2] {
    [shape.rows, shape.cols]
}

fn join(list: &[usize]) -> String {
    let mut text = list
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(" ");
    text.push('\n');
    text
}

fn write_matrix(a: &Csr<u64>, path: &Path, comment: &str) -> CliResult<()> {
    write_output(path, |w| mtx::write(a, w, Some(comment)))
}

fn write_text(path: &Path, text: &str) -> CliResult<()> {
    write_output(path, |w| w.write_all(text.as_bytes()))
}
