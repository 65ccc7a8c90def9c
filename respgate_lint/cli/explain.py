"""``respgate explain CODE``: why a rule exists, what it catches, examples and the fix.

Everything is rendered from the ``Rule`` objects in ``respgate_lint.rules`` - the same
snippets the tests run through the engine and the codemod - so the explanation cannot drift
from the behaviour. ``render_rule`` is reused by SARIF (rule help) and by docs/rules.md
(regenerate with ``respgate explain --all --format markdown > docs/rules.md``; a test
fails when the file is stale).
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click

from ..rules import RULES, Rule, get_rule

if TYPE_CHECKING:  # pragma: no cover
    from .terminal import SafeOutput

__all__ = ["explain", "render_all_markdown", "render_rule"]

_DOCS_HEADER = """\
# Rules

<!-- Generated from respgate_lint/rules.py by
     `respgate explain --all --format markdown > docs/rules.md`; do not edit by hand. -->

Every rule's examples below are also its tests: the invalid snippets must produce exactly one
finding of the code, the valid ones none, and each fix's "before" must become its "after"
through `respgate fix`.
"""


def _sections(rule: Rule) -> Iterator[tuple[str, list[str], list[str]]]:
    """(title, paragraphs or bullet items, code blocks) in reading order."""
    yield "Why", [rule.why], []
    if rule.forms:
        yield "What it catches", [f"- {form}" for form in rule.forms], []
    if rule.invalid:
        yield "Reported (invalid)", [], list(rule.invalid)
    if rule.valid:
        yield "Not reported (valid)", [], list(rule.valid)
    if rule.fixes:
        for number, (before, after) in enumerate(rule.fixes, 1):
            title = "Fix" if len(rule.fixes) == 1 else f"Fix, example {number}"
            yield f"{title}: `respgate fix` turns", [], [before]
            yield "into", [], [after]
    else:
        yield "Fix", ["Not fixed automatically; change the code by hand."], []


def _markdown(rule: Rule, heading: str = "##") -> str:
    out = [f"{heading} {rule.code}: {rule.name}", "", rule.summary, ""]
    for title, paragraphs, blocks in _sections(rule):
        out += [f"{heading}# {title}", ""]
        bullets = all(p.startswith("- ") for p in paragraphs) and paragraphs
        if bullets:
            out += [*paragraphs, ""]
        else:
            for paragraph in paragraphs:
                out += [paragraph, ""]
        for block in blocks:
            out += ["```python", block.rstrip("\n"), "```", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _plain(rule: Rule) -> str:
    out = [f"{rule.code}  {rule.name}", rule.summary, ""]
    for title, paragraphs, blocks in _sections(rule):
        title = title.replace("`", "")
        out += [title, "-" * len(title)]
        for paragraph in paragraphs:
            # Never split `responses-ws` or "multi-type" at the hyphen: words stay whole.
            if paragraph.startswith("- "):
                out += textwrap.wrap(paragraph, 88, initial_indent="  ",
                                     subsequent_indent="    ", break_on_hyphens=False)
            else:
                out += textwrap.wrap(paragraph, 88, break_on_hyphens=False)
        for block in blocks:
            out += [("    " + line) if line else "" for line in block.rstrip("\n").splitlines()]
            out.append("")
        if paragraphs:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_rule(rule: Rule, fmt: str = "text") -> str:
    """The explanation of one rule as plain ``text`` or ``markdown``."""
    if fmt == "markdown":
        return _markdown(rule)
    if fmt == "text":
        return _plain(rule)
    raise ValueError(f"unknown explain format {fmt!r}")


def render_all_markdown() -> str:
    """The whole of docs/rules.md."""
    return _DOCS_HEADER + "".join("\n" + _markdown(RULES[code]) for code in sorted(RULES))


@click.command()
@click.argument("code", required=False)
@click.option("--all", "all_rules", is_flag=True, help="Explain every rule.")
@click.option("--format", "fmt", type=click.Choice(["auto", "text", "markdown"]), default="auto",
              show_default=True,
              help="auto: colour on a terminal (or with FORCE_COLOR), plain text otherwise "
                   "(or with NO_COLOR).")
def explain(code: str | None, all_rules: bool, fmt: str) -> None:
    """Explain a rule: why it exists, what it catches, examples and the fix.

    \b
    Examples:
      respgate explain RGT001
      respgate explain --all --format markdown > docs/rules.md
    """
    known = ", ".join(sorted(RULES))
    if all_rules == bool(code):
        raise click.UsageError(f"give one rule code or --all (known codes: {known})")
    if all_rules:
        rules = [RULES[c] for c in sorted(RULES)]
    else:
        rule = get_rule(code or "")
        if rule is None:
            click.echo(f"respgate: unknown rule code {code!r} (known codes: {known})", err=True)
            sys.exit(2)
        rules = [rule]
    from .terminal import SafeOutput, color_wanted

    stream = SafeOutput()
    _write(stream, rules, fmt, all_rules, color_wanted(stream))
    sys.exit(stream.finish(0))


def _write(stream: SafeOutput, rules: list[Rule], fmt: str, all_rules: bool,
           color: bool) -> None:
    """The explanation in the chosen form: markdown, or coloured (rich) or plain text."""
    if fmt == "markdown" and all_rules:
        stream.write(render_all_markdown())
        return
    if fmt == "auto" and color:
        from rich.console import Console
        from rich.markdown import Markdown

        console = Console(file=stream, force_terminal=True)
        for rule in rules:
            console.print(Markdown(render_rule(rule, "markdown")))
        return
    chosen = "markdown" if fmt == "markdown" else "text"
    stream.write("\n".join(render_rule(rule, chosen) for rule in rules))
