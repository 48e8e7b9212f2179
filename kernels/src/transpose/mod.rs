//! `transpose(A)`: plain transpose (no conjugation), as QuTiP's `transpose_csr`.
//!
//! A counting sort by column:
//! 1. count: the zero-filled output row pointer gets the number of entries of column `j` in slot
//!    `j + 1`;
//! 2. prefix sum: slot `j` now holds the first output position of column `j`;
//! 3. scatter: walking the input in CSR order, entry `(i, j)` goes to the next free position of
//!    output row `j`, with column index `i`, and slot `j` advances. Input rows are visited in
//!    increasing order, so every output row comes out sorted, and slot `j` ends at the end of
//!    output row `j`;
//! 4. shift: moving the slots up by one (slot 0 becomes 0) turns those ends into row pointers.
//!
//! The scatter takes one of three [`Path`]s, which compute the same output:
//! * [`Path::Direct`]: one pass, every column a write stream into the output (two open cache
//!   lines per column: indices and values). Fast while those lines stay in cache.
//! * [`Path::DirectAhead`]: the same pass with a look-ahead (below) that asks for each entry's
//!   output lines [`AHEAD`] entries before it is written, and for the next line of each line it
//!   writes.
//! * [`Path::Partitioned`]: two passes through buckets of `2^shift` consecutive columns. Pass A
//!   moves each entry, in CSR order, to the next free position of its bucket's range of the
//!   output (the columns of a bucket are contiguous there), with its column in a scratch array;
//!   pass B takes one bucket at a time, copies its range to a scratch buffer and scatters it
//!   back by column. Pass A writes one stream per bucket, pass B scatters within a range that
//!   stays in cache; both keep CSR order within a column, so rows stay sorted.
//!
//! The partitioned path moves every entry twice more through memory (a stream of `2 * I + 16`
//! bytes written and read back per entry), so it pays only where the direct scatter's open
//! lines do not stay in cache. The rule ([`Path::choose`], from [`CacheSizes`]), with `S` the
//! number of columns whose two open lines fit half the last-level cache:
//! * direct while `cols <= S`, or the whole output fits half the last-level cache, with the
//!   look-ahead once the output outgrows four times the L2;
//! * direct, without the look-ahead, while the first `2 * S` entries (a window in which each column's lines would be
//!   written about twice) touch at most `S` distinct columns: the working set of a structured
//!   matrix stays small however many columns it has (a tensor product's rows revisit the same
//!   columns block by block);
//! * partitioned otherwise, with buckets small enough that one bucket's working set in pass B
//!   (its output range, the scratch copy and the columns: `3 * I + 32` bytes per entry on
//!   average) fits half the L2 cache.
//!
//! The open lines are counted against the last level, not the L2: a line the direct scatter
//! finds in the L3 costs it little, because the look-ahead below asks for it [`AHEAD`] entries
//! early, while the partitioned path pays its extra pass whatever the caches hold. A rule on
//! half the L2 partitioned scatters that ran faster direct. `kernels/examples/scatter_probe.rs`,
//! raw, 32-bit, the fastest of 8 to 20 calls, 7 interleaved pairs, on an AMD EPYC (Zen 4: 1 MiB
//! L2, 32 MiB L3, so `S` = 131072 instead of 4096), direct time over partitioned, median (range):
//! powerlaw 10^5 0.52 (0.46-0.52), uniform 10^6 0.81 (0.76-0.90), powerlaw 10^6 0.77
//! (0.74-0.84, 64-bit 0.84), uniform 10^7 0.78 (0.44-1.57, 5 of 7 pairs faster; 64-bit 0.74).
//! In the bench (criterion's means, the binaries before and after the change run in the order
//! old, new, new, old): powerlaw 10^5 0.43x (64-bit 0.46x), uniform 10^6 0.93x (0.88x), powerlaw
//! 10^6 0.91x (1.05x); column_stack, whose transposition follows the same rule, 0.59x to 0.83x
//! at 10^5. Where the open lines outgrow the L3 the partitioned path still wins: powerlaw at 10^7 (1.25
//! million columns, 160 MB of open lines) ran 1.22x (1.13-1.97) slower direct. Valgrind's cache
//! simulation agrees on where the lines go but not on what it costs: with a 2 MiB L2, uniform
//! random columns at 10^7 miss it 1.48 times per entry direct and 1.13 partitioned, Zipf row
//! lengths at 10^6 2.38 and 1.16, yet at 10^6 the direct path is the faster one on both
//! machines measured (the Sapphire Rapids VM of the earlier sessions and the EPYC above).
//!
//! The look-ahead ([`Path::DirectAhead`], and both passes of the partitioned path) looks
//! [`AHEAD`] entries on: before writing entry `k` it reads the slot of entry `k + AHEAD`'s column (or bucket) and
//! asks for the output lines that entry will be written to. The slot may still move before the
//! entry is placed (by entries of the same column in between), so the hint can miss by a line;
//! it never changes a result. The writes of a scatter go to lines no hardware prefetcher can
//! predict, and each missing line used to hold the entry's store until its line arrived; with the
//! hint the line's fetch overlaps the 16 entries before it (tensor at 10^6 entries, 32-bit, raw,
//! least of 3 interleaved runs of `kernels/examples/scatter_probe.rs`, each the fastest of 7
//! calls: 9.7 to 5.1 ns per entry; uniform 14.2 to 11.6, banded 4.5 to 4.1, powerlaw 16.8 to
//! 14.6). Its loads and hints cost instructions, which only pay where the lines come from
//! farther than the processor's own reorder window reaches: on the EPYC (1 MiB L2), the direct
//! scatter without the look-ahead took, at 10^5 entries (2 MB of output), 0.79x the time on
//! banded, 0.90x uniform, 0.96x powerlaw, 0.89x tensor; at 2 * 10^5 (4 MB) 0.93x to 1.02x; from
//! 3 * 10^5 (6 MB) on 1.10x to 1.65x, and at 10^6 1.26x to 1.45x, except on banded (0.94x: its
//! window is local, its lines open already). Hence four times the L2 (a prototype of the raw
//! scatter, 32-bit, the fastest of 10 to 30 calls, median of 5 to 7 interleaved pairs).
//!
//! With the look-ahead the scatter also asks the L2 for the line after each one it writes, in
//! both output arrays (`prefetch_next_line`): a column's run is written front to back, so that
//! line is the one its next entries will need. Where a column's entries come in bursts (a
//! tensor product's rows revisit the same columns block by block) the line is there when they
//! come, where the look-ahead's 16 entries would have been too late for all but the first. In
//! the bench at 10^6 (criterion's means, the binaries before and after in the order old, new,
//! new, old, quick profile), transpose took 0.68x (32-bit) and 0.72x (64-bit) the time on tensor
//! raw, 0.70-0.78x checked and safe; uniform 0.93x and 0.73x raw (0.81-0.96x the others),
//! powerlaw 1.00x and 0.86x (0.82-1.00x). column_stack, which shares the counting sort, took
//! 0.72-0.95x raw on tensor, uniform and powerlaw, and banded 0.99x (checked and safe 0.88-1.08x);
//! banded's transpose takes the direct path and did not change (0.91-1.00x: the noise of that
//! sitting). Below four times the L2 the hint only costs (column_unstack, whose scatter gets the
//! same hint past the same bound, ran 5-8 % slower at 10^5 with it).
//!
//! Software write-combining is not taken: a buffer of one cache line per column for the values
//! and one for the indices, each line written out whole with non-temporal stores (`movntdq`,
//! so the output's lines are never read for ownership) once full, the partial lines at a
//! column's two ends stored as usual. On the EPYC its prototype (raw, 32-bit, the count pass
//! included, the fastest of 10 calls against this scatter with the look-ahead in the same
//! process, 5 processes; medians) took 1.18x the time on uniform at 10^6 and 2.0x to 3.3x on
//! the other families and sizes of the bench (10^5 and 10^6). The buffers, 128 bytes a column
//! (0.3 MB for uniform's 2240 columns at 10^5, 18 MB for banded's 142880 at 10^6), outgrow the
//! L1, and every entry branches on whether its line is full, which the data decide.
//!
//! [`Plan::new`] applies the rule; [`Plan::with_path`] forces a path (for tests, fuzzing and
//! benchmarks).
//!
//! Passes 1 to 3 are `sort_by_column` in each variant's file, which
//! [`column_stack`](crate::column_stack()) reuses with another key; the prefix sum and the shift
//! serve [`column_unstack`](crate::column_unstack()) too.
//!
//! [`Plan::new`] validates the input once; [`raw`], [`checked`] and [`safe`] each compute
//! the result from a plan with the same algorithm and the same signature.

