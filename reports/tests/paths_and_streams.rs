//! The command line on hostile paths and streams (issue 12), run as a user would: device nodes,
//! FIFOs, symbolic links, directories and `-` as outputs and inputs, endless inputs under an
//! address-space limit. Each case checks the exit status, the one `error:` line and that nothing
//! else on disk changed.
#![cfg(not(miri))]

mod common;

use std::fs;
use std::io::Write;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;

use common::{assert_error, rawcheck};

/// The input every case transposes (read only).
fn input() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small.mtx"
    ))
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// What `rawcheck transpose input()` writes to a regular file: what every other kind of output
/// must receive.
fn expected_bytes(dir: &Path) -> Vec<u8> {
    let plain = dir.join("plain.mtx");
    let out = rawcheck(&["transpose", arg(&input()), "-o", arg(&plain)]);
    assert!(out.status.success(), "{out:?}");
    let bytes = fs::read(&plain).unwrap();
    fs::remove_file(&plain).unwrap();
    bytes
}

/// The names in `dir`, sorted: a temporary file left behind would show here.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Runs `rawcheck ARGS` with `stdin` as standard input, in `cwd`.
fn rawcheck_with_stdin(cwd: &Path, args: &[&str], stdin: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawcheck"))
        .current_dir(cwd)
        .args(args)
        .stdin(stdin)
        .output()
        .expect("the rawcheck binary runs")
}

/// Runs `rawcheck ARGS` in a shell that first limits the address space to `kib` KiB.
fn rawcheck_limited(kib: u64, args: &[&str]) -> Output {
    Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_rawcheck"))
        .args(args)
        .output()
        .expect("sh runs")
}

/// Makes a character device `name` in `dir` with the numbers of `like` (e.g. `/dev/full`), or
/// `None` when that is not allowed (not root): the caller skips with a message.
fn device_like(dir: &Path, name: &str, like: &str) -> Option<(PathBuf, u64)> {
    let rdev = fs::metadata(like).unwrap().rdev();
    let (major, minor) = ((rdev >> 8) & 0xfff, (rdev & 0xff) | ((rdev >> 12) & !0xff));
    let path = dir.join(name);
    let made = Command::new("mknod")
        .args([arg(&path), "c", &major.to_string(), &minor.to_string()])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    made.then_some((path, rdev))
}

fn assert_device(path: &Path, rdev: u64) {
    let meta = fs::symlink_metadata(path).unwrap();
    assert!(
        meta.file_type().is_char_device(),
        "{path:?} is no longer a device"
    );
    assert_eq!(meta.rdev(), rdev, "{path:?}");
}

#[test]
fn devices_are_written_in_place_and_a_full_one_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let Some((full, full_rdev)) = device_like(dir.path(), "full", "/dev/full") else {
        eprintln!("skipped: mknod needs root (devices_are_written_in_place...)");
        return;
    };
    let (null, null_rdev) = device_like(dir.path(), "null", "/dev/null").unwrap();
    let before = listing(dir.path());

    let out = rawcheck(&["transpose", arg(&input()), "-o", arg(&full)]);
    let line = assert_error(&out, 1);
    assert!(
        line.contains(&format!("{}: No space left on device", full.display())),
        "{line}"
    );
    assert_device(&full, full_rdev);

    let out = rawcheck(&["transpose", arg(&input()), "-o", arg(&null)]);
    assert!(out.status.success(), "{out:?}");
    assert_device(&null, null_rdev);

    // gen fails on its first file and writes none of the others.
    let out = rawcheck(&["gen", "uniform", "--nnz", "1000", "-o", arg(&full)]);
    assert!(assert_error(&out, 1).contains("No space left on device"));
    assert_device(&full, full_rdev);

    // `-o -` into a full device: the failed flush is the error.
    let stdout = fs::OpenOptions::new().write(true).open(&full).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_rawcheck"))
        .args(["transpose", arg(&input()), "-o", "-"])
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let line = assert_error(&out, 1);
    assert!(
        line.contains("standard output: No space left on device"),
        "{line}"
    );
    assert_eq!(listing(dir.path()), before, "nothing else on disk changed");
}

#[test]
fn a_fifo_reader_receives_the_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let want = expected_bytes(dir.path());
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        thread::spawn(move || fs::read(fifo).unwrap())
    };
    let out = rawcheck(&["transpose", arg(&input()), "-o", arg(&fifo)]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(reader.join().unwrap(), want);
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(listing(dir.path()), ["fifo"]);

    // As input: a writer feeding the matrix, then one closing at once (an empty input).
    for (feed, ok) in [(fs::read(input()).unwrap(), true), (Vec::new(), false)] {
        let writer = {
            let fifo = fifo.clone();
            thread::spawn(move || fs::write(fifo, feed).unwrap())
        };
        let out_path = dir.path().join("from-fifo.mtx");
        let out = rawcheck(&["transpose", arg(&fifo), "-o", arg(&out_path)]);
        writer.join().unwrap();
        if ok {
            assert!(out.status.success(), "{out:?}");
            assert_eq!(fs::read(&out_path).unwrap(), want);
            fs::remove_file(&out_path).unwrap();
        } else {
            assert!(assert_error(&out, 1).contains("line 1: file is empty"));
        }
    }
    assert_eq!(listing(dir.path()), ["fifo"]);
}

