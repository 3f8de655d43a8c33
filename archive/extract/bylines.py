"""Bylines: finding them in the DOM; `names` turns their strings into a list of names."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.figures.cards import linked_heading
from archive.extract.names import (
    AGENCIES,
    NAME_WORD,
    NOT_A_NAME,
    dedupe,
    is_agency,
    split_names,
)
from archive.extract.rules import NONE, Off
from archive.extract.text import first_char, fold, squash, text_of

__all__ = [
    "AGENCIES",
    "bare_byline",
    "by_lines",
    "byline_blocks",
    "dated_byline",
    "dedupe",
    "dom_bylines",
    "drop_publishers",
    "editors",
    "is_agency",
    "is_publisher",
    "split_names",
]

BYLINE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:by-?line|byline\w*|author\w*|autor\w*|writer|verfasser|reporter|"
    r"article-?author|contributor\w*|credits?-?author)(?:$|[\s_-])",
    re.IGNORECASE,
)
_BAD_CLASS = re.compile(
    r"bio|description|avatar|image|img|photo|social|follow|more|comment|"
    r"related|teaser|recommend|newsletter|box|list|brand|logo",
    re.IGNORECASE,
)
# Containers of other stories: a byline inside one belongs to that story, not this one.
_OTHER_STORY_CLASS = re.compile(
    r"(?:^|[\s_-])(?:teasers?|related|recommend\w*|more-?stories|also-?read)(?:$|[\s_-])",
    re.IGNORECASE,
)


def is_publisher(name: str, publishers: list[str]) -> bool:
    """Whether a byline name is the site or its publisher rather than a person."""
    key = fold(name)
    if not key:
        return False
    for pub in publishers:
        other = fold(pub)
        if other and (key == other or (len(other) > 3 and (key in other or other in key))):
            return True
    return False


def drop_publishers(names: list[str], publishers: list[str]) -> list[str]:
    """Names without the publisher, unless the publisher is the only byline."""
    people = [n for n in names if not is_publisher(n, publishers)]
    return people or names


def _in_other_story(el: HtmlElement, root: HtmlElement, off: Off = NONE) -> bool:
    """Whether `el` sits in a teaser or related-stories block below `root`: one named so, or a
    card that holds another story's linked headline (and not this story's h1)."""
    if "authors.other_story" in off:
        return False
    for depth, anc in enumerate(islice(el.iterancestors(), 12)):
        if anc is root:
            return False
        if _OTHER_STORY_CLASS.search(anc.get("class", "")):
            return True
        if (
            depth < CARD_DEPTH
            and anc.tag in _CARD_TAGS
            and linked_heading(anc)
            and next(anc.iter("h1"), None) is None
        ):
            return True
    return False


CARD_DEPTH = 4  # a teaser card wraps its byline closely
_CARD_TAGS = frozenset(("li", "article", "div", "section", "aside"))


def _byline_markup(root: HtmlElement) -> Iterator[HtmlElement]:
    """The elements below `root` that could be byline markup, in document order.

    The XPath `.//*[@rel='author' or @itemprop='author' or contains(@class,'yline') or ...]`
    in Python: libxml2 evaluates each contains() apart, which cost 2 ms on a large page.
    """
    for el in root.iterdescendants(etree.Element):
        cls = el.get("class") or ""
        ident = el.get("id") or ""
        testid = el.get("data-testid") or ""
        if (
            el.get("rel") == "author"
            or el.get("itemprop") == "author"
            or "yline" in cls
            or "uthor" in cls
            or "utor" in cls
            or "writer" in cls
            or "erfasser" in cls
            or "reporter" in cls
            or "yline" in ident
            or "uthor" in ident
            or "yline" in testid
            or "uthor" in testid
        ):
            yield el


def _byline_elements(root: HtmlElement, off: Off = NONE) -> list[HtmlElement]:
    found: list[HtmlElement] = []
    for el in _byline_markup(root):
        cls = f"{el.get('class', '')} {el.get('id', '')} {el.get('data-testid', '')}"
        marked = el.get("rel") == "author" or el.get("itemprop") == "author"
        if not marked and (not BYLINE_CLASS.search(cls) or _BAD_CLASS.search(cls)):
            continue
        if el.tag in ("meta", "link", "script", "style", "img", "body", "html", "article"):
            continue
        if _in_other_story(el, root, off):
            continue
        found.append(el)
        if len(found) >= 40:
            break
    return found


def byline_blocks(
    tree: HtmlElement, scope: HtmlElement | None = None, off: Off = NONE
) -> list[tuple[HtmlElement, list[str]]]:
    """Visible byline markup (rel=author, itemprop=author, byline/author classes), each element
    with the names it gives."""
    root = scope if scope is not None else tree
    elements = _byline_elements(root, off)
    if not elements and scope is not None:
        elements = _byline_elements(tree, off)
    blocks: list[tuple[HtmlElement, list[str]]] = []
    count = 0
    inside: set[HtmlElement] = set()
    for el in elements:
        if any(anc in inside for anc in islice(el.iterancestors(), 8)):
            continue
        links = el.xpath(
            ".//a[@rel='author' or contains(@href,'author') or contains(@href,'autor')"
            " or contains(@href,'profil') or contains(@href,'/people/')]"
        )
        if el.get("itemprop") == "author":
            named = el.xpath(".//*[@itemprop='name']")
            text = (named[0].get("content") or text_of(named[0])) if named else ""
            text = text or el.get("content") or text_of(el)
        elif links and el.tag != "a":
            text = ", ".join(text_of(a) for a in links[:8])
        else:
            text = text_of(el)
        if not text or len(text) > 200:
            continue
        found = split_names(text)
        if found:
            inside.add(el)
            blocks.append((el, found))
            count += len(found)
        if count >= 8:
            break
    return blocks


def dom_bylines(tree: HtmlElement, scope: HtmlElement | None = None) -> list[str]:
    """Names from visible byline markup, in page order."""
    return dedupe([n for _el, names in byline_blocks(tree, scope) for n in names])


# "Editor: Jane Doe", "Edited by Jane Doe": the page's editor, not its author
_EDITOR_LABEL = re.compile(
    r"^\s*(?:(?:editor|redaktur|penyunting)\s*:|(?:edited|editing) by\b|editado por\b)\s*",
    re.IGNORECASE,
)
# A text node that opens with an editor's label, as the XPath `.//text()[starts-with(
# normalize-space(), 'Editor') or ... 'Edited by' ...]` took it: normalize-space() strips and
# collapses XML whitespace only (space, tab, CR, LF)
_EDITOR_START = re.compile(
    r"[ \t\r\n]*(?:Editor|EDITOR|Edited[ \t\r\n]+by|Redaktur|Penyunting|Editado[ \t\r\n]+por)"
)


def _editor_labels(scope: HtmlElement) -> Iterator[tuple[HtmlElement, bool]]:
    """For each text node below `scope` that opens with an editor's label, in document order:
    the element it is the text or the tail of, and whether it is the text.

    A walk in Python: the XPath it replaced built the set of every node below `scope` and
    tested each text node, 0.4 ms a page; the walk reuses the page's element objects.
    """
    for event, el in etree.iterwalk(scope, events=("start", "end")):
        if event == "start":
            if not isinstance(el.tag, str):
                continue  # a comment's or a processing instruction's text is no text node
            text, is_text = el.text, True
        elif el is scope:
            continue  # the tail of `scope` is not below it
        else:
            text, is_text = el.tail, False
        if text and _EDITOR_START.match(text):
            yield el, is_text


def editors(scope: HtmlElement) -> set[str]:
    """Folded names the article labels as its editors: never its bylines."""
    out: set[str] = set()
    for parent, is_text in islice(_editor_labels(scope), 5):
        if not is_text:
            continue  # a tail belongs to the element before it; only a leading label counts
        text = text_of(parent)
        label = _EDITOR_LABEL.match(text)
        if label and len(text) < 120:
            out.update(fold(n) for n in split_names(text[label.end() :]))
    return out


_BARE_BY = re.compile(
    r"^(?:(?:by|von|par|por|door|av|af)\s*:?|"
    r"(?:autor(?:in)?|author|verfasser(?:in)?)(?:\s*/\s*autor(?:in)?)?\s*:?)\s+\S",
    re.IGNORECASE,
)


# the characters _BARE_BY can start with (checked over all of Unicode); None: not known
_BY_INITIALS = frozenset((*"abdpvABDPV", None))
_SECTION_AFTER = re.compile(r"\s*(?:,\s*|\s)(?:in|en|em|dans|im)\s*$", re.IGNORECASE)


def by_lines(scope: HtmlElement) -> list[str]:
    """Names from a short block of text that starts with "By ..." near the top of the article."""
    for el in islice(scope.iter("p", "div", "span", "address", "li", "dd"), 400):
        if first_char(el) not in _BY_INITIALS:
            continue  # the text and its lead (a part of it) cannot match _BARE_BY: no text_of
        text = text_of(el) if len(el) <= 6 else ""
        if not (4 < len(text) < 120 and _BARE_BY.match(text)):
            # "By Jane Doe, in <a>Politics</a>, <a>World</a> ...": the byline is the lead text
            lead = squash(el.text or "")
            cut = _SECTION_AFTER.search(lead)
            text = lead[: cut.start()] if cut else ""
            if not (4 < len(text) < 120 and _BARE_BY.match(text)):
                continue
        names = split_names(text)
        if names:
            return names
    return []


def _bare_names(text: str) -> list[str]:
    """ "Jane Doe" or "Jane Doe/John Roe": capitalized name words and nothing else."""
    if len(text) > 80 or text[-1:] in ".!?:":
        return []
    names = [n.strip() for n in re.split(r"\s*(?:/|&|\band\b|\bund\b)\s*", text)]
    for name in names:
        tokens = name.split()
        if not 2 <= len(tokens) <= 4 or not all(
            NAME_WORD.match(t) and t[0].isupper() for t in tokens
        ):
            return []
    return dedupe(names)


def bare_byline(scope: HtmlElement) -> list[str]:
    """A paragraph that is nothing but a name ("Jane Doe") at the top of the article text."""
    for el in islice(scope.iter("p"), 3):
        names = _bare_names(text_of(el))
        if names:
            return names
    return []


# A byline set as plain text in the date line under the headline: "Jane Doe | 12 March 2024",
# "Jane Doe · 5. März 2024, 10:12 Uhr". The line is told by its date; its names by their shape.
_DATE_IN_LINE = re.compile(
    r"\b\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|jän|mär|mai|okt|dez|"
    r"janv|févr|avr|juil|sept|déc|ene|abr|ago|dic)[a-zäéû]*\.?\s+\d{1,2}\b|"
    r"\b\d{1,2}\.?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|jän|mär|mai|okt|dez|"
    r"janv|févr|avr|juil|sept|déc|ene|abr|ago|dic)[a-zäéû]*\.?\s+\d{4}\b",
    re.IGNORECASE,
)
_LINE_SEPARATORS = re.compile(r"\s*(?:\||·|•|\u2014|\u2013|\s-\s|/|,)\s*")
_HEADER_ELEMENTS = 12  # elements after the headline looked at before the text begins
_TEXT_STARTS = 120  # a paragraph this long is the article text


def dated_byline(h1: HtmlElement | None) -> list[str]:
    """Names in the short line under the headline that also holds the date."""
    if h1 is None:
        return []
    seen = 0
    for el in h1.itersiblings():
        for node in [el, *islice(el.iterdescendants(), 40)]:
            if not isinstance(node.tag, str) or node.tag in ("script", "style", "a"):
                continue
            if any(isinstance(c.tag, str) and c.tag in ("p", "div", "ul", "section") for c in node):
                continue  # a container: its lines are looked at one by one
            seen += 1
            if seen > _HEADER_ELEMENTS:
                return []
            text = text_of(node)
            if len(text) >= _TEXT_STARTS:
                return []
            if not (8 <= len(text) <= 100 and _DATE_IN_LINE.search(text)):
                continue
            pieces = [p for p in _LINE_SEPARATORS.split(text) if p]
            names = [p for p in pieces if _plain_name(p)]
            if 1 <= len(names) <= 3 and len(names) < len(pieces):
                return dedupe(names)
    return []


def _plain_name(piece: str) -> bool:
    """ "Jane Doe": two to four capitalized words, none a label, month or section word."""
    piece = re.sub(r"^(?:by|von|par|por|door|av|af)\s+", "", piece.strip(), flags=re.IGNORECASE)
    tokens = piece.split()
    return (
        2 <= len(tokens) <= 4
        and all(NAME_WORD.match(t) and t[:1].isupper() for t in tokens)
        and not any(t.casefold().strip(".") in NOT_A_NAME for t in tokens)
        and not _DATE_IN_LINE.search(piece)
        and not re.search(r"\d", piece)
    )
