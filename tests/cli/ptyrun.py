"""Run ``respgate`` on a pseudo-terminal, as in a user's shell, and collect what it shows."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path


def run_in_pty(args: list[str], cwd: Path, env: dict[str, str] | None = None, *,
               stderr_too: bool = True) -> str:
    """Everything the terminal received: stdout, and stderr too unless ``stderr_too`` is
    False (then stderr is discarded). NO_COLOR/FORCE_COLOR come only from ``env``."""
    main, child = pty.openpty()
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {}, TERM="xterm-256color", COLUMNS="200")
    proc = subprocess.Popen([sys.executable, "-m", "respgate_lint", *args], cwd=cwd,
                            env=full_env, stdout=child,
                            stderr=child if stderr_too else subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL)
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(main, 65536)
        except OSError:   # the child closed its end
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(main)
    return b"".join(chunks).decode("utf-8", "replace")
