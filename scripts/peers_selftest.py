#!/usr/bin/env python3
"""Self-test of scripts/peers.py, run in the peers venv: `.venv/peers/bin/python scripts/peers_selftest.py`.

1. reference: every case of ../shared/reference/qutip (or $RAWCHECK_QUTIP_REFERENCE) through the
   exact QuTiP and SciPy calls that peers.py times: QuTiP's output and SciPy's (int32 and int64)
   must equal the `.expected.mtx` bit for bit; QuTiP must refuse the `expect_error` cases.
2. end to end: peers.py on small synthetic matrices laid out like `rawcheck gen`'s output
   (NAME.mtx, NAME.params.json, NAME.rows.txt, NAME.cols.txt), with `oracle` below standing in for
   rawcheck's CLI: every result must be `equal: true`. Then once more with the oracle corrupting
   one value: those results must be `equal: false`, so the check can fail.
The synthetic families and the oracle are test helpers only: scripts/peers uses `rawcheck gen` and
the real CLI. `--quick-run DIR` times a whole quick profile (nnz 1e3..1e5) on synthetic matrices and
keeps the JSON in DIR.

`peers_selftest.py oracle KERNEL ... IN.mtx -o OUT.mtx` is the oracle: the kernels of
qutip-kernels.md written directly on coordinates (numpy), with rawcheck's CLI arguments.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shlex
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.io
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent))
peers = None  # scripts/peers.py, imported by main() only: the oracle must start fast (no QuTiP)

HERE = Path(__file__).resolve()
REPO = HERE.parent.parent
ID_RE = re.compile(
    r"^(reshape|transpose|column_stack|column_unstack|permute|permute_indices)/[a-z0-9_-]+/"
    r"(qutip|scipy)/(32|64)/[0-9]+$")
CORRUPT_ENV = "PEERS_SELFTEST_CORRUPT"


# ---------------------------------------------------------------- the oracle CLI


def parse_list(text: str) -> list[int]:
    if text.startswith("@"):
        return [int(t) for t in Path(text[1:]).read_text().split()]
    return [int(t) for t in text.split(",") if t]


def oracle(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="peers_selftest.py oracle")
    sub = ap.add_subparsers(dest="kernel", required=True)
    subs = {k: sub.add_parser(k) for k in ("reshape", "transpose", "column-stack",
                                             "column-unstack", "permute", "permute-indices")}
    subs["reshape"].add_argument("--shape", required=True)
    subs["column-unstack"].add_argument("--rows", type=int, required=True)
    subs["permute"].add_argument("--dims", required=True)
    subs["permute"].add_argument("--order", required=True)
    subs["permute-indices"].add_argument("--rows", required=True)
    subs["permute-indices"].add_argument("--cols", required=True)
    for p in subs.values():
        p.add_argument("--index", type=int, choices=(32, 64), default=32)
        p.add_argument("input")
        p.add_argument("-o", dest="output", required=True)
    a = ap.parse_args(argv)
    m = sp.coo_array(scipy.io.mmread(a.input))
    rows, cols = m.shape
    r, c = m.row.astype(np.int64), m.col.astype(np.int64)

    def refuse(msg: str) -> int:
        print(f"oracle: {msg}", file=sys.stderr)
        return 1

    if a.kernel == "reshape":
        R, C = parse_list(a.shape)
        if R * C != rows * cols or R <= 0 or C <= 0:
            return refuse(f"{R}x{C} cannot hold {rows}x{cols}")
        flat = r * cols + c
        shape, r, c = (R, C), flat // C, flat % C
    elif a.kernel == "transpose":
        shape, r, c = (cols, rows), c, r
    elif a.kernel == "column-stack":
        shape, r, c = (rows * cols, 1), c * rows + r, np.zeros_like(r)
    elif a.kernel == "column-unstack":
        if cols != 1 or a.rows <= 0 or rows % a.rows:
            return refuse("not a column of a multiple of --rows")
        shape, r, c = (a.rows, rows // a.rows), r % a.rows, r // a.rows
    elif a.kernel == "permute":
        dims, order = parse_list(a.dims), parse_list(a.order)
        n = math.prod(dims)
        if sorted(order) != list(range(len(dims))):
            return refuse("order is not a permutation")
        pg = np.arange(n).reshape(dims).transpose(order).ravel()
        p = np.empty(n, np.int64)
        p[pg] = np.arange(n)
        shape = (rows, cols)
        if rows == n and (cols == n or cols == 1):
            r = p[r]
        if cols == n and (rows == n or rows == 1):
            c = p[c]
        if not (rows == n or cols == n):
            return refuse("dims product does not match")
    else:
        pr, pc = np.array(parse_list(a.rows)), np.array(parse_list(a.cols))
        if sorted(pr) != list(range(rows)) or sorted(pc) != list(range(cols)):
            return refuse("not permutations")
        shape, r, c = (rows, cols), pr[r], pc[c]
    if a.index == 32 and max(shape[0] + 1, shape[1], m.nnz) > 2**32 - 1:
        return refuse("does not fit u32")
    order = np.lexsort((c, r))
    data = m.data.astype(np.complex128)[order]
    if os.environ.get(CORRUPT_ENV) and data.size:
        data[0] = -data[0] if data[0] != 0 else 1.0
    out = sp.coo_array((data, (r[order], c[order])), shape=shape)
    scipy.io.mmwrite(a.output, out, symmetry="general")
    return 0


# ---------------------------------------------------------------- synthetic gen-like matrices


def synthetic(folder: Path, family: str, nnz: int, seed: int = 1) -> Path:
    """A matrix of about `nnz` entries and its params, laid out like `rawcheck gen` writes them.
    N = 8k, dims [2, 4, k]: every family can be permuted; a few explicit zeros (+0 and -0)."""
    rng = np.random.default_rng(seed + nnz + sum(map(ord, family)))
    if family == "banded":
        k = max(1, math.ceil(nnz / 5 / 8))
        n = 8 * k
        i = np.repeat(np.arange(n), 5)
        j = i + np.tile(np.arange(-2, 3), n)
        keep = (j >= 0) & (j < n)
        i, j = i[keep], j[keep]
    else:
        k = max(1, math.ceil(2 * math.sqrt(nnz) / 8))
        n = 8 * k
        if family == "powerlaw":
            weights = 1.0 / np.arange(1, n + 1)
            i = rng.choice(n, size=nnz, p=weights / weights.sum())
        else:
            i = rng.integers(0, n, size=nnz)
        j = rng.integers(0, n, size=nnz)
        if family == "tensor":  # block structure: kron(dense 2x2, random 4k x 4k)
            i, j = i % (4 * k), j % (4 * k)
            i = np.concatenate([i + a * 4 * k for a in (0, 1) for _ in (0, 1)])
            j = np.concatenate([j + b * 4 * k for _ in (0, 1) for b in (0, 1)])
        flat = np.unique(i * n + j)
        i, j = flat // n, flat % n
    data = rng.standard_normal(i.size) + 1j * rng.standard_normal(i.size)
    data[:: max(1, i.size // 3)] = 0.0
    data[1 :: max(1, i.size // 3)] = complex(-0.0, 0.0)
    stem = folder / f"{family}-{nnz}"
    scipy.io.mmwrite(f"{stem}.mtx", sp.coo_array((data, (i, j)), shape=(n, n)), symmetry="general")
    Path(f"{stem}.rows.txt").write_text(" ".join(map(str, rng.permutation(n))) + "\n")
    Path(f"{stem}.cols.txt").write_text("\n".join(map(str, rng.permutation(n))) + "\n")
    params = {"family": family, "nnz": nnz, "shape": [n, n], "reshape": [n // 2, 2 * n],
              "dims": [2, 4, k], "order": [2, 0, 1], "rows_perm_file": f"{stem.name}.rows.txt",
              "cols_perm_file": f"{stem.name}.cols.txt", "unstack_rows": n}
    path = Path(f"{stem}.params.json")
    path.write_text(json.dumps(params) + "\n")
    return path


# ---------------------------------------------------------------- the tests


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok: bool, what: str) -> None:
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL: {what}", file=sys.stderr)


def reference_cases(t: Tally, ref: Path) -> None:
    spec = json.loads((ref / "cases.json").read_text())
    for case in spec["cases"]:
        p = case["params"]
        a = peers.read_mtx(ref / case["input"])
        n = a.shape[0]
        perms = p if case["op"] == "permute_indices" else {}
        params = peers.Params(
            reshape=tuple(p.get("shape", (1, a.shape[0] * a.shape[1]))),
            dims=p.get("dims", [n]), order=p.get("order", [0]),
            rows_perm=np.array(perms.get("rows", range(a.shape[0])), dtype=np.int64),
            cols_perm=np.array(perms.get("cols", range(a.shape[1])), dtype=np.int64),
            unstack_rows=p.get("rows", 1) if case["op"] == "column_unstack" else 1)
        c = peers.Case(family="reference", nnz=a.nnz, mtx=ref / case["input"], a=a, params=params)
        if case["op"] == "column_unstack":
            c.vector = a
        calls = [("qutip", peers.qutip_call(case["op"], c))]
        if "expected" in case:
            calls += [(f"scipy{w}", peers.scipy_call(case["op"], c, w)) for w in (32, 64)]
            want = peers.read_mtx(ref / case["expected"])
            for name, call in calls:
                before = peers.as_scipy(call.x).copy()
                out = call.func(call.x, *call.args)
                diff = peers.exact_difference(peers.as_scipy(out), want)
                t.check(diff is None, f"{case['id']} {name}: {diff}")
                t.check(peers.exact_difference(peers.as_scipy(call.x), before) is None,
                        f"{case['id']} {name}: input changed")
                if name.startswith("scipy"):
                    t.check(peers.as_scipy(out).indices.dtype == peers.WIDTH_DTYPE[int(name[5:])],
                            f"{case['id']} {name}: index width {peers.as_scipy(out).indices.dtype}")
        else:
            name, call = calls[0]
            try:
                call.func(call.x, *call.args)
                t.check(False, f"{case['id']} qutip: accepted, expected '{case['expect_error']}'")
            except ValueError:
                t.check(True, case["id"])


def end_to_end(t: Tally, folder: Path, families, sizes, profile: str, corrupt: bool,
               timing=None) -> dict:
    params = [synthetic(folder, f, n) for f in families for n in sizes]
    out = folder / "peers.json"
    oracle_cmd = f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE))} oracle"
    argv = [*map(str, params), "--profile", profile, "--rawcheck", oracle_cmd, "--out", str(out)]
    if timing:
        argv += ["--target-seconds", str(timing[0]), "--repeats", str(timing[1])]
    if corrupt:
        os.environ[CORRUPT_ENV] = "1"
    try:
        code = peers.main(argv)
    finally:
        os.environ.pop(CORRUPT_ENV, None)
    doc = json.loads(out.read_text())
    results = doc["results"]
    expect = len(families) * len(sizes) * len(peers.kernels()) * 3 - len(doc["skipped"])
    t.check(code == 0, f"peers.py exit {code}")
    t.check(len(results) == expect, f"{len(results)} results, expected {expect}")
    for key in ("machine", "date", "qutip", "scipy", "numpy", "results"):
        t.check(key in doc, f"missing {key}")
    t.check(doc["qutip"] == "5.3.1", f"qutip {doc['qutip']}")
    t.check(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", doc["date"]) is not None, doc["date"])
    for r in results:
        t.check(ID_RE.match(r["id"]) is not None, f"id {r['id']}")
        t.check(r["ns"] > 0 and r["nnz"] > 0, f"{r['id']}: ns {r['ns']} nnz {r['nnz']}")
        want = not corrupt
        t.check(r["equal"] is want, f"{r['id']}: equal {r['equal']}, expected {want} "
                f"({r.get('difference') or r.get('rawcheck_error')})")
        width = int(r["id"].split("/")[3])
        t.check(r["out_index"] == width, f"{r['id']}: out_index {r['out_index']}")
    return doc


def bad_params(t: Tally, folder: Path) -> None:
    """Parameters that do not fit the matrix stop peers.py (exit 2) before any kernel runs."""
    for key, value in (("dims", [2, 2, 2]), ("order", [0, 0, 1]), ("reshape", [7, 7]),
                       ("unstack_rows", 0)):
        path = synthetic(folder, "uniform", 100)
        p = json.loads(path.read_text())
        p[key] = value
        path.write_text(json.dumps(p))
        code = peers.main([str(path), "--out", str(folder / "bad.json")])
        t.check(code == 2, f"bad {key} {value}: exit {code}, expected 2")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "oracle":
        return oracle(sys.argv[2:])
    global peers
    import peers as module

    peers = module
    ap = argparse.ArgumentParser(description="self-test of scripts/peers.py")
    ap.add_argument("--reference", default=os.environ.get(
        "RAWCHECK_QUTIP_REFERENCE", str(REPO.parent / "shared" / "reference" / "qutip")))
    ap.add_argument("--quick-run", metavar="DIR",
                    help="also time a whole quick profile on synthetic matrices, JSON kept in DIR")
    args = ap.parse_args()
    t = Tally()
    ref = Path(args.reference)
    if (ref / "cases.json").is_file():
        reference_cases(t, ref)
    else:
        print(f"peers_selftest: no reference data at {ref}: reference cases skipped",
              file=sys.stderr)
    families = ["uniform", "banded", "powerlaw", "tensor"]
    with tempfile.TemporaryDirectory(prefix="peers-selftest-") as tmp:
        end_to_end(t, Path(tmp), ["uniform", "tensor"], [1000], "quick", corrupt=False,
                   timing=(0.001, 3))
        end_to_end(t, Path(tmp), ["uniform"], [1000], "quick", corrupt=True, timing=(0.001, 3))
        bad_params(t, Path(tmp))
    if args.quick_run:
        folder = Path(args.quick_run)
        folder.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        end_to_end(t, folder, families, [1000, 10000, 100000], "quick", corrupt=False)
        print(f"peers_selftest: quick profile on synthetic matrices took "
              f"{time.monotonic() - start:.1f} s", file=sys.stderr)
    print(f"{t.passed} passed, {t.failed} failed")
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