pub mod checked;
pub mod raw;
pub mod safe;

use num_complex::Complex64;

use crate::cache::CacheSizes;
use crate::checks::{fits, row_ptr_len};
use crate::{Csr, Index, KernelError, Variant};

/// Entries the direct scatter looks ahead: it asks for the output lines entry `k + AHEAD` will
/// write (from its column's current slot) before it writes entry `k`'s.
pub const AHEAD: usize = 16;

/// How the counting sort moves the entries; see the [module documentation](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Path {
    /// One scatter straight into the output.
    Direct,
    /// The direct scatter, asking for each entry's output lines [`AHEAD`] entries early and for
    /// the line after each one it writes.
    DirectAhead,
    /// Two passes through buckets of `2^shift` consecutive columns.
    Partitioned {
        /// Base-2 logarithm of the columns per bucket (at most 63).
        shift: u32,
    },
}

impl Path {
    /// The path for a counting sort of `a`'s entries by column on a core with the caches
    /// `cache` (the rule in the [module documentation](self)).
    pub fn choose<I: Index>(a: &Csr<I>, cache: CacheSizes) -> Path {
        let streams = cache.llc / 2 / (2 * cache.line);
        let (cols, nnz) = (a.cols(), a.nnz());
        let output = output_bytes::<I>(nnz);
        if cols <= streams || output <= cache.llc / 2 {
            return if outgrows_l2(output, cache) {
                Path::DirectAhead
            } else {
                Path::Direct
            };
        }
        let window = &a.col_idx()[..nnz.min(2 * streams)];
        if distinct(window) <= streams {
            return Path::Direct;
        }
        let budget = cache.l2 / 2;
        let working_set = nnz.saturating_mul(3 * size_of::<I>() + 2 * size_of::<Complex64>());
        let parts = working_set.div_ceil(budget);
        Path::Partitioned {
            shift: (cols / parts).max(1).ilog2(),
        }
    }

