//! Writing an output file without clobbering what its path names.
//!
//! [`write_file`] is the one writer behind every file rawcheck writes ([`mtx::write_path`],
//! `rawcheck gen`, `rawcheck report`):
//!
//! * a regular file (or a new path) is replaced atomically: the bytes go to a temporary file in
//!   the same directory, which is synced and renamed over the path, so readers see the old file
//!   or the complete new one, and a failed write leaves the old file untouched;
//! * a symbolic link is followed (through every level) and the temporary file is renamed over
//!   its final target, beside the target: the link stays a link and the target gets the output;
//! * any other existing file (character or block device, FIFO, socket) is opened and written in
//!   place, never renamed over: `/dev/null` stays a device, a FIFO's reader gets the bytes;
//! * a directory is an error;
//! * a link through `/proc` (`/dev/stdout` -> `/proc/self/fd/1`) stands for a file already
//!   open: it is written in place, appending (after what a shell's `>>` kept, at the start of a
//!   pipe or of what `>` truncated).
//!
//! Every write is checked to the end: the caller's flush, then `fsync` for regular files (which
//! reports the delayed write errors a `close` would), so `/dev/full` is an error, not a success.
//!
//! [`mtx::write_path`]: crate::mtx::write_path
#![forbid(unsafe_code)]

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Levels of symbolic links followed before giving up, as Linux's `ELOOP` limit.
const MAX_LINKS: usize = 40;

/// Writes what `fill` produces to `path` by the rules of the [module](self).
///
/// `fill` receives the open file unbuffered: buffer inside it (and flush) when writing many small
/// pieces. On error nothing is renamed and the temporary file is removed; a device or FIFO may
/// have received part of the bytes.
pub fn write_file(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let Some(target) = follow_links(path)? else {
        return write_in_place(path, true, fill);
    };
    match fs::symlink_metadata(&target) {
        Ok(meta) if meta.is_dir() => Err(io::ErrorKind::IsADirectory.into()),
        Ok(meta) if meta.is_file() => replace(&target, Some(meta.permissions()), fill),
        Ok(_) => write_in_place(&target, false, fill),
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, None, fill),
        Err(e) => Err(e),
    }
}

/// Opens an existing `path` for writing, at its end when `append` (a shell's `>>` file behind
/// `/dev/stdout`) or else at its start (a device: with `O_APPEND` a block device would be
/// written past its end), and writes to it.
fn write_in_place(
    path: &Path,
    append: bool,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).append(append).open(path)?;
    fill(&mut file)
}

/// The path a chain of symbolic links starting at `path` ends at (`path` itself when it is not
/// a link; the final target need not exist), or `None` when the chain passes through `/proc`.
///
/// `/proc`'s links (`/dev/stdout` -> `/proc/self/fd/1`) stand for files already open, as a
/// shell set them up (`>`, `>>`, a pipe): they are written in place, not replaced by name.
fn follow_links(path: &Path) -> io::Result<Option<PathBuf>> {
    let mut path = path.to_owned();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if path.starts_with("/proc") {
                    return Ok(None);
                }
                let target = fs::read_link(&path)?;
                // A relative target is relative to the link's directory; `join` keeps an
                // absolute one as it is.
                path = match path.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            Ok(_) => return Ok(Some(path)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Some(path)),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("more than {MAX_LINKS} levels of symbolic links"),
    ))
}

/// Writes a temporary file beside `path`, syncs it and renames it over `path`, keeping the
/// `permissions` of the file it replaces.
fn replace(
    path: &Path,
    permissions: Option<fs::Permissions>,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let tmp = temp_path(path)?;
    let mut file = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
    let result = fill_and_sync(&mut file, permissions, fill).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        // Best effort: the error that matters is the one being returned.
        let _ = fs::remove_file(&tmp);
    }
    result
}

fn fill_and_sync(
    file: &mut File,
    permissions: Option<fs::Permissions>,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    fill(file)?;
    if let Some(permissions) = permissions {
        file.set_permissions(permissions)?;
    }
    file.sync_all()
}

/// A fresh temporary name beside `path`: `.NAME.tmp-<pid>-<counter>`.
fn temp_path(path: &Path) -> io::Result<PathBuf> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path has no file name"))?;
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    Ok(path.with_file_name(tmp))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_hidden_fresh_and_beside_the_target() {
        let a = temp_path(Path::new("dir/out.mtx")).unwrap();
        let b = temp_path(Path::new("dir/out.mtx")).unwrap();
        assert_ne!(a, b);
        assert_eq!(a.parent(), Some(Path::new("dir")));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(name.starts_with(".out.mtx.tmp-"), "{name}");
        assert!(temp_path(Path::new("/")).is_err());
    }
}
