"""The names of rawcheck's kernels, variants, matrix families, seeded bugs and bug-hunt detectors,
and the raw kernels' goals, read from `rawcheck list --json`: they are spelt once, in the kernels crate, and no script types
them again.

The command is $RAWCHECK (split like a shell) when set, else `cargo run --quiet --bin rawcheck --`
in this repository, which builds the CLI first when needed. There is no fallback copy of the names:
when the command fails, the script stops with one `error:` line saying so.
"""

import functools
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command() -> list[str]:
    """The rawcheck CLI to ask."""
    if os.environ.get("RAWCHECK"):
        return shlex.split(os.environ["RAWCHECK"])
    return ["cargo", "run", "--quiet", "--manifest-path", str(ROOT / "Cargo.toml"), "--bin", "rawcheck", "--"]


@functools.cache
def names() -> dict:
    """{"kernels": [...], "variants": [...], "families": [...], "bugs": [{"id", "feature", "kernel"}],
    "detectors": [...], "goals": [{"name", "ratio", "nnz"?, "at_least" | "at_most" and
    "reshape_at_most"? | "median_at_most", and for a growth goal "from_nnz" and "families"}]},
    each list in its canonical order."""
    argv = command() + ["list", "--json"]
    try:
        out = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True).stdout
        return json.loads(out)
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as e:
        detail = getattr(e, "stderr", "") or str(e)
        sys.exit(f"error: cannot read the names from `{shlex.join(argv)}` (build the rawcheck CLI or set "
                 f"RAWCHECK to it): {detail.strip().splitlines()[-1] if detail.strip() else e}")


def kernels() -> list[str]:
    return names()["kernels"]


def variants() -> list[str]:
    return names()["variants"]


def goals() -> list[dict]:
    return names()["goals"]
