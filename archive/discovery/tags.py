"""Reading single tags (`<meta …>`, `<link …>`, `<html …>`) out of page bytes in linear time.

The crawl judges pages on the reactor thread, before any DOM is built. Regexes like
`<meta[^>]+content=…` backtrack over the rest of the input for every `<meta` that has no `>`,
which is quadratic: seconds for a crafted 40 KB head, minutes at 400 KB, with every download of
the crawl stalled meanwhile. Here each byte is looked at a bounded number of times: a tag ends
at the first `>` after it (or at the end of the input), and scanning resumes after that end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TAG_END = b" \t\n\r\f/>"
_SKIP = re.compile(rb"[\s/]*")
_NAME = re.compile(rb"[^\s/>\"'=]+")
_EQUALS = re.compile(rb"\s*=\s*")
_UNQUOTED = re.compile(rb"[^\s>]*")
MAX_ATTRS = 64  # a tag with more attributes is junk; the first ones are enough


def iter_tags(data: bytes, name: bytes) -> Iterator[bytes]:
    """The attribute text of each `<name …>` tag in `data` (ASCII case-insensitive), in order.

    A tag without a closing `>` runs to the end of `data` and is the last one found.
    """
    low = data.lower()
    needle = b"<" + name.lower()
    pos, size = 0, len(low)
    while (start := low.find(needle, pos)) >= 0:
        after = start + len(needle)
        if after < size and low[after] not in _TAG_END:
            pos = after  # <metadata>, <linked>: another tag
            continue
        end = low.find(b">", after)
        if end < 0:
            end = size
        yield data[after:end]
        pos = end + 1


def parse_attrs(tag: bytes) -> dict[bytes, bytes]:
    """Attributes of one tag's text: lower-cased names, raw values (first one wins)."""
    attrs: dict[bytes, bytes] = {}
    pos, size = 0, len(tag)
    while pos < size and len(attrs) < MAX_ATTRS:
        pos = _SKIP.match(tag, pos).end()  # type: ignore[union-attr]  # matches empty
        if pos >= size:
            break
        name = _NAME.match(tag, pos)
        if name is None:  # a stray quote or '='
            pos += 1
            continue
        key, pos = name.group().lower(), name.end()
        equals = _EQUALS.match(tag, pos)
        if equals is None:
            attrs.setdefault(key, b"")
            continue
        pos = equals.end()
        if pos < size and tag[pos] in b"\"'":
            close = tag.find(tag[pos : pos + 1], pos + 1)
            close = size if close < 0 else close
            value, pos = tag[pos + 1 : close], close + 1
        else:
            unquoted = _UNQUOTED.match(tag, pos)
            assert unquoted is not None  # matches empty
            value, pos = unquoted.group(), unquoted.end()
        attrs.setdefault(key, value)
    return attrs


def first_tag(data: bytes, name: bytes) -> dict[bytes, bytes] | None:
    """Attributes of the first `<name …>` tag, or None if there is none."""
    for tag in iter_tags(data, name):
        return parse_attrs(tag)
    return None
