//! Running the `rawcheck` binary as a user would, and its one-line error contract.
#![allow(dead_code)] // each test binary uses its own subset

use std::process::{Command, Output};

/// Runs `rawcheck` with `args`, capturing its output.
pub fn rawcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawcheck"))
        .args(args)
        .output()
        .expect("the rawcheck binary runs")
}

/// Asserts the one-line error contract (exit `status`, one `error:` line, no panic) and returns
/// the line.
pub fn assert_error(out: &Output, status: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(status), "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line, got: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}
