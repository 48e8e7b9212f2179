//! The HTML report: reads criterion's output and `reports/data/*.json`, writes one self-contained
//! `index.html` with inline SVG charts (no script, no network, opens from disk).
//!
//! Sections, by element id: `headline` (the answer per kernel and the baseline, first), `counts` (instructions,
//! branches and misses per nonzero against raw, surviving checks), `overhead` (checked and safe
//! over raw, % with interval), `floor` (ns per nonzero with the memcpy floor), `peers` (the
//! baseline's goals, then against sprs, QuTiP, SciPy), `detectors` (bug x detector matrix), `fuzz` (execs/s with and without
//! ASan) and `mutants` (kill rates of generated mutants per detector, operator and code area).
//! Each chart has a title, axis labels with units, a legend, and a table of its numbers
//! under it; per-family charts are folded per kernel; where data is missing the page says "not
//! run" and which command produces it.

mod bench;
mod chart;
mod counts;
mod data;
mod derived;
mod findings;
mod goals;
mod headline;
mod html;
mod machine;
mod mutants;
mod timing;

use std::fmt::Write;
use std::fs;
use std::io;
use std::path::PathBuf;
use std::time::SystemTime;

use rawcheck_kernels::output;

pub use bench::{BenchId, Timing, load_criterion, load_peers};
pub use data::{
    Check, CheckFile, CountRow, DataSource, Dataset, FuzzStat, HuntCell, MutantCell, PeerResult,
    Provenance, State, Triage, load_json,
};
pub use derived::{CheckCount, Counted, Extra, PerNnz, Ratio, check_count, counted, median_ratio};
pub use goals::{
    Bound, GOALS, GROWTH_FAMILIES, GROWTH_FROM, Goal, GoalJson, Measure, Verdict, Verdicts,
    goal_rows,
};
pub use headline::{HeadlineRow, VariantSummary, headline_rows, verdict};
pub use machine::{this_machine, utc};
pub use mutants::{Tally, area, wilson};

use counts::{CHECKS_COMMAND, COUNTS_COMMAND, checks_table, counts_tables};
use findings::{BUGHUNT_COMMAND, FUZZ_COMMAND, detectors_section, fuzz_section};
use goals::{baseline_sentence, goals_table};
use headline::{HEADLINE_INDEX, INSTRUCTION_NOISE_PERCENT, LL_MISS_NOTE, headline_section};
use html::{esc, not_run};
use mutants::{MUTANTS_COMMAND, mutants_section};
use timing::{BENCH_COMMAND, PEERS_COMMAND, floor_section, overhead_section, peers_section};

/// Where the report reads from and writes to.
#[derive(Debug, Clone)]
pub struct Inputs {
    /// criterion's output directory (`target/criterion`).
    pub criterion: PathBuf,
    /// The directory of `bughunt.json`, `peers.json`, `fuzz.json`, `counts.json` and `checks.json`
    /// (`reports/data`).
    pub data: PathBuf,
    /// The directory `index.html` is written to (`reports/out`).
    pub out: PathBuf,
}

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// criterion's timings of rawcheck's variants, memcpy and sprs.
    pub bench: DataSource<Timing>,
    /// QuTiP's and SciPy's timings.
    pub peers: DataSource<Timing>,
    /// The bug hunt's cells.
    pub bughunt: DataSource<HuntCell>,
    /// The fuzzing runs.
    pub fuzz: DataSource<FuzzStat>,
    /// Callgrind's counts of one call per benchmark id.
    pub counts: DataSource<CountRow>,
    /// The bounds checks surviving in each variant file.
    pub checks: DataSource<CheckFile>,
    /// The mutant campaign's cells.
    pub mutants: DataSource<MutantCell>,
    /// The classification of the mutants that survive.
    pub triage: DataSource<Triage>,
}

