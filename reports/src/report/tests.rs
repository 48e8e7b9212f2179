//! The generator on the committed fixture (`reports/tests/fixtures/`): a small criterion tree
//! (transpose on uniform matrices, u32, five variants over nnz 1e3..1e5, and raw, checked and safe
//! on banded and powerlaw at 1e5; reshape, u64, raw and checked; a `base/` decoy and a bench of
//! another id shape), bughunt.json (one object per line, every outcome, a superseded cell and an
//! HTML injection), peers.json and fuzz.json (object form), counts.json (transpose on three
//! families and reshape at 1e5, u32, and an id of another shape) and checks.json (transpose's three
//! files, reshape's checked and safe).

use std::path::Path;

use super::*;

/// Every section, in page order.
const SECTIONS: [&str; 8] = [
    "headline",
    "counts",
    "overhead",
    "floor",
    "peers",
    "detectors",
    "fuzz",
    "sources",
];

fn fixture() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"))
}

fn inputs(criterion: &Path, data: &Path, out: &Path) -> Inputs {
    Inputs {
        criterion: criterion.to_owned(),
        data: data.to_owned(),
        out: out.to_owned(),
    }
}

fn render_from(criterion: &Path, data: &Path) -> String {
    let generated = Generated {
        machine: "TEST-MACHINE <x>".into(),
        time: "2025-01-01 00:00:00 UTC".into(),
    };
    render(
        &ReportData::load(&inputs(criterion, data, Path::new("unused"))),
        &generated,
    )
    .unwrap()
}

fn fixture_page() -> String {
    render_from(&fixture().join("criterion"), fixture())
}

/// The HTML of `<section id="ID">`, which must occur exactly once, with the line breaks plotters
/// puts around SVG text removed (so a chart's text reads `>label<`).
fn section(page: &str, id: &str) -> String {
    let open = format!("<section id=\"{id}\">");
    assert_eq!(page.matches(&open).count(), 1, "section {id} once");
    let start = page.find(&open).unwrap();
    let end = start + page[start..].find("</section>").unwrap();
    page[start..end].replace(">\n", ">").replace("\n<", "<")
}

/// Asserts every needle occurs in `haystack`, naming the first that does not.
fn assert_all(haystack: &str, what: &str, needles: &[&str]) {
    for needle in needles {
        assert!(haystack.contains(needle), "{what}: {needle:?} missing");
    }
}

#[test]
fn criterion_tree_reads_new_estimates_only() {
    let source = load_criterion(&fixture().join("criterion"));
    let State::Loaded(data) = &source.state else {
        panic!("fixture unreadable: {:?}", source.state)
    };
    assert_eq!(
        data.records.len(),
        5 * 3 + 2 * 3 + 2 * 2,
        "transpose 5 variants x 3 nnz on uniform and 3 variants on 2 more families, reshape 2 x 2"
    );
    assert!(
        data.records.iter().all(|t| t.ns != 99999.0),
        "base/ holds the previous run"
    );
    assert_eq!(data.skipped.len(), 1);
    assert!(
        data.skipped[0].starts_with("misc/sum/1000:"),
        "{:?}",
        data.skipped
    );
    let raw = data
        .records
        .iter()
        .find(|t| t.id == BenchId::parse("transpose/uniform/raw/32/1000").unwrap());
    assert_eq!(
        raw.map(|t| (t.ns, t.interval)),
        Some((5000.0, Some((4900.0, 5100.0)))),
        "mean.point_estimate and its confidence interval, not the median"
    );
    assert!(data.provenance.modified.is_some() && data.provenance.machine.is_none());
    assert!(matches!(
        load_criterion(&fixture().join("nowhere")).state,
        State::Missing
    ));
}

