//! A kernel call with its parameters: the one dispatch the `rawcheck` CLI, the fuzz harness and
//! the reference tests share.

use crate::{Csr, Index, Kernel, KernelError, Variant};

/// One of the kernels with every parameter besides the input matrix, ready to run on a matrix
/// of either index width in any [`Variant`]. The parameters are passed to the kernel as they
/// are: [`Call::apply`] validates nothing itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// [`reshape`](crate::reshape()) to `rows x cols`.
    Reshape {
        /// Requested rows.
        rows: usize,
        /// Requested columns.
        cols: usize,
    },
    /// [`transpose`](crate::transpose()).
    Transpose,
    /// [`column_stack`](crate::column_stack()).
    ColumnStack,
    /// [`column_unstack`](crate::column_unstack()) into `rows` rows.
    ColumnUnstack {
        /// Rows of the result.
        rows: usize,
    },
    /// [`permute`](crate::permute()) of the subsystems `dims` into `order`.
    Permute {
        /// Subsystem dimensions.
        dims: Vec<usize>,
        /// New order of the subsystems.
        order: Vec<usize>,
    },
    /// [`permute_indices`](crate::permute_indices()): entry `(i, j)` moves to
    /// `(rows[i], cols[j])`.
    PermuteIndices {
        /// Row `i` moves to `rows[i]`.
        rows: Vec<usize>,
        /// Column `j` moves to `cols[j]`.
        cols: Vec<usize>,
    },
}

impl Call {
    /// The kernel called.
    pub fn kernel(&self) -> Kernel {
        match self {
            Call::Reshape { .. } => Kernel::Reshape,
            Call::Transpose => Kernel::Transpose,
            Call::ColumnStack => Kernel::ColumnStack,
            Call::ColumnUnstack { .. } => Kernel::ColumnUnstack,
            Call::Permute { .. } => Kernel::Permute,
            Call::PermuteIndices { .. } => Kernel::PermuteIndices,
        }
    }

    /// The call's parameters by name, as the `rawcheck` command line (`--shape 2,3`) and QuTiP's
    /// reference cases (`"shape": [2, 3]`) name them; a scalar is a list of one.
    pub fn params(&self) -> Vec<(&'static str, Vec<usize>)> {
        match self {
            Call::Reshape { rows, cols } => vec![("shape", vec![*rows, *cols])],
            Call::Transpose | Call::ColumnStack => vec![],
            Call::ColumnUnstack { rows } => vec![("rows", vec![*rows])],
            Call::Permute { dims, order } => vec![("dims", dims.clone()), ("order", order.clone())],
            Call::PermuteIndices { rows, cols } => {
                vec![("rows", rows.clone()), ("cols", cols.clone())]
            }
        }
    }

    /// The call of `kernel` whose parameters `param(name)` gives (the names of [`Call::params`]);
    /// an error names a parameter that is missing (`param` returns `None`) or has the wrong
    /// number of values.
    pub fn from_params(
        kernel: Kernel,
        mut param: impl FnMut(&str) -> Option<Vec<usize>>,
    ) -> Result<Call, String> {
        let mut get = |name: &str| param(name).ok_or_else(|| format!("{kernel}: no {name}"));
        let one = |name: &str, v: Vec<usize>| match v[..] {
            [x] => Ok(x),
            _ => Err(format!("{kernel}: {name} must be one number, not {v:?}")),
        };
        Ok(match kernel {
            Kernel::Reshape => match get("shape")?[..] {
                [rows, cols] => Call::Reshape { rows, cols },
                ref v => return Err(format!("{kernel}: shape must be two numbers, not {v:?}")),
            },
            Kernel::Transpose => Call::Transpose,
            Kernel::ColumnStack => Call::ColumnStack,
            Kernel::ColumnUnstack => Call::ColumnUnstack {
                rows: one("rows", get("rows")?)?,
            },
            Kernel::Permute => Call::Permute {
                dims: get("dims")?,
                order: get("order")?,
            },
            Kernel::PermuteIndices => Call::PermuteIndices {
                rows: get("rows")?,
                cols: get("cols")?,
            },
        })
    }

    /// Runs the kernel's public function on `a` in variant `v`.
    pub fn apply<I: Index>(&self, a: &Csr<I>, v: Variant) -> Result<Csr<I>, KernelError> {
        match self {
            Call::Reshape { rows, cols } => crate::reshape(a, *rows, *cols, v),
            Call::Transpose => crate::transpose(a, v),
            Call::ColumnStack => crate::column_stack(a, v),
            Call::ColumnUnstack { rows } => crate::column_unstack(a, *rows, v),
            Call::Permute { dims, order } => crate::permute(a, dims, order, v),
            Call::PermuteIndices { rows, cols } => crate::permute_indices(a, rows, cols, v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn calls() -> Vec<Call> {
        vec![
            Call::Reshape { rows: 2, cols: 3 },
            Call::Transpose,
            Call::ColumnStack,
            Call::ColumnUnstack { rows: 4 },
            Call::Permute {
                dims: vec![2, 3],
                order: vec![1, 0],
            },
            Call::PermuteIndices {
                rows: vec![1, 0],
                cols: vec![0, 2, 1],
            },
        ]
    }

    #[test]
    fn params_round_trip_for_every_kernel() {
        let all = calls();
        assert_eq!(
            all.iter().map(Call::kernel).collect::<Vec<_>>(),
            Kernel::ALL.to_vec(),
            "one call of each kernel"
        );
        for call in all {
            let params: BTreeMap<_, _> = call.params().into_iter().collect();
            let back = Call::from_params(call.kernel(), |name| params.get(name).cloned());
            assert_eq!(back, Ok(call));
        }
    }

    #[test]
    fn missing_or_miscounted_params_are_named() {
        let none = |_: &str| None;
        assert_eq!(
            Call::from_params(Kernel::Permute, none),
            Err("permute: no dims".into())
        );
        assert_eq!(
            Call::from_params(Kernel::Reshape, |_| Some(vec![6])),
            Err("reshape: shape must be two numbers, not [6]".into())
        );
        assert_eq!(
            Call::from_params(Kernel::ColumnUnstack, |_| Some(vec![2, 3])),
            Err("column_unstack: rows must be one number, not [2, 3]".into())
        );
        assert_eq!(
            Call::from_params(Kernel::Transpose, none),
            Ok(Call::Transpose)
        );
    }
}
