//! `permute_indices(A, rows, cols)`: scatter permutation, QuTiP's `indices_csr`.
//!
//! Entry `(i, j)` of `A` moves to `(rows[i], cols[j])`; the output keeps the shape of `A` and its
//! rows come out sorted. The work is done by a `scatter` core (one per variant, also used by
//! [`permute`](crate::permute())), which takes the two scatter permutations and follows one of
//! five [`Path`]s, all free of comparison sorts over the whole matrix:
//!
//! * [`Path::Gather`]: output row `i'` *is* input row `inv_row[i']` (`inv_row` inverts `rows`)
//!   with its columns mapped through `cols`, so the row pointer comes first (each output row as
//!   long as its input row), then each output row is gathered from its input row, its columns
//!   mapped, and the segment sorted. The rows go in blocks of about half the L1d of output
//!   (`block_entries`, from [`CacheSizes`]), in two passes:
//!   1. copy: a block's short rows (up to 64 entries, 32 in permute: below) are copied, their
//!      values to the output and their mapped columns to a staging area (`stage`, as `u32`);
//!      long rows are ordered straight into the output. The copy has no branch on the data it loads, so
//!      the processor overlaps the cache misses of many rows (the input rows are read at
//!      random), and each iteration prefetches the input row `AHEAD` (8) rows on (its first,
//!      second and last lines of values, its first and last of columns: below);
//!   2. rank: a staged row already in order (checked without a branch per entry) only gets its
//!      columns written; any other is written in sorted order by a rank sort (`rank_short_row`):
//!      an entry's place is the number of the row's new columns below its own, counted 8 lanes
//!      at a time against every key of the row, with no branch on the data, and its values are
//!      set aside in a row-sized buffer first. O(len²) comparisons, but no mispredicted branch
//!      per entry as an insertion sort has. Rows in order are the rule for permute's structured
//!      column maps (banded rows under reversed subsystems), the exception under a random map.
//!      When no row of the matrix holds more than `NETWORK_ROW` (8) entries, every short row
//!      goes through a sorting network instead (`sort_eight`): each new column packed with its
//!      position into a `u64`, 19 branch-free compare-exchanges, then the row written front to
//!      back, each value fetched from the set-aside row by its packed position; the order check
//!      is a fixed 8-lane one (`in_order_eight`). The choice is made once per matrix, so the
//!      branch on it never mispredicts; mixing both per row by length slowed tensor, whose row
//!      lengths vary around 8. On banded (rows of 7) at 1e5 entries, 32-bit, raw runs 62.0
//!      instead of 74.2 instructions per entry (Callgrind, `scatter_probe` minus a run with no
//!      call), safe 99.7 instead of 110.9; at 1e6, the median over 5 interleaved pairs of
//!      `scatter_probe` runs (each the fastest of 20 calls) is 0.91x main's time at 32-bit and
//!      0.67x at 64-bit, and permute's in-order banded rows 0.98x and 0.94x.
//!
//!   Ranking straight after each row's copy is slower (the ranking's instructions fill the
//!   reorder window, so fewer rows' misses overlap), and so is ranking the columns as 64-bit
//!   keys (SSE2 has no 64-bit comparison): the stage holds `u32`, and a matrix of more than 2^32
//!   columns sends every row to the long-row order instead (`short_limit`).
//!   A long row's `(new column, position)` pairs are sorted in a scratch row (8 bytes a pair with
//!   32-bit indices), then its entries are copied out in that order. Every output array is
//!   written front to back, a block at a time; the reads jump once per row (and once per entry
//!   into `cols`, which is sequential for banded and tensor-structured column maps).
//!   O(nnz · SHORT_ROW) at worst.
//! * [`Path::Bitmap`]: the gather path with another order for the long rows (more than
//!   `SHORT_ROW` entries; short rows are ranked as above). Each entry of a long row
//!   sets the bit of its new column `c` in a bitmap of the columns (bit `c % 64` of word
//!   `c / 64`) and the bit of that word in a summary (bit `w % 64` of summary word `w / 64`),
//!   and notes its position in the row in a table indexed by `c`; reading the summary, then the
//!   marked words, lowest bit first, yields the row's new columns in increasing order (each
//!   word is cleared as it is read, so the bitmap is empty again for the next row). No
//!   comparison, no data-dependent branch per entry: O(len + cols / 4096) per long row, the
//!   position table and the bitmaps `cols * (size_of::<I>() + 1/8 + 1/512)` bytes.
//! * [`Path::Scatter`] and [`Path::ScatterBitmap`]: the same row orders the other way round.
//!   Input row `i` is read in order, its new columns staged in a row-sized buffer and ordered
//!   there (the network, the order check or the rank sort of short rows, the comparison sort or
//!   the bitmap of long rows), and the row is written to its place in output row `row_perm[i]`,
//!   whose start the row pointer gives; the place of the row `AHEAD` rows on is prefetched
//!   (the same lines as the gather's). The
//!   reads are sequential and each row is ordered while it is in the L1, so there is no block,
//!   no second pass and no value set aside; the writes land at random, a row at a time.
//! * [`Path::CountingSort`], two counting sorts, O(nnz + rows + cols): (a) `(new row, value)`
//!   pairs are bucketed by their new column, visiting output rows in order, which yields a CSC
//!   matrix with sorted row indices (the buckets are counted per input column and laid out in
//!   new-column order, so the scatter needs no lookup in `cols`); (b) that CSC is transposed
//!   back into CSR (output row `i'` has the length of input row `inv_row[i']`), which leaves
//!   every row sorted by column. Each pass writes one stream per bucket (`cols`, then `rows`
//!   of them), at random.
//!
//! **The path rule** ([`Path::choose`]): the counting sort is taken only when the average row
//! holds more than `LONG_AVERAGE_ROW` (32) entries (`rows * cols / nnz < cols / 32`: gathering
//! would have to order long rows) *and* the write streams of both of its passes stay in cache:
//! pass (b) keeps two lines open per bucket (a column index and a value), pass (a) one, so the rule asks
//! `max(rows, cols) * 2 * line <= l2 / 6` with the sizes of
//! [`CacheSizes::get`]. Otherwise the gather path runs: its writes
//! are sequential whatever the size, where the counting sort's open lines, once they crowd the
//! L2 (which also holds the input streams and the bucket cursors), make nearly every store a
//! miss. The sixth is the crossover measured on uniform 2 % matrices on a 2 MiB L2 (both widths,
//! all variants): the counting sort wins at `dim = 2236` (1e5 entries, 286 KiB of open lines),
//! the two tie at 2800 (358 KiB), gathering wins from 3500 (448 KiB, 15-40 %) and at 7071 (1e6
//! entries: 1.25 instead of 5.7 L1d misses per entry, 0.64 instead of 1.54 L2 misses, for 4x
//! the instructions of its row sorts). On a Zen 4 EPYC (1 MiB L2, so the sixth is `dim` 1365)
//! the bound was re-measured at `dim = 2236`: the counting sort's fastest call took 0.73x the
//! bitmap's (`scatter_probe`, 7 of 7 interleaved pairs), but its mean in the bench was no better
//! and far more spread (criterion's samples 6.9 to 19.5 ns per entry against the bitmap's 7.3 to
//! 8.2; at 64-bit up to 3x the bitmap's mean). At the L2's edge the spread of each call's fresh
//! pages over the L2's sets decides; the sixth keeps such matrices on the steady path.
//!
//! Gathering and scattering order their long rows with the bitmap when the column map and the position table,
//! both read and written at random once per entry, fit half the last-level cache together:
//! `16 * cols <= llc / 2` (8 bytes a column each, counting the position table at the wider
//! index), else with the comparison sort, whose scratch is one row. Those random accesses are
//! independent of each other, so the processor overlaps their L2 misses while they hit the
//! L3: on the EPYC (32 MiB L3) powerlaw at 1e6 (125000 columns, 2 MB) ran 0.77x the time with
//! the bitmap (0.61x at 64-bit, 5 of 5 pairs) where the earlier bound `16 * cols <= l2` took the
//! comparison sort, and at 1e7 (1.25 million columns, 20 MB, past the bound) 1.61x (1 pair of
//! 4 faster). In the bench (criterion's means, the binaries before and after run in the order
//! old, new, new, old) permute_indices on powerlaw at 1e6 took 0.83x (64-bit 0.63x), permute
//! 0.57x (0.61x). A long row reads `cols / 4096 <= llc / 131072` summary words (256 on a 32 MiB L3).
//!
//! The bitmap's read-back loops over each marked word's bits, and where a word holds one to three
//! of them (uniform rows: about 1.8 a marked word) the loop's exit is a branch on the data.
//! Decoding a fixed number of bits per word without a branch (each step writes the next bit's
//! column to a row-sized buffer and advances by one only when a bit was left, a loop for the
//! rest) trades those mispredictions for instructions, and gained nothing. permute on uniform at
//! 1e5, raw, 32-bit, per entry (Cachegrind, a run of 2 calls minus one of none, halved): 43.0
//! instructions and 0.54 mispredicted branches as it is, 48.2 and 0.29 with 2 steps a word, 52.8
//! and 0.17 with 3, 57.6 and 0.13 with 4; in time (`scatter_probe`, 7 interleaved rounds of the
//! fastest of 15 calls, median (range) ns per entry) 5.79 (5.71-7.27) as it is, 6.01
//! (4.28-6.42) with 3 steps and 6.33 (4.57-6.56) with 4, at 1e6 6.65, 6.49 and 6.81.
//!
//! Rows are scattered rather than gathered when the average row is short (at most
//! `LONG_AVERAGE_ROW` entries, the counting sort's test above) and the output (a column index
//! and a value per entry) fits half the last-level cache, `nnz * (size_of::<I>() + 16) <= llc / 2`, or four
//! times the last-level cache when every row fits the network (below). Within half the
//! last-level cache the random writes stay in cache, where gathering's random reads stall its
//! copy. Measured on the
//! EPYC, 32-bit, raw, interleaved pairs (5, each the fastest of 10-20 calls), scatter/gather
//! median (range):
//!
//! | matrix | 1e5 (2 MB out) | 3e5 | 6e5 (12 MB) | 1e6 (20 MB) |
//! |---|---|---|---|---|
//! | banded | 0.77 (0.68-1.03) | 0.43 (0.36-0.62) | 0.75 (0.40-1.08) | 0.70 (0.48-1.32) |
//! | tensor | 0.67 (0.46-0.90) | 0.90 (0.62-0.96) | 0.85 (0.77-0.92) | 1.07 (1.01-1.43) |
//! | uniform (rows of 45-141) | 0.98 (0.77-1.17) | 1.13 (0.87-1.18) | 0.95 (0.94-1.05) | 0.98 (0.96-1.14) |
//!
//! (permute_indices; 1e5 with the rule before and after, the others with both paths forced;
//! uniform at 2e5 1.18). permute at 1e5: banded 0.81, tensor 0.80, powerlaw 0.87. In the bench
//! (criterion's means, binaries before and after in the order old, new, new, old) at 1e5 raw
//! took 0.64-0.91x on banded, tensor and powerlaw, both kernels and both widths, and safe
//! 0.47-0.95x; long-row uniform moved 0.83-1.25x, which is why long rows stay gathered.
//!
//! Past half the last-level cache, rows that all fit the network (at most `NETWORK_ROW`
//! entries) are still scattered while the output fits `NETWORK_SCATTER_LLCS` (4) times the
//! last-level cache: their order is a few branch-free instructions, so the row scatter keeps its
//! cheaper random writes, where ranked rows (whose ordering fills the reorder window between the
//! misses) gather. Measured on the EPYC (32 MiB L3), permute_indices, raw, both paths forced,
//! 4 interleaved rounds at 1e6 and 2e6 (2 at 4e6 and 1e7), each the fastest of 10 (5) calls,
//! scatter/gather median (range):
//!
//! | matrix | 1e6 (20 / 24 MB out) | 2e6 | 4e6 (80 / 96 MB) | 1e7 (200 / 240 MB) |
//! |---|---|---|---|---|
//! | banded 32-bit (rows of 7) | 0.67 (0.58-0.69) | 0.78 (0.73-0.80) | 0.58-0.80 | 1.65-1.68 |
//! | banded 64-bit | 0.74 (0.64-0.76) | 0.90 (0.85-0.95) | 0.71-0.74 | 1.16-1.18 |
//! | tensor 32 / 64-bit (rows of 1-120) | 1.03 / 1.08 | 1.03 / 1.01 | | |
//! | powerlaw 32 / 64-bit | 0.99 / 1.07 | 1.06 / 1.09 | | |
//!
//! The crossover lies between 2.5 and 6 times the L3; the bound takes 4. In the bench at 1e6
//! (criterion's means, binaries before and after in the order old, new, new, old), banded
//! took 0.47-0.88x raw, 0.55-0.75x safe and 0.40-0.54x checked, both kernels and both widths;
//! tensor, whose path did not change, moved 0.87-1.35x (the noise of that sitting).
//! [`Plan::with_path`] forces a path (tests, fuzzing, benches).
//!
//! **The rows' prefetches** (`prefetch_row`, the same call in all three variants) ask, for the row
//! `AHEAD` rows on (the input row the gather will read, the output row the scatter will write),
//! for every line of a row of up to three lines of values and the two ends of a longer one (a
//! banded row of 7 entries is 112 bytes of values, which cross two line boundaries for half the
//! alignments). Asking for the first value's line alone (and the second's in the scatter) left the
//! rest to miss when the row came. On the EPYC at 1e6, `scatter_probe` before and after, 5 to 7
//! interleaved rounds of the fastest of 15 calls, the median time after over before: permute
//! banded 0.80x raw (64-bit 0.80x), 0.83x checked and safe; tensor 0.95x raw (64-bit 0.97x), 0.88x
//! checked, 0.87x safe; permute_indices banded 0.90x raw (64-bit 0.95x), 0.98x checked, 0.91x
//! safe; tensor 0.95x raw (64-bit 0.99x), 0.88x checked, 0.94x safe; powerlaw 0.97x and 0.98x raw.
//! In the bench (criterion's means, the binaries before and after in the order old, new, new, old;
//! banded and uniform in two sittings): permute banded 0.70-0.81x raw, 0.75-0.89x checked and
//! safe; tensor 0.96x and 0.97x raw, 0.93-1.05x the others; permute_indices banded 0.87-0.92x raw
//! (one sitting's 64-bit 1.17x, the next one's 0.92x); tensor 0.91x and 0.93x raw, 0.84-0.93x the
//! others. Uniform, whose rows of 45 to 141 entries the hints cover only at their ends, ran
//! 1.02-1.09x raw in both sittings (checked and safe 0.91-1.16x): the price of the hints where the
//! stream prefetcher already follows the row; capping the last hint at a row's eighth entry did
//! not remove it. At 1e5, where the output fits the L3, raw moved 0.99x to 1.04x (banded permute
//! 1.04x).
//!
//! Measured at 1e6 entries, 32-bit, raw, with `kernels/examples/scatter_probe.rs` under
//! Cachegrind with this machine's caches (48 KiB D1, 2 MiB L2 as last level: `valgrind
//! --tool=cachegrind --D1=49152,12,64 --LL=2097152,16,64`, one run minus a run with no call),
//! instructions / D1 misses / L2 misses per entry, before (comparison sort, no blocks) and after
//! (the bitmap for all but banded, whose rows are all short): uniform 101.9 / 1.24 / 0.64
//! before, 38.8 / 1.82 / 0.64 after; powerlaw 113.5 / 2.42 / 1.20 before, 49.3 / 3.67 / 1.40 after; tensor 71.0 / 2.04 /
//! 1.06 before, 66.9 / 2.75 / 1.20 after; banded 46.4 / 1.46 / 1.19 before, 50.0 / 1.83 / 1.20
//! after (the blocks cost a second pass over each block and over the row pointer, and win in
//! time: see below). At 1e5 uniform entries (`dim = 2236`, where the rule takes the counting
//! sort) the bitmap measured 41.8 instructions, 0.87 D1 and 0.61 L2 misses per entry against the
//! counting sort's 24.4, 4.48 and 1.43, and ran in 9.2 instead of 15.5 ns per entry (fastest of
//! 40 runs, twice, on a loaded machine; on the EPYC too: see the rule above).
//!
//! In time, `scripts/bench --rounds 3 quick FILTER` with the filter
//! `'^permute(_indices)?/(uniform|banded|powerlaw|tensor)/.*/32/1000000$'`, before (main) then
//! after in one sitting on a loaded 2-core VM (median raw ns per entry):
//! permute_indices uniform 49.6 -> 18.1, powerlaw 45.3 -> 31.8, tensor 50.2 -> 40.5, banded
//! 59.8 -> 31.2 (the blocks alone: rows all short, same comparison-free path); permute, which
//! shares the core, uniform 38.6 -> 16.7, powerlaw 57.1 -> 39.5, tensor 34.9 -> 13.8, banded
//! 17.1 -> 13.7.
//!
//! The rank sort replaced an insertion sort of each short row in place, whose inner loop ends
//! on a comparison of the data: about one mispredicted branch per entry, the largest cost left
//! in a profile of tensor (a third of the samples). With the stage, the rank sort, the
//! prefetches and 32-bit keys, at 1e6 entries, raw, the least of 3 interleaved runs of
//! `scatter_probe` (each the fastest of 7 calls), ns per entry before -> after: 32-bit banded
//! 16.8 -> 10.5, tensor 23.0 -> 14.8, powerlaw 19.7 -> 17.3, uniform (long rows only, through
//! the bitmap) 11.2 -> 11.2; 64-bit banded 17.6 -> 11.2, tensor 21.6 -> 14.7. Ranking 64-bit
//! keys instead made 64-bit tensor slower than the insertion sort (27.6 against 27.1).
//!
//! Wider vectors do not make the ordering cheap enough to change the design. The whole crate
//! built for AVX2 (`RUSTFLAGS='-C target-feature=+avx2,+bmi2,+fma'`) runs the rank sort 8 lanes
//! to a register: permute on tensor at 1e6, 32-bit, raw, 61.8 instead of 68.8 instructions per
//! entry (Cachegrind, 3 calls minus 2), and in time (`scatter_probe`, 8 interleaved rounds of
//! the fastest of 12 calls, median (range) ns per entry) 8.60 (8.29-11.81) against the
//! baseline's 9.28 (8.43-12.54), permute_indices 11.35 against 12.42; built for the EPYC itself
//! (`-C target-cpu=native`, AVX-512) 9.64 and 12.06. So the crate keeps the x86-64 baseline,
//! which every variant and the benches' history share.
//!
//! **Which rows are short** depends on the column map. permute_indices ranks rows of up to
//! `SHORT_ROW` (64) entries, permute up to `DIGITS_SHORT_ROW` (32); longer rows take the bitmap
//! (or the pair sort). Under an arbitrary map a long row's new columns land in as many bitmap
//! words and position-table lines as it has entries, and once the position table outgrows the
//! L1 (125000 columns: 500 KB) those random accesses miss, where the rank sort's O(len) work per
//! entry stays in registers. permute's maps permute tensor axes, which keeps a row's new columns
//! within few bitmap words: there the bitmap costs fewer instructions and no more misses.
//! Cachegrind with the EPYC's caches (`--D1=32768,8,64 --LL=1048576,16,64 --branch-sim=yes`,
//! `scatter_probe` with one call more than a base run), per entry, limit 32 -> 64:
//!
//! | matrix (32-bit, raw) | instructions | D1 misses | L2 misses | mispredicted branches |
//! |---|---|---|---|---|
//! | permute_indices tensor 1e6 | 71.2 -> 76.5 | 2.87 -> 2.58 | 1.52 -> 1.36 | 0.70 -> 0.63 |
//! | permute_indices tensor 1e5 | 61.1 -> 67.9 | 1.35 -> 1.22 | 0.79 -> 0.79 | 0.44 -> 0.46 |
//! | permute_indices uniform 1e5 (rows of ~45) | 42.5 -> 85.3 | 1.24 -> 1.36 | 0.65 -> 0.65 | 0.53 -> 0.33 |
//! | permute_indices powerlaw 1e6 | 58.1 -> 59.9 | 3.91 -> 3.83 | 1.95 -> 1.93 | 0.63 -> 0.61 |
//! | permute tensor 1e5, had it taken 64 | 59.9 -> 68.2 | 1.40 -> 1.31 | 0.71 -> 0.71 | 0.43 -> 0.45 |
//! | permute tensor 1e6, had it taken 64 | 68.8 -> 75.7 | 2.16 -> 2.18 | 1.18 -> 1.17 | 0.51 -> 0.46 |
//!
//! In time (`scatter_probe`, the fastest of 15 calls, 8 interleaved rounds, median (range)),
//! permute_indices on tensor at 1e6 took 17.55 (14.07-19.58) ns per entry with the limit at 32
//! and 12.72 (11.89-17.86) at 64, at 64-bit 14.52 (13.72-15.25) and 12.50 (12.20-14.48); on
//! uniform at 1e5 (fastest of 60) 5.75 (5.70-7.06) and 5.12 (4.93-6.54). On tensor at 1e5 it
//! lost about 5 % (4.21 and 4.42 ns in the faster of the two modes its processes fall into),
//! on powerlaw at 1e6 2 % (13.25 and 13.56, within the spread). permute on tensor at 1e5 took
//! 1.11-1.16x its time in the bench with 64 (old, new, new, old), which is why it keeps 32.
//!
//! `nnz == 0` returns the empty result at once, which is also what keeps the density test's
//! division defined (QuTiP divided by zero there before commit 2dd468058).
//!
//! [`Plan::new`] validates the parameters once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use num_complex::Complex64;

