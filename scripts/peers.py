#!/usr/bin/env python3
"""Time QuTiP 5's Cython CSR kernels and their SciPy equivalents on rawcheck's bench matrices.

Run by `scripts/peers` inside the venv `.venv/peers` (pins in `scripts/peers-requirements.txt`).

INPUT: one `NAME.params.json` per matrix, written by `rawcheck gen FAMILY --nnz N -o NAME.mtx`:
    {"family": "uniform", "nnz": 100000, "shape": [r, c], "reshape": [R, C],
     "dims": [d1, ..], "order": [o1, ..], "rows_perm_file": "NAME.rows.txt",
     "cols_perm_file": "NAME.cols.txt", "vectorisable_input": "NAME.vec.mtx",
     "vectorisable_shape": [r2, c2], "unstack_rows": r2}
The matrix A is the sibling `NAME.mtx`; the permutation files hold whitespace-separated integers and
are found relative to the params file's folder (absolute paths work too). column_stack and
column_unstack use the denser matrix V of `vectorisable_input` instead of A, as the benches do
(their output has a row pointer per matrix element); without that key V is A. `unstack_rows` is
V's row count. `nnz` is the nominal size
(the power of ten in the bench id); the matrix's actual nnz is reported beside it.

WHAT IS TIMED (one call; each result is the median over repeats, see `measure`):
  reshape          qutip  reshape_csr(A, R, C). It sorts A's rows in place first; A is canonical
                          (sorted), so the sort is a no-op pass that stays in the timing and
                          every repeat sees the same input.
                   scipy  A.reshape((R, C)).tocsr()              (csr -> coo -> reshape -> csr)
  transpose        qutip  transpose_csr(A)          scipy  A.T.tocsr()
  column_stack     qutip  column_stack_csr(V)       scipy  V.reshape((r2*c2, 1), order="F").tocsr()
  column_unstack   input v = column_stack(V) (r2*c2 x 1), rows = unstack_rows; the result is V again.
                   qutip  column_unstack_csr(v, rows)
                   scipy  v.reshape((rows, r*c // rows), order="F").tocsr()
  permute          qutip  permute.dimensions_csr(A, dims, order)
                   scipy  pg = arange(N).reshape(dims).transpose(order).ravel() (inside the timing,
                          as QuTiP computes its permutation inside), A[pg][:, pg] (kets A[pg], bras
                          A[:, pg]), then sort_indices(): column fancy indexing leaves rows unsorted.
  permute_indices  qutip  permute.indices_csr(A, rows, cols)   (entry (i, j) -> (rows[i], cols[j]))
                   scipy  inv = inverse of rows (O(n) scatter); B = A[inv]; B.indices = cols[B.indices];
                          B.sort_indices()
Every SciPy form ends in a canonical CSR (sorted rows), like QuTiP's and rawcheck's outputs, so all
three pay for the same result. Permutations and parameters are prepared before timing. Every input
is checked unchanged after its timing (exit 2 otherwise); a kernel that raises on an input is
listed in "skipped" with its message.

INDEX WIDTHS: QuTiP's CSR uses one index type fixed at compile time (`idxint`, int32 in the PyPI
wheels; read from `qutip.core.data.base.idxint_dtype`), so QuTiP results are emitted only under that
width. SciPy runs twice, on int32 and on int64 index arrays; the width it actually produced is
recorded as `out_index` (SciPy may widen an int32 result, never narrows an int64 one here).
A width is skipped (listed in "skipped" with the reason) when a size the kernel computes in it (rows,
cols, nnz, R*C, r*c, prod(dims)) does not fit: QuTiP would overflow silently (QuTiP issue 2575).

EQUALITY: each output is compared with rawcheck's output for the same input, parameters and index
width (the CLI: `rawcheck KERNEL ... --index W IN.mtx -o OUT.mtx`, read back with scipy.io.mmread):
same shape, same row pointers, same column indices in the same order (so an unsorted row is a
difference) and the same values bit for bit (so 0.0 and -0.0 differ). Explicit zeros are entries
like any other: mmread keeps them and no kernel here drops them, so they are compared as stored.
`equal` is null when no rawcheck CLI was given or it refused the case (`rawcheck_error` says why).

OUTPUT (`--out`, default reports/data/peers.json):
  {"machine": {"cpu", "cores", "os"}, "date": ISO-8601 UTC, "qutip", "scipy", "numpy", "python",
   "profile", "method", "results": [{"id": "transpose/uniform/qutip/32/100000", "ns": median ns per
   call, "nnz": actual nnz, "equal": true|false|null, "out_index": 32|64, "number": calls per repeat,
   "repeats": n}], "skipped": [{"id", "reason"}]}
Exit status: 0, or 1 with --strict when some output differs from rawcheck's; 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import timeit
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy
import scipy.io
import scipy.sparse as sp

from rawcheck_names import kernels

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # "matplotlib not found": irrelevant here
    import qutip
    from qutip.core.data import CSR as QCSR

    # The Cython modules themselves: `qutip.core.data.reshape` and `.adjoint` are shadowed by
    # dispatchers of the same names in the package namespace.
    q_adjoint = importlib.import_module("qutip.core.data.adjoint")
    q_base = importlib.import_module("qutip.core.data.base")
    q_permute = importlib.import_module("qutip.core.data.permute")
    q_reshape = importlib.import_module("qutip.core.data.reshape")

QUTIP_WIDTH = np.dtype(q_base.idxint_dtype).itemsize * 8
WIDTH_DTYPE = {32: np.int32, 64: np.int64}
PROFILES = {
    # target seconds per repeat (autorange), repeats
    "quick": (0.02, 5),
    "full": (0.1, 7),
}


class InputError(Exception):
    """A params file or matrix that does not follow the interface above."""


# ---------------------------------------------------------------- inputs


@dataclass
class Params:
    """Kernel parameters of one bench matrix (the params JSON, permutations loaded)."""

    reshape: tuple[int, int]
    dims: list[int]
    order: list[int]
    rows_perm: np.ndarray  # int64
    cols_perm: np.ndarray  # int64
    unstack_rows: int
    rows_perm_file: Path | None = None
    cols_perm_file: Path | None = None


@dataclass
class Case:
    """One bench matrix: family, nominal nnz, the matrix as canonical int64 CSR, its parameters."""

    family: str
    nnz: int
    mtx: Path
    a: sp.csr_array
    params: Params
    vec: sp.csr_array | None = None  # V: column_stack's input (vectorisable_input); default A
    vec_mtx: Path | None = None  # V's file, for rawcheck's column-stack; default `mtx`
    vector: sp.csr_array | None = None  # column_unstack's input; default column_stack(V)
    vector_mtx: Path | None = None  # that input as a file, for rawcheck's column-unstack

    def column_base(self) -> sp.csr_array:
        """V, the matrix column_stack runs on (and column_unstack gives back)."""
        return self.a if self.vec is None else self.vec
    cache: dict = field(default_factory=dict)


def read_perm(path: Path) -> np.ndarray:
    try:
        text = path.read_text()
    except OSError as e:
        raise InputError(f"{path}: {e}") from e
    try:
        return np.array([int(t) for t in text.split()], dtype=np.int64)
    except ValueError as e:
        raise InputError(f"{path}: not whitespace-separated integers ({e})") from e


def to_canonical_csr(m, what: str) -> sp.csr_array:
    """A sorted, duplicate-free complex128 CSR with int64 indices, entries exactly as stored
    (explicit zeros kept). Refuses duplicates: summing them would change the matrix."""
    coo = sp.coo_array(m)
    row = np.asarray(coo.row, dtype=np.int64)
    col = np.asarray(coo.col, dtype=np.int64)
    data = np.asarray(coo.data).astype(np.complex128)  # real -> complex is exact
    order = np.lexsort((col, row))
    row, col, data = row[order], col[order], data[order]
    if row.size > 1:
        same = (row[1:] == row[:-1]) & (col[1:] == col[:-1])
        if same.any():
            k = int(np.argmax(same))
            raise InputError(f"{what}: duplicate entry ({row[k] + 1}, {col[k] + 1})")
    rows = coo.shape[0]
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row, minlength=rows), out=indptr[1:])
    out = sp.csr_array(coo.shape, dtype=np.complex128)
    out.data, out.indices, out.indptr = data, col, indptr
    out.has_sorted_indices = True
    return out


def read_mtx(path: Path) -> sp.csr_array:
    try:
        m = scipy.io.mmread(str(path))
    except Exception as e:  # noqa: BLE001 - any reader failure is an input error
        raise InputError(f"{path}: cannot read Matrix Market file: {e}") from e
    return to_canonical_csr(m, str(path))


def load_case(params_path: Path) -> Case:
    try:
        p = json.loads(params_path.read_text())
    except (OSError, ValueError) as e:
        raise InputError(f"{params_path}: {e}") from e
    need = ("family", "nnz", "shape", "reshape", "dims", "order", "rows_perm_file",
            "cols_perm_file", "unstack_rows")
    missing = [k for k in need if k not in p]
    if missing:
        raise InputError(f"{params_path}: missing keys {missing}")
    name = params_path.name
    if not name.endswith(".params.json"):
        raise InputError(f"{params_path}: expected NAME.params.json")
    mtx = params_path.with_name(name[: -len(".params.json")] + ".mtx")
    a = read_mtx(mtx)
    if list(a.shape) != list(p["shape"]):
        raise InputError(f"{params_path}: shape {p['shape']} but {mtx} is {list(a.shape)}")
    base = params_path.parent
    vec, vec_mtx = None, None
    if "vectorisable_input" in p:
        f = Path(p["vectorisable_input"])
        vec_mtx = f if f.is_absolute() else base / f
        vec = read_mtx(vec_mtx)
        if list(vec.shape) != list(p.get("vectorisable_shape", vec.shape)):
            raise InputError(f"{params_path}: vectorisable_shape {p['vectorisable_shape']} but "
                             f"{vec_mtx} is {list(vec.shape)}")

    def perm(key: str) -> tuple[np.ndarray, Path]:
        f = Path(p[key])
        f = f if f.is_absolute() else base / f
        return read_perm(f), f

    rows_perm, rows_file = perm("rows_perm_file")
    cols_perm, cols_file = perm("cols_perm_file")
    params = Params(
        reshape=(int(p["reshape"][0]), int(p["reshape"][1])),
        dims=[int(d) for d in p["dims"]],
        order=[int(o) for o in p["order"]],
        rows_perm=rows_perm,
        cols_perm=cols_perm,
        unstack_rows=int(p["unstack_rows"]),
        rows_perm_file=rows_file,
        cols_perm_file=cols_file,
    )
    problem = invalid_params(a.shape, params, (vec if vec is not None else a).shape)
    if problem:
        raise InputError(f"{params_path}: {problem}")
    return Case(family=str(p["family"]), nnz=int(p["nnz"]), mtx=mtx, a=a, params=params,
                vec=vec, vec_mtx=vec_mtx)


def invalid_params(shape, p: Params, vec_shape=None) -> str | None:
    """Why the parameters do not fit the matrix (of `shape`; V of `vec_shape`, default the same),
    or None. Checked before any kernel runs: QuTiP 5.3.1 trusts some of them and would write out
    of bounds (dims on its bra and sparse paths)."""
    rows, cols = shape
    vrows, vcols = shape if vec_shape is None else vec_shape
    if p.reshape[0] <= 0 or p.reshape[1] <= 0 or p.reshape[0] * p.reshape[1] != rows * cols:
        return f"reshape {list(p.reshape)} does not hold {rows}x{cols}"
    if p.unstack_rows <= 0 or (vrows * vcols) % p.unstack_rows:
        return f"unstack_rows {p.unstack_rows} does not divide {vrows * vcols}"
    if sorted(p.order) != list(range(len(p.dims))) or min(p.dims, default=0) <= 0:
        return f"order {p.order} is not a permutation of dims {p.dims}, or a dim is not > 0"
    n = math.prod(p.dims)
    square, ket, bra = rows == cols == n, (rows, cols) == (n, 1), (rows, cols) == (1, n)
    if not (square or ket or bra):
        return f"dims {p.dims} (product {n}) do not match {rows}x{cols}"
    for name, perm, size in (("rows", p.rows_perm, rows), ("cols", p.cols_perm, cols)):
        if perm.size != size or not np.array_equal(np.sort(perm), np.arange(size)):
            return f"{name} permutation is not a permutation of 0..{size}"
    return None


def with_width(a: sp.csr_array, width: int) -> sp.csr_array:
    """A copy of `a` whose index arrays have the given width (set directly: SciPy's constructor
    would pick its own width)."""
    dt = WIDTH_DTYPE[width]
    out = sp.csr_array(a.shape, dtype=np.complex128)
    out.data = a.data.copy()
    out.indices = a.indices.astype(dt)
    out.indptr = a.indptr.astype(dt)
    out.has_sorted_indices = True
    return out


def to_qutip(a: sp.csr_array) -> QCSR:
    return QCSR((a.data, a.indices, a.indptr), shape=tuple(int(s) for s in a.shape), copy=True)


def column_stack_of(a: sp.csr_array) -> sp.csr_array:
    """The spec's column_stack, used to make column_unstack's input: (i, j) -> row j*rows + i."""
    rows, cols = a.shape
    coo = a.tocoo()
    flat = coo.col.astype(np.int64) * rows + coo.row.astype(np.int64)
    order = np.argsort(flat, kind="stable")
    m = sp.coo_array((coo.data[order], (flat[order], np.zeros(flat.size, np.int64))),
                     shape=(rows * cols, 1))
    return to_canonical_csr(m, "column_stack")


# ---------------------------------------------------------------- the kernels


def sp_reshape(a, shape):
    return a.reshape(shape).tocsr()


def sp_transpose(a):
    return a.T.tocsr()


def sp_column_stack(a):
    return a.reshape((a.shape[0] * a.shape[1], 1), order="F").tocsr()


def sp_column_unstack(v, rows):
    return v.reshape((rows, v.shape[0] // rows), order="F").tocsr()


def sp_permute(a, dims, order):
    n = math.prod(dims)
    pg = np.arange(n, dtype=a.indices.dtype).reshape(dims).transpose(order).ravel()
    if a.shape[1] == 1 and a.shape[0] != 1:
        out = a[pg]
    elif a.shape[0] == 1 and a.shape[1] != 1:
        out = a[:, pg]
    else:
        out = a[pg][:, pg]
    out.sort_indices()
    return out


def sp_permute_indices(a, rows, cols):
    inv = np.empty_like(rows)
    inv[rows] = np.arange(rows.size, dtype=rows.dtype)
    out = a[inv]
    out.indices = cols[out.indices]
    out.has_sorted_indices = False
    out.sort_indices()
    return out


def sizes_needed(kernel: str, case: Case) -> int:
    """The largest size the kernel handles in its index type (for the width checks)."""
    a = case.column_base() if kernel.startswith("column_") else case.a
    r, c = a.shape
    p = case.params
    base = max(r, c, a.nnz + 1)
    if kernel == "reshape":
        return max(base, p.reshape[0] * p.reshape[1])
    if kernel in ("column_stack", "column_unstack"):
        return max(base, r * c + 1)
    if kernel == "permute":
        return max(base, math.prod(p.dims))
    return base


@dataclass
class Call:
    """A prepared call: `func(x, *args)`; `x` is the kernel's input."""

    func: object
    x: object
    args: tuple


