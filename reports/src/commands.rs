//! What each subcommand does: read, run a kernel with the chosen variant and index width, write.

use std::error::Error;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rawcheck_kernels::{Call, Csr, Index, mtx};
use rawcheck_reports::report::{Generated, Inputs, ReportData, generate, render};

use crate::cli::{Cli, Command, IndexWidth, IntList, KernelIo, ListArg, parse_int};
use crate::export::gen_command;
use crate::names::Names;
use crate::streams::{is_dash, read_input, write_output};

/// The boxed error every subcommand returns; `main` prints it as one `error:` line.
pub type CliResult<T> = Result<T, Box<dyn Error>>;

/// Runs the parsed command line.
pub fn run(cli: Cli) -> CliResult<()> {
    let (call, io) = match cli.command {
        Command::Reshape { shape, io } => (
            Call::Reshape {
                rows: shape.0,
                cols: shape.1,
            },
            io,
        ),
        Command::Transpose { io } => (Call::Transpose, io),
        Command::ColumnStack { io } => (Call::ColumnStack, io),
        Command::ColumnUnstack { rows, io } => (Call::ColumnUnstack { rows }, io),
        Command::Permute { dims, order, io } => (Call::Permute { dims, order }, io),
        Command::PermuteIndices { rows, cols, io } => (
            Call::PermuteIndices {
                rows: load_list(&rows)?,
                cols: load_list(&cols)?,
            },
            io,
        ),
        Command::Gen {
            family,
            nnz,
            seed,
            output,
        } => return gen_command(family, nnz, seed, &output),
        Command::Info { input } => return info(&input),
        Command::List { json } => return list(json),
        Command::Report {
            out,
            criterion,
            data,
        } => return report(criterion, data, out),
    };
    match io.index {
        IndexWidth::U32 => run_kernel::<u32>(&call, &io),
        IndexWidth::U64 => run_kernel::<u64>(&call, &io),
    }
}

fn run_kernel<I: Index>(call: &Call, io: &KernelIo) -> CliResult<()> {
    let (a, _) = read::<I>(&io.input)?;
    let out = call
        .apply(&a, io.variant)
        .map_err(|e| format!("{}: {e}", call.kernel().command()))?;
    let comment = format!(
        "rawcheck {} ({} variant, {}-bit)",
        call.kernel().command(),
        io.variant,
        I::BITS
    );
    write_output(&io.output, |w| mtx::write(&out, w, Some(&comment)))
}

/// Reads a Matrix Market file, or standard input for `-`.
fn read<I: Index>(path: &Path) -> CliResult<(Csr<I>, mtx::ReadReport)> {
    read_input(path, |input| mtx::read::<I>(input))
}

/// Resolves a `--rows` / `--cols` list, reading `@FILE` lists (`@-`: standard input).
fn load_list(arg: &ListArg) -> CliResult<IntList> {
    match arg {
        ListArg::Inline(list) => Ok(list.clone()),
        ListArg::File(path) => {
            read_input(path, |input| read_list(input)).map_err(|e| format!("list {e}").into())
        }
    }
}

/// Longest token of a list file: a `usize` has at most 20 digits, so anything longer is refused
/// as soon as it is, whatever the file holds (`@/dev/zero` is an error, not a growing buffer).
const MAX_LIST_TOKEN: usize = 24;

/// Whitespace-separated non-negative integers, read as a stream: memory grows with the entries
/// read (fallibly), never with a token.
fn read_list(input: &mut dyn Read) -> Result<IntList, String> {
    let mut list = IntList::new();
    let mut token = String::new();
    let mut finish = |token: &mut String| -> Result<(), String> {
        if !token.is_empty() {
            list.try_reserve(1)
                .map_err(|_| format!("out of memory after {} entries", list.len()))?;
            list.push(parse_int(token)?);
            token.clear();
        }
        Ok(())
    };
    for byte in BufReader::new(input).bytes() {
        let byte = byte.map_err(|e| e.to_string())?;
        if byte.is_ascii_whitespace() {
            finish(&mut token)?;
        } else if token.len() == MAX_LIST_TOKEN {
            return Err(format!(
                "a token of over {MAX_LIST_TOKEN} characters is not a non-negative integer"
            ));
        } else {
            token.push(char::from(byte));
        }
    }
    finish(&mut token)?;
    Ok(list)
}

/// `rawcheck info`: what the reader saw, and whether the file already is a CSR in canonical order.
fn info(path: &Path) -> CliResult<()> {
    let (a, report) = read::<u64>(path)?;
    let h = &report.header;
    println!("file: {}", path.display());
    println!("shape: {} x {}", a.rows(), a.cols());
    println!("nnz: {}", a.nnz());
    println!("field: {}", h.field);
    println!("symmetry: {}", h.symmetry);
    println!("declared entries: {}", h.entries);
    println!(
        "stored entries (after symmetry expansion): {}",
        report.stored
    );
    println!("duplicates summed: {}", report.duplicates);
    let yes_no = |b: bool| if b { "yes" } else { "no" };
    println!(
        "valid CSR as stored: {}",
        if report.canonical {
            "yes (rows in order, columns strictly increasing)".to_owned()
        } else {
            "no (entries were sorted and duplicates summed on read)".to_owned()
        }
    );
    println!(
        "fits 32-bit indices: {}",
        yes_no(a.to_index::<u32>().is_ok())
    );
    Ok(())
}

/// `rawcheck list`: every name, as text or as one JSON object.
fn list(json: bool) -> CliResult<()> {
    let names = Names::new();
    if json {
        println!("{}", serde_json::to_string(&names)?);
    } else {
        print!("{}", names.text());
    }
    Ok(())
}

/// `rawcheck report`: writes `<out>/index.html` from whatever data exists and prints its path;
/// `--out -` prints the page itself.
fn report(criterion: PathBuf, data: PathBuf, out: PathBuf) -> CliResult<()> {
    let inputs = Inputs {
        criterion,
        data,
        out,
    };
    if is_dash(&inputs.out) {
        let page = render(&ReportData::load(&inputs), &Generated::now())?;
        return write_output(&inputs.out, |w| w.write_all(page.as_bytes()));
    }
    println!("{}", generate(&inputs)?.display());
    Ok(())
}
