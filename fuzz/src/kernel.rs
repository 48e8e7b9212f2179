//! The six kernel targets: a matrix given as shape + entries (possibly invalid), a call with
//! parameters (possibly invalid), and the differential check.
//!
//! # What is checked
//! For each index width the input fits (`u64` always, `u32` when it fits) an independent model
//! ([`expect`]) decides from the shapes alone whether the call must be refused or accepted and
//! what shape it returns. Then every [`Variant`] runs, on the paths [`paths`] picks for the
//! kernels whose plan can force one ([`ForcedPath`]), and:
//! * a refusal must be the library's error (a panic or abort is a finding), the same error for
//!   all three variants and every path;
//! * an accepted call must return the model's shape, keep `nnz`, pass [`Csr::new`]'s
//!   validation, leave its input untouched, and agree bit for bit with the other variants and
//!   paths, the other index width, a sparse "move every entry" oracle ([`moved`]) and, when
//!   small, the dense oracle ([`Dense`]).
//!
//! # Memory bound
//! Valid calls whose output legitimately needs a huge buffer (column_stack of a `60000 x 60000`
//! `u64` matrix needs a 3.6e9-entry row pointer) would trip `-malloc_limit_mb`, so the harness
//! does not run an *accepted* call whose largest dimension ([`Expect::Accept::work`]) exceeds
//! [`MAX_WORK`], nor build an input with more than [`MAX_INPUT_ROWS`] rows. Calls the model says
//! must be *refused* always run, however large their shapes: the library must refuse them before
//! allocating anything (u32 products above 2^32 are generated on purpose).

use arbitrary::{Arbitrary, Unstructured};
use num_complex::Complex64;
use rawcheck_kernels::oracle::{Dense, gather_permutation};
pub use rawcheck_kernels::{Call, Kernel};
use rawcheck_kernels::{
    Csr, Index, KernelError, Variant, column_stack, column_unstack, permute, permute_indices,
    transpose,
};

use crate::bytes::{EDGE_DIMS, Gen, Seed};
use crate::{Finding, Verdict, bitwise_eq, ensure, revalidate, variants};

/// Largest dimension (input or output, rows or columns) of a call the harness runs when the
/// call is valid: `2^17`, enough for the `2^16 + 1` shapes where 32-bit products overflow, and
/// small enough that the rare large calls (each costs a dozen passes over `2^17` rows under
/// ASan) do not dominate the fuzzer's time.
pub const MAX_WORK: usize = 1 << 17;

/// Largest number of rows of an input matrix the harness builds (its row pointer is allocated
/// whatever the number of entries).
pub const MAX_INPUT_ROWS: usize = 1 << 17;

/// Largest `rows * cols` (input and output) for which the dense oracle runs.
pub const DENSE_MAX_CELLS: usize = 4096;

/// A matrix as the caller describes it: a shape and `(row, col, value)` entries, which may lie
/// outside the shape (then `Csr::from_triplets` must refuse it).
#[derive(Debug, Clone, PartialEq)]
pub struct MatrixSpec {
    /// Rows.
    pub rows: usize,
    /// Columns.
    pub cols: usize,
    /// Entries in any order; duplicates are summed.
    pub entries: Vec<(usize, usize, Complex64)>,
}

impl MatrixSpec {
    fn decode(g: &mut Gen, (rows, cols): (usize, usize)) -> Self {
        let entries = g.entries(rows, cols);
        MatrixSpec {
            rows,
            cols,
            entries,
        }
    }

    /// A matrix of any shape ([`Gen::shape`]).
    fn any(g: &mut Gen) -> Self {
        let shape = g.shape();
        MatrixSpec::decode(g, shape)
    }

    /// The matrix's entries as valid CSR input, or the position of the one stray entry.
    fn encode(&self, s: &mut Seed) {
        let inside = |&(r, c, _): &(usize, usize, Complex64)| r < self.rows && c < self.cols;
        match self.entries.split_last() {
            Some((last, rest)) if !inside(last) && rest.iter().all(inside) => {
                s.entries(self.rows, self.cols, rest, Some(*last))
            }
            _ => {
                assert!(self.entries.iter().all(inside), "seed entries out of range");
                s.entries(self.rows, self.cols, &self.entries, None)
            }
        };
    }
}

