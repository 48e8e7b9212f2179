#!/usr/bin/env python3
"""Unit tests of scripts/bench_table.py: loading criterion's JSON, the rounds saved by
`scripts/bench --rounds N` and their aggregation. Run by scripts/test: `python3 scripts/bench_table_selftest.py`."""

import json
import os
import re
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_table as bt  # noqa: E402

KEY = ("transpose", "uniform", 32, 1000)


def round_of(scale, raw, checked, safe, memcpy=None):
    """One round of KEY, every time multiplied by `scale` (the machine's drift in that round)."""
    times = {"raw": raw, "checked": checked, "safe": safe}
    if memcpy is not None:
        times["memcpy"] = memcpy
    return {KEY: {v: t * scale for v, t in times.items()}}


class Aggregate(unittest.TestCase):
    def test_ratios_are_taken_within_a_round_so_drift_cancels(self):
        rounds = [round_of(1, 100, 110, 100, 50), round_of(3, 100, 130, 105, 50),
                  round_of(0.5, 100, 120, 95, 40)]
        s = bt.aggregate(rounds)[KEY]
        self.assertEqual(s["rounds"], 3)
        med, lo, hi = s["ratios"]["checked/raw"]
        self.assertAlmostEqual(med, 1.2)
        self.assertAlmostEqual(lo, 1.1)
        self.assertAlmostEqual(hi, 1.3)
        self.assertEqual([round(x, 6) for x in s["ratios"]["safe/raw"]], [1.0, 0.95, 1.05])
        self.assertEqual([round(x, 6) for x in s["ratios"]["raw/memcpy"]], [2.0, 2.0, 2.5])
        self.assertEqual(s["raw"], 100)  # median of 100, 300, 50

    def test_a_variant_missing_from_some_rounds_counts_only_where_measured(self):
        rounds = [round_of(1, 100, 150, 100), round_of(1, 100, 110, 100, 25),
                  round_of(1, 100, 120, 100, 20)]
        s = bt.aggregate(rounds)[KEY]
        self.assertEqual([round(x, 6) for x in s["ratios"]["raw/memcpy"]], [4.5, 4.0, 5.0])
        self.assertAlmostEqual(s["ratios"]["checked/raw"][0], 1.2)
        none = bt.aggregate([round_of(1, 100, 110, 100)])[KEY]
        self.assertIsNone(none["ratios"]["raw/memcpy"])
        row = next(bt.round_rows(bt.aggregate([round_of(1, 100, 110, 100)])))
        self.assertEqual(row[-1], "-")
        self.assertEqual(row[-3], "1.10 (1.10-1.10)")
        self.assertEqual(row[5], "0.100")  # raw ns per nonzero: 100 ns / 1000

    def test_an_even_number_of_rounds_takes_the_middle_mean(self):
        rounds = [round_of(1, 100, c, 100) for c in (110, 140, 120, 200)]
        self.assertAlmostEqual(bt.aggregate(rounds)[KEY]["ratios"]["checked/raw"][0], 1.3)


class Peers(unittest.TestCase):
    def test_the_fastest_peer_is_named_with_its_ratio_to_raw(self):
        rounds = [{KEY: {"raw": 100, "sprs": 300}}, {KEY: {"raw": 200, "sprs": 250}}]
        s = bt.aggregate(rounds)
        self.assertEqual(s[KEY]["sprs"], 275)
        row = next(bt.round_rows(s, {KEY: {"qutip": 270, "scipy": 400}}))
        # raw's median is 150 ns: QuTiP (270) is the fastest peer, 1.8x raw's time.
        self.assertEqual(row[-2:], ["qutip 0.270", "1.80"])
        row = next(bt.round_rows(s, {}))
        self.assertEqual(row[-2:], ["sprs 0.275", "1.83"])
        none = next(bt.round_rows(bt.aggregate([{KEY: {"raw": 1}}]), {}))
        self.assertEqual(none[-2:], ["-", "-"])

    def test_peers_json_is_read_by_id(self):
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp, "peers.json")
            f.write_text(json.dumps({"machine": {}, "results": [
                {"id": "transpose/uniform/qutip/32/1000", "ns": 5.0},
                {"id": "transpose/uniform/scipy/32/1000", "ns": 7.0}]}))
            self.assertEqual(bt.load_peers(f), {KEY: {"qutip": 5.0, "scipy": 7.0}})


class Files(unittest.TestCase):
    def test_saved_rounds_read_back_filtered(self):
        results = {KEY: {"raw": 1.5, "safe": 2.0}, ("reshape", "tensor", 64, 10): {"raw": 3.0}}
        saved = bt.results_to_json(results)
        self.assertEqual(saved["transpose/uniform/raw/32/1000"], 1.5)
        self.assertEqual(bt.results_from_json(saved, re.compile("")), results)
        only = bt.results_from_json(saved, re.compile("^reshape/"))
        self.assertEqual(only, {("reshape", "tensor", 64, 10): {"raw": 3.0}})

    def test_load_keeps_recent_matching_kernel_ids(self):
        with tempfile.TemporaryDirectory() as tmp:
            def bench(full_id, mean, mtime):
                d = Path(tmp, full_id.replace("/", "_"), "new")
                d.mkdir(parents=True)
                (d / "benchmark.json").write_text(json.dumps({"full_id": full_id}))
                (d / "estimates.json").write_text(json.dumps({"mean": {"point_estimate": mean}}))
                os.utime(d / "benchmark.json", (mtime, mtime))
            bench("permute/banded/raw/64/1000", 10.0, 2000)
            bench("permute/banded/safe/64/1000", 12.0, 2000)
            bench("permute/banded/checked/64/1000", 99.0, 1000)  # an older run
            bench("misc/sum/1000", 1.0, 2000)  # not a kernel id
            got = bt.load(Path(tmp), 1500, re.compile(""))
            self.assertEqual(got, {("permute", "banded", 64, 1000): {"raw": 10.0, "safe": 12.0}})

    def test_the_rounds_command_prints_the_summary(self):
        with tempfile.TemporaryDirectory() as tmp:
            files = []
            for k, checked in enumerate((110, 130, 120)):
                f = Path(tmp, f"round{k}.json")
                f.write_text(json.dumps(bt.results_to_json(round_of(k + 1, 100, checked, 100, 50))))
                files.append(str(f))
            # The FILTER goes before --rounds, which takes every argument after it (as scripts/bench
            # calls it).
            out = subprocess.run([sys.executable, str(HERE / "bench_table.py"), "^transpose/", "--rounds", *files],
                                 check=True, capture_output=True, text=True).stdout
        self.assertIn("median over 3 rounds", out)
        line = next(l for l in out.splitlines() if l.startswith("transpose"))
        self.assertIn("1.20 (1.10-1.30)", line)
        self.assertIn("2.00 (2.00-2.00)", line)


if __name__ == "__main__":
    unittest.main()
