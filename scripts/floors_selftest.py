#!/usr/bin/env python3
"""Tests of scripts/floors: the summary over rounds, the fastest peer, the verdicts on issue
11's goals, and the command end to end on the probes of a debug build. Run by scripts/test after
the workspace tests have built the examples: `python3 scripts/floors_selftest.py [PROBES_DIR]`
(default target/debug/examples)."""

import importlib.machinery
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
_loader = importlib.machinery.SourceFileLoader("floors", str(HERE / "floors"))
_spec = importlib.util.spec_from_loader("floors", _loader)
fl = importlib.util.module_from_spec(_spec)
_loader.exec_module(fl)

PROBES = Path(sys.argv.pop(1)) if len(sys.argv) > 1 else HERE.parent / "target" / "debug" / "examples"
FLOORS_OF = {"transpose": ["entries", "memcpy"], "permute": ["rows-gather", "rows-scatter", "memcpy"]}
T = ("transpose", "uniform", 1_000_000)
P = ("permute", "tensor", 1_000_000)


class Summary(unittest.TestCase):
    def test_the_floor_is_the_least_own_floor_of_each_round_and_memcpy_is_not_one(self):
        rounds = [{P: {"raw": 8.0, "rows-gather": 4.0, "rows-scatter": 5.0, "memcpy": 1.0}},
                  {P: {"raw": 9.0, "rows-gather": 6.0, "rows-scatter": 3.0, "memcpy": 1.5}},
                  {P: {"raw": 12.0, "rows-gather": 4.0, "rows-scatter": 4.0, "memcpy": 0.5}}]
        s = fl.summarise(rounds, FLOORS_OF)[P]
        self.assertEqual(s["floor"], 4.0)  # median of 4, 3, 4
        self.assertEqual(s["floor_min"], 3.0)
        self.assertEqual(s["ns"]["raw"], 9.0)
        self.assertEqual([round(x, 6) for x in s["ratios"]["raw/floor"]], [3.0, 2.0, 3.0])
        self.assertEqual([round(x, 6) for x in s["ratios"]["floor/memcpy"]], [4.0, 2.0, 8.0])


class FastestPeer(unittest.TestCase):
    def test_each_peer_is_its_median_over_the_files_and_only_32_bit_counts(self):
        files = [{("transpose", "uniform", 32, 1_000_000): {"qutip": 9e6, "scipy": 10e6},
                  ("transpose", "uniform", 64, 1_000_000): {"scipy": 1e6}},
                 {("transpose", "uniform", 32, 1_000_000): {"qutip": 7e6, "scipy": 8e6}},
                 {("transpose", "uniform", 32, 1_000_000): {"qutip": 20e6, "scipy": 8.5e6}}]
        self.assertEqual(fl.fastest_peers(files, []), {T: ("scipy", 8.5)})
        bench = [{("transpose", "uniform", 32, 1_000_000): {"raw": 5e6, "sprs": 8e6}}]
        self.assertEqual(fl.fastest_peers(files, bench), {T: ("sprs", 8.0)})


def row(raw, floor, memcpy, best_round=None):
    """A summarised row whose floor's median is `floor` and best round `best_round` (default the
    same), floor/memcpy likewise."""
    best = floor if best_round is None else best_round
    return {"ns": {"raw": raw, "memcpy": memcpy}, "floor": floor, "floor_min": best,
            "ratios": {"floor/memcpy": (floor / memcpy, best / memcpy, floor / memcpy)}}


