"""Reading a figure's text the way a reader sees it: innermost text blocks in reading order,
without buttons, scripts and screen-reader-only labels."""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from archive.extract.text import class_words, nfkc, text_of

_BLOCKISH = {
    "div",
    "p",
    "span",
    "footer",
    "small",
    "cite",
    "figcaption",
    "em",
    "i",
    "strong",
    "b",
    "header",
    "section",
    "dd",
    "dt",
    "li",
    "address",
    "font",
    "time",
    "label",
}
SKIP_TAGS = {
    "script",
    "style",
    "button",
    "svg",
    "noscript",
    "template",
    "img",
    "source",
    "iframe",
    "video",
    "audio",
}


def leaves(container: HtmlElement) -> list[tuple[HtmlElement, str]]:
    """Innermost text blocks of a figure, in order, with their text."""
    out: list[tuple[HtmlElement, str]] = []

    def walk(el: HtmlElement, depth: int) -> bool:
        """Whether `el` holds a text block already recorded."""
        if depth > 12:
            return False
        recorded = False
        for child in el:
            if isinstance(child.tag, str) and not hidden(child):
                recorded = walk(child, depth + 1) or recorded
        if recorded or el is container or el.tag not in _BLOCKISH:
            if recorded and el.tag in _BLOCKISH and el is not container:
                head = nfkc(el.text or "")
                tails = nfkc(" ".join(c.tail for c in el if c.tail))
                if any(ch.isalnum() for ch in tails):
                    out.append((el, tails))  # "<span>Caption.</span> Photograph: Jane Doe"
                if any(ch.isalnum() for ch in head):
                    # the parent's leading words come before its children's in reading order
                    first_child = next(
                        i
                        for i, (leaf, _t) in enumerate(out)
                        if el in leaf.iterancestors() or leaf is el
                    )
                    out.insert(first_child, (el, head))
            return recorded
        # in reading order ("Boats <em>at <b>dawn</b></em>."), without a "Show more" toggle
        text = visible_text(el) if len(el) else text_of(el)
        if text:
            out.append((el, text))
            return True
        return False

    walk(container, 0)
    return out


_HIDDEN_CLASS = re.compile(
    r"sr-only|visually-?hidden|screen-?reader|a11y|off-?screen", re.IGNORECASE
)


def hidden(el: HtmlElement) -> bool:
    """Buttons (also "<span role=button>Show more</span>") and screen-reader-only labels."""
    return (
        el.tag in SKIP_TAGS
        or el.get("role") == "button"
        or bool(_HIDDEN_CLASS.search(class_words(el)))
    )


def visible_text(el: HtmlElement) -> str:
    """Text of an element without buttons and screen-reader-only labels."""
    parts: list[str] = []

    def walk(node: HtmlElement, depth: int) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if depth < 20 and isinstance(child.tag, str) and not hidden(child):
                walk(child, depth + 1)
            if child.tail:
                parts.append(child.tail)

    walk(el, 0)
    return nfkc(" ".join(parts))
