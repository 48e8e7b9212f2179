//! The schematised copy of the tree: `OUT/rawcheck` is a workspace with the kernels crate (its
//! scoped files rewritten as schemata) and the fuzz crate, `OUT/shared` links to the shared
//! documents the tests read as `../shared`.
//!
//! Every detector builds from it: `cargo test -p rawcheck-kernels --features mutants` (also
//! under ASan and Miri) in `OUT/rawcheck`, and the fuzz crate in `OUT/rawcheck/fuzz` with
//! `--features mutants`. Re-applying into the same `OUT` rewrites only files whose text changed,
//! so the build caches under `OUT/rawcheck` stay warm.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::ops::Mutant;
use crate::ops::squash;
use crate::schema::{self, Rendered};
use crate::{Entry, UNCOMPILABLE, candidates, catalogue};

/// The file that marks a directory as ours: `apply` refuses to write into any other non-empty
/// directory.
const MARKER: &str = ".rawcheck-mutants";

/// The line of `kernels/src/mutant.rs` that `apply` fills with the ids compiled in.
pub const IDS_LINE: &str = "pub const IDS: &[u32] = &[];";

/// Lints a schematised file may trip that say nothing about the code: the parentheses around
/// a site, a mutated arm that makes the rest unreachable, a mutated bound that is always true.
const ALLOW: &str = "#![allow(unused_parens, unreachable_code, unused_variables, unused_assignments, \
                     unused_mut, unused_comparisons, clippy::all)]\n";

/// A mutant that `cargo check` refused, with the compiler's message.
#[derive(Debug, Clone)]
pub struct Dropped {
    /// The mutant.
    pub mutant: Mutant,
    /// The first line of the error that dropped it.
    pub reason: String,
}

/// What `apply` produced.
#[derive(Debug, Clone)]
pub struct Applied {
    /// The workspace to build in: `OUT/rawcheck`.
    pub workspace: PathBuf,
    /// The mutants compiled in, in catalogue order.
    pub kept: Vec<Mutant>,
    /// The mutants left out because they do not type-check.
    pub dropped: Vec<Dropped>,
}

/// What to compile in and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Only these mutants (the other sites stay plain code, so they cost nothing).
    pub only: Option<BTreeSet<u32>>,
    /// Run `cargo check` and drop every mutant the compiler refuses, until the tree builds.
    pub check: bool,
    /// Start from every candidate, ignoring [`UNCOMPILABLE`], and rewrite that file with the
    /// mutants dropped (implies `check`).
    pub record: bool,
}

/// Writes the schematised tree of `root` into `out` (see [`Options`]).
pub fn apply(root: &Path, out: &Path, options: &Options) -> Result<Applied, String> {
    let mut files = if options.record {
        candidates(root)?
    } else {
        catalogue(root)?
    };
    let (check, only) = (options.check || options.record, options.only.as_ref());
    if let Some(only) = only {
        let known: BTreeSet<u32> = files
            .iter()
            .flat_map(|f| f.mutants.iter().map(|m| m.id))
            .collect();
        if let Some(id) = only.difference(&known).next() {
            return Err(format!("{id:08x} is not the id of a mutant"));
        }
        for f in &mut files {
            f.mutants.retain(|m| only.contains(&m.id));
        }
    }
    prepare(out)?;
    let ws = out.join("rawcheck");
    let mut generated: BTreeSet<PathBuf> = files.iter().map(|f| root.join(&f.file)).collect();
    generated.extend(GENERATED.iter().map(|f| root.join(f)));
    copy_tree(root, &ws, &generated)?;
    let mut kept: BTreeSet<u32> = files
        .iter()
        .flat_map(|f| f.mutants.iter().map(|m| m.id))
        .collect();
    let by_id: HashMap<u32, &Mutant> = files
        .iter()
        .flat_map(|f| f.mutants.iter().map(|m| (m.id, m)))
        .collect();
    let mut dropped = Vec::new();
    loop {
        let mut rendered: BTreeMap<String, Rendered> = BTreeMap::new();
        for f in &files {
            let live: Vec<&Mutant> = f.mutants.iter().filter(|m| kept.contains(&m.id)).collect();
            let r = schema::render(&f.source, &live);
            write_if_changed(&ws.join(&f.file), &r.text)?;
            rendered.insert(f.file.clone(), r);
        }
        write_switch(root, &ws, &kept)?;
        if !check {
            break;
        }
        let errors = cargo_check(&ws)?;
        if errors.is_empty() {
            break;
        }
        // An error outside every mutant's span can be rustc's recovery from one inside a span
        // (a match whose arms disagree leaves its value's type unknown to the code after it):
        // it is held against the tree only once no error inside a span is left to drop.
        let mut progress = false;
        let mut stray = None;
        for e in &errors {
            let culprits = rendered
                .get(&e.file)
                .map(|r| r.culprits(&e.spans))
                .unwrap_or_default();
            if culprits.is_empty() {
                stray.get_or_insert(e);
            }
            for id in culprits {
                if kept.remove(&id) {
                    progress = true;
                    dropped.push(Dropped {
                        mutant: by_id[&id].clone(),
                        reason: e.message.clone(),
                    });
                }
            }
        }
        if !progress {
            return Err(match stray {
                Some(e) => format!(
                    "the schemata do not build, and not because of a mutant: {}:{}: {}",
                    e.file, e.line, e.message
                ),
                None => String::from("cargo check keeps failing on dropped mutants"),
            });
        }
    }
    let kept: Vec<Mutant> = files
        .iter()
        .flat_map(|f| f.mutants.iter().filter(|m| kept.contains(&m.id)).cloned())
        .collect();
    if options.record {
        record(root, &dropped)?;
    }
    let entries: Vec<Entry> = kept.iter().map(Entry::from).collect();
    let json = serde_json::to_string_pretty(&entries).map_err(|e| e.to_string())?;
    write_if_changed(&ws.join("mutants.json"), &(json + "\n"))?;
    Ok(Applied {
        workspace: ws,
        kept,
        dropped,
    })
}

