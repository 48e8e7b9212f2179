//! Where benchmark inputs come from: the generated families and the user's `.mtx` files.

use std::borrow::Cow;
use std::path::Path;

use rawcheck_kernels::Csr;
use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec};
use rawcheck_kernels::mtx::MtxError;

use crate::Profile;
use crate::kernels::{Shape, smallest_factor};

/// The environment variable naming a directory whose `.mtx` files are benchmarked too.
pub const MTX_DIR_VAR: &str = "RAWCHECK_MTX_DIR";

/// One source of benchmark inputs: the `<family>` part of the ids.
#[derive(Debug, Clone)]
pub enum Source {
    /// A generated family, at every size of the profile, from [`DEFAULT_SEED`].
    Family(Family),
    /// A Matrix Market file, family `file-<name>`, at its own nnz.
    File {
        /// The file name without `.mtx`.
        name: String,
        /// Its matrix.
        matrix: Csr<u64>,
    },
}

impl Source {
    /// The four families, then every `.mtx` file (by name) in `$RAWCHECK_MTX_DIR` if set.
    pub fn all() -> Result<Vec<Source>, String> {
        let mut sources: Vec<Source> = Family::ALL.into_iter().map(Source::Family).collect();
        if let Some(dir) = std::env::var_os(MTX_DIR_VAR) {
            sources.extend(Self::files(Path::new(&dir))?);
        }
        Ok(sources)
    }

    /// Every `.mtx` file in `dir`, sorted by name; an unreadable one is an error.
    pub fn files(dir: &Path) -> Result<Vec<Source>, String> {
        let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut paths = Vec::new();
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
            if path.extension().is_some_and(|x| x == "mtx") && path.is_file() {
                paths.push(path);
            }
        }
        paths.sort();
        paths
            .into_iter()
            .map(|path| {
                let (matrix, _) = rawcheck_kernels::mtx::read_path::<u64>(&path).map_err(|e| {
                    match e {
                        MtxError::Io { .. } => e.to_string(), // names the file already
                        _ => format!("{}: {e}", path.display()),
                    }
                })?;
                let name = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                Ok(Source::File { name, matrix })
            })
            .collect()
    }

    /// The family name in benchmark ids.
    pub fn name(&self) -> String {
        match self {
            Source::Family(f) => f.name().to_owned(),
            Source::File { name, .. } => format!("file-{name}"),
        }
    }

    /// Nominal nnz of the inputs this source provides under `profile`.
    pub fn sizes(&self, profile: Profile) -> Vec<usize> {
        match self {
            Source::Family(_) => profile.sizes(),
            Source::File { matrix, .. } => vec![matrix.nnz()],
        }
    }

    /// The shape of the input of nominal size `nnz`, known without generating it.
    ///
    /// A file's `dims` split its permutable dimension (rows of a square matrix or a ket, columns
    /// of a bra) at its smallest prime factor; they are empty when it has none.
    pub fn shape(&self, nnz: usize, vectorisable: bool) -> Shape {
        match self {
            Source::Family(f) => {
                let spec = spec(*f, nnz, vectorisable);
                Shape {
                    rows: spec.dim(),
                    cols: spec.dim(),
                    nnz: spec.nnz(),
                    dims: spec.dims().to_vec(),
                }
            }
            Source::File { matrix, .. } => {
                let (rows, cols) = matrix.shape();
                let n = match (rows, cols) {
                    (r, c) if r == c || c == 1 => r,
                    (1, c) => c,
                    _ => 0,
                };
                let p = if n >= 2 { smallest_factor(n) } else { n };
                let dims = if p < n { vec![p, n / p] } else { vec![] };
                Shape {
                    rows,
                    cols,
                    nnz: matrix.nnz(),
                    dims,
                }
            }
        }
    }

    /// The input of nominal size `nnz` (generated on each call for a family).
    pub fn matrix(&self, nnz: usize, vectorisable: bool) -> Cow<'_, Csr<u64>> {
        match self {
            Source::Family(f) => Cow::Owned(spec(*f, nnz, vectorisable).generate(DEFAULT_SEED)),
            Source::File { matrix, .. } => Cow::Borrowed(matrix),
        }
    }
}

fn spec(family: Family, nnz: usize, vectorisable: bool) -> Spec {
    if vectorisable {
        Spec::vectorisable(family, nnz)
    } else {
        Spec::new(family, nnz)
    }
}