#[test]
fn data_files_of_the_fixture_load() {
    let peers = load_peers(&fixture().join("peers.json"));
    let State::Loaded(p) = &peers.state else {
        panic!("{:?}", peers.state)
    };
    assert_eq!((p.records.len(), p.skipped.len()), (6, 1));
    assert_eq!(
        p.records.iter().filter(|t| t.equal == Some(false)).count(),
        1
    );
    assert!(
        p.provenance
            .machine
            .as_deref()
            .unwrap()
            .contains("Fixture CPU")
    );
    assert_eq!(p.provenance.date.as_deref(), Some("2025-06-01T12:00:00Z"));
    let hunt = load_json::<HuntCell>(&fixture().join("bughunt.json"));
    assert_eq!(hunt.records().len(), 6);
    assert_eq!(hunt.records()[1].execs, Some(4312));
    let fuzz = load_json::<FuzzStat>(&fixture().join("fuzz.json"));
    assert_eq!(fuzz.records().len(), 3);
}

#[test]
fn the_page_has_a_header_nav_and_the_five_sections() {
    let page = fixture_page();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_all(
        &page,
        "header",
        &[
            "Generated 2025-01-01 00:00:00 UTC on TEST-MACHINE &lt;x&gt;.",
            "cpu: Fixture CPU @ 3.0GHz",
            "2025-06-01T12:00:00Z",
            "2025-06-02T08:30:00Z",
            "(file time)",
            "25 records, 1 skipped: misc/sum/1000",
        ],
    );
    for id in SECTIONS {
        assert!(page.contains(&format!("<a href=\"#{id}\">")), "nav to {id}");
        let s = section(&page, id);
        assert!(s.contains("<table>"), "{id} has a table");
        if !["counts", "sources"].contains(&id) {
            assert!(s.contains("<svg"), "{id} has a chart");
        }
        if id != "sources" {
            assert!(
                s.contains("class=\"prov\">Data: "),
                "{id} says where its data is from"
            );
        }
    }
    let order: Vec<usize> = SECTIONS
        .iter()
        .map(|id| page.find(&format!("<section id=\"{id}\">")).unwrap())
        .collect();
    assert!(order.is_sorted(), "sections in page order");
    let contents = page.find("<nav id=\"contents\">").unwrap();
    assert!(
        order[0] < contents && contents < order[1],
        "the headline comes first, then the contents"
    );
    assert_eq!(
        page.matches("<script").count(),
        0,
        "no script, injected or not"
    );
    assert_eq!(
        page.matches("http").count(),
        page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "nothing but the SVG namespace names a URL"
    );
}

#[test]
fn overhead_section_plots_checked_and_safe_over_raw() {
    let page = fixture_page();
    let s = section(&page, "overhead");
    assert_all(
        &s,
        "overhead",
        &[
            "transpose on uniform: overhead of the checks over raw",
            "overhead over raw (%)",
            "nnz (stored nonzeros, log scale)",
            ">checked u32<",
            ">safe u32<",
            ">checked u64<",
            // transpose u32, nnz 1e3: raw 5000 [4900, 5100], checked 5500 [5390, 5610]: +10 %,
            // bounds 5390 / 5100 = 1.0569 and 5610 / 4900 = 1.1449; safe 5100 [4998, 5202]:
            // 4998 / 5100 = 0.98 and 5202 / 4900 = 1.0616 contain 1.
            "<td>1000</td><td>u32</td><td>5000</td><td>5500</td><td>5100</td>\
             <td>+10.0 % (+5.69 … +14.5)</td><td>no measurable difference (-2.00 … +6.16 %)</td>",
            // nnz 1e5: checked +15 % [518420 / 469200, 539580 / 450800] = [1.1049, 1.1969].
            "<td>100000</td><td>u32</td><td>460000</td><td>529000</td><td>455400</td>\
             <td>+15.0 % (+10.5 … +19.7)</td><td>no measurable difference (-4.88 … +3.04 %)</td>",
            // reshape u64, nnz 1e4: checked +5 % [25725 / 25500, 26775 / 24500] = [1.0088, 1.0929].
            "<td>10000</td><td>u64</td><td>25000</td><td>26250</td><td>+5.00 % (+0.882 … +9.29)</td>",
            "column_stack, column_unstack, permute, permute_indices: not run — run \
             <code>scripts/bench quick</code>",
            "<summary>reshape: 1 chart</summary>",
            "<summary>transpose: 3 charts</summary>",
        ],
    );
    assert!(!s.contains(">memcpy u32<"), "memcpy has no overhead");
    assert_eq!(
        s.matches("<svg").count(),
        4,
        "reshape, transpose on three families"
    );
}