/// A scatter path forced through a kernel's plan (`Plan::with_path`), for the kernels whose plan
/// chooses between algorithms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForcedPath {
    /// A path of transpose's counting sort, which column_stack shares.
    Transpose(transpose::Path),
    /// A path of permute_indices' scatter core, which permute shares.
    Permute(permute_indices::Path),
    /// column_unstack with its next-line hint forced on (only large outputs turn it on).
    NextLines,
}

/// The paths [`apply`] runs this call on (`None`: the plan's own choice).
///
/// * permute and permute_indices: the rule's choice, then every forced path (five).
/// * transpose and column_stack: one path drawn from `rows`, `cols` and `nnz` (the fuzzer's
///   mutations reach every path, a corpus file always replays the same one): the plan's
///   choice, direct with or without the look-ahead, or partitioned with buckets of one column,
///   of two or of about `sqrt(cols)` columns. Running all six on every input cut fuzzing to a
///   twentieth.
/// * column_unstack: the plan's choice (small inputs: no hint) and the next-line hint forced on.
/// * the other kernels have one path.
pub fn paths(call: &Call, rows: usize, cols: usize, nnz: usize) -> Vec<Option<ForcedPath>> {
    match call {
        Call::Permute { .. } | Call::PermuteIndices { .. } => std::iter::once(None)
            .chain(permute_indices::Path::ALL.map(|p| Some(ForcedPath::Permute(p))))
            .collect(),
        Call::Transpose | Call::ColumnStack => {
            let root = cols.max(1).ilog2().div_ceil(2);
            let draw = rows.wrapping_mul(31).wrapping_add(cols.wrapping_mul(7));
            let path = match draw.wrapping_add(nnz) % 6 {
                0 => None,
                1 => Some(transpose::Path::Direct),
                2 => Some(transpose::Path::DirectAhead),
                3 => Some(transpose::Path::Partitioned { shift: 0 }),
                4 => Some(transpose::Path::Partitioned { shift: 1 }),
                _ => Some(transpose::Path::Partitioned { shift: root }),
            };
            vec![path.map(ForcedPath::Transpose)]
        }
        Call::ColumnUnstack { .. } => vec![None, Some(ForcedPath::NextLines)],
        _ => vec![None],
    }
}

/// Runs the library's kernel on `path` (one of [`paths`]): `None` as its public
/// function does, a forced path through the kernel's plan.
pub fn apply<I: Index>(
    call: &Call,
    a: &Csr<I>,
    v: Variant,
    path: Option<ForcedPath>,
) -> Result<Csr<I>, KernelError> {
    use ForcedPath::{NextLines, Permute, Transpose};
    match (call, path) {
        (_, None) => call.apply(a, v),
        (Call::Transpose, Some(Transpose(p))) => {
            transpose::run(&transpose::Plan::with_path(a, p)?, v)
        }
        (Call::ColumnStack, Some(Transpose(p))) => {
            column_stack::run(&column_stack::Plan::with_path(a, p)?, v)
        }
        (Call::ColumnUnstack { rows }, Some(NextLines)) => column_unstack::run(
            &column_unstack::Plan::new(a, *rows)?.with_next_lines(true),
            v,
        ),
        (Call::Permute { dims, order }, Some(Permute(p))) => {
            permute::Plan::new(a, dims, order)?.with_path(p).run(v)
        }
        (Call::PermuteIndices { rows, cols }, Some(Permute(p))) => {
            permute_indices::Plan::new(a, rows, cols)?
                .with_path(p)
                .run(v)
        }
        (_, Some(p)) => panic!("{p:?} is not a path of {call:?}"),
    }
}

/// The dense oracle's answer (parameters already known to be valid).
fn dense(call: &Call, d: &Dense) -> Dense {
    match call {
        Call::Reshape { rows, cols } => d.reshape(*rows, *cols),
        Call::Transpose => d.transpose(),
        Call::ColumnStack => d.column_stack(),
        Call::ColumnUnstack { rows } => d.column_unstack(*rows),
        Call::Permute { dims, order } => d.permute(dims, order),
        Call::PermuteIndices { rows, cols } => d.permute_indices(rows, cols),
    }
}

