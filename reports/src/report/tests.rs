//! The generator on the committed fixture (`reports/tests/fixtures/`): a small criterion tree
//! (transpose on uniform matrices, u32, five variants over nnz 1e3..1e5; reshape, u64, raw and
//! checked; a `base/` decoy and a bench of another id shape), bughunt.json (one object per line, every
//! outcome, a superseded cell and an HTML injection), peers.json and fuzz.json (object form).

use std::path::Path;

use super::*;

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
        5 * 3 + 2 * 2,
        "transpose 5 variants x 3 nnz, reshape 2 x 2"
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
        raw.map(|t| t.ns),
        Some(5000.0),
        "mean.point_estimate, not the median"
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
            "19 records, 1 skipped: misc/sum/1000",
        ],
    );
    for id in ["overhead", "floor", "peers", "detectors", "fuzz"] {
        assert!(page.contains(&format!("<a href=\"#{id}\">")), "nav to {id}");
        let s = section(&page, id);
        assert!(s.contains("<svg"), "{id} has a chart");
        assert!(s.contains("<table>"), "{id} has a table");
        assert!(
            s.contains("class=\"prov\">Data: "),
            "{id} says where its data is from"
        );
    }
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
            // transpose u32, nnz 1e3: raw 5000, checked 5500 (+10 %), safe 5100 (+2 %).
            "<td>1000</td><td>u32</td><td>5000</td><td>5500</td><td>5100</td><td>10.0</td><td>2.00</td>",
            // nnz 1e5: checked +15 %, safe -1 %.
            "<td>100000</td><td>u32</td><td>460000</td><td>529000</td><td>455400</td><td>15.0</td><td>-1.00</td>",
            // reshape u64: checked +10 % then +5 %.
            "<td>10000</td><td>u64</td><td>25000</td><td>26250</td><td>5.00</td>",
            "column_stack: not run — run <code>scripts/bench quick</code>",
        ],
    );
    assert!(!s.contains(">memcpy u32<"), "memcpy has no overhead");
    assert_eq!(s.matches("<svg").count(), 2, "reshape and transpose");
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
            "permute_indices: not run",
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
            "reshape: not run — run <code>scripts/peers</code>",
        ],
    );
    assert_eq!(s.matches("<svg").count(), 1, "only transpose has peers");
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
