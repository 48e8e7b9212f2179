//! Fuzz target `permute_indices`: see `rawcheck_fuzz::Target::PermuteIndices` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(PermuteIndices);