#[test]
fn floor_section_plots_ns_per_nonzero_with_memcpy() {
    let page = fixture_page();
    let s = section(&page, "floor");
    assert_all(
        &s,
        "floor",
        &[
            "time per nonzero (ns, log scale)",
            ">raw u32<",
            ">checked u32<",
            ">safe u32<",
            ">memcpy u32<",
            ">sprs u32<",
            ">raw u64<",
            "<th>memcpy (ns/nnz)</th>",
            // transpose nnz 1e3: 5000, 5500, 5100, 1500, 8000 ns over 1000 nonzeros.
            "<td>1000</td><td>u32</td><td>5.00</td><td>5.50</td><td>5.10</td><td>1.50</td><td>8.00</td>",
            "<td>100000</td><td>u32</td><td>4.60</td><td>5.29</td><td>4.55</td><td>1.30</td><td>8.00</td>",
            "permute, permute_indices: not run",
        ],
    );
    assert!(!s.contains("qutip"), "peers have their own section");
}

#[test]
fn peers_section_compares_with_sprs_qutip_and_scipy() {
    let page = fixture_page();
    let s = section(&page, "peers");
    assert_all(
        &s,
        "peers",
        &[
            "transpose on uniform: rawcheck against its peers",
            ">qutip u32<",
            ">scipy u32<",
            ">sprs u32<",
            ">raw u32<",
            "<th>qutip (ns/nnz)</th>",
            "<th>peer output equals rawcheck&#39;s</th>",
            // nnz 1e3: qutip 250000 ns, scipy 90000 ns over 1000 nonzeros.
            "<td>250</td><td>90.0</td><td>qutip: yes, scipy: yes</td>",
            "<td>9.00</td><td>qutip: yes, scipy: NO</td>",
            "Fixture CPU",
            "reshape, column_stack, column_unstack, permute, permute_indices: not run — run \
             <code>scripts/peers</code>",
        ],
    );
    assert_eq!(s.matches("<svg").count(), 1, "only transpose has peers");
}

#[test]
fn the_baseline_is_judged_in_the_headline_and_per_kernel_among_the_peers() {
    let page = fixture_page();
    // transpose on uniform at 1e5, u32: raw 4.60 ns per nonzero, the fastest peer sprs at 8.00
    // (QuTiP 21.0, SciPy 9.00): 1.74x. No cell at 1e6.
    assert_all(
        &section(&page, "headline"),
        "headline",
        &[
            "<b>The baseline.</b>",
            "<li>raw at least 1.5x faster than the fastest of sprs, QuTiP and SciPy at 1e5: 1/1 \
             met (worst 1.74)</li>",
            "<li>raw at least 2x faster than the fastest of sprs, QuTiP and SciPy at 1e6: not \
             run</li>",
            // The fixture stops at 1e5: no growth to 1e7, and no floor's growth beside it.
            "<li>raw&#39;s time per nonzero at 1e7 at most 1.5x its time at 1e5 (uniform and \
             tensor): not run</li>",
            "<a href=\"#peers\">",
        ],
    );
    assert_all(
        &section(&page, "peers"),
        "peers",
        &[
            "Is raw a fast baseline?",
            "<th>T2 at 1e6: raw/memcpy &lt;= 4 (reshape 1.5)</th>",
            "<th>T3 at 1e7: raw/raw at 1e5 &lt;= 1.5</th>",
            "<td>transpose</td><td class=\"missing\">not run</td><td>1/1 met (worst 1.74)</td>\
             <td class=\"missing\">not run</td><td class=\"missing\">not run</td>\
             <td>1.02 (met)</td>",
            "<td>all</td>",
        ],
    );
    let empty = tempfile::tempdir().unwrap();
    let page = render_from(&empty.path().join("criterion"), empty.path());
    assert!(!page.contains("The baseline"), "nothing to judge");
    assert!(!page.contains("Is raw a fast baseline?"));
}