use crate::alloc::{try_filled, try_with_capacity};
use crate::cache::CacheSizes;
use crate::{Csr, CsrParts, Index, KernelError, Variant};

/// Longest row permute_indices ranks (and the most any caller may ask [`short_limit`] for);
/// longer rows are sorted as pairs or through the bitmap. See the [module documentation](self)
/// for the measurements behind 64 and [`DIGITS_SHORT_ROW`].
pub(crate) const SHORT_ROW: usize = 64;

/// Longest row permute ranks: its column maps permute tensor axes, which keeps a row's new
/// columns within few bitmap words, so the bitmap orders rows of 33 to 64 entries for fewer
/// instructions than the rank sort (see the [module documentation](self)).
pub(crate) const DIGITS_SHORT_ROW: usize = 32;

/// The average row length above which [`Path::choose`] considers the counting sort, and below
/// which it may scatter rows.
const LONG_AVERAGE_ROW: usize = 32;

/// The algorithm of the scatter core; see the [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Path {
    /// Each output row gathered from its input row, its mapped columns sorted.
    Gather,
    /// Gathered as [`Path::Gather`], long rows ordered through a bitmap of their new columns.
    Bitmap,
    /// Each input row, in order, sorted by its mapped columns and written to its output row.
    Scatter,
    /// Scattered as [`Path::Scatter`], long rows ordered through the bitmap of [`Path::Bitmap`].
    ScatterBitmap,
    /// Two counting sorts: by new column into a CSC, then by new row back into CSR.
    CountingSort,
}

