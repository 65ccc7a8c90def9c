"""Reading the user's code: decoding, and parsing without the parser's warnings.

One place for every module of the engine (the analysed file, and the other files of the tree
read for their gates), so they decode and parse alike, Python 3.12 syntax on 3.11 included.
"""

from __future__ import annotations

import ast
import contextlib
import io
import tokenize
import warnings
from collections.abc import Iterator

from .chains import parse_flat
from .compat import NEEDS_SHIM, without_type_parameters

__all__ = ["decode_source", "parse_source", "user_code_warnings_silenced"]


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
