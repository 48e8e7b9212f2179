//! Matrix families for benchmarks and peer comparisons, generated from a seed.
//!
//! The benchmarks and `rawcheck gen` both build their inputs here, so every tool times the same
//! matrices. A [`Spec`] fixes a matrix's shape and number of stored entries before anything is
//! drawn (the benches need the byte count up front); [`Spec::generate`] then fills it in O(nnz +
//! dim) time and memory, without any dense intermediate.
//!
//! * [`Family::Uniform`]: entries at random positions, density 2 % (`dim ≈ sqrt(50 nnz)`); row
//!   lengths follow the binomial law of nnz entries thrown at random rows.
//! * [`Family::Banded`]: `dim ≈ nnz / 7`, each row a contiguous run of about 7 columns centred on
//!   the diagonal (a finite-difference operator).
//! * [`Family::Powerlaw`]: `dim ≈ nnz / 8`, row lengths Zipf-distributed (the row of rank `k` holds
//!   about `nnz / (k H)` entries, `H` the harmonic number of `dim`), rows shuffled.
//! * [`Family::Tensor`]: `A ⊗ B ⊗ C` of three small random blocks, like a QuTiP operator on three
//!   subsystems; `dim ≈ nnz / 8`.
//!
//! Every matrix is square with `dim = d1 * d2 * d3`, the smallest such product of three factors
//! near the cube root that reaches the requested dimension, so [`Spec::dims`]
//! is a valid three-subsystem `dims` for `permute` in every family (for `tensor` it is the
//! subsystem structure itself). The number of stored entries is exactly the requested one, except
//! for `tensor`, whose nnz is the closest product `m1 * m2 * m3` of block sizes (exact for
//! powers of ten) and for requests that do not fit `dim²`.
//!
//! Randomness comes from SplitMix64 and values from integer bits scaled by powers of two, and
//! floating point is used only in correctly rounded operations (`+`, `/`), so a seed gives the
//! same matrix on every platform.
#![forbid(unsafe_code)]

use num_complex::Complex64;

use crate::Csr;
use crate::named::named_enum;

/// The seed the benchmarks use, and `rawcheck gen`'s default.
pub const DEFAULT_SEED: u64 = 0x7261_7763_6865_636b; // "rawcheck"

/// Matrix elements per stored entry in [`Spec::vectorisable`] shapes: column_stack's output has a
/// row pointer per element, so its inputs must be far denser than the natural families.
pub const VECTORISABLE_ELEMENTS_PER_NNZ: usize = 8;

named_enum! {
    /// A family of generated matrices; see the [module documentation](self).
    pub enum Family, unknown UnknownFamily = "matrix family" {
        /// Random positions at 2 % density.
        Uniform => "uniform",
        /// About 7 diagonals around the main one.
        Banded => "banded",
        /// Zipf-distributed row lengths.
        Powerlaw => "powerlaw",
        /// Kronecker product of three small random blocks.
        Tensor => "tensor",
    }
}

impl Family {
    /// The dimension a matrix of this family with `nnz` entries has by default.
    pub fn natural_dim(self, nnz: usize) -> usize {
        match self {
            Family::Uniform => nnz.saturating_mul(50).isqrt(),
            Family::Banded => nnz.div_ceil(7),
            Family::Powerlaw | Family::Tensor => nnz.div_ceil(8),
        }
    }
}

/// The shape and entry count of one generated matrix, fixed before any entry is drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    family: Family,
    dims: [usize; 3],
    nnz: usize,
    /// Stored entries of each tensor factor (`tensor` only; their product is `nnz`).
    blocks: [usize; 3],
}

impl Spec {
    /// A matrix of `family` with `nnz` entries at the family's natural dimension.
    pub fn new(family: Family, nnz: usize) -> Self {
        Self::with_dim(family, nnz, family.natural_dim(nnz))
    }

    /// A matrix of `family` with `nnz` entries and about
    /// [`VECTORISABLE_ELEMENTS_PER_NNZ`] elements per entry: the inputs of column_stack.
    pub fn vectorisable(family: Family, nnz: usize) -> Self {
        let dim = nnz.saturating_mul(VECTORISABLE_ELEMENTS_PER_NNZ).isqrt();
        Self::with_dim(family, nnz, dim)
    }

    /// A matrix of `family` with `nnz` entries and dimension at least `dim` (raised to
    /// `ceil(sqrt(nnz))` when smaller, then to the next product of three factors).
    pub fn with_dim(family: Family, nnz: usize, dim: usize) -> Self {
        let dims = factor3(dim.max(ceil_sqrt(nnz)).max(1));
        let blocks = match family {
            Family::Tensor => block_sizes(dims, nnz),
            _ => [0; 3],
        };
        let nnz = match family {
            Family::Tensor => blocks.iter().product(),
            _ => nnz,
        };
        Spec {
            family,
            dims,
            nnz,
            blocks,
        }
    }

