//! Fuzz target `permute`: see `rawcheck_fuzz::Target::Permute` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(Permute);
