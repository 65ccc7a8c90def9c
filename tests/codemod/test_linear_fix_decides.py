"""``fix`` decides files exactly as ``check`` does, and pays only for what it rewrites.

Both run ``runner.check_source``: the byte prefilter first, so a file that cannot hold a send
is never parsed by either (a syntax error in it goes unreported by both); the reason namer,
the gate-call renderer and libcst are imported only once a file has a site to rewrite, and a
clean ``check`` imports none of the engine's analysis.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from respgate_lint.cli import cli

SEND = 'await self.client.send_event({"type": "response.create"})'
GOOD = ("class Bridge:\n    def __init__(self, client):\n        self.client = client\n\n"
        "    async def trigger_response(self, reason, client=None, force=False):\n"
        "        await (client or self.client).send_event({'type': 'response.create'})\n\n"
        "    async def on_tool(self):\n        " + SEND + "\n")


def _tree(root: Path) -> Path:
    (root / "clean.py").write_text("def broken(:\n    pass\n")                    # no needle
    (root / "broken.py").write_text("x = 'response.create'\ndef broken(:\n")        # a needle
    (root / "plain.py").write_text("import os\nprint(os.sep)\n")
    (root / "bridge.py").write_text(GOOD)
    return root


def test_fix_and_check_report_the_same_files(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", "--output-format", "json", str(root)])
    problems = {Path(p["path"]).name for p in json.loads(checked.output)["errors"]}
    with_findings = {Path(f["path"]).name for f in json.loads(checked.output)["findings"]}
    fixed = runner.invoke(cli, ["fix", "--diff", str(root)])
    assert problems == {"broken.py"} and with_findings == {"bridge.py"}
    assert "broken.py" in fixed.output and "clean.py" not in fixed.output
    assert "+++ b/" in fixed.output and "bridge.py" in fixed.output


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules a real ``respgate`` run (in a fresh interpreter) has imported."""
    code = ("import json, sys\nfrom respgate_lint.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write('MODULES' + json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    return set(json.loads(done.stderr.rpartition("MODULES")[2]))


_HEAVY = {"libcst", "rich", "respgate_lint.codemods.reasons", "respgate_lint.codemods.evidence",
          "respgate_lint.codemods.gate_call", "respgate_lint.engine.detector"}


def test_nothing_to_fix_loads_no_analysis_and_no_rewrite(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("import os\nprint(os.sep)\n")
    assert not _modules_after(["fix", "--diff", "plain.py"], tmp_path) & _HEAVY
    assert not _modules_after(["check", "plain.py"], tmp_path) & (
        _HEAVY | {"respgate_lint.engine.findings", "respgate_lint.engine.noqa"})


def test_a_site_to_fix_loads_the_rewrite(tmp_path: Path) -> None:
    (tmp_path / "bridge.py").write_text(GOOD)
    loaded = _modules_after(["fix", "--diff", "bridge.py"], tmp_path)
    assert {"respgate_lint.codemods.reasons", "respgate_lint.engine.detector"} <= loaded
    assert "libcst" not in loaded   # the statement-level rewrite needs no libcst at all
