//! The `csr_new` target: arrays into [`Csr::new`] and triplets into [`Csr::from_triplets`].
//!
//! Both constructors must never panic. `Csr::new` must return `Ok` exactly when the arrays
//! satisfy the invariants, stated again here independently ([`invariants_hold`]) in the plainest
//! form (128-bit arithmetic, one loop per rule), and then hand back exactly the arrays it was
//! given. `from_triplets` must match a map-based model (duplicates summed in input order).
//!
//! Inputs are biased: most are a valid matrix with zero to two small mutations (one row pointer
//! off by one, a column out of range, two columns swapped, a length changed, an edge dimension),
//! the rest spell out arbitrary arrays.

use std::collections::BTreeMap;

use arbitrary::{Arbitrary, Unstructured};
use num_complex::Complex64;
use rawcheck_kernels::oracle::Dense;
use rawcheck_kernels::{Csr, CsrError, Index};

use crate::bytes::{EDGE_DIMS, Gen, Seed};
use crate::kernel::{DENSE_MAX_CELLS, MAX_INPUT_ROWS};
use crate::{Finding, Verdict, bitwise_eq, ensure, same_matrix, same_sum};

/// The input: the five arguments of `Csr::new` for one index width, and triplets for
/// `Csr::from_triplets` with the same shape.
#[derive(Debug, Clone, PartialEq)]
pub struct CsrInput {
    /// `u64` indices (else `u32`; then `row_ptr` and `col_idx` hold `u32` values).
    pub wide: bool,
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Row pointers.
    pub row_ptr: Vec<u64>,
    /// Column indices.
    pub col_idx: Vec<u64>,
    /// Values.
    pub values: Vec<Complex64>,
    /// Triplets for `from_triplets`.
    pub triplets: Vec<(usize, usize, Complex64)>,
}

/// The CSR arrays of in-range `entries`, duplicates dropped (first one kept), built by sorting.
fn arrays(
    rows: usize,
    entries: &[(usize, usize, Complex64)],
) -> (Vec<u64>, Vec<u64>, Vec<Complex64>) {
    let mut cells: BTreeMap<(usize, usize), Complex64> = BTreeMap::new();
    for &(r, c, v) in entries {
        cells.entry((r, c)).or_insert(v);
    }
    let mut row_ptr = vec![0u64; rows + 1];
    for &(r, _) in cells.keys() {
        row_ptr[r + 1] += 1;
    }
    for r in 0..rows {
        row_ptr[r + 1] += row_ptr[r];
    }
    let col_idx = cells.keys().map(|&(_, c)| c as u64).collect();
    (row_ptr, col_idx, cells.into_values().collect())
}

impl CsrInput {
    /// Decodes an input (see the module documentation for the bias).
    pub fn decode(g: &mut Gen) -> Self {
        let wide = g.byte() & 1 == 1;
        let (rows, cols, row_ptr, col_idx, values, triplets, mutations);
        if g.byte() < 224 {
            (rows, cols) = g.shape();
            triplets = g.entries(rows, cols);
            // Taller shapes get the arrays of their first MAX_INPUT_ROWS rows (invalid anyway).
            let built = rows.min(MAX_INPUT_ROWS);
            let inside: Vec<_> = triplets
                .iter()
                .copied()
                .filter(|&(r, c, _)| r < built && c < cols)
                .collect();
            (row_ptr, col_idx, values) = arrays(built, &inside);
            mutations = g.below(3);
        } else {
            (rows, cols) = (g.usize(), g.usize());
            row_ptr = g.list().into_iter().map(|x| x as u64).collect();
            col_idx = g.list().into_iter().map(|x| x as u64).collect();
            let n = g.below(1 << 16);
            values = g.repeat(n, |g| g.value());
            let n = g.below(1 << 16);
            triplets = g.repeat(n, |g| (g.usize(), g.usize(), g.value()));
            mutations = 0;
        }
        let mut input = CsrInput {
            wide,
            rows,
            cols,
            row_ptr,
            col_idx,
            values,
            triplets,
        };
        for _ in 0..mutations {
            input.mutate(g);
        }
        if !input.wide {
            for x in input.row_ptr.iter_mut().chain(&mut input.col_idx) {
                *x = u64::from(*x as u32);
            }
        }
        input
    }

