//! What the hunt records: one [`HuntCell`] per subject x detector, folded from its runs, and the
//! document `reports/data/bughunt.json` that holds them ([`HuntDoc`]); the report reads the same
//! types.

use serde::{Deserialize, Serialize};

/// One cell of the bug hunt: one detector against one subject (today a seeded bug).
///
/// Written by `scripts/bughunt` into [`HuntDoc::results`] and read back by the report. A cell that
/// ran has every field (`execs` and `artifact` may be absent: no count, no input); a `prevented`
/// cell has `bug`, `detector`, `outcome`, `message` and `tool_version`, an `error` cell also
/// `build_seconds` when a build was tried. A field without a value is left out, and a reader
/// takes a missing field as `None`: only `bug`, `detector` and `outcome` are required.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HuntCell {
    /// Subject id: a seeded bug, `B1`..`B8`.
    pub bug: String,
    /// Detector name, e.g. `fuzz-asan` or `miri-tree` ([`rawcheck_kernels::Detector`]).
    pub detector: String,
    /// Seconds the build of the binary the cell runs took (not part of `seconds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_seconds: Option<f64>,
    /// `detected`, `missed`, `prevented` or `error`.
    pub outcome: String,
    /// Median seconds to the verdict over the repeats (time to detect when detected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds: Option<f64>,
    /// Fastest repeat, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_min: Option<f64>,
    /// Slowest repeat, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seconds_max: Option<f64>,
    /// How many runs the median is over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeats: Option<u32>,
    /// Inputs run until the verdict (libFuzzer's count, or the replayed input's position).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execs: Option<u64>,
    /// What the detector said (or why the bug is prevented).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The crashing input, the replayed file that triggered the report, or the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<String>,
    /// The detector's version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
    /// The timestamped log of every run, relative to the repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logs: Option<Vec<String>>,
}

/// The machine a hunt ran on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    /// CPU model, `?` when unknown.
    pub cpu: String,
    /// Logical CPUs.
    pub cores: usize,
    /// Kernel name and release, e.g. `Linux 6.1.0`.
    pub os: String,
    /// One-minute load average when the hunt started.
    pub load_at_start: f64,
}

/// The whole of `reports/data/bughunt.json` as `scripts/bughunt` writes it: one JSON object (not
/// one line per cell), `{"machine", "date", "command", "budget", "repeats", "jobs",
/// "build_seconds", "run_seconds", "total_seconds", "results": [cells]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HuntDoc {
    /// Where it ran.
    pub machine: Machine,
    /// Start, ISO 8601 UTC.
    pub date: String,
    /// The command line, as `scripts/bughunt ARGS`.
    pub command: String,
    /// Seconds per detector run.
    pub budget: u64,
    /// Runs per fuzzer cell (seeds 1..N).
    pub repeats: u32,
    /// Builds and runs at a time.
    pub jobs: usize,
    /// Wall seconds of the build phase.
    pub build_seconds: f64,
    /// Wall seconds of the run phase.
    pub run_seconds: f64,
    /// Wall seconds of the whole hunt.
    pub total_seconds: f64,
    /// One cell per subject x detector, subjects outer.
    pub results: Vec<HuntCell>,
}

impl HuntDoc {
    /// The document as `scripts/bughunt` writes it: indented by one space, one newline at the end.
    pub fn to_json(&self) -> String {
        to_json(self)
    }
}

/// `doc` as the hunt writes its documents: indented by one space, one newline at the end.
pub fn to_json<T: Serialize>(doc: &T) -> String {
    let mut text = Vec::new();
    let pretty = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut ser = serde_json::Serializer::with_formatter(&mut text, pretty);
    doc.serialize(&mut ser)
        .expect("a document of strings and numbers serialises");
    String::from_utf8(text).expect("serde_json writes UTF-8") + "\n"
}

/// How one run (or a cell) ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The detector reported.
    Detected,
    /// Budget exhausted or every input replayed without a report.
    Missed,
    /// The variant cannot carry the bug.
    Prevented,
    /// The detector itself failed (build, tool).
    Error,
}

impl Outcome {
    /// The name in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Outcome::Detected => "detected",
            Outcome::Missed => "missed",
            Outcome::Prevented => "prevented",
            Outcome::Error => "error",
        }
    }
}

/// One run of a detector.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    /// `Detected`, `Missed` or `Error`.
    pub outcome: Outcome,
    /// Seconds to the first report, or to the end of the run.
    pub seconds: f64,
    /// Inputs run.
    pub execs: Option<u64>,
    /// The report's first line, prefixed by its producer.
    pub message: String,
    /// The crashing or triggering input (or the log).
    pub artifact: Option<String>,
    /// The run's log.
    pub log: String,
}

