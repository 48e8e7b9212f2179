//! Reading a detector's output: which line is a report, of what kind, and when it came.
//!
//! A [`Scanner`] is fed the merged stdout and stderr of a run line by line, each with the seconds
//! since the run started. The first line of each [`Kind`] is an event; the earliest event is the
//! time of detection, the highest-priority one (the earliest in [`Kind`]'s order) gives the
//! message. [`verdict`] turns what was seen and the exit status into a [`Run`].

use std::sync::LazyLock;

use regex::Regex;

use crate::cell::{Outcome, Run, cut, round};

/// The kinds of report, highest priority first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// AddressSanitizer's `ERROR: AddressSanitizer: ...`.
    Asan,
    /// Miri's `error: Undefined Behavior: ...` (or an unsupported operation, an abnormal end).
    Miri,
    /// Valgrind memcheck's `==PID== Invalid read ...` and the like.
    Memcheck,
    /// A standard-library precondition (`-Zub-checks`): `unsafe precondition(s) violated: ...`.
    UbCheck,
    /// A Rust panic: `panicked at FILE:LINE:COL:` and its message on the next line.
    Panic,
    /// The replayer's differential finding: `FILE: FINDING ...` (not a panic).
    Oracle,
    /// glibc's allocator aborting on a corrupted heap: `free(): invalid pointer` and the like.
    Glibc,
    /// Valgrind's `Process terminating with default action of signal ...`.
    Signal,
    /// libFuzzer's `ERROR: libFuzzer: deadly signal` (a crash with no other report).
    LibFuzzer,
}

/// Each kind's pattern (group 1 is the message) and the prefix its message gets.
static PATTERNS: LazyLock<Vec<(Kind, Regex, &'static str)>> = LazyLock::new(|| {
    let re = |s: &str| Regex::new(s).expect("a valid pattern");
    vec![
        (
            Kind::Asan,
            re(r"ERROR: AddressSanitizer: (.*?)(?: on address| at pc|$)"),
            "AddressSanitizer: ",
        ),
        (
            Kind::Miri,
            re(r"^error: (Undefined Behavior: .*)"),
            "Miri: ",
        ),
        (
            Kind::Miri,
            re(r"^error: (unsupported operation: .*|abnormal termination: .*)"),
            "Miri: ",
        ),
        (
            Kind::Memcheck,
            re(concat!(
                r"^==\d+== ((?:Invalid (?:read|write|free)|Conditional jump or move depends on",
                r" uninitialised|Use of uninitialised value|Syscall param|Mismatched free|",
                r"Source and destination overlap).*)"
            )),
            "memcheck: ",
        ),
        (
            Kind::UbCheck,
            re(r"unsafe precondition\(s\) violated: (.*)"),
            "UB check: ",
        ),
        (Kind::Panic, re(r"panicked at (\S+):$"), "panicked at "),
        (Kind::Oracle, re(r"^\S+: FINDING (.*)"), "oracle: "),
        (
            Kind::Glibc,
            re(concat!(
                r"^((?:free|malloc|realloc|munmap_chunk|malloc_consolidate)\(\).*|double free.*|",
                r"corrupted .*|Fatal glibc error: .*)"
            )),
            "glibc: ",
        ),
        (
            Kind::Signal,
            re(r"^==\d+== (Process terminating with default action of signal .*)"),
            "valgrind: ",
        ),
        (
            Kind::LibFuzzer,
            re(r"ERROR: libFuzzer: (.*)"),
            "libFuzzer: ",
        ),
    ]
});

/// libFuzzer's progress (`#1234 ...`) and final count of executions.
static EXECS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^#(\d+)\s|stat::number_of_executed_units: (\d+)").expect("a valid pattern")
});

/// Where libFuzzer wrote the crashing input.
static ARTIFACT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Test unit written to (\S+)").expect("a valid pattern"));

/// An input replayed to its end: by the file replayer (`fuzz/src/lib.rs`'s `replay_main`), or by
/// libFuzzer given files (valgrind).
static REPLAYED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\S+): (Ran|Refused|Skipped|FINDING)|^Executed \S+ in \d+ ms")
        .expect("a valid pattern")
});

/// One report seen in the output.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Seconds from the start of the run.
    pub at: f64,
    /// The message, prefixed by its producer.
    pub message: String,
    /// Inputs replayed to their end before it.
    pub replayed: usize,
}

