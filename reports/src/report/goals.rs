//! The baseline's goals: whether `raw`, the variant every overhead on the page is measured
//! against, is a fast baseline. Issue 11 set them: a check hidden behind the cache misses of a
//! slow raw kernel would look free, so raw must beat the fastest of sprs, QuTiP and SciPy, stay
//! near the memcpy floor, and the safe variant near raw.
//!
//! Each goal is judged on cells, one per kernel, family, index width and nnz of the report's data
//! (one sitting, criterion's means and `scripts/peers`' medians): per cell for [`Bound::AtLeast`]
//! and [`Bound::AtMost`], on the median over a kernel's cells for [`Bound::MedianAtMost`]. The
//! goals are defined here once: `rawcheck list --json` hands them to `scripts/bench_table.py
//! --targets`, which judges them on the medians of several rounds. T3 (time per nonzero grows at
//! most 1.5x from 1e5 to 1e7, uniform and tensor) needs the full profile: the quick one stops at
//! 1e6, and there both show it as not run.

use rawcheck_kernels::families::Family;
use rawcheck_kernels::{Kernel, Variant};
use serde::Serialize;

use super::bench::Timing;
use super::chart::fmt_axis;
use super::derived::median;
use super::html::{NOT_RUN, esc, table};
use super::timing::{FLOOR, Group, PYTHON_PEERS, Row, SPRS, groups};

/// What a goal compares, per cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// The fastest peer's time over raw's (above 1: raw is faster).
    PeerOverRaw,
    /// Raw's time over the memcpy floor's.
    RawOverFloor,
    /// Safe's time over raw's.
    SafeOverRaw,
    /// Raw's time per nonzero over its time per nonzero at [`GROWTH_FROM`] entries, in the same
    /// family and index width; measured on the [`GROWTH_FAMILIES`] only.
    RawGrowth,
}

/// The size [`Measure::RawGrowth`] starts from.
pub const GROWTH_FROM: u64 = 100_000;

/// The families [`Measure::RawGrowth`] is measured on.
pub const GROWTH_FAMILIES: [Family; 2] = [Family::Uniform, Family::Tensor];

/// One cell: a kernel's timings by variant on one family, index width and nnz, and its timings
/// at [`GROWTH_FROM`] entries (same family and width) where there are some.
#[derive(Clone, Copy)]
struct Cell<'a> {
    kernel: &'a str,
    family: &'a str,
    nnz: u64,
    row: &'a Row<'a>,
    base: Option<&'a Row<'a>>,
}

impl Cell<'_> {
    /// `variant`'s time per nonzero here over its time per nonzero at [`GROWTH_FROM`], on the
    /// [`GROWTH_FAMILIES`] only.
    fn growth(&self, variant: &str) -> Option<f64> {
        if !GROWTH_FAMILIES.iter().any(|f| f.name() == self.family) {
            return None;
        }
        let per_nnz = |row: &Row<'_>, nnz: u64| Some(row.get(variant)?.ns / nnz as f64);
        Some(per_nnz(self.row, self.nnz)? / per_nnz(self.base?, GROWTH_FROM)?)
    }
}

/// The median growth of the memcpy floor over the cells at `nnz` (see [`Cell::growth`]): how
/// much of raw's growth the memory system alone accounts for.
fn floor_growth(cells: &[Cell<'_>], nnz: Option<u64>) -> Option<f64> {
    let growths: Vec<f64> = cells
        .iter()
        .filter(|c| nnz.is_none_or(|want| c.nnz == want))
        .filter_map(|c| c.growth(FLOOR))
        .collect();
    median(&growths)
}

impl Measure {
    /// The ratio's name, as the tables and `scripts/bench_table.py` write it.
    pub const fn name(self) -> &'static str {
        match self {
            Measure::PeerOverRaw => "peer/raw",
            Measure::RawOverFloor => "raw/memcpy",
            Measure::SafeOverRaw => "safe/raw",
            Measure::RawGrowth => "raw/raw at 1e5",
        }
    }

    /// The ratio in one cell, when its terms were measured.
    fn of(self, cell: &Cell<'_>) -> Option<f64> {
        let ns = |variant: &str| cell.row.get(variant).map(|t| t.ns);
        let raw = ns(Variant::Raw.name())?;
        match self {
            Measure::PeerOverRaw => [SPRS]
                .iter()
                .chain(&PYTHON_PEERS)
                .filter_map(|p| ns(p))
                .reduce(f64::min)
                .map(|peer| peer / raw),
            Measure::RawOverFloor => Some(raw / ns(FLOOR)?),
            Measure::SafeOverRaw => Some(ns(Variant::Safe.name())? / raw),
            Measure::RawGrowth => cell.growth(Variant::Raw.name()),
        }
    }
}

