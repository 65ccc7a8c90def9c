"""Shared fixtures: where the repository and its eval files are."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def venv_bin() -> Path:
    """The folder of the running interpreter's console scripts (flake8, respgate)."""
    return Path(sys.executable).parent