#[test]
fn detectors_section_colours_cells_by_outcome() {
    let page = fixture_page();
    let s = section(&page, "detectors");
    assert_all(
        &s,
        "detectors",
        &[
            ">seeded bug<",
            ">detector<",
            ">detected (median s)<",
            ">1.90 s<",
            ">12.5 s<",
            ">missed<",
            ">prevented<",
            ">error<",
            ">not run<",
            ">fuzz-asan-release<",
            ">B8<",
            "<td>B1</td><td>fuzz-asan</td><td>detected</td><td>1.90</td><td>1.20–2.50</td><td>4312</td><td>3</td>",
            "<td>fuzz/artifacts/reshape/crash-1</td><td>cargo-fuzz 0.12.0</td>",
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;valgrind&quot; not installed",
        ],
    );
    assert!(
        !s.contains("superseded"),
        "the later B1/fuzz-asan cell wins"
    );
    // 5 cells measured, 8 x 8 - 5 not run, plus the legend entry.
    assert_eq!(s.matches(">not run<").count(), 64 - 5 + 1);
}

#[test]
fn fuzz_section_shows_the_cost_of_asan() {
    let page = fixture_page();
    let s = section(&page, "fuzz");
    assert_all(
        &s,
        "fuzz",
        &[
            "executions per second (execs/s)",
            ">fuzz target<",
            ">ASan (-s address)<",
            ">no sanitizer (-s none)<",
            ">reshape<",
            ">transpose<",
            "<td>reshape</td><td>address</td><td>1234</td><td>567</td><td>30.0</td><td>4.60×</td>",
            "<td>reshape</td><td>none</td><td>5678</td>",
            "<td>transpose</td><td>none</td><td class=\"missing\">not run</td>",
            "2025-06-02T08:30:00Z",
        ],
    );
}

#[test]
fn missing_data_says_not_run_and_how_to_run_it() {
    let empty = tempfile::tempdir().unwrap();
    let page = render_from(&empty.path().join("criterion"), empty.path());
    assert!(!page.contains("<svg"), "no empty charts");
    for (id, command) in [
        ("headline", "scripts/bench quick"),
        ("headline", "cargo bench --bench counts"),
        (
            "headline",
            "scripts/asm-checks --json reports/data/checks.json",
        ),
        ("counts", "cargo bench --bench counts"),
        (
            "counts",
            "scripts/asm-checks --json reports/data/checks.json",
        ),
        ("overhead", "scripts/bench quick"),
        ("floor", "scripts/bench quick"),
        ("peers", "scripts/peers"),
        ("detectors", "scripts/bughunt --quick"),
        ("fuzz", "scripts/fuzz-all --seconds 30"),
    ] {
        let s = section(&page, id);
        assert!(
            s.contains(&format!("not run — run <code>{command}</code>")),
            "{id}: {s}"
        );
    }
    let peers = section(&page, "peers");
    assert!(peers.contains("rawcheck&#39;s variants and sprs: not run"));
    assert!(peers.contains("QuTiP and SciPy: not run"));
    assert!(
        !peers.contains("<h3>"),
        "no per-kernel list when there is nothing at all"
    );
    assert!(peers.contains("/peers.json</code>: not found."), "{peers}");
    assert!(
        page.contains("not found: not run"),
        "the sources table says so too"
    );
}