def input_name(kernel: str) -> str:
    """Which matrix the kernel runs on: "a" (A), "vec" (V) or "vector" (column_stack(V))."""
    return {"column_stack": "vec", "column_unstack": "vector"}.get(kernel, "a")


def kernel_input(kernel: str, case: Case, width: int) -> sp.csr_array:
    key = ("input", input_name(kernel), width)
    if key not in case.cache:
        if kernel == "column_unstack":
            if case.vector is None:
                case.vector = column_stack_of(case.column_base())
            base = case.vector
        elif kernel == "column_stack":
            base = case.column_base()
        else:
            base = case.a
        case.cache[key] = with_width(base, width)
    return case.cache[key]


def qutip_call(kernel: str, case: Case) -> Call:
    key = ("qutip", input_name(kernel))
    if key not in case.cache:
        case.cache[key] = to_qutip(kernel_input(kernel, case, QUTIP_WIDTH))
    x = case.cache[key]
    p = case.params
    idx = np.dtype(q_base.idxint_dtype)
    if kernel == "reshape":
        return Call(q_reshape.reshape_csr, x, p.reshape)
    if kernel == "transpose":
        return Call(q_adjoint.transpose_csr, x, ())
    if kernel == "column_stack":
        return Call(q_reshape.column_stack_csr, x, ())
    if kernel == "column_unstack":
        return Call(q_reshape.column_unstack_csr, x, (p.unstack_rows,))
    if kernel == "permute":
        return Call(q_permute.dimensions_csr, x,
                    (np.asarray(p.dims, dtype=idx), np.asarray(p.order, dtype=idx)))
    if kernel == "permute_indices":
        return Call(q_permute.indices_csr, x, (p.rows_perm.astype(idx), p.cols_perm.astype(idx)))
    raise ValueError(kernel)


