//! Turning fuzz bytes into structured values ([`Gen`]) and structured values back into bytes
//! ([`Seed`], for the committed seed corpus).
//!
//! The byte format is deliberately simple and stable: every choice reads whole bytes from the
//! front of the input (little-endian for numbers, zero once the input runs out), so a seed file
//! written by [`Seed`] decodes to exactly the value it was made from, whatever the version of
//! the `arbitrary` crate. Biased choices (small shapes most of the time, tensor-shaped and edge
//! dimensions some of the time) are a *mode byte* read first: the fuzzer mostly produces valid
//! inputs in the interesting region, and the explicit modes let a seed spell out anything.

use arbitrary::{Arbitrary, Unstructured};
use num_complex::Complex64;

/// Largest number of entries a matrix's entry list may declare.
pub const MAX_ENTRIES: usize = 1024;

/// Longest permutation generated (longer ones would cost memory the input did not pay for).
pub const MAX_PERMUTATION: usize = 1 << 17;

/// Largest number of cells filled by the "every cell stored" density mode.
const FULL_MAX: usize = 256;

/// Values chosen for their bit patterns: signed zeros, infinities, NaNs with payloads (a kernel
/// must move them, never recompute them), subnormals and extremes.
pub const SPECIAL_VALUES: [f64; 16] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    f64::from_bits(0x7ff8_0000_0000_0001),
    f64::from_bits(0xfff0_0000_0000_0001),
    f64::MIN_POSITIVE / 4.0,
    -5e-324,
    f64::MIN_POSITIVE,
    f64::MAX,
    f64::MIN,
    1e300,
    0.1,
];

/// Input rows used by the edge-shape mode (products with [`EDGE_DIMS`] reach past 2^32 already).
pub const EDGE_ROWS: [usize; 6] = [0, 1, 2, 3, 255, 256];

/// Tall input rows, picked one time in sixteen by the edge-shape mode: around 2^16 (where
/// `rows * rows` leaves 32 bits) and the harness's input bound. Rare because every call on them
/// costs `O(rows)`, which would otherwise dominate the fuzzer's time.
pub const TALL_ROWS: [usize; 4] = [65535, 65536, 65537, 1 << 17];

/// Dimensions (and parameters) used by the edge modes: around 2^16, 2^32, and the top of
/// `usize`, where products and `+ 1` overflow.
pub const EDGE_DIMS: [usize; 16] = [
    0,
    1,
    2,
    65535,
    65536,
    65537,
    (u32::MAX - 1) as usize,
    u32::MAX as usize,
    u32::MAX as usize + 1,
    u32::MAX as usize + 2,
    1 << 33,
    1 << 40,
    1 << 62,
    usize::MAX / 2,
    usize::MAX - 1,
    usize::MAX,
];

/// Bytes needed to write any value below `n` (0 when there is a single choice).
fn width_below(n: usize) -> usize {
    let max = n.saturating_sub(1);
    (usize::BITS - max.leading_zeros()).div_ceil(8) as usize
}

/// Reads choices from fuzz bytes; see the module documentation for the format.
pub struct Gen<'u, 'a> {
    u: &'u mut Unstructured<'a>,
}

impl<'u, 'a> Gen<'u, 'a> {
    /// Reads from `u`.
    pub fn new(u: &'u mut Unstructured<'a>) -> Self {
        Gen { u }
    }

    /// The next byte, or 0 once the input is exhausted.
    pub fn byte(&mut self) -> u8 {
        u8::arbitrary(self.u).unwrap_or(0)
    }

    /// The next `n` bytes as a little-endian number (missing bytes are 0).
    fn le(&mut self, n: usize) -> u64 {
        (0..n).fold(0u64, |acc, i| acc | (u64::from(self.byte()) << (8 * i)))
    }

    /// A full 64-bit number.
    pub fn u64(&mut self) -> u64 {
        self.le(8)
    }

    /// A full-range `usize` (64-bit targets only, see `rawcheck_kernels::Index`).
    pub fn usize(&mut self) -> usize {
        self.u64() as usize
    }

