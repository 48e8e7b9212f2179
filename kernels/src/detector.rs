//! The detectors of the bug hunt (`scripts/bughunt`), by name: the columns of its matrix.

use crate::named::named_enum;

named_enum! {
    /// A way of running the fuzz targets that may detect a seeded bug ([`crate::bugs`]).
    pub enum Detector, unknown UnknownDetector = "detector" {
        /// cargo fuzz's default build: AddressSanitizer and debug assertions.
        FuzzAsan => "fuzz-asan",
        /// cargo fuzz `-O`: AddressSanitizer, no debug assertions.
        FuzzAsanRelease => "fuzz-asan-release",
        /// libFuzzer without sanitizer (`-s none`, `-O`): only the harness's own checks.
        FuzzNone => "fuzz-none",
        /// Miri (Stacked Borrows) on the raw variant, replaying the smallest set of inputs that
        /// covers every edge of corpus, regressions and property cases.
        MiriStacked => "miri-stacked",
        /// The same with Tree Borrows.
        MiriTree => "miri-tree",
        /// valgrind memcheck on the fuzz-none binary replaying corpus, regressions and property cases.
        Valgrind => "valgrind",
        /// The same inputs through the file replayer in a debug build with `-Zub-checks=yes`.
        DebugUbChecks => "debug-ub-checks",
        /// The fuzz-none build fuzzing the checked variant alone.
        CheckedVariant => "checked-variant",
    }
}