#[test]
fn a_symlink_stays_a_link_and_its_target_gets_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let want = expected_bytes(dir.path());
    let (links, targets) = (dir.path().join("links"), dir.path().join("targets"));
    fs::create_dir_all(&links).unwrap();
    fs::create_dir_all(&targets).unwrap();
    fs::write(targets.join("old.mtx"), "old contents").unwrap();
    let cases = [
        ("to-existing", "../targets/old.mtx"),
        ("to-missing", "../targets/new.mtx"),
        ("to-link", "to-existing"),
    ];
    for (link, target) in cases {
        std::os::unix::fs::symlink(target, links.join(link)).unwrap();
    }
    for (link, target) in cases {
        let path = links.join(link);
        let out = rawcheck(&["transpose", arg(&input()), "-o", arg(&path)]);
        assert!(out.status.success(), "{link}: {out:?}");
        assert!(fs::symlink_metadata(&path).unwrap().is_symlink(), "{link}");
        assert_eq!(fs::read_link(&path).unwrap(), Path::new(target), "{link}");
        assert_eq!(fs::read(&path).unwrap(), want, "{link}");
    }
    assert_eq!(listing(&links), ["to-existing", "to-link", "to-missing"]);
    assert_eq!(listing(&targets), ["new.mtx", "old.mtx"]);
}

#[test]
fn dash_is_standard_input_and_output() {
    let dir = tempfile::tempdir().unwrap();
    let want = expected_bytes(dir.path());
    let stdin = Stdio::from(fs::File::open(input()).unwrap());
    let out = rawcheck_with_stdin(dir.path(), &["transpose", "-", "-o", "-"], stdin);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, want, "stdout holds the matrix and nothing else");
    assert!(out.stderr.is_empty());
    assert!(listing(dir.path()).is_empty(), "no file named '-'");

    // /dev/stdout is a link through /proc to the open pipe: written in place, never replaced.
    let dev_stdout = Path::new("/dev/stdout");
    let link = fs::read_link(dev_stdout).ok();
    let a = input();
    let args = ["transpose", arg(&a), "-o", "/dev/stdout"];
    let out = rawcheck_with_stdin(dir.path(), &args, Stdio::null());
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, want);
    assert_eq!(fs::read_link(dev_stdout).ok(), link);

    let stdin = Stdio::from(fs::File::open(input()).unwrap());
    let out = rawcheck_with_stdin(dir.path(), &["info", "-"], stdin);
    assert!(out.status.success(), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("shape: 3 x 4"));

    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    let criterion = format!("{fixtures}/criterion");
    let args = [
        "report",
        "--criterion",
        &criterion,
        "--data",
        fixtures,
        "--out",
        "-",
    ];
    let out = rawcheck_with_stdin(dir.path(), &args, Stdio::null());
    assert!(out.status.success(), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..40]);
    assert!(page.trim_end().ends_with("</html>"));

    let out = rawcheck_with_stdin(
        dir.path(),
        &["gen", "uniform", "--nnz", "1000", "-o", "-"],
        Stdio::null(),
    );
    assert!(assert_error(&out, 1).contains("-o - is not supported"));
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn a_directory_is_an_error_as_output_and_as_input() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let out = rawcheck(&["transpose", arg(&input()), "-o", arg(&sub)]);
    assert!(assert_error(&out, 1).contains("is a directory"));
    let out = rawcheck(&["transpose", arg(&sub), "-o", arg(&dir.path().join("o"))]);
    assert!(assert_error(&out, 1).contains("Is a directory"));
    assert!(fs::metadata(&sub).unwrap().is_dir());
    assert!(listing(&sub).is_empty());
    assert_eq!(listing(dir.path()), ["sub"]);
}

#[test]
fn the_output_may_be_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let want = expected_bytes(dir.path());
    let same = dir.path().join("a.mtx");
    fs::copy(input(), &same).unwrap();
    let out = rawcheck(&["transpose", arg(&same), "-o", arg(&same)]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(fs::read(&same).unwrap(), want);
    assert_eq!(listing(dir.path()), ["a.mtx"]);
}

/// 64 MiB of address space: the endless inputs must fail well inside it.
const SMALL_KIB: u64 = 64 << 10;

#[test]
fn endless_inputs_are_one_error_line_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.mtx");
    let zero = rawcheck_limited(SMALL_KIB, &["transpose", "/dev/zero", "-o", arg(&out_path)]);
    let line = assert_error(&zero, 1);
    assert!(
        line.contains("/dev/zero: line 1: longer than 1048576 bytes"),
        "{line}"
    );
    let list = rawcheck_limited(
        SMALL_KIB,
        &[
            "permute-indices",
            "--rows",
            "@/dev/zero",
            "--cols",
            "0",
            arg(&input()),
            "-o",
            arg(&out_path),
        ],
    );
    assert!(assert_error(&list, 1).contains("list /dev/zero: a token of over"));
    let random = rawcheck_limited(
        SMALL_KIB,
        &["transpose", "/dev/urandom", "-o", arg(&out_path)],
    );
    assert!(assert_error(&random, 1).contains("/dev/urandom: line "));
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn running_out_of_memory_is_an_error_not_an_abort() {
    // 2^27 rows are within the reader's row limit, but their row pointers (1 GiB with 64-bit
    // indices) are not within 256 MiB of address space.
    let dir = tempfile::tempdir().unwrap();
    let tall = dir.path().join("tall.mtx");
    let mut file = fs::File::create(&tall).unwrap();
    writeln!(file, "%%MatrixMarket matrix coordinate real general").unwrap();
    writeln!(file, "134217728 1 1\n1 1 1").unwrap();
    drop(file);
    let out_path = dir.path().join("out.mtx");
    let args = [
        "transpose",
        arg(&tall),
        "-o",
        arg(&out_path),
        "--index",
        "64",
    ];
    let line = assert_error(&rawcheck_limited(256 << 10, &args), 1);
    assert!(line.contains("out of memory"), "{line}");
    assert!(!out_path.exists());
}
