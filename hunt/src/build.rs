//! The builds of a hunt: libFuzzer binaries (`cargo fuzz build`), the Miri build of the file
//! replayer, the `-Zub-checks` debug build, and the property cases; each done once, timed, its
//! log kept.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};
use std::time::Instant;

use crate::Paths;
use crate::cell::round;
use crate::subject::{Mode, Subject};
use rawcheck_kernels::Detector;

/// One build (its identity: two equal steps are one build).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Step {
    /// The property cases (`fuzz/examples/property_cases.rs`) into `work/cases`.
    PropertyCases,
    /// `cargo fuzz build` of `target` with `feature` (none: the bug-free build).
    Fuzz {
        /// cargo fuzz's `--sanitizer`.
        sanitizer: &'static str,
        /// cargo fuzz's `--release`.
        release: bool,
        /// The subject's feature.
        feature: Option<String>,
        /// The fuzz target.
        target: &'static str,
    },
    /// The file replayer under Miri (a run without arguments builds it and prints usage).
    Miri {
        /// The subject's feature.
        feature: String,
        /// The fuzz target.
        target: &'static str,
    },
    /// The file replayer, debug build with `-Zub-checks=yes`.
    UbChecks {
        /// The subject's feature.
        feature: String,
        /// The fuzz target.
        target: &'static str,
    },
}

impl Step {
    /// The cargo target folder it builds in: steps of one folder run in turn.
    pub fn folder(&self) -> String {
        match self {
            Step::PropertyCases => "property-cases".to_owned(),
            Step::Fuzz { .. } => format!("fuzz-{}", self.mode_dir()),
            Step::Miri { .. } => "miri".to_owned(),
            Step::UbChecks { .. } => "ub-checks".to_owned(),
        }
    }

    /// The folder of `fuzz/target` a fuzz build uses: `scripts/fuzz`'s, so the two share their
    /// dependency builds (cargo keeps one artifact per feature set).
    fn mode_dir(&self) -> String {
        match self {
            Step::Fuzz {
                sanitizer, release, ..
            } => format!(
                "{sanitizer}-{}",
                if *release {
                    "release"
                } else {
                    "debug-assertions"
                }
            ),
            _ => String::new(),
        }
    }

    /// A name for logs and copied binaries.
    fn name(&self) -> String {
        match self {
            Step::PropertyCases => "property-cases".to_owned(),
            Step::Fuzz {
                feature, target, ..
            } => format!(
                "fuzz-{}-{}-{target}",
                self.mode_dir(),
                feature.as_deref().unwrap_or("default")
            ),
            Step::Miri { feature, target } => format!("miri-{feature}-{target}"),
            Step::UbChecks { feature, target } => format!("ub-checks-{feature}-{target}"),
        }
    }
}

/// The builds a cell needs; the first is the binary the cell runs. Miri's cells also need the
/// bug-free ASan build, which computes Miri's input set ([`crate::inputs::miri_set`]).
pub fn steps(subject: &Subject, detector: Detector) -> Vec<Step> {
    let target = subject.target();
    let feature = subject.feature.clone();
    match crate::subject::mode(detector) {
        Mode::LibFuzzer {
            sanitizer, release, ..
        } => vec![Step::Fuzz {
            sanitizer,
            release,
            feature: Some(feature),
            target,
        }],
        Mode::Miri { .. } => vec![Step::Miri { feature, target }, bug_free(target)],
        Mode::UbChecks => vec![Step::UbChecks { feature, target }],
    }
}

/// The bug-free ASan build of `target`.
pub fn bug_free(target: &'static str) -> Step {
    Step::Fuzz {
        sanitizer: "address",
        release: false,
        feature: None,
        target,
    }
}

/// A finished build.
#[derive(Debug, Clone, PartialEq)]
pub struct Built {
    /// The binary (none for Miri, which `cargo miri run` rebuilds from its cache).
    pub path: Option<PathBuf>,
    /// Wall seconds.
    pub seconds: f64,
    /// Why it failed.
    pub error: Option<String>,
}

/// Runs `cmd` in the repository root, its stdout and stderr kept together.
pub fn run_quiet(cmd: &mut Command, root: &Path) -> std::io::Result<(bool, String)> {
    let out = cmd.current_dir(root).output()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text += &String::from_utf8_lossy(&out.stderr);
    Ok((out.status.success(), text))
}