impl Path {
    /// Every path.
    pub const ALL: [Path; 5] = [
        Path::Gather,
        Path::Bitmap,
        Path::Scatter,
        Path::ScatterBitmap,
        Path::CountingSort,
    ];

    /// The path rule for a `rows x cols` matrix with `cells_per_entry = rows * cols / nnz`,
    /// whose longest row holds `longest_row` entries and whose output takes `out_bytes` (column
    /// indices and values; see the [module documentation](self)).
    pub fn choose(
        rows: usize,
        cols: usize,
        cells_per_entry: usize,
        longest_row: usize,
        out_bytes: usize,
        cache: CacheSizes,
    ) -> Path {
        let long_rows = cells_per_entry.saturating_mul(LONG_AVERAGE_ROW) < cols;
        let streams_fit = rows.max(cols).saturating_mul(2 * cache.line) <= cache.l2 / 6;
        let bitmap = cols.saturating_mul(16) <= cache.llc / 2;
        let network_rows = longest_row <= NETWORK_ROW;
        let scatter = !long_rows
            && (out_bytes <= cache.llc / 2
                || network_rows && out_bytes <= cache.llc.saturating_mul(NETWORK_SCATTER_LLCS));
        match (long_rows && streams_fit, bitmap, scatter) {
            (true, _, _) => Path::CountingSort,
            (false, true, true) => Path::ScatterBitmap,
            (false, true, false) => Path::Bitmap,
            (false, false, true) => Path::Scatter,
            (false, false, false) => Path::Gather,
        }
    }