/// What the model says a call must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// The library must return an error; the reason, for messages.
    Refuse(&'static str),
    /// The library must return a `rows x cols` matrix.
    Accept {
        /// Output rows.
        rows: usize,
        /// Output columns.
        cols: usize,
        /// Largest buffer length a correct implementation may need (see [`MAX_WORK`]).
        work: usize,
    },
}

/// `p` is a permutation of `0..n`.
fn is_permutation(p: &[usize], n: usize) -> bool {
    if p.len() != n {
        return false;
    }
    let mut seen = vec![false; n];
    p.iter()
        .all(|&x| x < n && !std::mem::replace(&mut seen[x], true))
}

/// The independent model of every kernel's boundary rules (`shared/qutip-kernels.md`), for a
/// `rows x cols` input and an index type whose largest value is `max`.
pub fn expect(op: &Call, rows: usize, cols: usize, max: usize) -> Expect {
    use Expect::{Accept, Refuse};
    let largest = rows.max(cols);
    match op {
        Call::Reshape { rows: r, cols: c } => {
            let (r, c) = (*r, *c);
            if r == 0 || c == 0 {
                return Refuse("a requested dimension is 0");
            }
            let (Some(n), Some(m)) = (rows.checked_mul(cols), r.checked_mul(c)) else {
                return Refuse("a size overflows");
            };
            if n != m {
                return Refuse("sizes differ");
            }
            if r > max || c > max {
                return Refuse("output dimension does not fit the index type");
            }
            Accept {
                rows: r,
                cols: c,
                work: r,
            }
        }
        Call::Transpose => Accept {
            rows: cols,
            cols: rows,
            work: largest,
        },
        Call::ColumnStack => match rows.checked_mul(cols) {
            None => Refuse("rows * cols overflows"),
            Some(n) if n > max => Refuse("rows * cols does not fit the index type"),
            Some(n) => Accept {
                rows: n,
                cols: 1,
                work: n.max(largest),
            },
        },
        Call::ColumnUnstack { rows: r } => {
            let r = *r;
            if cols != 1 {
                Refuse("not a single column")
            } else if r == 0 {
                Refuse("rows is 0")
            } else if !rows.is_multiple_of(r) {
                Refuse("length is not a multiple of rows")
            } else if r > max {
                Refuse("rows does not fit the index type")
            } else {
                Accept {
                    rows: r,
                    cols: rows / r,
                    work: r.max(rows),
                }
            }
        }
        Call::Permute { dims, order } => {
            if dims.is_empty() {
                return Refuse("dims is empty");
            }
            if !is_permutation(order, dims.len()) {
                return Refuse("order is not a permutation of 0..dims.len()");
            }
            if dims.contains(&0) {
                return Refuse("a dimension is 0");
            }
            let Some(n) = dims.iter().try_fold(1usize, |p, &d| p.checked_mul(d)) else {
                return Refuse("prod(dims) overflows");
            };
            let permutable = (rows == n && (cols == n || cols == 1)) || (rows == 1 && cols == n);
            if !permutable {
                return Refuse("prod(dims) does not match, or not square/ket/bra");
            }
            Accept {
                rows,
                cols,
                work: largest,
            }
        }
        Call::PermuteIndices { rows: rp, cols: cp } => {
            if !is_permutation(rp, rows) || !is_permutation(cp, cols) {
                return Refuse("a permutation is invalid");
            }
            Accept {
                rows,
                cols,
                work: largest,
            }
        }
    }
}