/// The command line of `cmd`, for logs.
pub fn show(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `cargo +nightly miri run` of the replayer of `target` with `feature` on `files`.
pub fn miri_command(paths: &Paths, feature: &str, target: &str, files: &[PathBuf]) -> Command {
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "miri", "run", "-q", "--manifest-path"])
        .arg(paths.fuzz.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(paths.fuzz.join("target/bughunt-miri"))
        .args(["--features", feature, "--bin", target, "--"])
        .args(files);
    cmd
}

/// The first line of a build's output that starts with `error`.
fn first_error(text: &str) -> Option<&str> {
    text.lines().find(|l| l.starts_with("error"))
}

/// The message of a failed build: its log and the first error line.
pub fn build_error(log: &str, text: &str) -> String {
    format!(
        "build failed ({log}): {}",
        first_error(text).unwrap_or("failed")
    )
}

/// Why the Miri build failed, unless the replayer it built printed its usage (a run without
/// arguments only prints usage).
pub fn miri_build_error(text: &str) -> Option<String> {
    (!text.contains("usage:")).then(|| {
        format!(
            "miri build failed: {}",
            first_error(text).unwrap_or("no usage line")
        )
    })
}

/// Builds each [`Step`] once; every build is timed and its log kept in `work/logs`.
pub struct Builder<'a> {
    paths: &'a Paths,
    done: Mutex<HashMap<Step, Built>>,
    host: OnceLock<String>,
}

