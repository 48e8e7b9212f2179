//! Prints the seeded-bug catalogue as one JSON object per line, as this build sees it:
//! `{"id":"B5","feature":"bug-missing-zero-fill","kernel":"permute_indices","enabled":true,
//! "checked":"prevented","reason":"..."}`.
//!
//! `scripts/bughunt` runs it with each bug's feature to learn the bug's kernel (its fuzz
//! target), to check that the feature took effect, and whether the checked variant carries the
//! bug or cannot (its `checked-variant` cell is then `prevented`, with the reason).
//!
//! `cargo run -p rawcheck-kernels --example seeded_bugs [--features bug-...]`

use rawcheck_kernels::bugs::{CATALOGUE, InChecked};

fn main() {
    for bug in CATALOGUE {
        // Debug-formatted &str is a valid JSON string for this ASCII text.
        let checked = match bug.checked {
            InChecked::Carried => r#""checked":"carried""#.to_owned(),
            InChecked::Prevented(reason) => format!(r#""checked":"prevented","reason":{reason:?}"#),
        };
        println!(
            r#"{{"id":{:?},"feature":{:?},"kernel":{:?},"enabled":{},{checked},"summary":{:?},"origin":{:?}}}"#,
            bug.id, bug.feature, bug.kernel, bug.enabled, bug.summary, bug.origin
        );
    }
}
