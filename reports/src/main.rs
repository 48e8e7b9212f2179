//! `rawcheck`: run rawcheck's CSR kernels on Matrix Market files from the command line.
//!
//! Errors print one line starting `error:` on stderr and exit with status 1 (2 for usage errors).
//! `-` is standard input or output; an output file is written by the rules of
//! `rawcheck_kernels::output` (a regular file replaced atomically, so a failed run never creates
//! or truncates it; a device, FIFO or symbolic link never renamed over).

mod cli;
mod commands;
mod export;
mod names;
mod streams;

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            print!("{e}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            // clap renders a multi-line message; its first line is the "error: ..." sentence.
            let text = e.to_string();
            eprintln!("{}", text.lines().next().unwrap_or("error: invalid usage"));
            return ExitCode::from(2);
        }
    };
    // A panic would be a bug in rawcheck; even then the user gets the one-line contract.
    std::panic::set_hook(Box::new(|info| {
        eprintln!("error: internal error (please report): {info}");
    }));
    match std::panic::catch_unwind(|| commands::run(cli)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
        Err(_) => ExitCode::from(1),
    }
}
