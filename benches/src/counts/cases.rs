//! The counted ids, and each one's call prepared outside the measured region.

use std::fmt;
use std::hint::black_box;

use rawcheck_kernels::families::Family;
use rawcheck_kernels::{Csr, Variant};
use regex::Regex;

use super::{FILTER_VAR, SIZES};
use crate::Source;
use crate::kernels::{
    BenchKernel, ColumnStack, ColumnUnstack, Idx, Permute, PermuteIndices, Reshape, Shape,
    Transpose, floor_source, kernel_input, memcpy_floor,
};

/// What one id measures: a kernel variant or the memcpy floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measured {
    /// One call of the kernel in this variant.
    Kernel(Variant),
    /// A copy of the bytes the kernel must read and write (the criterion bench's floor).
    Memcpy,
}

impl Measured {
    /// The kernel variants in [`Variant::ALL`] order, then the floor.
    pub fn all() -> impl Iterator<Item = Measured> {
        Variant::ALL
            .into_iter()
            .map(Measured::Kernel)
            .chain([Measured::Memcpy])
    }

    /// The `<variant>` part of the id.
    pub fn name(self) -> &'static str {
        match self {
            Measured::Kernel(v) => v.name(),
            Measured::Memcpy => "memcpy",
        }
    }
}

/// One kernel as the counts bench dispatches it at run time.
struct Entry {
    name: &'static str,
    vectorisable: bool,
    applies: fn(&Shape, u32) -> bool,
    prepare: fn(&CountCase, Csr<u64>) -> Result<MeasuredCall, String>,
}

const fn entry<K: BenchKernel + 'static>() -> Entry {
    Entry {
        name: K::NAME,
        vectorisable: K::VECTORISABLE,
        applies: applies::<K>,
        prepare: prepare_kernel::<K>,
    }
}

/// The six kernels, in the criterion bench's order.
static KERNELS: [Entry; 6] = [
    entry::<Reshape>(),
    entry::<Transpose>(),
    entry::<ColumnStack>(),
    entry::<ColumnUnstack>(),
    entry::<Permute>(),
    entry::<PermuteIndices>(),
];

/// One counted id.
#[derive(Clone)]
pub struct CountCase {
    kernel: &'static Entry,
    /// The input family.
    pub family: Family,
    /// Kernel variant or floor.
    pub measured: Measured,
    /// Index width in bits (32 or 64).
    pub bits: u32,
    /// Nominal nnz (the last part of the id).
    pub nominal: usize,
}

impl CountCase {
    /// The criterion id `<kernel>/<family>/<variant>/<index>/<nnz>`.
    pub fn id(&self) -> String {
        format!(
            "{}/{}/{}/{}/{}",
            self.kernel.name,
            self.family,
            self.measured.name(),
            self.bits,
            self.nominal
        )
    }

    /// The kernel's name.
    pub fn kernel(&self) -> &'static str {
        self.kernel.name
    }

    /// Whether the kernel takes the family's vectorisable shapes.
    pub fn vectorisable(&self) -> bool {
        self.kernel.vectorisable
    }

    /// The shape of the base matrix (known without generating it; not free under Valgrind).
    pub fn shape(&self) -> Shape {
        Source::Family(self.family).shape(self.nominal, self.kernel.vectorisable)
    }

    /// Stored entries of the input matrix: what per-nonzero figures divide by.
    pub fn nnz(&self) -> usize {
        self.shape().nnz
    }

    /// Whether the kernel applies to this input at this index width (it does for every family
    /// and size counted: a test checks it, and [`prepare`] fails where it does not).
    pub fn applies(&self) -> bool {
        (self.kernel.applies)(&self.shape(), self.bits)
    }

    /// The base matrix, generated from the family's fixed seed.
    pub fn base(&self) -> Csr<u64> {
        Source::Family(self.family)
            .matrix(self.nominal, self.kernel.vectorisable)
            .into_owned()
    }
}