    /// The number of buckets of this path over `cols` columns: `cols` for the direct path.
    pub fn buckets(self, cols: usize) -> usize {
        match self {
            Path::Direct | Path::DirectAhead => cols,
            Path::Partitioned { shift } => cols.checked_sub(1).map_or(0, |c| (c >> shift) + 1),
        }
    }

    /// The path with its shift at most 63, so that `c >> shift` is defined.
    pub(crate) fn clamped(self) -> Path {
        match self {
            Path::Direct => Path::Direct,
            Path::DirectAhead => Path::DirectAhead,
            Path::Partitioned { shift } => Path::Partitioned {
                shift: shift.min(usize::BITS - 1),
            },
        }
    }
}

/// Bytes of a scatter's output of `nnz` entries, a column index and a value each.
pub(crate) fn output_bytes<I: Index>(nnz: usize) -> usize {
    nnz.saturating_mul(size_of::<I>() + size_of::<Complex64>())
}

/// Whether a scatter's output of `bytes` outgrows four times the L2, past which its lines come
/// from farther than the processor's reorder window reaches and are worth asking for early
/// (the look-ahead, and the next line of each write stream; see the
/// [module documentation](self)).
pub(crate) fn outgrows_l2(bytes: usize, cache: CacheSizes) -> bool {
    bytes > cache.l2.saturating_mul(4)
}

/// Bits of the bitmap [`distinct`] counts in: 16 KiB.
const DISTINCT_BITS: u32 = 17;

/// An estimate of the number of distinct values in `values` by linear counting: each value sets
/// one bit, picked by a multiplicative hash, of a `2^17`-bit map; `n` distinct values leave about
/// `m * exp(-n / m)` of the `m` bits clear. Within a few percent for up to about `2^17` values.
fn distinct<I: Index>(values: &[I]) -> usize {
    let mut map = [0u64; 1 << (DISTINCT_BITS - 6)];
    for v in values {
        let hash =
            (v.to_usize() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - DISTINCT_BITS);
        map[(hash >> 6) as usize] |= 1 << (hash & 63);
    }
    let m = f64::from(1u32 << DISTINCT_BITS);
    let clear: u32 = map.iter().map(|w| w.count_zeros()).sum();
    (m * (m / f64::from(clear.max(1))).ln()) as usize
}

/// A transpose whose output has been checked to be representable.
///
/// Guarantees, relied upon by [`raw::transpose`]: the output's `input.cols() + 1` row pointers
/// can be counted in a `usize`, and its dimensions fit the index type `I`.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a, I: Index> {
    input: &'a Csr<I>,
    path: Path,
}

impl<'a, I: Index> Plan<'a, I> {
    /// Checks that the transpose of `input` can be represented, and picks the [`Path`] for
    /// it and this machine's caches.
    pub fn new(input: &'a Csr<I>) -> Result<Self, KernelError> {
        let path = Path::choose(input, CacheSizes::get());
        Self::with_path(input, path)
    }

    /// As [`Plan::new`], but with the given path, whatever the sizes (for tests, fuzzing and
    /// benchmarks). A shift above 63 counts as 63.
    pub fn with_path(input: &'a Csr<I>, path: Path) -> Result<Self, KernelError> {
        fits::<I>("rows", input.cols())?;
        fits::<I>("cols", input.rows())?;
        row_ptr_len(input.cols())?;
        Ok(Plan {
            input,
            path: path.clamped(),
        })
    }

    /// The matrix to transpose.
    pub fn input(&self) -> &'a Csr<I> {
        self.input
    }

    /// How the entries are moved.
    pub fn path(&self) -> Path {
        self.path
    }
}

/// Transposes `a` (no conjugation) with the chosen variant.
pub fn transpose<I: Index>(a: &Csr<I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    run(&Plan::new(a)?, variant)
}

/// Runs a plan with the chosen variant.
#[allow(
    unsafe_code,
    reason = "the one trusted step from the variants' output to a `Csr`"
)]
pub fn run<I: Index>(plan: &Plan<'_, I>, variant: Variant) -> Result<Csr<I>, KernelError> {
    let parts = match variant {
        Variant::Raw => raw::transpose(plan),
        Variant::Checked => checked::transpose(plan),
        Variant::Safe => safe::transpose(plan),
    }?;
    // SAFETY: the variants run the module doc's counting sort on a plan whose output dimensions
    // fit `I` (`Plan::with_path`): the row pointer is the prefix sum of the column counts (0 to
    // nnz), each entry `(r, c)` lands once in output row `c` with column `r < input.rows()`, and
    // rows are scattered in increasing `r`, so every output row's columns increase.
    Ok(unsafe { parts.assume_valid() })
}