/// Rewrites [`UNCOMPILABLE`] with `dropped`, in source order.
fn record(root: &Path, dropped: &[Dropped]) -> Result<(), String> {
    let mut lines: Vec<(&str, usize, String)> = dropped
        .iter()
        .map(|d| {
            let m = &d.mutant;
            let line = format!(
                "{:08x}  {}:{}  {}  {}  ->  {}  # {}",
                m.id,
                m.file,
                m.line,
                m.operator.name(),
                squash(&m.original),
                squash(&m.replacement),
                d.reason
            );
            (m.file.as_str(), m.line, line)
        })
        .collect();
    lines.sort();
    let mut text = String::from(
        "# Mutants that do not type-check, left out of the catalogue; written by\n\
         # `rawcheck-mutants apply --record --out DIR`.\n",
    );
    for (_, _, line) in lines {
        text += &line;
        text.push('\n');
    }
    write_if_changed(&root.join(UNCOMPILABLE), &text)
}

/// Creates `out` (or checks it is ours) and links `out/shared`.
fn prepare(out: &Path) -> Result<(), String> {
    let io = |e: std::io::Error| format!("{}: {e}", out.display());
    if out.exists() {
        let empty = std::fs::read_dir(out).map_err(io)?.next().is_none();
        if !empty && !out.join(MARKER).exists() {
            return Err(format!(
                "{} exists and was not written by rawcheck-mutants; give a new or empty directory",
                out.display()
            ));
        }
    }
    std::fs::create_dir_all(out).map_err(io)?;
    std::fs::write(out.join(MARKER), "written by rawcheck-mutants apply\n").map_err(io)?;
    Ok(())
}

/// Files of the kernels crate that `apply` rewrites besides the scoped ones.
const GENERATED: [&str; 2] = ["kernels/src/mutant.rs", "kernels/src/lib.rs"];

/// Copies what the kernels and fuzz crates build and test from into `ws` (except the files in
/// `generated`, written afterwards), and links `ws/../shared` to the root's `../shared`.
fn copy_tree(root: &Path, ws: &Path, generated: &BTreeSet<PathBuf>) -> Result<(), String> {
    let manifest = read(&root.join("Cargo.toml"))?;
    let members = manifest
        .lines()
        .find(|l| l.starts_with("members = "))
        .ok_or("the root Cargo.toml has no `members = ` line")?;
    let manifest = manifest.replace(members, "members = [\"kernels\"]");
    write_if_changed(&ws.join("Cargo.toml"), &manifest)?;
    write_if_changed(&ws.join("Cargo.lock"), &read(&root.join("Cargo.lock"))?)?;
    for dir in ["kernels", "fuzz"] {
        copy_dir(&root.join(dir), &ws.join(dir), generated)?;
    }
    let shared = root.join("../shared");
    let link = ws.join("../shared");
    if shared.is_dir() && std::fs::symlink_metadata(&link).is_err() {
        let target = shared
            .canonicalize()
            .map_err(|e| format!("{}: {e}", shared.display()))?;
        std::os::unix::fs::symlink(&target, &link)
            .map_err(|e| format!("{}: {e}", link.display()))?;
    }
    Ok(())
}

/// Build outputs and fuzzing leftovers are not copied.
const NOT_COPIED: [&str; 4] = ["target", "artifacts", "coverage", "work"];

fn copy_dir(from: &Path, to: &Path, generated: &BTreeSet<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", from.display()))?;
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !NOT_COPIED.iter().any(|n| name == *n) {
                copy_dir(&path, &to.join(&name), generated)?;
            }
        } else if !generated.contains(&path) {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            write_bytes_if_changed(&to.join(&name), &bytes)?;
        }
    }
    Ok(())
}

