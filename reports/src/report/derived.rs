//! Figures derived from the measurements, as pure functions: a variant's time over raw's with its
//! interval, the deterministic counts per nonzero against raw, the surviving checks of a variant
//! file, and the medians over families the headline shows.
//!
//! Every comparison pairs a variant with `raw` on the same matrix: same kernel, family, index
//! width and nominal nnz.

use std::collections::BTreeMap;

use super::bench::{BenchId, Timing};
use super::data::{CheckFile, CountRow};
use super::timing::RAW;

/// A variant's mean time over raw's on the same matrix, with the interval propagated from the
/// two means' confidence intervals.
///
/// The propagation is conservative: with `[lo_v, hi_v]` and `[lo_r, hi_r]` the intervals of the
/// two means, the ratio lies in `[lo_v / hi_r, hi_v / lo_r]` whenever both means lie in theirs.
/// Two 95 % intervals give at least 90 % coverage (a union bound over the two misses).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ratio {
    /// `t_variant / t_raw` of the two means.
    pub point: f64,
    /// `(lower, upper)` bounds of the ratio; `None` when either mean has no interval.
    pub bounds: Option<(f64, f64)>,
}

impl Ratio {
    /// `variant` over `raw` (both means positive, as [`Timing`] guarantees).
    pub fn of(variant: &Timing, raw: &Timing) -> Ratio {
        Ratio {
            point: variant.ns / raw.ns,
            bounds: variant
                .interval
                .zip(raw.interval)
                .map(|((lo_v, hi_v), (lo_r, hi_r))| (lo_v / hi_r, hi_v / lo_r)),
        }
    }

    /// The overhead in percent, `(ratio − 1) × 100`.
    pub fn percent(&self) -> f64 {
        (self.point - 1.0) * 100.0
    }

    /// The interval of [`Ratio::percent`].
    pub fn percent_bounds(&self) -> Option<(f64, f64)> {
        self.bounds
            .map(|(lo, hi)| ((lo - 1.0) * 100.0, (hi - 1.0) * 100.0))
    }

    /// Whether the interval excludes "no difference" (a ratio of 1); `None` without an interval.
    pub fn measurable(&self) -> Option<bool> {
        self.bounds.map(|(lo, hi)| !(lo <= 1.0 && 1.0 <= hi))
    }
}

/// The median of `values` (the mean of the middle two for an even count); `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2.0),
    }
}

/// The headline's summary of per-family ratios: the median of the point ratios, with the
/// interval spanning the median of the lower bounds to the median of the upper bounds. The
/// interval is left out unless every family has one. `None` when `ratios` is empty.
pub fn median_ratio(ratios: &[Ratio]) -> Option<Ratio> {
    let points: Vec<f64> = ratios.iter().map(|r| r.point).collect();
    let bounds: Option<Vec<(f64, f64)>> = ratios.iter().map(|r| r.bounds).collect();
    Some(Ratio {
        point: median(&points)?,
        bounds: bounds.and_then(|b| {
            let lo: Vec<f64> = b.iter().map(|&(lo, _)| lo).collect();
            let hi: Vec<f64> = b.iter().map(|&(_, hi)| hi).collect();
            Some((median(&lo)?, median(&hi)?))
        }),
    })
}

/// A benchmark id with the variant replaced: the same matrix measured in another variant.
pub fn sibling(id: &BenchId, variant: &str) -> BenchId {
    BenchId {
        variant: variant.to_owned(),
        ..id.clone()
    }
}

/// Every timing of a variant other than raw, paired with its ratio over raw on the same matrix;
/// timings without a raw partner are left out.
pub fn ratios_over_raw(timings: &[Timing]) -> BTreeMap<BenchId, Ratio> {
    let by_id: BTreeMap<&BenchId, &Timing> = timings.iter().map(|t| (&t.id, t)).collect();
    by_id
        .iter()
        .filter(|(id, _)| id.variant != RAW)
        .filter_map(|(&id, &t)| {
            let raw = by_id.get(&sibling(id, RAW))?;
            Some((id.clone(), Ratio::of(t, raw)))
        })
        .collect()
}