def scipy_call(kernel: str, case: Case, width: int) -> Call:
    x = kernel_input(kernel, case, width)
    p = case.params
    dt = WIDTH_DTYPE[width]
    if kernel == "reshape":
        return Call(sp_reshape, x, (p.reshape,))
    if kernel == "transpose":
        return Call(sp_transpose, x, ())
    if kernel == "column_stack":
        return Call(sp_column_stack, x, ())
    if kernel == "column_unstack":
        return Call(sp_column_unstack, x, (p.unstack_rows,))
    if kernel == "permute":
        return Call(sp_permute, x, (list(p.dims), list(p.order)))
    if kernel == "permute_indices":
        return Call(sp_permute_indices, x, (p.rows_perm.astype(dt), p.cols_perm.astype(dt)))
    raise ValueError(kernel)


def as_scipy(out) -> sp.csr_array:
    return out.as_scipy() if isinstance(out, QCSR) else out


# ---------------------------------------------------------------- rawcheck's side


def rawcheck_args(kernel: str, case: Case) -> list[str]:
    p = case.params
    if kernel == "reshape":
        return ["reshape", "--shape", f"{p.reshape[0]},{p.reshape[1]}"]
    if kernel == "transpose":
        return ["transpose"]
    if kernel == "column_stack":
        return ["column-stack"]
    if kernel == "column_unstack":
        return ["column-unstack", "--rows", str(p.unstack_rows)]
    if kernel == "permute":
        return ["permute", "--dims", ",".join(map(str, p.dims)),
                "--order", ",".join(map(str, p.order))]
    if kernel == "permute_indices":
        return ["permute-indices", "--rows", f"@{p.rows_perm_file}",
                "--cols", f"@{p.cols_perm_file}"]
    raise ValueError(kernel)


