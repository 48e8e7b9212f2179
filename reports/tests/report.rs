//! `rawcheck report` on the committed fixture: writes `index.html` into `--out`, prints its path, and
//! keeps the one-line error contract when it cannot write.
#![cfg(not(miri))]

use std::process::{Command, Output};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn report(out: &str) -> Output {
    let criterion = format!("{FIXTURES}/criterion");
    Command::new(env!("CARGO_BIN_EXE_rawcheck"))
        .args([
            "report",
            "--criterion",
            &criterion,
            "--data",
            FIXTURES,
            "--out",
            out,
        ])
        .output()
        .expect("the rawcheck binary runs")
}

#[test]
fn report_renders_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = report(out.to_str().unwrap());
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let page = out.join("index.html");
    assert_eq!(
        String::from_utf8_lossy(&run.stdout).trim(),
        page.display().to_string()
    );
    let html = std::fs::read_to_string(page).unwrap();
    let first = html.find("<section id=").unwrap();
    assert!(
        html[first..].starts_with("<section id=\"headline\">"),
        "the page opens with the headline"
    );
    let contents = &html[html.find("<nav id=\"contents\">").unwrap()..];
    let contents = &contents[..contents.find("</nav>").unwrap()];
    let targets: Vec<&str> = contents
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert_eq!(targets.len(), 9, "{contents}");
    for id in targets {
        assert!(
            html.contains(&format!("<section id=\"{id}\">")),
            "contents entry {id} has its section"
        );
    }
    assert!(
        html.contains("safe within noise of raw."),
        "the headline's verdict from the fixture's counts and timings"
    );
    // The fixture's campaign: 5 decided mutants not proven equivalent, all killed; m3d9a07
    // survives as equivalent.
    assert!(
        html.contains("kills 100 % (57–100 %, 5 of 5)"),
        "the harness's kill rate from the fixture's mutants"
    );
    assert!(html.contains("<td>m3d9a07</td>") && html.contains("<td>equivalent</td>"));
}

#[test]
fn an_unwritable_out_dir_is_one_error_line() {
    let run = report("/dev/null/out");
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot create /dev/null/out"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}