impl<'a> Builder<'a> {
    /// A builder with nothing built.
    pub fn new(paths: &'a Paths) -> Builder<'a> {
        Builder {
            paths,
            done: Mutex::new(HashMap::new()),
            host: OnceLock::new(),
        }
    }

    /// The build of `step`, when it was done.
    pub fn get(&self, step: &Step) -> Option<Built> {
        self.done
            .lock()
            .expect("no build panicked")
            .get(step)
            .cloned()
    }

    /// Builds `step` unless it was built.
    pub fn build(&self, step: &Step) -> Built {
        if let Some(b) = self.get(step) {
            return b;
        }
        let built = self.make(step);
        self.done
            .lock()
            .expect("no build panicked")
            .insert(step.clone(), built.clone());
        built
    }

    fn make(&self, step: &Step) -> Built {
        let p = self.paths;
        let name = step.name();
        let mut cmd;
        match step {
            Step::PropertyCases => {
                cmd = Command::new("cargo");
                cmd.args(["run", "-q", "--manifest-path"])
                    .arg(p.fuzz.join("Cargo.toml"))
                    .args(["--example", "property_cases", "--"])
                    .arg(p.cases());
            }
            Step::Fuzz {
                sanitizer,
                release,
                feature,
                target,
            } => {
                cmd = Command::new("cargo");
                cmd.args(["+nightly", "fuzz", "build", "--fuzz-dir"])
                    .arg(&p.fuzz)
                    .args(["--sanitizer", sanitizer, "--target-dir"])
                    .arg(p.fuzz.join("target").join(step.mode_dir()));
                if *release {
                    cmd.arg("--release");
                }
                if let Some(f) = feature {
                    cmd.args(["--features", f]);
                }
                cmd.arg(target);
            }
            Step::Miri { feature, target } => {
                cmd = miri_command(p, feature, target, &[]);
                cmd.env("MIRIFLAGS", "");
            }
            Step::UbChecks { feature, target } => {
                cmd = Command::new("cargo");
                cmd.args(["+nightly", "build", "--manifest-path"])
                    .arg(p.fuzz.join("Cargo.toml"))
                    .arg("--target-dir")
                    .arg(p.fuzz.join("target/bughunt-ub-checks"))
                    .args(["--features", feature, "--bin", target])
                    .env("RUSTFLAGS", "-Zub-checks=yes");
            }
        }
        crate::log(&format!("building {name}"));
        let start = Instant::now();
        let result = run_quiet(&mut cmd, &p.root);
        let seconds = round(start.elapsed().as_secs_f64(), 1);
        let (ok, text) = result.unwrap_or_else(|e| (false, format!("error: cannot run: {e}")));
        let log = p.logs().join(format!("build-{name}.log"));
        let written = std::fs::write(&log, format!("$ {}\n{text}", show(&cmd)));
        let failed = |error: String| Built {
            path: None,
            seconds,
            error: Some(error),
        };
        if let Err(e) = written {
            return failed(format!("cannot write {}: {e}", log.display()));
        }
        let product = match step {
            Step::Miri { .. } => {
                return match miri_build_error(&text) {
                    None => Built {
                        path: None,
                        seconds,
                        error: None,
                    },
                    Some(e) => failed(e),
                };
            }
            _ if !ok => return failed(build_error(&p.rel(&log), &text)),
            Step::PropertyCases => None,
            Step::Fuzz { target, .. } => Some((
                p.fuzz
                    .join("target")
                    .join(step.mode_dir())
                    .join(self.host())
                    .join("release")
                    .join(target),
                p.work.join("bin").join(step.mode_dir()),
            )),
            Step::UbChecks { target, .. } => Some((
                p.fuzz.join("target/bughunt-ub-checks/debug").join(target),
                p.work.join("bin/ub-checks"),
            )),
        };
        let Some((src, dir)) = product else {
            return Built {
                path: None,
                seconds,
                error: None,
            };
        };
        // Copied out of the shared target folder: the next build with another feature set
        // overwrites the one there.
        let dst = dir.join(&name);
        match std::fs::create_dir_all(&dir).and_then(|()| std::fs::copy(&src, &dst)) {
            Ok(_) => Built {
                path: Some(dst),
                seconds,
                error: None,
            },
            Err(e) => failed(format!("cannot copy {}: {e}", src.display())),
        }
    }

    /// The nightly toolchain's host triple (cargo fuzz builds into `target/<host>/release`).
    fn host(&self) -> &str {
        self.host.get_or_init(|| {
            let out = run_quiet(
                Command::new("rustc").args(["+nightly", "-vV"]),
                &self.paths.root,
            );
            out.ok()
                .and_then(|(_, text)| {
                    text.lines()
                        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
                })
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use rawcheck_kernels::bugs::CATALOGUE;

    use super::*;

    #[test]
    fn a_failed_build_names_its_log_and_first_error() {
        let cargo = "   Compiling rawcheck-kernels v0.1.0\nwarning: unused\nerror[E0425]: cannot \
                     find value `n` in this scope\n --> src/raw.rs:3:5\nerror: could not compile";
        assert_eq!(
            build_error("fuzz/work/bughunt/logs/build-x.log", cargo),
            "build failed (fuzz/work/bughunt/logs/build-x.log): error[E0425]: cannot find value \
             `n` in this scope"
        );
        assert_eq!(build_error("l", "killed"), "build failed (l): failed");
        let usage = "usage: permute_indices FILE_OR_DIR...  (replays inputs; fuzz with ...)";
        assert_eq!(miri_build_error(usage), None);
        assert_eq!(
            miri_build_error("error: the sysroot can't be built\n"),
            Some("miri build failed: error: the sysroot can't be built".into())
        );
        assert_eq!(
            miri_build_error(""),
            Some("miri build failed: no usage line".into())
        );
    }

    #[test]
    fn cells_share_builds_by_mode_and_feature() {
        let b2 = Subject::seeded(&CATALOGUE[1]);
        let none: Vec<Step> = [
            Detector::FuzzNone,
            Detector::CheckedVariant,
            Detector::Valgrind,
        ]
        .into_iter()
        .flat_map(|d| steps(&b2, d))
        .collect();
        assert!(none.iter().all(|s| *s == none[0]), "{none:?}");
        assert_eq!(none[0].folder(), "fuzz-none-release");
        assert_eq!(
            none[0].name(),
            "fuzz-none-release-bug-permute-zero-nnz-permute_indices"
        );
        let miri = steps(&b2, Detector::MiriTree);
        assert_eq!(miri, steps(&b2, Detector::MiriStacked));
        assert_eq!(miri[1], bug_free("permute_indices"));
        assert_eq!(miri[1].folder(), "fuzz-address-debug-assertions");
        assert_eq!(steps(&b2, Detector::DebugUbChecks)[0].folder(), "ub-checks");
        assert_ne!(
            steps(&b2, Detector::FuzzAsan),
            steps(&b2, Detector::FuzzAsanRelease)
        );
    }
}