    /// The family.
    pub fn family(&self) -> Family {
        self.family
    }

    /// Rows (= columns) of the matrix.
    pub fn dim(&self) -> usize {
        self.dims.iter().product()
    }

    /// Three subsystem dimensions whose product is [`Spec::dim`].
    pub fn dims(&self) -> &[usize] {
        &self.dims
    }

    /// Stored entries of the matrix.
    pub fn nnz(&self) -> usize {
        self.nnz
    }

    /// Draws the matrix from `seed`.
    pub fn generate(&self, seed: u64) -> Csr<u64> {
        let mut rng = SplitMix64(seed);
        let n = self.dim();
        let parts = match self.family {
            Family::Uniform => {
                let lengths = uniform_lengths(n, self.nnz, &mut rng);
                scattered_rows(n, &lengths, &mut rng)
            }
            Family::Banded => banded(n, self.nnz, &mut rng),
            Family::Powerlaw => {
                let lengths = powerlaw_lengths(n, self.nnz, &mut rng);
                scattered_rows(n, &lengths, &mut rng)
            }
            Family::Tensor => {
                let [a, b, c] = [0, 1, 2].map(|i| {
                    let d = self.dims[i];
                    let lengths = uniform_lengths(d, self.blocks[i], &mut rng);
                    scattered_rows(d, &lengths, &mut rng)
                });
                kron3(&a, &b, &c)
            }
        };
        debug_assert_eq!(parts.col_idx.len(), self.nnz);
        Csr::new(n, n, parts.row_ptr, parts.col_idx, parts.values)
            .expect("generated matrices satisfy every CSR invariant")
    }
}

/// Shorthand for `Spec::new(family, nnz).generate(seed)`.
pub fn generate(family: Family, nnz: usize, seed: u64) -> Csr<u64> {
    Spec::new(family, nnz).generate(seed)
}

/// The SplitMix64 generator: tiny, fast and the same everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    /// A value with both parts in `[-1, 1)`, multiples of 2^-52.
    fn value(&mut self) -> Complex64 {
        let mut part = || (self.next() >> 11) as f64 / (1u64 << 52) as f64 - 1.0;
        Complex64::new(part(), part())
    }
}

/// The three arrays of a CSR matrix under construction.
struct Parts {
    row_ptr: Vec<u64>,
    col_idx: Vec<u64>,
    values: Vec<Complex64>,
}

impl Parts {
    fn with_capacity(rows: usize, nnz: usize) -> Self {
        let mut row_ptr = Vec::with_capacity(rows + 1);
        row_ptr.push(0);
        Parts {
            row_ptr,
            col_idx: Vec::with_capacity(nnz),
            values: Vec::with_capacity(nnz),
        }
    }

    fn end_row(&mut self) {
        self.row_ptr.push(self.col_idx.len() as u64);
    }
}

/// `floor(a * b / c)` without intermediate overflow.
fn mul_div(a: usize, b: usize, c: usize) -> usize {
    (a as u128 * b as u128 / c as u128) as usize
}

/// Row lengths of `nnz` entries thrown at random rows of an `n x n` matrix (`nnz <= n²`),
/// a full row passing its overflow on to the next.
fn uniform_lengths(n: usize, nnz: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut lengths = vec![0usize; n];
    for _ in 0..nnz {
        lengths[rng.below(n)] += 1;
    }
    let mut carry = 0;
    while carry > 0 || lengths.iter().any(|&k| k > n) {
        for k in &mut lengths {
            *k += carry;
            carry = k.saturating_sub(n);
            *k -= carry;
        }
    }
    lengths
}

/// Zipf row lengths summing to `nnz` (`nnz <= n²`), assigned to rows in random order.
fn powerlaw_lengths(n: usize, nnz: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let harmonic: f64 = (1..=n).map(|k| 1.0 / k as f64).sum();
    let mut by_rank: Vec<usize> = (1..=n)
        .map(|k| ((nnz as f64 / (k as f64 * harmonic)) as usize).min(n))
        .collect();
    // The floors lose less than one entry per row; hand the rest out by rank (or take back the
    // excess rounding may have added), never beyond a full row.
    let mut total: usize = by_rank.iter().sum();
    let mut rank = 0;
    while total != nnz {
        let k = &mut by_rank[rank % n];
        if total < nnz && *k < n {
            *k += 1;
            total += 1;
        } else if total > nnz && *k > 0 {
            *k -= 1;
            total -= 1;
        }
        rank += 1;
    }
    // Row r gets the length of rank order[r].
    shuffled(n, rng).into_iter().map(|r| by_rank[r]).collect()
}

