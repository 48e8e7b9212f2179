//! The `headline` section: the answer on one screen. One table row per kernel at nnz 1e5 (and 1e6
//! where measured), u32 indices, with the checked and safe variants' wall-time overhead (median
//! over families, with interval), their instruction overhead, extra branches per nonzero, checks
//! surviving inside inner loops, and a verdict sentence generated from those numbers; below it one
//! chart of every kernel's overhead.
//!
//! Verdict rules, per variant (the sentence joins checked's and safe's):
//! - wall-time interval contains 0: "within noise of raw", adding the instruction overhead when
//!   the variant executes at least [`INSTRUCTION_NOISE_PERCENT`] % more instructions than raw
//!   (noise can hide a real small cost);
//! - interval above 0: how much slower ("1.30x raw", or "+4.2 % over raw" below 1.1x), then why:
//!   the extra instructions and branches per nonzero, or, when the instructions are within the
//!   threshold of raw's, that the checks do not explain it; extra last-level misses from
//!   [`LL_MISS_NOTE`] per nonzero up; how many checks survive inside inner loops;
//! - interval below 0: how much faster, and whether the counts explain it;
//! - no wall time but counts: "the same instructions as raw" within the threshold, else the
//!   counted cost.

use std::collections::BTreeMap;
use std::io;

use rawcheck_kernels::Variant;

use super::bench::{BenchId, Timing};
use super::chart::{BarChart, BarSeries, bar_chart, fmt_axis, fmt_num, fmt_signed};
use super::counts::NOT_EXAMINED;
use super::data::CheckFile;
use super::derived::{
    CheckCount, Counted, Extra, PerNnz, Ratio, check_count, median, median_ratio, ratios_over_raw,
};
use super::html::{NOT_RUN, figure, table};
use super::timing::{fmt_overhead, fmt_percent, kernels, variant_color};

/// The sizes the headline reports, when measured (1e5 always has a row).
pub const HEADLINE_NNZ: [u64; 2] = [100_000, 1_000_000];
/// The index width the headline reports (the kernels' default).
pub const HEADLINE_INDEX: u32 = 32;
/// Instruction overhead (percent) below which a variant executes "the same instructions as raw".
pub const INSTRUCTION_NOISE_PERCENT: f64 = 1.0;
/// Extra last-level misses per nonzero from which a verdict mentions them.
pub const LL_MISS_NOTE: f64 = 0.01;

/// The variants compared with raw.
fn compared() -> [&'static str; 2] {
    [Variant::Checked.name(), Variant::Safe.name()]
}

/// The deterministic counts of one variant against raw, medians over families.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountSummary {
    /// Median instruction overhead over raw, percent.
    pub instructions_percent: f64,
    /// Median extra instructions, branches and last-level misses per nonzero.
    pub extra: PerNnz,
    /// Families counted.
    pub families: usize,
}

/// One variant of one headline row.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantSummary {
    /// `checked` or `safe`.
    pub variant: &'static str,
    /// Median over families of the time over raw, with the interval of the medians of the bounds.
    pub wall: Option<Ratio>,
    /// Families timed.
    pub families: usize,
    /// The counts against raw.
    pub counts: Option<CountSummary>,
    /// The surviving checks of the variant's file (`None`: not examined).
    pub checks: Option<CheckCount>,
}

/// One kernel at one size.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadlineRow {
    /// Kernel name.
    pub kernel: &'static str,
    /// Nominal nnz.
    pub nnz: u64,
    /// checked, then safe.
    pub variants: Vec<VariantSummary>,
}

impl HeadlineRow {
    fn variant(&self, name: &str) -> Option<&VariantSummary> {
        self.variants.iter().find(|v| v.variant == name)
    }

    /// The row's verdict: checked's and safe's sentences.
    pub fn verdict(&self) -> String {
        let parts: Vec<String> = self.variants.iter().map(verdict).collect();
        let mut sentence = parts.join("; ");
        sentence.push('.');
        sentence
    }

