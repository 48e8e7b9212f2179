//! Where the command line reads and writes: `-` is standard input or output, any other path a
//! file, written by the rules of [`output::write_file`] (a regular file replaced atomically, a
//! symbolic link followed, a device or FIFO written in place, a directory refused).

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use rawcheck_kernels::output;

use crate::commands::CliResult;

/// The argument that means standard input or output.
pub const DASH: &str = "-";

/// Whether `path` is `-`.
pub fn is_dash(path: &Path) -> bool {
    path == Path::new(DASH)
}

/// How an error on `path` starts: the path, or "standard input/output" for `-`.
fn name(path: &Path, stream: &str) -> String {
    if is_dash(path) {
        stream.to_owned()
    } else {
        path.display().to_string()
    }
}

/// Writes what `fill` produces to `path` (`-`: standard output, flushed before returning).
pub fn write_output(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> CliResult<()> {
    let result = if is_dash(path) {
        let mut out = io::stdout().lock();
        fill(&mut out).and_then(|()| out.flush())
    } else {
        output::write_file(path, fill)
    };
    result.map_err(|e| format!("{}: {e}", name(path, "standard output")))?;
    Ok(())
}

/// Opens `path` for reading (`-`: standard input) and hands it to `read`, whose error is
/// prefixed with the path.
pub fn read_input<T, E: std::fmt::Display>(
    path: &Path,
    read: impl FnOnce(&mut dyn Read) -> Result<T, E>,
) -> CliResult<T> {
    let prefix = name(path, "standard input");
    let result = if is_dash(path) {
        read(&mut io::stdin().lock())
    } else {
        let mut file = File::open(path).map_err(|e| format!("{prefix}: {e}"))?;
        read(&mut file)
    };
    Ok(result.map_err(|e| format!("{prefix}: {e}"))?)
}
