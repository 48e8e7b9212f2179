#!/usr/bin/env python3
"""Print criterion's results for the kernel benchmarks as a plain table.

usage: scripts/bench_table.py [--since EPOCH] [--dir CRITERION_DIR] [--save FILE] [FILTER]
       scripts/bench_table.py [FILTER] [--targets] [--peers PEERS_JSON...] --rounds FILE...

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
--peers PEERS_JSON... (written by scripts/peers) adds the fastest peer of each row: the fastest of
sprs, QuTiP and SciPy by their median ns per nonzero, and peer/raw: in each round the fastest
peer's time over raw's (above 1: raw is faster), its median over the rounds (min-max). One file
serves every round; as many files as rounds pair file k with round k (peers timed next to each
round, so each ratio sees one sitting's load).

--targets (with --rounds; T1 also needs --peers) prints, instead, the goals of the raw kernels
(issue 11): per row the median ns per nonzero of every variant, peer and floor, then peer/raw,
raw/memcpy and safe/raw; then per kernel how many rows meet each goal: raw at least 2x faster
than the fastest peer at 1e6 entries and 1.5x at 1e5 (T1), raw within 4x of the memcpy floor at
1e6, reshape 1.5x (T2), raw's median time per nonzero at 1e7 at most 1.5x its median at 1e5 on uniform and tensor
(T3, the full profile only: "-" without 1e7 rows), and the median safe/raw over the kernel's rows,
against 1.10 (T4). The goals come from `rawcheck list --json` (the report judges the same ones on
one sitting's data).

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

from rawcheck_names import goals, kernels, variants

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

# The peers a row's raw time is compared with: sprs from the bench rounds, QuTiP and SciPy from
# scripts/peers (their ids' variants).
PEERS = ["sprs", "qutip", "scipy"]

# The pseudo-variant of a round that holds its fastest peer's time (peers_into_rounds).
BEST_PEER = "fastest peer"


def t1_goals():
    """Issue 11's T1 (--targets), from `rawcheck list --json`: (nnz, least peer/raw) per size."""
    return [(g["nnz"], g["at_least"]) for g in goals() if g["ratio"] == "peer/raw"]


def t2_goal():
    """T2: (nnz, most raw/memcpy, reshape's most: it only rewrites indices)."""
    g = next(g for g in goals() if g["ratio"] == "raw/memcpy")
    return g["nnz"], g["at_most"], g["reshape_at_most"]


def t3_goal():
    """T3: (nnz, the nnz it grows from, its families, most growth of raw's time per nonzero)."""
    g = next(g for g in goals() if "from_nnz" in g)
    return g["nnz"], g["from_nnz"], g["families"], g["at_most"]


def t4_limit():
    """T4: the most median safe/raw."""
    return next(g["median_at_most"] for g in goals() if g["ratio"] == "safe/raw")


def aggregate(rounds):
    """Per key of the rounds ({key: {variant: ns}} each): the median raw time and, per ratio of
    ROUND_RATIOS, (median, min, max) over the rounds that measured both variants (None if none).
    Each ratio is taken within one round, so drift between rounds cancels."""
    keys = sorted({k for r in rounds for k in r}, key=lambda k: (order(kernels(), k[0]), k[1], k[2], k[3]))
    summary = {}
    for key in keys:
        times = [r[key] for r in rounds if key in r]
        ratios = {}
        for name, num, den in ROUND_RATIOS + [("peer/raw", BEST_PEER, "raw")]:
            values = [t[num] / t[den] for t in times if num in t and den in t]
            ratios[name] = (statistics.median(values), min(values), max(values)) if values else None
        ns = {v: statistics.median([t[v] for t in times if v in t]) for v in {v for t in times for v in t}}
        summary[key] = {"raw": ns.get("raw"), "rounds": len(times), "ratios": ratios, "ns": ns}
    return summary