/// One count record with its parsed id and its figures per nonzero.
#[derive(Debug, Clone, PartialEq)]
pub struct Counted {
    /// The measured id.
    pub id: BenchId,
    /// The input's actual stored entries.
    pub nnz: u64,
    /// The counts per nonzero.
    pub per_nnz: PerNnz,
    /// What this variant executes beyond raw on the same matrix (`None` for raw itself and
    /// where raw was not counted).
    pub vs_raw: Option<Extra>,
}

/// Counts per stored nonzero of the input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerNnz {
    /// Instructions per nonzero.
    pub instructions: f64,
    /// Conditional branches per nonzero.
    pub branches: f64,
    /// Last-level cache misses per nonzero.
    pub ll_misses: f64,
}

impl PerNnz {
    fn of(c: &CountRow) -> PerNnz {
        let n = c.nnz.max(1) as f64;
        PerNnz {
            instructions: c.instructions as f64 / n,
            branches: c.branches as f64 / n,
            ll_misses: c.ll_misses as f64 / n,
        }
    }
}

/// A variant's counts beyond raw's on the same matrix.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extra {
    /// Per nonzero: the variant's counts minus raw's, over the input's nnz.
    pub per_nnz: PerNnz,
    /// Instructions over raw's, in percent: `(Ir / Ir_raw − 1) × 100`.
    pub instructions_percent: f64,
}

/// Pairs every count record with raw's on the same matrix. Records with an id of another shape
/// are returned as skipped, with the reason.
pub fn counted(results: &[CountRow]) -> (Vec<Counted>, Vec<String>) {
    let mut skipped = Vec::new();
    let mut by_id: BTreeMap<BenchId, &CountRow> = BTreeMap::new();
    for r in results {
        match BenchId::parse(&r.id) {
            Some(id) => {
                by_id.insert(id, r);
            }
            None => skipped.push(format!(
                "{}: not a <kernel>/<family>/<variant>/<index>/<nnz> id",
                r.id
            )),
        }
    }
    let records = by_id
        .iter()
        .map(|(id, &c)| {
            let vs_raw = (id.variant != RAW)
                .then(|| by_id.get(&sibling(id, RAW)))
                .flatten()
                .map(|&raw| extra(c, raw));
            Counted {
                id: id.clone(),
                nnz: c.nnz,
                per_nnz: PerNnz::of(c),
                vs_raw,
            }
        })
        .collect();
    (records, skipped)
}

/// `variant`'s counts beyond `raw`'s, per nonzero of the variant's input.
fn extra(variant: &CountRow, raw: &CountRow) -> Extra {
    let n = variant.nnz.max(1) as f64;
    let diff = |v: u64, r: u64| (v as f64 - r as f64) / n;
    Extra {
        per_nnz: PerNnz {
            instructions: diff(variant.instructions, raw.instructions),
            branches: diff(variant.branches, raw.branches),
            ll_misses: diff(variant.ll_misses, raw.ll_misses),
        },
        instructions_percent: (variant.instructions as f64 / raw.instructions.max(1) as f64 - 1.0)
            * 100.0,
    }
}

/// The surviving checks of one kernel's variant file(s).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckCount {
    /// Lines whose bounds check survived the optimiser.
    pub surviving: usize,
    /// Of those, lines inside an inner loop.
    pub inner: usize,
    /// Of those, lines where `scripts/asm-checks` could not tell.
    pub unknown: usize,
}

