#!/usr/bin/env python3
"""The bug hunt: every detector against every seeded bug, time to detect in JSON.

    scripts/bughunt [--quick] [--bugs B1,B2,...] [--detectors d1,d2,...] [--budget SECONDS]
                    [--repeats N] [--jobs N] [--out FILE] [--expect-detected]

For each seeded bug (a `bug-*` feature of the kernels crate, see kernels/src/bugs.rs) and each
detector, builds the fuzz crate with the bug's feature, runs the detector under an outer
`timeout` and records one cell: {"bug", "detector", "outcome": detected|missed|prevented|error,
"seconds" (median), "seconds_min", "seconds_max", "repeats", "execs", "message" (the first line of
the report), "artifact", "tool_version", "build_seconds", "logs"}. Every cell is what a run showed.

Detectors (the fuzzers fuzz the target of the bug's kernel, starting from the committed corpus;
all but checked-variant and Miri run the raw variant with the safe one as differential reference):
  fuzz-asan          cargo fuzz default: AddressSanitizer + debug assertions
  fuzz-asan-release  cargo fuzz -O: AddressSanitizer, no debug assertions
  fuzz-none          cargo fuzz -s none -O: no sanitizer, no debug assertions; the differential
                     oracle of the fuzz target (and Rust's own panics) is the only check
  checked-variant    the fuzz-none build fuzzing the checked variant alone (RAWCHECK_VARIANTS):
                     the bug as the checked variant carries it; `prevented` (with the reason the
                     build reports) where safe code cannot make the mistake
  miri-stacked       Miri (Stacked Borrows) on the raw variant, replaying the smallest set of
  miri-tree          inputs that covers every edge of corpus + regressions + property cases
                     (the same with Tree Borrows)
  valgrind           memcheck on the fuzz-none libFuzzer binary replaying (not fuzzing) the
                     corpus, the regressions and the property cases
  debug-ub-checks    the same inputs through the file replayer (no libFuzzer) in a debug build
                     with -Zub-checks=yes (debug assertions, overflow checks and the standard
                     library's unsafe-precondition checks)
Fuzzers run --repeats times with seeds 1..N (median, min and max are recorded); the replays are
deterministic and run once. Time to detect is the wall time from the start of the detector to the
first line of its report; builds are not part of it (build_seconds records them).

Writes reports/data/bughunt.json (an object with machine, date, command and results) unless
--out says otherwise, one progress line per cell on stderr, and the table at the end.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import rawcheck_names

ROOT = Path(__file__).resolve().parent.parent
FUZZ = ROOT / "fuzz"
WORK = FUZZ / "work" / "bughunt"
ARTIFACTS = FUZZ / "artifacts" / "bughunt"

FUZZERS = {"fuzz-asan", "fuzz-asan-release", "fuzz-none", "checked-variant"}

MIRI = {"miri-stacked", "miri-tree"}

# cargo fuzz build mode of each detector that runs a libFuzzer binary: (sanitizer, -O). valgrind
# runs the fuzz-none binary on files (libFuzzer then replays them, it does not fuzz). The folders
# are those of scripts/fuzz, so the two share their dependency builds; cargo keeps one artifact
# per feature set.
FUZZ_MODE = {
    "fuzz-asan": ("address", False),
    "fuzz-asan-release": ("address", True),
    "fuzz-none": ("none", True),
    "checked-variant": ("none", True),
    "valgrind": ("none", True),
}



def variants_of(detector: str) -> str:
    """The kernel variants `detector` runs (RAWCHECK_VARIANTS, read by the fuzz crate): the raw
    variant carries the bugs, the safe one (free of them but for B8, which sits in a plan every
    variant shares) is the differential reference; the checked variant is its own detector. Miri
    interprets the raw variant alone, the only one with unsafe code, as it is ~1000x slower."""
    return "checked" if detector == "checked-variant" else "raw" if detector in MIRI else "raw,safe"


# Seconds a fuzzer may run past its budget (libFuzzer stops itself at -max_total_time; reporting a
# crash takes a moment) before the outer timeout calls it a hang.
FUZZ_GRACE = 60

# Seconds a run is given after its first report to finish it (a replay, to log the rest; a fuzzer,
# to write its artifact) before it is stopped. Without sanitizer, libFuzzer's crash handler can
# deadlock on the heap a bug corrupted (glibc's abort, then malloc in the handler): it would wait
# for the outer timeout.
REPORT_GRACE = {False: 2.0, True: 5.0}


def log(msg: str) -> None:
    print(f"bughunt: {msg}", file=sys.stderr, flush=True)


def rel(path: Path | str | None) -> str | None:
    """`path` relative to the repository root, when it is inside it."""
    if path is None:
        return None
    p = Path(path)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


def run_quiet(cmd: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


# --------------------------------------------------------------------------------------------
# What the build says about the bugs


def catalogue() -> dict[str, dict]:
    """The seeded-bug catalogue as a build with every bug feature sees it (each bug is its own
    cfg): fuzz/examples/seeded_bugs.rs."""
    cmd = ["cargo", "run", "-q", "--manifest-path", str(FUZZ / "Cargo.toml"), "--example",
           "seeded_bugs", "--all-features"]
    out = run_quiet(cmd)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{out.stdout}")
    bugs = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    return {b["id"]: b for b in bugs}


def tool_versions(detectors: list[str]) -> dict[str, str]:
    def version(cmd: list[str]) -> str:
        try:
            return first_line(run_quiet(cmd).stdout) or "?"
        except OSError:
            return "not installed"

    rustc = version(["rustc", "+nightly", "--version"])
    fuzz = f"{version(['cargo', '+nightly', 'fuzz', '--version'])}, libFuzzer of {rustc}"
    versions = {d: fuzz for d in FUZZERS}
    versions["miri-stacked"] = versions["miri-tree"] = version(
        ["cargo", "+nightly", "miri", "--version"]
    )
    versions["valgrind"] = f"{version(['valgrind', '--version'])} (memcheck) on the fuzz-none build of {rustc}"
    versions["debug-ub-checks"] = f"{rustc}, -Zub-checks=yes"
    return {d: versions[d] for d in detectors}


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": f"{platform.system()} {platform.release()}",
        "load_at_start": round(os.getloadavg()[0], 2),
    }


# --------------------------------------------------------------------------------------------
# Builds


@dataclass
class Build:
    """A built binary (or an error) and what it took."""

    path: Path | None
    seconds: float
    error: str | None = None


class Builder:
    """Builds each (bug, mode) once; every build is timed and its log kept."""

    def __init__(self) -> None:
        self.done: dict[tuple, Build] = {}
        (WORK / "bin").mkdir(parents=True, exist_ok=True)
        (WORK / "logs").mkdir(parents=True, exist_ok=True)

    def _run(self, key: tuple, cmd: list[str], env: dict | None, product: Path | None) -> Build:
        if key in self.done:
            return self.done[key]
        name = "-".join(str(k) for k in key if k)
        log(f"building {name}")
        start = time.monotonic()
        out = run_quiet(cmd, env=env)
        seconds = round(time.monotonic() - start, 1)
        build_log = WORK / "logs" / f"build-{name}.log"
        build_log.write_text(f"$ {' '.join(cmd)}\n{out.stdout}")
        if out.returncode != 0 and product is not None:
            lines = [l for l in out.stdout.splitlines() if l.startswith("error")] or ["failed"]
            b = Build(None, seconds, f"build failed ({rel(build_log)}): {lines[0]}")
        else:
            b = Build(product, seconds)
        self.done[key] = b
        return b

    def fuzz(self, bug: dict | None, target: str, sanitizer: str, release: bool) -> Build:
        """A libFuzzer binary, copied out of the shared target folder (the next build with
        another feature set overwrites the one there)."""
        mode = f"{sanitizer}-{'release' if release else 'debug-assertions'}"
        target_dir = FUZZ / "target" / mode
        cmd = ["cargo", "+nightly", "fuzz", "build", "--fuzz-dir", str(FUZZ), "--sanitizer",
               sanitizer, "--target-dir", str(target_dir)]
        if release:
            cmd.append("--release")
        feature = bug["feature"] if bug else None
        if feature:
            cmd += ["--features", feature]
        cmd.append(target)
        key = ("fuzz", mode, bug["id"] if bug else "default", target)
        if key in self.done:
            return self.done[key]
        built = self._run(key, cmd, None, target_dir)
        if built.error:
            return built
        triple = run_quiet(["rustc", "+nightly", "-vV"]).stdout
        host = re.search(r"^host: (\S+)", triple, re.M).group(1)
        src = target_dir / host / "release" / target
        dst = WORK / "bin" / mode / f"{key[2]}-{target}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dst)
        self.done[key] = Build(dst, built.seconds)
        return self.done[key]

    def ub_checks(self, bug: dict, target: str) -> Build:
        """The target's file replayer (built without libFuzzer): a nightly debug build with
        -Zub-checks=yes."""
        target_dir = FUZZ / "target" / "bughunt-ub-checks"
        env = dict(os.environ, RUSTFLAGS="-Zub-checks=yes")
        cmd = ["cargo", "+nightly", "build", "--manifest-path", str(FUZZ / "Cargo.toml"),
               "--target-dir", str(target_dir), "--features", bug["feature"], "--bin", target]
        key = ("ub-checks", bug["id"], target)
        if key in self.done:
            return self.done[key]
        built = self._run(key, cmd, env, target_dir)
        if built.error:
            return built
        dst = WORK / "bin" / "ub-checks" / f"{bug['id']}-{target}"
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target_dir / "debug" / target, dst)
        self.done[key] = Build(dst, built.seconds)
        return self.done[key]

    def miri(self, bug: dict, target: str) -> Build:
        """Builds the replay binary under Miri (a run without arguments only prints usage)."""
        cmd = miri_command(bug, target, [])
        key = ("miri", bug["id"], target)
        built = self._run(key, cmd, dict(os.environ, MIRIFLAGS=""), None)
        out = (WORK / "logs" / f"build-miri-{bug['id']}-{target}.log").read_text()
        if "usage:" not in out:
            err = [l for l in out.splitlines() if l.startswith("error")] or ["no usage line"]
            built = Build(None, built.seconds, f"miri build failed: {err[0]}")
            self.done[key] = built
        return built


def miri_command(bug: dict, target: str, files: list[str]) -> list[str]:
    return ["cargo", "+nightly", "miri", "run", "-q", "--manifest-path", str(FUZZ / "Cargo.toml"),
            "--target-dir", str(FUZZ / "target" / "bughunt-miri"), "--features", bug["feature"],
            "--bin", target, "--"] + files


# --------------------------------------------------------------------------------------------
# Inputs of the replays


def inputs(folder: Path) -> list[Path]:
    """The input files of `folder` as the replayer lists them (sorted; no dot files, no .txt)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.suffix != ".txt")