/// What a run's output has shown so far.
#[derive(Debug, Default)]
pub struct Scanner {
    /// The first event of each kind.
    pub events: Vec<(Kind, Event)>,
    /// libFuzzer's highest execution count.
    pub execs: u64,
    /// Inputs replayed to their end.
    pub replayed: usize,
    /// libFuzzer's crashing input.
    pub artifact: Option<String>,
    /// A `panicked at` line waiting for its message on the next line.
    panic: Option<(f64, String, usize)>,
}

impl Scanner {
    /// Reads one line (without its newline) that came `now` seconds into the run.
    pub fn line(&mut self, now: f64, line: &str) {
        if let Some((at, place, replayed)) = self.panic.take() {
            let message = format!("panicked at {place}: {}", line.trim());
            self.add(Kind::Panic, at, message, replayed);
        }
        for (kind, pattern, prefix) in PATTERNS.iter() {
            if self.panic.is_some() || self.has(*kind) {
                continue;
            }
            let Some(m) = pattern.captures(line).and_then(|c| c.get(1)) else {
                continue;
            };
            let text = m.as_str().trim();
            match kind {
                Kind::Panic => self.panic = Some((now, text.to_owned(), self.replayed)),
                // The replayer prints a caught panic as `FINDING panicked`: the panic is the report.
                Kind::Oracle if text.starts_with("panicked") => {}
                _ => self.add(*kind, now, format!("{prefix}{text}"), self.replayed),
            }
        }
        if let Some(c) = EXECS.captures(line) {
            let n = c.get(1).or(c.get(2)).map_or("0", |m| m.as_str());
            self.execs = self.execs.max(n.parse().unwrap_or(0));
        }
        if let Some(c) = ARTIFACT.captures(line) {
            self.artifact = Some(c[1].to_owned());
        }
        if REPLAYED.is_match(line) {
            self.replayed += 1;
        }
    }

    fn has(&self, kind: Kind) -> bool {
        self.events.iter().any(|(k, _)| *k == kind)
    }

    fn add(&mut self, kind: Kind, at: f64, message: String, replayed: usize) {
        if !self.has(kind) {
            self.events.push((
                kind,
                Event {
                    at,
                    message,
                    replayed,
                },
            ));
        }
    }

    /// Whether a report is complete: the run can be stopped after its grace period.
    pub fn reported(&self) -> bool {
        !self.events.is_empty() && self.panic.is_none()
    }

    /// The earliest time, the highest-priority message and the fewest inputs replayed before a
    /// report, when there was one.
    pub fn first(&self) -> Option<(f64, &str, usize)> {
        let at = self.events.iter().map(|(_, e)| e.at).reduce(f64::min)?;
        let (_, top) = self.events.iter().min_by_key(|(k, _)| *k)?;
        let replayed = self.events.iter().map(|(_, e)| e.replayed).min()?;
        Some((at, &top.message, replayed))
    }
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It exited with this status (`timeout` says 124 when the budget ran out, 137 when it had
    /// to kill, 128 + N when its command died of signal N).
    Code(i32),
    /// It was killed by this signal (the hunt stops a run after its report).
    Signal(i32),
}

/// What the verdict needs to know about a run besides its output.
#[derive(Debug, Clone)]
pub struct Ended<'a> {
    /// Its exit.
    pub exit: Exit,
    /// Wall seconds to its end.
    pub elapsed: f64,
    /// A fuzzer (true) or a replay of `files` (false).
    pub fuzzer: bool,
    /// The replayed inputs, in order, as the JSON names them.
    pub files: &'a [String],
    /// The run's log, as the JSON names it.
    pub log: &'a str,
    /// The last non-empty line of the log without its timestamp, when there is more than the
    /// command line.
    pub tail: &'a str,
    /// The repository root with a trailing `/`, cut from messages.
    pub root: &'a str,
}

