"""``respgate baseline`` and ``check --baseline``: CI fails only on new bypasses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from respgate_lint.baseline import normalise_call

from tests.modes import CLI_HOWS

from .conftest import BYPASSES, make_file, run_process

NEW_BYPASS = '''

class Late:
    async def on_hangup(self):
        await self.client.send_event({"type": "response.create", "event_id": "bye"})
'''
UNRELATED = "".join(f"HELPER_{n} = {n}  # unrelated line {n}\n" for n in range(30))


@pytest.mark.parametrize("how", CLI_HOWS)
def test_line_shifts_keep_the_baseline_and_only_the_new_bypass_fails(
        tmp_path: Path, invoke, how: str) -> None:
    run = (lambda args: invoke(args, tmp_path)) if how == "runner" else (
        lambda args: run_process(args, tmp_path))
    agent = make_file(tmp_path, "src/agent.py", BYPASSES)
    made = run(["baseline", "src", "-o", "respgate-baseline.json"])
    assert made.code == 0, made.err
    assert "Wrote 3 findings" in made.err
    assert run(["check", "--baseline", "respgate-baseline.json", "src"]).code == 0

    # 30 unrelated lines above the bypasses, and one new bypass
    lines = BYPASSES.splitlines(keepends=True)
    agent.write_text("".join(lines[:2]) + UNRELATED + "".join(lines[2:]) + NEW_BYPASS)
    result = run(["check", "--baseline", "respgate-baseline.json", "--output-format", "json",
                  "src"])
    assert result.code == 1
    doc = json.loads(result.out)
    assert [(f["class"], f["function"]) for f in doc["findings"]] == [("Late", "on_hangup")]
    assert doc["summary"]["baselined"] == 3
    assert "3 baselined findings remain" in result.err

    text = run(["check", "--baseline", "respgate-baseline.json", "src"])
    assert text.code == 1
    assert text.out.count("RGT001") == 1
    assert "3 baselined findings remain" in text.out


def test_reformatting_a_call_keeps_it_baselined(tmp_path: Path, invoke) -> None:
    agent = make_file(tmp_path, "agent.py", BYPASSES)
    assert invoke(["baseline", "."], tmp_path).code == 0
    assert (tmp_path / ".respgate-baseline.json").is_file()  # the default name
    agent.write_text(BYPASSES.replace(
        'await self.client.send_event({"type": "response.create"})',
        "await self.client.send_event(\n            {'type': 'response.create'}\n        )"))
    assert invoke(["check", "--baseline", ".respgate-baseline.json", "."], tmp_path).code == 0


def test_duplicates_are_counted(tmp_path: Path, invoke) -> None:
    twice = '''\
class B:
    async def retry(self):
        await self.client.send_event({"type": "response.create"})
        await self.client.send_event({"type": "response.create"})
'''
    agent = make_file(tmp_path, "agent.py", twice)
    invoke(["baseline", ".", "-o", "b.json"], tmp_path)
    entry = json.loads((tmp_path / "b.json").read_text())["findings"][0]
    assert entry["count"] == 2 and entry["function"] == "B.retry"
    assert invoke(["check", "--baseline", "b.json", "."], tmp_path).code == 0
    agent.write_text(twice + '        await self.client.send_event({"type": "response.create"})\n')
    run = invoke(["check", "--baseline", "b.json", "--output-format", "json", "."], tmp_path)
    assert run.code == 1 and len(json.loads(run.out)["findings"]) == 1


def test_moving_a_call_to_another_function_is_new(tmp_path: Path, invoke) -> None:
    agent = make_file(tmp_path, "agent.py", BYPASSES)
    invoke(["baseline", ".", "-o", "b.json"], tmp_path)
    agent.write_text(BYPASSES.replace("async def on_tool_done", "async def on_tool_failed"))
    run = invoke(["check", "--baseline", "b.json", "--output-format", "json", "."], tmp_path)
    assert [f["function"] for f in json.loads(run.out)["findings"]] == ["on_tool_failed"]


def test_fixed_findings_are_reported_as_shrinkable(tmp_path: Path, invoke) -> None:
    agent = make_file(tmp_path, "agent.py", BYPASSES)
    invoke(["baseline", ".", "-o", "b.json"], tmp_path)
    agent.write_text(BYPASSES.replace("await conn.response.create()", "pass"))
    run = invoke(["check", "--baseline", "b.json", "."], tmp_path)
    assert run.code == 0
    assert "2 baselined findings remain; 1 baselined finding is fixed" in run.out


def test_baseline_paths_are_relative_to_the_baseline_file(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "repo/src/agent.py", BYPASSES)
    invoke(["baseline", "repo/src", "-o", "repo/b.json"], tmp_path)
    paths = {e["path"] for e in json.loads((tmp_path / "repo/b.json").read_text())["findings"]}
    assert paths == {"src/agent.py"}
    # checking from inside the repository finds the same fingerprints
    assert invoke(["check", "--baseline", "b.json", "src"], tmp_path / "repo").code == 0


def test_broken_baseline_is_a_config_error(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "agent.py", BYPASSES)
    make_file(tmp_path, "b.json", "{not json")
    run = invoke(["check", "--baseline", "b.json", "."], tmp_path)
    assert run.code == 2 and "b.json" in run.err and "not valid JSON" in run.err
    make_file(tmp_path, "b.json", '{"version": 99}')
    assert invoke(["check", "--baseline", "b.json", "."], tmp_path).code == 2


def test_baseline_exits_1_when_a_file_cannot_be_checked(tmp_path: Path, invoke) -> None:
    make_file(tmp_path, "agent.py", BYPASSES)
    make_file(tmp_path, "broken.py", 'E = "response.create"\ndef f(:\n')
    run = invoke(["baseline", ".", "-o", "b.json"], tmp_path)
    assert run.code == 1 and "broken.py" in run.err
    assert len(json.loads((tmp_path / "b.json").read_text())["findings"]) == 3


def test_normalise_call_ignores_layout_and_quotes() -> None:
    assert normalise_call("ws.send( {'type' :\n 'response.create'} )") == \
        normalise_call('ws.send({"type": "response.create"})')
    assert normalise_call("not ( python") == "not(python"