#[test]
fn unreadable_data_is_reported_where_it_would_show() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bughunt.json"), "{\"bug\": \"B1\"\n").unwrap();
    fs::write(dir.path().join("fuzz.json"), "[]").unwrap();
    let page = render_from(&fixture().join("criterion"), dir.path());
    let s = section(&page, "detectors");
    assert!(
        s.contains("<p class=\"error\">unreadable: ") && s.contains("bughunt.json: line 1"),
        "{s}"
    );
    assert!(
        section(&page, "fuzz").contains("not run — run <code>scripts/fuzz-all --seconds 30</code>")
    );
    assert!(
        section(&page, "overhead").contains("<svg"),
        "the rest of the page still renders"
    );
}

#[test]
fn generate_writes_index_html() {
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("nested/out");
    let path = generate(&inputs(&fixture().join("criterion"), fixture(), &target)).unwrap();
    assert_eq!(path, target.join("index.html"));
    let page = fs::read_to_string(&path).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(
        page.contains(&html::esc(&this_machine())),
        "the generating machine is named"
    );
    assert!(!target.join("index.html.tmp").exists());
}

#[test]
fn counts_and_checks_of_the_fixture_parse() {
    let counts = load_json::<CountRow>(&fixture().join("counts.json"));
    assert_eq!(counts.records().len(), 14);
    let p = counts.provenance().unwrap();
    assert_eq!(p.date.as_deref(), Some("2025-06-03T09:00:00Z"));
    assert_eq!(
        p.machine.as_deref(),
        Some("Fixture CPU @ 3.0GHz, 2 logical cores")
    );
    let first = &counts.records()[0];
    assert_eq!(
        (
            first.id.as_str(),
            first.nnz,
            first.instructions,
            first.branches
        ),
        (
            "transpose/uniform/raw/32/100000",
            100_000,
            1_000_000,
            200_000
        )
    );
    assert_eq!(
        (first.branch_misses, first.l1_misses, first.ll_misses),
        (900, 20_000, 5000)
    );

    let checks = load_json::<CheckFile>(&fixture().join("checks.json"));
    assert_eq!(
        checks.records().len(),
        5,
        "checks.json names its records `files`"
    );
    assert_eq!(
        checks.provenance().unwrap().date.as_deref(),
        Some("2025-06-03T09:30:00Z")
    );
    let safe = &checks.records()[2];
    assert_eq!(
        (
            safe.kernel.as_str(),
            safe.variant.as_str(),
            safe.checks.len()
        ),
        ("transpose", "safe", 1)
    );
    assert_eq!(safe.checks[0].inner_loop, None, "null: cannot tell");
    assert!(checks.records()[0].checks.is_empty());
}

