"""Hypothesis profiles for the fuzz tests: short by default, thousands of examples when slow.

``RESPGATE_SLOW=1 pytest tests/fuzz`` or ``pytest tests/fuzz --slow`` selects the slow
profile (the option is registered here, so it works when tests/fuzz is on the command line;
the environment variable works from anywhere).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_SUPPRESS = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

settings.register_profile("respgate-default", max_examples=60, deadline=None,
                          suppress_health_check=_SUPPRESS, derandomize=False)
settings.register_profile("respgate-slow", max_examples=2000, deadline=None,
                          suppress_health_check=_SUPPRESS)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the fuzz tests with thousands of examples")


def pytest_configure(config: pytest.Config) -> None:
    slow = os.environ.get("RESPGATE_SLOW") == "1" or config.getoption("--slow", default=False)
    settings.load_profile("respgate-slow" if slow else "respgate-default")
