//! Fuzz target `column_stack`: see `rawcheck_fuzz::Target::ColumnStack` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(ColumnStack);
