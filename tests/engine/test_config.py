"""Configuration: pyproject discovery, validation with one-line errors, flake8 overrides."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from respgate_lint.config import ConfigError, Settings, load_settings, settings_from_mapping
from respgate_lint.engine import analyze_source

GATED_BY_CUSTOM_NAME = '''\
class Bridge:
    async def _trigger_response(self, client):
        await client.send_event({"type": "response.create"})
'''


def test_defaults_name_the_two_gates() -> None:
    assert Settings().gate_functions == ("trigger_response", "trigger_response_from_tool")


def test_kebab_and_snake_case_keys_are_both_accepted() -> None:
    a = settings_from_mapping({"gate-functions": ["g"]})
    b = settings_from_mapping({"gate_functions": ["g"]})
    assert a.gate_functions == b.gate_functions == ("g",)


@pytest.mark.parametrize("table,key", [
    ({"gate-function": ["x"]}, "gate-function"),
    ({"gate-functions": "not an identifier!"}, "gate-functions"),
    ({"constant-pattern": "("}, "constant-pattern"),
    ({"event-constant-pattern": "[A-"}, "event-constant-pattern"),
    ({"event-types": [1, 2]}, "event-types"),
    ({"select": ["rgt001"]}, "select"),
    ({"select": ["E501"]}, "select"),
    ({"tool-reason-prefix": "lower_"}, "tool-reason-prefix"),
    ({"apis": ["realtime", "responses"]}, "apis"),
    ({"apis": []}, "apis"),
])
def test_bad_values_raise_one_line_errors_naming_the_key(table: dict, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        settings_from_mapping(table, source="pyproject.toml")
    message = str(info.value)
    assert key in message and "\n" not in message


def test_nearest_pyproject_wins(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\ngate-functions = ["outer"]\n')
    inner = tmp_path / "pkg" / "sub"
    inner.mkdir(parents=True)
    (tmp_path / "pkg" / "pyproject.toml").write_text('[tool.respgate]\ngate-functions = ["inner"]\n')
    assert load_settings(inner).gate_functions == ("inner",)
    assert load_settings(tmp_path).gate_functions == ("outer",)


def test_pyproject_without_table_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert load_settings(tmp_path).gate_functions == Settings().gate_functions


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.respgate\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(tmp_path)


def test_configured_gate_name_makes_its_body_legal() -> None:
    assert len(analyze_source(GATED_BY_CUSTOM_NAME, Settings()).findings) == 1
    custom = settings_from_mapping({"gate-functions": ["_trigger_response"]})
    assert analyze_source(GATED_BY_CUSTOM_NAME, custom).findings == []


def test_custom_event_type_and_patterns() -> None:
    source = '''\
async def f(client):
    await client.send_event({"type": "reply.start"})
    await client.send_event({"type": START_REPLY})
    await client.send(StartReplyEvent())
    await client.send(START_REPLY_MSG)
'''
    custom = settings_from_mapping({
        "event-types": ["reply.start"], "constant-pattern": "^START_REPLY$",
        "class-pattern": "^StartReply(Event)?$", "event-constant-pattern": "^START_REPLY_MSG$",
    })
    assert [f.line for f in analyze_source(source, custom).findings] == [2, 3, 4, 5]
    assert analyze_source(source, Settings()).findings == []


def _flake8(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flake8", "--select", "RGT", *args, "mod.py"],
                          capture_output=True, text=True, cwd=tmp_path)


def test_flake8_option_overrides_pyproject(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(GATED_BY_CUSTOM_NAME)
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\ngate-functions = ["other"]\n')
    assert "RGT001" in _flake8(tmp_path).stdout
    proc = _flake8(tmp_path, "--respgate-gate-functions=_trigger_response")
    assert proc.returncode == 0 and proc.stdout == ""


def test_flake8_event_constant_pattern_option(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text("async def f(ws):\n    await ws.send(GREETING_MSG)\n")
    assert _flake8(tmp_path).stdout == ""
    proc = _flake8(tmp_path, "--respgate-event-constant-pattern=^GREETING_MSG$")
    assert proc.returncode == 1 and "mod.py:2:11: RGT001" in proc.stdout, proc.stdout + proc.stderr


WHY_GATE = """class Bridge:
    async def trigger_response(self, why, client):
        await client.send_event({"type": "response.create"})

    async def a(self):
        await self.trigger_response("SAME", self.client)

    async def b(self):
        await self.trigger_response("SAME", self.client)
"""


@pytest.mark.slow
def test_gate_reason_param_from_flake8_option_and_pyproject(tmp_path: Path) -> None:
    """A gate whose reason parameter has another name is not checked until it is named."""
    (tmp_path / "mod.py").write_text(WHY_GATE)
    assert _flake8(tmp_path).stdout == ""
    proc = _flake8(tmp_path, "--respgate-gate-reason-param=why")
    assert proc.returncode == 1 and "mod.py:9:15: RGT003" in proc.stdout, proc.stdout + proc.stderr
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\ngate-reason-param = "why"\n')
    assert "mod.py:9:15: RGT003" in _flake8(tmp_path).stdout


def test_flake8_reads_options_from_its_config_file(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(GATED_BY_CUSTOM_NAME)
    (tmp_path / "setup.cfg").write_text("[flake8]\nrespgate-gate-functions = _trigger_response\n")
    proc = _flake8(tmp_path)
    assert proc.returncode == 0 and proc.stdout == ""


def test_flake8_with_broken_pyproject_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(GATED_BY_CUSTOM_NAME)
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\ngate-functoins = ["x"]\n')
    proc = _flake8(tmp_path)
    assert proc.returncode == 2
    assert "gate-functoins" in proc.stderr and "Traceback" not in proc.stderr


def test_check_with_broken_pyproject_exits_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "mod.py").write_text(GATED_BY_CUSTOM_NAME)
    (tmp_path / "pyproject.toml").write_text('[tool.respgate]\nclass-pattern = "(["\n')
    proc = subprocess.run([sys.executable, "-m", "respgate_lint", "check", "mod.py"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "class-pattern" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_apis_default_to_realtime_and_accept_responses_ws() -> None:
    assert Settings().apis == ("realtime",)
    both = settings_from_mapping({"apis": ["realtime", "responses-ws"]})
    assert both.apis == ("realtime", "responses-ws")
    assert settings_from_mapping({"apis": "realtime,responses-ws"}).apis == both.apis
