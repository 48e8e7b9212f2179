#!/usr/bin/env python3
"""Print criterion's results for the kernel benchmarks as a plain table.

usage: scripts/bench_table.py [--since EPOCH] [--dir CRITERION_DIR] [FILTER]

Reads every <dir>/**/new/benchmark.json with an id <kernel>/<family>/<variant>/<index>/<nnz>
and its estimates.json (mean.point_estimate, ns per call), keeps those whose id matches the
regex FILTER (and written at or after EPOCH), and prints per row: ns per nonzero and the ratio
of the time to the raw variant's and to the memcpy floor's of the same kernel, family, index
and nnz. The directory defaults to $CRITERION_HOME, else $CARGO_TARGET_DIR/criterion, else
target/criterion beside this script's repository.
"""

import argparse
import json
import os
import re
import sys
from pathlib import Path

KERNELS = ["reshape", "transpose", "column_stack", "column_unstack", "permute", "permute_indices"]
VARIANTS = ["raw", "checked", "safe", "sprs", "memcpy"]


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


def order(seq, item):
    return (seq.index(item), item) if item in seq else (len(seq), item)


def rows(results):
    for key in sorted(results, key=lambda k: (order(KERNELS, k[0]), k[1], k[2], k[3])):
        kernel, family, index, nnz = key
        times = results[key]
        for variant in sorted(times, key=lambda v: order(VARIANTS, v)):
            t = times[variant]
            ratio = lambda base: f"{t / times[base]:.2f}" if base in times else "-"
            yield [kernel, family, str(index), str(nnz), variant, f"{t / nnz:.3f}",
                   ratio("raw"), ratio("memcpy")]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("filter", nargs="?", default="", help="regex on the benchmark id")
    parser.add_argument("--since", type=float, default=0, help="only results written since (epoch s)")
    parser.add_argument("--dir", type=Path, default=None, help="criterion's output directory")
    args = parser.parse_args()
    directory = args.dir or default_dir()
    table = list(rows(load(directory, args.since, re.compile(args.filter))))
    if not table:
        print(f"no results in {directory}", file=sys.stderr)
        return 1
    header = ["kernel", "family", "index", "nnz", "variant", "ns/nnz", "x raw", "x memcpy"]
    widths = [max(len(r[i]) for r in table + [header]) for i in range(len(header))]
    left = 5  # text columns left-aligned, numbers right-aligned
    for r in [header] + table:
        print("  ".join(c.ljust(w) if i < left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