#[test]
fn derived_counts_and_checks_of_the_fixture() {
    let counts = load_json::<CountRow>(&fixture().join("counts.json"));
    let (records, skipped) = counted(counts.records());
    assert_eq!(records.len(), 13);
    assert_eq!(skipped.len(), 1);
    assert!(skipped[0].starts_with("not-an-id:"));
    let extra = |id: &str| {
        records
            .iter()
            .find(|c| c.id == BenchId::parse(id).unwrap())
            .unwrap()
            .vs_raw
            .unwrap()
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    // raw Ir 1_000_000, checked 1_300_000, nnz 100_000: +3.0 per nonzero, +30 %; branches
    // 200_000 -> 300_000: +1.0 per nonzero; LL misses equal.
    let e = extra("transpose/uniform/checked/32/100000");
    assert!(close(e.per_nnz.instructions, 3.0) && close(e.instructions_percent, 30.0));
    assert!(close(e.per_nnz.branches, 1.0) && close(e.per_nnz.ll_misses, 0.0));
    // safe on powerlaw: Ir 1_200_000 -> 1_212_000 (+0.12, +1 %), LL 8000 -> 13000 (+0.05).
    let e = extra("transpose/powerlaw/safe/32/100000");
    assert!(close(e.per_nnz.instructions, 0.12) && close(e.instructions_percent, 1.0));
    assert!(close(e.per_nnz.ll_misses, 0.05) && close(e.per_nnz.branches, 0.02));
    // reshape divides by its actual nnz, 100_012: Ir +100_012 and Bc +50_006.
    let e = extra("reshape/uniform/checked/32/100000");
    assert!(close(e.per_nnz.instructions, 1.0) && close(e.per_nnz.branches, 0.5));
    // memcpy against raw: Ir 100_000 vs 1_000_000: -9 per nonzero, -90 %.
    let e = extra("transpose/uniform/memcpy/32/100000");
    assert!(close(e.per_nnz.instructions, -9.0) && close(e.instructions_percent, -90.0));

    let checks = load_json::<CheckFile>(&fixture().join("checks.json"));
    let count = |k, v| check_count(checks.records(), k, v);
    let c = |surviving, inner, unknown| {
        Some(CheckCount {
            surviving,
            inner,
            unknown,
        })
    };
    assert_eq!(count("transpose", "checked"), c(3, 2, 0));
    assert_eq!(count("transpose", "safe"), c(1, 0, 1));
    assert_eq!(count("transpose", "raw"), c(0, 0, 0), "examined, none left");
    assert_eq!(count("reshape", "raw"), None, "not examined");
    assert_eq!(count("permute", "safe"), None);
}

#[test]
fn the_headline_takes_medians_over_families() {
    let page_data = ReportData::load(&inputs(
        &fixture().join("criterion"),
        fixture(),
        Path::new("unused"),
    ));
    let (counts, _) = counted(page_data.counts.records());
    let rows = headline_rows(
        page_data.bench.records(),
        &counts,
        page_data.checks.records(),
    );
    let kernels: Vec<&str> = rows.iter().map(|r| r.kernel).collect();
    assert_eq!(
        kernels,
        [
            "reshape",
            "transpose",
            "column_stack",
            "column_unstack",
            "permute",
            "permute_indices"
        ],
        "one row per kernel at 1e5, none at 1e6 (not measured)"
    );
    let transpose = &rows[1];
    let [checked, safe] = [&transpose.variants[0], &transpose.variants[1]];
    // checked over raw at 1e5: uniform 1.15 [518420 / 469200, 539580 / 450800], banded 1.2
    // [118800 / 101000, 121200 / 99000], powerlaw 1.3 [257400 / 202000, 262600 / 198000].
    let wall = checked.wall.unwrap();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(wall.point, 1.2));
    let (lo, hi) = wall.bounds.unwrap();
    assert!(close(lo, 118_800.0 / 101_000.0) && close(hi, 121_200.0 / 99_000.0));
    assert_eq!(checked.families, 3);
    // safe: 0.99, 1.01, 1.2 -> 1.01; the lower bounds' median 0.99 is below 1.
    let wall = safe.wall.unwrap();
    assert!(close(wall.point, 1.01));
    assert_eq!(wall.measurable(), Some(false));
    // counts: checked +30 %, +40 %, +25 % -> 30 %; extra branches 1.0, 1.0, 1.2 -> 1.0.
    let c = checked.counts.unwrap();
    assert!(close(c.instructions_percent, 30.0) && close(c.extra.branches, 1.0));
    assert_eq!(c.families, 3);
    assert_eq!(checked.checks.map(|c| c.inner), Some(2));
    assert_eq!(
        transpose.verdict(),
        "checked 1.20x raw: +3.00 instructions and +1.00 branches per nonzero (+30.0 %), 2 checks survive inside its inner loops; safe within noise of raw."
    );
    // reshape: counted (u32) but timed only at u64.
    assert_eq!(
        rows[0].verdict(),
        "checked executes +1.00 instructions and +0.500 branches per nonzero (+16.7 %) (no wall time); safe executes the same instructions as raw (within 1 %; \
         no wall time)."
    );
    assert_eq!(
        rows[2].verdict(),
        "checked: not measured; safe: not measured."
    );
}