def rawcheck_output(cmd: list[str], kernel: str, case: Case, width: int, work: Path):
    """rawcheck's output as canonical CSR, or the error text (cached per kernel and width)."""
    key = ("rawcheck", kernel, width)
    if key in case.cache:
        return case.cache[key]
    src = case.mtx
    if kernel == "column_stack" and case.vec_mtx is not None:
        src = case.vec_mtx
    if kernel == "column_unstack":
        if case.vector_mtx is None:
            case.vector_mtx = work / f"{case.mtx.stem}.vector.mtx"
            scipy.io.mmwrite(str(case.vector_mtx), kernel_input(kernel, case, 64).tocoo(),
                             symmetry="general")
        src = case.vector_mtx
    out = work / f"{case.mtx.stem}.{kernel}.{width}.out.mtx"
    argv = cmd + rawcheck_args(kernel, case) + ["--index", str(width), str(src), "-o", str(out)]
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            msg = (proc.stderr.strip() or proc.stdout.strip() or "no message").splitlines()[-1]
            result = f"exit {proc.returncode}: {msg}"
        else:
            result = read_mtx(out)
    except (OSError, subprocess.TimeoutExpired, InputError) as e:
        result = f"{type(e).__name__}: {e}"
    finally:
        out.unlink(missing_ok=True)
    case.cache[key] = result
    return result


