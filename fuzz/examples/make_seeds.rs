//! Writes the seed corpus: `cargo run --manifest-path fuzz/Cargo.toml --example make_seeds`.
//!
//! Replaces every `seed-*` and `qutip-*` file of `fuzz/corpus/<target>/` with the seeds of
//! `fuzz/seeds.rs` (QuTiP's from `../shared/reference/qutip` when present); other files of the
//! corpus folders are left alone. Also records `fuzz/regressions/<target>/<file>.txt`, what
//! each new regression file decodes to (tests/corpus.rs checks it stays so).

#[path = "../seeds.rs"]
mod seeds;

use std::path::Path;

use rawcheck_fuzz::{Target, inputs};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = root.join("../../shared/reference/qutip");
    if !reference.exists() {
        eprintln!(
            "make_seeds: {} not found: QuTiP seeds left as they are",
            reference.display()
        );
    }
    let seeds = seeds::all(&reference)?;
    for target in Target::ALL {
        let dir = root.join("corpus").join(target.name());
        std::fs::create_dir_all(&dir)?;
        for old in inputs(&dir) {
            let name = old.file_name().unwrap_or_default().to_string_lossy();
            let ours =
                name.starts_with("seed-") || (reference.exists() && name.starts_with("qutip-"));
            if ours {
                std::fs::remove_file(&old)?;
            }
        }
        let mine: Vec<_> = seeds.iter().filter(|s| s.target == target).collect();
        for seed in &mine {
            std::fs::write(dir.join(&seed.name), &seed.bytes)?;
        }
        println!("{}: {} seeds", target, mine.len());
        // Record what each new regression decodes to (never rewrite: tests/corpus.rs compares).
        for input in inputs(&root.join("regressions").join(target.name())) {
            let txt = input.with_extension("txt");
            if !txt.exists() {
                let data = std::fs::read(&input)?;
                std::fs::write(&txt, format!("{}\n", target.describe(&data)))?;
                println!("{}: recorded {}", target, txt.display());
            }
        }
    }
    Ok(())
}