def peers_into_rounds(rounds, peers):
    """`rounds` with the Python peers' times ({key: {peer: ns}}, one for all rounds or one per
    round) added to each round, and each round's fastest peer (sprs of the round, QuTiP, SciPy)
    as BEST_PEER."""
    if len(peers) not in (1, len(rounds)):
        raise ValueError(f"{len(peers)} peers files for {len(rounds)} rounds: give one, or one per round")
    merged = []
    for k, r in enumerate(rounds):
        p = peers[0] if len(peers) == 1 else peers[k]
        out = {}
        for key, times in r.items():
            times = dict(times)
            times.update(p.get(key, {}))
            known = [times[n] for n in PEERS if n in times]
            if known:
                times[BEST_PEER] = min(known)
            out[key] = times
        merged.append(out)
    return merged


def load_peers(path):
    """{(kernel, family, index, nnz): {peer: mean ns}} of a peers.json (scripts/peers)."""
    doc = json.loads(Path(path).read_text())
    peers = {}
    for r in doc["results"] if isinstance(doc, dict) else doc:
        kernel, family, peer, index, nnz = r["id"].split("/")
        peers.setdefault((kernel, family, int(index), int(nnz)), {})[peer] = r["ns"]
    return peers


def read_input(path, read):
    """`read(path)`, or exit with one `error:` line naming the file when it cannot be read or is
    not what `read` expects (a round of --save or a peers.json)."""
    try:
        return read(path)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError,
            AttributeError) as e:
        sys.exit(f"error: {path}: not a readable rounds or peers file ({type(e).__name__}: {e})")


def fastest_peer(summary_row):
    """(name, median ns) of the fastest of the row's peers, or None."""
    candidates = {n: t for n, t in summary_row["ns"].items() if n in PEERS}
    return min(candidates.items(), key=lambda kv: kv[1]) if candidates else None


def sci(n):
    """A power of ten as the bench ids' sizes are spoken of: 1e6."""
    return f"{n:.0e}".replace("e+0", "e").replace("e+", "e")


def spread(r):
    """A (median, min, max) ratio as `median (min-max)`, or "-"."""
    return f"{r[0]:.2f} ({r[1]:.2f}-{r[2]:.2f})" if r else "-"


def round_rows(summary, peers=False):
    """Table rows of `summary`; with `peers`, the fastest peer's columns."""
    for key, s in summary.items():
        kernel, family, index, nnz = key
        raw = f"{s['raw'] / nnz:.3f}" if s["raw"] is not None else "-"
        cells = [spread(s["ratios"][name]) for name, _, _ in ROUND_RATIOS]
        if peers:
            best = fastest_peer(s)
            cells.append(f"{best[0]} {best[1] / nnz:.3f}" if best else "-")
            cells.append(spread(s["ratios"]["peer/raw"]))
        yield [kernel, family, str(index), str(nnz), str(s["rounds"]), raw] + cells


def target_rows(summary):
    """--targets' table: per row the median ns per nonzero of each variant, floor and peer, then
    peer/raw, raw/memcpy and safe/raw."""
    columns = variants() + ["memcpy"] + PEERS
    for (kernel, family, index, nnz), s in summary.items():
        ns = [f"{s['ns'][c] / nnz:.2f}" if c in s["ns"] else "-" for c in columns]
        ratios = [spread(s["ratios"][n]) for n in ("peer/raw", "raw/memcpy", "safe/raw")]
        yield [kernel, family, str(index), str(nnz)] + ns + ratios


def growth(summary, key, s, t3):
    """T3's ratio for the row `key` (summary `s`): raw's median ns per nonzero over its median at
    T3's starting size in the same family and width, or None off T3's size and families. `t3` is
    t3_goal()."""
    nnz, from_nnz, families, _ = t3
    kernel, family, index, at = key
    base = summary.get((kernel, family, index, from_nnz))
    if at != nnz or family not in families or not base or "raw" not in s["ns"] or "raw" not in base["ns"]:
        return None
    return (s["ns"]["raw"] / at) / (base["ns"]["raw"] / from_nnz)


