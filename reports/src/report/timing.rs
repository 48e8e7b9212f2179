//! The three timing sections: `overhead`, `floor` and `peers`.
//!
//! Timings are grouped by kernel and matrix family; each group gives one chart over nnz, with one
//! series per variant and index width (colour = variant, marker = index width), and one table row
//! per index width and nnz.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use plotters::style::RGBColor;
use rawcheck_kernels::families::Family;
use rawcheck_kernels::{Kernel, Variant};

use super::bench::Timing;
use super::chart::{LineChart, Marker, Series, fmt_num, fmt_signed, line_chart};
use super::derived::Ratio;
use super::html::{NOT_RUN, esc, figure, not_run, table};

/// The kernels every section accounts for, in page order.
pub fn kernels() -> [&'static str; 6] {
    Kernel::ALL.map(Kernel::name)
}

/// Generated families in page order (`file-<name>` families follow, by name).
pub fn families() -> [&'static str; 4] {
    Family::ALL.map(Family::name)
}

/// The variant every other is compared with.
pub const RAW: &str = Variant::Raw.name();
/// The variants compared with [`RAW`].
const COMPARED: [&str; 2] = [Variant::Checked.name(), Variant::Safe.name()];
/// The memcpy floor's series (a bench "variant" that copies the arrays).
pub(super) const FLOOR: &str = "memcpy";
/// The sprs peer, measured by the benchmarks.
pub(super) const SPRS: &str = "sprs";
/// The Python peers, measured by scripts/peers.
pub(super) const PYTHON_PEERS: [&str; 2] = ["qutip", "scipy"];

/// Variants in legend and column order: rawcheck's, the floor, then the peers.
fn variant_order() -> Vec<&'static str> {
    Variant::ALL
        .map(Variant::name)
        .into_iter()
        .chain([FLOOR, SPRS])
        .chain(PYTHON_PEERS)
        .collect()
}
/// What fills the benchmark data.
pub const BENCH_COMMAND: &str = "scripts/bench quick";
/// What fills the peers data.
pub const PEERS_COMMAND: &str = "scripts/peers";
const X_LABEL: &str = "nnz (stored nonzeros, log scale)";

/// Position of `s` in `order`, unknown names last (then by name, as callers sort by `(rank, name)`).
pub fn rank(order: &[&str], s: &str) -> usize {
    order.iter().position(|o| *o == s).unwrap_or(order.len())
}

/// A value's `(lower, upper)` bounds, if it has them.
type Interval = Option<(f64, f64)>;

/// The timings of one (index width, nnz), by variant.
pub(super) type Row<'a> = BTreeMap<&'a str, &'a Timing>;

/// All timings of one kernel on one family.
pub(super) struct Group<'a> {
    pub(super) kernel: &'a str,
    pub(super) family: &'a str,
    /// `(index, nnz)` -> variant -> timing; the last timing of an id wins.
    pub(super) rows: BTreeMap<(u32, u64), Row<'a>>,
}

