//! The kernels by name: what bench ids, fuzz targets, the bug catalogue and the report call them.

use crate::named::named_enum;

named_enum! {
    /// One of the six kernels (the functions of the same name).
    pub enum Kernel, unknown UnknownKernel = "kernel" {
        /// [`reshape`](crate::reshape()).
        Reshape => "reshape",
        /// [`transpose`](crate::transpose()).
        Transpose => "transpose",
        /// [`column_stack`](crate::column_stack()).
        ColumnStack => "column_stack",
        /// [`column_unstack`](crate::column_unstack()).
        ColumnUnstack => "column_unstack",
        /// [`permute`](crate::permute()).
        Permute => "permute",
        /// [`permute_indices`](crate::permute_indices()).
        PermuteIndices => "permute_indices",
    }
}

impl Kernel {
    /// The `rawcheck` subcommand that runs it: the name with `-` for `_` (`column-stack`).
    pub fn command(self) -> String {
        self.name().replace('_', "-")
    }
}
