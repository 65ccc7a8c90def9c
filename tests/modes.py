"""How the CLI tests run ``respgate``: in-process through click's runner (the quick inner
loop) and as a real subprocess (marked slow: a fresh interpreter per call; CI runs both)."""

from __future__ import annotations

import pytest

__all__ = ["CLI_MODES", "CLI_HOWS"]

# the same two ways, named as the fault tests (mode) and the CLI tests (how) name them
CLI_MODES = [pytest.param("process", marks=pytest.mark.slow), "runner"]
CLI_HOWS = ["runner", pytest.param("process", marks=pytest.mark.slow)]