/// What a goal asks of its ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bound {
    /// Every cell at least this.
    AtLeast(f64),
    /// Every cell at most `all`, reshape's at most `reshape` where it has its own bound (T2:
    /// reshape only rewrites indices).
    AtMost {
        /// The bound of every kernel but reshape.
        all: f64,
        /// reshape's own bound, if any.
        reshape: Option<f64>,
    },
    /// The median over a kernel's cells at most this.
    MedianAtMost(f64),
}

/// One goal of the raw kernels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Goal {
    /// The name for it: `T1` to `T4`.
    pub name: &'static str,
    /// The ratio it judges.
    pub measure: Measure,
    /// The cells' nnz; `None`: every size measured.
    pub nnz: Option<u64>,
    /// What the ratio must reach.
    pub bound: Bound,
}

/// The goals, in table order.
pub const GOALS: [Goal; 5] = [
    Goal {
        name: "T1",
        measure: Measure::PeerOverRaw,
        nnz: Some(1_000_000),
        bound: Bound::AtLeast(2.0),
    },
    Goal {
        name: "T1",
        measure: Measure::PeerOverRaw,
        nnz: Some(100_000),
        bound: Bound::AtLeast(1.5),
    },
    Goal {
        name: "T2",
        measure: Measure::RawOverFloor,
        nnz: Some(1_000_000),
        bound: Bound::AtMost {
            all: 4.0,
            reshape: Some(1.5),
        },
    },
    Goal {
        name: "T3",
        measure: Measure::RawGrowth,
        nnz: Some(10_000_000),
        bound: Bound::AtMost {
            all: 1.5,
            reshape: None,
        },
    },
    Goal {
        name: "T4",
        measure: Measure::SafeOverRaw,
        nnz: None,
        bound: Bound::MedianAtMost(1.10),
    },
];

/// A goal as `rawcheck list --json` writes it: the bound's kind is the key of its number
/// (`at_least`, `at_most` with `reshape_at_most` where reshape has its own, or
/// `median_at_most`); a growth goal also names the size it starts from and its families.
#[derive(Debug, Serialize)]
pub struct GoalJson {
    name: &'static str,
    ratio: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    nnz: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    from_nnz: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    families: Option<[&'static str; GROWTH_FAMILIES.len()]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_least: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_most: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reshape_at_most: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    median_at_most: Option<f64>,
}

impl Goal {
    /// ` at 1e6`, or nothing for a goal on every size.
    fn at(&self) -> String {
        self.nnz
            .map_or_else(String::new, |n| format!(" at {}", fmt_axis(n as f64)))
    }

    /// The column heading: `T1 at 1e6: peer/raw >= 2`.
    pub fn heading(&self) -> String {
        let bound = match self.bound {
            Bound::AtLeast(v) => format!(">= {v}"),
            Bound::AtMost { all, reshape } => match reshape {
                Some(r) => format!("<= {all} (reshape {r})"),
                None => format!("<= {all}"),
            },
            Bound::MedianAtMost(v) => format!("median <= {v:.2}"),
        };
        format!(
            "{}{}: {} {bound}",
            self.name,
            self.at(),
            self.measure.name()
        )
    }