/// A random permutation of `0..n`, the same on every platform for a given `seed`.
///
/// Fisher-Yates from the top: for `i = n-1` down to 1, swap `i` with `j = (x * (i+1)) >> 64`,
/// `x` the next SplitMix64 output (so another language can replay it).
pub fn permutation(n: usize, seed: u64) -> Vec<usize> {
    shuffled(n, &mut SplitMix64(seed))
}

/// The row and column permutations `permute_indices` is benchmarked with: [`permutation`]s of
/// `rows` from `seed ^ 1` and of `cols` from `seed ^ 2`.
pub fn index_permutations(rows: usize, cols: usize, seed: u64) -> (Vec<usize>, Vec<usize>) {
    (permutation(rows, seed ^ 1), permutation(cols, seed ^ 2))
}

fn shuffled(n: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.below(i + 1));
    }
    order
}

/// An `n x n` matrix whose row `r` holds `lengths[r]` random columns: the row is cut into
/// `lengths[r]` equal strata and one column drawn in each, so columns come out sorted and distinct.
fn scattered_rows(n: usize, lengths: &[usize], rng: &mut SplitMix64) -> Parts {
    let mut parts = Parts::with_capacity(n, lengths.iter().sum());
    for &k in lengths {
        for s in 0..k {
            let lo = mul_div(s, n, k);
            let hi = mul_div(s + 1, n, k);
            parts.col_idx.push((lo + rng.below(hi - lo)) as u64);
            parts.values.push(rng.value());
        }
        parts.end_row();
    }
    parts
}

/// An `n x n` band: nnz spread evenly over the rows, each row a run of columns centred on the
/// diagonal and shifted inside the matrix at its edges.
fn banded(n: usize, nnz: usize, rng: &mut SplitMix64) -> Parts {
    let mut parts = Parts::with_capacity(n, nnz);
    for r in 0..n {
        let k = mul_div(r + 1, nnz, n) - mul_div(r, nnz, n);
        let start = r.saturating_sub(k / 2).min(n - k);
        for c in start..start + k {
            parts.col_idx.push(c as u64);
            parts.values.push(rng.value());
        }
        parts.end_row();
    }
    parts
}

/// `a ⊗ b ⊗ c` of square blocks, built row by row in CSR order.
fn kron3(a: &Parts, b: &Parts, c: &Parts) -> Parts {
    let dim = |p: &Parts| p.row_ptr.len() - 1;
    let (db, dc) = (dim(b), dim(c));
    let rows = |p: &Parts| {
        p.row_ptr
            .windows(2)
            .map(|w| w[0] as usize..w[1] as usize)
            .collect::<Vec<_>>()
    };
    let (ra, rb, rc) = (rows(a), rows(b), rows(c));
    let nnz = a.col_idx.len() * b.col_idx.len() * c.col_idx.len();
    let mut out = Parts::with_capacity(dim(a) * db * dc, nnz);
    for ia in &ra {
        for ib in &rb {
            for ic in &rc {
                for ka in ia.clone() {
                    for kb in ib.clone() {
                        let col_ab = (a.col_idx[ka] as usize * db + b.col_idx[kb] as usize) * dc;
                        let v_ab = a.values[ka] * b.values[kb];
                        for kc in ic.clone() {
                            out.col_idx.push((col_ab + c.col_idx[kc] as usize) as u64);
                            out.values.push(v_ab * c.values[kc]);
                        }
                    }
                }
                out.end_row();
            }
        }
    }
    out
}

/// `round(cbrt(n))`, in integers.
fn round_cbrt(n: usize) -> usize {
    let mut c = 0usize;
    while (c + 1).pow(3) <= n {
        c += 1;
    }
    // cbrt(n) >= c + 1/2 exactly when 8n >= (2c + 1)³.
    if 8 * n as u128 >= (2 * c as u128 + 1).pow(3) {
        c + 1
    } else {
        c
    }
}

/// The smallest `d` with `d² >= n`.
fn ceil_sqrt(n: usize) -> usize {
    let s = n.isqrt();
    if s * s < n { s + 1 } else { s }
}

/// Three factors `[a, b, c]`, each within a factor 2 of the cube root of `n`, with the smallest
/// product `>= n` (ties: the most balanced).
fn factor3(n: usize) -> [usize; 3] {
    let root = round_cbrt(n).max(1);
    let near = (root / 2).max(1)..=2 * root;
    let score = |d: [usize; 3]| {
        let spread = d.iter().max().unwrap_or(&0) - d.iter().min().unwrap_or(&0);
        (d.iter().product::<usize>(), spread)
    };
    let mut best = [root, root, n.div_ceil(root * root)];
    for a in near.clone() {
        for b in a..=*near.end() {
            let c = n.div_ceil(a * b).max(1);
            if near.contains(&c) && score([a, b, c]) < score(best) {
                best = [a, b, c];
            }
        }
    }
    best
}

