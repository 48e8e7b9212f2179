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
    ROUNDS = [{KEY: {"raw": 100, "sprs": 300}}, {KEY: {"raw": 200, "sprs": 250}},
              {KEY: {"raw": 100, "sprs": 260}}]

    def test_one_peers_file_serves_every_round_and_each_ratio_is_taken_in_its_round(self):
        s = bt.aggregate(bt.peers_into_rounds(self.ROUNDS, [{KEY: {"qutip": 270}}]))
        # Per round the fastest peer over raw: 270/100, 250/200, 260/100. By median time sprs
        # (260) beats QuTiP (270).
        row = next(bt.round_rows(s, peers=True))
        self.assertEqual(row[-2:], ["sprs 0.260", "2.60 (1.25-2.70)"])
        none = next(bt.round_rows(bt.aggregate(bt.peers_into_rounds([{KEY: {"raw": 1}}], [{}])), peers=True))
        self.assertEqual(none[-2:], ["-", "-"])

    def test_peers_files_pair_with_the_rounds_in_turn(self):
        peers = [{KEY: {"qutip": 150}}, {KEY: {"qutip": 600}}, {KEY: {"qutip": 100}}]
        s = bt.aggregate(bt.peers_into_rounds(self.ROUNDS, peers))
        # Round by round: QuTiP 150/100, sprs 250/200, QuTiP 100/100.
        row = next(bt.round_rows(s, peers=True))
        self.assertEqual(row[-2:], ["qutip 0.150", "1.25 (1.00-1.50)"])
        with self.assertRaises(ValueError):
            bt.peers_into_rounds(self.ROUNDS, peers[:2])

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


class BadInput(unittest.TestCase):
    def test_an_unreadable_or_malformed_file_is_one_error_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            good = Path(tmp, "round.json")
            good.write_text(json.dumps(bt.results_to_json(round_of(1, 100, 110, 100, 50))))
            cases = {"missing.json": None, "empty.json": "", "list.json": "[1, 2]",
                     "badid.json": json.dumps({"results": [{"id": "a/b", "ns": 1}]})}
            for name, text in cases.items():
                bad = Path(tmp, name)
                if text is not None:
                    bad.write_text(text)
                for argv in (["--rounds", str(bad)], ["--peers", str(bad), "--rounds", str(good)]):
                    with self.subTest(name=name, argv=argv[0]):
                        run = subprocess.run([sys.executable, str(HERE / "bench_table.py"), *argv],
                                             capture_output=True, text=True)
                        self.assertEqual(run.returncode, 1)
                        self.assertEqual(run.stdout, "")
                        lines = run.stderr.splitlines()
                        self.assertEqual(len(lines), 1, run.stderr)
                        self.assertTrue(lines[0].startswith(f"error: {bad}:"), lines[0])


