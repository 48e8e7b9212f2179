//! Fuzz target `column_unstack`: see `rawcheck_fuzz::Target::ColumnUnstack` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(ColumnUnstack);