/// The surviving checks of `kernel`'s `variant` file; `None` when no such file was examined.
pub fn check_count(files: &[CheckFile], kernel: &str, variant: &str) -> Option<CheckCount> {
    files
        .iter()
        .filter(|f| f.kernel == kernel && f.variant == variant)
        .fold(None, |acc: Option<CheckCount>, f| {
            let mut c = acc.unwrap_or_default();
            c.surviving += f.checks.len();
            c.inner += f
                .checks
                .iter()
                .filter(|c| c.inner_loop == Some(true))
                .count();
            c.unknown += f.checks.iter().filter(|c| c.inner_loop.is_none()).count();
            Some(c)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing(id: &str, ns: f64, interval: Option<(f64, f64)>) -> Timing {
        Timing {
            id: BenchId::parse(id).unwrap(),
            ns,
            interval,
            equal: None,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn the_ratio_interval_is_the_conservative_quotient() {
        let raw = timing("t/u/raw/32/10", 100.0, Some((90.0, 110.0)));
        let safe = timing("t/u/safe/32/10", 130.0, Some((120.0, 140.0)));
        let r = Ratio::of(&safe, &raw);
        assert!(close(r.percent(), 30.0));
        let (lo, hi) = r.percent_bounds().unwrap();
        // 120 / 110 = 1.0909..., 140 / 90 = 1.5555...
        assert!(
            close(lo, 100.0 * (120.0 / 110.0 - 1.0)) && close(hi, 100.0 * (140.0 / 90.0 - 1.0))
        );
        assert_eq!(r.measurable(), Some(true));
        let close_call = timing("t/u/safe/32/10", 105.0, Some((95.0, 115.0)));
        assert_eq!(Ratio::of(&close_call, &raw).measurable(), Some(false));
        let peer = timing("t/u/qutip/32/10", 105.0, None);
        assert_eq!(Ratio::of(&peer, &raw).measurable(), None);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        let r = |point, lo, hi| Ratio {
            point,
            bounds: Some((lo, hi)),
        };
        let m = median_ratio(&[r(1.1, 1.0, 1.3), r(1.5, 1.4, 1.6), r(0.9, 0.7, 1.2)]).unwrap();
        assert_eq!((m.point, m.bounds), (1.1, Some((1.0, 1.3))));
        let partial = median_ratio(&[
            r(1.0, 0.9, 1.1),
            Ratio {
                point: 2.0,
                bounds: None,
            },
        ])
        .unwrap();
        assert_eq!((partial.point, partial.bounds), (1.5, None));
    }

    #[test]
    fn ratios_pair_each_variant_with_raw_of_the_same_matrix() {
        let t = [
            timing("t/u/raw/32/10", 100.0, None),
            timing("t/u/checked/32/10", 120.0, None),
            timing("t/u/checked/64/10", 120.0, None),
            timing("t/b/safe/32/10", 120.0, None),
        ];
        let r = ratios_over_raw(&t);
        assert_eq!(r.len(), 1, "only checked u32 on u has a raw partner");
        assert!(close(r[&t[1].id].percent(), 20.0));
    }

    #[test]
    fn counts_per_nonzero_against_raw() {
        let c = |id: &str, nnz, instructions, branches, ll_misses| CountRow {
            id: id.into(),
            nnz,
            instructions,
            branches,
            branch_misses: 0,
            l1_misses: 0,
            ll_misses,
        };
        let (records, skipped) = counted(&[
            c("t/u/raw/32/100", 100, 1000, 200, 10),
            c("t/u/safe/32/100", 100, 1300, 250, 60),
            c("t/u/checked/64/100", 100, 5000, 900, 0),
            c("bad", 1, 1, 1, 1),
        ]);
        assert_eq!(skipped.len(), 1);
        let safe = records.iter().find(|r| r.id.variant == "safe").unwrap();
        let extra = safe.vs_raw.unwrap();
        assert!(close(extra.per_nnz.instructions, 3.0));
        assert!(close(extra.per_nnz.branches, 0.5));
        assert!(close(extra.per_nnz.ll_misses, 0.5));
        assert!(close(extra.instructions_percent, 30.0));
        assert!(close(safe.per_nnz.instructions, 13.0));
        let raw = records.iter().find(|r| r.id.variant == "raw").unwrap();
        assert_eq!(raw.vs_raw, None);
        let checked = records.iter().find(|r| r.id.variant == "checked").unwrap();
        assert_eq!(checked.vs_raw, None, "no raw u64 counted");
    }
}
