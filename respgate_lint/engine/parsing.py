"""Reading the user's code: decoding, and parsing without the parser's warnings.

One place for every module of the engine (the analysed file, and the other files of the tree
read for their gates), so they decode and parse alike, Python 3.12 syntax on 3.11 included.
"""

from __future__ import annotations

import ast
import contextlib
import io
import sys
import tokenize
import warnings
from collections.abc import Iterator

from .chains import parse_flat
from .compat import NEEDS_SHIM, without_type_parameters

__all__ = ["decode_source", "newer_syntax_hint", "parse_source", "user_code_warnings_silenced"]


def parse_source(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse`` without the parser's warnings about the user's code (invalid escapes,
    ``1(2)``): a linter reports its own findings, not stray ``SyntaxWarning`` lines. On
    Python 3.11, 3.12 generic syntax is read through ``compat.without_type_parameters``.
    A chain of thousands of ``elif`` branches, too deep for ``ast.parse``, is read flat
    (``chains.parse_flat``) into the same tree."""
    try:
        return _parse(source, filename)
    except (RecursionError, MemoryError):
        text = source if isinstance(source, str) else decode_source(source)
        tree = parse_flat(text, lambda flat: _parse(flat, filename)) if text else None
        if tree is None:
            raise
        return tree


def _parse(source: str | bytes, filename: str) -> ast.Module:
    with user_code_warnings_silenced():
        try:
            return ast.parse(source, filename=filename)
        except SyntaxError as error:
            if not NEEDS_SHIM:
                raise
            original = error
        text = source if isinstance(source, str) else decode_source(source)
        shimmed = without_type_parameters(text) if text is not None else None
        if shimmed is None:
            raise original
        try:
            return ast.parse(shimmed, filename=filename)
        except SyntaxError:
            raise original from None


def decode_source(data: bytes) -> str | None:
    """Bytes as Python decodes them (BOM, coding cookie, UTF-8); None if it cannot."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding).removeprefix("\ufeff")
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None


@contextlib.contextmanager
def user_code_warnings_silenced() -> Iterator[None]:
    """Silence what the parser and compiler say about the code being read (``SyntaxWarning``,
    and ``DeprecationWarning`` for invalid escapes before Python 3.12)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


# Syntax errors that a newer Python accepts: (message prefix, Python version, what it is).
_NEWER_MESSAGES = (
    ((3, 12), "f-string expression part cannot include a backslash", "PEP 701 f-strings"),
    ((3, 12), "f-string expression part cannot include '#'", "PEP 701 f-strings"),
    ((3, 12), "f-string: expressions nested too deeply", "PEP 701 f-strings"),
    ((3, 14), "multiple exception types must be parenthesized", "PEP 758 `except A, B:`"),
)


def newer_syntax_hint(source: str, error: SyntaxError) -> tuple[str, str] | None:
    """``("3.12", "PEP 701 f-strings")`` when ``error`` is what this interpreter says about
    syntax a newer Python accepts, else None. Only errors that say so, or an f-string whose
    replacement field the older tokenizer cut at a nested quote (``f"{x["k"]}"``), count:
    a plain mistake gets no hint."""
    message = error.msg or ""
    for version, prefix, what in _NEWER_MESSAGES:
        if sys.version_info < version and message.startswith(prefix):
            return ".".join(map(str, version)), what
    if sys.version_info < (3, 12) and error.lineno and _fstring_cut_at_quote(source, error.lineno):
        return "3.12", "PEP 701 f-strings"
    return None


def _fstring_cut_at_quote(source: str, lineno: int) -> bool:
    """An f-string token on the lines up to ``lineno`` ends inside a replacement field: the
    pre-3.12 tokenizer ended the string at a quote that 3.12 reads as nested."""
    lines = io.StringIO("".join(source.splitlines(keepends=True)[:lineno]))
    try:
        for tok in tokenize.generate_tokens(lines.readline):
            if tok.type == tokenize.STRING and tok.end[0] >= lineno - 1 and _open_field(tok.string):
                return True
    except (tokenize.TokenError, SyntaxError):
        pass
    return False


def _open_field(token: str) -> bool:
    prefix = token[:len(token) - len(token.lstrip("rRbBfFuU"))]
    if "f" not in prefix.lower():
        return False
    body = token[len(prefix):].replace("{{", "").replace("}}", "")
    return body.count("{") > body.count("}")