/// Gungraun prints the element of each bench: the id says it all.
impl fmt::Debug for CountCase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// Every id, in a fixed order (kernel, family, size, width, variant), whose id `filter` matches.
///
/// Cheap on purpose: every Valgrind run of the bench lists the ids again before its setup.
pub fn cases(filter: Option<&Regex>) -> Vec<CountCase> {
    let mut out = Vec::new();
    for kernel in &KERNELS {
        for family in Family::ALL {
            for nominal in SIZES {
                for bits in [32, 64] {
                    for measured in Measured::all() {
                        let case = CountCase {
                            kernel,
                            family,
                            measured,
                            bits,
                            nominal,
                        };
                        if filter.is_none_or(|f| f.is_match(&case.id())) {
                            out.push(case);
                        }
                    }
                }
            }
        }
    }
    out
}

/// [`cases`] filtered by `$RAWCHECK_COUNTS_FILTER` (all when unset or empty); a filter that is
/// no regex or matches no id is an error (on one line).
pub fn cases_from_env() -> Result<Vec<CountCase>, String> {
    let filter = match std::env::var(FILTER_VAR) {
        Err(std::env::VarError::NotPresent) => None,
        Ok(s) if s.is_empty() => None,
        Ok(s) => Some(Regex::new(&s).map_err(|e| {
            let reason = e
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            format!("{FILTER_VAR}={s:?}: {reason}")
        })?),
        Err(e) => return Err(format!("{FILTER_VAR}: {e}")),
    };
    let found = cases(filter.as_ref());
    match filter {
        Some(f) if found.is_empty() => Err(format!("{FILTER_VAR}={:?} matches no id", f.as_str())),
        _ => Ok(found),
    }
}

/// The measured call of one id, with its input already built.
pub struct MeasuredCall(Box<dyn FnMut()>);

impl MeasuredCall {
    /// One call of the kernel (or one copy of the floor), its output dropped as criterion does.
    pub fn run(&mut self) {
        (self.0)();
    }
}

/// Builds the input of `case` from its base matrix (converted to the index width, prepared by
/// the kernel's own setup) and returns the call to measure.
pub fn prepare(case: &CountCase, base: Csr<u64>) -> Result<MeasuredCall, String> {
    (case.kernel.prepare)(case, base)
}

fn applies<K: BenchKernel>(shape: &Shape, bits: u32) -> bool {
    K::plan(shape).is_some_and(|plan| match bits {
        32 => plan.fits::<u32>(),
        _ => plan.fits::<u64>(),
    })
}

fn prepare_kernel<K: BenchKernel + 'static>(
    case: &CountCase,
    base: Csr<u64>,
) -> Result<MeasuredCall, String> {
    match case.bits {
        32 => prepare_width::<K, u32>(case, base),
        _ => prepare_width::<K, u64>(case, base),
    }
}

fn prepare_width<K: BenchKernel + 'static, I: Idx>(
    case: &CountCase,
    base: Csr<u64>,
) -> Result<MeasuredCall, String> {
    let plan = K::plan(&case.shape()).ok_or_else(|| format!("{case:?}: does not apply"))?;
    if !plan.fits::<I>() {
        return Err(format!("{case:?}: does not fit {}-bit indices", I::BITS));
    }
    match case.measured {
        Measured::Memcpy => {
            let from = floor_source(plan.bytes(size_of::<I>()));
            Ok(MeasuredCall(Box::new(move || {
                black_box(memcpy_floor(black_box(&from)));
            })))
        }
        Measured::Kernel(variant) => {
            let input = kernel_input::<K, I>(&base, &plan)?;
            let params = plan.params;
            Ok(MeasuredCall(Box::new(move || {
                // The result (an error too) is dropped inside the call, as criterion's is.
                let _ = black_box(K::run(black_box(&input), &params, variant));
            })))
        }
    }
}