    /// The path `forced`, or the rule's choice for `a`, whose `cells_per_entry` the caller
    /// computed.
    pub(crate) fn or_choose<I: Index>(
        forced: Option<Path>,
        a: &Csr<I>,
        cells_per_entry: usize,
    ) -> Path {
        forced.unwrap_or_else(|| {
            let out_bytes = a
                .nnz()
                .saturating_mul(size_of::<I>() + size_of::<Complex64>());
            Path::choose(
                a.rows(),
                a.cols(),
                cells_per_entry,
                longest_row(a.row_ptr()),
                out_bytes,
                CacheSizes::get(),
            )
        })
    }
}

/// A scatter permutation whose parameters have been checked against its input.
///
/// Guarantees, relied upon by [`raw::permute_indices`]: `rows` is a permutation of
/// `0..input.rows()` and `cols` a permutation of `0..input.cols()` (right length, every element
/// in range, no duplicates).
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    rows: &'a [usize],
    cols: &'a [usize],
    path: Option<Path>,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that `rows` and `cols` are permutations of the row and column indices of `input`.
    pub fn new(
        input: &'a Csr<I>,
        rows: &'a [usize],
        cols: &'a [usize],
    ) -> Result<Self, KernelError> {
        check_axis("row", rows, input.rows())?;
        check_axis("column", cols, input.cols())?;
        Ok(Plan {
            input,
            rows,
            cols,
            path: None,
        })
    }

    /// The same plan following `path` whatever the rule says: for tests, fuzzing and benches.
    pub fn with_path(self, path: Path) -> Self {
        Plan {
            path: Some(path),
            ..self
        }
    }

    /// The forced path, `None` when [`Path::choose`] decides.
    pub fn path(&self) -> Option<Path> {
        self.path
    }

    /// The matrix to permute.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// `(rows, cols)`: where each input row and each input column goes.
    pub fn permutations(&self) -> (&'a [usize], &'a [usize]) {
        (self.rows, self.cols)
    }
}

