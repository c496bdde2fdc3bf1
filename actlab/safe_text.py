"""Make text from a file safe to show in a one-line error message.

Field names, values and file names in lab files and CSVs are whatever the file says: a
newline would split the message, an ANSI escape would reach the terminal, a lone surrogate
cannot even be printed to a UTF-8 stream and a megabyte-long name would flood it.  Every
error that quotes a file goes through :func:`printable`.  Standard library only.
"""
from __future__ import annotations

ELLIPSIS = "…"


_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def printable(text: str, limit: int | None = None) -> str:
    """``text`` on one line of printable characters, at most ``limit`` characters.

    Characters that ``str.isprintable`` refuses (control characters, line and paragraph
    separators, format characters such as bidi overrides, surrogates, unassigned code
    points) become ``\\xNN``/``\\uNNNN``/``\\UNNNNNNNN``, as ``repr`` writes them.  The
    result is cut to ``limit`` characters, ending in an ellipsis, when it is longer.
    Escaping is idempotent: the escapes themselves are printable.
    """
    if not isinstance(text, str):
        text = str(text)
    if limit is not None and len(text) > 4 * limit:
        text = text[: 4 * limit]  # escaping never shrinks text: no need to look further
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else _escape(ch) for ch in text)
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + ELLIPSIS
    return text
