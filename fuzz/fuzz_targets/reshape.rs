//! Fuzz target `reshape`: see `rawcheck_fuzz::Target::Reshape` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(Reshape);