/// The sparse oracle: every entry of `a` moved to where the kernel's definition puts it, then
/// compressed. Only called for calls the model accepts.
pub fn moved(op: &Call, a: &Csr<u64>, rows: usize, cols: usize) -> Csr<u64> {
    let (in_rows, in_cols) = a.shape();
    // permute scatters entry `i` to `p[i]` with `p` the inverse of the gather permutation.
    let scatter = match op {
        Call::Permute { dims, order } => {
            let pg = gather_permutation(dims, order);
            let mut p = vec![0; pg.len()];
            for (k, &g) in pg.iter().enumerate() {
                p[g] = k;
            }
            p
        }
        _ => Vec::new(),
    };
    let place = |r: usize, c: usize| -> (usize, usize) {
        match op {
            Call::Reshape { cols: nc, .. } => {
                let flat = r * in_cols + c;
                (flat / nc, flat % nc)
            }
            Call::Transpose => (c, r),
            Call::ColumnStack => (c * in_rows + r, 0),
            Call::ColumnUnstack { rows: nr } => (r % nr, r / nr),
            Call::Permute { .. } => (
                if in_cols == 1 || in_rows == in_cols {
                    scatter[r]
                } else {
                    r
                },
                if in_rows == 1 || in_rows == in_cols {
                    scatter[c]
                } else {
                    c
                },
            ),
            Call::PermuteIndices { rows: rp, cols: cp } => (rp[r], cp[c]),
        }
    };
    let triplets: Vec<_> = a
        .iter()
        .map(|(r, c, v)| {
            let (r, c) = place(r, c);
            (r, c, v)
        })
        .collect();
    Csr::from_triplets(rows, cols, &triplets).expect("moved entries stay inside the output")
}

/// A kernel target's input: the matrix and the call.
#[derive(Debug, Clone, PartialEq)]
pub struct KernelInput {
    /// The input matrix.
    pub matrix: MatrixSpec,
    /// The call.
    pub op: Call,
}

/// `gcd(a, b)` (with `gcd(a, 0) == a`).
fn gcd(a: usize, b: usize) -> usize {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// A divisor of `n > 0`: a small one or its cofactor.
fn divisor(g: &mut Gen, n: usize) -> usize {
    let d = gcd(n, 1 + g.below(256));
    if g.byte() & 1 == 0 { d } else { n / d }
}

impl KernelInput {
    /// Decodes the input of `kernel`'s target (biased toward valid calls on small matrices).
    pub fn decode(kernel: Kernel, g: &mut Gen) -> Self {
        match kernel {
            Kernel::Reshape => {
                let matrix = MatrixSpec::any(g);
                let n = matrix.rows.checked_mul(matrix.cols).filter(|&n| n > 0);
                let (rows, cols) = match (g.byte(), n) {
                    (0..=199, Some(n)) => {
                        let r = divisor(g, n);
                        (r, n / r)
                    }
                    (200..=215, Some(n)) => {
                        let r = divisor(g, n);
                        match g.below(3) {
                            0 => (r, n / r + 1),
                            1 => (r + 1, n / r),
                            _ => (r - 1, n / r),
                        }
                    }
                    (0..=247, _) => (g.pick(&EDGE_DIMS), g.pick(&EDGE_DIMS)),
                    _ => (g.usize(), g.usize()),
                };
                KernelInput {
                    matrix,
                    op: Call::Reshape { rows, cols },
                }
            }
            Kernel::Transpose | Kernel::ColumnStack => KernelInput {
                matrix: MatrixSpec::any(g),
                op: if kernel == Kernel::Transpose {
                    Call::Transpose
                } else {
                    Call::ColumnStack
                },
            },
            Kernel::ColumnUnstack => {
                let column = g.byte() < 224;
                let (rows, cols) = g.shape();
                let matrix = MatrixSpec::decode(g, (rows, if column { 1 } else { cols }));
                let len = matrix.rows;
                let rows = match g.byte() {
                    0..=199 if len > 0 => divisor(g, len),
                    0..=215 => 1 + g.below(9),
                    216..=247 => g.pick(&EDGE_DIMS),
                    _ => g.usize(),
                };
                KernelInput {
                    matrix,
                    op: Call::ColumnUnstack { rows },
                }
            }
            Kernel::Permute => {
                let (dims, shape) = match g.byte() {
                    0..=199 => {
                        let dims = g.tensor_dims();
                        let n: usize = dims.iter().product();
                        let shape = match g.below(3) {
                            0 => (n, n),
                            1 => (n, 1),
                            _ => (1, n),
                        };
                        (dims, shape)
                    }
                    200..=223 => (g.tensor_dims(), g.shape()),
                    224..=239 => {
                        let k = g.below(4);
                        let dims = (0..k).map(|_| g.pick(&EDGE_DIMS)).collect();
                        (dims, g.shape())
                    }
                    _ => (g.list(), g.shape()),
                };
                let matrix = MatrixSpec::decode(g, shape);
                let order = g.permutation(dims.len());
                KernelInput {
                    matrix,
                    op: Call::Permute { dims, order },
                }
            }
            Kernel::PermuteIndices => {
                let matrix = MatrixSpec::any(g);
                let rows = g.permutation(matrix.rows);
                let cols = g.permutation(matrix.cols);
                KernelInput {
                    matrix,
                    op: Call::PermuteIndices { rows, cols },
                }
            }
        }
    }

    /// Bytes that decode (for `self.op`'s kernel) to exactly this input: the seed-corpus form.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = Seed::new();
        let m = &self.matrix;
        match &self.op {
            Call::Reshape { rows, cols } => {
                s.shape(m.rows, m.cols);
                m.encode(&mut s);
                s.byte(255).usize(*rows).usize(*cols);
            }
            Call::Transpose | Call::ColumnStack => {
                s.shape(m.rows, m.cols);
                m.encode(&mut s);
            }
            Call::ColumnUnstack { rows } => {
                s.byte(255).shape(m.rows, m.cols);
                m.encode(&mut s);
                s.byte(255).usize(*rows);
            }
            Call::Permute { dims, order } => {
                s.byte(255).list(dims).shape(m.rows, m.cols);
                m.encode(&mut s);
                s.permutation_of(dims.len(), order);
            }
            Call::PermuteIndices { rows, cols } => {
                s.shape(m.rows, m.cols);
                m.encode(&mut s);
                s.permutation_of(m.rows, rows).permutation_of(m.cols, cols);
            }
        }
        s.into_bytes()
    }

    /// The kernel this input calls.
    pub fn kernel(&self) -> Kernel {
        self.op.kernel()
    }
}