def scoreboard(summary):
    """Per kernel, then "all": [name, T1 at each size, T2, T3, T4] as "met/rows (worst x)" cells
    (worst: the lowest peer/raw, the highest raw/memcpy or growth) and the median safe/raw."""
    by_kernel = {}
    for key, s in summary.items():
        by_kernel.setdefault(key[0], []).append((key, s))
    by_kernel["all"] = [item for items in list(by_kernel.values()) for item in items]

    def cells_text(cells, met, worst):
        """"met/rows (worst x)" of (key, value) cells, "-" when there are none."""
        if not cells:
            return "-"
        values = [v for _, v in cells]
        return f"{sum(met(key, v) for key, v in cells)}/{len(cells)} (worst {worst(values):.2f})"

    def goal(items, ratio, nnz, met, worst):
        cells = [(key, s["ratios"][ratio][0]) for key, s in items if key[3] == nnz and s["ratios"][ratio]]
        return cells_text(cells, met, worst)

    t2_nnz, t2_most, reshape_most = t2_goal()
    t3 = t3_goal()
    for kernel, items in by_kernel.items():
        row = [kernel]
        for nnz, least in t1_goals():
            row.append(goal(items, "peer/raw", nnz, lambda _, v, least=least: v >= least, min))
        limit = lambda key: reshape_most if key[0] == "reshape" else t2_most
        row.append(goal(items, "raw/memcpy", t2_nnz, lambda key, v: v <= limit(key), max))
        growths = [(key, g) for key, s in items if (g := growth(summary, key, s, t3)) is not None]
        row.append(cells_text(growths, lambda _, v: v <= t3[3], max))
        safe = [s["ratios"]["safe/raw"][0] for _, s in items if s["ratios"]["safe/raw"]]
        row.append(f"{statistics.median(safe):.3f}" if safe else "-")
        yield row


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
    parser.add_argument("--peers", type=Path, nargs="+", default=None,
                        help="with --rounds: peers.json of scripts/peers, one or one per round")
    parser.add_argument("--targets", action="store_true",
                        help="with --rounds: the raw kernels' goals, met or not (T1 needs --peers)")
    args = parser.parse_args()
    pattern = re.compile(args.filter)
    if args.peers and not args.rounds:
        parser.error("--peers needs --rounds")
    if args.targets and not args.rounds:
        parser.error("--targets needs --rounds")
    if args.rounds:
        rounds = [read_input(f, lambda f: results_from_json(json.loads(f.read_text()), pattern))
                  for f in args.rounds]
        if args.peers:
            try:
                rounds = peers_into_rounds(rounds, [read_input(f, load_peers) for f in args.peers])
            except ValueError as e:
                parser.error(str(e))
        summary = aggregate(rounds)
        if not summary:
            print("no results in the rounds", file=sys.stderr)
            return 1
        print(f"median over {len(rounds)} rounds (min-max); ns/nnz are medians")
        if args.targets:
            header = ["kernel", "family", "index", "nnz"] + [f"{c} ns/nnz" for c in variants() + ["memcpy"] + PEERS]
            print_table(header + ["peer/raw", "raw/memcpy", "safe/raw"], list(target_rows(summary)), left=4)
            print()
            t1 = [f"T1 {sci(nnz)} (>= {least}x)" for nnz, least in t1_goals()]
            t2_nnz, t2_most, reshape_most = t2_goal()
            t2 = f"T2 {sci(t2_nnz)} (<= {t2_most:g}x, reshape {reshape_most:g}x)"
            t3_nnz, t3_from, _, t3_most = t3_goal()
            t3 = f"T3 {sci(t3_nnz)}/{sci(t3_from)} (<= {t3_most:g}x)"
            t4 = f"T4 safe/raw (<= {t4_limit():.2f})"
            print_table(["kernel"] + t1 + [t2, t3, t4], list(scoreboard(summary)), left=1)
            return 0
        header = ["kernel", "family", "index", "nnz", "rounds", "raw ns/nnz"] + [n for n, _, _ in ROUND_RATIOS]
        if args.peers:
            header += ["fastest peer ns/nnz", "peer/raw"]
        print_table(header, list(round_rows(summary, bool(args.peers))), left=4)
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