#[test]
fn the_headline_section_opens_the_page() {
    let page = fixture_page();
    let s = section(&page, "headline");
    assert_all(
        &s,
        "headline",
        &[
            "<td>transpose\n3 / 3 families</td><td>+20.0 % (+17.6 … +22.4)</td>\
             <td>no measurable difference (-1.00 … +3.04 %)</td><td>+30.0 % / +0.500 %</td>\
             <td>+1.00 / 0</td><td>2 of 3 / 0 of 1</td>",
            "<td>reshape\n0 / 1 families</td><td class=\"missing\">not run</td>",
            "<td>1 of 1 / 0</td>",
            // column_stack: nothing measured, each pair of missing cells said once.
            "<td>column_stack\n0 / 0 families</td><td class=\"missing\">not run</td>\
             <td class=\"missing\">not run</td><td class=\"missing\">not run</td>\
             <td class=\"missing\">not run</td><td>not examined</td>",
            "median over the matrix families",
            "[lo<sub>v</sub> / hi<sub>raw</sub>, hi<sub>v</sub> / lo<sub>raw</sub>]",
            // The chart: every kernel, checked's bar labelled with its value, safe's as within
            // its interval.
            "Time over raw at nnz 1e5: median over families, with interval",
            ">checked over raw<",
            ">safe over raw<",
            ">20.0<",
            ">≈ 0<",
            ">permute_indices<",
        ],
    );
    assert_eq!(s.matches("<svg").count(), 1, "one chart");
}

#[test]
fn the_counts_section_explains_with_counts_and_checks() {
    let page = fixture_page();
    let s = section(&page, "counts");
    assert_all(
        &s,
        "counts",
        &[
            "transpose on uniform: counts of one call per stored nonzero (Callgrind)",
            // 1_300_000 Ir, 300_000 Bc, 5000 LL misses over 100_000 nonzeros; +3, +1, 0, +30 %.
            "<td>100000</td><td>u32</td><td>checked</td><td>13.0</td><td>3.00</td><td>0.0500</td>\
             <td>+3.00</td><td>+1.00</td><td>0</td><td>+30.0 %</td>",
            "<td>100012</td><td>u32</td><td>raw</td><td>6.00</td>",
            "skipped: not-an-id",
            "<summary>transpose: 3 tables</summary>",
            "column_stack, column_unstack, permute, permute_indices: not run — run \
             <code>cargo bench --bench counts</code>",
            "<td>transpose</td><td>checked</td><td>kernels/src/transpose/checked.rs</td><td>3</td>\
             <td>2</td><td>0</td><td>31 (inner loop): let k = next[c as usize];",
            "<td>reshape</td><td>raw</td><td>—</td><td>not examined</td>",
            "surviving checks of column_stack, column_unstack, permute, permute_indices: not run",
        ],
    );
    let uniform = s.find("transpose on uniform").unwrap();
    assert!(
        uniform < s.find("transpose on banded").unwrap(),
        "families in their enum order"
    );
}

#[test]
fn the_hunts_document_reads_back_through_the_reports_reader() {
    let text = include_str!("../../../hunt/tests/fixtures/bughunt-python.json");
    let doc: rawcheck_hunt::HuntDoc = serde_json::from_str(text).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bughunt.json");
    rawcheck_hunt::write_doc(&path, &doc).unwrap();
    let read = load_json::<HuntCell>(&path);
    assert_eq!(read.records(), doc.results.as_slice());
    assert_eq!(read.records()[2].outcome, "missed");
    let p = read.provenance().unwrap();
    assert_eq!(p.date.as_deref(), Some("2026-12-02T02:28:50Z"));
    assert!(p.machine.as_deref().unwrap().contains("Intel"), "{p:?}");
}
