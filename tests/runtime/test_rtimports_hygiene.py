"""runtime imports nothing else of the package and nothing third-party."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["respgate_lint.runtime", "respgate_lint.testing"])
def test_import_closure_is_stdlib_only(module):
    code = (
        "import sys, json; before = set(sys.modules); import " + module + "; "
        "print(json.dumps(sorted(set(sys.modules) - before)))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=30)
    loaded = json.loads(out.stdout)
    ours = [m for m in loaded if m.split(".")[0] == "respgate_lint"]
    allowed = ("respgate_lint", "respgate_lint.runtime", "respgate_lint.testing")
    assert [m for m in ours if not m.startswith(allowed)] == []
    if module == "respgate_lint.testing":
        assert not any(m.startswith("respgate_lint.runtime") for m in ours)
    top = {m.split(".")[0] for m in loaded} - {"respgate_lint"}
    third_party = {m for m in top if m not in sys.stdlib_module_names and not m.startswith("_")}
    assert third_party == set()