    /// The verdict without the surviving checks, which a kernel's first size already names.
    fn verdict_without_checks(&self) -> String {
        let mut row = self.clone();
        for v in &mut row.variants {
            v.checks = None;
        }
        row.verdict()
    }
}

/// The headline rows: every kernel at 1e5, and at 1e6 when anything was measured there.
pub fn headline_rows(
    bench: &[Timing],
    counts: &[Counted],
    checks: &[CheckFile],
) -> Vec<HeadlineRow> {
    let ratios = ratios_over_raw(bench);
    let at = |id: &BenchId, kernel: &str, nnz: u64| {
        id.kernel == kernel && id.nnz == nnz && id.index == HEADLINE_INDEX
    };
    let mut rows = Vec::new();
    for kernel in kernels() {
        for nnz in HEADLINE_NNZ {
            let measured = bench.iter().any(|t| at(&t.id, kernel, nnz))
                || counts.iter().any(|c| at(&c.id, kernel, nnz));
            if nnz != HEADLINE_NNZ[0] && !measured {
                continue;
            }
            let variants = compared()
                .into_iter()
                .map(|variant| {
                    let wall: Vec<Ratio> = ratios
                        .iter()
                        .filter(|(id, _)| at(id, kernel, nnz) && id.variant == variant)
                        .map(|(_, r)| *r)
                        .collect();
                    let extras: Vec<_> = counts
                        .iter()
                        .filter(|c| at(&c.id, kernel, nnz) && c.id.variant == variant)
                        .filter_map(|c| c.vs_raw)
                        .collect();
                    let med = |f: &dyn Fn(&Extra) -> f64| {
                        median(&extras.iter().map(f).collect::<Vec<_>>())
                    };
                    let counts = med(&|e| e.instructions_percent).map(|pct| CountSummary {
                        instructions_percent: pct,
                        extra: PerNnz {
                            instructions: med(&|e| e.per_nnz.instructions).unwrap_or(0.0),
                            branches: med(&|e| e.per_nnz.branches).unwrap_or(0.0),
                            ll_misses: med(&|e| e.per_nnz.ll_misses).unwrap_or(0.0),
                        },
                        families: extras.len(),
                    });
                    VariantSummary {
                        variant,
                        wall: median_ratio(&wall),
                        families: wall.len(),
                        counts,
                        checks: check_count(checks, kernel, variant),
                    }
                })
                .collect();
            rows.push(HeadlineRow {
                kernel,
                nnz,
                variants,
            });
        }
    }
    rows
}

/// "+3.0 instructions and +1.0 branches per nonzero (+30 %)".
fn counted_cost(c: &CountSummary) -> String {
    format!(
        "{} instructions and {} branches per nonzero ({})",
        fmt_signed(c.extra.instructions),
        fmt_signed(c.extra.branches),
        fmt_percent(c.instructions_percent)
    )
}

/// How much slower or faster than raw: `1.30x raw`, `+4.20 % over raw`, `4.20 % faster than raw`,
/// `1.25x faster than raw`.
fn speed(r: &Ratio) -> String {
    if r.point >= 1.1 {
        format!("{}x raw", fmt_num(r.point))
    } else if r.point >= 1.0 {
        format!("{} over raw", fmt_percent(r.percent()))
    } else if r.point > 1.0 / 1.1 {
        format!("{} % faster than raw", fmt_num(-r.percent()))
    } else {
        format!("{}x faster than raw", fmt_num(1.0 / r.point))
    }
}

