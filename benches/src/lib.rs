//! Benchmarks of the rawcheck kernels: profiles, input sources, the byte model and the peers.
//!
//! The criterion target `benches/kernels.rs` registers, for every kernel and source, ids
//! `<kernel>/<family>/<variant>/<index>/<nnz>` with `Throughput::Bytes` from
//! [`Workload::bytes`](kernels::Workload::bytes). Variants are `raw`, `checked`, `safe`, `memcpy`
//! (a copy of exactly the bytes the kernel must read and write) and `sprs` where sprs has the
//! kernel.
//! Every `.mtx` file in `$RAWCHECK_MTX_DIR` is benchmarked as family `file-<name>`. Everything
//! that decides what is measured lives here so it can be tested.
//!
//! The gungraun target `benches/counts.rs` counts one call of the same ids under Callgrind
//! ([`counts`]: ids, inputs, counts.json).
//!
//! `scripts/bench [quick|full] [FILTER]` runs the target and prints ns per nonzero with the ratios
//! to `raw` and `memcpy` (`scripts/bench_table.py` reads criterion's JSON).

pub mod allocator;
pub mod counts;
pub mod kernels;
pub mod machine;
pub mod peers;
mod profile;
mod sources;

pub use profile::{CriterionSettings, Profile};
pub use sources::{MTX_DIR_VAR, Source};
