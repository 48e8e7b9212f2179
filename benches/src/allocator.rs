//! The allocator settings every timed process runs under: the criterion benches (which re-run
//! themselves with them, `benches/kernels.rs`) and the peers (`scripts/peers`).
//!
//! Every kernel allocates its output per call, as QuTiP does, so the allocator is part of what is
//! timed. glibc's defaults would make that depend on what ran before and on the buffer's size:
//! * by default glibc maps each buffer over 128 KiB afresh and unmaps it on free (the threshold
//!   adapts to the sizes freed, up to 32 MiB) and trims the heap top, so a call could pay the
//!   page faults of its whole output or not (permute at nnz 1e5 measured 5x slower run alone than
//!   after the other kernels). With `mmap_max=0` glibc maps no buffer on its own, and with no
//!   trimming every buffer, whatever its size, comes from a heap whose pages stay mapped: a call
//!   pays the faults of its output only the first time the heap grows that far. `arena_max=1`
//!   keeps every thread on that heap (a thread's own arena maps a buffer over 64 MiB afresh
//!   whatever `mmap_max` says; the timed code runs on the main thread anyway). A fixed 32 MiB
//!   threshold, as before, left the larger buffers to chance: one came from the heap when
//!   earlier benchmarks had left a free region large enough, else it was mapped afresh and
//!   page-faulted on every call. Run on their own (two interleaved rounds of the quick bench's
//!   column_stack and column_unstack at 10^6), their memcpy floors (over 32 MiB) took 4.1 to 7.9
//!   ns per entry instead of 1.8 to 5.5, and column_stack's 64-bit raw 16 to 22 instead of 9 to
//!   15;
//! * NumPy advises transparent huge pages (`MADV_HUGEPAGE`) for its arrays of 4 MiB and more, so
//!   QuTiP's and SciPy's outputs sit on 2 MiB pages where the machine allows it
//!   (`/sys/kernel/mm/transparent_hugepage/enabled` at `madvise` or `always`). `hugetlb=1` makes
//!   glibc advise the same for its heap, so both sides of a comparison get the same page size.
//!   A scatter into an output of several MiB touches more 4 KiB pages than the TLB holds: with
//!   huge pages transpose on uniform at 10^6 entries runs 0.72x (32-bit) and 0.64x (64-bit) the
//!   time on 4 KiB pages (README, "Page size": both rounds of an interleaved run).

/// `GLIBC_TUNABLES` for the timed processes: one heap for all threads, no buffer mapped on its
/// own, no heap trimming, transparent huge pages for the heap.
pub const GLIBC_TUNABLES: &str = "glibc.malloc.arena_max=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=2147483647:glibc.malloc.hugetlb=1";

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

    /// Set in the child process of [`a_large_buffer_is_reused_without_page_faults`].
    const CHILD: &str = "RAWCHECK_ALLOCATOR_CHILD";

    /// The minor page faults of this process so far (field 10 of `/proc/self/stat`; the command
    /// name before it is in parentheses and may hold spaces).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn minor_faults() -> u64 {
        let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
        let after_name = &stat[stat.rfind(')').expect("a command name") + 2..];
        let field = after_name.split(' ').nth(7).expect("field 10");
        field.parse().expect("a fault count")
    }

    /// The page faults the child process takes on filling a 64 MiB buffer allocated after an
    /// equal one was filled and freed, with `GLIBC_TUNABLES` set to `tunables`.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn faults_on_reuse(tunables: &str) -> u64 {
        let out = std::process::Command::new(std::env::current_exe().expect("the test binary"))
            .args(["allocator::tests::a_large_buffer_is_reused_without_page_faults"])
            .args(["--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD, "1")
            .env("GLIBC_TUNABLES", tunables)
            .output()
            .expect("the child test");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "child under {tunables:?}: {stdout}");
        // libtest prints the test's name on the same line, before the count.
        let after = stdout.split("faults on reuse: ").nth(1);
        let count = after.map(|a| {
            a.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        });
        count
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no fault count from the child: {stdout}"))
    }

    /// A buffer larger than glibc's largest mmap threshold (32 MiB) freed and allocated again
    /// comes from pages already mapped under [`GLIBC_TUNABLES`], where glibc's defaults map it
    /// afresh (one fault per page). glibc ignores a misspelt tunable, so this is what shows that
    /// the string does what its documentation says.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn a_large_buffer_is_reused_without_page_faults() {
        const LEN: usize = 64 << 20;
        if std::env::var_os(CHILD).is_some() {
            let fill = |byte: u8| std::hint::black_box(vec![byte; LEN]);
            drop(fill(1));
            let before = minor_faults();
            let again = fill(2);
            let faults = minor_faults() - before;
            assert_eq!(again[LEN - 1], 2);
            println!("faults on reuse: {faults}");
            return;
        }
        let steady = faults_on_reuse(GLIBC_TUNABLES);
        let defaults = faults_on_reuse("");
        // Even on 2 MiB pages a fresh 64 MiB mapping takes 32 faults.
        assert!(defaults >= 32, "glibc's defaults: {defaults} faults");
        assert!(
            steady < 8,
            "{GLIBC_TUNABLES}: {steady} faults (defaults {defaults})"
        );
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