impl<'a> Group<'a> {
    /// The variants measured in this group, in legend order, restricted to `wanted`.
    fn variants(&self, wanted: &[&str]) -> Vec<&'a str> {
        let present: BTreeSet<&'a str> =
            self.rows.values().flat_map(|r| r.keys().copied()).collect();
        let mut v: Vec<&'a str> = present.into_iter().filter(|v| wanted.contains(v)).collect();
        let order = variant_order();
        v.sort_by_key(|v| rank(&order, v));
        v
    }

    fn indices(&self) -> BTreeSet<u32> {
        self.rows.keys().map(|&(index, _)| index).collect()
    }

    /// One series per variant and index width: `y(row, timing)` for each row holding the variant,
    /// a value with its interval if it has one.
    fn series(
        &self,
        variants: &[&str],
        y: impl Fn(&Row<'a>, &Timing) -> Option<(f64, Interval)>,
    ) -> Vec<Series> {
        let mut out = Vec::new();
        for &variant in variants {
            for index in self.indices() {
                let values: Vec<(f64, f64, Interval)> = self
                    .rows
                    .iter()
                    .filter(|((i, _), _)| *i == index)
                    .filter_map(|(&(_, nnz), row)| {
                        let (v, interval) = y(row, row.get(variant)?)?;
                        Some((nnz as f64, v, interval))
                    })
                    .collect();
                let points = values.iter().map(|&(x, v, _)| (x, v)).collect();
                let whiskers = values
                    .iter()
                    .filter_map(|&(x, _, interval)| interval.map(|(lo, hi)| (x, lo, hi)))
                    .collect();
                out.push(Series {
                    label: format!("{variant} u{index}"),
                    color: variant_color(variant),
                    marker: match index {
                        32 => Marker::Circle,
                        64 => Marker::Triangle,
                        _ => Marker::Cross,
                    },
                    dashed: variant == FLOOR,
                    points,
                    whiskers,
                });
            }
        }
        out
    }

    /// Table rows `[nnz, index, cells...]`, one per (index, nnz).
    fn table_rows(&self, cells: impl Fn(&Row<'a>) -> Vec<String>) -> Vec<Vec<String>> {
        let mut rows: Vec<_> = self.rows.iter().collect();
        rows.sort_by_key(|((index, nnz), _)| (*index, *nnz));
        rows.into_iter()
            .map(|(&(index, nnz), row)| {
                let mut r = vec![nnz.to_string(), format!("u{index}")];
                r.extend(cells(row));
                r
            })
            .collect()
    }
}

/// The colour of a variant, the same in every chart (Okabe–Ito palette; memcpy grey).
pub fn variant_color(variant: &str) -> RGBColor {
    match (variant.parse::<Variant>(), variant) {
        (Ok(Variant::Raw), _) => RGBColor(0, 114, 178),
        (Ok(Variant::Checked), _) => RGBColor(213, 94, 0),
        (Ok(Variant::Safe), _) => RGBColor(0, 158, 115),
        (_, FLOOR) => RGBColor(90, 90, 90),
        (_, SPRS) => RGBColor(204, 121, 167),
        (_, "qutip") => RGBColor(230, 159, 0),
        (_, "scipy") => RGBColor(86, 180, 233),
        _ => RGBColor(136, 34, 85),
    }
}

/// Groups timings by kernel and family, in page order.
pub(super) fn groups<'a>(timings: impl Iterator<Item = &'a Timing>) -> Vec<Group<'a>> {
    type Key<'a> = ((usize, &'a str), (usize, bool, &'a str));
    let mut by: BTreeMap<Key<'a>, BTreeMap<(u32, u64), Row<'a>>> = BTreeMap::new();
    for t in timings {
        let id = &t.id;
        let kernel = (rank(&kernels(), &id.kernel), id.kernel.as_str());
        let family = (
            rank(&families(), &id.family),
            id.family.starts_with("file-"),
            id.family.as_str(),
        );
        by.entry((kernel, family))
            .or_default()
            .entry((id.index, id.nnz))
            .or_default()
            .insert(id.variant.as_str(), t);
    }
    by.into_iter()
        .map(|(((_, kernel), (_, _, family)), rows)| Group {
            kernel,
            family,
            rows,
        })
        .collect()
}

/// Items (a chart with its table, or a table) folded under one `<details>` per kernel (closed, its
/// summary saying how many `noun`s it holds), after one "not run" notice naming every kernel of
/// [`kernels()`] that has none.
pub fn per_kernel(charts: Vec<(&str, String)>, noun: &str, command: &str) -> String {
    let mut by_kernel: BTreeMap<(usize, &str), (usize, String)> = BTreeMap::new();
    for (kernel, html) in charts {
        let entry = by_kernel
            .entry((rank(&kernels(), kernel), kernel))
            .or_default();
        entry.0 += 1;
        entry.1.push_str(&html);
    }
    let missing: Vec<&str> = kernels()
        .into_iter()
        .filter(|&k| !by_kernel.contains_key(&(rank(&kernels(), k), k)))
        .collect();
    let mut out = String::new();
    if !missing.is_empty() {
        out.push_str(&not_run(&missing.join(", "), command));
    }
    for ((_, kernel), (n, html)) in by_kernel {
        let plural = if n == 1 { "" } else { "s" };
        out.push_str(&format!(
            "<details>\n<summary>{}: {n} {noun}{plural}</summary>\n{html}</details>\n",
            esc(kernel)
        ));
    }
    out
}

fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| NOT_RUN.to_owned(), fmt_num)
}

fn per_nnz(row: &Row<'_>, variant: &str) -> Option<f64> {
    row.get(variant).map(|t| t.ns / t.id.nnz as f64)
}

/// `variant` over `raw` in this row.
fn ratio(row: &Row<'_>, variant: &str) -> Option<Ratio> {
    Some(Ratio::of(row.get(variant)?, row.get(RAW)?))
}

/// What a reader sees for "no difference within the intervals".
pub const NO_DIFFERENCE: &str = "no measurable difference";

/// A signed percentage, `+15.0 %`.
pub fn fmt_percent(p: f64) -> String {
    format!("{} %", fmt_signed(p))
}

