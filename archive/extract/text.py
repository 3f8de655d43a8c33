"""Small text and tree helpers shared by the extraction layers."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections.abc import Iterable, Iterator

from lxml.html import HtmlElement

_NOT_ALNUM = re.compile(r"[\W_]+")  # exactly the characters `str.isalnum` rejects
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_TAG = re.compile(r"<[^>]{0,200}>")
_HIDDEN = frozenset(("script", "style", "noscript", "template"))


def squash(value: object) -> str:
    """A string with HTML entities decoded, tags dropped and whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    if "&" in value:
        value = htmllib.unescape(value)
    if "<" in value:
        value = _TAG.sub(" ", value)
    # str.split() splits on exactly the characters `\s` matches, and is faster than re.sub
    return " ".join(value.replace("\u00ad", "").replace("\u200b", "").split())


def nfkc(value: str) -> str:
    """NFKC-normalized, whitespace-collapsed text (full-width forms and NBSP become ASCII)."""
    return squash(unicodedata.normalize("NFKC", value))


# the ASCII characters that are not letters or digits, as bytes: UTF-8 encodes every other
# character in bytes of 0x80 and above, so deleting these bytes deletes just these characters
_ASCII_NOT_ALNUM = bytes(c for c in range(128) if not chr(c).isalnum())


def fold(value: str) -> str:
    """A comparison key: NFKC, casefolded, letters and digits only."""
    value = unicodedata.normalize("NFKC", value).casefold()
    # the regex alone costs 30 ns a character (a match at every space): the ASCII punctuation
    # and spaces go first, in C, and the regex runs only on what other characters are left
    kept = (
        value.encode("utf-8", "surrogatepass")
        .translate(None, _ASCII_NOT_ALNUM)
        .decode("utf-8", "surrogatepass")
    )
    if kept.isascii() or kept.isalnum():
        return kept
    return _NOT_ALNUM.sub("", kept)


def words(value: str) -> list[str]:
    return _WORDS.findall(value)


def text_of(el: HtmlElement) -> str:
    """Visible text of an element, scripts and styles left out.

    Each element's tail follows its own text, before its children's: callers' keys and
    lengths were made with this order, so it stays.
    """
    # the hottest helper of the package (hundreds of calls a page): a leaf, most links and
    # paragraphs of plain text, needs no walk
    tag = el.tag
    text = el.text if isinstance(tag, str) and tag not in _HIDDEN else None
    if not len(el):
        return squash(text) if text else ""
    parts = [text] if text else []
    for node in el.iterdescendants():
        tag = node.tag
        if isinstance(tag, str) and tag not in _HIDDEN:
            text = node.text
            if text:
                parts.append(text)
        if node.tail:
            parts.append(node.tail)
    return squash(" ".join(parts))


def _pieces(el: HtmlElement) -> Iterator[str]:
    """The strings `text_of` joins, in its order (it walks inline: a generator costs it 10%)."""
    tag = el.tag
    if isinstance(tag, str) and tag not in _HIDDEN and el.text:
        yield el.text
    for node in el.iterdescendants():
        tag = node.tag
        if isinstance(tag, str) and tag not in _HIDDEN and node.text:
            yield node.text
        if node.tail:
            yield node.tail


def first_char(el: HtmlElement) -> str | None:
    """The first character of `text_of(el)`, "" if it is empty, from as few nodes as it takes.

    None when the first piece with text has an entity or a "<", which `squash` may rewrite.
    """
    for piece in _pieces(el):
        if "&" in piece or "<" in piece:
            return None
        # squash joins the pieces with spaces, then drops these and splits on whitespace
        piece = piece.replace("\u00ad", "").replace("\u200b", "").lstrip()
        if piece:
            return piece[0]
    return ""


def class_words(el: HtmlElement) -> str:
    """The class and id attributes of an element, lower-cased, as one string."""
    return f"{el.get('class', '')} {el.get('id', '')}".lower()


def first(values: Iterable[str]) -> str:
    for value in values:
        if value:
            return value
    return ""
