//! `cargo bench --bench kernels`: every kernel on every source, size, index width and variant.
//!
//! Ids are `<kernel>/<family>/<variant>/<index>/<nnz>`: one criterion group per kernel and
//! family, function `<variant>/<index>`, parameter the nominal nnz. `RAWCHECK_BENCH=quick|full`
//! picks the sizes and timings ([`Profile`]). Inputs are generated (or converted, or prepared by
//! the kernel's own setup) lazily, the first time a benchmark that needs them runs, so a filter
//! skips their cost too; they are shared by the variants of one size and dropped after it.

use std::borrow::Cow;
use std::cell::LazyCell;
use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput};
use rawcheck_benches::kernels::{
    BenchKernel, Case, ColumnStack, ColumnUnstack, Idx, Permute, PermuteIndices, Reshape,
    Transpose, Workload, floor_source, memcpy_floor,
};
use rawcheck_benches::{Profile, Source, allocator};
use rawcheck_kernels::{Csr, Variant};

fn main() {
    steady_allocator();
    let profile = Profile::from_env().unwrap_or_else(|e| panic!("{e}"));
    let timing = profile.timing();
    let mut c = Criterion::default()
        .sample_size(timing.sample_size)
        .warm_up_time(timing.warm_up)
        .measurement_time(timing.measurement)
        .nresamples(timing.nresamples)
        .without_plots()
        .configure_from_args();
    let sources = Source::all().unwrap_or_else(|e| panic!("{e}"));
    register::<Reshape>(&mut c, &sources, profile);
    register::<Transpose>(&mut c, &sources, profile);
    register::<ColumnStack>(&mut c, &sources, profile);
    register::<ColumnUnstack>(&mut c, &sources, profile);
    register::<Permute>(&mut c, &sources, profile);
    register::<PermuteIndices>(&mut c, &sources, profile);
    c.final_summary();
}

/// Registers one kernel on every source and size.
fn register<K: BenchKernel>(c: &mut Criterion, sources: &[Source], profile: Profile) {
    for source in sources {
        let mut group = c.benchmark_group(format!("{}/{}", K::NAME, source.name()));
        for nnz in source.sizes(profile) {
            let shape = source.shape(nnz, K::VECTORISABLE);
            let Some(plan) = K::plan(&shape) else {
                eprintln!(
                    "{}/{}/{nnz}: does not apply to {shape:?}",
                    K::NAME,
                    source.name()
                );
                continue;
            };
            let base = LazyCell::new(|| source.matrix(nnz, K::VECTORISABLE));
            bench_width::<K, u32>(&mut group, &plan, &base, nnz);
            bench_width::<K, u64>(&mut group, &plan, &base, nnz);
        }
        group.finish();
    }
}

/// Re-runs this process under [`allocator::GLIBC_TUNABLES`] unless it already runs under them:
/// every buffer reused from a heap that is never trimmed, on huge pages (the reasons are
/// in [`allocator`]). glibc reads its tunables only at start, hence the re-run.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn steady_allocator() {
    use std::os::unix::process::CommandExt;
    let current = std::env::var("GLIBC_TUNABLES").ok();
    let Some(tunables) = allocator::rerun_with(current.as_deref()) else {
        return;
    };
    let exe = std::env::current_exe().unwrap_or_else(|e| panic!("this bench's path: {e}"));
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", tunables)
        .exec();
    panic!("re-running the bench under GLIBC_TUNABLES: {err}");
}

/// Other platforms keep their allocator's defaults.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn steady_allocator() {}

/// The variants of one kernel, size and index width: raw, checked, safe, memcpy, sprs.
fn bench_width<'s, K: BenchKernel, I: Idx>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    plan: &Workload<K::Params>,
    base: &LazyCell<Cow<'s, Csr<u64>>, impl FnOnce() -> Cow<'s, Csr<u64>>>,
    nnz: usize,
) {
    let bits = I::BITS;
    if !plan.fits::<I>() {
        eprintln!("{}: {plan:?} does not fit {bits}-bit indices", K::NAME);
        return;
    }
    let bytes = plan.bytes(size_of::<I>());
    group.throughput(Throughput::Bytes(bytes));
    let case = LazyCell::new(|| Case::<I>::new::<K>(base, plan).unwrap_or_else(|e| panic!("{e}")));
    for variant in Variant::ALL {
        let id = BenchmarkId::new(format!("{variant}/{bits}"), nnz);
        group.bench_function(id, |b| {
            let input = &case.input;
            b.iter(|| K::run(black_box(input), &plan.params, variant));
        });
    }
    // The floor: a copy of the bytes the kernel must move.
    let source = LazyCell::new(|| floor_source(bytes));
    group.bench_function(BenchmarkId::new(format!("memcpy/{bits}"), nnz), |b| {
        let source = &*source;
        b.iter(|| memcpy_floor(black_box(source)));
    });
    if K::HAS_PEER {
        group.bench_function(BenchmarkId::new(format!("sprs/{bits}"), nnz), |b| {
            let peer = case.peer.as_ref().expect("HAS_PEER kernels build a peer");
            b.iter(peer);
        });
    }
}
