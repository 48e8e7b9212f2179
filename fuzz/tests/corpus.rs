//! Stable replay of the committed corpus and every regression, without libFuzzer, through the
//! same checks the fuzz targets run; plus checks that keep the corpus, the seeds, the target
//! list and the input bias honest.

#[path = "../seeds.rs"]
mod seeds;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use rawcheck_fuzz::kernel::Kernel;
use rawcheck_fuzz::{Target, Verdict, inputs};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Checks one file; a finding or a panic is returned as a message.
fn replay(target: Target, file: &Path) -> Result<Verdict, String> {
    let data = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
    match catch_unwind(AssertUnwindSafe(|| target.check(&data))) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(finding)) => Err(format!("{finding}\ninput: {}", target.describe(&data))),
        Err(_) => Err(format!("panicked\ninput: {}", target.describe(&data))),
    }
}

fn replay_dir(folder: &str) -> (usize, Vec<String>) {
    let mut count = 0;
    let mut failures = Vec::new();
    for target in Target::ALL {
        for file in inputs(&root().join(folder).join(target.name())) {
            count += 1;
            if let Err(e) = replay(target, &file) {
                failures.push(format!("{}: {e}", file.display()));
            }
        }
    }
    (count, failures)
}

#[test]
fn every_regression_stays_fixed() {
    let (count, failures) = replay_dir("regressions");
    assert!(count > 0, "no regression files found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// A regression keeps its meaning only while the byte format decodes it to the same input:
/// `<file>.txt` records the decoded input, and this fails when they drift apart (then re-encode
/// the input in the new format, e.g. with `KernelInput::to_bytes`).
#[test]
fn every_regression_decodes_as_recorded() {
    let mut drift = Vec::new();
    for target in Target::ALL {
        for file in inputs(&root().join("regressions").join(target.name())) {
            let data = std::fs::read(&file).unwrap();
            let want = format!("{}\n", target.describe(&data));
            let recorded = std::fs::read_to_string(file.with_extension("txt")).unwrap_or_default();
            if recorded != want {
                drift.push(format!(
                    "{}:\nrecorded {recorded}decoded  {want}",
                    file.display()
                ));
            }
        }
    }
    assert!(
        drift.is_empty(),
        "regressions decode differently from their .txt (new files: run the make_seeds \
         example to record them):\n{}",
        drift.join("\n")
    );
}

#[test]
fn the_committed_corpus_replays_clean() {
    let (_, failures) = replay_dir("corpus");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    for target in Target::ALL {
        let verdicts: Vec<Verdict> = inputs(&root().join("corpus").join(target.name()))
            .iter()
            .filter_map(|f| replay(target, f).ok())
            .collect();
        // Seeds cover both sides of every target: accepted and refused inputs.
        for want in [Verdict::Ran, Verdict::Refused] {
            assert!(verdicts.contains(&want), "{target}: no seed gives {want:?}");
        }
    }
}

#[test]
fn the_committed_seeds_are_what_seeds_rs_makes() {
    let reference = root().join("../../shared/reference/qutip");
    let with_reference = reference.exists();
    if !with_reference {
        eprintln!("{} missing: QuTiP seeds not compared", reference.display());
    }
    let seeds = seeds::all(&reference).expect("reference data readable");
    let mut stale = Vec::new();
    for seed in &seeds {
        let path = root()
            .join("corpus")
            .join(seed.target.name())
            .join(&seed.name);
        if std::fs::read(&path).ok().as_deref() != Some(&seed.bytes[..]) {
            stale.push(path.display().to_string());
        }
    }
    for target in Target::ALL {
        for file in inputs(&root().join("corpus").join(target.name())) {
            let name = file
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let ours = name.starts_with("seed-") || (with_reference && name.starts_with("qutip-"));
            if ours && !seeds.iter().any(|s| s.target == target && s.name == name) {
                stale.push(format!("{} (no longer made)", file.display()));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "seed files out of date; run `cargo run --manifest-path fuzz/Cargo.toml --example \
         make_seeds`:\n{}",
        stale.join("\n")
    );
}

#[test]
fn mtx_seeds_named_ok_parse_and_seeds_named_bad_are_refused() {
    let mut wrong = Vec::new();
    let mut ok = 0;
    for seed in seeds::hand_made() {
        if seed.target != Target::MtxParse {
            continue;
        }
        let expected = if seed.name.starts_with("seed-ok-") {
            ok += 1;
            Verdict::Ran
        } else {
            Verdict::Refused
        };
        let got = Target::MtxParse.check(&seed.bytes);
        if got != Ok(expected) {
            wrong.push(format!("{}: {got:?}, expected {expected:?}", seed.name));
        }
    }
    // The hand-made ones plus one per field x symmetry but pattern skew-symmetric.
    assert!(ok >= 15, "only {ok} seeds that parse");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The names in `dir` with `ext`, without it.
fn stems(dir: &str, ext: &str) -> Vec<String> {
    let mut v: Vec<String> = inputs(&root().join(dir))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_target_has_its_binary_options_corpus_and_regression_folder() {
    let mut names: Vec<String> = Target::ALL.iter().map(|t| t.name().to_owned()).collect();
    names.sort();
    assert_eq!(stems("fuzz_targets", "rs"), names, "fuzz_targets/*.rs");
    assert_eq!(stems("options", "options"), names, "options/*.options");
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let mut bins: Vec<String> = manifest
        .split("[[bin]]")
        .skip(1)
        .filter_map(|b| b.lines().find_map(|l| l.strip_prefix("name = ")))
        .map(|n| n.trim_matches('"').to_owned())
        .collect();
    bins.sort();
    assert_eq!(bins, names, "[[bin]] targets of fuzz/Cargo.toml");
    for t in &names {
        let dirs: [PathBuf; 2] = [
            root().join("corpus").join(t),
            root().join("regressions").join(t),
        ];
        for d in dirs {
            assert!(d.is_dir(), "{} missing", d.display());
        }
    }
}

/// xorshift64*: reproducible pseudo-random bytes without a dependency.
fn random_bytes(state: &mut u64, len: usize) -> Vec<u8> {
    (0..len)
        .map(|_| {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
            (state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
        })
        .collect()
}

/// Random bytes land in the interesting region: mostly valid calls, some refusals, few skips.
#[test]
fn random_inputs_are_mostly_valid_and_sometimes_refused() {
    let cases = if cfg!(miri) { 20 } else { 400 };
    for target in Target::ALL {
        let mut state = 0x9e37_79b9_7f4a_7c15 ^ target.name().len() as u64;
        let mut counts = [0usize; 3];
        for i in 0..cases {
            let data = random_bytes(&mut state, 8 + i % 200);
            match catch_unwind(AssertUnwindSafe(|| target.check(&data))) {
                Ok(Ok(v)) => counts[v as usize] += 1,
                Ok(Err(f)) => panic!("{target}: finding on random input: {f}"),
                Err(_) => panic!("{target}: panic on random input {}", target.describe(&data)),
            }
        }
        let [skipped, refused, ran] = counts;
        eprintln!("{target}: ran {ran}, refused {refused}, skipped {skipped} of {cases}");
        // Percentages: random bytes are not Matrix Market (the dictionary and seeds do that);
        // transpose refuses only invalid matrices (an out-of-range entry), column_stack only
        // those and edge shapes whose size overflows.
        let (min_ran, min_refused) = match target {
            Target::MtxParse => (0, 0),
            Target::Kernel(Kernel::Transpose) => (50, 0),
            Target::Kernel(Kernel::ColumnStack) => (50, 1),
            _ => (50, 5),
        };
        assert!(
            ran * 100 >= min_ran * cases,
            "{target}: {ran} of {cases} ran"
        );
        assert!(
            refused * 100 >= min_refused * cases,
            "{target}: {refused} of {cases} refused"
        );
        assert!(
            skipped * 100 <= 15 * cases,
            "{target}: {skipped} of {cases} skipped"
        );
    }
}