def property_cases() -> Path:
    """Writes the property cases (fuzz/examples/property_cases.rs) once per hunt."""
    out = WORK / "cases"
    cmd = ["cargo", "run", "-q", "--manifest-path", str(FUZZ / "Cargo.toml"), "--example",
           "property_cases", "--", str(out)]
    res = run_quiet(cmd)
    if res.returncode != 0:
        raise RuntimeError(f"property cases: {res.stdout}")
    return out


def replay_list(target: str, cases: Path) -> list[Path]:
    """What valgrind and the debug build replay: corpus, regressions, then property cases."""
    return (inputs(FUZZ / "corpus" / target) + inputs(FUZZ / "regressions" / target)
            + inputs(cases / target))


def miri_list(target: str, cases: Path, builder: Builder) -> tuple[list[Path], str | None]:
    """Miri's subset: libFuzzer's set cover (by edges) of the replay list, computed with the
    bug-free ASan build, smallest files first. Miri is ~1000x slower than native code; the cover
    keeps every edge the full list reaches in a few dozen inputs."""
    out = WORK / "miri-set" / target
    if out.is_dir() and any(out.iterdir()):
        return sorted(inputs(out), key=lambda p: (p.stat().st_size, p.name)), None
    built = builder.fuzz(None, target, "address", False)
    if built.error:
        return [], built.error
    staging = WORK / "miri-set-staging" / target
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for i, p in enumerate(replay_list(target, cases)):
        shutil.copy2(p, staging / f"{i:05d}-{p.name}")
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    res = run_quiet([str(built.path), "-merge=1", "-set_cover_merge=1", "-use_counters=0",
                     str(out), str(staging)])
    if res.returncode != 0:
        return [], f"set cover merge failed: {first_line(res.stdout)}"
    return sorted(inputs(out), key=lambda p: (p.stat().st_size, p.name)), None