    /// The goal in words: `raw at least 2x faster than the fastest peer at 1e6`.
    pub fn phrase(&self) -> String {
        let at = self.at();
        match (self.measure, self.bound) {
            (Measure::PeerOverRaw, Bound::AtLeast(v)) => {
                format!("raw at least {v}x faster than the fastest of sprs, QuTiP and SciPy{at}")
            }
            (
                Measure::RawOverFloor,
                Bound::AtMost {
                    all,
                    reshape: Some(r),
                },
            ) => {
                format!("raw within {all}x of the memcpy floor (reshape {r}x){at}")
            }
            (Measure::RawGrowth, Bound::AtMost { all, reshape: None }) => {
                let families = GROWTH_FAMILIES.map(Family::name).join(" and ");
                let from = fmt_axis(GROWTH_FROM as f64);
                format!("raw's time per nonzero{at} at most {all}x its time at {from} ({families})")
            }
            (Measure::SafeOverRaw, Bound::MedianAtMost(v)) => {
                format!("safe within {v:.2}x of raw in the median{at}")
            }
            _ => self.heading(),
        }
    }

    /// The goal for `rawcheck list --json`.
    pub fn json(&self) -> GoalJson {
        let mut g = GoalJson {
            name: self.name,
            ratio: self.measure.name(),
            nnz: self.nnz,
            from_nnz: None,
            families: None,
            at_least: None,
            at_most: None,
            reshape_at_most: None,
            median_at_most: None,
        };
        match self.bound {
            Bound::AtLeast(v) => g.at_least = Some(v),
            Bound::AtMost { all, reshape } => (g.at_most, g.reshape_at_most) = (Some(all), reshape),
            Bound::MedianAtMost(v) => g.median_at_most = Some(v),
        }
        if self.measure == Measure::RawGrowth {
            g.from_nnz = Some(GROWTH_FROM);
            g.families = Some(GROWTH_FAMILIES.map(Family::name));
        }
        g
    }

    /// The goal on a set of cells' ratios (each with its kernel): `None` when there is none.
    pub fn judge(&self, ratios: &[(&str, f64)]) -> Option<Verdict> {
        let values: Vec<f64> = ratios.iter().map(|&(_, r)| r).collect();
        let cells = |met: &dyn Fn(&str, f64) -> bool, worst: fn(f64, f64) -> f64| {
            Some(Verdict::Cells {
                met: ratios.iter().filter(|&&(k, r)| met(k, r)).count(),
                cells: ratios.len(),
                worst: values.iter().copied().reduce(worst)?,
            })
        };
        match self.bound {
            Bound::AtLeast(least) => cells(&|_, r| r >= least, f64::min),
            Bound::AtMost { all, reshape } => cells(
                &|k, r| {
                    r <= reshape
                        .filter(|_| k == Kernel::Reshape.name())
                        .unwrap_or(all)
                },
                f64::max,
            ),
            Bound::MedianAtMost(most) => {
                let median = median(&values)?;
                Some(Verdict::Median {
                    median,
                    met: median <= most,
                })
            }
        }
    }
}

/// How a set of cells fares against one goal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// A per-cell goal: `met` of `cells` cells meet it; `worst` is the ratio farthest from it.
    Cells {
        /// Cells meeting the goal.
        met: usize,
        /// Cells measured.
        cells: usize,
        /// The lowest ratio of an at-least goal, the highest of an at-most one.
        worst: f64,
    },
    /// A goal on the median.
    Median {
        /// The median ratio.
        median: f64,
        /// Whether it meets the goal.
        met: bool,
    },
}

impl Verdict {
    /// `5/8 met (worst 1.43)` or `1.21 (not met)`.
    pub fn text(&self) -> String {
        match *self {
            Verdict::Cells { met, cells, worst } => format!("{met}/{cells} met (worst {worst:.2})"),
            Verdict::Median { median, met } => {
                format!("{median:.2} ({})", if met { "met" } else { "not met" })
            }
        }
    }
}

/// A verdict on each goal of [`GOALS`], in order.
pub type Verdicts = [Option<Verdict>; GOALS.len()];

