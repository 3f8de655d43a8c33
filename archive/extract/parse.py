"""HTML to an lxml tree, as trafilatura's `load_html` does it, but cheaper to walk."""

from __future__ import annotations

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
from trafilatura.utils import (
    DOCTYPE_TAG,
    FAULTY_HTML,
    INVALID_XML_CHARS,
    decode_file,
    is_dubious_html,
)

# Above this many characters a document is not parsed at all: real article pages are far
# smaller, and a bounded run time matters more than a pathological page.
MAX_HTML_CHARS = 8_000_000
# the characters of trafilatura's INVALID_XML_CHARS
_CONTROL_CHARS = [
    *(chr(c) for c in range(0x20) if c not in (0x09, 0x0A, 0x0D)),
    "\ufffe",
    "\uffff",
]
_CONTROL_CHARS_BUT_NUL = _CONTROL_CHARS[1:]  # (the first is NUL)


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


def _repair(html: str, head: str, *, nul_free: bool = False) -> str:
    """The fixes trafilatura's loader applies before parsing (trafilatura/utils.py,
    `repair_faulty_html`), so that our tree is the one it would build.

    `nul_free`: the caller has taken the NUL characters out already, so none is looked for
    (in a page that also holds characters above U+00FF, a NUL is found by a scan that reads
    every character, five times slower than the scan for any other control character).
    """
    # XML-invalid control characters: rare, so a plain scan decides whether the regex runs
    if any(char in html for char in (_CONTROL_CHARS_BUT_NUL if nul_free else _CONTROL_CHARS)):
        html = INVALID_XML_CHARS.sub("", html)
    if "doctype" in head:  # a doctype on the first line trips libxml2 (lxml bug 1955915)
        first, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", first, count=1) + "\n" + rest
    opening = html[:4096].splitlines()[:4]
    if any("<html" in line and line.endswith("/>") for line in opening):
        html = FAULTY_HTML.sub(r"\1>", html, count=1)  # a self-closed <html/> would be empty
    return html


def _parse_bytes(text: str) -> HtmlElement | None:
    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 - lxml raises many types on garbage input
        return None


def _parse(text: str) -> HtmlElement | None:
    """The text parsed as a str, else as UTF-8 bytes: lxml refuses a str that declares an
    XML encoding, and libxml2 sometimes finds nothing in a str it reads fine as bytes."""
    try:
        tree = fromstring(text, parser=_PARSER)
    except ValueError:
        return _parse_bytes(text)
    except Exception:  # noqa: BLE001 - lxml raises many types on garbage input
        tree = None
    if tree is None or len(tree) == 0:
        tree = _parse_bytes(text)
    return tree


def _load_html(html: str | bytes, *, nul_free: bool = False) -> HtmlElement | None:
    """Decode, repair and parse as trafilatura's `load_html` does, with `_PARSER`."""
    text = decode_file(html)
    head = text[:50].lower()
    tree = _parse(_repair(text, head, nul_free=nul_free))
    if tree is not None and len(tree) < 2 and is_dubious_html(head):
        return None  # one element and no HTML-looking start: not a web page
    return tree


def parse_html(html: str | bytes) -> HtmlElement | None:
    """The parsed document, or None for input that is empty, huge or not HTML."""
    if not isinstance(html, (str, bytes)) or not html or len(html) > MAX_HTML_CHARS:
        return None
    if isinstance(html, str) and "\x00" in html:
        html = html.replace("\x00", "")
    try:
        tree = _load_html(html, nul_free=isinstance(html, str))  # (a str is decoded as is)
    except Exception:  # noqa: BLE001 - lxml and the decoder raise many types on garbage input
        return None
    if tree is None or not isinstance(tree, HtmlElement):
        return None
    return tree