/// Checks one axis of a scatter permutation: its length, then its elements.
fn check_axis(axis: &'static str, perm: &[usize], len: usize) -> Result<(), KernelError> {
    if perm.len() != len {
        return Err(KernelError::PermutationLength {
            axis,
            expected: len,
            found: perm.len(),
        });
    }
    check_permutation(
        perm,
        |position, value| KernelError::PermutationOutOfRange {
            axis,
            position,
            value,
            len,
        },
        |position, value| KernelError::PermutationDuplicate {
            axis,
            position,
            value,
        },
    )
}

/// Checks that `perm` is a permutation of `0..perm.len()`: first that every element is in range
/// (reported by `out_of_range(position, value)` for the first one that is not), then that none
/// repeats (`duplicate(position, value)` for the first second occurrence), in O(len) with a
/// bitmap of seen elements.
pub(crate) fn check_permutation(
    perm: &[usize],
    out_of_range: impl FnOnce(usize, usize) -> KernelError,
    duplicate: impl FnOnce(usize, usize) -> KernelError,
) -> Result<(), KernelError> {
    let len = perm.len();
    if let Some(position) = perm.iter().position(|&v| v >= len) {
        return Err(out_of_range(position, perm[position]));
    }
    let mut seen = try_filled(len.div_ceil(64), 0u64)?;
    for (position, &value) in perm.iter().enumerate() {
        let (word, bit) = (&mut seen[value / 64], 1u64 << (value % 64));
        if *word & bit != 0 {
            return Err(duplicate(position, value));
        }
        *word |= bit;
    }
    Ok(())
}

