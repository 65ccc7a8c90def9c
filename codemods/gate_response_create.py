"""``python -m libcst.tool codemod gate_response_create.GateResponseCreateCommand PATH``.

The libcst entry point of the same rewrite ``respgate fix`` performs: it runs the engine on
the module's text and applies the shared statement-level splice (``respgate_lint.codemods.rewrite``), so
the two entry points cannot disagree. Sites that are not rewritten become ``self.warn``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand

from respgate_lint.config import ConfigError, Settings, load_settings

from .rewrite import rewrite_source

__all__ = ["GateResponseCreateCommand"]


class GateResponseCreateCommand(VisitorBasedCodemodCommand):
    """Rewrite response.create sends that bypass the gate into gated trigger_response calls."""

    DESCRIPTION: str = (
        "Rewrite response.create sends that bypass the gate into "
        "`await self.trigger_response(\"REASON\", client, force=False)` (respgate-lint)."
    )

    def __init__(self, context: CodemodContext, add_mixin: bool = False) -> None:
        super().__init__(context)
        self.add_mixin = add_mixin

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--add-mixin", dest="add_mixin", action="store_true", default=False,
            help="Add respgate_lint.runtime.GatedResponseMixin as a base of classes without a gate.",
        )

    def _settings(self) -> Settings:
        filename = self.context.filename
        try:
            return load_settings(Path(filename).resolve()) if filename else Settings()
        except ConfigError as exc:
            raise SkipFile(str(exc)) from None

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or "<unknown>"
        text = tree.code
        encoding = tree.encoding
        try:
            data = text.encode(encoding)
        except (UnicodeEncodeError, LookupError) as exc:
            raise SkipFile(f"cannot encode as {encoding}: {exc}") from None
        result = rewrite_source(data, text, encoding, self._settings(), filename=filename,
                                add_mixin=self.add_mixin)
        for site in result.sites:
            if site.status != "rewritten":
                self.warn(f"{filename}:{site.line}:{site.col + 1}: not fixed: {site.why}")
        for line, note in result.notes:
            self.warn(f"{filename}:{line}: {note}")
        if result.error:
            raise SkipFile(result.error)
        if not result.changed:
            return tree
        return cst.parse_module(result.data)