# --------------------------------------------------------------------------------------------
# Running a detector and reading its report

# (priority, pattern, message template): the first matching line of each kind is an event; the
# earliest event is the time of detection, the highest-priority one gives the message.
EVENTS = [
    (0, re.compile(r"ERROR: AddressSanitizer: (.*?)(?: on address| at pc|$)"), "AddressSanitizer: {0}"),
    (1, re.compile(r"^error: (Undefined Behavior: .*)"), "Miri: {0}"),
    (1, re.compile(r"^error: (unsupported operation: .*|abnormal termination: .*)"), "Miri: {0}"),
    (2, re.compile(r"^==\d+== ((?:Invalid (?:read|write|free)|Conditional jump or move depends on"
                   r" uninitialised|Use of uninitialised value|Syscall param|Mismatched free|"
                   r"Source and destination overlap).*)"), "memcheck: {0}"),
    (3, re.compile(r"unsafe precondition\(s\) violated: (.*)"), "UB check: {0}"),
    (4, re.compile(r"panicked at (\S+):$"), "panicked at {0}"),
    (5, re.compile(r"^\S+: FINDING (?!panicked)(.*)"), "oracle: {0}"),
    (6, re.compile(r"^((?:free|malloc|realloc|munmap_chunk|malloc_consolidate)\(\).*|double free.*|"
                   r"corrupted .*|Fatal glibc error: .*)"), "glibc: {0}"),
    (7, re.compile(r"^==\d+== (Process terminating with default action of signal .*)"), "valgrind: {0}"),
    (8, re.compile(r"ERROR: libFuzzer: (.*)"), "libFuzzer: {0}"),
]
EXECS = re.compile(r"^#(\d+)\s|stat::number_of_executed_units: (\d+)")
ARTIFACT = re.compile(r"Test unit written to (\S+)")
# An input replayed to its end: by the file replayer, or by libFuzzer given files (valgrind).
REPLAYED = re.compile(r"^(\S+): (Ran|Refused|Skipped|FINDING)|^Executed \S+ in \d+ ms")


