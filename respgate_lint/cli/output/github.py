"""``--output-format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=src/agent.py,line=12,col=9,endLine=12,endColumn=59,title=RGT001::message``.
Escaping follows the Actions toolkit: in the message ``%``, CR and LF are percent-encoded; in
properties also ``:`` and ``,``. GitHub accepts ``col``/``endColumn`` only for an annotation
on one line, so a call spanning lines is annotated by ``line``/``endLine`` alone.
Columns are 1-based; ``endColumn`` is the last column of the call (inclusive).
Other characters that are not printable (an escape character, an undecodable byte of a file
name) are shown escaped, ``\\x1b`` / ``\\xe9``, as in text output: a log line can neither be
split nor coloured by a file name.
"""

from __future__ import annotations

from typing import TextIO

from ...engine.findings import Finding
from ...runner import FileResult
from ..terminal import escape_text
from . import Report, display_path, fix_hint, plain_message

__all__ = ["annotation", "escape_data", "escape_property", "render"]


def escape_data(value: str) -> str:
    """A message as the Actions toolkit escapes it (``%``, CR, LF), other control characters
    and undecodable bytes shown escaped."""
    value = escape_text(value, keep="\r\n")
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _command(properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::error {props}::{escape_data(message)}"


def annotation(result: FileResult, finding: Finding) -> str:
    span = finding.span
    props: list[tuple[str, object]] = [("file", display_path(result.path)), ("line", span.line)]
    if span.end_line == span.line:
        props += [("col", span.col + 1), ("endLine", span.end_line),
                  ("endColumn", max(span.end_col, span.col + 1))]
    else:
        props.append(("endLine", span.end_line))
    props.append(("title", finding.code))
    message = plain_message(finding)
    message += f" ({fix_hint(finding)})"
    return _command(props, message)


def render(report: Report, stream: TextIO) -> None:
    for result in report.results:
        if result.problem is not None:
            props: list[tuple[str, object]] = [("file", display_path(result.path)), ("line", 1),
                                               ("title", "respgate: file not checked")]
            stream.write(_command(props, result.problem.message) + "\n")
        stream.writelines(annotation(result, finding) + "\n" for finding in result.findings)
