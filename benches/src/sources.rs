//! Where benchmark inputs come from: the generated families (and, later, `.mtx` files).

use std::borrow::Cow;

use rawcheck_kernels::Csr;
use rawcheck_kernels::families::{DEFAULT_SEED, Family, Spec};

use crate::Profile;
use crate::kernels::Shape;

/// One source of benchmark inputs: the `<family>` part of the ids.
#[derive(Debug, Clone)]
pub enum Source {
    /// A generated family, at every size of the profile, from [`DEFAULT_SEED`].
    Family(Family),
}

impl Source {
    /// Every source of a run.
    pub fn all() -> Vec<Source> {
        Family::ALL.into_iter().map(Source::Family).collect()
    }

    /// The family name in benchmark ids.
    pub fn name(&self) -> String {
        match self {
            Source::Family(f) => f.name().to_owned(),
        }
    }

    /// Nominal nnz of the inputs this source provides under `profile`.
    pub fn sizes(&self, profile: Profile) -> Vec<usize> {
        match self {
            Source::Family(_) => profile.sizes(),
        }
    }

    /// The shape of the input of nominal size `nnz`, known without generating it.
    pub fn shape(&self, nnz: usize, vectorisable: bool) -> Shape {
        match self {
            Source::Family(f) => {
                let spec = spec(*f, nnz, vectorisable);
                Shape {
                    rows: spec.dim(),
                    cols: spec.dim(),
                    nnz: spec.nnz(),
                    dims: spec.dims().to_vec(),
                }
            }
        }
    }

    /// The input of nominal size `nnz` (generated on each call).
    pub fn matrix(&self, nnz: usize, vectorisable: bool) -> Cow<'_, Csr<u64>> {
        match self {
            Source::Family(f) => Cow::Owned(spec(*f, nnz, vectorisable).generate(DEFAULT_SEED)),
        }
    }
}

fn spec(family: Family, nnz: usize, vectorisable: bool) -> Spec {
    if vectorisable {
        Spec::vectorisable(family, nnz)
    } else {
        Spec::new(family, nnz)
    }
}
