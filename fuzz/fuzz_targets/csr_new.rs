//! Fuzz target `csr_new`: see `rawcheck_fuzz::Target::CsrNew` (a file replayer without libFuzzer).
#![cfg_attr(fuzzing, no_main)]
rawcheck_fuzz::fuzz_main!(CsrNew);
