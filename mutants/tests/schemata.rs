//! The schemata build end to end (slow: builds and tests the kernels crate; run by hand or in CI
//! with `cargo test -p rawcheck-mutants --test schemata -- --ignored`).

use std::path::Path;
use std::process::Command;

use rawcheck_mutants::ops::Operator;

/// `cargo test -p rawcheck-kernels --features mutants` in the schematised workspace, with
/// `RAWCHECK_MUTANT` set to `mutant`, on the tests named by `filter`; whether it passed.
fn kernel_tests(ws: &Path, mutant: Option<&str>, args: &[&str]) -> bool {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(ws)
        .args(["test", "-p", "rawcheck-kernels", "--features", "mutants"])
        .args(args)
        .env_remove("RAWCHECK_MUTANT");
    if let Some(id) = mutant {
        cmd.env("RAWCHECK_MUTANT", id);
    }
    let status = cmd.status().expect("cargo runs");
    status.success()
}

#[test]
#[ignore = "builds and tests the whole kernels crate (minutes)"]
fn the_schemata_build_passes_the_tests_unmutated_and_an_easy_mutant_fails_them() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("schemata");
    let applied = rawcheck_mutants::apply::apply(
        root,
        &out,
        &rawcheck_mutants::apply::Options {
            check: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(applied.kept.len() >= 150, "{} mutants", applied.kept.len());
    // The catalogue already leaves out what does not type-check.
    let dropped: Vec<String> = applied
        .dropped
        .iter()
        .map(|d| format!("{:08x}", d.mutant.id))
        .collect();
    assert!(
        dropped.is_empty(),
        "not in mutants/uncompilable.txt: {dropped:?}"
    );
    // Unmutated, the schemata run the original code: the whole suite passes, except the one test
    // that proves a default build has no switch.
    assert!(kernel_tests(
        &applied.workspace,
        None,
        &["--", "--skip", "a_default_build_has_no_mutant_switch"]
    ));
    assert!(
        !kernel_tests(
            &applied.workspace,
            None,
            &["--lib", "a_default_build_has_no_mutant_switch"]
        ),
        "the default-build test must see the switch"
    );
    // The output row of reshape's raw walk advances one entry late: wrong row pointers.
    let easy = applied
        .kept
        .iter()
        .find(|m| {
            m.file == "kernels/src/reshape/raw.rs"
                && m.operator == Operator::CmpBoundary
                && m.original == "flat >= row_end"
        })
        .expect("the reshape walk's bound is a mutant");
    let id = format!("{:08x}", easy.id);
    assert!(!kernel_tests(
        &applied.workspace,
        Some(&id),
        &["--test", "reshape"]
    ));
    // A value that is no mutant's id: one error line, exit status 1 (not a test failure).
    let out = Command::new(env!("CARGO"))
        .current_dir(&applied.workspace)
        .args([
            "test",
            "-p",
            "rawcheck-kernels",
            "--features",
            "mutants",
            "--test",
            "reshape",
        ])
        .env("RAWCHECK_MUTANT", "nonsense")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: RAWCHECK_MUTANT=\"nonsense\" is not the id of a mutant"),
        "{stderr}"
    );
}
