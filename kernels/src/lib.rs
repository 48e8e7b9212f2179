//! CSR sparse-matrix kernels of QuTiP's data layer, each in three variants.
//!
//! * [`Csr`]: a validated compressed-sparse-row matrix over [`Complex64`](num_complex::Complex64)
//!   with `u32` or `u64` indices; every invariant is checked once, at construction.
//! * The kernels ([`reshape()`], [`transpose()`], [`column_stack()`], [`column_unstack()`],
//!   [`permute()`], [`permute_indices()`]) validate their parameters at the boundary, then run
//!   the [`Variant`] asked for: `raw` (raw pointers, no checks in the loop), `checked` (slice
//!   indexing) or `safe` (no `unsafe`, bounds proven by construction).
//! * [`mtx`]: Matrix Market reader and writer; [`oracle`]: a dense reference implementation;
//!   [`families`]: the seeded matrix families the benchmarks and `rawcheck gen` share.
//! * [`output`]: the file writer that never renames over a device, FIFO or symlink.
//! * [`cache`]: the cache sizes the scatter kernels choose their passes by.
//! * [`Call`]: a kernel with its parameters, the one dispatch the CLI, fuzzing and tests share.
//! * [`Kernel`], [`Variant`] and [`Detector`]: the names of kernels, variants and bug-hunt
//!   detectors, each spelt once (`ALL`, `name()`, parsing).
//! * [`bugs`]: the seeded bugs that `bug-*` features compile in for the bug hunt (none by default).
//! * `mutant` (feature `mutants`, off by default): the run-time switch of the generated mutants
//!   of `rawcheck-mutants`.
//!
//! `unsafe` is denied crate-wide (`[lints]` in `Cargo.toml`) and allowed only in each kernel's
//! `raw` module, [`Csr::new_unchecked`], the one wrap in each kernel's dispatch that turns the
//! variants' [`CsrParts`] into a [`Csr`], and the prefetch hint (a safe function all three
//! variants call: the instruction reads nothing); the `checked` and `safe` modules forbid it.

mod alloc;
pub mod bugs;
pub mod cache;
mod call;
mod checks;
pub mod column_stack;
pub mod column_unstack;
mod csr;
mod detector;
mod error;
pub mod families;
mod index;
mod kernel;
pub mod mtx;
#[cfg(feature = "mutants")]
pub mod mutant;
mod named;
pub mod oracle;
pub mod output;
pub mod permute;
pub mod permute_indices;
mod prefetch;
pub mod reshape;
pub mod transpose;
mod variant;

pub use call::Call;
pub use column_stack::column_stack;
pub use column_unstack::column_unstack;
pub use csr::{Csr, CsrParts};
pub use detector::{Detector, UnknownDetector};
pub use error::{CsrError, KernelError};
pub use index::Index;
pub use kernel::{Kernel, UnknownKernel};
pub use permute::permute;
pub use permute_indices::permute_indices;
pub use reshape::reshape;
pub use transpose::transpose;
pub use variant::{UnknownVariant, Variant};
