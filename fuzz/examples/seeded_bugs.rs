//! Prints the seeded-bug catalogue as one JSON object per line, as this build sees it:
//! `{"id":"B5","feature":"bug-missing-zero-fill","kernel":"permute_indices","enabled":true,
//! "checked":"prevented","reason":"...","summary":"...","origin":"..."}`.
//!
//! `scripts/bughunt` (the `rawcheck-hunt` crate, which reads the catalogue itself) runs it once
//! with every bug feature on (each bug is its own cfg) to check that the feature of every bug it
//! hunts took effect. It lives in the fuzz crate, whose `bug-*` features are the kernels crate's,
//! so that it builds in the folder the hunt's property cases build in.
//!
//! `cargo run --manifest-path fuzz/Cargo.toml --example seeded_bugs [--all-features]`

use rawcheck_kernels::bugs::{CATALOGUE, InChecked};
use serde_json::json;

fn main() {
    for bug in CATALOGUE {
        let mut line = json!({
            "id": bug.id,
            "feature": bug.feature,
            "kernel": bug.kernel.name(),
            "enabled": bug.enabled,
            "summary": bug.summary,
            "origin": bug.origin,
        });
        match bug.checked {
            InChecked::Carried => line["checked"] = json!("carried"),
            InChecked::Prevented(reason) => {
                line["checked"] = json!("prevented");
                line["reason"] = json!(reason);
            }
        }
        println!("{line}");
    }
}