impl ReportData {
    /// Reads every data set; a missing or unreadable one is recorded as such, never an error.
    pub fn load(inputs: &Inputs) -> Self {
        ReportData {
            bench: load_criterion(&inputs.criterion),
            peers: load_peers(&inputs.data.join("peers.json")),
            bughunt: load_json(&inputs.data.join("bughunt.json")),
            fuzz: load_json(&inputs.data.join("fuzz.json")),
            counts: load_json(&inputs.data.join("counts.json")),
            checks: load_json(&inputs.data.join("checks.json")),
            mutants: load_json(&inputs.data.join("mutants.json")),
            triage: load_json(&inputs.data.join("mutants-triage.json")),
        }
    }
}

/// Where and when the report itself is generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// [`this_machine`].
    pub machine: String,
    /// [`utc`] of the generation time.
    pub time: String,
}

impl Generated {
    /// This machine, now.
    pub fn now() -> Self {
        Generated {
            machine: this_machine(),
            time: utc(SystemTime::now()),
        }
    }
}

/// Reads the data, writes `<out>/index.html` (through `rawcheck_kernels::output::write_file`:
/// atomically, a symbolic link followed, a device or FIFO written in place) and returns its path.
pub fn generate(inputs: &Inputs) -> io::Result<PathBuf> {
    let page = render(&ReportData::load(inputs), &Generated::now())?;
    fs::create_dir_all(&inputs.out).map_err(|e| {
        io::Error::new(
            e.kind(),
            format!("cannot create {}: {e}", inputs.out.display()),
        )
    })?;
    let path = inputs.out.join("index.html");
    output::write_file(&path, |w| w.write_all(page.as_bytes()))
        .map_err(|e| io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

const STYLE: &str = "
body { font-family: sans-serif; margin: 0 auto; max-width: 1240px; padding: 0 16px 48px; color: #222; }
header { border-bottom: 1px solid #ccc; }
nav ol { columns: 2; margin: 4px 0 12px; }
details { margin: 6px 0; }
summary { cursor: pointer; font-weight: bold; padding: 4px 0; }
#headline table { font-size: 13px; }
#headline td { overflow-wrap: normal; white-space: pre-line; }
#headline td:first-child { font-weight: bold; white-space: pre; }
#headline td:nth-child(2), #headline td:nth-child(3) { min-width: 200px; }
#headline td:last-child { min-width: 280px; }
p.note, ul.note { font-size: 14px; color: #333; }
section { border-bottom: 1px solid #eee; padding-bottom: 12px; }
figure { margin: 12px 0 4px; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 4px 0 20px; font-size: 13px; }
caption { text-align: left; font-weight: bold; padding: 4px 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td { max-width: 420px; overflow-wrap: break-word; }
.missing { color: #8a5a00; }
p.missing, p.error { background: #fff6e0; padding: 6px 10px; border-left: 4px solid #e0a000; }
p.error { background: #fde8e8; border-left-color: #c00; color: #900; }
.prov { color: #555; font-size: 13px; }
";

/// One section of the page: element id, heading, introduction (HTML), provenance line (HTML), body.
type Section = (&'static str, &'static str, String, String, String);

/// The page, from already loaded data: the headline first, then the table of contents, the data
/// sources and the other sections.
pub fn render(data: &ReportData, generated: &Generated) -> io::Result<String> {
    let mut page = String::new();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>rawcheck report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
         <h1>rawcheck report: what do the checks cost?</h1>\n<p>Generated {} on {}.</p>\n\
         </header>\n<main>\n",
        esc(&generated.time),
        esc(&generated.machine)
    );
    let sections = sections(data)?;
    for (i, (id, title, intro, prov, body)) in sections.iter().enumerate() {
        if i == 1 {
            page.push_str("<nav id=\"contents\">\n<h2>Contents</h2>\n<ol>");
            for (id, title, ..) in &sections {
                let _ = write!(page, "<li><a href=\"#{id}\">{title}</a></li>");
            }
            page.push_str("<li><a href=\"#sources\">Data sources</a></li></ol>\n</nav>\n");
        }
        let _ = write!(
            page,
            "<section id=\"{id}\">\n<h2>{title}</h2>\n<p>{intro}</p>\n{}{body}</section>\n",
            if prov.is_empty() {
                String::new()
            } else {
                format!("<p class=\"prov\">{prov}</p>\n")
            }
        );
    }
    let _ = write!(
        page,
        "<section id=\"sources\">\n<h2>Data sources</h2>\n{}</section>\n",
        sources_table(data)
    );
    page.push_str("</main>\n</body>\n</html>\n");
    Ok(page)
}

/// `body()`, or the notice instead when there is one.
fn unless(notice: Option<String>, body: impl FnOnce() -> io::Result<String>) -> io::Result<String> {
    notice.map_or_else(body, Ok)
}

/// The eight sections in page order; a section without data holds the notice saying so instead.
fn sections(data: &ReportData) -> io::Result<[Section; 8]> {
    let bench = data.bench.records();
    let notices = [
        gate(&data.bench, "rawcheck's variants and sprs", BENCH_COMMAND),
        gate(&data.peers, "QuTiP and SciPy", PEERS_COMMAND),
    ];
    let nothing = notices.iter().all(Option::is_some);
    let mut peers: String = notices.into_iter().flatten().collect();
    if !nothing {
        peers.push_str(&goals_table(bench, data.peers.records()));
        peers.push_str(&peers_section(bench, data.peers.records())?);
    }
    let bench_prov = prov_line(&data.bench);
    let (counted, count_skips) = counted(data.counts.records());
    let counts_prov = format!("{} {}", prov_line(&data.counts), prov_line(&data.checks));
    let headline = headline_body(data, &counted)?;
    let counts_body = counts_body(data, &counted, &count_skips);
    Ok([
        (
            "headline",
            "The answer: what the checks cost",
            format!(
                "Per kernel, at u{HEADLINE_INDEX} indices: how much longer the bounds-checked \
                 <code>checked</code> and the safe-Rust <code>safe</code> variants take than \
                 <code>raw</code> on the same matrices, and why. How the numbers are made is \
                 under the chart."
            ),
            String::new(),
            format!(
                "{headline}<p class=\"note\">Wall time is the <b>median over the matrix \
                 families</b> of the per-family ratio t / t<sub>raw</sub>; its interval runs from \
                 the median of the families' lower bounds to the median of their upper bounds. A \
                 family's bounds are conservative: [lo<sub>v</sub> / hi<sub>raw</sub>, \
                 hi<sub>v</sub> / lo<sub>raw</sub>] from criterion's 95&nbsp;% intervals of the two \
                 means (so at least 90&nbsp;% coverage). An interval containing 0 reads <i>no \
                 measurable difference</i>. Instructions and branches are Callgrind's exact counts \
                 of one call (medians over families); a check <i>inside an inner loop</i> runs \
                 about once per entry. The verdict says <i>within noise</i> only when the interval \
                 contains 0, and <i>the same instructions</i> only within \
                 {INSTRUCTION_NOISE_PERCENT}&nbsp;% of raw's; it names extra last-level misses \
                 from {LL_MISS_NOTE} per nonzero.</p>\n<p class=\"prov\">{bench_prov} \
                 {counts_prov}</p>\n"
            ),
        ),
        (
            "counts",
            "Why: instructions, branches and misses per nonzero",
            "Callgrind's counts of one kernel call, divided by the input's stored nonzeros, and \
             what each variant executes beyond <code>raw</code> on the same matrix. Extra \
             instructions and branches per nonzero are the checks actually executed; extra \
             last-level misses are memory traffic the variant adds (e.g. a pre-fill). Below, the \
             bounds checks that survive the optimiser in each variant file."
                .into(),
            counts_prov,
            counts_body,
        ),
        (
            "overhead",
            "Overhead of the checks",
            "How much slower the bounds-checked <code>checked</code> and the safe-Rust \
             <code>safe</code> variants are than <code>raw</code>: (t / t<sub>raw</sub> − 1) × 100 \
             on the same matrix, with the interval propagated from the two means' confidence \
             intervals (see the headline); <i>no measurable difference</i> where it contains 0. \
             Below 0 the variant beat raw. The charts draw each interval as a whisker."
                .into(),
            bench_prov.clone(),
            unless(gate(&data.bench, "", BENCH_COMMAND), || {
                overhead_section(bench)
            })?,
        ),
        (
            "floor",
            "Time per nonzero and the memcpy floor",
            "Mean time per stored nonzero. <code>memcpy</code> (dashed) copies exactly the bytes the \
             kernel must read and write, the floor no kernel can go below; the gap above it is what \
             the algorithm costs beyond moving data."
                .into(),
            bench_prov.clone(),
            unless(gate(&data.bench, "", BENCH_COMMAND), || {
                floor_section(bench)
            })?,
        ),
        (
            "peers",
            "Against sprs, QuTiP and SciPy",
            "rawcheck's variants against <code>sprs</code> (Rust, same criterion run) and QuTiP's \
             and SciPy's kernels (timed by <code>scripts/peers</code> on the same matrices), after \
             the baseline's goals per kernel: a cell is one family and index width at one nnz, \
             <i>peer/raw</i> the fastest peer's time over raw's. The charts' tables say in their \
             last column whether each peer's output equals rawcheck's."
                .into(),
            format!("{bench_prov} {}", prov_line(&data.peers)),
            peers,
        ),
        (
            "detectors",
            "Bugs against detectors",
            "Each seeded bug against each detector. A cell's colour is the outcome; a detected cell \
             shows the median time to detect over its repeats. <i>prevented</i>: the bug cannot be \
             written in that variant's code."
                .into(),
            prov_line(&data.bughunt),
            unless(gate(&data.bughunt, "", BUGHUNT_COMMAND), || {
                detectors_section(data.bughunt.records())
            })?,
        ),
        (
            "fuzz",
            "Fuzzing throughput and the cost of ASan",
            "Fuzzing throughput of every target with AddressSanitizer and without any sanitizer; \
             the ratio is the sanitizer's own cost."
                .into(),
            prov_line(&data.fuzz),
            unless(gate(&data.fuzz, "", FUZZ_COMMAND), || {
                fuzz_section(data.fuzz.records())
            })?,
        ),
        (
            "mutants",
            "Generated mutants against detectors",
            "One-change mutants of the raw variants, the plans, <code>Csr::new</code> and the \
             reader (comparison boundaries, off-by-one offsets and lengths, dropped guards, swapped \
             operands, wrong buffers), all compiled into one build and switched on one at a time. \
             A detector's rate counts the mutants it ran on: the campaign stops at the first kill \
             and gives only undecided mutants to the slow detectors. A survivor is either \
             <i>equivalent</i> (no input tells it from the original) or <i>a hole</i> in the \
             harness."
                .into(),
            prov_line(&data.mutants),
            unless(gate(&data.mutants, "", MUTANTS_COMMAND), || {
                mutants_section(data.mutants.records(), data.triage.records())
            })?,
        ),
    ])
}

/// The headline's table and chart, after a notice for each of its data sets that is missing; only
/// the notices when there is neither wall time nor counts.
fn headline_body(data: &ReportData, counted: &[Counted]) -> io::Result<String> {
    let notices = [
        gate(&data.bench, "wall time (criterion)", BENCH_COMMAND),
        gate(&data.counts, "instruction counts", COUNTS_COMMAND),
        gate(&data.checks, "surviving checks", CHECKS_COMMAND),
    ];
    let nothing = notices[..2].iter().all(Option::is_some);
    let mut body: String = notices.into_iter().flatten().collect();
    if !nothing {
        let rows = headline_rows(data.bench.records(), counted, data.checks.records());
        body.push_str(&headline_section(&rows)?);
        body.push_str(&baseline_sentence(
            data.bench.records(),
            data.peers.records(),
        ));
    }
    Ok(body)
}

/// The counts tables and the checks table, each or its notice, after the skipped count records.
fn counts_body(data: &ReportData, counted: &[Counted], skipped: &[String]) -> String {
    let mut body = String::new();
    for skip in skipped {
        let _ = writeln!(body, "<p class=\"missing\">skipped: {}</p>", esc(skip));
    }
    body.push_str(
        &gate(&data.counts, "instruction counts", COUNTS_COMMAND)
            .unwrap_or_else(|| counts_tables(counted)),
    );
    body.push_str(
        &gate(&data.checks, "surviving checks", CHECKS_COMMAND)
            .unwrap_or_else(|| checks_table(data.checks.records())),
    );
    body
}

/// The notice (about `what`, if not empty) that replaces a section's content when its data is
/// missing, unreadable or empty.
fn gate<T>(source: &DataSource<T>, what: &str, command: &str) -> Option<String> {
    match &source.state {
        State::Loaded(d) if !d.records.is_empty() => None,
        State::Unreadable(why) => Some(format!(
            "<p class=\"error\">{}unreadable: {} — fix or delete it, then run <code>{}</code></p>\n",
            html::about(what),
            esc(why),
            esc(command)
        )),
        State::Loaded(_) | State::Missing => Some(not_run(what, command)),
    }
}

/// "Data: PATH (N records), taken DATE on MACHINE." or "Data: PATH: not found." (HTML).
fn prov_line<T>(source: &DataSource<T>) -> String {
    let path = esc(&source.path.display().to_string());
    match &source.state {
        State::Loaded(_) => {
            let (status, machine, when) = describe(source);
            format!(
                "Data: <code>{path}</code> ({}), taken {} on {}.",
                esc(&status),
                esc(&when),
                esc(&machine)
            )
        }
        State::Missing => format!("Data: <code>{path}</code>: not found."),
        State::Unreadable(_) => format!("Data: <code>{path}</code>: unreadable."),
    }
}

/// What was found at a source: (status, machine, when), as plain text.
fn describe<T>(source: &DataSource<T>) -> (String, String, String) {
    match &source.state {
        State::Missing => (NOT_FOUND.into(), "—".into(), "—".into()),
        State::Unreadable(_) => ("unreadable".into(), "—".into(), "—".into()),
        State::Loaded(d) => {
            let mut status = format!("{} records", d.records.len());
            if !d.skipped.is_empty() {
                let _ = write!(
                    status,
                    ", {} skipped: {}",
                    d.skipped.len(),
                    d.skipped.join("; ")
                );
            }
            let p = &d.provenance;
            let machine = p
                .machine
                .clone()
                .unwrap_or_else(|| "a machine not recorded in the data".into());
            let when = match (&p.date, p.modified) {
                (Some(date), _) => date.clone(),
                (None, Some(t)) => format!("{} (file time)", utc(t)),
                (None, None) => "at an unrecorded time".into(),
            };
            (status, machine, when)
        }
    }
}

const NOT_FOUND: &str = "not found: not run";

/// The header's table of data sources: what, path, status, machine, time, producing command.
fn sources_table(data: &ReportData) -> String {
    fn row<T>(what: &str, source: &DataSource<T>, command: &str) -> Vec<String> {
        let (status, machine, when) = describe(source);
        let path = source.path.display().to_string();
        vec![what.into(), path, status, machine, when, command.into()]
    }
    let rows = [
        row("benchmarks (criterion)", &data.bench, BENCH_COMMAND),
        row("peers", &data.peers, PEERS_COMMAND),
        row("bug hunt", &data.bughunt, BUGHUNT_COMMAND),
        row("fuzzing", &data.fuzz, FUZZ_COMMAND),
        row("instruction counts", &data.counts, COUNTS_COMMAND),
        row("surviving checks", &data.checks, CHECKS_COMMAND),
        row("mutant campaign", &data.mutants, MUTANTS_COMMAND),
        row(
            "survivor triage",
            &data.triage,
            "edit reports/data/mutants-triage.json",
        ),
    ];
    let header = ["data", "path", "status", "machine", "taken", "produced by"].map(String::from);
    html::table("Data sources", &header, &rows)
}

#[cfg(test)]
mod tests;
