"""Regenerate ``phone_bridge_fixed.py``: ``respgate fix --add-mixin`` on a copy of the original.

    python -m examples.regenerate          # rewrite examples/phone_bridge_fixed.py
    python -m examples.regenerate --check  # exit 1 if it is out of date (what the test checks)

The fixed file is never edited by hand: it is exactly what the codemod leaves,
so the demo and the docs show the real output.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORIGINAL = HERE / "phone_bridge.py"
FIXED = HERE / "phone_bridge_fixed.py"
PYPROJECT = HERE.parent / "pyproject.toml"


def fixed_bytes() -> bytes:
    """Run the real ``respgate fix --add-mixin`` on a temporary copy; return the result."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / ORIGINAL.name
        shutil.copyfile(ORIGINAL, copy)
        cmd = [sys.executable, "-m", "respgate_lint", "fix", "--add-mixin", "--quiet",
               "--config", str(PYPROJECT), str(copy)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise SystemExit(f"respgate fix failed ({done.returncode}):\n"
                             f"{done.stdout}{done.stderr}")
        return copy.read_bytes()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether it is stale")
    args = parser.parse_args(argv)
    data = fixed_bytes()
    if FIXED.exists() and FIXED.read_bytes() == data:
        print(f"{FIXED.name} is up to date")
        return 0
    if args.check:
        print(f"{FIXED.name} is out of date: run python -m examples.regenerate")
        return 1
    FIXED.write_bytes(data)
    print(f"wrote {FIXED.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
