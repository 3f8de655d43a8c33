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


def _repair(html: str, beginning: str) -> str:
    """trafilatura's `repair_faulty_html`; control characters are looked for before the
    regex runs over the page, as they are rare and `in` scans four times faster."""
    if any(char in html for char in _CONTROL_CHARS):
        html = INVALID_XML_CHARS.sub("", html)
    # libxml2/LXML issue: https://bugs.launchpad.net/lxml/+bug/1955915
    if "doctype" in beginning:
        firstline, _, rest = html.partition("\n")
        html = DOCTYPE_TAG.sub("", firstline, count=1) + "\n" + rest
    # self-closing <html/> in the first lines
    for line in html[:4096].splitlines()[:4]:
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    return html


def _from_bytes(html: str) -> HtmlElement | None:
    try:
        return fromstring(html.encode("utf8", "surrogatepass"), parser=_PARSER)
    except Exception:  # noqa: BLE001 - lxml raises many types on garbage input
        return None


def _load_html(html: str | bytes) -> HtmlElement | None:
    """trafilatura's `load_html`, step for step, with `_PARSER`."""
    text = decode_file(html)
    beginning = text[:50].lower()
    text = _repair(text, beginning)
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
