//! Generated mutants of rawcheck's raw code, compiled as schemata.
//!
//! * [`ops`]: the mutation operators and the syntax walk (`syn`) that finds their sites.
//! * [`catalogue`]: the mutants of the tree, in the files and functions of [`scopes`]: every
//!   candidate the operators find except those in [`UNCOMPILABLE`], which do not type-check.
//! * [`schema`]: a source file rewritten so that each site chooses between its original text and
//!   its mutants by `crate::mutant::current()`, and each function with mutants runs its original
//!   body unless one of them is active: all mutants compile into one build and
//!   `RAWCHECK_MUTANT` picks the active one at run time.
//! * [`apply`]: the schematised copy of the tree, checked by `cargo check` (mutants that do not
//!   type-check are dropped, with the compiler's reason, and `--record` lists them).
//!
//! A mutant's id is a hash of its file, enclosing function, operator, original and replacement
//! text (whitespace squashed) and its occurrence among identical ones there: an edit elsewhere,
//! or a reformatting, does not renumber it.

pub mod apply;
pub mod ops;
pub mod schema;

use std::path::Path;

use ops::{Mutant, Operator, Select};
use serde::Serialize;

/// The kernels with a raw variant: each has `<kernel>/raw.rs` and a `Plan::new` in `mod.rs`.
/// The test `every_kernel_directory_is_in_scope` keeps this in step with `kernels/src`.
pub const KERNEL_DIRS: [&str; 6] = [
    "reshape",
    "transpose",
    "column_stack",
    "column_unstack",
    "permute",
    "permute_indices",
];

/// The scopes besides the kernels' own files: the `Csr` constructors, the shared size checks
/// they and every `Plan::new` call, and the Matrix Market reader.
const SHARED_SCOPES: [(&str, Select<'static>); 3] = [
    (
        "kernels/src/csr.rs",
        Select::Roots(&["Csr::new", "Csr::from_triplets"]),
    ),
    ("kernels/src/checks.rs", Select::All),
    ("kernels/src/mtx/read.rs", Select::All),
];

/// Where mutants are made: each kernel's `raw.rs` (all of it) and `mod.rs` (`Plan::new` and
/// what it calls there), then the shared scopes; files from the repository root.
pub fn scopes() -> Vec<(String, Select<'static>)> {
    let mut all = Vec::new();
    for dir in KERNEL_DIRS {
        all.push((format!("kernels/src/{dir}/raw.rs"), Select::All));
        all.push((
            format!("kernels/src/{dir}/mod.rs"),
            Select::Roots(&["Plan::new"]),
        ));
    }
    all.extend(SHARED_SCOPES.iter().map(|(f, s)| (f.to_string(), *s)));
    all
}

/// FNV-1a, 32 bits: small, stable across platforms and Rust versions.
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// The id of a mutant: hash of where it is and what it changes, never 0 (0 means "none") nor
/// `u32::MAX` (the switch's "not read yet").
pub fn stable_id(
    file: &str,
    function: &str,
    op: Operator,
    original: &str,
    replacement: &str,
    occurrence: usize,
) -> u32 {
    let key = format!(
        "{file}\0{function}\0{}\0{original}\0{replacement}\0{occurrence}",
        op.name()
    );
    fnv1a(key.as_bytes()).clamp(1, u32::MAX - 1)
}

/// The mutants of one file, with the source they were found in.
#[derive(Debug, Clone)]
pub struct FileMutants {
    /// The file, from the repository root.
    pub file: String,
    /// Its source.
    pub source: String,
    /// Its mutants, in source order.
    pub mutants: Vec<Mutant>,
}

/// The mutants known not to type-check (a replacement of another type, a pointer to another
/// element type), one id per line with where it is and the compiler's reason, written by
/// `rawcheck-mutants apply --record`; [`catalogue`] leaves them out.
pub const UNCOMPILABLE: &str = "mutants/uncompilable.txt";

/// The ids listed in [`UNCOMPILABLE`] under `root` (none when the file is missing).
pub fn uncompilable(root: &Path) -> Result<std::collections::BTreeSet<u32>, String> {
    let path = root.join(UNCOMPILABLE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(Default::default());
    };
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let id = l.split_whitespace().next().unwrap_or("");
            u32::from_str_radix(id, 16)
                .map_err(|_| format!("{}: {l:?} does not start with a mutant id", path.display()))
        })
        .collect()
}

