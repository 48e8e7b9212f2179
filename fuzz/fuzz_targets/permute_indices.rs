//! Fuzz target `permute_indices`: the target of `Kernel::PermuteIndices` (see `rawcheck_fuzz::kernel`).
//! Without libFuzzer, a file replayer.
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(kernel PermuteIndices);
