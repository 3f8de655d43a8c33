"""Telling a story's own pictures from cards of other stories, and headings that caption."""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from archive.extract.figures.credits import looks_like_credit
from archive.extract.text import text_of

_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|webp|gif|avif)(?:$|[?#])", re.IGNORECASE)


def navigates(anchor: HtmlElement) -> bool:
    """Whether a link leads to another page (a teaser), not to a zoom view or in-page anchor."""
    href = (anchor.get("href") or "").strip()
    return bool(href) and not href.startswith(("#", "javascript:")) and not _IMAGE_FILE.search(href)


def link_share(elements: list[HtmlElement]) -> float:
    """How much of some elements' text is link text: teaser cards are nearly all links."""
    total = sum(len(text_of(el)) for el in elements)
    if not total:
        return 0.0
    linked = 0
    for el in elements:
        if any(a.tag == "a" and navigates(a) for a in [el, *el.iterancestors()]):
            linked += len(text_of(el))
        else:
            linked += sum(len(text_of(a)) for a in el.iter("a") if navigates(a))
    return min(1.0, linked / total)


MIN_CARD_HEADLINE_WORDS = 3


def linked_heading(container: HtmlElement) -> bool:
    """Whether a figure holds a headline linking to another page: a card of a list.

    A one- or two-word linked heading is a section kicker ("Politics") above the story's own
    picture, not another story's headline.
    """
    for heading in islice(container.iter("h2", "h3", "h4", "h5", "h6"), 3):
        if len(text_of(heading).split()) < MIN_CARD_HEADLINE_WORDS:
            continue
        anchors = [*heading.iter("a"), *heading.iterancestors("a")]
        if any(navigates(a) for a in anchors):
            return True
    return False


def linked_twice(container: HtmlElement) -> bool:
    """Whether the image links to another page that a text link in the figure also leads to.

    A credit linking to the picture's source ("<a href=src>NASA/JPL</a>") is no headline.
    """
    img = next(container.iter("img", "amp-img"), None)
    if img is None:
        return False
    link = next((a for a in img.iterancestors("a") if navigates(a)), None)
    if link is None or container not in link.iterancestors():
        return False
    href = link.get("href")
    return any(
        a is not link
        and a.get("href") == href
        and len(text := text_of(a)) > 0
        and not looks_like_credit(text)
        for a in islice(container.iter("a"), 20)
    )
