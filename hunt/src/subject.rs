//! What a hunt hunts: a [`Subject`] is a defect that some build of the fuzz crate carries, and
//! the detectors are timed on finding it.
//!
//! A seeded bug ([`rawcheck_kernels::bugs`]) is a subject with its own cargo feature, so its own
//! build per detector mode. A generated mutant of issue 14 ([`crate::campaign::subject`]) is one
//! too: all of them are compiled into one schemata build (one feature shared by every mutant, so
//! one build per mode for the whole campaign), the active one chosen at run time by
//! `RAWCHECK_MUTANT=<id>` in [`Subject::env`]. Everything downstream (builds keyed by feature,
//! runs given the subject's environment, Miri given it through `-Zmiri-env-set`) works that way.

use rawcheck_fuzz::Target;
use rawcheck_kernels::Detector;
use rawcheck_kernels::bugs::{InChecked, SeededBug};

/// A defect to hunt.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    /// Its id in the results (`B1`..`B8`).
    pub id: String,
    /// The fuzz target the detectors run: its kernel's, or the reader's or `Csr::new`'s.
    pub fuzz_target: Target,
    /// The cargo feature of the fuzz crate whose build carries it; builds are shared by every
    /// subject with the same feature.
    pub feature: String,
    /// Environment variables every run of it gets, besides the detector's.
    pub env: Vec<(String, String)>,
    /// Whether the checked variant carries it.
    pub checked: InChecked,
}

impl Subject {
    /// The subject of a seeded bug: its feature, no run-time switch.
    pub fn seeded(bug: &SeededBug) -> Subject {
        Subject {
            id: bug.id.to_owned(),
            fuzz_target: Target::Kernel(bug.kernel),
            feature: bug.feature.to_owned(),
            env: Vec::new(),
            checked: bug.checked,
        }
    }

    /// The name of the fuzz target the detectors run.
    pub fn target(&self) -> &'static str {
        self.fuzz_target.name()
    }
}

/// How a detector runs the fuzz crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A libFuzzer binary of `cargo fuzz build` with this sanitizer (`address` or `none`),
    /// optimised (`-O`, no debug assertions) or not; `fuzz` says whether it fuzzes (else it
    /// replays the files it is given, as under valgrind).
    LibFuzzer {
        /// cargo fuzz's `--sanitizer`.
        sanitizer: &'static str,
        /// cargo fuzz's `--release`.
        release: bool,
        /// Whether the detector fuzzes (else replays).
        fuzz: bool,
    },
    /// Miri interpreting the file replayer, with Tree Borrows or Stacked Borrows.
    Miri {
        /// `-Zmiri-tree-borrows`.
        tree: bool,
    },
    /// The file replayer in a debug build with `-Zub-checks=yes`.
    UbChecks,
}

/// The mode of `detector`.
pub fn mode(detector: Detector) -> Mode {
    let lib = |sanitizer, release, fuzz| Mode::LibFuzzer {
        sanitizer,
        release,
        fuzz,
    };
    match detector {
        Detector::FuzzAsan => lib("address", false, true),
        Detector::FuzzAsanRelease => lib("address", true, true),
        Detector::FuzzNone | Detector::CheckedVariant => lib("none", true, true),
        Detector::Valgrind => lib("none", true, false),
        Detector::MiriStacked => Mode::Miri { tree: false },
        Detector::MiriTree => Mode::Miri { tree: true },
        Detector::DebugUbChecks => Mode::UbChecks,
    }
}

/// The kernel variants `detector` runs (`RAWCHECK_VARIANTS`, read by the fuzz crate): the raw
/// variant carries the bugs, the safe one (free of them but for B8, which sits in a plan every
/// variant shares) is the differential reference; the checked variant is its own detector. Miri
/// interprets the raw variant alone, the only one with unsafe code, as it is ~1000x slower.
pub fn variants(detector: Detector) -> &'static str {
    match mode(detector) {
        _ if detector == Detector::CheckedVariant => "checked",
        Mode::Miri { .. } => "raw",
        Mode::LibFuzzer { .. } | Mode::UbChecks => "raw,safe",
    }
}

/// Why `detector` cannot find `subject`, when it cannot: the checked variant fuzzed alone does
/// not carry a bug safe code cannot make.
pub fn prevented(subject: &Subject, detector: Detector) -> Option<&'static str> {
    match (detector, subject.checked) {
        (Detector::CheckedVariant, InChecked::Prevented(reason)) => Some(reason),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use rawcheck_kernels::bugs::CATALOGUE;

    use super::*;

    #[test]
    fn each_detector_runs_its_variants() {
        assert_eq!(variants(Detector::CheckedVariant), "checked");
        assert_eq!(variants(Detector::MiriTree), "raw");
        assert_eq!(variants(Detector::MiriStacked), "raw");
        for d in [
            Detector::FuzzAsan,
            Detector::FuzzAsanRelease,
            Detector::FuzzNone,
            Detector::Valgrind,
            Detector::DebugUbChecks,
        ] {
            assert_eq!(variants(d), "raw,safe", "{d}");
        }
    }

    #[test]
    fn the_checked_variant_is_prevented_where_the_catalogue_says_so() {
        let prevented_ids: Vec<&str> = CATALOGUE
            .iter()
            .filter(|b| prevented(&Subject::seeded(b), Detector::CheckedVariant).is_some())
            .map(|b| b.id)
            .collect();
        assert_eq!(prevented_ids, ["B5", "B6", "B7"]);
        let b7 = Subject::seeded(&CATALOGUE[6]);
        assert_eq!(b7.target(), "permute_indices");
        assert_eq!(prevented(&b7, Detector::MiriTree), None);
    }
}