    /// Bytes that decode to exactly this input (the explicit form): the seed-corpus form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = Seed::new();
        s.byte(u8::from(self.wide))
            .byte(255)
            .usize(self.rows)
            .usize(self.cols);
        let list = |v: &[u64]| v.iter().map(|&x| x as usize).collect::<Vec<_>>();
        s.list(&list(&self.row_ptr)).list(&list(&self.col_idx));
        s.below(1 << 16, self.values.len());
        for &v in &self.values {
            s.value(v);
        }
        s.below(1 << 16, self.triplets.len());
        for &(r, c, v) in &self.triplets {
            s.usize(r).usize(c).value(v);
        }
        s.into_bytes()
    }

    /// Breaks (or, by chance, keeps) one invariant.
    fn mutate(&mut self, g: &mut Gen) {
        let (rp, ci) = (self.row_ptr.len(), self.col_idx.len());
        match g.below(11) {
            0 if rp > 0 => {
                let i = g.below(rp);
                self.row_ptr[i] = if g.byte() & 1 == 0 {
                    self.row_ptr[i].wrapping_add(1)
                } else {
                    self.row_ptr[i].wrapping_sub(1)
                };
            }
            1 if rp > 0 => self.row_ptr[rp - 1] = g.u64(),
            2 if ci > 0 => {
                let i = g.below(ci);
                self.col_idx[i] = (self.cols as u64).wrapping_add(g.below(3) as u64);
            }
            3 if ci > 1 => {
                let i = g.below(ci - 1);
                self.col_idx.swap(i, i + 1);
            }
            4 if ci > 1 => {
                let i = 1 + g.below(ci - 1);
                self.col_idx[i] = self.col_idx[i - 1];
            }
            5 => {
                if g.byte() & 1 == 0 {
                    self.values.pop();
                } else {
                    self.values.push(g.value());
                }
            }
            6 => {
                if g.byte() & 1 == 0 {
                    self.col_idx.pop();
                } else {
                    self.col_idx.push(g.below(self.cols.max(1)) as u64);
                }
            }
            7 => {
                if g.byte() & 1 == 0 {
                    self.row_ptr.pop();
                } else {
                    self.row_ptr.push(ci as u64);
                }
            }
            8 => self.rows = g.pick(&EDGE_DIMS),
            9 => self.cols = g.pick(&EDGE_DIMS),
            _ => self.rows = self.rows.wrapping_add(1),
        }
    }
}

impl<'a> Arbitrary<'a> for CsrInput {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(CsrInput::decode(&mut Gen::new(u)))
    }
}

/// The invariants of [`Csr`], stated independently of `Csr::new` for an index type whose
/// largest value is `max`.
pub fn invariants_hold(
    rows: usize,
    cols: usize,
    row_ptr: &[u64],
    col_idx: &[u64],
    values: usize,
    max: usize,
) -> bool {
    let nnz = col_idx.len() as u128;
    let (rows128, max) = (rows as u128, max as u128);
    if rows128 > max || cols as u128 > max || nnz > max {
        return false;
    }
    if col_idx.len() != values || row_ptr.len() as u128 != rows128 + 1 {
        return false;
    }
    if row_ptr[0] != 0 || u128::from(row_ptr[rows]) != nnz {
        return false;
    }
    for r in 0..rows {
        let (start, end) = (row_ptr[r], row_ptr[r + 1]);
        if start > end || u128::from(end) > nnz {
            return false;
        }
        let row = &col_idx[start as usize..end as usize];
        if row.iter().any(|&c| c as u128 >= cols as u128) {
            return false;
        }
        if row.windows(2).any(|w| w[0] >= w[1]) {
            return false;
        }
    }
    true
}

/// `from_triplets`' expected result: duplicates summed in input order, explicit zeros kept.
fn triplets_model(
    rows: usize,
    cols: usize,
    triplets: &[(usize, usize, Complex64)],
) -> Option<(Vec<u64>, Vec<u64>, Vec<Complex64>)> {
    if triplets.iter().any(|&(r, c, _)| r >= rows || c >= cols) {
        return None;
    }
    let mut cells: BTreeMap<(usize, usize), Complex64> = BTreeMap::new();
    for &(r, c, v) in triplets {
        cells.entry((r, c)).and_modify(|x| *x += v).or_insert(v);
    }
    let sums: Vec<_> = cells.into_iter().map(|((r, c), v)| (r, c, v)).collect();
    Some(arrays(rows, &sums))
}

fn to_index<I: Index>(v: &[u64]) -> Vec<I> {
    v.iter()
        .map(|&x| I::try_from_usize(x as usize).expect("values were truncated to the width"))
        .collect()
}