def exact_difference(got: sp.csr_array, ref: sp.csr_array) -> str | None:
    """None if `got` is exactly `ref` (canonical): shape, row pointers, column indices in order,
    values bit for bit. Otherwise the first difference."""
    if tuple(got.shape) != tuple(ref.shape):
        return f"shape {got.shape} != {ref.shape}"
    if got.indptr.shape != ref.indptr.shape or not np.array_equal(got.indptr, ref.indptr):
        return "row pointers differ"
    if got.indices.shape != ref.indices.shape or not np.array_equal(got.indices, ref.indices):
        return "column indices differ (pattern or order within a row)"
    gd = np.ascontiguousarray(got.data, dtype=np.complex128).view(np.uint64)
    rd = np.ascontiguousarray(ref.data, dtype=np.complex128).view(np.uint64)
    if not np.array_equal(gd, rd):
        k = int(np.argmax(gd != rd)) // 2
        return f"value {k} differs: {got.data[k]!r} != {ref.data[k]!r}"
    return None


# ---------------------------------------------------------------- timing


def measure(call: Call, target: float, repeats: int) -> tuple[float, int]:
    """Median ns per call over `repeats` repeats of `number` calls, `number` chosen like
    timeit's autorange (1, 2, 5, 10, ...) until one repeat takes at least `target` seconds."""
    timer = timeit.Timer("f(x, *args)", globals={"f": call.func, "x": call.x, "args": call.args})
    number = 1
    while True:
        for k in (1, 2, 5):
            n = number * k
            if timer.timeit(n) >= target:
                number = n
                break
        else:
            number *= 10
            continue
        break
    times = timer.repeat(repeat=repeats, number=number)
    return float(np.median(times)) / number * 1e9, number


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform()}