/// The number of entries in the longest row of a row pointer: sizes the long-row scratch of
/// every variant (one pass over the rows before the kernel's own loops, so it is written once,
/// in safe code, for all three).
pub(crate) fn longest_row<I: Index>(row_ptr: &[I]) -> usize {
    row_ptr
        .windows(2)
        .map(|w| w[1].to_usize() - w[0].to_usize())
        .max()
        .unwrap_or(0)
}

/// The `rows x cols` matrix with no stored entry: what every variant returns when `nnz == 0`.
pub(crate) fn empty<I: Index>(rows: usize, cols: usize) -> Result<CsrParts<I>, KernelError> {
    let row_ptr = try_filled(rows + 1, I::ZERO)?;
    Ok(CsrParts::new(rows, cols, row_ptr, Vec::new(), Vec::new()))
}

/// How the gather and scatter paths order a row longer than [`SHORT_ROW`], with its scratch.
pub(crate) enum LongRows<I: Index> {
    /// [`Path::Gather`], [`Path::Scatter`]: the `(new column, position)` pairs sorted in a
    /// scratch row (room for the longest row).
    Sort(Vec<(I, I)>),
    /// [`Path::Bitmap`], [`Path::ScatterBitmap`]: the new columns marked in a bitmap, read back in
    /// order.
    Bitmap(Marks<I>),
}

/// The scratch of [`Path::Bitmap`]: both bitmaps all zero between rows.
pub(crate) struct Marks<I: Index> {
    /// Bit `c % 64` of word `c / 64` is set while new column `c` is in the row being ordered.
    pub(crate) words: Vec<u64>,
    /// Bit `w % 64` of summary word `w / 64` is set while word `w` is non-zero.
    pub(crate) summary: Vec<u64>,
    /// `pos[c]`: the position in its input row of the entry with new column `c`, while marked.
    /// Only reserved (`cols` elements, length 0): each variant fills or writes it its own way.
    pub(crate) pos: Vec<I>,
}

/// Lanes [`rank_short_row`] counts in at once; divides [`SHORT_ROW`].
const LANES: usize = 8;

/// Rows the gather and scatter paths look ahead to prefetch.
pub(crate) const AHEAD: usize = 8;

/// The longest rows [`sort_eight`] orders: when no row of the matrix is longer, every short row
/// goes through the network, else through [`rank_short_row`].
pub(crate) const NETWORK_ROW: usize = 8;

/// How many times the last-level cache the output of a matrix whose rows all fit the network may
/// take and still be scattered ([`Path::choose`]; the crossover is measured in the module docs).
const NETWORK_SCATTER_LLCS: usize = 4;

/// How a staged short row is to be written out, from [`order_short_row`].
pub(crate) enum ShortOrder {
    /// The new columns are already in increasing order: the values stay where they were copied.
    InOrder,
    /// Entry `n` of the output row is the row's entry `sorted[n] as u32` (its position), with new
    /// column `sorted[n] >> 32` ([`sort_eight`]).
    Sorted([u64; NETWORK_ROW]),
    /// Entry `n` of the row goes to place `ranks[n]` of the output row ([`rank_short_row`]).
    Ranked,
}

/// The slot in its output segment of entry `n` of a short row of `len` entries, `n`. Seeded bug
/// B3 puts the row's length where the entry's index belongs (QuTiP 5ad2bb5d7): every value then
/// lands one past the segment, which stays unwritten.
#[inline(always)]
pub(crate) fn value_slot(n: usize, len: usize) -> usize {
    #[cfg(not(feature = "bug-permute-len-for-index"))]
    let slot = {
        let _ = len;
        n
    };
    #[cfg(feature = "bug-permute-len-for-index")]
    let slot = {
        let _ = n;
        len
    };
    slot
}

/// The order of a staged short row of `len` new columns (`keys`, which must hold at least
/// [`NETWORK_ROW`] keys and reach the next multiple of [`LANES`] past `len`): through the
/// network when `network` (every row of the matrix has at most [`NETWORK_ROW`] entries), else
/// checked for order and otherwise ranked into `ranks`.
#[inline(always)]
pub(crate) fn order_short_row(
    keys: &[u32],
    len: usize,
    network: bool,
    ranks: &mut [u32; SHORT_ROW],
) -> ShortOrder {
    if network {
        if in_order_eight(keys, len) {
            ShortOrder::InOrder
        } else {
            ShortOrder::Sorted(sort_eight(keys, len))
        }
    } else if in_order(&keys[..len]) {
        ShortOrder::InOrder
    } else {
        rank_short_row(keys, len, ranks);
        ShortOrder::Ranked
    }
}

/// Whether the first `len` ([`NETWORK_ROW`] at most) keys are in increasing order: [`in_order`]
/// over a fixed width, the pairs past `len` masked off, which compiles to a few vector
/// instructions. Panics if `keys` holds fewer than [`NETWORK_ROW`] keys.
#[inline(always)]
pub(crate) fn in_order_eight(keys: &[u32], len: usize) -> bool {
    let k = &keys[..NETWORK_ROW];
    let mut descents = 0u32;
    for n in 0..NETWORK_ROW - 1 {
        descents |= u32::from(k[n] > k[n + 1]) << n;
    }
    descents & ((1 << len.saturating_sub(1)) - 1) == 0
}

/// Whether `keys` are in increasing order, found without a branch per key.
#[inline]
pub(crate) fn in_order(keys: &[u32]) -> bool {
    keys.windows(2)
        .map(|w| usize::from(w[0] > w[1]))
        .sum::<usize>()
        == 0
}

