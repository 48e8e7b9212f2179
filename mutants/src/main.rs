//! `rawcheck-mutants`: lists the generated mutants, or writes the schematised tree.
//!
//! ```text
//! rawcheck-mutants list [--json | --summary] [--root DIR]
//! rawcheck-mutants apply --out DIR [--root DIR] [--only ID,ID..] [--no-check | --record]
//! ```
//!
//! `--root` is the repository (default: the nearest directory above the current one holding
//! `kernels/src/lib.rs`). Errors print one line starting `error:` and exit with status 1.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rawcheck_mutants::ops::Operator;
use rawcheck_mutants::{Entry, apply, catalogue};

const USAGE: &str = "usage: rawcheck-mutants list [--json | --summary] [--root DIR] | \
                     rawcheck-mutants apply --out DIR [--root DIR] [--only ID,ID..] [--no-check | --record]";

fn main() -> ExitCode {
    match run(std::env::args().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The parsed command line.
#[derive(Default)]
struct Args {
    command: String,
    json: bool,
    summary: bool,
    check: bool,
    record: bool,
    root: Option<PathBuf>,
    out: Option<PathBuf>,
    only: Option<BTreeSet<u32>>,
}

fn parse(args: Vec<String>) -> Result<Args, String> {
    let mut it = args.into_iter();
    let mut a = Args {
        command: it.next().ok_or(USAGE)?,
        check: true,
        ..Args::default()
    };
    if !matches!(a.command.as_str(), "list" | "apply") {
        return Err(format!("unknown command {:?}; {USAGE}", a.command));
    }
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .map(PathBuf::from)
                .ok_or(format!("{name} needs a value"))
        };
        match (a.command.as_str(), arg.as_str()) {
            ("list", "--json") => a.json = true,
            ("list", "--summary") => a.summary = true,
            ("apply", "--no-check") => a.check = false,
            ("apply", "--record") => a.record = true,
            ("apply", "--out") => a.out = Some(value("--out")?),
            ("apply", "--only") => {
                let list = it.next().ok_or("--only needs a value")?;
                a.only = Some(parse_ids(&list)?);
            }
            (_, "--root") => a.root = Some(value("--root")?),
            _ => return Err(format!("unexpected argument {arg:?}; {USAGE}")),
        }
    }
    if a.record && (!a.check || a.only.is_some()) {
        return Err(String::from(
            "--record checks every mutant: not with --no-check or --only",
        ));
    }
    if a.json && a.summary {
        return Err(String::from("--json and --summary exclude each other"));
    }
    Ok(a)
}

/// `ID,ID,..`: eight hex digits each.
fn parse_ids(list: &str) -> Result<BTreeSet<u32>, String> {
    list.split(',')
        .map(|id| {
            u32::from_str_radix(id, 16)
                .ok()
                .filter(|_| id.len() == 8 && id.bytes().all(|b| b.is_ascii_hexdigit()))
                .ok_or_else(|| format!("--only: {id:?} is not a mutant id (eight hex digits)"))
        })
        .collect()
}

/// The nearest directory from the current one upwards that holds `kernels/src/lib.rs`.
fn find_root() -> Result<PathBuf, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
    cwd.ancestors()
        .find(|d| d.join("kernels/src/lib.rs").is_file())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{} is not inside the rawcheck repository; give --root",
                cwd.display()
            )
        })
}

fn run(args: Vec<String>) -> Result<(), String> {
    let args = parse(args)?;
    let root = match args.root {
        Some(r) if r.join("kernels/src/lib.rs").is_file() => r,
        Some(r) => return Err(format!("{} holds no kernels/src/lib.rs", r.display())),
        None => find_root()?,
    };
    if args.command == "apply" {
        let out = args.out.ok_or("apply needs --out DIR")?;
        let options = apply::Options {
            only: args.only,
            check: args.check,
            record: args.record,
        };
        let applied = apply::apply(&root, &out, &options)?;
        for d in &applied.dropped {
            eprintln!(
                "dropped {:08x} ({} at {}:{}): {}",
                d.mutant.id,
                d.mutant.operator.name(),
                d.mutant.file,
                d.mutant.line,
                d.reason
            );
        }
        if !applied.dropped.is_empty() && !args.record {
            eprintln!(
                "note: {} lists no such mutant yet; `apply --record` adds them",
                rawcheck_mutants::UNCOMPILABLE
            );
        }
        println!(
            "{} mutants compiled into {} ({} dropped); catalogue in {}",
            applied.kept.len(),
            applied.workspace.display(),
            applied.dropped.len(),
            applied.workspace.join("mutants.json").display()
        );
        return Ok(());
    }
    let entries: Vec<Entry> = catalogue(&root)?
        .iter()
        .flat_map(|f| f.mutants.iter().map(Entry::from))
        .collect();
    let text = if args.json {
        let json = serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?;
        json + "\n"
    } else if args.summary {
        summary(&entries)
    } else {
        entries.iter().map(line).collect()
    };
    // A reader that stops early (`| head`) is no error.
    match std::io::stdout().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}

/// One line of the plain listing.
fn line(e: &Entry) -> String {
    let replacement = if e.replacement.is_empty() {
        "(dropped)"
    } else {
        &e.replacement
    };
    format!(
        "{}  {}:{}  {}  {}  ->  {replacement}\n",
        e.id, e.file, e.line, e.operator, e.original
    )
}

fn summary(entries: &[Entry]) -> String {
    let mut out = format!("{} mutants\n\nper operator:\n", entries.len());
    for op in Operator::ALL {
        let n = entries.iter().filter(|e| e.operator == op.name()).count();
        out += &format!("  {:<14} {n:>4}\n", op.name());
    }
    let mut per_file: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        *per_file.entry(&e.file).or_default() += 1;
    }
    out += "\nper file:\n";
    for (file, n) in per_file {
        out += &format!("  {file:<40} {n:>4}\n");
    }
    out
}