# ---------------------------------------------------------------- main


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


class InputChanged(Exception):
    """A timed call modified its input: its later repeats would time something else."""


def time_one(rid: str, call: Call, ref, nnz: int, target: float, repeats: int) -> dict:
    """Runs `call` once (checked against rawcheck's output `ref`: a CSR, an error text or None),
    then times it. The result row, or {"id", "reason"} when the kernel refuses the input."""
    before = as_scipy(call.x).copy()
    try:
        out = call.func(call.x, *call.args)
    except Exception as e:  # noqa: BLE001 - a refusal is reported, not fatal
        return {"id": rid, "reason": f"refused: {type(e).__name__}: {e}"}
    got = as_scipy(out)  # a view: `out` keeps QuTiP's buffers alive until we are done
    row = {"id": rid, "ns": None, "nnz": nnz, "equal": None,
           "out_index": int(got.indices.dtype.itemsize * 8)}
    if isinstance(ref, sp.csr_array):
        why = exact_difference(got, ref)
        row["equal"] = why is None
        if why:
            row["difference"] = why
    elif isinstance(ref, str):
        row["rawcheck_error"] = ref
    del got, out
    ns, number = measure(call, target, repeats)
    if exact_difference(as_scipy(call.x), before):
        raise InputChanged(f"{rid}: the kernel changed its input")
    row.update(ns=round(ns, 1), number=number, repeats=repeats)
    return row


