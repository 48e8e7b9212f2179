//! Running one detector: under an outer `timeout`, in its own process group, its output followed
//! line by line into a timestamped log, stopped a few seconds after its first report.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::Paths;
use crate::build::show;
use crate::cell::{Outcome, Run, round};
use crate::events::{Ended, Exit, Scanner, verdict};

/// Seconds a fuzzer may run past its budget (libFuzzer stops itself at `-max_total_time`;
/// reporting a crash takes a moment) before the outer timeout calls it a hang.
pub const FUZZ_GRACE: u64 = 60;

/// Seconds a run is given after its first report to finish it (a replay, to log the rest; a
/// fuzzer, to write its artifact) before it is stopped. Without sanitizer, libFuzzer's crash
/// handler can deadlock on the heap a bug corrupted (glibc's abort, then malloc in the handler):
/// it would wait for the outer timeout.
pub fn report_grace(fuzzer: bool) -> Duration {
    Duration::from_secs(if fuzzer { 5 } else { 2 })
}

/// One run of a detector.
#[derive(Debug, Clone)]
pub struct Job {
    /// The command, without the outer `timeout`.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Variables set for it.
    pub env: Vec<(String, String)>,
    /// Seconds before the outer timeout stops it.
    pub timeout: u64,
    /// A fuzzer (else a replay of `files`).
    pub fuzzer: bool,
    /// The replayed inputs, in order, as the JSON names them.
    pub files: Vec<String>,
    /// Its log.
    pub log: PathBuf,
}

/// The process groups of the runs in progress: killed when the hunt is interrupted.
static RUNNING: Mutex<Vec<u32>> = Mutex::new(Vec::new());

/// Kills process group `pgid`: `timeout`, the detector and whatever it started.
pub fn kill_group(pgid: u32) {
    // A group that already ended is no error.
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{pgid}")])
        .stderr(Stdio::null())
        .status();
}

/// Kills every run in progress (Ctrl-C).
pub fn kill_running() {
    for pgid in RUNNING.lock().map(|r| r.clone()).unwrap_or_default() {
        kill_group(pgid);
    }
}

/// Kills every run in progress and exits with status 130 on Ctrl-C.
pub fn kill_runs_on_interrupt() -> Result<(), String> {
    ctrlc::set_handler(|| {
        crate::log("interrupted");
        kill_running();
        std::process::exit(130);
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))
}

/// Runs `job` under `timeout --kill-after=10`, following its output; a fuzzer stops itself at
/// its first crash or at its budget, a replay at its last input; either is stopped
/// [`report_grace`] after its first report.
pub fn run_job(paths: &Paths, job: &Job) -> Run {
    let log_rel = paths.rel(&job.log);
    let error = |message: String| Run {
        outcome: Outcome::Error,
        seconds: 0.0,
        execs: None,
        message,
        artifact: None,
        log: log_rel.clone(),
    };
    let mut cmd = Command::new("timeout");
    cmd.args(["--kill-after=10", &job.timeout.to_string()])
        .arg(&job.program)
        .args(&job.args)
        .envs(job.env.iter().map(|(k, v)| (k, v)))
        .current_dir(&paths.root)
        .stdin(Stdio::null())
        .process_group(0);
    let (reader, writer) = match std::io::pipe() {
        Ok(p) => p,
        Err(e) => return error(format!("cannot make a pipe: {e}")),
    };
    let mut log = match std::fs::File::create(&job.log) {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => return error(format!("cannot write {}: {e}", job.log.display())),
    };
    let _ = writeln!(log, "$ {}", show(&cmd));
    let start = Instant::now();
    let child = writer
        .try_clone()
        .and_then(|w| cmd.stdout(w).stderr(writer).spawn());
    // The command holds the pipe's write ends: drop it, or the output never ends.
    drop(cmd);
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return error(format!("cannot run timeout: {e}")),
    };
    let pgid = child.id();
    if let Ok(mut r) = RUNNING.lock() {
        r.push(pgid);
    }
    let mut scan = Scanner::default();
    let mut tail = String::new();
    let mut stopper: Option<mpsc::Sender<()>> = None;
    let mut lines = BufReader::new(reader);
    let mut buf = Vec::new();
    while matches!(lines.read_until(b'\n', &mut buf), Ok(n) if n > 0) {
        let now = start.elapsed().as_secs_f64();
        let text = String::from_utf8_lossy(&buf);
        let line = text.strip_suffix('\n').unwrap_or(&text);
        let _ = writeln!(log, "[{now:8.2}] {line}");
        scan.line(now, line);
        line.clone_into(&mut tail);
        buf.clear();
        if scan.reported() && stopper.is_none() {
            let (tx, rx) = mpsc::channel::<()>();
            let grace = report_grace(job.fuzzer);
            std::thread::spawn(move || {
                if rx.recv_timeout(grace) == Err(mpsc::RecvTimeoutError::Timeout) {
                    kill_group(pgid);
                }
            });
            stopper = Some(tx);
        }
    }
    let status = child.wait();
    // Ends the stopper's wait, when there is one.
    drop(stopper);
    if let Ok(mut r) = RUNNING.lock() {
        r.retain(|p| *p != pgid);
    }
    let _ = log.flush();
    let exit = match status {
        Ok(s) => match (s.code(), s.signal()) {
            (Some(c), _) => Exit::Code(c),
            (None, Some(sig)) => Exit::Signal(sig),
            (None, None) => Exit::Code(-1),
        },
        Err(e) => return error(format!("cannot wait for timeout: {e}")),
    };
    let root = format!("{}/", paths.root.display());
    verdict(
        &scan,
        &Ended {
            exit,
            elapsed: round(start.elapsed().as_secs_f64(), 2),
            fuzzer: job.fuzzer,
            files: &job.files,
            log: &log_rel,
            tail: &tail,
            root: &root,
        },
    )
}
