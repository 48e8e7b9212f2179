//! The command-line surface (clap): subcommands, their arguments and the list syntaxes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use rawcheck_kernels::Variant;
use rawcheck_kernels::families::{DEFAULT_SEED, Family};

/// Run rawcheck's CSR kernels (raw, checked or safe variant) on Matrix Market files.
#[derive(Debug, Parser)]
#[command(name = "rawcheck", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// C-order reshape to R x C (numpy.reshape order='C').
    Reshape {
        /// Target shape `R,C`.
        #[arg(long, value_parser = parse_pair)]
        shape: (usize, usize),
        #[command(flatten)]
        io: KernelIo,
    },
    /// Plain transpose (no conjugation).
    Transpose {
        #[command(flatten)]
        io: KernelIo,
    },
    /// Fortran-order vectorisation: entry (i, j) goes to row j*rows + i of one column.
    ColumnStack {
        #[command(flatten)]
        io: KernelIo,
    },
    /// Inverse of column-stack: a single column becomes a ROWS x (len/ROWS) matrix.
    ColumnUnstack {
        /// Rows of the result.
        #[arg(long)]
        rows: usize,
        #[command(flatten)]
        io: KernelIo,
    },
    /// Tensor-subsystem permutation (QuTiP's Qobj.permute).
    Permute {
        /// Subsystem dimensions `D1,D2,...`; their product is the permuted dimension.
        #[arg(long, value_parser = parse_list, allow_hyphen_values = true)]
        dims: IntList,
        /// New order of the subsystems `O1,O2,...`, a permutation of 0..len(dims).
        #[arg(long, value_parser = parse_list, allow_hyphen_values = true)]
        order: IntList,
        #[command(flatten)]
        io: KernelIo,
    },
    /// Scatter permutation: entry (i, j) moves to (ROWS(i), COLS(j)).
    PermuteIndices {
        /// Row permutation: `I1,I2,...` or `@FILE` holding whitespace-separated integers.
        #[arg(long, allow_hyphen_values = true)]
        rows: ListArg,
        /// Column permutation: `J1,J2,...` or `@FILE` holding whitespace-separated integers.
        #[arg(long, allow_hyphen_values = true)]
        cols: ListArg,
        #[command(flatten)]
        io: KernelIo,
    },
    /// Write a benchmark matrix and the parameters the benchmarks use with it (for scripts/peers).
    ///
    /// Besides OUT (NAME.mtx) it writes NAME.params.json, NAME.rows.txt and NAME.cols.txt
    /// (permute_indices' permutations) and NAME.vec.mtx, the denser input of column_stack and
    /// column_unstack.
    Gen {
        /// Matrix family: uniform, banded, powerlaw or tensor.
        family: Family,
        /// Nominal number of stored entries (as in the benchmark ids), 1 to 10^9.
        #[arg(long, value_parser = parse_nnz)]
        nnz: usize,
        /// Seed of the matrix (the permutations are the benches' own, from the default seed).
        #[arg(long, default_value_t = DEFAULT_SEED)]
        seed: u64,
        /// Output Matrix Market file `NAME.mtx` (a regular file is replaced atomically).
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Shape, nnz, field and symmetry of a Matrix Market file, and whether it is a valid CSR.
    Info {
        /// The Matrix Market file, `-` for standard input.
        input: PathBuf,
    },
    /// Print the names of the kernels, variants, matrix families, seeded bugs (id, feature,
    /// kernel) and bug-hunt detectors, and the raw kernels' goals.
    List {
        /// One JSON object `{"kernels": [...], "variants": [...], "families": [...], "bugs":
        /// [{"id", "feature", "kernel"}], "detectors": [...], "goals": [{"name", "ratio", "nnz",
        /// bound}]}` (what the scripts read).
        #[arg(long)]
        json: bool,
    },
    /// Render the HTML report (headline, counts, benchmarks, peers, bug hunt, fuzzing) and print
    /// its path.
    Report {
        /// Directory to write `index.html` into; `-` prints the page to standard output.
        #[arg(long, default_value = "reports/out")]
        out: PathBuf,
        /// criterion's output directory.
        #[arg(long, default_value = "target/criterion")]
        criterion: PathBuf,
        /// Directory holding bughunt.json, peers.json, fuzz.json, counts.json and checks.json.
        #[arg(long, default_value = "reports/data")]
        data: PathBuf,
    },
}

