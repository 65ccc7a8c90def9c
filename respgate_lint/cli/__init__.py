"""The ``respgate`` command group.

Subcommands are imported only when invoked, so ``respgate check`` never pays for libcst
(``fix``) or rich's heavier parts.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from .. import __version__
from ..config import ConfigError
from .hookargs import hook_argv

__all__ = ["cli", "main"]

# name -> (module, attribute, one-line help shown in `respgate --help`)
_COMMANDS: dict[str, tuple[str, str, str]] = {
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
        return sorted(set(super().list_commands(ctx)) | set(_COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in _COMMANDS:
            module, attr, _ = _COMMANDS[name]
            return getattr(importlib.import_module(module), attr)
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context) -> Any:
        """The one error envelope of every command: a configuration error is one line and
        exit 2; a broken pipe (``| head``) exit 1; anything unexpected one line with a hint
        and exit 2, never a traceback wall (set RESPGATE_DEBUG=1 to see it)."""
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except ConfigError as exc:
            click.echo(f"respgate: {exc}", err=True)
            sys.exit(2)
        except BrokenPipeError:   # a command that writes stdout without SafeOutput
            from .terminal import silence_stdout

            silence_stdout()
            sys.exit(1)
        except Exception as exc:
            if os.environ.get("RESPGATE_DEBUG"):
                raise
            click.echo(f"respgate: internal error: {type(exc).__name__}: {exc} (a bug in "
                       "respgate: please report it; RESPGATE_DEBUG=1 shows the traceback)",
                       err=True)
            sys.exit(2)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _COMMANDS[name][2]) for name in sorted(_COMMANDS)]
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


def main(argv: list[str] | None = None) -> Any:
    args = sys.argv[1:] if argv is None else argv
    return cli.main(args=hook_argv(list(args), _COMMANDS), prog_name="respgate")
