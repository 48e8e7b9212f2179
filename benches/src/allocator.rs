//! The allocator settings every timed process runs under: the criterion benches (which re-run
//! themselves with them, `benches/kernels.rs`) and the peers (`scripts/peers`).
//!
//! Every kernel allocates its output per call, as QuTiP does, so the allocator is part of what is
//! timed. glibc's defaults would make that depend on what ran before:
//! * by default glibc maps each buffer over 128 KiB afresh and unmaps it on free (the threshold
//!   adapts to the first sizes freed) and trims the heap top, so a call could pay the page faults
//!   of its whole output or not (permute at nnz 1e5 measured 5x slower run alone than after the
//!   other kernels). A fixed 32 MiB mmap threshold and no trimming reuse buffers up to 32 MiB from
//!   the heap whatever ran before;
//! * NumPy advises transparent huge pages (`MADV_HUGEPAGE`) for its arrays of 4 MiB and more, so
//!   QuTiP's and SciPy's outputs sit on 2 MiB pages where the machine allows it
//!   (`/sys/kernel/mm/transparent_hugepage/enabled` at `madvise` or `always`). `hugetlb=1` makes
//!   glibc advise the same for its heap, so both sides of a comparison get the same page size.
//!   A scatter into an output of several MiB touches more 4 KiB pages than the TLB holds: with
//!   huge pages transpose on uniform at 10^6 entries runs 0.72x (32-bit) and 0.64x (64-bit) the
//!   time on 4 KiB pages (README, "Page size": both rounds of an interleaved run).

/// `GLIBC_TUNABLES` for the timed processes: mmap threshold 32 MiB, no heap trimming,
/// transparent huge pages for the heap.
pub const GLIBC_TUNABLES: &str = "glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=2147483647:glibc.malloc.hugetlb=1";

/// The `GLIBC_TUNABLES` a process whose variable is `current` must be re-run with to hold
/// [`GLIBC_TUNABLES`], or `None` when it already does (they come last, so they win over any
/// setting of the same tunable before them).
pub fn rerun_with(current: Option<&str>) -> Option<String> {
    match current {
        Some(c) if c == GLIBC_TUNABLES || c.ends_with(&format!(":{GLIBC_TUNABLES}")) => None,
        Some(c) if !c.is_empty() => Some(format!("{c}:{GLIBC_TUNABLES}")),
        _ => Some(GLIBC_TUNABLES.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_is_rerun_once_with_the_settings_last() {
        assert_eq!(rerun_with(None).as_deref(), Some(GLIBC_TUNABLES));
        assert_eq!(rerun_with(Some("")).as_deref(), Some(GLIBC_TUNABLES));
        let user = "glibc.malloc.arena_max=1";
        let again = rerun_with(Some(user)).unwrap();
        assert_eq!(again, format!("{user}:{GLIBC_TUNABLES}"));
        assert_eq!(rerun_with(Some(&again)), None);
        assert_eq!(rerun_with(Some(GLIBC_TUNABLES)), None);
        // A setting that only ends like ours is not ours.
        assert!(rerun_with(Some("x.hugetlb=1")).is_some());
    }

    #[test]
    fn the_peers_run_under_the_same_settings() {
        let peers = include_str!("../../scripts/peers");
        assert!(
            peers.contains(&format!("export GLIBC_TUNABLES={GLIBC_TUNABLES}\n")),
            "scripts/peers must export GLIBC_TUNABLES={GLIBC_TUNABLES}"
        );
    }
}
