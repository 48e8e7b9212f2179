//! Fuzz target `transpose`: the target of `Kernel::Transpose` (see `rawcheck_fuzz::kernel`).
//! Without libFuzzer, a file replayer.
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(kernel Transpose);
