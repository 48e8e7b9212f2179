//! Hints to start loading a cache line before it is used: `prefetch(slice, k)` asks for the line
//! holding `slice[k]`, [`prefetch_at`] for the line at a pointer, and `prefetch_next(slice, k)`
//! and [`prefetch_next_line`] for the line after it, into the L2, and `prefetch_row` and
//! [`prefetch_row_at`] for the lines of a CSR row. A hint never reads memory, never
//! faults and has no effect on results, so all three variants issue the same hints: an index past
//! the end, or a pointer into memory not yet written, asks for a line nobody reads.
#![allow(
    unsafe_code,
    reason = "intrinsic calls whose only requirement is a target feature of the x86_64 baseline"
)]

/// Bytes per cache line the hints assume (a wrong guess costs hints, never results).
const LINE: usize = 64;

/// Asks the processor to bring the cache line at `at` into every cache level (a no-op where the
/// target has no safe prefetch instruction, and under Miri). `at` is never dereferenced: any
/// pointer value will do.
#[inline(always)]
pub(crate) fn prefetch_at<T>(at: *const T) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: `_mm_prefetch` needs the `sse` target feature, which every x86_64 processor has
        // (it is in the target's baseline); the instruction itself reads nothing and cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(at.cast()) };
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = at;
}

/// Asks the processor to bring the cache line after the one holding `at` (the line at `at` plus
/// [`LINE`] bytes) into the L2 and the levels below it, not the L1 (see [`prefetch_at`]): for a
/// stream written front to back whose next line is wanted later than the current one.
#[inline(always)]
pub(crate) fn prefetch_next_line<T>(at: *const T) {
    #[cfg(all(target_arch = "x86_64", not(miri)))]
    {
        use std::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
        // SAFETY: as in `prefetch_at`: `sse` is in the x86_64 baseline, and the instruction
        // reads nothing and cannot fault.
        unsafe { _mm_prefetch::<_MM_HINT_T1>(at.cast::<i8>().wrapping_add(LINE)) };
    }
    #[cfg(not(all(target_arch = "x86_64", not(miri))))]
    let _ = at;
}

/// Asks for the cache line of `slice[k]` (any `k`; see [`prefetch_at`]).
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], k: usize) {
    prefetch_at(slice.as_ptr().wrapping_add(k));
}

/// Asks the L2 for the cache line after the one of `slice[k]` (any `k`; see
/// [`prefetch_next_line`]).
#[inline(always)]
pub(crate) fn prefetch_next<T>(slice: &[T], k: usize) {
    prefetch_next_line(slice.as_ptr().wrapping_add(k));
}

/// Asks for the lines of a CSR row of `len` entries from position `start` in the column
/// indices at `cols` and the values at `vals` (see [`prefetch_at`]): the lines of its first,
/// second and last values and of its first and last columns. That is every line of a row of up
/// to three lines of values whatever its alignment, and the two ends of a longer one, whose
/// middle the hardware's stream prefetcher finds.
#[inline(always)]
pub(crate) fn prefetch_row_at<C, V>(cols: *const C, vals: *const V, start: usize, len: usize) {
    let last = (start + len).wrapping_sub(1);
    prefetch_at(cols.wrapping_add(start));
    prefetch_at(cols.wrapping_add(last));
    prefetch_at(vals.wrapping_add(start));
    prefetch_at(vals.wrapping_add(start + LINE / size_of::<V>().max(1)));
    prefetch_at(vals.wrapping_add(last));
}

/// [`prefetch_row_at`] over the column indices and values of a CSR matrix or its output.
#[inline(always)]
pub(crate) fn prefetch_row<C, V>(cols: &[C], vals: &[V], start: usize, len: usize) {
    prefetch_row_at(cols.as_ptr(), vals.as_ptr(), start, len);
}

/// Asks for every cache line of the `len` elements from `at` (see [`prefetch_at`]): for a run
/// that is about to be read out of order.
#[inline]
pub(crate) fn prefetch_run<T>(at: *const T, len: usize) {
    let step = (LINE / size_of::<T>().max(1)).max(1);
    for k in (0..len).step_by(step) {
        prefetch_at(at.wrapping_add(k));
    }
}

/// Asks for every cache line of `items` ([`prefetch_run`] over a slice).
#[inline]
pub(crate) fn prefetch_all<T>(items: &[T]) {
    prefetch_run(items.as_ptr(), items.len());
}