impl<'a> Arbitrary<'a> for KernelInput {
    /// Any kernel (chosen by the first byte) with its biased input.
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let mut g = Gen::new(u);
        let kernel = g.pick(&Kernel::ALL);
        Ok(KernelInput::decode(kernel, &mut g))
    }
}

/// What one index width did.
enum Outcome<I: Index> {
    /// The input does not fit this width.
    Unrepresentable,
    /// Valid but larger than the harness bound: not run.
    Skipped,
    /// Refused by the library, as the model said.
    Refused,
    /// Accepted; the (common) result of the three variants.
    Ran(Csr<I>),
}

impl<I: Index> Outcome<I> {
    fn verdict(&self) -> Verdict {
        match self {
            Outcome::Ran(_) => Verdict::Ran,
            Outcome::Refused => Verdict::Refused,
            Outcome::Skipped | Outcome::Unrepresentable => Verdict::Skipped,
        }
    }
}

/// Runs every variant (or those [`variants::selected`]) at one index width and checks them
/// against the model and each other.
fn run_width<I: Index>(a: &Csr<I>, op: &Call) -> Result<Outcome<I>, Finding> {
    let expected = expect(op, a.rows(), a.cols(), I::MAX);
    if matches!(expected, Expect::Accept { work, .. } if work > MAX_WORK) {
        return Ok(Outcome::Skipped);
    }
    let before = a.clone();
    let mut errors: Vec<KernelError> = Vec::new();
    let mut first: Option<(String, Csr<I>)> = None;
    let paths = paths(op, a.rows(), a.cols(), a.nnz());
    let runs = variants::selected()
        .iter()
        .flat_map(|&v| paths.iter().map(move |&p| (v, p)));
    for (variant, path) in runs {
        let v = match path {
            None => variant.to_string(),
            Some(p) => format!("{variant} on {p:?}"),
        };
        let got = apply(op, a, variant, path);
        ensure!(
            bitwise_eq(a, &before),
            "u{}/{v}: the kernel modified its input",
            I::BITS
        );
        match (expected, got) {
            (Expect::Refuse(why), Ok(out)) => {
                return Err(Finding(format!(
                    "u{}/{v}: accepted a call that must be refused ({why}); returned {}x{}",
                    I::BITS,
                    out.rows(),
                    out.cols()
                )));
            }
            (Expect::Refuse(_), Err(e)) => {
                ensure!(!e.to_string().is_empty(), "empty error message");
                errors.push(e);
            }
            (Expect::Accept { .. }, Err(e)) => {
                return Err(Finding(format!(
                    "u{}/{v}: refused a valid call: {e}",
                    I::BITS
                )));
            }
            (Expect::Accept { rows, cols, .. }, Ok(out)) => {
                revalidate(&out)
                    .map_err(|e| Finding(format!("u{}/{v}: invalid output: {e}", I::BITS)))?;
                ensure!(
                    out.shape() == (rows, cols),
                    "u{}/{v}: shape {:?}, expected {:?}",
                    I::BITS,
                    out.shape(),
                    (rows, cols)
                );
                ensure!(
                    out.nnz() == a.nnz(),
                    "u{}/{v}: nnz {} differs from the input's {}",
                    I::BITS,
                    out.nnz(),
                    a.nnz()
                );
                match &first {
                    None => first = Some((v, out)),
                    Some((fv, f)) => ensure!(
                        bitwise_eq(&out, f),
                        "u{}/{v} differs from the {fv} variant:\n{out:?}\n{fv}: {f:?}",
                        I::BITS
                    ),
                }
            }
        }
    }
    if let Some(e) = errors.first() {
        ensure!(
            errors.iter().all(|x| x == e),
            "u{}: the variants refused with different errors: {errors:?}",
            I::BITS
        );
        return Ok(Outcome::Refused);
    }
    Ok(Outcome::Ran(first.expect("the variants ran").1))
}