/// The cells of `groups`, in their order.
fn cells<'a>(groups: &'a [Group<'a>]) -> Vec<Cell<'a>> {
    groups
        .iter()
        .flat_map(|g| {
            g.rows.iter().map(|(&(index, nnz), row)| Cell {
                kernel: g.kernel,
                family: g.family,
                nnz,
                row,
                base: g.rows.get(&(index, GROWTH_FROM)),
            })
        })
        .collect()
}

/// Per kernel (page order) and then `all`: the verdict on every goal of [`GOALS`], `None` where no
/// cell of the kernel measured the goal's ratio.
pub fn goal_rows(bench: &[Timing], peers: &[Timing]) -> Vec<(String, Verdicts)> {
    let groups = groups(bench.iter().chain(peers));
    rows_of(&cells(&groups))
}

/// [`goal_rows`] on the cells already formed.
fn rows_of(cells: &[Cell<'_>]) -> Vec<(String, Verdicts)> {
    let ratios = |goal: &Goal, kernel: Option<&str>| -> Vec<(&str, f64)> {
        cells
            .iter()
            .filter(|c| {
                kernel.is_none_or(|want| c.kernel == want)
                    && goal.nnz.is_none_or(|want| c.nnz == want)
            })
            .filter_map(|c| Some((c.kernel, goal.measure.of(c)?)))
            .collect()
    };
    // The groups come in page order, so each kernel's cells are contiguous.
    let mut measured: Vec<&str> = cells.iter().map(|c| c.kernel).collect();
    measured.dedup();
    let mut rows: Vec<(String, Verdicts)> = measured
        .into_iter()
        .map(|k| (k.to_owned(), GOALS.map(|g| g.judge(&ratios(&g, Some(k))))))
        .collect();
    if !rows.is_empty() {
        rows.push(("all".into(), GOALS.map(|g| g.judge(&ratios(&g, None)))));
    }
    rows
}

/// A verdict's cell text, or "not run" where there is none.
fn verdict_text(verdict: Option<Verdict>) -> String {
    verdict.map_or_else(|| NOT_RUN.to_owned(), |v| v.text())
}

/// The goals' table (empty when no kernel was timed).
pub fn goals_table(bench: &[Timing], peers: &[Timing]) -> String {
    let rows = goal_rows(bench, peers);
    if rows.is_empty() {
        return String::new();
    }
    let mut header = vec!["kernel".to_owned()];
    header.extend(GOALS.iter().map(Goal::heading));
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|(kernel, verdicts)| {
            let mut row = vec![kernel.clone()];
            row.extend(verdicts.iter().copied().map(verdict_text));
            row
        })
        .collect();
    table(
        "Is raw a fast baseline? Issue 11's goals per kernel, over the cells (family x index width) \
         of this data",
        &header,
        &body,
    )
}

/// The headline's paragraph on the baseline: every goal over all cells of the data, in words, and
/// where the per-kernel table is (empty when no kernel was timed).
pub fn baseline_sentence(bench: &[Timing], peers: &[Timing]) -> String {
    let groups = groups(bench.iter().chain(peers));
    let cells = cells(&groups);
    let Some((_, all)) = rows_of(&cells).pop() else {
        return String::new();
    };
    let items: String = GOALS
        .iter()
        .zip(all)
        .map(|(goal, verdict)| {
            let floor = (goal.measure == Measure::RawGrowth && verdict.is_some())
                .then(|| floor_growth(&cells, goal.nnz))
                .flatten()
                .map_or_else(String::new, |g| {
                    format!("; the memcpy floor's own growth: {g:.2} in the median")
                });
            format!(
                "<li>{}: {}{}</li>\n",
                esc(&goal.phrase()),
                esc(&verdict_text(verdict)),
                esc(&floor)
            )
        })
        .collect();
    format!(
        "<p class=\"note\"><b>The baseline.</b> Every cost above is measured against \
         <code>raw</code>, so raw must be fast: a check hidden behind the cache misses of a slow \
         kernel would look free. Issue 11's goals, over every kernel, family and index width of \
         this data (per kernel: <a href=\"#peers\">Against sprs, QuTiP and SciPy</a>):</p>\n\
         <ul class=\"note\">\n{items}</ul>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_is_judged_against_the_fastest_peer_measured() {
        let timings = |times: &[(&str, f64)]| -> Vec<Timing> {
            times
                .iter()
                .map(|&(v, ns)| Timing::at(&format!("transpose/uniform/{v}/32/1000"), ns))
                .collect()
        };
        fn row(timings: &[Timing]) -> Row<'_> {
            timings.iter().map(|t| (t.id.variant.as_str(), t)).collect()
        }
        let of = |measure: Measure, timings: &[Timing]| {
            let row = row(timings);
            let cell = Cell {
                kernel: "transpose",
                family: "uniform",
                nnz: 1000,
                row: &row,
                base: None,
            };
            measure.of(&cell)
        };
        let cell = timings(&[("raw", 100.0), ("sprs", 300.0), ("qutip", 250.0)]);
        assert_eq!(of(Measure::PeerOverRaw, &cell), Some(2.5));
        assert_eq!(of(Measure::SafeOverRaw, &cell), None, "no safe timing");
        assert_eq!(of(Measure::RawOverFloor, &cell), None, "no floor");
        assert_eq!(of(Measure::RawGrowth, &cell), None, "no timing at 1e5");
        let no_raw = timings(&[("sprs", 300.0), ("memcpy", 10.0)]);
        assert_eq!(of(Measure::PeerOverRaw, &no_raw), None);
        assert_eq!(of(Measure::RawOverFloor, &no_raw), None);
        let no_peer = timings(&[("raw", 100.0), ("memcpy", 25.0), ("safe", 110.0)]);
        assert_eq!(of(Measure::PeerOverRaw, &no_peer), None);
        assert_eq!(of(Measure::RawOverFloor, &no_peer), Some(4.0));
        assert_eq!(of(Measure::SafeOverRaw, &no_peer), Some(1.1));
    }

    #[test]
    fn growth_is_per_nonzero_from_1e5_on_uniform_and_tensor_only() {
        let bench: Vec<Timing> = ["uniform", "tensor", "banded"]
            .iter()
            .flat_map(|family| {
                [
                    Timing::at(&format!("transpose/{family}/raw/32/100000"), 2e5),
                    Timing::at(&format!("transpose/{family}/memcpy/32/100000"), 5e4),
                    Timing::at(&format!("transpose/{family}/raw/32/10000000"), 6e7),
                    Timing::at(&format!("transpose/{family}/memcpy/32/10000000"), 2e7),
                ]
            })
            .chain([
                // 64-bit has no 1e5 cell to grow from.
                Timing::at("transpose/uniform/raw/64/10000000", 9e7),
                Timing::at("permute/tensor/raw/32/100000", 4e5),
                Timing::at("permute/tensor/raw/32/10000000", 5e7),
            ])
            .collect();
        let rows = goal_rows(&bench, &[]);
        let t3 = GOALS.iter().position(|g| g.measure == Measure::RawGrowth);
        let verdict = |kernel: &str| {
            let (_, verdicts) = rows.iter().find(|(k, _)| k == kernel).unwrap();
            verdicts[t3.unwrap()]
        };
        // 6 ns per nonzero at 1e7 against 2 at 1e5: 3x, on uniform and tensor (not banded).
        assert_eq!(
            verdict("transpose"),
            Some(Verdict::Cells {
                met: 0,
                cells: 2,
                worst: 3.0
            })
        );
        // 5 against 4: 1.25x.
        assert_eq!(verdict("permute").unwrap().text(), "1/1 met (worst 1.25)");
        let sentence = baseline_sentence(&bench, &[]);
        // The floor: 2 ns per nonzero at 1e7 against 0.5 at 1e5 on both families.
        assert!(
            sentence.contains(
                "at most 1.5x its time at 1e5 (uniform and tensor): 1/3 met (worst 3.00); the \
                 memcpy floor&#39;s own growth: 4.00 in the median"
            ),
            "{sentence}"
        );
        let quick = goal_rows(&bench[..2], &[]);
        assert_eq!(quick[0].1[t3.unwrap()], None, "no 1e7 cell: not run");
    }

    #[test]
    fn each_bound_counts_its_cells_and_names_the_worst() {
        let [t1, _, t2, t3, t4] = GOALS;
        assert_eq!(
            t1.judge(&[("transpose", 2.5), ("permute", 1.9), ("permute", 2.0)]),
            Some(Verdict::Cells {
                met: 2,
                cells: 3,
                worst: 1.9
            })
        );
        // reshape only rewrites indices: its bound is 1.5x memcpy, every other kernel's 4x.
        assert_eq!(
            t2.judge(&[
                ("reshape", 1.4),
                ("reshape", 1.6),
                ("transpose", 3.9),
                ("transpose", 4.1)
            ]),
            Some(Verdict::Cells {
                met: 2,
                cells: 4,
                worst: 4.1
            })
        );
        assert_eq!(
            t4.judge(&[("permute", 1.3), ("permute", 1.0), ("reshape", 1.2)]),
            Some(Verdict::Median {
                median: 1.2,
                met: false
            })
        );
        assert_eq!(
            t4.judge(&[("permute", 1.05)]).map(|v| v.text()),
            Some("1.05 (met)".into())
        );
        // T3 has no bound of its own for reshape.
        assert_eq!(
            t3.judge(&[("reshape", 1.6), ("transpose", 1.5)])
                .map(|v| v.text()),
            Some("1/2 met (worst 1.60)".into())
        );
        assert_eq!(t1.judge(&[]), None);
        assert_eq!(t4.judge(&[]), None);
    }

    #[test]
    fn rows_follow_page_order_end_with_all_and_keep_each_goal_to_its_size() {
        let bench = [
            Timing::at("permute/uniform/raw/32/1000000", 1e6),
            Timing::at("permute/uniform/sprs/32/1000000", 3e6),
            Timing::at("permute/uniform/memcpy/32/1000000", 2e5),
            Timing::at("permute/uniform/safe/32/1000000", 1.1e6),
            Timing::at("permute/tensor/raw/64/100000", 1e5),
            Timing::at("permute/tensor/safe/64/100000", 1e5),
            Timing::at("reshape/banded/raw/32/1000000", 1e6),
            Timing::at("reshape/banded/memcpy/32/1000000", 5e5),
        ];
        let peers = [Timing::at("permute/uniform/qutip/32/1000000", 2.5e6)];
        let rows = goal_rows(&bench, &peers);
        let text = |row: &Verdicts| row.map(|v| v.map(|v| v.text()));
        let kernels: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kernels, ["reshape", "permute", "all"]);
        assert_eq!(
            text(&rows[1].1),
            [
                Some("1/1 met (worst 2.50)".into()),
                None,
                Some("0/1 met (worst 5.00)".into()),
                None,
                Some("1.05 (met)".into()),
            ]
        );
        assert_eq!(
            text(&rows[2].1),
            [
                Some("1/1 met (worst 2.50)".into()),
                None,
                Some("0/2 met (worst 5.00)".into()),
                None,
                Some("1.05 (met)".into()),
            ]
        );
        assert!(
            goal_rows(&[], &peers).len() == 2,
            "peers alone still form cells"
        );
        assert!(goal_rows(&[], &[]).is_empty());
        assert_eq!(goals_table(&[], &[]), "");
        assert_eq!(baseline_sentence(&[], &[]), "");
    }

    #[test]
    fn the_json_names_each_bound_by_its_kind() {
        let json = serde_json::to_value(GOALS.map(|g| g.json())).unwrap();
        assert_eq!(
            json[2],
            serde_json::json!({"name": "T2", "ratio": "raw/memcpy", "nnz": 1_000_000,
                "at_most": 4.0, "reshape_at_most": 1.5})
        );
        assert_eq!(
            json[3],
            serde_json::json!({"name": "T3", "ratio": "raw/raw at 1e5", "nnz": 10_000_000,
                "from_nnz": 100_000, "families": ["uniform", "tensor"], "at_most": 1.5})
        );
        assert_eq!(
            json[4],
            serde_json::json!({"name": "T4", "ratio": "safe/raw", "median_at_most": 1.1})
        );
        assert_eq!(
            GOALS[1].heading(),
            "T1 at 1e5: peer/raw >= 1.5",
            "the same words as scripts/bench_table.py's ratios"
        );
    }
}