/// One variant's part of the verdict, by the rules of the module documentation.
pub fn verdict(s: &VariantSummary) -> String {
    let v = s.variant;
    let counts = s.counts.as_ref();
    let same_instructions =
        |c: &CountSummary| c.instructions_percent.abs() < INSTRUCTION_NOISE_PERCENT;
    let Some(wall) = s.wall else {
        return match counts {
            None => format!("{v}: not measured"),
            Some(c) if same_instructions(c) => format!(
                "{v} executes the same instructions as raw (within {INSTRUCTION_NOISE_PERCENT} %; no wall time)"
            ),
            Some(c) => format!("{v} executes {} (no wall time)", counted_cost(c)),
        };
    };
    if wall.measurable() == Some(false) {
        return match counts {
            Some(c) if c.instructions_percent >= INSTRUCTION_NOISE_PERCENT => format!(
                "{v} within noise of raw (though it executes {} instructions)",
                fmt_percent(c.instructions_percent)
            ),
            _ => format!("{v} within noise of raw"),
        };
    }
    let mut why = Vec::new();
    if let Some(c) = counts {
        if same_instructions(c) {
            why.push(format!(
                "its instructions are within {INSTRUCTION_NOISE_PERCENT} % of raw's, so the checks do not explain it"
            ));
        } else {
            why.push(counted_cost(c));
        }
        if c.extra.ll_misses >= LL_MISS_NOTE {
            why.push(format!(
                "{} last-level misses per nonzero",
                fmt_signed(c.extra.ll_misses)
            ));
        }
    }
    if let Some(checks) = s.checks.filter(|c| c.inner > 0 && wall.point > 1.0) {
        let (noun, verb) = match checks.inner {
            1 => ("check", "survives"),
            _ => ("checks", "survive"),
        };
        why.push(format!(
            "{} {noun} {verb} inside its inner loops",
            checks.inner
        ));
    }
    let mut out = format!("{v} {}", speed(&wall));
    if wall.measurable().is_none() {
        out.push_str(" (no interval)");
    }
    if !why.is_empty() {
        out.push_str(": ");
        out.push_str(&why.join(", "));
    }
    out
}

