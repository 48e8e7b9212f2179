//! The `mutants` section: how well the detectors kill generated mutants (one-change bugs of the
//! raw variants, the plans, `Csr::new` and the reader), from `mutants.json` (the campaign's
//! cells) and `mutants-triage.json` (the committed classification of the survivors).
//!
//! A detector's kill rate is counted over the mutants it ran on (`detected` or `missed`): the
//! campaign stops at the first detector that kills a mutant and gives only the undecided ones to
//! the slow detectors, so each rate states its own denominator and a 95 % Wilson interval. The
//! time to detect is shown the FuzzBench/Magma way: per detector, the fraction of its mutants
//! killed within `t` seconds.

use std::collections::{BTreeMap, BTreeSet};
use std::io;

use plotters::style::RGBColor;
use rawcheck_kernels::Detector;

use super::chart::{
    BarChart, BarSeries, LineChart, Marker, Series, bar_chart, fmt_num, line_chart,
};
use super::data::{MutantCell, Triage};
use super::html::{figure, table};
use super::timing::rank;

/// What fills the mutants data.
pub const MUTANTS_COMMAND: &str = "scripts/mutants --quick";

/// Shortest time drawn on the logarithmic time axis, seconds.
const MIN_SECONDS: f64 = 0.01;
/// The outcome of a cell whose detector killed its mutant.
const KILLED: &str = "detected";
/// The outcome of a cell whose detector ran to its budget without a report.
const SURVIVED: &str = "missed";

/// Line colours, one per detector in order (colour-blind safe, Okabe-Ito).
const COLORS: [RGBColor; 9] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(230, 159, 0),
    RGBColor(0, 0, 0),
    RGBColor(136, 34, 85),
    RGBColor(117, 112, 179),
];

/// The 95 % Wilson score interval of `k` successes in `n` trials, as fractions; `None` when
/// `n == 0`.
pub fn wilson(k: usize, n: usize) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (k, n, z) = (k as f64, n as f64, 1.959_964);
    let z2 = z * z;
    let center = (k + z2 / 2.0) / (n + z2);
    let half = z / (n + z2) * (k * (n - k) / n + z2 / 4.0).sqrt();
    Some(((center - half).max(0.0), (center + half).min(1.0)))
}

/// The part of the code a location (`kernels/src/<part>/...` or `kernels/src/<part>.rs`) is in:
/// a kernel's folder, `csr`, `mtx`, ...
pub fn area(location: &str) -> String {
    let path = location.split(':').next().unwrap_or(location);
    let rest = path.strip_prefix("kernels/src/").unwrap_or(path);
    let first = rest.split('/').next().unwrap_or(rest);
    first.strip_suffix(".rs").unwrap_or(first).to_owned()
}

/// The kill count of one group of mutants.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Mutants the group ran on with a verdict (killed or survived).
    pub ran: usize,
    /// Mutants killed.
    pub killed: usize,
    /// Seconds to each kill.
    pub times: Vec<f64>,
}

impl Tally {
    fn add(&mut self, killed: bool, seconds: Option<f64>) {
        self.ran += 1;
        if killed {
            self.killed += 1;
            self.times.extend(seconds);
        }
    }

    /// `killed / ran` in percent with its Wilson interval: "87 % (80–92 %, 45 of 52)".
    pub fn rate(&self) -> String {
        match wilson(self.killed, self.ran) {
            None => "—".into(),
            Some((lo, hi)) => format!(
                "{:.0} % ({:.0}–{:.0} %, {} of {})",
                100.0 * self.killed as f64 / self.ran as f64,
                100.0 * lo,
                100.0 * hi,
                self.killed,
                self.ran
            ),
        }
    }
}

/// Every mutant's verdict over all detectors: killed by one, survived all it ran against, or no
/// verdict (only errors or skips).
#[derive(Debug, Clone, PartialEq)]
pub struct MutantVerdict<'a> {
    /// The mutant's first cell (id, operator, location, change).
    pub cell: &'a MutantCell,
    /// The fastest detector that killed it, with its seconds.
    pub killed_by: Option<(&'a str, Option<f64>)>,
    /// Whether at least one detector ran to a verdict on it.
    pub decided: bool,
}