/// The check of a kernel target's input; see the module documentation.
pub fn check(input: &KernelInput) -> Result<Verdict, Finding> {
    let m = &input.matrix;
    if m.rows > MAX_INPUT_ROWS {
        return Ok(Verdict::Skipped);
    }
    let stray = m
        .entries
        .iter()
        .any(|&(r, c, _)| r >= m.rows || c >= m.cols);
    let a64 = match Csr::<u64>::from_triplets(m.rows, m.cols, &m.entries) {
        Ok(a) => a,
        Err(e) => {
            ensure!(stray, "from_triplets refused in-range entries: {e}");
            return Ok(Verdict::Refused);
        }
    };
    ensure!(!stray, "from_triplets accepted an out-of-range entry");
    let op = &input.op;
    let fits32 = [m.rows, m.cols, a64.nnz()]
        .iter()
        .all(|&x| x <= u32::MAX as usize);
    let a32 = a64.to_index::<u32>();
    ensure!(
        a32.is_ok() == fits32,
        "to_index::<u32> disagrees with the 32-bit bound: {a32:?}"
    );
    let wide = run_width(&a64, op)?;
    let narrow = match &a32 {
        Ok(a) => run_width(a, op)?,
        Err(_) => Outcome::Unrepresentable,
    };
    if let (Outcome::Ran(w), Outcome::Ran(n)) = (&wide, &narrow) {
        let n64 = n.to_index::<u64>().expect("u32 always widens");
        ensure!(bitwise_eq(&n64, w), "u32 and u64 results differ");
    }
    if let Outcome::Ran(w) = &wide {
        let want = moved(op, &a64, w.rows(), w.cols());
        ensure!(
            bitwise_eq(w, &want),
            "differs from the moved-entries oracle:\ngot  {w:?}\nwant {want:?}"
        );
        let small = |(r, c): (usize, usize)| r.checked_mul(c).is_some_and(|n| n <= DENSE_MAX_CELLS);
        if small(a64.shape()) && small(w.shape()) {
            let dense = dense(op, &Dense::from_csr(&a64))
                .to_csr::<u64>()
                .expect("the dense oracle's output is a valid matrix");
            ensure!(
                bitwise_eq(w, &dense),
                "differs from the dense oracle:\ngot  {w:?}\nwant {dense:?}"
            );
        }
    }
    Ok(wide.verdict().max(narrow.verdict()))
}
