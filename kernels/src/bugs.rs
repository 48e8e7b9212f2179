//! The seeded-bug catalogue: eight bugs, six from QuTiP's history and two classics of raw
//! pointers, that cargo features (`bug-*`, off by default) put back into the kernels, so that
//! `scripts/bughunt` can measure which detector finds each one and how fast.
//!
//! Each bug is a `#[cfg(feature = "bug-...")]` alternative of the few lines it changes in the raw
//! variant (search the sources for the feature name), and of the same lines in the checked
//! variant where safe code can make the same mistake ([`InChecked::Carried`]). B8 lives in the
//! permute plan, which every variant shares. A default build compiles none of them: [`seeded`]
//! is then empty, and the test of this module fails in any build that is not.

use crate::Kernel;

/// Whether the checked variant carries a seeded bug too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InChecked {
    /// The same logic mistake is written into the checked variant (or into code it shares).
    Carried,
    /// Safe code cannot make this mistake; the reason.
    Prevented(&'static str),
}

/// One seeded bug.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeededBug {
    /// `B1` .. `B8`.
    pub id: &'static str,
    /// The cargo feature that compiles it in.
    pub feature: &'static str,
    /// The kernel that carries it, which is also the fuzz target that calls that kernel.
    pub kernel: Kernel,
    /// What goes wrong.
    pub summary: &'static str,
    /// Where the mistake comes from.
    pub origin: &'static str,
    /// Whether the checked variant carries it too.
    pub checked: InChecked,
    /// Whether this build compiles it in.
    pub enabled: bool,
}

/// Every seeded bug, enabled or not.
pub const CATALOGUE: [SeededBug; 8] = [
    SeededBug {
        id: "B1",
        feature: "bug-reshape-prefix-sum",
        kernel: Kernel::Reshape,
        summary: "the row-pointer fill runs to rows + 1: a write one past the row pointer",
        origin: "QuTiP b6dcc2893 (reshape's prefix sum, found with AddressSanitizer)",
        checked: InChecked::Carried,
        enabled: cfg!(feature = "bug-reshape-prefix-sum"),
    },
    SeededBug {
        id: "B2",
        feature: "bug-permute-zero-nnz",
        kernel: Kernel::PermuteIndices,
        summary: "the density test divides by nnz before the nnz == 0 guard",
        origin: "QuTiP 2dd468058 (found with -fsanitize=float-divide-by-zero)",
        checked: InChecked::Carried,
        enabled: cfg!(feature = "bug-permute-zero-nnz"),
    },
    SeededBug {
        id: "B3",
        feature: "bug-permute-len-for-index",
        kernel: Kernel::PermuteIndices,
        summary: "the gather and scatter paths write each short-row entry at the row's length, not its index",
        origin: "QuTiP 5ad2bb5d7 (len written where the index n belonged)",
        checked: InChecked::Carried,
        enabled: cfg!(feature = "bug-permute-len-for-index"),
    },
    SeededBug {
        id: "B4",
        feature: "bug-flat-index-overflow",
        kernel: Kernel::Reshape,
        summary: "the flat index r * cols + c is kept in the index type and wraps past 2^32",
        origin: "QuTiP issue 2575 (32-bit idxint arithmetic)",
        checked: InChecked::Carried,
        enabled: cfg!(feature = "bug-flat-index-overflow"),
    },
    SeededBug {
        id: "B5",
        feature: "bug-missing-zero-fill",
        kernel: Kernel::PermuteIndices,
        summary: "the counting sort's counters are not zeroed before counting (uninitialised read)",
        origin: "QuTiP's memset after csr.empty, which leaves row pointers uninitialised",
        checked: InChecked::Prevented(
            "safe Rust cannot read uninitialised memory: the checked variant's counters come \
             from try_filled, which writes every element",
        ),
        enabled: cfg!(feature = "bug-missing-zero-fill"),
    },
    SeededBug {
        id: "B6",
        feature: "bug-stale-pointer",
        kernel: Kernel::ColumnStack,
        summary: "a pointer into a buffer is kept across the buffer's growth (use after free)",
        origin: "the classic stale pointer after realloc",
        checked: InChecked::Prevented(
            "safe Rust cannot keep a pointer across a reallocation: the borrow checker rejects \
             a live reference into a Vec that is grown",
        ),
        enabled: cfg!(feature = "bug-stale-pointer"),
    },
    SeededBug {
        id: "B7",
        feature: "bug-aliasing-slices",
        kernel: Kernel::PermuteIndices,
        summary: "two overlapping &mut slices carved from one allocation",
        origin: "Miri's Types-as-Contracts report on split_at_mut",
        checked: InChecked::Prevented(
            "safe Rust cannot create overlapping &mut slices: split_at_mut and the borrow \
             checker make the halves disjoint",
        ),
        enabled: cfg!(feature = "bug-aliasing-slices"),
    },
    SeededBug {
        id: "B8",
        feature: "bug-unchecked-dims",
        kernel: Kernel::Permute,
        summary: "prod(dims) is checked on the operator path only: a ket or bra with wrong dims \
                  scatters through a permutation of the wrong length",
        origin: "QuTiP 5.3.1 dimensions_csr (no check on its bra and sparse paths)",
        checked: InChecked::Carried,
        enabled: cfg!(feature = "bug-unchecked-dims"),
    },
];

