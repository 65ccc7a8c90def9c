"""The ``respgate`` click group: subcommands imported only when invoked.

So ``respgate fix`` never pays for ``check``'s output formats, nor ``check`` for libcst or
rich's heavier parts. The plain ``check FILE...`` of a hook does not even come here (see
``fastpath.py``).
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from .. import __version__
from .envelope import guarded

__all__ = ["COMMANDS", "cli"]

# name -> (module, attribute, one-line help shown in `respgate --help`)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("respgate_lint.cli.check", "check", "Report response.create sends that bypass the gate."),
    "fix": ("respgate_lint.cli.fix", "fix", "Rewrite bypassing sends into gated trigger_response calls."),
    "explain": ("respgate_lint.cli.explain", "explain", "Explain a rule: why, what it catches, examples, fix."),
    "baseline": ("respgate_lint.cli.baseline", "baseline", "Record current findings so check fails only on new ones."),
}

EXIT_CODES_HELP = """\b
Exit codes (like ruff and flake8):
  0  nothing found
  1  findings, or a file could not be read, decoded or parsed
  2  usage error, configuration error, or internal error"""


class LazyGroup(click.Group):
    """A group whose subcommands live in modules imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, attr, _ = COMMANDS[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        """Every command inside the one error envelope (``envelope.guarded``); click's own
        exits and usage errors pass through to click."""
        return guarded(lambda: super(LazyGroup, self).invoke(ctx),
                       passthrough=(click.exceptions.Exit, click.ClickException, click.Abort))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EXIT_CODES_HELP)
@click.version_option(__version__, "--version", prog_name="respgate")
def cli() -> None:
    """Keep OpenAI Realtime voice agents from sending response.create around their gate.

    \b
    Examples:
      respgate check src/                 # lint: every bypassing send
      respgate fix --diff src/            # show the rewrite into trigger_response(...)
      respgate fix src/                   # apply it
      respgate explain RGT001             # why, what is caught, examples
    """