/// An overhead with its interval: `+15.0 % (+12.1 … +17.9)`, or [`NO_DIFFERENCE`] with the
/// interval when it contains 0, or the number marked "no interval" when there is none.
pub fn fmt_overhead(r: &Ratio) -> String {
    match (r.measurable(), r.percent_bounds()) {
        (Some(true), Some((lo, hi))) => format!(
            "{} ({} … {})",
            fmt_percent(r.percent()),
            fmt_signed(lo),
            fmt_signed(hi)
        ),
        (Some(false), Some((lo, hi))) => {
            format!(
                "{NO_DIFFERENCE} ({} … {} %)",
                fmt_signed(lo),
                fmt_signed(hi)
            )
        }
        _ => format!("{} (no interval)", fmt_percent(r.percent())),
    }
}

/// `overhead`: per kernel and family, the overhead of `checked` and `safe` over `raw`, in percent.
pub fn overhead_section(bench: &[Timing]) -> io::Result<String> {
    let mut charts = Vec::new();
    for g in groups(bench.iter()) {
        let compared = g.variants(&COMPARED);
        let series = g.series(&compared, |row, t| {
            let r = ratio(row, &t.id.variant)?;
            Some((r.percent(), r.percent_bounds()))
        });
        if series.iter().all(|s| s.points.is_empty()) {
            continue;
        }
        let svg = line_chart(&LineChart {
            title: format!(
                "{} on {}: overhead of the checks over raw",
                g.kernel, g.family
            ),
            x_label: X_LABEL.into(),
            y_label: "overhead over raw (%)".into(),
            log_y: false,
            series,
        })?;
        let mut header: Vec<String> = vec!["nnz".into(), "index".into(), format!("{RAW} (ns)")];
        header.extend(compared.iter().map(|v| format!("{v} (ns)")));
        header.extend(
            compared
                .iter()
                .map(|v| format!("{v} overhead (%, interval)")),
        );
        let rows =
            g.table_rows(|row| {
                let mut cells = vec![cell(row.get(RAW).map(|t| t.ns))];
                cells.extend(compared.iter().map(|v| cell(row.get(v).map(|t| t.ns))));
                cells.extend(compared.iter().map(|v| {
                    ratio(row, v).map_or_else(|| NOT_RUN.to_owned(), |r| fmt_overhead(&r))
                }));
                cells
            });
        let caption = format!(
            "{} on {}: mean time per call and overhead over raw with its interval",
            g.kernel, g.family
        );
        charts.push((g.kernel, figure(&svg, &table(&caption, &header, &rows))));
    }
    Ok(per_kernel(charts, "chart", BENCH_COMMAND))
}

/// `floor`: per kernel and family, ns per nonzero of every variant with the memcpy floor.
pub fn floor_section(bench: &[Timing]) -> io::Result<String> {
    let mut charts = Vec::new();
    for g in groups(bench.iter()) {
        let variants = g.variants(&[&Variant::ALL.map(Variant::name)[..], &[FLOOR, SPRS]].concat());
        let series = g.series(&variants, |_, t| Some((t.ns / t.id.nnz as f64, None)));
        charts.push((
            g.kernel,
            per_nnz_figure(
                &g,
                &variants,
                series,
                "time per nonzero and the memcpy floor",
            )?,
        ));
    }
    Ok(per_kernel(charts, "chart", BENCH_COMMAND))
}

/// `peers`: per kernel and family, rawcheck's variants against sprs, QuTiP and SciPy, ns per nonzero.
pub fn peers_section(bench: &[Timing], peers: &[Timing]) -> io::Result<String> {
    let mut charts = Vec::new();
    for g in groups(bench.iter().chain(peers)) {
        if g.variants(&[&[SPRS][..], &PYTHON_PEERS].concat())
            .is_empty()
        {
            continue;
        }
        let variants =
            g.variants(&[&Variant::ALL.map(Variant::name)[..], &[SPRS], &PYTHON_PEERS].concat());
        let series = g.series(&variants, |_, t| Some((t.ns / t.id.nnz as f64, None)));
        charts.push((
            g.kernel,
            per_nnz_figure(&g, &variants, series, "rawcheck against its peers")?,
        ));
    }
    Ok(per_kernel(charts, "chart", PEERS_COMMAND))
}