fn check_width<I: Index>(input: &CsrInput) -> Result<Verdict, Finding> {
    let CsrInput {
        rows,
        cols,
        ref row_ptr,
        ref col_idx,
        ref values,
        ref triplets,
        ..
    } = *input;
    let valid = invariants_hold(rows, cols, row_ptr, col_idx, values.len(), I::MAX);
    let got = Csr::<I>::new(
        rows,
        cols,
        to_index(row_ptr),
        to_index(col_idx),
        values.clone(),
    );
    let verdict = match got {
        Err(e) => {
            ensure!(!valid, "Csr::new refused valid arrays: {e}");
            ensure!(!e.to_string().is_empty(), "empty error message");
            Verdict::Refused
        }
        Ok(a) => {
            ensure!(valid, "Csr::new accepted arrays that break an invariant");
            check_accepted(&a, input)?;
            Verdict::Ran
        }
    };
    // from_triplets allocates `rows + 1` counters: only call it where that is small, or where
    // it must be refused without allocating (too large for I, or a byte count beyond isize).
    if rows <= MAX_INPUT_ROWS || rows > I::MAX || rows >= isize::MAX as usize / 8 {
        let got = Csr::<I>::from_triplets(rows, cols, triplets);
        let fits = rows <= I::MAX && cols <= I::MAX && rows <= MAX_INPUT_ROWS;
        let model = if fits {
            triplets_model(rows, cols, triplets)
        } else {
            None
        };
        match (got, model) {
            (Ok(_), None) => {
                return Err(Finding(
                    "from_triplets accepted out-of-range or oversized input".into(),
                ));
            }
            (Err(e), Some(_)) => {
                return Err(Finding(format!(
                    "from_triplets refused valid triplets: {e}"
                )));
            }
            (Ok(a), Some((rp, ci, vals))) => {
                let want = Csr::<I>::new(rows, cols, to_index(&rp), to_index(&ci), vals)
                    .map_err(|e| Finding(format!("model built an invalid matrix: {e}")))?;
                ensure!(
                    same_matrix(&a, &want, same_sum),
                    "from_triplets differs from the model:\ngot  {a:?}\nwant {want:?}"
                );
            }
            (Err(e), None) => ensure!(!e.to_string().is_empty(), "empty error message"),
        }
    }
    Ok(verdict)
}

/// An accepted matrix hands back its arrays unchanged and converts consistently.
fn check_accepted<I: Index>(a: &Csr<I>, input: &CsrInput) -> Result<(), Finding> {
    let widen = |v: &[I]| v.iter().map(|x| x.to_usize() as u64).collect::<Vec<_>>();
    ensure!(a.shape() == (input.rows, input.cols), "shape changed");
    ensure!(widen(a.row_ptr()) == input.row_ptr, "row_ptr changed");
    ensure!(widen(a.col_idx()) == input.col_idx, "col_idx changed");
    let bits = |v: &[Complex64]| {
        v.iter()
            .map(|x| (x.re.to_bits(), x.im.to_bits()))
            .collect::<Vec<_>>()
    };
    ensure!(bits(a.values()) == bits(&input.values), "values changed");
    ensure!(a.nnz() == input.col_idx.len(), "nnz");
    let entries: Vec<_> = a.iter().collect();
    ensure!(
        entries.len() == a.nnz(),
        "iter() yields {} of {} entries",
        entries.len(),
        a.nnz()
    );
    let fits32 = [a.rows(), a.cols(), a.nnz()]
        .iter()
        .all(|&x| x <= u32::MAX as usize);
    match a.to_index::<u32>() {
        Ok(n) => {
            ensure!(
                fits32,
                "to_index::<u32> accepted a matrix that does not fit"
            );
            let back = n
                .to_index::<I>()
                .map_err(|e| Finding(format!("widening failed: {e}")))?;
            ensure!(bitwise_eq(&back, a), "u32 round trip changed the matrix");
        }
        Err(e) => ensure!(!fits32, "to_index::<u32> refused a matrix that fits: {e}"),
    }
    if a.rows()
        .checked_mul(a.cols())
        .is_some_and(|n| n <= DENSE_MAX_CELLS)
    {
        let back: Csr<I> = Dense::from_csr(a)
            .to_csr()
            .map_err(|e: CsrError| Finding(format!("dense round trip failed: {e}")))?;
        ensure!(bitwise_eq(&back, a), "dense round trip changed the matrix");
    }
    Ok(())
}

/// The check of a `csr_new` input.
pub fn check(input: &CsrInput) -> Result<Verdict, Finding> {
    if input.wide {
        check_width::<u64>(input)
    } else {
        check_width::<u32>(input)
    }
}