def run_case(case: Case, args, cmd, work: Path, results: list, skipped: list) -> None:
    """Every kernel x index width x variant on one matrix; rows appended to results/skipped."""
    target, repeats = args.target_seconds, args.repeats
    for kernel in args.kernels:
        x = case.column_base() if kernel.startswith("column_") else case.a
        r, c = x.shape
        need = sizes_needed(kernel, case)
        for width in args.index:
            variants = (["qutip"] if width == QUTIP_WIDTH else []) + ["scipy"]
            ids = [f"{kernel}/{case.family}/{v}/{width}/{case.nnz}" for v in variants]
            reason = None
            if need > np.iinfo(WIDTH_DTYPE[width]).max:
                reason = f"size {need} does not fit int{width}"
            elif kernel.startswith("column_") and r * c > args.max_column_rows:
                reason = f"column vector of {r * c} rows > --max-column-rows {args.max_column_rows}"
            if reason:
                skipped.extend({"id": i, "reason": reason} for i in ids)
                continue
            ref = rawcheck_output(cmd, kernel, case, width, work) if cmd else None
            for variant, rid in zip(variants, ids):
                call = (qutip_call(kernel, case) if variant == "qutip"
                        else scipy_call(kernel, case, width))
                row = time_one(rid, call, ref, int(x.nnz), target, repeats)
                if row.get("ns") is None:
                    skipped.append(row)
                    log(f"  {rid:<44} skipped: {row['reason']}")
                    continue
                results.append(row)
                mark = {True: "equal", False: f"DIFFERS: {row.get('difference')}",
                        None: f"unchecked {row.get('rawcheck_error', '')}"}[row["equal"]]
                log(f"  {rid:<44} {row['ns']:>14.1f} ns  {mark}")


def run(args) -> int:
    target, repeats = PROFILES[args.profile]
    args.target_seconds = target if args.target_seconds is None else args.target_seconds
    args.repeats = repeats if args.repeats is None else args.repeats
    args.kernels = args.kernels.split(",") if args.kernels else kernels()
    unknown = [k for k in args.kernels if k not in kernels()]
    if unknown:
        log(f"peers: unknown kernels {unknown} (known: {', '.join(kernels())})")
        return 2
    args.index = [int(w) for w in args.index.split(",")]
    if any(w not in WIDTH_DTYPE for w in args.index):
        log(f"peers: --index takes 32 and/or 64, not {args.index}")
        return 2
    cmd = shlex.split(args.rawcheck) if args.rawcheck else None
    results, skipped = [], []
    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        for params_path in args.params:
            try:
                case = load_case(Path(params_path))
                log(f"peers: {case.family}/{case.nnz}: {case.a.shape[0]}x{case.a.shape[1]}, "
                    f"nnz {case.a.nnz} ({case.mtx})")
                run_case(case, args, cmd, Path(tmp), results, skipped)
            except (InputError, InputChanged) as e:
                log(f"peers: {e}")
                return 2
    doc = {
        "machine": machine(),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "qutip": qutip.__version__,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "profile": args.profile,
        "method": {
            "timer": f"timeit: median of {args.repeats} repeats, calls per repeat chosen like "
                     f"autorange until a repeat takes >= {args.target_seconds} s; ns per call",
            "qutip_index": QUTIP_WIDTH,
            "rawcheck": args.rawcheck,
        },
        "results": results,
        "skipped": skipped,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(doc, indent=1) + "\n")
    tmp.replace(out)
    checked = [r for r in results if r["equal"] is not None]
    mismatches = sum(r["equal"] is False for r in results)
    log(f"peers: wrote {out}: {len(results)} results, {len(checked)} checked against rawcheck, "
        f"{mismatches} differ, {len(skipped)} skipped")
    return 1 if (mismatches and args.strict) else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("params", nargs="+", help="NAME.params.json files written by rawcheck gen")
    ap.add_argument("--profile", choices=sorted(PROFILES), default="quick")
    ap.add_argument("--rawcheck", help="command of rawcheck's CLI (split like a shell); "
                    "without it outputs are not checked (equal: null)")
    ap.add_argument("--out", default="reports/data/peers.json")
    ap.add_argument("--kernels", help="comma-separated subset of the kernels `rawcheck list` names "
                    "(default: all)")
    ap.add_argument("--index", default="32,64", help="index widths to run (32,64)")
    ap.add_argument("--target-seconds", type=float, help="autorange target per repeat")
    ap.add_argument("--repeats", type=int)
    ap.add_argument("--max-column-rows", type=int, default=1 << 26,
                    help="skip column_stack/unstack when rows*cols exceeds this (memory)")
    ap.add_argument("--strict", action="store_true", help="exit 1 if an output differs")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