/// A ns-per-nonzero chart with its table (and, when peers were compared, whether they agreed).
fn per_nnz_figure(
    g: &Group<'_>,
    variants: &[&str],
    series: Vec<Series>,
    what: &str,
) -> io::Result<String> {
    let svg = line_chart(&LineChart {
        title: format!("{} on {}: {what}", g.kernel, g.family),
        x_label: X_LABEL.into(),
        y_label: "time per nonzero (ns, log scale)".into(),
        log_y: true,
        series,
    })?;
    let compared = g
        .rows
        .values()
        .flat_map(|r| r.values())
        .any(|t| t.equal.is_some());
    let mut header = vec!["nnz".to_owned(), "index".to_owned()];
    header.extend(variants.iter().map(|v| format!("{v} (ns/nnz)")));
    if compared {
        header.push("peer output equals rawcheck's".into());
    }
    let rows = g.table_rows(|row| {
        let mut cells: Vec<String> = variants.iter().map(|v| cell(per_nnz(row, v))).collect();
        if compared {
            let verdicts: Vec<String> = row
                .iter()
                .filter_map(|(v, t)| Some(format!("{v}: {}", if t.equal? { "yes" } else { "NO" })))
                .collect();
            cells.push(verdicts.join(", "));
        }
        cells
    });
    let caption = format!(
        "{} on {}: mean time per stored nonzero (ns)",
        g.kernel, g.family
    );
    Ok(figure(&svg, &table(&caption, &header, &rows)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_page_order() {
        let timings = [
            Timing::at("zeta/uniform/raw/32/10", 1.0),
            Timing::at("permute/file-m/raw/32/10", 1.0),
            Timing::at("permute/tensor/raw/32/10", 1.0),
            Timing::at("reshape/uniform/raw/64/10", 1.0),
            Timing::at("permute/uniform/raw/32/10", 1.0),
        ];
        let order: Vec<_> = groups(timings.iter())
            .iter()
            .map(|g| (g.kernel, g.family))
            .collect();
        assert_eq!(
            order,
            [
                ("reshape", "uniform"),
                ("permute", "uniform"),
                ("permute", "tensor"),
                ("permute", "file-m"),
                ("zeta", "uniform")
            ]
        );
    }

    #[test]
    fn overhead_is_relative_to_raw_of_the_same_row() {
        let timings = [
            Timing::at("transpose/uniform/raw/32/1000", 200.0),
            Timing::at("transpose/uniform/checked/32/1000", 250.0),
            Timing::at("transpose/uniform/safe/32/1000", 190.0),
            Timing::at("transpose/uniform/checked/64/1000", 999.0),
        ];
        let g = &groups(timings.iter())[0];
        let row = &g.rows[&(32, 1000)];
        fn overhead(row: &Row<'_>, variant: &str) -> Option<f64> {
            ratio(row, variant).map(|r| r.percent())
        }
        let rounded = |v: Option<f64>| v.map(|v| (v * 1e9).round() / 1e9);
        assert_eq!(rounded(overhead(row, "checked")), Some(25.0));
        assert_eq!(rounded(overhead(row, "safe")), Some(-5.0));
        assert_eq!(
            overhead(&g.rows[&(64, 1000)], "checked"),
            None,
            "no raw u64 to compare with"
        );
        let series = g.series(&["checked"], |row, t| {
            Some((overhead(row, &t.id.variant)?, None))
        });
        let labels: Vec<_> = series
            .iter()
            .map(|s| (s.label.as_str(), s.points.len()))
            .collect();
        assert_eq!(labels, [("checked u32", 1), ("checked u64", 0)]);
    }

    #[test]
    fn overheads_carry_their_interval_or_say_there_is_none() {
        let r = |point, bounds| fmt_overhead(&Ratio { point, bounds });
        assert_eq!(r(1.25, Some((1.125, 1.5))), "+25.0 % (+12.5 … +50.0)");
        assert_eq!(r(0.8, Some((0.75, 0.9))), "-20.0 % (-25.0 … -10.0)");
        assert_eq!(
            r(1.02, Some((0.99, 1.05))),
            "no measurable difference (-1.00 … +5.00 %)"
        );
        assert_eq!(r(1.5, None), "+50.0 % (no interval)");
    }

    #[test]
    fn kernels_without_data_are_not_run() {
        let html = overhead_section(&[Timing::at("transpose/uniform/raw/32/1000", 200.0)]).unwrap();
        assert!(
            html.contains(
                "reshape, transpose, column_stack, column_unstack, permute, permute_indices: \
                 not run — run <code>scripts/bench quick</code>"
            ),
            "raw alone gives no overhead chart: {html}"
        );
        assert_eq!(html.matches("not run").count(), 1, "one notice");
        assert!(!html.contains("<svg"));
    }
}
