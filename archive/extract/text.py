"""Small text and tree helpers shared by the extraction layers."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections.abc import Iterable

from lxml.html import HtmlElement
from trafilatura.utils import load_html

# Above this many characters a document is not parsed at all: real article pages are far
# smaller, and a bounded run time matters more than a pathological page.
MAX_HTML_CHARS = 8_000_000

_SPACE = re.compile(r"\s+")
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_TAG = re.compile(r"<[^>]{0,200}>")


def squash(value: object) -> str:
    """A string with HTML entities decoded, tags dropped and whitespace collapsed."""
    if not isinstance(value, str):
        return ""
    if "&" in value:
        value = htmllib.unescape(value)
    if "<" in value:
        value = _TAG.sub(" ", value)
    return _SPACE.sub(" ", value.replace("\u00ad", "").replace("\u200b", "")).strip()


def nfkc(value: str) -> str:
    """NFKC-normalized, whitespace-collapsed text (full-width forms and NBSP become ASCII)."""
    return squash(unicodedata.normalize("NFKC", value))


def fold(value: str) -> str:
    """A comparison key: NFKC, casefolded, letters and digits only."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", value).casefold() if ch.isalnum())


def words(value: str) -> list[str]:
    return _WORDS.findall(value)


def text_of(el: HtmlElement) -> str:
    """Visible text of an element, scripts and styles left out."""
    parts: list[str] = []
    for node in el.iter():
        if node.tag in ("script", "style", "noscript", "template") or not isinstance(node.tag, str):
            if node is not el and node.tail:
                parts.append(node.tail)
            continue
        if node.text:
            parts.append(node.text)
        if node is not el and node.tail:
            parts.append(node.tail)
    return squash(" ".join(parts))


def class_words(el: HtmlElement) -> str:
    """The class and id attributes of an element, lower-cased, as one string."""
    return f"{el.get('class', '')} {el.get('id', '')}".lower()


def first(values: Iterable[str]) -> str:
    for value in values:
        if value:
            return value
    return ""


def parse_html(html: str | bytes) -> HtmlElement | None:
    """The parsed document, or None for input that is empty, huge or not HTML."""
    if not isinstance(html, (str, bytes)) or not html or len(html) > MAX_HTML_CHARS:
        return None
    if isinstance(html, str) and "\x00" in html:
        html = html.replace("\x00", "")
    try:
        tree = load_html(html)
    except Exception:  # noqa: BLE001 - lxml and the decoder raise many types on garbage input
        return None
    if tree is None or not isinstance(tree, HtmlElement):
        return None
    return tree
