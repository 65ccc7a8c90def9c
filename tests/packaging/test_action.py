"""The composite GitHub Action (``action.yml``) and the README's workflow snippet.

The action's ``run:`` steps are executed for real, as a runner would: bash with GitHub's
flags (``--noprofile --norc -eo pipefail``), ``${{ inputs.* }}``, ``${{ github.action_path }}``
and ``${{ runner.temp }}`` substituted in each step's ``env:``, the user's project as the
working directory. The install step builds respgate-lint from this checkout into a fresh
venv (its dependencies from the package index), so the run tests are slow.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
_EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")

BYPASS = ('class Bridge:\n'
          '    async def on_tool_done(self):\n'
          '        await self.client.send_event({"type": "response.create"})\n')
GATED = ('class Bridge:\n'
         '    async def trigger_response(self, reason, client=None, force=False):\n'
         '        await client.send_event({"type": "response.create"})\n')


def _inputs(given: dict[str, str]) -> dict[str, str]:
    declared = ACTION["inputs"]
    assert set(given) <= set(declared), set(given) - set(declared)
    return {name: given.get(name, spec.get("default", "")) for name, spec in declared.items()}


def _substitute(text: str, context: dict[str, str]) -> str:
    return _EXPR.sub(lambda m: context[m.group(1)], text)


def run_action(project: Path, runner_temp: Path, **given: str
               ) -> subprocess.CompletedProcess[str]:
    """Every step of the action in order; the first failing step's result, else the last."""
    inputs = _inputs(given)
    context = {f"inputs.{k}": v for k, v in inputs.items()}
    context.update({"github.action_path": str(REPO), "runner.temp": str(runner_temp)})
    done: subprocess.CompletedProcess[str] | None = None
    for step in ACTION["runs"]["steps"]:
        if step["name"].startswith("Install") and (runner_temp / "respgate-lint-venv").exists():
            continue  # one job installs once; later runs in this test reuse its venv
        if "uses" in step:  # only actions/setup-python, and only when asked for
            assert step["if"] == "inputs.python-version != ''", step
            assert not inputs["python-version"], "this test runs the runner's python3"
            continue
        assert step["shell"] == "bash" and not _EXPR.search(step["run"]), (
            "inputs reach the script through env:, never pasted into it", step["name"])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
        env.update({k: _substitute(str(v), context) for k, v in step.get("env", {}).items()})
        env["NO_COLOR"] = "1"
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c",
                               step["run"]], cwd=project, env=env, capture_output=True, check=False,
                              text=True, timeout=600)
        if done.returncode != 0:
            return done
    assert done is not None
    return done


def test_action_declares_the_documented_inputs() -> None:
    inputs = ACTION["inputs"]
    assert inputs["paths"]["default"] == "."
    assert inputs["format"]["default"] == "github"
    assert inputs["baseline"]["default"] == ""
    assert ACTION["runs"]["using"] == "composite"


def test_readme_workflow_uses_the_action_with_its_inputs() -> None:
    """The snippet users paste names this action at a commit and only inputs it has."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
                if b.startswith("# .github/workflows/")]
    workflow: dict[Any, Any] = yaml.safe_load(block)
    steps = workflow["jobs"]["respgate"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    (ours,) = [s for s in steps if "respgate-lint@" in s.get("uses", "")]
    assert re.fullmatch(r"OWNER/respgate-lint@[0-9a-f]{40}", ours["uses"]), ours["uses"]
    assert set(ours.get("with", {})) <= set(ACTION["inputs"])


@pytest.mark.slow
def test_action_runs_as_a_job_would(tmp_path: Path) -> None:
    """One runner temp, so the action's venv is built once (the first run), as in one job."""
    runner_temp = tmp_path / "runner-temp"
    runner_temp.mkdir()
    project = tmp_path / "project"
    (project / "src").mkdir(parents=True)
    (project / "src" / "agent.py").write_text(BYPASS)
    (project / "src" / "gate.py").write_text(GATED)

    # findings fail the job, as annotations (the default format) on the right line
    done = run_action(project, runner_temp)
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert re.search(r"^::error file=src/agent\.py,line=3,col=15,.*title=RGT001::", done.stdout,
                     re.MULTILINE), done.stdout
    assert "gate.py" not in done.stdout

    # a clean path passes
    clean = run_action(project, runner_temp, paths="src/gate.py")
    assert clean.returncode == 0, (clean.stdout, clean.stderr)
    assert "::error" not in clean.stdout

    # several paths, a folder named like an option is still a path, another format
    (project / "--ignore=RGT").mkdir()
    (project / "--ignore=RGT" / "more.py").write_text(BYPASS)
    text = run_action(project, runner_temp, paths="src/agent.py --ignore=RGT", format="text")
    assert text.returncode == 1, (text.stdout, text.stderr)
    assert "src/agent.py:3:15: RGT001" in text.stdout
    assert "--ignore=RGT/more.py:3:15: RGT001" in text.stdout

    # a baseline: only new findings fail
    recorded = subprocess.run([str(runner_temp / "respgate-lint-venv" / "bin" / "respgate"),
                               "baseline", "src", "-o", "base.json"], cwd=project,
                              capture_output=True, check=False, text=True)
    assert recorded.returncode == 0, recorded.stderr
    baselined = run_action(project, runner_temp, paths="src", baseline="base.json")
    assert baselined.returncode == 0, (baselined.stdout, baselined.stderr)

    # further options through args
    zero = run_action(project, runner_temp, paths="src", args="--exit-zero")
    assert zero.returncode == 0 and "title=RGT001" in zero.stdout, zero.stdout
