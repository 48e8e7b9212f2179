//! The counted inputs' base matrices, generated natively once per run and loaded by the setup.
//!
//! Under Callgrind every instruction of the setup is simulated too (uncounted, not free):
//! generating a 1e5-entry family matrix costs as many instructions as the kernel call itself.
//! The main setup runs natively, so it writes each base matrix the run needs to a small binary
//! file; the setup of each id reads it back through [`Csr::new`] (which checks every invariant).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use num_complex::Complex64;
use rawcheck_kernels::Csr;

use super::CountCase;

/// The file of one base matrix in `dir`.
fn file(dir: &Path, case: &CountCase) -> PathBuf {
    let shape = if case.vectorisable() { "vec" } else { "nat" };
    dir.join(format!("{}-{}-{shape}.csr", case.family, case.nominal))
}

/// Writes the base matrix of every case (once per family, size and shape) to `dir`, anew on
/// every run so a file never outlives a change of the generator.
pub fn write_all(dir: &Path, cases: &[CountCase]) -> Result<(), String> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut written = BTreeSet::new();
    for case in cases {
        let path = file(dir, case);
        if written.insert(path.clone()) {
            let m = case.base();
            let mut bytes = Vec::new();
            let mut put = |x: u64| bytes.extend_from_slice(&x.to_le_bytes());
            put(m.rows() as u64);
            put(m.cols() as u64);
            put(m.nnz() as u64);
            m.row_ptr().iter().chain(m.col_idx()).for_each(|&x| put(x));
            for v in m.values() {
                put(v.re.to_bits());
                put(v.im.to_bits());
            }
            let tmp = path.with_extension("tmp");
            fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
            fs::rename(&tmp, &path).map_err(|e| format!("{}: {e}", path.display()))?;
        }
    }
    Ok(())
}

/// The base matrix of `case` from `dir`, `None` when the file is not there.
pub fn read(dir: &Path, case: &CountCase) -> Result<Option<Csr<u64>>, String> {
    let path = file(dir, case);
    let Ok(bytes) = fs::read(&path) else {
        return Ok(None);
    };
    let what = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let words: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|w| u64::from_le_bytes(w.try_into().expect("chunks of 8")))
        .collect();
    let [rows, cols, nnz] = match words.get(..3) {
        Some(&[r, c, n]) => [r, c, n].map(|x| x as usize),
        _ => return Err(what(&"truncated header")),
    };
    if words.len() != 3 + rows + 1 + 3 * nnz {
        return Err(what(&"length does not match its header"));
    }
    let (row_ptr, rest) = words[3..].split_at(rows + 1);
    let (col_idx, values) = rest.split_at(nnz);
    let values = values
        .chunks_exact(2)
        .map(|p| Complex64::new(f64::from_bits(p[0]), f64::from_bits(p[1])))
        .collect();
    Csr::new(rows, cols, row_ptr.to_vec(), col_idx.to_vec(), values)
        .map(Some)
        .map_err(|e| what(&e))
}