/// Rounds to `digits` decimals, as the JSON records times.
pub fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

/// The median of non-empty `xs` (the mean of the two middle values for an even count).
pub fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

/// Folds the runs (at least one) of a cell into it: the outcome of more than half of the runs
/// (errors first, then detections, else missed), the median, min and max of their seconds (a
/// missed run counts with its full time), the median of their execs, and the message and
/// artifact of the first run with that outcome; with repeats the message starts with how many
/// runs detected.
pub fn finish(mut cell: HuntCell, runs: &[Run], tool: &str) -> HuntCell {
    let n = runs.len();
    let with = |o: Outcome| runs.iter().filter(move |r| r.outcome == o);
    let detected = with(Outcome::Detected).count();
    let (outcome, reference) = if with(Outcome::Error).count() * 2 > n {
        (Outcome::Error, with(Outcome::Error).next())
    } else if detected * 2 > n {
        (Outcome::Detected, with(Outcome::Detected).next())
    } else {
        (
            Outcome::Missed,
            with(Outcome::Missed).next().or(runs.first()),
        )
    };
    let reference = reference.expect("a cell has at least one run");
    let secs: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
    let execs: Vec<f64> = runs
        .iter()
        .filter_map(|r| r.execs)
        .map(|e| e as f64)
        .collect();
    let message = if n > 1 {
        format!("{detected}/{n} runs detected; {}", reference.message)
    } else {
        reference.message.clone()
    };
    cell.outcome = outcome.name().to_owned();
    cell.seconds = Some(round(median(&secs), 2));
    cell.seconds_min = secs.iter().copied().reduce(f64::min);
    cell.seconds_max = secs.iter().copied().reduce(f64::max);
    cell.repeats = Some(n as u32);
    cell.execs = (!execs.is_empty()).then(|| median(&execs) as u64);
    cell.message = Some(message);
    cell.artifact = reference
        .artifact
        .clone()
        .or_else(|| with(Outcome::Detected).find_map(|r| r.artifact.clone()));
    cell.tool_version = Some(tool.to_owned());
    cell.logs = Some(runs.iter().map(|r| r.log.clone()).collect());
    cell
}

/// The first `max` characters of `s`.
pub fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// The progress line of a finished cell.
pub fn progress(cell: &HuntCell) -> String {
    let mut s = format!("{} x {}: {}", cell.bug, cell.detector, cell.outcome);
    if let Some(secs) = cell.seconds {
        s += &format!(" in {secs:.1} s");
        if let (Some(n), Some(lo), Some(hi)) = (cell.repeats, cell.seconds_min, cell.seconds_max)
            && n > 1
        {
            s += &format!(" (median of {n}, {lo:.1}-{hi:.1} s)");
        }
    }
    cut(
        &format!("{s}: {}", cell.message.as_deref().unwrap_or("")),
        240,
    )
}