    /// A number in `0..n` (0 when `n <= 1`), read from as few bytes as hold `n - 1`.
    pub fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        (self.le(width_below(n)) % n as u64) as usize
    }

    /// An element of `table`.
    pub fn pick<T: Copy>(&mut self, table: &[T]) -> T {
        table[usize::from(self.byte()) % table.len()]
    }

    /// A value; see [`Seed::value`] for the three forms.
    pub fn value(&mut self) -> Complex64 {
        match self.byte() {
            0..=175 => {
                let (re, im) = (self.byte() as i8, self.byte() as i8);
                Complex64::new(f64::from(re) / 8.0, f64::from(im))
            }
            176..=207 => Complex64::new(self.pick(&SPECIAL_VALUES), self.pick(&SPECIAL_VALUES)),
            _ => Complex64::new(f64::from_bits(self.u64()), f64::from_bits(self.u64())),
        }
    }

    /// A shape: small most of the time, else tensor-shaped, edge or explicit.
    pub fn shape(&mut self) -> (usize, usize) {
        match self.byte() {
            0..=175 => (self.below(9), self.below(9)),
            176..=207 => {
                let n = self.tensor_size();
                match self.below(3) {
                    0 => (n, n),
                    1 => (n, 1),
                    _ => (1, n),
                }
            }
            208..=247 => {
                let rows = if self.byte() < 16 {
                    self.pick(&TALL_ROWS)
                } else {
                    self.pick(&EDGE_ROWS)
                };
                (rows, self.pick(&EDGE_DIMS))
            }
            _ => (self.usize(), self.usize()),
        }
    }

    /// Small tensor dimensions: one to four factors in `1..=4`.
    pub fn tensor_dims(&mut self) -> Vec<usize> {
        let k = 1 + self.below(4);
        (0..k).map(|_| 1 + self.below(4)).collect()
    }

    fn tensor_size(&mut self) -> usize {
        self.tensor_dims().iter().product()
    }

    /// Entries for a `rows x cols` matrix: empty, every cell, or a list of in-range positions,
    /// plus now and then one entry at raw (usually out-of-range) coordinates.
    pub fn entries(&mut self, rows: usize, cols: usize) -> Vec<(usize, usize, Complex64)> {
        let stray = self.byte() >= 248;
        let cells = rows.checked_mul(cols);
        // Both dimensions bounded, not just their product: `usize::MAX x 0` has no cells but
        // iterating its rows would never end.
        let small = rows <= FULL_MAX && cols <= FULL_MAX && cells.is_some_and(|n| n <= FULL_MAX);
        let mut entries = match self.byte() {
            0..=23 => Vec::new(),
            24..=47 if small => (0..rows)
                .flat_map(|r| (0..cols).map(move |c| (r, c)))
                .map(|(r, c)| (r, c, self.value()))
                .collect(),
            _ => {
                let count = match self.byte() {
                    c @ 0..=191 => usize::from(c) % 33,
                    _ => self.below(MAX_ENTRIES + 1),
                };
                if cells == Some(0) {
                    Vec::new()
                } else {
                    self.repeat(count, |g| (g.below(rows), g.below(cols), g.value()))
                }
            }
        };
        if stray {
            entries.push((self.usize(), self.usize(), self.value()));
        }
        entries
    }

    /// Up to `n` values made by `f`, fewer when the input runs out: a declared length of 65535
    /// must not cost 65535 iterations of zeros.
    pub fn repeat<T>(&mut self, n: usize, mut f: impl FnMut(&mut Self) -> T) -> Vec<T> {
        let mut out = Vec::new();
        for _ in 0..n {
            if self.u.is_empty() {
                break;
            }
            out.push(f(self));
        }
        out
    }

    /// An explicit list of numbers: its length (below 2^16), then each number.
    pub fn list(&mut self) -> Vec<usize> {
        let len = self.below(1 << 16);
        self.repeat(len, |g| g.usize())
    }

    /// A permutation of `0..n`, or (one time in five) something that is not one: too short or
    /// long, a duplicate, or an element out of range; explicit lists now and then. Beyond
    /// [`MAX_PERMUTATION`] elements the result is a permutation of a prefix: too short.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mode = self.byte();
        if mode >= 248 {
            return self.list();
        }
        let n = n.min(MAX_PERMUTATION);
        let mut p: Vec<usize> = (0..n).collect();
        match self.byte() {
            0..=31 => {}
            32..=63 => p.reverse(),
            64..=95 => p.rotate_left(self.below(n)),
            _ if n > 4096 => p.rotate_left(self.below(n)),
            _ => {
                for i in (1..n).rev() {
                    p.swap(i, self.below(i + 1));
                }
            }
        }
        if mode >= 200 {
            self.corrupt(&mut p, n);
        }
        p
    }

    /// Makes `p` (a permutation of `0..n`) invalid in one way.
    fn corrupt(&mut self, p: &mut Vec<usize>, n: usize) {
        match self.below(4) {
            0 => p.push(self.below(n.saturating_add(1))),
            1 if n >= 1 => {
                p.pop();
            }
            2 if n >= 2 => {
                let (i, j) = (self.below(n), self.below(n));
                p[i] = p[if i == j { (j + 1) % n } else { j }];
            }
            _ if n >= 1 => {
                let i = self.below(n);
                p[i] = n.saturating_add(self.below(3)).max(self.pick(&EDGE_DIMS));
            }
            _ => p.push(self.pick(&EDGE_DIMS)),
        }
    }
}

/// Writes bytes that [`Gen`] decodes back into chosen values: the explicit forms of each choice.
#[derive(Debug, Default)]
pub struct Seed {
    bytes: Vec<u8>,
}

impl Seed {
    /// An empty seed.
    pub fn new() -> Self {
        Seed::default()
    }

    /// The bytes written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Raw bytes (e.g. a mode byte).
    pub fn byte(&mut self, b: u8) -> &mut Self {
        self.bytes.push(b);
        self
    }

    fn le(&mut self, v: u64, n: usize) -> &mut Self {
        self.bytes.extend_from_slice(&v.to_le_bytes()[..n]);
        self
    }

    /// A full 64-bit number.
    pub fn usize(&mut self, v: usize) -> &mut Self {
        self.le(v as u64, 8)
    }

