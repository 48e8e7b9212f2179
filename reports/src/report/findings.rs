//! The `detectors` section (bug x detector matrix) and the `fuzz` section (execs/s per sanitizer).

use std::collections::BTreeMap;
use std::io;

use plotters::style::RGBColor;
use rawcheck_kernels::Detector;
use rawcheck_kernels::bugs::CATALOGUE;

use super::chart::{
    BarChart, BarSeries, MatrixCell, MatrixChart, bar_chart, fmt_num, matrix_chart,
};
use super::data::{FuzzStat, HuntCell};
use super::html::{NOT_RUN, figure, table};
use super::timing::rank;

/// The seeded bugs, in row order.
fn bug_order() -> [&'static str; 8] {
    CATALOGUE.map(|b| b.id)
}
/// The detectors, in column order.
fn detector_order() -> [&'static str; 8] {
    Detector::ALL.map(Detector::name)
}
/// Outcomes and their colours, in legend order; anything else is drawn like `error`.
const OUTCOMES: [(&str, RGBColor); 4] = [
    ("detected", RGBColor(141, 211, 158)),
    ("missed", RGBColor(244, 166, 166)),
    ("prevented", RGBColor(158, 203, 240)),
    ("error", RGBColor(247, 215, 116)),
];
const NOT_RUN_FILL: RGBColor = RGBColor(224, 224, 224);
/// What fills the bug hunt data.
pub const BUGHUNT_COMMAND: &str = "scripts/bughunt --quick";
/// What fills the fuzzing data.
pub const FUZZ_COMMAND: &str = "scripts/fuzz-all --seconds 30";

/// Canonical names first in their order, then the others by name.
fn ordered<'a>(canonical: &[&'a str], seen: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut all: Vec<&'a str> = canonical.iter().copied().chain(seen).collect();
    all.sort_by_key(|s| (rank(canonical, s), *s));
    all.dedup();
    all
}

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".to_owned())
}

/// `detectors`: every bug against every detector, coloured by outcome, with the median time to
/// detect; a pair without a cell is "not run". When a pair occurs twice, the later cell wins.
pub fn detectors_section(cells: &[HuntCell]) -> io::Result<String> {
    let by_pair: BTreeMap<(&str, &str), &HuntCell> = cells
        .iter()
        .map(|c| ((c.bug.as_str(), c.detector.as_str()), c))
        .collect();
    let bugs = ordered(&bug_order(), cells.iter().map(|c| c.bug.as_str()));
    let detectors = ordered(&detector_order(), cells.iter().map(|c| c.detector.as_str()));
    let matrix = bugs
        .iter()
        .map(|&bug| {
            detectors
                .iter()
                .map(|&detector| match by_pair.get(&(bug, detector)) {
                    None => MatrixCell {
                        fill: NOT_RUN_FILL,
                        text: NOT_RUN.into(),
                    },
                    Some(c) => MatrixCell {
                        fill: OUTCOMES
                            .iter()
                            .find(|(o, _)| *o == c.outcome)
                            .map_or(OUTCOMES[3].1, |&(_, fill)| fill),
                        text: match (c.outcome.as_str(), c.seconds) {
                            ("detected", Some(s)) => format!("{} s", fmt_num(s)),
                            (outcome, _) => outcome.to_owned(),
                        },
                    },
                })
                .collect()
        })
        .collect();
    let mut legend: Vec<(String, RGBColor)> =
        OUTCOMES.iter().map(|&(o, c)| (o.to_owned(), c)).collect();
    legend[0].0 = "detected (median s)".into();
    legend.push((NOT_RUN.into(), NOT_RUN_FILL));
    let svg = matrix_chart(&MatrixChart {
        title: "Seeded bugs against detectors: outcome and median time to detect (s)".into(),
        x_label: "detector".into(),
        y_label: "seeded bug".into(),
        rows: bugs.iter().map(|s| s.to_string()).collect(),
        cols: detectors.iter().map(|s| s.to_string()).collect(),
        cells: matrix,
        legend,
    })?;
    let header = [
        "bug",
        "detector",
        "outcome",
        "median (s)",
        "min–max (s)",
        "execs",
        "repeats",
        "message",
        "artifact",
        "tool version",
    ]
    .map(String::from);
    let key = |c: &HuntCell| {
        (
            rank(&bug_order(), &c.bug),
            c.bug.clone(),
            rank(&detector_order(), &c.detector),
            c.detector.clone(),
        )
    };
    let mut listed: Vec<&HuntCell> = by_pair.into_values().collect();
    listed.sort_by_key(|c| key(c));
    let rows: Vec<Vec<String>> = listed
        .into_iter()
        .map(|c| {
            vec![
                c.bug.clone(),
                c.detector.clone(),
                c.outcome.clone(),
                or_dash(c.seconds.map(fmt_num)),
                or_dash(
                    c.seconds_min
                        .zip(c.seconds_max)
                        .map(|(a, b)| format!("{}–{}", fmt_num(a), fmt_num(b))),
                ),
                or_dash(c.execs.map(|e| e.to_string())),
                or_dash(c.repeats.map(|r| r.to_string())),
                or_dash(c.message.clone()),
                or_dash(c.artifact.clone()),
                or_dash(c.tool_version.clone()),
            ]
        })
        .collect();
    Ok(figure(
        &svg,
        &table("Every cell of the bug hunt", &header, &rows),
    ))
}