/// The smallest prime factor of `n >= 2` (`n` itself when prime): the bench's reshape merges
/// that many rows into one.
pub fn smallest_factor(n: usize) -> usize {
    (2..)
        .take_while(|p| p * p <= n)
        .find(|p| n % p == 0)
        .unwrap_or(n)
}

/// Entries `[m1, m2, m3]` of the tensor blocks, `m_i <= dims[i]²`, whose product is nearest to
/// `nnz` (ties: the most balanced), searched within a factor 4 of the cube root of `nnz`.
fn block_sizes(dims: [usize; 3], nnz: usize) -> [usize; 3] {
    if nnz == 0 {
        return [0; 3];
    }
    let cap = dims.map(|d| d * d);
    let around = |target: usize, cap: usize| {
        let lo = (target / 4).clamp(1, cap);
        lo..=(target * 4).clamp(lo, cap)
    };
    let mut best = ([1, 1, 1], usize::MAX, usize::MAX);
    for m1 in around(round_cbrt(nnz), cap[0]) {
        for m2 in around((nnz / m1).isqrt(), cap[1]) {
            let m3 = ((nnz + m1 * m2 / 2) / (m1 * m2)).clamp(1, cap[2]);
            let m = [m1, m2, m3];
            let miss = (m1 * m2 * m3).abs_diff(nnz);
            let spread = m.iter().max().unwrap_or(&0) - m.iter().min().unwrap_or(&0);
            if (miss, spread) < (best.1, best.2) {
                best = (m, miss, spread);
            }
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::Dense;

    fn parts_to_csr(p: Parts) -> Csr<u64> {
        let n = p.row_ptr.len() - 1;
        Csr::new(n, n, p.row_ptr, p.col_idx, p.values).unwrap()
    }

    #[test]
    fn kron3_matches_the_dense_kronecker_product() {
        let mut rng = SplitMix64(7);
        let block = |d: usize, m: usize, rng: &mut SplitMix64| {
            let lengths = uniform_lengths(d, m, rng);
            scattered_rows(d, &lengths, rng)
        };
        let (a, b, c) = (
            block(2, 3, &mut rng),
            block(3, 4, &mut rng),
            block(2, 2, &mut rng),
        );
        let dense = [&a, &b, &c].map(|p| {
            Dense::from_csr(&parts_to_csr(Parts {
                row_ptr: p.row_ptr.clone(),
                col_idx: p.col_idx.clone(),
                values: p.values.clone(),
            }))
        });
        let got = parts_to_csr(kron3(&a, &b, &c));
        assert_eq!(got.shape(), (12, 12));
        assert_eq!(got.nnz(), 24);
        let (da, db, dc) = (&dense[0], &dense[1], &dense[2]);
        for r in 0..12 {
            for col in 0..12 {
                let (ra, rb, rc) = (r / 6, r / 2 % 3, r % 2);
                let (ca, cb, cc) = (col / 6, col / 2 % 3, col % 2);
                let want = match (da.get(ra, ca), db.get(rb, cb), dc.get(rc, cc)) {
                    (Some(x), Some(y), Some(z)) => Some(x * y * z),
                    _ => None,
                };
                assert_eq!(Dense::from_csr(&got).get(r, col), want, "({r}, {col})");
            }
        }
    }

    #[test]
    fn integer_roots_and_factors() {
        assert_eq!(
            [0, 1, 4, 5, 26, 27, 63, 64, 1000].map(round_cbrt),
            [0, 1, 2, 2, 3, 3, 4, 4, 10]
        );
        assert_eq!(
            [0, 1, 2, 4, 5, 99, 100].map(ceil_sqrt),
            [0, 1, 2, 2, 3, 10, 10]
        );
        assert_eq!(factor3(125), [5, 5, 5]);
        assert_eq!(factor3(89), [3, 5, 6]);
        assert_eq!(factor3(223), [4, 7, 8]);
        assert_eq!(factor3(97), [2, 7, 7]);
        assert_eq!(factor3(1), [1, 1, 1]);
        assert_eq!(block_sizes([5, 5, 5], 1000), [10, 10, 10]);
        assert_eq!(block_sizes([2, 2, 2], 0), [0, 0, 0]);
    }

    #[test]
    fn full_rows_pass_their_overflow_on() {
        let mut rng = SplitMix64(1);
        let lengths = uniform_lengths(3, 9, &mut rng);
        assert_eq!(lengths, vec![3, 3, 3]);
        let lengths = powerlaw_lengths(4, 16, &mut rng);
        assert_eq!(lengths, vec![4; 4]);
    }
}
