//! Fuzz target `transpose`: see `rawcheck_fuzz::Target::Transpose` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(Transpose);
