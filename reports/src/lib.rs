//! rawcheck's report generator, the library side of the `rawcheck` command: `rawcheck report` calls
//! [`report::generate`].
//!
//! Data flows kernels -> (fuzz | benches | bug hunt | peers) -> criterion and JSON files -> this
//! crate -> `reports/out/index.html`.

pub mod report;