/// The ids of the seeded bugs this build compiles in: empty in a default build.
pub fn seeded() -> Vec<&'static str> {
    CATALOGUE
        .iter()
        .filter(|b| b.enabled)
        .map(|b| b.id)
        .collect()
}

/// Whether this build has the run-time switch of the generated mutants (feature `mutants`,
/// README "Mutants"): false in a default build, whose sources have no mutation site either.
pub fn mutant_switch() -> bool {
    cfg!(feature = "mutants")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_without_bug_features_has_no_seeded_bug() {
        assert_eq!(
            seeded(),
            Vec::<&str>::new(),
            "this build carries seeded bugs; never ship it"
        );
    }

    /// Every source file of the crate with its text.
    fn sources() -> Vec<(std::path::PathBuf, String)> {
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.push((path, text));
                }
            }
        }
        files
    }

    /// Fails in the schematised copy of `rawcheck-mutants apply` (which has the switch and the
    /// sites), by design: that copy is for the mutant campaign only.
    #[test]
    #[cfg_attr(miri, ignore = "reads the sources; Miri isolates files")]
    fn a_default_build_has_no_mutant_switch() {
        assert!(
            !mutant_switch(),
            "this build has the mutant switch; never ship it"
        );
        let root = env!("CARGO_MANIFEST_DIR");
        let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
        assert!(
            manifest.contains("\nmutants = []\n"),
            "no `mutants` feature"
        );
        // This file names the switch too, in this test.
        for (path, text) in sources() {
            let named = path.ends_with("mutant.rs") || path.ends_with("bugs.rs");
            assert!(
                named || !text.contains("crate::mutant::"),
                "{}: mutation sites are generated, never checked in",
                path.display()
            );
        }
    }

    #[test]
    #[cfg_attr(miri, ignore = "reads the manifest; Miri isolates files")]
    fn every_bug_is_a_feature_off_by_default_with_code_behind_it() {
        let root = env!("CARGO_MANIFEST_DIR");
        let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml")).unwrap();
        let features = manifest
            .split("[features]")
            .nth(1)
            .and_then(|s| s.split("\n[").next())
            .expect("a [features] table");
        assert!(features.contains("default = []\n"), "{features}");
        let sources: String = sources()
            .into_iter()
            .filter(|(path, _)| !path.ends_with("bugs.rs"))
            .map(|(_, text)| text)
            .collect();
        for (n, bug) in CATALOGUE.iter().enumerate() {
            assert_eq!(bug.id, format!("B{}", n + 1));
            assert!(
                features.contains(&format!("\n{} = []\n", bug.feature)),
                "{}: no feature {}",
                bug.id,
                bug.feature
            );
            let cfg = format!("feature = \"{}\"", bug.feature);
            assert!(
                sources.contains(&format!("#[cfg({cfg})]"))
                    || sources.contains(&format!("#[cfg(not({cfg}))]")),
                "{}: no code under {cfg}",
                bug.id
            );
        }
        let declared = features.matches("\nbug-").count();
        assert_eq!(declared, CATALOGUE.len(), "bug features without an entry");
    }
}
