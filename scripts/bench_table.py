#!/usr/bin/env python3
"""Print criterion's results for the kernel benchmarks as a plain table.

usage: scripts/bench_table.py [--since EPOCH] [--dir CRITERION_DIR] [--save FILE] [FILTER]
       scripts/bench_table.py [FILTER] [--peers PEERS_JSON] --rounds FILE...

Reads every <dir>/**/new/benchmark.json with an id <kernel>/<family>/<variant>/<index>/<nnz>
and its estimates.json (mean.point_estimate, ns per call), keeps those whose id matches the
regex FILTER (and written at or after EPOCH), and prints per row: ns per nonzero and the ratio
of the time to the raw variant's and to the memcpy floor's of the same kernel, family, index
and nnz. The directory defaults to $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else
target/criterion beside this script's repository.

--save FILE also writes the results as JSON ({id: mean ns}): one round of `scripts/bench
--rounds N`. --rounds FILE... reads such rounds and prints per kernel, family, index and nnz the
median over rounds of the ratios checked/raw, safe/raw and raw/memcpy, each with its spread
(min-max): every ratio is taken within one round, where the variants ran back to back.
--peers PEERS_JSON (written by scripts/peers) adds the fastest peer of each row: the fastest of
sprs (its median over the rounds), QuTiP and SciPy, its ns per nonzero, and its time over raw's
median (above 1: raw is faster).

Rows follow the order of the kernels and variants `rawcheck list --json` names
(scripts/rawcheck_names.py).
"""

import argparse
import json
import os
import re
import statistics
import sys
from pathlib import Path

from rawcheck_names import kernels, variants

# Bench "variants" besides rawcheck's own (`rawcheck list`), in row order after them.
PEER_AND_FLOOR = ["sprs", "memcpy"]


def default_dir():
    if os.environ.get("CRITERION_HOME"):
        return Path(os.environ["CRITERION_HOME"])
    if os.environ.get("CARGO_TARGET_DIR"):
        return Path(os.environ["CARGO_TARGET_DIR"]) / "criterion"
    return Path(__file__).resolve().parent.parent / "target" / "criterion"


def load(directory, since, pattern):
    """{(kernel, family, index, nnz): {variant: mean ns}} of the matching results."""
    results = {}
    for bench in directory.glob("**/new/benchmark.json"):
        if bench.stat().st_mtime < since:
            continue
        full_id = json.loads(bench.read_text())["full_id"]
        parts = full_id.split("/")
        if len(parts) != 5 or not pattern.search(full_id):
            continue
        kernel, family, variant, index, nnz = parts
        mean = json.loads((bench.parent / "estimates.json").read_text())["mean"]["point_estimate"]
        results.setdefault((kernel, family, int(index), int(nnz)), {})[variant] = mean
    return results


def results_to_json(results):
    """{id: mean ns}, the ids in criterion's form: one round as --save writes it."""
    return {f"{k}/{f}/{v}/{i}/{n}": t for (k, f, i, n), times in results.items() for v, t in times.items()}


def results_from_json(saved, pattern):
    """The inverse of results_to_json, keeping the ids that match `pattern`."""
    results = {}
    for full_id, mean in saved.items():
        if not pattern.search(full_id):
            continue
        kernel, family, variant, index, nnz = full_id.split("/")
        results.setdefault((kernel, family, int(index), int(nnz)), {})[variant] = mean
    return results


# (column, numerator, denominator) of the ratios --rounds reports.
ROUND_RATIOS = [("checked/raw", "checked", "raw"), ("safe/raw", "safe", "raw"),
                ("raw/memcpy", "raw", "memcpy")]


def aggregate(rounds):
    """Per key of the rounds ({key: {variant: ns}} each): the median raw time and, per ratio of
    ROUND_RATIOS, (median, min, max) over the rounds that measured both variants (None if none).
    Each ratio is taken within one round, so drift between rounds cancels."""
    keys = sorted({k for r in rounds for k in r}, key=lambda k: (order(kernels(), k[0]), k[1], k[2], k[3]))
    summary = {}
    for key in keys:
        times = [r[key] for r in rounds if key in r]
        raw = [t["raw"] for t in times if "raw" in t]
        ratios = {}
        for name, num, den in ROUND_RATIOS:
            values = [t[num] / t[den] for t in times if num in t and den in t]
            ratios[name] = (statistics.median(values), min(values), max(values)) if values else None
        sprs = [t["sprs"] for t in times if "sprs" in t]
        summary[key] = {"raw": statistics.median(raw) if raw else None, "rounds": len(times),
                        "ratios": ratios, "sprs": statistics.median(sprs) if sprs else None}
    return summary


