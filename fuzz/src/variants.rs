//! Which kernel variants the kernel targets run: all three, unless the environment variable
//! `RAWCHECK_VARIANTS` names some (comma-separated, e.g. `checked`). `scripts/bughunt` sets it
//! to fuzz the checked variant alone (its `checked-variant` detector), so that a seeded bug the
//! raw variant also carries cannot be what the fuzzer trips over.

use std::sync::OnceLock;

use rawcheck_kernels::Variant;

/// The environment variable read by [`selected`].
pub const ENV: &str = "RAWCHECK_VARIANTS";

/// The variants to run, read from [`ENV`] once: every variant when it is unset or empty.
///
/// # Panics
/// On a name that is not a variant, so that a misspelt selection fails the first input instead
/// of fuzzing nothing.
pub fn selected() -> &'static [Variant] {
    static SELECTED: OnceLock<Vec<Variant>> = OnceLock::new();
    SELECTED.get_or_init(|| parse(&std::env::var(ENV).unwrap_or_default()))
}

/// The variants named in `list`, in the order of [`Variant::ALL`]; all of them for an empty
/// list.
fn parse(list: &str) -> Vec<Variant> {
    let names: Vec<Variant> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap_or_else(|e| panic!("{ENV}: {e}")))
        .collect();
    Variant::ALL
        .into_iter()
        .filter(|v| names.is_empty() || names.contains(v))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_selects_variants_and_nothing_selects_all() {
        assert_eq!(parse(""), Variant::ALL);
        assert_eq!(parse("checked"), [Variant::Checked]);
        assert_eq!(parse(" safe, raw "), [Variant::Raw, Variant::Safe]);
    }

    #[test]
    #[should_panic(expected = "RAWCHECK_VARIANTS")]
    fn an_unknown_name_panics() {
        parse("fast");
    }
}