/// Per mutant (in id order), whether any detector killed it. When a (mutant, detector) pair
/// occurs twice, the later cell wins.
pub fn verdicts(cells: &[MutantCell]) -> Vec<MutantVerdict<'_>> {
    let mut by_mutant: BTreeMap<&str, BTreeMap<&str, &MutantCell>> = BTreeMap::new();
    for c in cells {
        by_mutant
            .entry(c.mutant.as_str())
            .or_default()
            .insert(c.detector.as_str(), c);
    }
    by_mutant
        .into_values()
        .map(|by_detector| {
            let first = *by_detector.values().next().expect("a mutant has a cell");
            let killed_by = by_detector
                .values()
                .filter(|c| c.outcome == KILLED)
                .min_by(|a, b| {
                    let t = |c: &MutantCell| c.seconds.unwrap_or(f64::INFINITY);
                    t(a).total_cmp(&t(b))
                })
                .map(|c| (c.detector.as_str(), c.seconds));
            let decided = by_detector
                .values()
                .any(|c| c.outcome == KILLED || c.outcome == SURVIVED);
            MutantVerdict {
                cell: first,
                killed_by,
                decided,
            }
        })
        .collect()
}

/// The detectors in column order: the hunt's, then any other (such as `tests`) by name.
fn detector_order(cells: &[MutantCell]) -> Vec<String> {
    let canonical = Detector::ALL.map(Detector::name);
    let seen: BTreeSet<&str> = cells.iter().map(|c| c.detector.as_str()).collect();
    let mut all: Vec<&str> = seen.into_iter().collect();
    all.sort_by_key(|d| (rank(&canonical, d), *d));
    all.into_iter().map(str::to_owned).collect()
}

/// Per detector: its tally over the mutants it ran on (the later cell of a repeated pair wins).
pub fn per_detector(cells: &[MutantCell]) -> BTreeMap<String, Tally> {
    let mut last: BTreeMap<(&str, &str), &MutantCell> = BTreeMap::new();
    for c in cells {
        last.insert((c.detector.as_str(), c.mutant.as_str()), c);
    }
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for ((detector, _), c) in last {
        if c.outcome == KILLED || c.outcome == SURVIVED {
            out.entry(detector.to_owned())
                .or_default()
                .add(c.outcome == KILLED, c.seconds);
        }
    }
    out
}

/// `mutants`: the kill rate of each detector and of the whole harness, the time-to-detect curves,
/// the kill rate per operator and per code area, and every survivor with its classification.
pub fn mutants_section(cells: &[MutantCell], triage: &[Triage]) -> io::Result<String> {
    let detectors = detector_order(cells);
    let tallies = per_detector(cells);
    let all = verdicts(cells);
    let triaged: BTreeMap<&str, &Triage> = triage.iter().map(|t| (t.mutant.as_str(), t)).collect();
    let equivalent = |m: &str| triaged.get(m).is_some_and(|t| t.class == "equivalent");

    // The harness as a whole, over the decided mutants that are not proven equivalent.
    let mut harness = Tally::default();
    let (mut by_operator, mut by_area) = (
        BTreeMap::<String, Tally>::new(),
        BTreeMap::<String, Tally>::new(),
    );
    for v in all
        .iter()
        .filter(|v| v.decided && !equivalent(&v.cell.mutant))
    {
        let seconds = v.killed_by.and_then(|(_, s)| s);
        harness.add(v.killed_by.is_some(), seconds);
        by_operator
            .entry(v.cell.operator.clone())
            .or_default()
            .add(v.killed_by.is_some(), seconds);
        by_area
            .entry(area(&v.cell.location))
            .or_default()
            .add(v.killed_by.is_some(), seconds);
    }

    let mut out = format!(
        "<p><b>The harness as a whole kills {}</b> of the mutants it decided that are not \
         proven equivalent ({} mutants in the data, {} without a verdict).</p>\n",
        harness.rate(),
        all.len(),
        all.iter().filter(|v| !v.decided).count()
    );
    let header = [
        "detector",
        "kill rate (95 % Wilson interval)",
        "median s to kill",
    ]
    .map(String::from);
    let rows: Vec<Vec<String>> = detectors
        .iter()
        .map(|d| {
            let t = tallies.get(d).cloned().unwrap_or_default();
            vec![
                d.clone(),
                t.rate(),
                median(&t.times).map_or("—".into(), fmt_num),
            ]
        })
        .collect();
    out.push_str(&figure(
        &ttd_chart(&detectors, &tallies)?,
        &table(
            "Kill rate per detector, over the mutants it ran on",
            &header,
            &rows,
        ),
    ));
    out.push_str(&rate_figure("operator", &by_operator)?);
    out.push_str(&rate_figure("code area", &by_area)?);
    out.push_str(&survivors_table(&all, &triaged));
    Ok(out)
}