def load_peers(path):
    """{(kernel, family, index, nnz): {peer: mean ns}} of a peers.json (scripts/peers)."""
    doc = json.loads(Path(path).read_text())
    peers = {}
    for r in doc["results"] if isinstance(doc, dict) else doc:
        kernel, family, peer, index, nnz = r["id"].split("/")
        peers.setdefault((kernel, family, int(index), int(nnz)), {})[peer] = r["ns"]
    return peers


def fastest_peer(summary_row, peer_times):
    """(name, ns) of the fastest of sprs (from the rounds) and the Python peers, or None."""
    candidates = dict(peer_times)
    if summary_row["sprs"] is not None:
        candidates["sprs"] = summary_row["sprs"]
    return min(candidates.items(), key=lambda kv: kv[1]) if candidates else None


def round_rows(summary, peers=None):
    """Table rows of `summary`; with `peers` ({key: {peer: ns}}), the fastest peer's columns."""
    for key, s in summary.items():
        kernel, family, index, nnz = key
        raw = f"{s['raw'] / nnz:.3f}" if s["raw"] is not None else "-"
        cells = []
        for name, _, _ in ROUND_RATIOS:
            r = s["ratios"][name]
            cells.append(f"{r[0]:.2f} ({r[1]:.2f}-{r[2]:.2f})" if r else "-")
        if peers is not None:
            best = fastest_peer(s, peers.get(key, {}))
            if best is None:
                cells += ["-", "-"]
            else:
                ratio = f"{best[1] / s['raw']:.2f}" if s["raw"] else "-"
                cells += [f"{best[0]} {best[1] / nnz:.3f}", ratio]
        yield [kernel, family, str(index), str(nnz), str(s["rounds"]), raw] + cells


def print_table(header, table, left):
    """Columns padded to their widest cell, the first `left` left-aligned, the rest right-aligned."""
    widths = [max(len(r[i]) for r in table + [header]) for i in range(len(header))]
    for r in [header] + table:
        print("  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))


def order(seq, item):
    return (seq.index(item), item) if item in seq else (len(seq), item)


def rows(results):
    for key in sorted(results, key=lambda k: (order(kernels(), k[0]), k[1], k[2], k[3])):
        kernel, family, index, nnz = key
        times = results[key]
        for variant in sorted(times, key=lambda v: order(variants() + PEER_AND_FLOOR, v)):
            t = times[variant]
            ratio = lambda base: f"{t / times[base]:.2f}" if base in times else "-"
            yield [kernel, family, str(index), str(nnz), variant, f"{t / nnz:.3f}",
                   ratio("raw"), ratio("memcpy")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("filter", nargs="?", default="", help="regex on the benchmark id")
    parser.add_argument("--since", type=float, default=0, help="only results written since (epoch s)")
    parser.add_argument("--dir", type=Path, default=None, help="criterion's output directory")
    parser.add_argument("--save", type=Path, default=None, help="also write the results as JSON")
    parser.add_argument("--rounds", type=Path, nargs="+", default=None,
                        help="summarise these --save files instead of reading criterion's")
    parser.add_argument("--peers", type=Path, default=None,
                        help="with --rounds: peers.json of scripts/peers, for the fastest peer")
    args = parser.parse_args()
    pattern = re.compile(args.filter)
    if args.peers and not args.rounds:
        parser.error("--peers needs --rounds")
    if args.rounds:
        rounds = [results_from_json(json.loads(f.read_text()), pattern) for f in args.rounds]
        peers = load_peers(args.peers) if args.peers else None
        table = list(round_rows(aggregate(rounds), peers))
        if not table:
            print("no results in the rounds", file=sys.stderr)
            return 1
        print(f"median over {len(rounds)} rounds (min-max); raw ns/nnz is the median")
        header = ["kernel", "family", "index", "nnz", "rounds", "raw ns/nnz"] + [n for n, _, _ in ROUND_RATIOS]
        if peers is not None:
            header += ["fastest peer ns/nnz", "peer/raw"]
        print_table(header, table, left=4)
        return 0
    directory = args.dir or default_dir()
    results = load(directory, args.since, pattern)
    if args.save:
        args.save.write_text(json.dumps(results_to_json(results), indent=1, sort_keys=True) + "\n")
    table = list(rows(results))
    if not table:
        print(f"no results in {directory}", file=sys.stderr)
        return 1
    header = ["kernel", "family", "index", "nnz", "variant", "ns/nnz", "x raw", "x memcpy"]
    print_table(header, table, left=5)  # text columns left-aligned, numbers right-aligned
    return 0


if __name__ == "__main__":
    sys.exit(main())