/// The headline table and chart (the caller adds the notices for missing data). One table row per
/// kernel: a cell holds one line per size that has the figure (prefixed with the size when the
/// kernel has several), the
/// checks column the file's count once, the verdict 1e5's sentence and then the other sizes'.
pub fn headline_section(rows: &[HeadlineRow]) -> io::Result<String> {
    // "a / b" for checked and safe, or one word when both say the same missing thing.
    let both = |row: &HeadlineRow, cell: &dyn Fn(&VariantSummary) -> String| {
        let mut cells: Vec<String> = compared()
            .iter()
            .map(|v| row.variant(v).map_or_else(|| NOT_RUN.to_owned(), cell))
            .collect();
        cells.dedup_by(|a, b| a == b && (a == NOT_RUN || a == NOT_EXAMINED));
        cells.join(" / ")
    };
    let counted = |row: &HeadlineRow, f: &dyn Fn(&CountSummary) -> String| {
        row.variants.iter().any(|v| v.counts.is_some()).then(|| {
            both(row, &|s| {
                s.counts.as_ref().map_or_else(|| NOT_RUN.to_owned(), f)
            })
        })
    };
    let header = [
        "kernel (families timed / counted)",
        "checked: time over raw",
        "safe: time over raw",
        "instructions over raw (checked / safe)",
        "extra branches / nnz (checked / safe)",
        "checks in inner loops (checked / safe)",
        "verdict",
    ]
    .map(String::from);
    let mut by_kernel: Vec<Vec<&HeadlineRow>> = Vec::new();
    for row in rows {
        match by_kernel.last_mut() {
            Some(group) if group[0].kernel == row.kernel => group.push(row),
            _ => by_kernel.push(vec![row]),
        }
    }
    let table_rows: Vec<Vec<String>> = by_kernel
        .iter()
        .map(|sizes| {
            // One line per size that has `cell`, each prefixed by its size when there are several.
            let lines = |cell: &dyn Fn(&HeadlineRow) -> Option<String>| {
                let lines: Vec<(u64, String)> = sizes
                    .iter()
                    .filter_map(|row| Some((row.nnz, cell(row)?)))
                    .collect();
                match lines.as_slice() {
                    [] => NOT_RUN.to_owned(),
                    [(_, text)] if sizes.len() == 1 => text.clone(),
                    _ => lines
                        .iter()
                        .map(|(nnz, text)| format!("{}: {text}", fmt_axis(*nnz as f64)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                }
            };
            let wall = |name: &'static str| {
                lines(&|row| {
                    let ratio = row.variant(name)?.wall?;
                    Some(fmt_overhead(&ratio))
                })
            };
            let [checked, safe] = compared();
            let first = sizes[0];
            let verdicts: Vec<String> = sizes
                .iter()
                .enumerate()
                .map(|(i, row)| match i {
                    0 => row.verdict(),
                    _ => format!(
                        "At {}: {}",
                        fmt_axis(row.nnz as f64),
                        row.verdict_without_checks()
                    ),
                })
                .collect();
            let families = |row: &HeadlineRow| {
                let most = |f: &dyn Fn(&VariantSummary) -> usize| {
                    row.variants.iter().map(f).max().unwrap_or(0)
                };
                let timed = most(&|v| v.families);
                let counted = most(&|v| v.counts.map_or(0, |c| c.families));
                Some(format!("{timed} / {counted} families"))
            };
            vec![
                format!("{}\n{}", first.kernel, lines(&families)),
                wall(checked),
                wall(safe),
                lines(&|row| counted(row, &|c| fmt_percent(c.instructions_percent))),
                lines(&|row| counted(row, &|c| fmt_signed(c.extra.branches))),
                both(first, &|s| {
                    s.checks.map_or_else(
                        || NOT_EXAMINED.to_owned(),
                        |c| match c.surviving {
                            0 => "0".to_owned(),
                            n => format!("{} of {n}", c.inner),
                        },
                    )
                }),
                verdicts.join(" "),
            ]
        })
        .collect();
    let caption = format!(
        "The cost of the checks per kernel at nnz {} ({} where measured; u{HEADLINE_INDEX} \
         indices; time over raw: median over families, with interval)",
        fmt_axis(HEADLINE_NNZ[0] as f64),
        fmt_axis(HEADLINE_NNZ[1] as f64)
    );
    let tab = table(&caption, &header, &table_rows);
    Ok(format!("{tab}{}", headline_chart(rows)?))
}

/// One chart of every kernel: checked's and safe's overhead at 1e5 with the interval whiskers.
fn headline_chart(rows: &[HeadlineRow]) -> io::Result<String> {
    let at: BTreeMap<&str, &HeadlineRow> = rows
        .iter()
        .filter(|r| r.nnz == HEADLINE_NNZ[0])
        .map(|r| (r.kernel, r))
        .collect();
    let series = compared()
        .into_iter()
        .map(|variant| {
            let wall = |kernel: &str| at.get(kernel)?.variant(variant)?.wall;
            BarSeries {
                label: format!("{variant} over raw"),
                color: variant_color(variant),
                values: kernels()
                    .iter()
                    .map(|k| wall(k).map(|r| r.percent()))
                    .collect(),
                intervals: kernels()
                    .iter()
                    .map(|k| wall(k).and_then(|r| r.percent_bounds()))
                    .collect(),
            }
        })
        .collect();
    let svg = bar_chart(&BarChart {
        title: format!(
            "Time over raw at nnz {}: median over families, with interval",
            fmt_axis(HEADLINE_NNZ[0] as f64)
        ),
        x_label: "kernel".into(),
        y_label: "time over raw (%)".into(),
        categories: kernels().iter().map(|k| k.to_string()).collect(),
        series,
    })?;
    Ok(figure(&svg, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(
        wall: Option<(f64, f64, f64)>,
        counts: Option<(f64, f64, f64, f64)>,
    ) -> VariantSummary {
        VariantSummary {
            variant: "safe",
            wall: wall.map(|(point, lo, hi)| Ratio {
                point,
                bounds: Some((lo, hi)),
            }),
            families: 4,
            counts: counts.map(|(pct, instructions, branches, ll_misses)| CountSummary {
                instructions_percent: pct,
                extra: PerNnz {
                    instructions,
                    branches,
                    ll_misses,
                },
                families: 4,
            }),
            checks: Some(CheckCount {
                surviving: 5,
                inner: 4,
                unknown: 0,
            }),
        }
    }

    #[test]
    fn within_noise_only_when_the_interval_contains_no_difference() {
        assert_eq!(
            verdict(&summary(
                Some((1.02, 0.97, 1.08)),
                Some((0.2, 0.01, 0.0, 0.0))
            )),
            "safe within noise of raw"
        );
        assert_eq!(
            verdict(&summary(
                Some((1.02, 0.97, 1.08)),
                Some((5.0, 0.5, 0.25, 0.0))
            )),
            "safe within noise of raw (though it executes +5.00 % instructions)",
            "a counted cost the noise hides is named"
        );
    }

    #[test]
    fn a_measurable_cost_is_explained_by_the_counts() {
        assert_eq!(
            verdict(&summary(Some((1.3, 1.2, 1.4)), Some((20.0, 2.0, 2.1, 0.5)))),
            "safe 1.30x raw: +2.00 instructions and +2.10 branches per nonzero (+20.0 %), +0.500 last-level misses per nonzero, 4 checks survive inside its \
             inner loops"
        );
        assert_eq!(
            verdict(&summary(
                Some((1.05, 1.02, 1.08)),
                Some((0.5, 0.05, 0.0, 0.0))
            )),
            "safe +5.00 % over raw: its instructions are within 1 % of raw's, so the checks do \
             not explain it, 4 checks survive inside its inner loops"
        );
        assert_eq!(
            verdict(&summary(
                Some((0.8, 0.75, 0.85)),
                Some((-3.0, -0.3, 0.0, 0.0))
            )),
            "safe 1.25x faster than raw: -0.300 instructions and 0 branches per nonzero (-3.00 %)",
            "checks in inner loops are not offered as the reason for being faster"
        );
        assert_eq!(
            verdict(&summary(Some((0.95, 0.93, 0.97)), None)),
            "safe 5.00 % faster than raw"
        );
    }

    #[test]
    fn without_wall_time_the_counts_speak() {
        assert_eq!(
            verdict(&summary(None, Some((0.4, 0.04, 0.0, 0.0)))),
            "safe executes the same instructions as raw (within 1 %; no wall time)"
        );
        assert_eq!(
            verdict(&summary(None, Some((12.0, 1.2, 0.5, 0.0)))),
            "safe executes +1.20 instructions and +0.500 branches per nonzero (+12.0 %) (no wall time)"
        );
        assert_eq!(verdict(&summary(None, None)), "safe: not measured");
    }

    #[test]
    fn a_row_at_1e6_appears_only_when_measured() {
        let t = |id: &str, ns: f64| Timing {
            id: BenchId::parse(id).unwrap(),
            ns,
            interval: Some((ns * 0.99, ns * 1.01)),
            equal: None,
        };
        let bench = [
            t("permute/uniform/raw/32/1000000", 1000.0),
            t("permute/uniform/safe/32/1000000", 2000.0),
            t("permute/uniform/safe/64/100000", 2000.0),
        ];
        let rows = headline_rows(&bench, &[], &[]);
        let sizes: Vec<(&str, u64)> = rows.iter().map(|r| (r.kernel, r.nnz)).collect();
        assert_eq!(sizes.len(), kernels().len() + 1);
        assert!(sizes.contains(&("permute", 1_000_000)));
        let row = rows.iter().find(|r| r.nnz == 1_000_000).unwrap();
        assert_eq!(
            row.verdict(),
            "checked: not measured; safe 2.00x raw.",
            "no checks data, no claim about them"
        );
        let html = headline_section(&rows).unwrap();
        assert_eq!(
            html.matches("<tr>").count(),
            1 + kernels().len(),
            "one row per kernel"
        );
        assert!(
            html.contains(
                "<td>permute\n1e5: 0 / 0 families\n1e6: 1 / 0 families</td>\
                 <td class=\"missing\">not run</td><td>1e6: +100 % (+96.0 … +104)</td>"
            ),
            "{html}"
        );
        assert!(html.contains(
            "checked: not measured; safe: not measured. At 1e6: checked: not measured; safe \
             2.00x raw.</td>"
        ));
    }
}