@dataclass
class Run:
    """One run of a detector."""

    outcome: str  # detected | missed | error
    seconds: float
    execs: int | None
    message: str
    artifact: str | None
    log: str


@dataclass
class Job:
    bug: dict
    detector: str
    seed: int | None
    cmd: list[str]
    env: dict
    timeout: float
    fuzzer: bool
    files: list[Path] = field(default_factory=list)  # replay inputs, in order
    log: Path | None = None


RUNNING: set[subprocess.Popen] = set()  # killed when the hunt is interrupted


def stop(proc: subprocess.Popen) -> None:
    """Kills a detector run: `timeout`, the detector and whatever it started."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_job(job: Job) -> Run:
    """Runs one detector under `timeout`, following its output line by line (timestamped into
    the job's log). A fuzzer stops itself at its first crash or at its budget, a replay at its
    last input; either is stopped REPORT_GRACE seconds after its first report."""
    cmd = ["timeout", "--kill-after=10", str(int(job.timeout)), *job.cmd]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=job.env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True, text=True,
                            errors="replace", bufsize=1)
    RUNNING.add(proc)
    events: dict[int, tuple[float, str, int]] = {}  # priority -> (time, message, inputs before)
    execs, replayed, artifact = 0, 0, None
    panic: tuple[float, str, int] | None = None  # "panicked at X:" waits for its message line
    stopper: threading.Timer | None = None
    with open(job.log, "w") as out:
        out.write(f"$ {' '.join(cmd)}\n")
        for line in proc.stdout:
            now = time.monotonic() - start
            out.write(f"[{now:8.2f}] {line}")
            line = line.rstrip("\n")
            if panic is not None:
                t, where, at = panic
                events.setdefault(4, (t, f"panicked at {where}: {line.strip()}", at))
                panic = None
            for prio, pattern, template in EVENTS:
                m = pattern.search(line)
                if m and prio not in events and panic is None:
                    if prio == 4:
                        panic = (now, m.group(1), replayed)
                    else:
                        events[prio] = (now, template.format(m.group(1).strip()), replayed)
            if m := EXECS.search(line):
                execs = max(execs, int(m.group(1) or m.group(2)))
            if m := ARTIFACT.search(line):
                artifact = m.group(1)
            if REPLAYED.search(line):
                replayed += 1
            if events and panic is None and stopper is None:
                stopper = threading.Timer(REPORT_GRACE[job.fuzzer], stop, [proc])
                stopper.start()
    rc = proc.wait()
    RUNNING.discard(proc)
    if stopper is not None:
        stopper.cancel()
    elapsed = round(time.monotonic() - start, 2)
    log_rel = rel(job.log)

    def replay_input(n: int) -> str | None:
        return rel(job.files[n - 1]) if 0 < n <= len(job.files) else log_rel

    if events:
        t = min(e[0] for e in events.values())
        _, message, _ = events[min(events)]
        message = message.replace(f"{ROOT}/", "")
        if job.fuzzer:
            return Run("detected", round(t, 2), execs or None, message[:300],
                       rel(artifact) if artifact else log_rel, log_rel)
        n = min(e[2] for e in events.values()) + 1
        return Run("detected", round(t, 2), n, message[:300], replay_input(n), log_rel)
    if job.fuzzer:
        if rc == 0:
            return Run("missed", elapsed, execs or None, f"nothing found in {execs} execs",
                       None, log_rel)
        if rc in (124, 137):
            return Run("missed", elapsed, execs or None,
                       f"hung: no report, killed by the outer timeout after {elapsed:.0f} s "
                       f"({execs} execs)", rel(artifact) if artifact else None, log_rel)
    else:
        if rc == 0:
            return Run("missed", elapsed, replayed,
                       f"replayed all {replayed} inputs, nothing found", None, log_rel)
        if rc in (124, 137):
            return Run("missed", elapsed, replayed,
                       f"budget exhausted after {replayed} of {len(job.files)} inputs, "
                       f"nothing found", None, log_rel)
        # `timeout` passes on a signal that killed its command: as its own death (rc < 0) or,
        # when it could not, as 128 + the signal.
        sig = -rc if rc < 0 else rc - 128
        if sig in signal.Signals._value2member_map_:
            n = replayed + 1
            return Run("detected", elapsed, n, f"killed by {signal.Signals(sig).name}",
                       replay_input(n), log_rel)
    lines = [l for l in Path(job.log).read_text().splitlines() if l.strip()]
    tail = lines[-1][11:] if len(lines) > 1 else ""
    return Run("error", elapsed, None, f"exit status {rc}: {tail}"[:300], None, log_rel)


# --------------------------------------------------------------------------------------------
# Cells


def build_steps(builder: Builder, bug: dict, detector: str
                ) -> list[tuple[str, Callable[[], Build]]]:
    """The builds a cell needs, each with the target folder it builds in; the first one is the
    binary the cell runs. An empty list for a bug the checked variant cannot carry."""
    target = bug["kernel"]
    if detector == "checked-variant" and bug["checked"] == "prevented":
        return []
    if detector in FUZZ_MODE:
        sanitizer, release = FUZZ_MODE[detector]
        return [(f"fuzz-{sanitizer}-{release}",
                 lambda: builder.fuzz(bug, target, sanitizer, release))]
    if detector in MIRI:
        # The bug-free ASan build computes Miri's input set (miri_list).
        return [("miri", lambda: builder.miri(bug, target)),
                ("fuzz-address-False", lambda: builder.fuzz(None, target, "address", False))]
    return [("ub-checks", lambda: builder.ub_checks(bug, target))]


def prebuild(builder: Builder, bugs: list[dict], detectors: list[str], jobs: int) -> Path:
    """Runs every build of the hunt and writes the property cases, `jobs` builds at a time.
    Builds sharing a target folder run in turn (cargo locks it); whenever a worker is free it
    takes the next build of the idle folder with the most builds left, so that the folders end
    together. A fuzz build (one codegen unit) keeps one core busy, so this divides the build
    phase by about `jobs`. Returns the folder of the property cases."""
    cases: list[Path] = []
    folders: dict[str, list[Callable]] = {"property-cases": [lambda: cases.append(property_cases())]}
    for bug in bugs:
        for det in detectors:
            for folder, step in build_steps(builder, bug, det):
                folders.setdefault(folder, []).append(step)
    ready = threading.Condition()
    busy: set[str] = set()

    def worker() -> None:
        while True:
            with ready:
                while True:
                    idle = [f for f, q in folders.items() if q and f not in busy]
                    if idle or not any(folders.values()):
                        break
                    ready.wait()
                if not idle:
                    return
                folder = max(idle, key=lambda f: len(folders[f]))
                step = folders[folder].pop(0)
                busy.add(folder)
            try:
                step()
            finally:
                with ready:
                    busy.discard(folder)
                    ready.notify_all()

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        for f in [pool.submit(worker) for _ in range(jobs)]:
            f.result()
    return cases[0]


def make_jobs(bug: dict, detector: str, args, builder: Builder, cases: Path
              ) -> tuple[list[Job], dict]:
    """The runs of one cell, or none and the finished cell (prevented, error)."""
    target = bug["kernel"]
    cell = {"bug": bug["id"], "detector": detector}
    logs = WORK / "logs"
    steps = build_steps(builder, bug, detector)
    if not steps:
        return [], dict(cell, outcome="prevented", message=bug["reason"])
    built = steps[0][1]()  # built by prebuild: this only looks it up
    cell["build_seconds"] = built.seconds
    if built.error:
        return [], dict(cell, outcome="error", message=built.error)
    env = dict(os.environ, RAWCHECK_VARIANTS=variants_of(detector))
    if detector in FUZZERS:
        flags = []
        options = FUZZ / "options" / f"{target}.options"
        for line in options.read_text().splitlines():
            if "=" in line:
                k, v = (s.strip() for s in line.split("=", 1))
                flags.append(f"-{k}={v}")
        if (FUZZ / "dict" / f"{target}.dict").exists():
            flags.append(f"-dict={FUZZ / 'dict' / f'{target}.dict'}")
        jobs = []
        for seed in range(1, args.repeats + 1):
            name = f"{bug['id']}-{detector}-s{seed}"
            corpus = WORK / "corpus" / name
            shutil.rmtree(corpus, ignore_errors=True)
            corpus.mkdir(parents=True)
            prefix = ARTIFACTS / f"{name}-"
            prefix.parent.mkdir(parents=True, exist_ok=True)
            cmd = [str(built.path), str(corpus), str(FUZZ / "corpus" / target), *flags,
                   f"-max_total_time={args.budget}", f"-seed={seed}", "-print_final_stats=1",
                   f"-artifact_prefix={prefix}"]
            jobs.append(Job(bug, detector, seed, cmd, env, args.budget + FUZZ_GRACE, True,
                            log=logs / f"{name}.log"))
        return jobs, cell
    if detector in MIRI:
        files, err = miri_list(target, cases, builder)
        if err:
            return [], dict(cell, outcome="error", message=err)
        flags = ["-Zmiri-disable-isolation",
                 f"-Zmiri-env-set=RAWCHECK_VARIANTS={variants_of(detector)}"]
        if detector == "miri-tree":
            flags.append("-Zmiri-tree-borrows")
        env = dict(os.environ, MIRIFLAGS=" ".join(flags))
        cmd = miri_command(bug, target, [str(f) for f in files])
    else:
        files = replay_list(target, cases)
        cmd = [str(built.path), *map(str, files)]
        if detector == "valgrind":
            if shutil.which("valgrind") is None:
                return [], dict(cell, outcome="error", message="valgrind is not installed")
            cmd = ["valgrind", "-q", "--error-exitcode=99", *cmd]
    return [Job(bug, detector, None, cmd, env, args.budget, False, files,
                logs / f"{bug['id']}-{detector}.log")], cell


def finish(cell: dict, runs: list[Run], tool: str) -> dict:
    """Folds the runs of a cell into the cell: the majority outcome, median/min/max seconds."""
    n = len(runs)
    detected = [r for r in runs if r.outcome == "detected"]
    errors = [r for r in runs if r.outcome == "error"]
    if len(errors) * 2 > n:
        outcome, ref = "error", errors[0]
    elif len(detected) * 2 > n:
        outcome, ref = "detected", detected[0]
    else:
        outcome = "missed"
        ref = next((r for r in runs if r.outcome == "missed"), runs[0])
    secs = [r.seconds for r in runs]
    execs = [r.execs for r in runs if r.execs is not None]
    message = ref.message
    if n > 1:
        message = f"{len(detected)}/{n} runs detected; {message}"
    return dict(
        cell,
        outcome=outcome,
        seconds=round(statistics.median(secs), 2),
        seconds_min=min(secs),
        seconds_max=max(secs),
        repeats=n,
        execs=int(statistics.median(execs)) if execs else None,
        message=message,
        artifact=ref.artifact or (detected[0].artifact if detected else None),
        tool_version=tool,
        logs=[r.log for r in runs],
    )


def progress(cell: dict) -> str:
    s = f"{cell['bug']} x {cell['detector']}: {cell['outcome']}"
    if cell.get("seconds") is not None:
        s += f" in {cell['seconds']:.1f} s"
        if cell.get("repeats", 1) > 1:
            s += f" (median of {cell['repeats']}, {cell['seconds_min']:.1f}-{cell['seconds_max']:.1f} s)"
    return f"{s}: {cell.get('message', '')}"[:240]


def table(cells: list[dict], bugs: list[str], detectors: list[str]) -> str:
    short = {"detected": "detected", "missed": "missed", "prevented": "prevented", "error": "ERROR"}
    by = {(c["bug"], c["detector"]): c for c in cells}
    width = max(15, *(len(d) for d in detectors)) + 2
    lines = ["bug  " + "".join(d.ljust(width) for d in detectors)]
    for b in bugs:
        row = b.ljust(5)
        for d in detectors:
            c = by.get((b, d))
            if c is None:
                text = "-"
            else:
                text = short[c["outcome"]]
                if c["outcome"] in ("detected", "missed") and c.get("seconds") is not None:
                    text += f" {c['seconds']:.1f}s"
            row += text.ljust(width)
        lines.append(row.rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


def parse_args(argv: list[str]):
    p = argparse.ArgumentParser(prog="scripts/bughunt", description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="budget 30 s, 1 repeat (unless given)")
    p.add_argument("--bugs", help="comma-separated bug ids (default: all)")
    p.add_argument("--detectors", help="comma-separated detectors (default: all)")
    p.add_argument("--budget", type=int, help="seconds per detector run (default 120, --quick 30)")
    p.add_argument("--repeats", type=int, help="fuzzer runs per cell, seeds 1..N (default 3, --quick 1)")
    p.add_argument("--jobs", type=int, default=2, help="detector runs at a time (default 2)")
    p.add_argument("--out", default="reports/data/bughunt.json", help="output JSON file")
    p.add_argument("--expect-detected", action="store_true",
                   help="exit 1 unless every cell run is detected (CI)")
    p.add_argument("--no-setup", action="store_true", help="do not run scripts/setup first")
    args = p.parse_args(argv)
    args.budget = args.budget or (30 if args.quick else 120)
    args.repeats = args.repeats or (1 if args.quick else 3)
    if args.budget < 1 or args.repeats < 1 or args.jobs < 1:
        p.error("--budget, --repeats and --jobs must be positive")
    known = rawcheck_names.detectors()
    args.detectors = args.detectors.split(",") if args.detectors else known
    unknown = [d for d in args.detectors if d not in known]
    if unknown:
        p.error(f"unknown detector(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if not args.no_setup:
        subprocess.run([str(ROOT / "scripts" / "setup")], check=True, stdout=sys.stderr)
    WORK.mkdir(parents=True, exist_ok=True)
    # A build with every bug feature on says, for each bug: its kernel, that the feature took
    # effect (enabled), and whether the checked variant can carry it.
    all_bugs = catalogue()
    bug_ids = args.bugs.split(",") if args.bugs else sorted(all_bugs, key=lambda b: int(b[1:]))
    unknown = [b for b in bug_ids if b not in all_bugs]
    if unknown:
        log(f"unknown bug(s) {', '.join(unknown)}; known: {', '.join(sorted(all_bugs))}")
        return 2
    bugs = [all_bugs[b] for b in bug_ids]
    for bug in bugs:
        if not bug["enabled"]:
            log(f"{bug['id']}: the build with {bug['feature']} does not report it enabled")
            return 1
    tools = tool_versions(args.detectors)
    log(f"{len(bugs)} bug(s) x {len(args.detectors)} detector(s), budget {args.budget} s, "
        f"{args.repeats} repeat(s) of each fuzzer, {args.jobs} at a time")

    # Phase 1: every build, --jobs at a time, so that builds do not disturb the timed runs.
    builder = Builder()
    build_start = time.monotonic()
    cases = prebuild(builder, bugs, args.detectors, args.jobs)
    pending: list[tuple[dict, list[Job]]] = []
    cells: dict[tuple[str, str], dict] = {}
    for bug in bugs:
        for det in args.detectors:
            jobs, cell = make_jobs(bug, det, args, builder, cases)
            if jobs:
                pending.append((cell, jobs))
            else:
                cell = dict(cell, tool_version=tools[det])
                cells[(bug["id"], det)] = cell
                log(progress(cell))
    build_seconds = round(time.monotonic() - build_start, 1)
    log(f"builds done in {build_seconds:.0f} s; running {sum(len(j) for _, j in pending)} "
        f"detector runs")

    # Phase 2: the runs, --jobs at a time; a cell is reported when its last run ends.
    lock = threading.Lock()
    run_start = time.monotonic()
    remaining = {id(cell): len(jobs) for cell, jobs in pending}
    results: dict[int, list[Run]] = {id(cell): [] for cell, _ in pending}

    def work(cell: dict, job: Job) -> None:
        r = run_job(job)
        with lock:
            results[id(cell)].append(r)
            remaining[id(cell)] -= 1
            if remaining[id(cell)] == 0:
                done = finish(cell, results[id(cell)], tools[cell["detector"]])
                cells[(cell["bug"], cell["detector"])] = done
                log(progress(done))

    # Longest first: fuzzers (which run to their budget when they miss) before replays.
    order = sorted(((c, j) for c, jobs in pending for j in jobs), key=lambda cj: -cj[1].timeout)
    try:
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            for f in [pool.submit(work, c, j) for c, j in order]:
                f.result()
    except KeyboardInterrupt:
        log("interrupted")
        for proc in list(RUNNING):
            stop(proc)
        return 130
    run_seconds = round(time.monotonic() - run_start, 1)

    results_list = [cells[(b["id"], d)] for b in bugs for d in args.detectors]
    doc = {
        "machine": machine(),
        "date": date,
        "command": "scripts/bughunt " + " ".join(argv),
        "budget": args.budget,
        "repeats": args.repeats,
        "jobs": args.jobs,
        "build_seconds": build_seconds,
        "run_seconds": run_seconds,
        "total_seconds": round(time.monotonic() - started, 1),
        "results": results_list,
    }
    out = Path(args.out)
    if not out.is_absolute():
        out = ROOT / out
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    tmp.replace(out)
    print(table(results_list, [b["id"] for b in bugs], args.detectors), file=sys.stderr)
    log(f"wrote {rel(out)}: builds {build_seconds:.0f} s, runs {run_seconds:.0f} s, total "
        f"{doc['total_seconds']:.0f} s")
    if args.expect_detected:
        missed = [c for c in results_list if c["outcome"] not in ("detected", "prevented")]
        for c in missed:
            log(f"EXPECTED DETECTED: {c['bug']} x {c['detector']} was {c['outcome']}: "
                f"{c.get('message', '')}")
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