/// Fills `IDS` in the copy of `mutant.rs` and lets `lib.rs` of the copy allow the lints
/// schemata trip.
fn write_switch(root: &Path, ws: &Path, kept: &BTreeSet<u32>) -> Result<(), String> {
    let [rel, lib] = GENERATED;
    let source = read(&root.join(rel))?;
    if !source.contains(IDS_LINE) {
        return Err(format!("{rel} has no line `{IDS_LINE}`"));
    }
    let ids: Vec<String> = kept.iter().map(|id| format!("0x{id:08x}")).collect();
    let filled = format!("pub const IDS: &[u32] = &[{}];", ids.join(", "));
    write_if_changed(&ws.join(rel), &source.replace(IDS_LINE, &filled))?;
    write_if_changed(&ws.join(lib), &format!("{ALLOW}{}", read(&root.join(lib))?))
}

/// A compiler error in one of the workspace's files.
#[derive(Debug, Clone)]
struct CompileError {
    file: String,
    line: usize,
    /// Byte ranges of its spans in `file`, the primary one first.
    spans: Vec<std::ops::Range<usize>>,
    message: String,
}

/// `cargo check` of the kernels library with the switch on; the errors with their primary span.
fn cargo_check(ws: &Path) -> Result<Vec<CompileError>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(ws)
        .args([
            "check",
            "-p",
            "rawcheck-kernels",
            "--lib",
            "--features",
            "mutants",
            "--message-format=json",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let m = &msg["message"];
        if msg["reason"] != "compiler-message" || m["level"] != "error" {
            continue;
        }
        let text = m["message"].as_str().unwrap_or("?").to_owned();
        let mut spans = m["spans"].as_array().cloned().unwrap_or_default();
        spans.sort_by_key(|s| s["is_primary"] != true);
        let Some(primary) = spans.first() else {
            // "aborting due to N previous errors" and the like.
            if text.starts_with("aborting") || text.contains("could not compile") {
                continue;
            }
            return Err(format!("cargo check failed: {text}"));
        };
        let file = primary["file_name"].as_str().unwrap_or("?").to_owned();
        let bytes = |s: &serde_json::Value| {
            let at = |k: &str| s[k].as_u64().unwrap_or(0) as usize;
            at("byte_start")..at("byte_end")
        };
        errors.push(CompileError {
            line: primary["line_start"].as_u64().unwrap_or(0) as usize,
            spans: spans
                .iter()
                .filter(|s| s["file_name"] == file.as_str())
                .map(bytes)
                .collect(),
            file,
            message: text,
        });
    }
    if errors.is_empty() && !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr.lines().rfind(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("cargo check failed: {last}"));
    }
    Ok(errors)
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    write_bytes_if_changed(path, text.as_bytes())
}

/// Writes only when the content differs, so cargo's fingerprints of unchanged files hold.
fn write_bytes_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_copy_is_a_kernels_and_fuzz_workspace_with_the_switch_filled_in() {
        let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
        let out = std::env::temp_dir().join(format!("rawcheck-mutants-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&out);
        let only = BTreeSet::from([catalogue(root).unwrap()[0].mutants[0].id]);
        let options = Options {
            only: Some(only.clone()),
            ..Options::default()
        };
        let applied = apply(root, &out, &options).unwrap();
        let ws = &applied.workspace;
        assert_eq!(applied.kept.len(), 1);
        let manifest = read(&ws.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("members = [\"kernels\"]\n"), "{manifest}");
        assert!(ws.join("fuzz/Cargo.toml").is_file() && ws.join("fuzz/corpus").is_dir());
        assert!(!ws.join("fuzz/target").exists());
        let switch = read(&ws.join("kernels/src/mutant.rs")).unwrap();
        let id = only.first().unwrap();
        assert!(switch.contains(&format!("pub const IDS: &[u32] = &[0x{id:08x}];")));
        assert!(
            read(&ws.join("kernels/src/lib.rs"))
                .unwrap()
                .starts_with("#![allow(")
        );
        let file = &applied.kept[0].file;
        assert!(
            read(&ws.join(file))
                .unwrap()
                .contains(&format!("0x{id:08x} => "))
        );
        assert!(
            read(&ws.join("mutants.json"))
                .unwrap()
                .contains(&format!("\"{id:08x}\""))
        );
        if root.join("../shared").is_dir() {
            assert!(
                out.join("shared/reference").is_dir(),
                "../shared of the copy"
            );
        }
        // Again into the same directory: fine. Into someone else's: refused.
        apply(root, &out, &options).unwrap();
        let foreign = out.join("rawcheck/kernels");
        let err = apply(root, &foreign, &options).unwrap_err();
        assert!(err.contains("was not written by rawcheck-mutants"), "{err}");
        std::fs::remove_dir_all(&out).unwrap();
    }
}
