//! The `counts` section: why a variant costs what it costs. Callgrind's exact counts per nonzero
//! against raw on the same matrix (one folded table per kernel), and the bounds checks that
//! survive the optimiser in each variant file (`scripts/asm-checks`).

use std::collections::BTreeMap;

use super::chart::{fmt_num, fmt_signed};
use super::data::CheckFile;
use super::derived::{Counted, Extra, check_count};
use super::html::{not_run, table};
use rawcheck_kernels::Variant;

use super::timing::{families, fmt_percent, kernels, per_kernel, rank};

/// What fills the counts data.
pub const COUNTS_COMMAND: &str = "cargo bench --bench counts";
/// What fills the checks data.
pub const CHECKS_COMMAND: &str = "scripts/asm-checks --json reports/data/checks.json";

/// One table per kernel and family, folded per kernel: every counted id with its figures per
/// nonzero and, for checked, safe and memcpy, what it executes beyond raw on the same matrix.
pub fn counts_tables(counts: &[Counted]) -> String {
    type Key<'a> = (usize, &'a str, usize, &'a str);
    let mut groups: BTreeMap<Key<'_>, Vec<&Counted>> = BTreeMap::new();
    for c in counts {
        let (kernel, family) = (c.id.kernel.as_str(), c.id.family.as_str());
        let key = (
            rank(&kernels(), kernel),
            kernel,
            rank(&families(), family),
            family,
        );
        groups.entry(key).or_default().push(c);
    }
    let header = [
        "nnz (actual)",
        "index",
        "variant",
        "instructions / nnz",
        "branches / nnz",
        "LL misses / nnz",
        "extra instructions / nnz",
        "extra branches / nnz",
        "extra LL misses / nnz",
        "instructions over raw",
    ]
    .map(String::from);
    let tables = groups
        .into_iter()
        .map(|((_, kernel, _, family), mut records)| {
            records.sort_by_key(|c| (c.id.index, c.id.nnz, variant_rank(&c.id.variant)));
            let rows: Vec<Vec<String>> = records
                .iter()
                .map(|c| {
                    let extra = |f: &dyn Fn(&Extra) -> String| {
                        c.vs_raw.as_ref().map_or_else(|| "—".to_owned(), f)
                    };
                    vec![
                        c.nnz.to_string(),
                        format!("u{}", c.id.index),
                        c.id.variant.clone(),
                        fmt_num(c.per_nnz.instructions),
                        fmt_num(c.per_nnz.branches),
                        fmt_num(c.per_nnz.ll_misses),
                        extra(&|e| fmt_signed(e.per_nnz.instructions)),
                        extra(&|e| fmt_signed(e.per_nnz.branches)),
                        extra(&|e| fmt_signed(e.per_nnz.ll_misses)),
                        extra(&|e| fmt_percent(e.instructions_percent)),
                    ]
                })
                .collect();
            let caption =
                format!("{kernel} on {family}: counts of one call per stored nonzero (Callgrind)");
            (kernel, table(&caption, &header, &rows))
        })
        .collect();
    per_kernel(tables, "table", COUNTS_COMMAND)
}

fn variant_rank(variant: &str) -> usize {
    let [raw, checked, safe] = Variant::ALL.map(Variant::name);
    rank(&[raw, checked, safe, "memcpy"], variant)
}

/// A variant file `scripts/asm-checks` did not look at (unlike one with no surviving check).
pub const NOT_EXAMINED: &str = "not examined";

/// Every examined kernel x variant: how many checks survive, how many inside inner loops, and their
/// lines; "not examined" where `checks.json` has no such file, and one notice naming the kernels it
/// has no file of at all.
pub fn checks_table(files: &[CheckFile]) -> String {
    let header = [
        "kernel",
        "variant",
        "file",
        "surviving checks",
        "inside inner loops",
        "cannot tell",
        "lines",
    ]
    .map(String::from);
    let mut kernels: Vec<&str> = kernels().to_vec();
    for f in files {
        if !kernels.contains(&f.kernel.as_str()) {
            kernels.push(&f.kernel);
        }
    }
    let (examined, unexamined): (Vec<&str>, Vec<&str>) = kernels
        .into_iter()
        .partition(|k| files.iter().any(|f| f.kernel == *k));
    let mut rows = Vec::new();
    for kernel in examined {
        for variant in Variant::ALL.map(Variant::name) {
            let Some(count) = check_count(files, kernel, variant) else {
                let mut row = vec![kernel.to_owned(), variant.to_owned(), "—".to_owned()];
                row.push(NOT_EXAMINED.to_owned());
                row.extend(["—"; 3].map(String::from));
                rows.push(row);
                continue;
            };
            let variant_files: Vec<&CheckFile> = files
                .iter()
                .filter(|f| f.kernel == kernel && f.variant == variant)
                .collect();
            let lines: Vec<String> = variant_files
                .iter()
                .flat_map(|f| f.checks.iter())
                .map(|c| {
                    let place = match c.inner_loop {
                        Some(true) => "inner loop",
                        Some(false) => "outside",
                        None => "?",
                    };
                    format!("{} ({place}): {}", c.line, c.code.trim())
                })
                .collect();
            rows.push(vec![
                kernel.to_owned(),
                variant.to_owned(),
                variant_files
                    .iter()
                    .map(|f| f.file.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                count.surviving.to_string(),
                count.inner.to_string(),
                count.unknown.to_string(),
                if lines.is_empty() {
                    "none".to_owned()
                } else {
                    lines.join(" · ")
                },
            ]);
        }
    }
    let mut out = table(
        "Bounds checks surviving the optimiser, per variant file",
        &header,
        &rows,
    );
    if !unexamined.is_empty() {
        out.push_str(&not_run(
            &format!("surviving checks of {}", unexamined.join(", ")),
            CHECKS_COMMAND,
        ));
    }
    out
}
