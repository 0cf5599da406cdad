"""MIME boundaries found without compiling a regular expression per message.

The standard library's feed parser (`email.feedparser`) compiles one regular expression per
multipart boundary, and boundaries are unique per message: every multipart email (nearly all
mail, since clients send text and HTML together) pays Python's regex compiler about 0.1 ms per
nesting level, as much as the rest of its parse. `feedparser_boundaries_install` gives that
module a `re` whose `compile` returns, for that one pattern, a matcher with the same results
(`line.startswith(separator)`, then a regex compiled once for what may follow it); every other
pattern, or a boundary pattern of a shape it does not recognise, is compiled as usual. The
feed parser uses the match only for its truth and its `end` and `linesep` groups, which are
the same (tested against the original pattern and on every fixture).
"""

from __future__ import annotations

import email.feedparser
import re
from typing import Any

_HEAD = "(?P<sep>"
_TAIL_SOURCE = r")(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$"
_TAIL = re.compile(r"(?P<end>--)?(?P<ws>[ \t]*)(?P<linesep>\r\n|\r|\n)?$")
_UNESCAPE = re.compile(r"\\(.)", re.DOTALL)


class BoundaryMatcher:
    """`re.compile("(?P<sep>" + re.escape(separator) + TAIL).match`, without the compile."""

    __slots__ = ("separator",)

    def __init__(self, separator: str) -> None:
        self.separator = separator

    def match(self, line: str) -> re.Match[str] | None:
        if not line.startswith(self.separator):
            return None
        return _TAIL.match(line, len(self.separator))


def boundary_pattern_compile(pattern: str, flags: int = 0) -> Any:
    """A `BoundaryMatcher` for the feed parser's boundary pattern, else `re.compile`."""
    if flags == 0 and pattern.startswith(_HEAD) and pattern.endswith(_TAIL_SOURCE):
        escaped = pattern[len(_HEAD) : -len(_TAIL_SOURCE)]
        separator = _UNESCAPE.sub(r"\1", escaped)
        if re.escape(separator) == escaped:  # exactly what the feed parser built
            return BoundaryMatcher(separator)
    return re.compile(pattern, flags)


class _FeedparserRe:
    """The `re` module as `email.feedparser` sees it: only `compile` differs."""

    compile = staticmethod(boundary_pattern_compile)

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)


def feedparser_boundaries_install() -> None:
    """Idempotent; affects only how `email.feedparser` compiles patterns."""
    feedparser: Any = email.feedparser
    if not isinstance(feedparser.re, _FeedparserRe):
        feedparser.re = _FeedparserRe()
