"""``python -m libcst.tool codemod --no-format -x
respgate_lint.codemods.gate_response_create.GateResponseCreateCommand PATH``.

The libcst entry point of the same rewrite ``respgate fix`` performs: the module's text goes
through the one per-file pipeline with the settings ``respgate fix`` would use for that file
(``SettingsResolver``: select, ignore, per-file ignores, noqa), then the shared
statement-level splice (``respgate_lint.codemods.rewrite``), so the two entry points cannot
disagree. Sites that are not rewritten, and unsafe fixes withheld, become ``self.warn``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile, VisitorBasedCodemodCommand

from respgate_lint.config import ConfigError, Settings
from respgate_lint.runner import SettingsResolver

from .rewrite import rewrite_source

__all__ = ["GateResponseCreateCommand"]

_RESOLVER = SettingsResolver()  # per folder, cached: the settings respgate fix would use


class GateResponseCreateCommand(VisitorBasedCodemodCommand):
    """Rewrite response.create sends that bypass the gate into gated trigger_response calls."""

    DESCRIPTION: str = (
        "Rewrite response.create sends that bypass the gate into "
        "`await self.trigger_response(\"REASON\", client, force=False)` (respgate-lint)."
    )

    def __init__(self, context: CodemodContext, add_mixin: bool = False,
                 unsafe_fixes: bool = False) -> None:
        super().__init__(context)
        self.add_mixin = add_mixin
        self.unsafe_fixes = unsafe_fixes

    @staticmethod
    def add_args(arg_parser: argparse.ArgumentParser) -> None:
        arg_parser.add_argument(
            "--add-mixin", dest="add_mixin", action="store_true", default=False,
            help="Add respgate_lint.runtime.GatedResponseMixin as a base of classes without a gate.",
        )
        arg_parser.add_argument(
            "--unsafe-fixes", dest="unsafe_fixes", action="store_true", default=False,
            help="Also apply fixes respgate cannot show to keep behaviour (see respgate fix).",
        )

    def _settings(self) -> Settings:
        filename = self.context.filename
        try:
            return _RESOLVER.for_path(Path(filename).resolve()) if filename else Settings()
        except ConfigError as exc:
            raise SkipFile(str(exc)) from None

    def transform_module(self, tree: cst.Module) -> cst.Module:
        """No LibCST metadata is read, so no ``MetadataWrapper``: it deep-clones the tree by
        recursion, which fails on an ``elif`` chain of a few hundred branches."""
        return self.transform_module_impl(tree)

    def transform_module_impl(self, tree: cst.Module) -> cst.Module:
        filename = self.context.filename or "<unknown>"
        try:
            text = tree.code
        except RecursionError:  # LibCST prints a tree by recursion; `respgate fix` does not
            raise SkipFile("too deeply nested for LibCST to print (an elif chain of about "
                           "300 branches or more); `respgate fix` rewrites this file") from None
        encoding = tree.encoding
        try:
            data = text.encode(encoding)
        except (UnicodeEncodeError, LookupError) as exc:
            raise SkipFile(f"cannot encode as {encoding}: {exc}") from None
        result = rewrite_source(data, text, encoding, self._settings(), filename=filename,
                                add_mixin=self.add_mixin, unsafe_fixes=self.unsafe_fixes)
        if result.problem:
            raise SkipFile(result.problem)
        for site in result.sites:
            where = f"{filename}:{site.line}:{site.col + 1}"
            if site.status == "unsafe":
                self.warn(f"{where}: unsafe fix not applied (--unsafe-fixes): {site.why}")
            elif site.status != "rewritten":
                self.warn(f"{where}: not fixed: {site.why}")
        for line, note in result.notes:
            self.warn(f"{filename}:{line}: {note}")
        if result.error:
            raise SkipFile(result.error)
        if not result.changed:
            return tree
        return cst.parse_module(result.data)
