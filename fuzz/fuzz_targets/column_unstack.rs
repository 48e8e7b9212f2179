//! Fuzz target `column_unstack`: the target of `Kernel::ColumnUnstack` (see `rawcheck_fuzz::kernel`).
//! Without libFuzzer, a file replayer.
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(kernel ColumnUnstack);