/// The place of each of the first `len` keys in their sorted order, found without a branch on
/// the data: `ranks[n]` becomes the number of the first `len` keys smaller than `keys[n]`, for
/// every `n < len` (distinct keys: a permutation of `0..len`). Lanes from `len` up to the next
/// multiple of [`LANES`] are counted too, whatever they hold, and ignored, so `keys` must reach
/// that far. O(len²) comparisons, [`LANES`] at a time; panics if `len > SHORT_ROW` or `keys` is
/// too short.
#[inline]
pub(crate) fn rank_short_row(keys: &[u32], len: usize, ranks: &mut [u32; SHORT_ROW]) {
    let width = len.div_ceil(LANES) * LANES;
    let (row, keys) = (&keys[..len], &keys[..width]);
    for (r, ks) in ranks[..width]
        .chunks_exact_mut(LANES)
        .zip(keys.chunks_exact(LANES))
    {
        let mut count = [0u32; LANES];
        for &k in row {
            for l in 0..LANES {
                count[l] += u32::from(k < ks[l]);
            }
        }
        r.copy_from_slice(&count);
    }
}

/// The first `len` ([`NETWORK_ROW`] at most) keys in increasing order, each packed with its
/// position in the row as `key << 32 | position`; the slots from `len` on hold `u64::MAX`.
/// A sorting network, Batcher's odd-even merge sort of 8 inputs: 19 compare-exchanges, no branch
/// on the data, every index a constant. Reads [`NETWORK_ROW`] keys whatever `len`, and panics if
/// `keys` is shorter.
#[inline(always)]
pub(crate) fn sort_eight(keys: &[u32], len: usize) -> [u64; NETWORK_ROW] {
    let k = &keys[..NETWORK_ROW];
    let [a, b, c, d, e, f, g, h]: [u64; NETWORK_ROW] = std::array::from_fn(|n| {
        if n < len {
            u64::from(k[n]) << 32 | n as u64
        } else {
            u64::MAX
        }
    });
    let ((a, b), (c, d), (e, f), (g, h)) = (cx(a, b), cx(c, d), cx(e, f), cx(g, h));
    let ((a, c), (b, d), (e, g), (f, h)) = (cx(a, c), cx(b, d), cx(e, g), cx(f, h));
    let ((b, c), (f, g)) = (cx(b, c), cx(f, g));
    let ((a, e), (b, f), (c, g), (d, h)) = (cx(a, e), cx(b, f), cx(c, g), cx(d, h));
    let ((c, e), (d, f)) = (cx(c, e), cx(d, f));
    let ((b, c), (d, e), (f, g)) = (cx(b, c), cx(d, e), cx(f, g));
    [a, b, c, d, e, f, g, h]
}

/// A compare-exchange: the smaller of two values, then the larger.
#[inline(always)]
fn cx(a: u64, b: u64) -> (u64, u64) {
    (a.min(b), a.max(b))
}

/// The longest row the gather and scatter paths rank: `short_row` (at most [`SHORT_ROW`]), or 0
/// when a new column may not fit the stage's `u32` keys (more than 2^32 columns), which sends
/// every row through the long-row order. Narrow keys halve the comparisons' width with 64-bit
/// indices.
pub(crate) fn short_limit(cols: usize, short_row: usize) -> usize {
    if cols.saturating_sub(1) <= u32::MAX as usize {
        short_row.min(SHORT_ROW)
    } else {
        0
    }
}

/// The gather paths' staging area for the new columns of one block's short rows, as `u32`
/// ([`short_limit`]): the copy pass writes each row's there at its offset in the block (its values
/// go straight to the output), the rank pass reads them. Room for a block's rows, which start
/// before `block` and end up to [`SHORT_ROW`] entries later, plus the up to `LANES - 1` lanes
/// [`rank_short_row`] reads past a row: all zero-filled, so every lane it reads is initialised.
pub(crate) fn stage(block: usize) -> Result<Vec<u32>, KernelError> {
    try_filled(block + 2 * SHORT_ROW, 0)
}

/// Entries per block of the gather paths: a block's output (a column index and a value per entry)
/// fills half the L1d of `cache`, so its short rows are still there to be sorted.
pub(crate) fn block_entries<I: Index>(cache: CacheSizes) -> usize {
    (cache.l1d / 2 / (size_of::<I>() + size_of::<Complex64>())).max(1)
}

/// What the gather and scatter paths order their rows with, made once per matrix.
pub(crate) struct RowOrder<I: Index> {
    /// The long rows' order and its scratch.
    pub(crate) long: LongRows<I>,
    /// Whether every row fits the network ([`NETWORK_ROW`] entries at most).
    pub(crate) network: bool,
    /// The longest row ranked as a short one ([`short_limit`]).
    pub(crate) short: usize,
}

impl<I: Index> RowOrder<I> {
    /// The orders for `a`'s rows, those longer than `short_row` ([`short_limit`]) through the
    /// bitmap when `bitmap` is set; with `fill_positions` the bitmap's position table is
    /// zero-filled to its length (for the variants that index it), else only reserved.
    pub(crate) fn new(
        a: &Csr<I>,
        bitmap: bool,
        fill_positions: bool,
        short_row: usize,
    ) -> Result<Self, KernelError> {
        let longest = longest_row(a.row_ptr());
        let short = short_limit(a.cols(), short_row);
        let mut long = LongRows::new(bitmap, a.cols(), longest, short)?;
        if let (LongRows::Bitmap(marks), true) = (&mut long, fill_positions) {
            marks.pos.resize(marks.pos.capacity(), I::ZERO);
        }
        Ok(RowOrder {
            long,
            network: longest <= NETWORK_ROW,
            short,
        })
    }
}