fn median(xs: &[f64]) -> Option<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => None,
        n if n % 2 == 1 => Some(v[n / 2]),
        n => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The cumulative share of each detector's mutants killed within `t` seconds, as steps, each
/// held flat to the slowest kill of any detector.
fn ttd_chart(detectors: &[String], tallies: &BTreeMap<String, Tally>) -> io::Result<String> {
    let end = tallies
        .values()
        .flat_map(|t| t.times.iter().copied())
        .fold(MIN_SECONDS, f64::max);
    let series = detectors
        .iter()
        .enumerate()
        .filter_map(|(i, d)| {
            let t = tallies.get(d)?;
            let mut times = t
                .times
                .iter()
                .map(|s| s.max(MIN_SECONDS))
                .collect::<Vec<_>>();
            times.sort_by(f64::total_cmp);
            let share = |k: usize| 100.0 * k as f64 / t.ran as f64;
            let mut points = Vec::new();
            for (k, &s) in times.iter().enumerate() {
                points.extend([(s, share(k)), (s, share(k + 1))]);
            }
            if times.last().is_some_and(|&last| last < end) {
                points.push((end, share(times.len())));
            }
            Some(Series {
                label: format!("{d} ({} of {})", t.killed, t.ran),
                color: COLORS[i % COLORS.len()],
                marker: Marker::Circle,
                dashed: false,
                points,
                whiskers: Vec::new(),
            })
        })
        .collect();
    line_chart(&LineChart {
        title: "Mutants killed within t seconds, per detector".into(),
        x_label: "time to detect t (s)".into(),
        y_label: "killed (% of the mutants it ran on)".into(),
        log_y: false,
        series,
    })
}

/// The harness's kill rate per group (operator or code area), bars with Wilson whiskers.
fn rate_figure(what: &str, groups: &BTreeMap<String, Tally>) -> io::Result<String> {
    let names: Vec<String> = groups.keys().cloned().collect();
    let tallies: Vec<&Tally> = groups.values().collect();
    let percent = |t: &Tally| 100.0 * t.killed as f64 / t.ran as f64;
    let svg = bar_chart(&BarChart {
        title: format!("Mutants killed by the harness, per {what}"),
        x_label: what.into(),
        y_label: "killed (%)".into(),
        categories: names.clone(),
        series: vec![BarSeries {
            label: "harness (95 % Wilson)".into(),
            color: COLORS[0],
            values: tallies.iter().map(|t| Some(percent(t))).collect(),
            intervals: tallies
                .iter()
                .map(|t| wilson(t.killed, t.ran).map(|(lo, hi)| (100.0 * lo, 100.0 * hi)))
                .collect(),
        }],
    })?;
    let header = [what, "kill rate (95 % Wilson interval)"].map(String::from);
    let rows: Vec<Vec<String>> = names
        .iter()
        .zip(&tallies)
        .map(|(n, t)| vec![n.clone(), t.rate()])
        .collect();
    Ok(figure(
        &svg,
        &table(&format!("Kill rate per {what}"), &header, &rows),
    ))
}