/// The name of signal `n` (Linux numbering).
pub fn signal_name(n: i32) -> Option<&'static str> {
    const NAMES: [&str; 31] = [
        "SIGHUP",
        "SIGINT",
        "SIGQUIT",
        "SIGILL",
        "SIGTRAP",
        "SIGABRT",
        "SIGBUS",
        "SIGFPE",
        "SIGKILL",
        "SIGUSR1",
        "SIGSEGV",
        "SIGUSR2",
        "SIGPIPE",
        "SIGALRM",
        "SIGTERM",
        "SIGSTKFLT",
        "SIGCHLD",
        "SIGCONT",
        "SIGSTOP",
        "SIGTSTP",
        "SIGTTIN",
        "SIGTTOU",
        "SIGURG",
        "SIGXCPU",
        "SIGXFSZ",
        "SIGVTALRM",
        "SIGPROF",
        "SIGWINCH",
        "SIGIO",
        "SIGPWR",
        "SIGSYS",
    ];
    usize::try_from(n - 1)
        .ok()
        .and_then(|i| NAMES.get(i).copied())
}

/// The run's verdict: detected at the first report; else, for a fuzzer, missed when it ended by
/// itself or by the outer timeout (a hang); for a replay, missed when it replayed everything or
/// ran out of budget, detected when it died of a signal; else an error.
pub fn verdict(scan: &Scanner, end: &Ended<'_>) -> Run {
    let log = end.log.to_owned();
    let replay_input = |n: usize| -> String {
        match n.checked_sub(1).and_then(|i| end.files.get(i)) {
            Some(f) => f.clone(),
            None => log.clone(),
        }
    };
    let run = |outcome, seconds, execs, message: String, artifact| Run {
        outcome,
        seconds,
        execs,
        message: cut(&message, 300),
        artifact,
        log: log.clone(),
    };
    let execs = (scan.execs > 0).then_some(scan.execs);
    let crash = scan
        .artifact
        .as_deref()
        .map(|a| a.strip_prefix(end.root).unwrap_or(a).to_owned());
    if let Some((at, message, replayed)) = scan.first() {
        let message = message.replace(end.root, "");
        return if end.fuzzer {
            let artifact = crash.unwrap_or_else(|| log.clone());
            run(
                Outcome::Detected,
                round(at, 2),
                execs,
                message,
                Some(artifact),
            )
        } else {
            let n = replayed + 1;
            run(
                Outcome::Detected,
                round(at, 2),
                Some(n as u64),
                message,
                Some(replay_input(n)),
            )
        };
    }
    let elapsed = end.elapsed;
    let timed_out = matches!(end.exit, Exit::Code(124 | 137));
    let ok = end.exit == Exit::Code(0);
    if end.fuzzer {
        let n = scan.execs;
        if ok {
            return run(
                Outcome::Missed,
                elapsed,
                execs,
                format!("nothing found in {n} execs"),
                None,
            );
        }
        if timed_out {
            let message = format!(
                "hung: no report, killed by the outer timeout after {elapsed:.0} s ({n} execs)"
            );
            return run(Outcome::Missed, elapsed, execs, message, crash);
        }
    } else {
        let n = scan.replayed;
        if ok {
            let message = format!("replayed all {n} inputs, nothing found");
            return run(Outcome::Missed, elapsed, Some(n as u64), message, None);
        }
        if timed_out {
            let total = end.files.len();
            let message = format!("budget exhausted after {n} of {total} inputs, nothing found");
            return run(Outcome::Missed, elapsed, Some(n as u64), message, None);
        }
        // `timeout` passes on a signal that killed its command: as its own death, or, when it
        // could not, as 128 + the signal.
        let signal = match end.exit {
            Exit::Signal(s) => s,
            Exit::Code(c) => c - 128,
        };
        if let Some(name) = signal_name(signal) {
            let n = n + 1;
            let message = format!("killed by {name}");
            return run(
                Outcome::Detected,
                elapsed,
                Some(n as u64),
                message,
                Some(replay_input(n)),
            );
        }
    }
    let status = match end.exit {
        Exit::Code(c) => c,
        Exit::Signal(s) => -s,
    };
    let message = format!("exit status {status}: {}", end.tail);
    run(Outcome::Error, elapsed, None, message, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(lines: &[&str]) -> Scanner {
        let mut s = Scanner::default();
        for (i, line) in lines.iter().enumerate() {
            s.line(i as f64, line);
        }
        s
    }

    fn ended<'a>(exit: Exit, fuzzer: bool, files: &'a [String]) -> Ended<'a> {
        Ended {
            exit,
            elapsed: 12.345,
            fuzzer,
            files,
            log: "fuzz/work/bughunt/logs/x.log",
            tail: "last words",
            root: "/repo/",
        }
    }

    /// The message and time of the first report in `lines`.
    fn report(lines: &[&str]) -> (String, f64) {
        let s = scan(lines);
        let (at, message, _) = s.first().expect("a report");
        (message.to_owned(), at)
    }

    #[test]
    fn every_kind_of_report_is_read_with_its_prefix() {
        let cases: [(&[&str], &str); 11] = [
            (
                &["==12==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x60 at pc 0x5"],
                "AddressSanitizer: heap-buffer-overflow",
            ),
            (
                &["==9==ERROR: AddressSanitizer: SEGV on unknown address (pc 0x1 bp 0x2)"],
                "AddressSanitizer: SEGV on unknown address (pc 0x1 bp 0x2)",
            ),
            (
                &[
                    "error: Undefined Behavior: write access through <2> at alloc8[0x8] is forbidden",
                ],
                "Miri: Undefined Behavior: write access through <2> at alloc8[0x8] is forbidden",
            ),
            (
                &["error: unsupported operation: can't call foreign function `x`"],
                "Miri: unsupported operation: can't call foreign function `x`",
            ),
            (
                &["==4242== Invalid write of size 8"],
                "memcheck: Invalid write of size 8",
            ),
            (
                &[
                    "unsafe precondition(s) violated: ptr::copy_nonoverlapping requires that both pointers are aligned",
                ],
                "UB check: ptr::copy_nonoverlapping requires that both pointers are aligned",
            ),
            (
                &[
                    "thread 'main' panicked at /repo/kernels/src/permute_indices/raw.rs:39:27:",
                    "attempt to divide by zero",
                ],
                "panicked at /repo/kernels/src/permute_indices/raw.rs:39:27: attempt to divide by zero",
            ),
            (
                &[
                    "fuzz/corpus/reshape/abc: FINDING reshape: u32/safe differs from the raw variant",
                ],
                "oracle: reshape: u32/safe differs from the raw variant",
            ),
            (
                &["free(): invalid next size (fast)"],
                "glibc: free(): invalid next size (fast)",
            ),
            (
                &["==77== Process terminating with default action of signal 11 (SIGSEGV)"],
                "valgrind: Process terminating with default action of signal 11 (SIGSEGV)",
            ),
            (
                &["==1== ERROR: libFuzzer: deadly signal"],
                "libFuzzer: deadly signal",
            ),
        ];
        for (lines, message) in cases {
            assert_eq!(report(lines).0, message, "{lines:?}");
        }
        assert_eq!(
            report(&["Fatal glibc error: malloc.c:4376 (_int_malloc): assertion failed"]).0,
            "glibc: Fatal glibc error: malloc.c:4376 (_int_malloc): assertion failed"
        );
        assert!(
            scan(&["INFO: Running with entropic power schedule", "#2 INITED"])
                .first()
                .is_none()
        );
    }

    #[test]
    fn the_earliest_report_times_it_and_the_most_specific_names_it() {
        let s = scan(&[
            "thread '<unnamed>' panicked at kernels/src/reshape/raw.rs:10:5:",
            "index out of bounds",
            "==1== ERROR: libFuzzer: deadly signal",
            "==1==ERROR: AddressSanitizer: heap-use-after-free on address 0x1",
        ]);
        let (at, message, _) = s.first().unwrap();
        assert_eq!(at, 0.0);
        assert_eq!(message, "AddressSanitizer: heap-use-after-free");
        assert!(s.reported());
    }

    #[test]
    fn a_panic_waits_for_its_message_and_a_caught_one_is_no_oracle_finding() {
        let mut s = Scanner::default();
        s.line(1.0, "thread 'main' panicked at src/lib.rs:144:9:");
        assert!(!s.reported(), "the message line is still to come");
        s.line(2.0, "reshape: u32/checked: invalid output");
        s.line(
            3.0,
            "fuzz/work/cases/reshape/prop-1: FINDING panicked (message above)",
        );
        assert!(s.reported());
        assert_eq!(s.events.len(), 1, "{:?}", s.events);
        assert_eq!(
            s.first().unwrap(),
            (
                1.0,
                "panicked at src/lib.rs:144:9: reshape: u32/checked: invalid output",
                0
            )
        );
    }

    #[test]
    fn execs_artifacts_and_replayed_inputs_are_counted() {
        let s = scan(&[
            "#2\tINITED cov: 5 ft: 5 corp: 1/1b exec/s: 0 rss: 30Mb",
            "#4096\tpulse  cov: 9",
            "stat::number_of_executed_units: 5000",
            "Test unit written to /repo/fuzz/artifacts/bughunt/B1-crash-abc",
            "a/b: Ran",
            "a/c: Refused",
            "Executed a/d in 3 ms",
        ]);
        assert_eq!(s.execs, 5000);
        assert_eq!(
            s.artifact.as_deref(),
            Some("/repo/fuzz/artifacts/bughunt/B1-crash-abc")
        );
        assert_eq!(s.replayed, 3);
    }

    #[test]
    fn a_fuzzer_report_names_the_crash_and_loses_the_root() {
        let s = scan(&[
            "#7\tNEW",
            "thread '<unnamed>' panicked at /repo/kernels/src/x.rs:1:2:",
            "boom",
            "Test unit written to /repo/fuzz/artifacts/bughunt/B2-crash-1",
        ]);
        let r = verdict(&s, &ended(Exit::Signal(9), true, &[]));
        assert_eq!(r.outcome, Outcome::Detected);
        assert_eq!(r.seconds, 1.0);
        assert_eq!(r.execs, Some(7));
        assert_eq!(r.message, "panicked at kernels/src/x.rs:1:2: boom");
        assert_eq!(
            r.artifact.as_deref(),
            Some("fuzz/artifacts/bughunt/B2-crash-1")
        );
    }

    #[test]
    fn a_replay_report_names_the_input_that_triggered_it() {
        let files = ["c/1".to_owned(), "c/2".to_owned(), "c/3".to_owned()];
        let s = scan(&["c/1: Ran", "==5== Invalid read of size 8", "c/2: Ran"]);
        let r = verdict(&s, &ended(Exit::Code(99), false, &files));
        assert_eq!(r.outcome, Outcome::Detected);
        assert_eq!((r.execs, r.artifact.as_deref()), (Some(2), Some("c/2")));
        assert_eq!(r.message, "memcheck: Invalid read of size 8");
    }

    #[test]
    fn a_replay_killed_by_a_signal_is_detected_at_the_next_input() {
        let files = ["c/1".to_owned(), "c/2".to_owned()];
        let s = scan(&["c/1: Ran"]);
        for exit in [Exit::Signal(11), Exit::Code(128 + 11)] {
            let r = verdict(&s, &ended(exit, false, &files));
            assert_eq!(r.outcome, Outcome::Detected);
            assert_eq!(r.message, "killed by SIGSEGV");
            assert_eq!((r.execs, r.artifact.as_deref()), (Some(2), Some("c/2")));
            assert_eq!(r.seconds, 12.345);
        }
    }

    #[test]
    fn misses_hangs_and_errors() {
        let files = ["c/1".to_owned(), "c/2".to_owned()];
        let fuzzing = scan(&["#100\tpulse", "stat::number_of_executed_units: 123"]);
        let r = verdict(&fuzzing, &ended(Exit::Code(0), true, &[]));
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (Outcome::Missed, "nothing found in 123 execs")
        );
        let r = verdict(&fuzzing, &ended(Exit::Code(124), true, &[]));
        assert_eq!(r.outcome, Outcome::Missed);
        assert_eq!(
            r.message,
            "hung: no report, killed by the outer timeout after 12 s (123 execs)"
        );
        let r = verdict(&fuzzing, &ended(Exit::Code(1), true, &[]));
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (Outcome::Error, "exit status 1: last words")
        );

        let replay = scan(&["c/1: Ran"]);
        let r = verdict(&replay, &ended(Exit::Code(0), false, &files));
        assert_eq!(r.message, "replayed all 1 inputs, nothing found");
        let r = verdict(&replay, &ended(Exit::Code(137), false, &files));
        assert_eq!(r.outcome, Outcome::Missed);
        assert_eq!(
            r.message,
            "budget exhausted after 1 of 2 inputs, nothing found"
        );
        assert_eq!(r.execs, Some(1));
        let r = verdict(&replay, &ended(Exit::Code(2), false, &files));
        assert_eq!(
            (r.outcome, r.message.as_str()),
            (Outcome::Error, "exit status 2: last words")
        );
    }

    #[test]
    fn signal_names_follow_linux() {
        assert_eq!(signal_name(6), Some("SIGABRT"));
        assert_eq!(signal_name(31), Some("SIGSYS"));
        assert_eq!(signal_name(0), None);
        assert_eq!(signal_name(-29), None);
    }
}
