//! Fuzz target `column_stack`: the target of `Kernel::ColumnStack` (see `rawcheck_fuzz::kernel`).
//! Without libFuzzer, a file replayer.
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(kernel ColumnStack);