    /// A number below `n`, as [`Gen::below`] reads it.
    pub fn below(&mut self, n: usize, v: usize) -> &mut Self {
        assert!(v < n.max(1), "seed value {v} not below {n}");
        self.le(v as u64, width_below(n))
    }

    /// A value: the short form `re = i8 / 8, im = i8` when it is exact, else the raw bits.
    pub fn value(&mut self, v: Complex64) -> &mut Self {
        let (re, im) = ((v.re * 8.0) as i8, v.im as i8);
        let short = Complex64::new(f64::from(re) / 8.0, f64::from(im));
        if short.re.to_bits() == v.re.to_bits() && short.im.to_bits() == v.im.to_bits() {
            self.byte(0).byte(re as u8).byte(im as u8)
        } else {
            self.byte(255).le(v.re.to_bits(), 8).le(v.im.to_bits(), 8)
        }
    }

    /// An explicit shape.
    pub fn shape(&mut self, rows: usize, cols: usize) -> &mut Self {
        self.byte(255).usize(rows).usize(cols)
    }

    /// An explicit entry list for a `rows x cols` matrix: in-range `entries`, then the `stray`
    /// one at any coordinates, if given.
    pub fn entries(
        &mut self,
        rows: usize,
        cols: usize,
        entries: &[(usize, usize, Complex64)],
        stray: Option<(usize, usize, Complex64)>,
    ) -> &mut Self {
        self.byte(if stray.is_some() { 255 } else { 0 })
            .byte(255)
            .byte(255)
            .below(MAX_ENTRIES + 1, entries.len());
        for &(r, c, v) in entries {
            self.below(rows, r).below(cols, c).value(v);
        }
        if let Some((r, c, v)) = stray {
            self.usize(r).usize(c).value(v);
        }
        self
    }

    /// An explicit list of numbers, as [`Gen::list`] reads it.
    pub fn list(&mut self, items: &[usize]) -> &mut Self {
        self.below(1 << 16, items.len());
        for &x in items {
            self.usize(x);
        }
        self
    }

    /// An explicit list where [`Gen::permutation`] reads a permutation.
    pub fn permutation(&mut self, items: &[usize]) -> &mut Self {
        self.byte(255).list(items)
    }

    /// `items` where [`Gen::permutation`] reads a permutation of `0..n`: `0..n` reversed in its
    /// two-byte form (so a seed can permute thousands of columns within `max_len`), anything
    /// else as an explicit list.
    pub fn permutation_of(&mut self, n: usize, items: &[usize]) -> &mut Self {
        let reversed =
            items.len() == n && n <= MAX_PERMUTATION && items.iter().rev().copied().eq(0..n);
        match reversed {
            true => self.byte(0).byte(32),
            false => self.permutation(items),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode<T>(bytes: &[u8], f: impl FnOnce(&mut Gen) -> T) -> T {
        let mut u = Unstructured::new(bytes);
        f(&mut Gen::new(&mut u))
    }

    #[test]
    fn explicit_forms_round_trip() {
        let vals = [
            Complex64::new(1.5, -3.0),
            Complex64::new(-0.0, 0.0),
            Complex64::new(f64::from_bits(0x7ff8_0000_0000_0001), 1e-310),
        ];
        let entries = [(0, 2, vals[0]), (1, 0, vals[1]), (1, 2, vals[2])];
        let mut s = Seed::new();
        s.shape(2, 3)
            .entries(2, 3, &entries, None)
            .permutation(&[3, 1, usize::MAX]);
        let bytes = s.into_bytes();
        let (shape, got, list) = decode(&bytes, |g| (g.shape(), g.entries(2, 3), g.permutation(3)));
        assert_eq!(shape, (2, 3));
        assert_eq!(list, vec![3, 1, usize::MAX]);
        let bits = |e: &[(usize, usize, Complex64)]| -> Vec<_> {
            e.iter()
                .map(|&(r, c, v)| (r, c, v.re.to_bits(), v.im.to_bits()))
                .collect()
        };
        assert_eq!(bits(&got), bits(&entries));
    }

    #[test]
    fn exhausted_input_reads_zeros() {
        assert_eq!(
            decode(&[], |g| (g.byte(), g.usize(), g.below(1000))),
            (0, 0, 0)
        );
        assert_eq!(decode(&[7], |g| g.below(1)), 0);
        assert_eq!(width_below(256), 1);
        assert_eq!(width_below(257), 2);
    }

    #[test]
    fn generated_permutations_are_permutations_unless_corrupted() {
        for seed in 0u8..=255 {
            let bytes: Vec<u8> = (0u8..64)
                .map(|i| seed.wrapping_mul(31).wrapping_add(i.wrapping_mul(7)))
                .collect();
            let mode = bytes[0];
            if mode >= 248 {
                continue; // explicit list
            }
            let p = decode(&bytes, |g| g.permutation(6));
            let mut sorted = p.clone();
            sorted.sort_unstable();
            let valid = sorted == (0..6).collect::<Vec<_>>();
            assert_eq!(valid, mode < 200, "mode {mode}: {p:?}");
        }
    }
}