/// Every decided mutant no detector killed, with its classification (`unknown` until triaged).
fn survivors_table(all: &[MutantVerdict<'_>], triaged: &BTreeMap<&str, &Triage>) -> String {
    let header = ["mutant", "operator", "location", "change", "class", "why"].map(String::from);
    let rows: Vec<Vec<String>> = all
        .iter()
        .filter(|v| v.decided && v.killed_by.is_none())
        .map(|v| {
            let c = v.cell;
            let (class, why) = triaged.get(c.mutant.as_str()).map_or(
                ("unknown".to_owned(), "not yet classified".to_owned()),
                |t| (t.class.clone(), t.why.clone()),
            );
            vec![
                c.mutant.clone(),
                c.operator.clone(),
                c.location.clone(),
                c.change.clone().unwrap_or_else(|| "—".into()),
                class,
                why,
            ]
        })
        .collect();
    if rows.is_empty() {
        return "<p>No survivor: every decided mutant was killed.</p>\n".into();
    }
    table(
        "Survivors: killed by no detector (equivalent, or a hole in the harness)",
        &header,
        &rows,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(mutant: &str, detector: &str, outcome: &str, seconds: Option<f64>) -> MutantCell {
        MutantCell {
            mutant: mutant.into(),
            operator: "cmp-boundary".into(),
            location: "kernels/src/reshape/raw.rs:40".into(),
            change: Some("`<` → `<=`".into()),
            detector: detector.into(),
            outcome: outcome.into(),
            seconds,
            execs: None,
            message: None,
            artifact: None,
            tool_version: None,
        }
    }

    #[test]
    fn wilson_matches_the_textbook_values() {
        // 8 of 10: 0.490..0.943 (Wilson 1927, z = 1.96).
        let (lo, hi) = wilson(8, 10).unwrap();
        assert!(
            (lo - 0.4902).abs() < 1e-3 && (hi - 0.9433).abs() < 1e-3,
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 5).unwrap();
        assert!(lo == 0.0 && (hi - 0.4345).abs() < 1e-3, "{lo} {hi}");
        let (lo, hi) = wilson(5, 5).unwrap();
        assert!((lo - 0.5655).abs() < 1e-3 && hi == 1.0, "{lo} {hi}");
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn areas_come_from_the_path() {
        assert_eq!(area("kernels/src/reshape/raw.rs:40"), "reshape");
        assert_eq!(area("kernels/src/csr.rs:12"), "csr");
        assert_eq!(area("kernels/src/mtx/read.rs:7"), "mtx");
    }

    #[test]
    fn a_mutant_is_killed_by_its_fastest_detector_and_skips_do_not_count() {
        let cells = [
            cell("m1", "tests", "missed", Some(3.0)),
            cell("m1", "fuzz-asan", "detected", Some(9.0)),
            cell("m1", "miri-tree", "detected", Some(4.0)),
            cell("m2", "tests", "missed", Some(3.0)),
            cell("m2", "fuzz-asan", "missed", Some(60.0)),
            cell("m3", "tests", "error", None),
            cell("m3", "miri-tree", "skipped", None),
        ];
        let v = verdicts(&cells);
        assert_eq!(v.len(), 3);
        assert_eq!(v[0].killed_by, Some(("miri-tree", Some(4.0))));
        assert!(v[1].decided && v[1].killed_by.is_none());
        assert!(!v[2].decided);
        let t = per_detector(&cells);
        assert_eq!((t["tests"].ran, t["tests"].killed), (2, 0));
        assert_eq!((t["fuzz-asan"].ran, t["fuzz-asan"].killed), (2, 1));
        assert_eq!((t["miri-tree"].ran, t["miri-tree"].killed), (1, 1));
    }

    #[test]
    fn the_later_cell_of_a_pair_wins() {
        let cells = [
            cell("m1", "tests", "missed", Some(3.0)),
            cell("m1", "tests", "detected", Some(2.0)),
        ];
        assert_eq!(verdicts(&cells)[0].killed_by, Some(("tests", Some(2.0))));
        assert_eq!(per_detector(&cells)["tests"].killed, 1);
    }

    #[test]
    fn survivors_carry_their_classification_or_unknown() {
        let cells = [
            cell("m1", "tests", "missed", Some(3.0)),
            cell("m2", "tests", "missed", Some(3.0)),
            cell("m3", "tests", "detected", Some(1.0)),
        ];
        let triage = [Triage {
            mutant: "m1".into(),
            class: "equivalent".into(),
            why: "the bound is never reached".into(),
        }];
        let html = mutants_section(&cells, &triage).unwrap();
        assert!(html.contains("the bound is never reached"), "{html}");
        assert!(
            html.contains("<td>m2</td>") && html.contains("unknown"),
            "{html}"
        );
        assert!(!html.contains("<td>m3</td>"), "{html}");
        // m1 is equivalent: the harness kills 1 of the 2 others.
        assert!(html.contains("kills 50 % (9–91 %, 1 of 2)"), "{html}");
    }
}