/// Input, output and variant options shared by every kernel subcommand.
#[derive(Debug, Args)]
pub struct KernelIo {
    /// Input Matrix Market file (coordinate format), `-` for standard input.
    pub input: PathBuf,
    /// Output Matrix Market file, `-` for standard output (a regular file is replaced
    /// atomically; a device or FIFO is written in place; a symbolic link is followed).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Kernel variant to run.
    #[arg(long, default_value = "safe", value_parser = parse_variant)]
    pub variant: Variant,
    /// Index width of the CSR arrays, in bits.
    #[arg(long, value_enum, default_value = "32")]
    pub index: IndexWidth,
}

/// The `--index` choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IndexWidth {
    /// `u32` indices (QuTiP's default int32 build).
    #[value(name = "32")]
    U32,
    /// `u64` indices.
    #[value(name = "64")]
    U64,
}

/// A list of non-negative integers given on the command line.
pub type IntList = Vec<usize>;

/// A list given inline (`1,2,3`) or by file (`@FILE`), read when the command runs.
#[derive(Debug, Clone)]
pub enum ListArg {
    /// Parsed from the command line.
    Inline(IntList),
    /// To be read from this file: whitespace-separated integers.
    File(PathBuf),
}

impl std::str::FromStr for ListArg {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.strip_prefix('@') {
            Some("") => Err("expected a file name after '@'".into()),
            Some(path) => Ok(ListArg::File(path.into())),
            None => parse_list(s).map(ListArg::Inline),
        }
    }
}

fn parse_variant(s: &str) -> Result<Variant, String> {
    s.parse()
        .map_err(|e: rawcheck_kernels::UnknownVariant| e.to_string())
}

/// Parses one non-negative integer, naming it in the error.
pub fn parse_int(token: &str) -> Result<usize, String> {
    token
        .parse()
        .map_err(|_| format!("'{token}' is not a non-negative integer"))
}

/// Largest `--nnz` of `rawcheck gen` (the largest bench size is 10^7).
const MAX_GEN_NNZ: usize = 1_000_000_000;

/// Parses `gen --nnz`: an integer in `1..=MAX_GEN_NNZ`.
fn parse_nnz(s: &str) -> Result<usize, String> {
    match parse_int(s)? {
        n @ 1..=MAX_GEN_NNZ => Ok(n),
        n => Err(format!("nnz {n} is outside 1..={MAX_GEN_NNZ}")),
    }
}

/// Parses `a,b,c` (an empty list is refused).
fn parse_list(s: &str) -> Result<IntList, String> {
    if s.trim().is_empty() {
        return Err("expected a comma-separated list of integers".into());
    }
    s.split(',').map(|t| parse_int(t.trim())).collect()
}

/// Parses `R,C`.
fn parse_pair(s: &str) -> Result<(usize, usize), String> {
    match parse_list(s)?.as_slice() {
        &[r, c] => Ok((r, c)),
        other => Err(format!(
            "expected R,C (two integers), got {} values",
            other.len()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn lists_parse_and_refuse_garbage() {
        assert_eq!(parse_list("3, 0,5").unwrap(), vec![3, 0, 5]);
        assert!(parse_list("1,-2").unwrap_err().contains("'-2'"));
        assert!(parse_list("").is_err());
        assert_eq!(parse_pair("20,80").unwrap(), (20, 80));
        assert!(parse_pair("20").is_err());
        assert!(
            matches!("@p.txt".parse::<ListArg>().unwrap(), ListArg::File(p) if p == Path::new("p.txt"))
        );
        assert!("@".parse::<ListArg>().is_err());
        assert_eq!(parse_nnz("1000").unwrap(), 1000);
        assert!(parse_nnz("0").unwrap_err().contains("outside"));
        assert!(parse_nnz("1e5").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
