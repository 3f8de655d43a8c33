"""Small text and tree helpers shared by the extraction layers."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from collections.abc import Iterable

from lxml import etree
from lxml.html import (
    FormElement,
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HTMLParser,
    HtmlProcessingInstruction,
    InputElement,
    LabelElement,
    SelectElement,
    TextareaElement,
    fromstring,
)
from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

# Above this many characters a document is not parsed at all: real article pages are far
# smaller, and a bounded run time matters more than a pathological page.
MAX_HTML_CHARS = 8_000_000

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


def fold(value: str) -> str:
    """A comparison key: NFKC, casefolded, letters and digits only."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", value).casefold())


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


def class_words(el: HtmlElement) -> str:
    """The class and id attributes of an element, lower-cased, as one string."""
    return f"{el.get('class', '')} {el.get('id', '')}".lower()


def first(values: Iterable[str]) -> str:
    for value in values:
        if value:
            return value
    return ""


def _html_parser() -> HTMLParser:
    """trafilatura's `HTML_PARSER`, with lxml.html's element classes looked up in C.

    lxml.html's own lookup is a Python method, run for every element object lxml creates
    (thousands a page, each time a tree is walked): a tenth of the extraction's time. This one
    gives every element the same class.
    """
    parser = HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    lookup = etree.ElementNamespaceClassLookup(
        etree.ElementDefaultClassLookup(
            element=HtmlElement,
            comment=HtmlComment,
            pi=HtmlProcessingInstruction,
            entity=HtmlEntity,
        )
    )
    lookup.get_namespace(None).update(
        {
            "form": FormElement,
            "input": InputElement,
            "label": LabelElement,
            "select": SelectElement,
            "textarea": TextareaElement,
        }
    )
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _html_parser()


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 - lxml raises many types on garbage input
        return None


def _load_html(html: str | bytes) -> HtmlElement | None:
    """trafilatura's `load_html`, step for step, with `_PARSER`."""
    text = decode_file(html)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree = None
    from_bytes = False
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = _from_bytes(text)
        from_bytes = True
    except Exception:  # noqa: BLE001, S110 - the bytes are tried next
        pass
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(text)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None  # not (well-formed) HTML at all
    return tree


def parse_html(html: str | bytes) -> HtmlElement | None:
    """The parsed document, or None for input that is empty, huge or not HTML."""
    if not isinstance(html, (str, bytes)) or not html or len(html) > MAX_HTML_CHARS:
        return None
    if isinstance(html, str) and "\x00" in html:
        html = html.replace("\x00", "")
    try:
        tree = _load_html(html)
    except Exception:  # noqa: BLE001 - lxml and the decoder raise many types on garbage input
        return None
    if tree is None or not isinstance(tree, HtmlElement):
        return None
    return tree
