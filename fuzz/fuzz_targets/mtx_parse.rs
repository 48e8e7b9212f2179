//! Fuzz target `mtx_parse`: see `rawcheck_fuzz::Target::MtxParse` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(MtxParse);
