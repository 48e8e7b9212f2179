//! The totals of one Callgrind output file (the format Valgrind documents in
//! `callgrind_format`: an `events:` line naming the columns, a `totals:` or `summary:` line).

use std::collections::HashMap;

/// The figures counts.json keeps for one id, from one Callgrind run with `--cache-sim=yes` and
/// `--branch-sim=yes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Instructions executed (`Ir`).
    pub instructions: u64,
    /// Conditional branches executed (`Bc`).
    pub branches: u64,
    /// Conditional branches mispredicted (`Bcm`).
    pub branch_misses: u64,
    /// First-level misses: `I1mr + D1mr + D1mw`.
    pub l1_misses: u64,
    /// Last-level misses: `ILmr + DLmr + DLmw`.
    pub ll_misses: u64,
}

impl Counts {
    /// Reads the totals of a Callgrind output file; an event the file lacks (a run without the
    /// cache or branch simulation) is an error naming it.
    pub fn from_callgrind(text: &str) -> Result<Self, String> {
        let line = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .map(str::split_whitespace)
        };
        let events: Vec<&str> = line("events:").ok_or("no `events:` line")?.collect();
        let totals = line("totals:")
            .or_else(|| line("summary:"))
            .ok_or("no `totals:` or `summary:` line")?
            .map(|n| n.parse::<u64>().map_err(|e| format!("total {n:?}: {e}")))
            .collect::<Result<Vec<_>, _>>()?;
        // Callgrind leaves out trailing zero columns.
        let by_name: HashMap<&str, u64> = events
            .iter()
            .enumerate()
            .map(|(i, &name)| (name, totals.get(i).copied().unwrap_or(0)))
            .collect();
        let get = |name: &str| {
            by_name.get(name).copied().ok_or_else(|| {
                format!(
                    "no event {name} (events: {}): run with --cache-sim=yes --branch-sim=yes",
                    events.join(" ")
                )
            })
        };
        let sum = |names: [&str; 3]| names.iter().map(|n| get(n)).sum::<Result<u64, String>>();
        Ok(Counts {
            instructions: get("Ir")?,
            branches: get("Bc")?,
            branch_misses: get("Bcm")?,
            l1_misses: sum(["I1mr", "D1mr", "D1mw"])?,
            ll_misses: sum(["ILmr", "DLmr", "DLmw"])?,
        })
    }
}
