//! The run-time switch of the generated mutants (README "Mutants"): compiled only with the
//! `mutants` feature, which only the schematised copy of the tree written by
//! `rawcheck-mutants apply` uses.
//!
//! In that copy every mutation site reads [`current`] and runs its mutated text when the id
//! matches, its original text otherwise. `RAWCHECK_MUTANT` (eight hex digits, as
//! `rawcheck-mutants list` prints them) is read once, at the first site reached; unset or empty
//! means no mutant is active.
//!
//! A value that is not the id of a mutant compiled in prints one `error:` line and exits with
//! status 1, rather than panicking: a panic would be caught by the test harness or reported by
//! the fuzzer as a finding, and a campaign would count a typo as a kill.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};

/// The ids of the mutants compiled into this build. Empty in the repository;
/// `rawcheck-mutants apply` fills it in the copy.
pub const IDS: &[u32] = &[];

/// The environment variable that picks the active mutant.
pub const VAR: &str = "RAWCHECK_MUTANT";

/// The active id once read; [`UNREAD`] before. A relaxed atomic: the fast path of every site is
/// one load and one comparison (two threads that race on the first read both store the same
/// value).
static ACTIVE: AtomicU32 = AtomicU32::new(UNREAD);

/// [`ACTIVE`] before the variable is read; no mutant has this id.
const UNREAD: u32 = u32::MAX;

/// The active mutant's id, 0 when none is.
#[inline]
pub fn current() -> u32 {
    match ACTIVE.load(Ordering::Relaxed) {
        UNREAD => read(),
        id => id,
    }
}

/// Reads [`VAR`] into [`ACTIVE`], or ends the process on a bad value.
#[cold]
#[inline(never)]
fn read() -> u32 {
    match from_env(std::env::var_os(VAR)) {
        Ok(id) => {
            ACTIVE.store(id, Ordering::Relaxed);
            id
        }
        Err(message) => {
            // Straight to the stream: `eprintln!` inside a test is captured by the harness and
            // lost when the process exits.
            let _ = writeln!(std::io::stderr(), "error: {message}");
            std::process::exit(1)
        }
    }
}

/// Parses the value of [`VAR`]: `Ok(0)` when unset or empty, the id when it names a mutant in
/// [`IDS`].
pub fn from_env(value: Option<std::ffi::OsString>) -> Result<u32, String> {
    let Some(value) = value else { return Ok(0) };
    let text = value.to_str().unwrap_or("");
    if value.is_empty() {
        return Ok(0);
    }
    let id = (text.len() == 8 && text.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| u32::from_str_radix(text, 16).ok())
        .flatten()
        .filter(|id| IDS.contains(id));
    id.ok_or_else(|| {
        format!(
            "{VAR}={value:?} is not the id of a mutant in this build ({} compiled in; \
             `mutants.json` beside the schematised workspace's Cargo.toml lists them)",
            IDS.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_or_empty_is_no_mutant_and_anything_else_must_be_compiled_in() {
        assert_eq!(from_env(None), Ok(0));
        assert_eq!(from_env(Some("".into())), Ok(0));
        for bad in ["zz", "0000000g", "123", "000000001", "+1234567"] {
            let err = from_env(Some(bad.into())).unwrap_err();
            assert!(err.starts_with("RAWCHECK_MUTANT="), "{err}");
        }
        match IDS.first() {
            Some(&id) => assert_eq!(from_env(Some(format!("{id:08x}").into())), Ok(id)),
            None => assert!(from_env(Some("0000abcd".into())).is_err()),
        }
    }
}