/// The table printed at the end: one row per subject, one column per detector, each entry the
/// outcome (`ERROR` for an error) and, when detected or missed, its median seconds.
pub fn table(cells: &[HuntCell], subjects: &[&str], detectors: &[&str]) -> String {
    let width = detectors.iter().map(|d| d.len()).max().unwrap_or(0).max(15) + 2;
    let mut lines = vec![format!(
        "bug  {}",
        detectors
            .iter()
            .map(|d| format!("{d:width$}"))
            .collect::<String>()
    )];
    for s in subjects {
        let mut row = format!("{s:5}");
        for d in detectors {
            let text = match cells.iter().find(|c| c.bug == *s && c.detector == *d) {
                None => "-".to_owned(),
                Some(c) => {
                    let mut t = match c.outcome.as_str() {
                        "error" => "ERROR".to_owned(),
                        other => other.to_owned(),
                    };
                    if let ("detected" | "missed", Some(secs)) = (c.outcome.as_str(), c.seconds) {
                        t += &format!(" {secs:.1}s");
                    }
                    t
                }
            };
            row += &format!("{text:width$}");
        }
        lines.push(row.trim_end().to_owned());
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(outcome: Outcome, seconds: f64, execs: Option<u64>, message: &str) -> Run {
        Run {
            outcome,
            seconds,
            execs,
            message: message.to_owned(),
            artifact: (outcome == Outcome::Detected).then(|| format!("crash-{seconds}")),
            log: format!("log-{seconds}"),
        }
    }

    fn cell() -> HuntCell {
        HuntCell {
            bug: "B1".into(),
            detector: "fuzz-asan".into(),
            build_seconds: Some(12.5),
            ..HuntCell::default()
        }
    }

    #[test]
    fn the_median_of_an_even_count_is_the_mean_of_the_middle_two() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
    }

    #[test]
    fn detected_in_two_of_three_seeds_is_detected_with_the_median_time() {
        let runs = [
            run(
                Outcome::Detected,
                2.0,
                Some(100),
                "AddressSanitizer: heap-buffer-overflow",
            ),
            run(
                Outcome::Missed,
                30.0,
                Some(9000),
                "nothing found in 9000 execs",
            ),
            run(Outcome::Detected, 1.0, Some(50), "AddressSanitizer: other"),
        ];
        let c = finish(cell(), &runs, "cargo-fuzz");
        assert_eq!(c.outcome, "detected");
        assert_eq!(c.seconds, Some(2.0));
        assert_eq!((c.seconds_min, c.seconds_max), (Some(1.0), Some(30.0)));
        assert_eq!(c.execs, Some(100));
        assert_eq!(c.repeats, Some(3));
        assert_eq!(
            c.message.as_deref(),
            Some("2/3 runs detected; AddressSanitizer: heap-buffer-overflow")
        );
        assert_eq!(c.artifact.as_deref(), Some("crash-2"));
        assert_eq!(
            c.logs,
            Some(vec!["log-2".into(), "log-30".into(), "log-1".into()])
        );
        assert_eq!(c.build_seconds, Some(12.5));
        assert_eq!(c.tool_version.as_deref(), Some("cargo-fuzz"));
    }

    #[test]
    fn detected_in_one_of_two_seeds_is_missed_but_keeps_the_crash() {
        let runs = [
            run(Outcome::Missed, 30.0, Some(10), "nothing found in 10 execs"),
            run(Outcome::Detected, 4.0, None, "panicked at x"),
        ];
        let c = finish(cell(), &runs, "t");
        assert_eq!(c.outcome, "missed");
        assert_eq!(c.seconds, Some(17.0));
        assert_eq!(c.execs, Some(10));
        assert_eq!(
            c.message.as_deref(),
            Some("1/2 runs detected; nothing found in 10 execs")
        );
        assert_eq!(c.artifact.as_deref(), Some("crash-4"));
    }

    #[test]
    fn errors_win_only_with_a_majority() {
        let e = run(Outcome::Error, 1.0, None, "exit status 2: boom");
        let d = run(Outcome::Detected, 3.0, None, "found");
        let c = finish(cell(), &[e.clone(), e.clone(), d.clone()], "t");
        assert_eq!(c.outcome, "error");
        assert_eq!(
            c.message.as_deref(),
            Some("1/3 runs detected; exit status 2: boom")
        );
        let c = finish(cell(), &[e.clone(), d.clone(), d], "t");
        assert_eq!(c.outcome, "detected");
        let c = finish(cell(), &[e], "t");
        assert_eq!(c.message.as_deref(), Some("exit status 2: boom"));
        assert_eq!(c.execs, None);
        assert_eq!(c.artifact, None);
    }

    #[test]
    fn progress_and_table_show_outcome_and_seconds() {
        let runs = [
            run(Outcome::Detected, 1.25, None, "found"),
            run(Outcome::Detected, 3.0, None, "found"),
        ];
        let c = finish(cell(), &runs, "t");
        assert_eq!(
            progress(&c),
            "B1 x fuzz-asan: detected in 2.1 s (median of 2, 1.2-3.0 s): 2/2 runs detected; found"
        );
        let prevented = HuntCell {
            bug: "B5".into(),
            detector: "checked-variant".into(),
            outcome: "prevented".into(),
            message: Some("safe Rust".into()),
            ..HuntCell::default()
        };
        assert_eq!(
            progress(&prevented),
            "B5 x checked-variant: prevented: safe Rust"
        );
        let err = HuntCell {
            bug: "B5".into(),
            detector: "fuzz-asan".into(),
            outcome: "error".into(),
            ..HuntCell::default()
        };
        let t = table(
            &[c, prevented, err],
            &["B1", "B5"],
            &["fuzz-asan", "checked-variant"],
        );
        assert_eq!(
            t,
            "bug  fuzz-asan        checked-variant  \n\
             B1   detected 2.1s    -\n\
             B5   ERROR            prevented"
        );
    }

    #[test]
    fn a_cell_round_trips_and_leaves_out_what_it_does_not_have() {
        let c = finish(cell(), &[run(Outcome::Missed, 5.0, None, "m")], "t");
        let text = serde_json::to_string(&c).unwrap();
        assert!(
            !text.contains("artifact") && !text.contains("execs"),
            "{text}"
        );
        assert_eq!(serde_json::from_str::<HuntCell>(&text).unwrap(), c);
    }
}