class Verdicts(unittest.TestCase):
    def test_t1_is_met_out_of_reach_or_open_against_the_fastest_peer_over_its_factor(self):
        best = ("qutip", 12.0)  # T1 at 1e6: 2x, bound 6
        self.assertEqual(fl.verdicts(P, row(6.0, 4.0, 2.0), best)[:3], ["qutip 6.00", "0.67", "met"])
        self.assertEqual(fl.verdicts(P, row(8.0, 4.0, 2.0), best)[2], "open")
        self.assertEqual(fl.verdicts(P, row(8.0, 6.5, 2.0), best)[2], "out of reach")
        # A median floor above the bound is not enough: one round under it keeps T1 open.
        self.assertEqual(fl.verdicts(P, row(8.0, 6.5, 2.0, best_round=5.9), best)[1:3], ["1.08", "open"])
        at_1e5 = ("permute", "tensor", 100_000)  # 1.5x: bound 8
        self.assertEqual(fl.verdicts(at_1e5, row(7.9, 4.0, 2.0), best)[2], "met")
        self.assertEqual(fl.verdicts(at_1e5, row(8.1, 4.0, 2.0), best)[3], "-")  # no T2 at 1e5
        self.assertEqual(fl.verdicts(("permute", "tensor", 1000), row(8.0, 4.0, 2.0), best)[:3],
                         ["-", "-", "-"])
        self.assertEqual(fl.verdicts(P, row(8.0, 4.0, 2.0), None)[:3], ["-", "-", "-"])

    def test_t2_compares_raw_then_the_floor_with_four_times_memcpy(self):
        self.assertEqual(fl.verdicts(P, row(4.0, 3.0, 1.0), None)[3], "met")
        self.assertEqual(fl.verdicts(P, row(6.0, 3.0, 1.0), None)[3], "open")
        self.assertEqual(fl.verdicts(P, row(6.0, 4.5, 1.0), None)[3], "out of reach")
        self.assertEqual(fl.verdicts(P, row(6.0, 4.5, 1.0, best_round=3.9), None)[3], "open")

    def test_the_table_has_a_column_per_floor_and_a_dash_where_a_kernel_lacks_one(self):
        summary = {T: {"ns": {"raw": 6.0, "entries": 5.0, "memcpy": 1.0}, "floor": 5.0,
                       "ratios": {"raw/floor": (1.2, 1.1, 1.3), "floor/memcpy": (5.0, 4.0, 6.0)}}}
        header, rows = fl.table(summary, FLOORS_OF, None)
        self.assertEqual(header[4:7], ["entries ns/nnz", "rows-gather ns/nnz", "rows-scatter ns/nnz"])
        self.assertEqual(rows[0][:8], ["transpose", "uniform", "1e6", "6.00", "5.00", "-", "-", "1.00"])
        self.assertEqual(rows[0][8:], ["1.20 (1.10-1.30)", "5.00 (4.00-6.00)"])


def run(*argv):
    env = dict(os.environ)
    env.setdefault("RAWCHECK", str(HERE.parent / "target" / "debug" / "rawcheck"))
    return subprocess.run([sys.executable, str(HERE / "floors"), "--probes", str(PROBES), *argv],
                          capture_output=True, text=True, env=env)


class Command(unittest.TestCase):
    def test_one_round_prints_a_row_per_cell_with_verdicts_from_the_peers(self):
        with tempfile.TemporaryDirectory() as d:
            peers = Path(d) / "peers.json"
            peers.write_text(json.dumps({"results": [
                {"id": "permute/banded/qutip/32/1000", "ns": 1e9, "nnz": 1000}]}))
            done = run("^permute/", "--rounds", "1", "--calls", "1", "--nnz", "1e3", "--peers", str(peers))
        self.assertEqual(done.returncode, 0, done.stderr)
        lines = done.stdout.splitlines()
        rows = [line.split() for line in lines[2:]]
        self.assertEqual([r[:3] for r in rows], [["permute", f, "1e3"] for f in ("banded", "powerlaw", "tensor", "uniform")])
        # No goal at 1e3: every verdict is a dash, the bound too (T1 sets none at that size).
        self.assertTrue(all(r[-4:] == ["-"] * 4 for r in rows), lines)
        for r in rows:
            raw, gather, scatter, memcpy = map(float, (r[3], r[5], r[6], r[7]))
            self.assertTrue(min(raw, gather, scatter, memcpy) > 0, r)

    def test_bad_input_is_one_error_line_and_status_1(self):
        with tempfile.TemporaryDirectory() as d:
            bad = Path(d) / "peers.json"
            bad.write_text("[1, 2")
            cases = [["--peers", str(bad)], ["--nnz", "0"], ["--nnz", "many"], ["--rounds", "0"],
                     ["--calls", "-1"], ["no-such-kernel"], ["["], ["--probes", d]]
            for argv in cases:
                done = run("--rounds", "1", "--calls", "1", "--nnz", "1e3", *argv)
                self.assertEqual(done.returncode, 1, argv)
                self.assertEqual(len(done.stderr.splitlines()), 1, (argv, done.stderr))
                self.assertTrue(done.stderr.startswith("error: "), (argv, done.stderr))
                self.assertEqual(done.stdout, "", argv)


if __name__ == "__main__":
    unittest.main()
