//! The inputs of the replays: corpus, regressions and property cases, listed by the fuzz crate's
//! own rule ([`rawcheck_fuzz::inputs`]), and Miri's minimised subset of them.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Paths;
use crate::build::{Builder, bug_free, run_quiet};

/// What valgrind and the debug build replay: corpus, regressions, then property cases.
pub fn replay_list(paths: &Paths, target: &str) -> Vec<PathBuf> {
    [
        paths.fuzz.join("corpus"),
        paths.fuzz.join("regressions"),
        paths.cases(),
    ]
    .iter()
    .flat_map(|dir| rawcheck_fuzz::inputs(&dir.join(target)))
    .collect()
}

/// `files` smallest first (then by name).
pub fn smallest_first(mut files: Vec<PathBuf>) -> Vec<PathBuf> {
    files.sort_by_key(|p| (std::fs::metadata(p).map_or(0, |m| m.len()), p.clone()));
    files
}

/// Miri's subset: libFuzzer's set cover (by edges) of the replay list, computed with the
/// bug-free ASan build, smallest files first. Miri is ~1000x slower than native code; the cover
/// keeps every edge the full list reaches in a few dozen inputs. Computed once, kept in
/// `work/miri-set/<target>` for later hunts.
pub fn miri_set(
    paths: &Paths,
    target: &'static str,
    builder: &Builder,
) -> Result<Vec<PathBuf>, String> {
    let out = paths.work.join("miri-set").join(target);
    let kept = rawcheck_fuzz::inputs(&out);
    if !kept.is_empty() {
        return Ok(smallest_first(kept));
    }
    let built = builder.build(&bug_free(target));
    let binary = match (built.error, built.path) {
        (Some(e), _) => return Err(e),
        (None, None) => return Err("no bug-free ASan build".into()),
        (None, Some(p)) => p,
    };
    let staging = paths.work.join("miri-set-staging").join(target);
    let fresh = |dir: &Path| {
        let _ = std::fs::remove_dir_all(dir);
        std::fs::create_dir_all(dir)
    };
    let io = |e: std::io::Error| format!("set cover merge: {e}");
    fresh(&staging).map_err(io)?;
    for (i, p) in replay_list(paths, target).iter().enumerate() {
        let name = p.file_name().unwrap_or_default().to_string_lossy();
        std::fs::copy(p, staging.join(format!("{i:05}-{name}"))).map_err(io)?;
    }
    fresh(&out).map_err(io)?;
    let (ok, text) = run_quiet(
        Command::new(binary)
            .args(["-merge=1", "-set_cover_merge=1", "-use_counters=0"])
            .arg(&out)
            .arg(&staging),
        &paths.root,
    )
    .map_err(io)?;
    if !ok {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        return Err(format!("set cover merge failed: {}", first.trim()));
    }
    Ok(smallest_first(rawcheck_fuzz::inputs(&out)))
}