impl<I: Index> LongRows<I> {
    /// The scratch of the gather path `bitmap` or not, for a `cols`-column matrix whose longest
    /// row holds `longest` entries, rows up to `short` being ranked: none (an empty scratch row)
    /// when no row is long.
    pub(crate) fn new(
        bitmap: bool,
        cols: usize,
        longest: usize,
        short: usize,
    ) -> Result<Self, KernelError> {
        let long = longest > short;
        Ok(if bitmap {
            let words = if long { cols.div_ceil(64) } else { 0 };
            LongRows::Bitmap(Marks {
                words: try_filled(words, 0)?,
                summary: try_filled(words.div_ceil(64), 0)?,
                pos: try_with_capacity(if long { cols } else { 0 })?,
            })
        } else {
            LongRows::Sort(try_with_capacity(if long { longest } else { 0 })?)
        })
    }
}

impl<I: Index> Plan<'_, I> {
    /// Runs the plan with `variant`.
    #[allow(
        unsafe_code,
        reason = "the one trusted step from the variants' output to a `Csr`"
    )]
    pub fn run(&self, variant: Variant) -> Result<Csr<I>, KernelError> {
        let parts = match variant {
            Variant::Raw => raw::permute_indices(self),
            Variant::Checked => checked::permute_indices(self),
            Variant::Safe => safe::permute_indices(self),
        }?;
        // SAFETY: `rows`, `cols` are permutations of the input's axes (`Plan::new`), so each path
        // of the module doc moves every entry once to an in-range `(rows[i], cols[j])`, keeps the
        // shape (fits `I`), counts the row pointer from 0 to nnz, and sorts each row's columns,
        // strictly increasing as images of distinct columns.
        Ok(unsafe { parts.assume_valid() })
    }
}

/// Moves entry `(i, j)` of `a` to `(rows[i], cols[j])` with the chosen variant.
pub fn permute_indices<I: Index>(
    a: &Csr<I>,
    rows: &[usize],
    cols: &[usize],
    variant: Variant,
) -> Result<Csr<I>, KernelError> {
    Plan::new(a, rows, cols)?.run(variant)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_are_the_places_in_sorted_order_whatever_lies_past_the_row() {
        // Every length up to SHORT_ROW (under Miri those around a multiple of LANES), keys
        // distinct and scrambled, the lanes past the row holding smaller, equal and larger
        // values than the row's.
        let lengths = (0..=SHORT_ROW).filter(|len| !cfg!(miri) || matches!(len % LANES, 0 | 1 | 7));
        for len in lengths {
            let mut keys = vec![0u32; SHORT_ROW + LANES];
            for (n, k) in keys.iter_mut().enumerate() {
                *k = (n as u32).wrapping_mul(2_654_435_761);
            }
            let first = keys[0];
            for (n, k) in keys[len..].iter_mut().enumerate() {
                *k = [0, u32::MAX, first][n % 3];
            }
            let row = keys[..len].to_vec();
            let mut ranks = [u32::MAX; SHORT_ROW];
            let mut sorted = row.clone();
            sorted.sort_unstable();
            rank_short_row(&keys, len, &mut ranks);
            for (n, k) in row.iter().enumerate() {
                let want = sorted.binary_search(k).unwrap() as u32;
                assert_eq!(ranks[n], want, "len {len}, entry {n}");
            }
        }
    }

    #[test]
    fn rows_in_order_are_told_apart_from_rows_out_of_order() {
        let keys = [3, 5, 9, 11, 1];
        for len in 0..=4 {
            assert!(in_order(&keys[..len]), "len {len}");
        }
        assert!(!in_order(&keys));
        assert!(!in_order(&[2, 1]));
        // The fixed-width check looks at the first len keys only, whatever follows them.
        let keys = [3, 5, 9, 11, 1, 0, 7, 2];
        for len in 0..=4 {
            assert!(in_order_eight(&keys, len), "len {len}");
        }
        for len in 5..=NETWORK_ROW {
            assert!(!in_order_eight(&keys, len), "len {len}");
        }
        assert!(!in_order_eight(&[0, 1, 2, 3, 4, 5, 7, 6], NETWORK_ROW));
        assert!(in_order_eight(&[0, 1, 2, 3, 4, 5, 6, 7], NETWORK_ROW));
    }

    #[test]
    fn the_network_sorts_every_row_of_up_to_eight_keys() {
        // The 0-1 principle: a comparator network that sorts every sequence of zeros and ones
        // sorts every sequence. Each length, each pattern of 0 and 1 keys, past the row keys
        // that must not leak in.
        for len in 0..=NETWORK_ROW {
            for bits in 0..1u32 << len {
                let mut keys = [7u32; NETWORK_ROW];
                for (n, k) in keys[..len].iter_mut().enumerate() {
                    *k = bits >> n & 1;
                }
                let mut want: Vec<u64> = (0..len)
                    .map(|n| u64::from(keys[n]) << 32 | n as u64)
                    .collect();
                want.sort_unstable();
                want.resize(NETWORK_ROW, u64::MAX);
                assert_eq!(sort_eight(&keys, len), want[..], "len {len}, bits {bits:b}");
            }
        }
        // Distinct keys as the kernels have them: new columns up to u32::MAX.
        let keys = [u32::MAX, 0, 40, 3, u32::MAX - 1, 1 << 31, 41, 2];
        let sorted = sort_eight(&keys, NETWORK_ROW).map(|p| (p >> 32) as u32);
        let mut want = keys;
        want.sort_unstable();
        assert_eq!(sorted, want);
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn rows_rank_while_every_new_column_fits_a_u32() {
        assert_eq!(short_limit(0, SHORT_ROW), SHORT_ROW);
        assert_eq!(short_limit(1 << 32, DIGITS_SHORT_ROW), DIGITS_SHORT_ROW);
        assert_eq!(short_limit(1 << 32, usize::MAX), SHORT_ROW);
        assert_eq!(short_limit((1 << 32) + 1, SHORT_ROW), 0);
    }
}