class Targets(unittest.TestCase):
    @staticmethod
    def summary():
        def key(kernel, family, nnz):
            return (kernel, family, 32, nnz)
        one_round = {
            key("transpose", "uniform", 10**6): {"raw": 100, "safe": 105, "memcpy": 30, "qutip": 250},
            key("transpose", "banded", 10**6): {"raw": 100, "safe": 130, "memcpy": 20, "qutip": 150},
            key("transpose", "banded", 10**5): {"raw": 10, "safe": 10, "memcpy": 4, "scipy": 14},
            key("reshape", "uniform", 10**6): {"raw": 100, "safe": 100, "memcpy": 80},
            key("reshape", "banded", 10**6): {"raw": 100, "safe": 120, "memcpy": 50},
            # T3: 12 ns per nonzero at 1e7 against 10 at 1e5 (1.2x), on uniform; banded is not
            # one of T3's families.
            key("permute", "uniform", 10**5): {"raw": 10**6},
            key("permute", "uniform", 10**7): {"raw": 1.2 * 10**8},
            key("permute", "banded", 10**5): {"raw": 10**6},
            key("permute", "banded", 10**7): {"raw": 9 * 10**8},
        }
        return bt.aggregate(bt.peers_into_rounds([one_round], [{}]))

    def test_each_kernel_counts_the_rows_that_meet_each_goal(self):
        board = {row[0]: row[1:] for row in bt.scoreboard(self.summary())}
        self.assertEqual(board["transpose"],
                         ["1/2 (worst 1.50)", "0/1 (worst 1.40)", "1/2 (worst 5.00)", "-", "1.050"])
        # reshape's floor is 1.5x memcpy, not 4x: 1.25 meets it, 2.00 does not; it has no peers.
        self.assertEqual(board["reshape"], ["-", "-", "1/2 (worst 2.00)", "-", "1.100"])
        self.assertEqual(board["permute"], ["-", "-", "-", "1/1 (worst 1.20)", "-"])
        self.assertEqual(board["all"],
                         ["1/2 (worst 1.50)", "0/1 (worst 1.40)", "2/4 (worst 5.00)", "1/1 (worst 1.20)", "1.050"])

    def test_the_targets_command_prints_the_rows_and_the_scoreboard(self):
        big = ("transpose", "uniform", 32, 10**6)
        with tempfile.TemporaryDirectory() as tmp:
            rounds, peers = [], []
            for k, qutip in enumerate((3e8, 1.5e8)):
                f = Path(tmp, f"round{k}.json")
                times = {"raw": 1e8, "checked": 1.1e8, "safe": 1e8, "memcpy": 5e7}
                f.write_text(json.dumps(bt.results_to_json({big: times})))
                rounds.append(str(f))
                g = Path(tmp, f"peers{k}.json")
                g.write_text(json.dumps({"results": [{"id": "transpose/uniform/qutip/32/1000000", "ns": qutip}]}))
                peers.append(str(g))
            out = subprocess.run([sys.executable, str(HERE / "bench_table.py"), "--targets", "--peers", *peers,
                                  "--rounds", *rounds], check=True, capture_output=True, text=True).stdout
        row, board = [l.split() for l in out.splitlines() if l.startswith("transpose")]
        # ns/nnz of raw, checked, safe, memcpy, sprs, QuTiP, SciPy; then peer/raw (3.00 and 1.50
        # in turn), raw/memcpy and safe/raw.
        self.assertEqual(row[4:11], ["100.00", "110.00", "100.00", "50.00", "-", "225.00", "-"])
        self.assertEqual(" ".join(row[11:]), "2.25 (1.50-3.00) 2.00 (2.00-2.00) 1.00 (1.00-1.00)")
        self.assertEqual(" ".join(board), "transpose 1/1 (worst 2.25) - 1/1 (worst 2.00) - 1.000")

    def test_the_growth_needs_no_peers(self):
        with tempfile.TemporaryDirectory() as tmp:
            f = Path(tmp, "round1.json")
            # 30 ns per nonzero at 1e7 against 10 at 1e5: 3x.
            f.write_text(json.dumps(bt.results_to_json({
                ("transpose", "tensor", 64, 10**5): {"raw": 10**6, "memcpy": 10**5},
                ("transpose", "tensor", 64, 10**7): {"raw": 3 * 10**8, "memcpy": 4 * 10**7},
            })))
            out = subprocess.run([sys.executable, str(HERE / "bench_table.py"), "--targets", "--rounds", str(f)],
                                 check=True, capture_output=True, text=True).stdout
        board = next(l for l in out.splitlines() if l.startswith("transpose") and "worst" in l)
        self.assertEqual(" ".join(board.split()), "transpose - - - 0/1 (worst 3.00) -")
        run = subprocess.run([sys.executable, str(HERE / "bench_table.py"), "--targets"],
                             capture_output=True, text=True)
        self.assertEqual(run.returncode, 2)
        self.assertIn("--targets needs --rounds", run.stderr)


if __name__ == "__main__":
    unittest.main()
