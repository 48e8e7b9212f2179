//! The command line of `scripts/bughunt`.

use rawcheck_kernels::Detector;
use rawcheck_kernels::bugs::{CATALOGUE, SeededBug};

/// `--help`.
pub const USAGE: &str = "\
usage: scripts/bughunt [--quick] [--bugs B1,B2,...] [--detectors d1,d2,...] [--budget SECONDS]
                       [--repeats N] [--jobs N] [--out FILE] [--expect-detected] [--no-setup]

The bug hunt: every detector against every seeded bug, time to detect in JSON.

options:
  --quick            budget 30 s, 1 repeat (unless given)
  --bugs LIST        comma-separated bug ids (default: all)
  --detectors LIST   comma-separated detectors (default: all)
  --budget SECONDS   seconds per detector run (default 120, --quick 30)
  --repeats N        fuzzer runs per cell, seeds 1..N (default 3, --quick 1)
  --jobs N           builds and detector runs at a time (default 2)
  --out FILE         output JSON file (default reports/data/bughunt.json)
  --expect-detected  exit 1 unless every cell run is detected or prevented (CI)
  --no-setup         do not run scripts/setup first (the wrapper's job)
  -h, --help         this text";

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct Args {
    /// The seeded bugs, in the order given (default: the catalogue's).
    pub bugs: Vec<&'static SeededBug>,
    /// The detectors, in the order given (default: all).
    pub detectors: Vec<Detector>,
    /// Seconds per detector run.
    pub budget: u64,
    /// Runs per fuzzer cell.
    pub repeats: u32,
    /// Builds and runs at a time.
    pub jobs: usize,
    /// The output file, relative to the repository root unless absolute.
    pub out: String,
    /// Fail unless every cell is detected or prevented.
    pub expect_detected: bool,
}

/// The outcome of parsing.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    /// Run the hunt.
    Hunt(Args),
    /// Print [`USAGE`].
    Help,
}

fn positive<T: std::str::FromStr + PartialOrd + Default>(flag: &str, v: &str) -> Result<T, String> {
    match v.parse::<T>() {
        Ok(n) if n > T::default() => Ok(n),
        _ => Err(format!("{flag} must be a positive integer, not {v:?}")),
    }
}

/// Parses the arguments after the program name. `--no-setup` is accepted and ignored: the
/// wrapper script runs the setup.
pub fn parse(argv: &[String]) -> Result<Parsed, String> {
    let mut quick = false;
    let mut expect_detected = false;
    let (mut bugs, mut detectors, mut budget, mut repeats) = (None, None, None, None);
    let mut jobs = 2;
    let mut out = "reports/data/bughunt.json".to_owned();
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (arg.as_str(), None),
        };
        let switch = |set: &mut bool| match inline {
            None => {
                *set = true;
                Ok(())
            }
            Some(_) => Err(format!("{flag} takes no value")),
        };
        match flag {
            "-h" | "--help" => return Ok(Parsed::Help),
            "--quick" => switch(&mut quick)?,
            "--expect-detected" => switch(&mut expect_detected)?,
            "--no-setup" => switch(&mut false)?,
            "--bugs" | "--detectors" | "--budget" | "--repeats" | "--jobs" | "--out" => {
                let value = match inline {
                    Some(v) => v,
                    None => it
                        .next()
                        .cloned()
                        .ok_or_else(|| format!("{flag} needs a value"))?,
                };
                match flag {
                    "--bugs" => bugs = Some(value),
                    "--detectors" => detectors = Some(value),
                    "--budget" => budget = Some(positive(flag, &value)?),
                    "--repeats" => repeats = Some(positive(flag, &value)?),
                    "--jobs" => jobs = positive(flag, &value)?,
                    _ => out = value,
                }
            }
            other => return Err(format!("unknown argument {other:?} (see --help)")),
        }
    }
    let bugs = match bugs {
        None => CATALOGUE.iter().collect(),
        Some(list) => list
            .split(',')
            .map(|id| {
                CATALOGUE.iter().find(|b| b.id == id).ok_or_else(|| {
                    let known: Vec<&str> = CATALOGUE.iter().map(|b| b.id).collect();
                    format!("unknown bug {id:?} (known: {})", known.join(", "))
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let detectors = match detectors {
        None => Detector::ALL.to_vec(),
        Some(list) => list
            .split(',')
            .map(|d| d.parse::<Detector>().map_err(|e| e.to_string()))
            .collect::<Result<_, _>>()?,
    };
    Ok(Parsed::Hunt(Args {
        bugs,
        detectors,
        budget: budget.unwrap_or(if quick { 30 } else { 120 }),
        repeats: repeats.unwrap_or(if quick { 1 } else { 3 }),
        jobs,
        out,
        expect_detected,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Args, String> {
        let argv: Vec<String> = line.split_whitespace().map(String::from).collect();
        match parse(&argv)? {
            Parsed::Hunt(a) => Ok(a),
            Parsed::Help => Err("help".into()),
        }
    }

    #[test]
    fn defaults_and_quick() {
        let a = args("").unwrap();
        assert_eq!(a.bugs.len(), CATALOGUE.len());
        assert_eq!(a.detectors, Detector::ALL);
        assert_eq!((a.budget, a.repeats, a.jobs), (120, 3, 2));
        assert_eq!(a.out, "reports/data/bughunt.json");
        assert!(!a.expect_detected);
        let q = args("--quick --no-setup").unwrap();
        assert_eq!((q.budget, q.repeats), (30, 1));
        let q = args("--quick --budget 7 --repeats=2").unwrap();
        assert_eq!((q.budget, q.repeats), (7, 2));
    }

    #[test]
    fn lists_keep_their_order() {
        let a = args(
            "--bugs B7,B1 --detectors=miri-tree,fuzz-asan --jobs 3 --out x.json --expect-detected",
        )
        .unwrap();
        assert_eq!(
            a.bugs.iter().map(|b| b.id).collect::<Vec<_>>(),
            ["B7", "B1"]
        );
        assert_eq!(a.detectors, [Detector::MiriTree, Detector::FuzzAsan]);
        assert_eq!(
            (a.jobs, a.out.as_str(), a.expect_detected),
            (3, "x.json", true)
        );
        assert_eq!(args("-h"), Err("help".into()));
        assert_eq!(args("--quick --help"), Err("help".into()));
    }

    #[test]
    fn bad_arguments_say_what_is_wrong() {
        let err = |line: &str| args(line).unwrap_err();
        assert_eq!(
            err("--bugs B1,B9"),
            "unknown bug \"B9\" (known: B1, B2, B3, B4, B5, B6, B7, B8)"
        );
        assert!(err("--detectors fuzz-asan,asan").starts_with("unknown detector \"asan\""));
        assert_eq!(
            err("--budget 0"),
            "--budget must be a positive integer, not \"0\""
        );
        assert_eq!(
            err("--jobs -1"),
            "--jobs must be a positive integer, not \"-1\""
        );
        assert_eq!(
            err("--repeats x"),
            "--repeats must be a positive integer, not \"x\""
        );
        assert_eq!(err("--out"), "--out needs a value");
        assert_eq!(err("--quick=1"), "--quick takes no value");
        assert_eq!(
            err("--seeds 3"),
            "unknown argument \"--seeds\" (see --help)"
        );
    }
}