/// Legend text and colour of a sanitizer.
fn sanitizer_style(sanitizer: &str) -> (String, RGBColor) {
    match sanitizer {
        "address" => ("ASan (-s address)".into(), RGBColor(213, 94, 0)),
        "none" => ("no sanitizer (-s none)".into(), RGBColor(0, 114, 178)),
        other => (format!("-s {other}"), RGBColor(136, 34, 85)),
    }
}

/// `fuzz`: execs/s of every target under each sanitizer, and ASan's slowdown (none ÷ address).
/// When a (target, sanitizer) pair occurs twice, the later run wins.
pub fn fuzz_section(stats: &[FuzzStat]) -> io::Result<String> {
    let by_pair: BTreeMap<(&str, &str), &FuzzStat> = stats
        .iter()
        .map(|s| ((s.target.as_str(), s.sanitizer.as_str()), s))
        .collect();
    let targets = ordered(&[], stats.iter().map(|s| s.target.as_str()));
    let sanitizers = ordered(
        &["address", "none"],
        stats.iter().map(|s| s.sanitizer.as_str()),
    );
    let series = sanitizers
        .iter()
        .map(|&san| {
            let (label, color) = sanitizer_style(san);
            let values = targets
                .iter()
                .map(|&t| by_pair.get(&(t, san)).map(|s| s.execs_per_sec))
                .collect();
            BarSeries {
                label,
                color,
                values,
                intervals: Vec::new(),
            }
        })
        .collect();
    let svg = bar_chart(&BarChart {
        title: "Fuzzing throughput per target, with and without ASan".into(),
        x_label: "fuzz target".into(),
        y_label: "executions per second (execs/s)".into(),
        categories: targets.iter().map(|s| s.to_string()).collect(),
        series,
    })?;
    let header = [
        "target",
        "sanitizer",
        "execs/s",
        "coverage (cov)",
        "run (s)",
        "ASan slowdown (none ÷ address)",
    ]
    .map(String::from);
    let mut rows = Vec::new();
    for &target in &targets {
        for &san in &sanitizers {
            let Some(s) = by_pair.get(&(target, san)) else {
                rows.push(vec![
                    target.into(),
                    san.into(),
                    NOT_RUN.into(),
                    NOT_RUN.into(),
                    NOT_RUN.into(),
                    "—".into(),
                ]);
                continue;
            };
            let slowdown = match (san, by_pair.get(&(target, "none"))) {
                ("address", Some(none)) => {
                    format!("{}×", fmt_num(none.execs_per_sec / s.execs_per_sec))
                }
                _ => "—".into(),
            };
            rows.push(vec![
                target.into(),
                san.into(),
                fmt_num(s.execs_per_sec),
                or_dash(s.cov.map(|c| c.to_string())),
                or_dash(s.seconds.map(fmt_num)),
                slowdown,
            ]);
        }
    }
    Ok(figure(
        &svg,
        &table("Fuzzing runs per target and sanitizer", &header, &rows),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(bug: &str, detector: &str, outcome: &str, seconds: Option<f64>) -> HuntCell {
        HuntCell {
            bug: bug.into(),
            detector: detector.into(),
            outcome: outcome.into(),
            seconds,
            ..HuntCell::default()
        }
    }

    #[test]
    fn canonical_names_come_first() {
        assert_eq!(
            ordered(&["b", "a"], ["z", "a", "c"].into_iter()),
            ["b", "a", "c", "z"]
        );
    }

    #[test]
    fn the_matrix_covers_every_pair_and_the_later_cell_wins() {
        let cells = [
            cell("B1", "fuzz-asan", "missed", None),
            cell("B1", "fuzz-asan", "detected", Some(1.9)),
            cell("B9", "my-detector", "exotic", Some(3.0)),
        ];
        let html = detectors_section(&cells)
            .unwrap()
            .replace(">\n", ">")
            .replace("\n<", "<");
        assert!(
            html.contains(">1.90 s<"),
            "the later, detected cell is drawn"
        );
        assert_eq!(html.matches(">missed<").count(), 1, "only in the legend");
        assert!(
            html.contains(">B9<") && html.contains(">my-detector<") && html.contains(">exotic<")
        );
        // 9 bugs x 9 detectors, two of them measured.
        assert_eq!(
            html.matches(">not run<").count(),
            81 - 2 + 1,
            "79 cells and the legend"
        );
        assert_eq!(
            html.matches("<tr>").count(),
            1 + 2,
            "header and the two cells"
        );
    }

    #[test]
    fn asan_slowdown_is_none_over_address() {
        let stat = |target: &str, sanitizer: &str, execs_per_sec| FuzzStat {
            target: target.into(),
            sanitizer: sanitizer.into(),
            execs_per_sec,
            cov: None,
            seconds: None,
        };
        let html = fuzz_section(&[
            stat("t", "address", 250.0),
            stat("t", "none", 1000.0),
            stat("u", "none", 7.0),
        ])
        .unwrap();
        assert!(html.contains("<td>4.00×</td>"), "{html}");
        assert!(html.contains("<td>u</td><td>address</td><td class=\"missing\">not run</td>"));
    }
}
