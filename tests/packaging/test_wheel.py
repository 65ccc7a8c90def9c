"""The built wheel, installed for real (not editable), next to a project with its own
``codemods`` package.

An editable install maps ``respgate_lint.codemods`` onto the repository's ``codemods/`` folder
and hides packaging mistakes: a subpackage missing from pyproject's explicit ``packages``, or
the codemod installed as a top-level ``codemods`` package that a user's own ``codemods/``
shadows (``python -m respgate_lint fix`` then died with ModuleNotFoundError and SARIF lost
every fix). So this builds a wheel from a copy of the checkout, installs it into a fresh venv
and runs every entry point from inside a project whose ``codemods`` package breaks on import.

Offline-safe and fast: the fresh venv gets no pip (the running pip installs into it with
``--python``) and finds the wheel's dependencies (libcst, click, rich, flake8) through a
``.pth`` line naming the running interpreter's site-packages; a ``.pth`` found there is not
executed, so the checkout's editable install cannot leak in. Only the wheel build itself asks
the package index, for setuptools (pip's build isolation; the pip cache serves it after once).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# The source tree -> where its modules land in the wheel (pyproject's package-dir).
SOURCES = {"respgate_lint": "respgate_lint", "codemods": "respgate_lint/codemods"}
_SKIP_DIRS = {"__pycache__"}

APP = (b"class Handler:\n"
       b"    async def trigger_response(self, reason, client=None, force=False):\n"
       b"        await (client or self.client).send_event({'type': 'response.create'})\n\n"
       b"    async def on_tool(self):\n"
       b'        await self.client.send_event({"type": "response.create"})\n')
FIXED = APP.replace(b'self.client.send_event({"type": "response.create"})',
                    b'self.trigger_response("TOOL", self.client, force=False)')
SHADOW = b'raise ImportError("the project\'s own codemods package was imported")\n'


def _modules_in_source() -> set[str]:
    """Every module file of the source tree, named as the wheel must hold it."""
    found = set()
    for folder, target in SOURCES.items():
        for path in (REPO / folder).rglob("*.py"):
            if _SKIP_DIRS.isdisjoint(path.relative_to(REPO).parts):
                found.add(f"{target}/{path.relative_to(REPO / folder).as_posix()}")
    return found


def _packages_in_source() -> set[str]:
    return {name.rsplit("/", 1)[0].replace("/", ".") for name in _modules_in_source()}


def test_pyproject_lists_every_subpackage() -> None:
    """The cheap guard (no build): pyproject's explicit ``packages`` is the source tree's."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    assert set(setuptools["packages"]) == _packages_in_source()
    assert setuptools["package-dir"] == {"respgate_lint": "respgate_lint",
                                         "respgate_lint.codemods": "codemods"}


def _env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(VIRTUAL_ENV=str(venv), NO_COLOR="1", COLUMNS="200",
               PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    return env


def _run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def _ok(done: subprocess.CompletedProcess[str], *codes: int) -> str:
    assert done.returncode in (codes or (0,)), (done.args, done.returncode, done.stdout,
                                                done.stderr)
    return done.stdout


def _build_wheel(tmp: Path) -> Path:
    """A wheel from a copy of the checkout (an in-tree build would write build/ and
    *.egg-info into the repository while other tests read it)."""
    source = tmp / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "venv", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
        ".hypothesis"))
    out = tmp / "wheelhouse"
    _ok(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, source],
             tmp))
    (wheel,) = out.glob("respgate_lint-*.whl")
    return wheel


def _install(tmp: Path, wheel: Path) -> tuple[Path, Path]:
    """(venv, its site-packages) with only the wheel installed in it."""
    venv = tmp / "venv"
    _ok(_run([sys.executable, "-m", "venv", "--without-pip", venv], tmp))
    python = venv / "bin" / "python"
    site = Path(_ok(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                         tmp)).strip())
    _ok(_run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps",
              "--no-index", "--quiet", wheel], tmp))
    paths = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "_respgate_test_dependencies.pth").write_text("".join(f"{p}\n" for p in paths))
    return venv, site


@pytest.mark.slow
def test_installed_wheel_next_to_a_project_with_its_own_codemods(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)

    names = set(zipfile.ZipFile(wheel).namelist())
    missing = _modules_in_source() - names
    assert not missing, f"modules of the source tree missing from the wheel: {sorted(missing)}"
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"respgate_lint"}, tops
    (top_level,) = [n for n in names if n.endswith(".dist-info/top_level.txt")]
    assert zipfile.ZipFile(wheel).read(top_level).split() == [b"respgate_lint"]

    venv, site = _install(tmp_path, wheel)
    assert not (site / "codemods").exists() and not (site / "codemods.py").exists()
    assert (site / "respgate_lint" / "codemods" / "gate_response_create.py").is_file()
    env = _env(venv)
    python, respgate = venv / "bin" / "python", venv / "bin" / "respgate"

    project = tmp_path / "project"
    (project / "codemods").mkdir(parents=True)
    (project / "codemods" / "__init__.py").write_bytes(SHADOW)
    (project / "codemods" / "gate_response_create.py").write_bytes(SHADOW)
    for name in ("app.py", "by_cli.py", "by_module.py", "by_libcst.py"):
        (project / name).write_bytes(APP)

    where = _ok(_run([python, "-c", "import respgate_lint.codemods.rewrite as m; print(m.__file__)"],
                     project, env))
    assert Path(where.strip()).is_relative_to(site), where

    diff = _ok(_run([respgate, "fix", "--diff", "app.py"], project, env), 1)
    assert diff.startswith("--- a/app.py") and "+        await self.trigger_response(" in diff

    for command in ([respgate], [python, "-m", "respgate_lint"]):
        sarif = json.loads(_ok(_run([*command, "check", "--output-format", "sarif", "app.py"],
                                    project, env), 1))
        (result,) = sarif["runs"][0]["results"]
        (fix,) = result["fixes"]
        (change,) = fix["artifactChanges"]
        (replacement,) = change["replacements"]
        assert "self.trigger_response(" in replacement["insertedContent"]["text"], command

    _ok(_run([respgate, "fix", "by_cli.py"], project, env))
    _ok(_run([python, "-m", "respgate_lint", "fix", "by_module.py"], project, env))
    _ok(_run([python, "-m", "libcst.tool", "codemod", "--no-format", "-x",
              "respgate_lint.codemods.gate_response_create.GateResponseCreateCommand",
              "by_libcst.py"], project, env))
    for name in ("by_cli.py", "by_module.py", "by_libcst.py"):
        assert (project / name).read_bytes() == FIXED, name
    assert (project / "app.py").read_bytes() == APP