/// The mutants of the tree at `root` that compile: [`candidates`] without those listed in
/// [`UNCOMPILABLE`].
pub fn catalogue(root: &Path) -> Result<Vec<FileMutants>, String> {
    let skip = uncompilable(root)?;
    let mut files = candidates(root)?;
    for f in &mut files {
        f.mutants.retain(|m| !skip.contains(&m.id));
    }
    Ok(files)
}

/// Every mutant the operators find in the tree at `root`, file by file; an error names a file
/// that cannot be read or parsed, or two mutants with the same id.
pub fn candidates(root: &Path) -> Result<Vec<FileMutants>, String> {
    let mut files = Vec::new();
    let mut ids = std::collections::HashMap::new();
    for (file, select) in scopes() {
        let path = root.join(&file);
        let source = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mutants = ops::find(&file, &source, select)
            .map_err(|e| format!("cannot parse {}: {e}", path.display()))?;
        for m in &mutants {
            if let Some(other) = ids.insert(m.id, format!("{}:{}", m.file, m.line)) {
                return Err(format!(
                    "mutant id {:08x} at {}:{} collides with {other}",
                    m.id, m.file, m.line
                ));
            }
        }
        files.push(FileMutants {
            file,
            source,
            mutants,
        });
    }
    Ok(files)
}

/// One line of the catalogue as `list --json` and `mutants.json` print it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Eight hex digits: the value of `RAWCHECK_MUTANT` that switches it on.
    pub id: String,
    /// The file, from the repository root.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Enclosing function.
    pub function: String,
    /// Operator name.
    pub operator: &'static str,
    /// Original text (whitespace squashed).
    pub original: String,
    /// Replacement text (whitespace squashed; empty: the statement is dropped).
    pub replacement: String,
}

impl From<&Mutant> for Entry {
    fn from(m: &Mutant) -> Self {
        Entry {
            id: format!("{:08x}", m.id),
            file: m.file.clone(),
            line: m.line,
            column: m.column,
            function: m.function.clone(),
            operator: m.operator.name(),
            original: ops::squash(&m.original),
            replacement: ops::squash(&m.replacement),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root() -> &'static Path {
        Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
    }

    #[test]
    fn the_uncompilable_list_names_only_candidates() {
        let known: std::collections::BTreeSet<u32> = candidates(root())
            .unwrap()
            .iter()
            .flat_map(|f| f.mutants.iter().map(|m| m.id))
            .collect();
        let listed = uncompilable(root()).unwrap();
        assert!(!listed.is_empty());
        let stale: Vec<String> = listed
            .difference(&known)
            .map(|id| format!("{id:08x}"))
            .collect();
        assert!(stale.is_empty(), "stale ids in {UNCOMPILABLE}: {stale:?}");
    }

    #[test]
    fn every_kernel_directory_is_in_scope() {
        let mut dirs: Vec<String> = std::fs::read_dir(root().join("kernels/src"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.join("raw.rs").is_file())
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        dirs.sort();
        let mut listed = KERNEL_DIRS.map(String::from).to_vec();
        listed.sort();
        assert_eq!(dirs, listed);
    }

    #[test]
    fn the_tree_has_at_least_150_mutants_in_every_scope_with_unique_ids() {
        let files = catalogue(root()).unwrap();
        let total: usize = files.iter().map(|f| f.mutants.len()).sum();
        assert!(total >= 150, "{total} mutants");
        for f in &files {
            assert!(!f.mutants.is_empty(), "{}: no mutant", f.file);
        }
        let ops: std::collections::BTreeSet<Operator> = files
            .iter()
            .flat_map(|f| f.mutants.iter().map(|m| m.operator))
            .collect();
        assert_eq!(ops.len(), Operator::ALL.len(), "operators used: {ops:?}");
        // Every plan is in (`Plan::new` or the `Plan::with_path` it calls), no dispatch function.
        for f in files.iter().filter(|f| f.file.ends_with("mod.rs")) {
            assert!(
                f.mutants.iter().any(|m| m.function.starts_with("Plan::")),
                "{}",
                f.file
            );
            let kernel = f.file.split('/').nth(2).unwrap();
            assert!(
                f.mutants
                    .iter()
                    .all(|m| m.function != kernel && m.function != "run"),
                "{}",
                f.file
            );
        }
    }
}
