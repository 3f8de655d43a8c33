"""The visible headline, its dek, and titles stripped of their " | Site" suffixes."""

from __future__ import annotations

import re
from itertools import islice

from lxml.html import HtmlElement

from archive.extract.rules import NONE, Off
from archive.extract.text import class_words, fold, squash, text_of

_SEPARATORS = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|·|•|»|«|/|:)\s+")
_SEP_CHARS = "|\u2013\u2014\\-:\u00b7\u2022/\u3163\u1175\uff5c"
_GLUED_TAIL = re.compile(
    rf"\s*[{_SEP_CHARS}]\s*(?:[^{_SEP_CHARS}\s]{{1,12}}\s*[{_SEP_CHARS}]\s*)?$"
)
DEK_CLASS = re.compile(
    r"dek|standfirst|sub-?title|sub-?head|sub-?line|summary|excerpt|intro|lead|teaser-?text|"
    r"description|strapline|kicker-?text|article-?lede|lede|abstract|vorspann|ingress|"
    r"preamble|deck",
    re.IGNORECASE,
)
_NOT_DEK = re.compile(
    r"caption|credit|byline|author|date|time|share|nav|menu|image|photo", re.IGNORECASE
)


def strip_site(title: str, sites: list[str]) -> str:
    """A `<title>`/og:title without the site name before or after a separator."""
    for site in sites:
        # "Headline-Politics|Site" glued without spaces (common on Korean and Japanese sites)
        if len(site) >= 2 and title.endswith(site) and len(title) > len(site) + 10:
            head = title[: -len(site)]
            glued = _GLUED_TAIL.search(head)
            # "US-Dollar" ending a headline on a site named "Dollar": a compound, not a suffix
            compound = glued is not None and glued.group() == "-" and head[-2:-1].isalnum()
            if glued and not compound:
                return head[: glued.start()].rstrip()
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    keys = [fold(s) for s in sites if fold(s)]

    def is_site(part: str) -> bool:
        key = fold(part)
        # the part is (mostly) the site name: "DER SPIEGEL", "Corriere.it", not a headline
        # that happens to mention it
        return bool(key) and any(
            k == key
            or (len(k) >= 4 and k in key and len(k) >= 0.4 * len(key))
            or (len(key) >= 4 and key in k)
            for k in keys
        )

    while len(parts) > 1 and is_site(parts[-1]):
        parts.pop()
    while len(parts) > 1 and is_site(parts[0]):
        parts.pop(0)
    matches = list(_SEPARATORS.finditer(title))
    if len(parts) == len(matches) + 1:
        return title
    # rebuild from the original to keep the separators inside the headline
    kept = " - ".join(parts)
    for part in parts:
        if part not in title:
            return kept
    start = title.find(parts[0])
    end = title.find(parts[-1], start) + len(parts[-1])
    return title[start:end].strip()


_CRUMB_CLASS = re.compile(r"breadcrumb|crumb|seo-?title|seotitle", re.IGNORECASE)
_KICKER_CLASS = re.compile(
    r"kicker|overline|dachzeile|eyebrow|topline|roofline|spitzmarke|"
    r"titleheader|title-?header|flag|label|rubri[ck]",
    re.IGNORECASE,
)


_HEADLINE_CLASS = re.compile(r"headline|(?:^|[\s_-])(?:title|hed)(?:$|[\s_-])", re.IGNORECASE)
_SUBTITLE_CLASS = re.compile(r"sub-?(?:title|head)|dek", re.IGNORECASE)


def _is_headline_part(el: HtmlElement) -> bool:
    """A heading's child marked as the headline proper ("story__title"), not a subtitle."""
    cls = class_words(el)
    return bool(_HEADLINE_CLASS.search(cls)) and not _SUBTITLE_CLASS.search(cls)


def _in_navigation(h1: HtmlElement) -> bool:
    """An h1 kept for search engines inside the breadcrumb trail, not the visible headline."""
    for el in [h1, *islice(h1.iterancestors(), 5)]:
        if el.tag == "nav" or _CRUMB_CLASS.search(class_words(el)):
            return True
    return False


MIN_PARAGRAPH_CHARS = 80  # a heading after this much running text is a subheading


def _visible_heading_after(h1: HtmlElement) -> HtmlElement | None:
    """The first real h1/h2 after a breadcrumb h1, outside any navigation, before the text."""
    seen = 0
    root = h1.getroottree().getroot()
    after = False
    for el in root.iter("h1", "h2", "p"):
        if el is h1:
            after = True
            continue
        if not after:
            continue
        if el.tag == "p":
            if len(text_of(el)) >= MIN_PARAGRAPH_CHARS:
                break  # the article text has begun: later headings are its subheadings
            continue
        seen += 1
        if seen > 4:
            break
        if not _in_navigation(el) and 15 <= len(text_of(el)) <= 400:
            return el
    return None


def headline_text(el: HtmlElement, off: Off = NONE) -> str:
    """A heading's text without a kicker ("Meinung", "Topic:") set in its own child element."""
    if "title.kicker" in off:
        return str(el.text_content())
    children = [
        c for c in el if isinstance(c.tag, str) and c.get("aria-hidden") != "true" and text_of(c)
    ]
    if (
        len(children) >= 2
        and (
            _KICKER_CLASS.search(class_words(children[0]))
            # the part after it is marked as the headline: the first part is its kicker
            or any(_is_headline_part(c) for c in children[1:])
        )
        and not _is_headline_part(children[0])
        and not ((el.text or "").strip())
    ):
        # each part's own text as written: text_of would put a space before "<i>x</i>:"
        rest = [squash(str(c.text_content())) for c in children[1:]]
        if not all(any(ch.isalnum() for ch in t) for t in rest):
            return str(el.text_content())  # "Kicker<span>: </span>Headline" is one headline
        if len(" ".join(rest)) >= 10:
            return " ".join(rest)
    return str(el.text_content())


def find_h1(tree: HtmlElement, hints: list[str]) -> HtmlElement | None:
    """The visible headline: the h1 matching a structured title, else the first real h1."""
    h1s = [h for h in islice(tree.iter("h1"), 10) if 3 <= len(text_of(h)) <= 400]
    if not h1s:
        return None
    keys = [fold(h) for h in hints if fold(h)]
    found = h1s[0]
    for h in h1s:
        key = fold(text_of(h))
        if key and any(key == k or (len(key) > 15 and key in k) for k in keys):
            found = h
            break
    if _in_navigation(found):
        visible = _visible_heading_after(found)
        return visible if visible is not None else found
    return found


def choose_title(
    candidates: list[tuple[str, str]], title_tag: str, sites: list[str]
) -> tuple[str, str]:
    """(title, layer) by vote: the text most sources agree on, ties going to the earliest.

    `candidates` are (text, layer) pairs, best first: JSON-LD headline, microdata, og:title,
    twitter:title, then the visible h1. A structured title found inside the h1 votes for
    itself: the rest of the h1 is a kicker ("Topic: Headline"). The `<title>` does not vote
    (it mostly copies og:title) but breaks a tie the visible headline does not.
    """
    cleaned = [(strip_site(t, sites), layer) for t, layer in candidates if t]
    votes: dict[str, list[int]] = {}
    for i, (text, _layer) in enumerate(cleaned):
        key = fold(text)
        if key:
            votes.setdefault(key, []).append(i)
    for key, voters in list(votes.items()):
        for other, other_voters in votes.items():
            if (
                other != key
                and len(key) > 15
                and key in other
                and cleaned[other_voters[0]][1] == "dom"
            ):
                voters.extend(other_voters)
    page_title = fold(strip_site(title_tag, sites))
    if votes:
        # a tie goes to the side of the visible headline, then to the <title>, then the best source
        best = max(
            votes.values(),
            key=lambda v: (
                len(set(v)),
                any(cleaned[i][1] == "dom" for i in v),
                any(fold(cleaned[i][0]) == page_title for i in v),
                -min(v),
            ),
        )
        return cleaned[min(best)]
    return strip_site(title_tag, sites), "meta"


def find_dek(h1: HtmlElement | None) -> str:
    """The standfirst that follows the headline: a dek-classed element or the next h2/p."""
    if h1 is None:
        return ""
    node = h1
    for _level in range(3):
        following = node.itersiblings()
        for sib in islice(following, 6):
            if not isinstance(sib.tag, str) or sib.tag in ("script", "style"):
                continue
            cls = class_words(sib)
            text = text_of(sib)
            if not text:
                continue
            if _NOT_DEK.search(cls):
                continue
            if DEK_CLASS.search(cls) and 20 <= len(text) <= 600:
                return text
            inner = sib.xpath(
                ".//*[self::p or self::h2 or self::div or self::span]"
                "[contains(@class,'dek') or contains(@class,'ubtitle') or "
                "contains(@class,'standfirst') or contains(@class,'summary')]"
            )
            for el in inner[:1]:
                inner_text = text_of(el)
                if 20 <= len(inner_text) <= 600:
                    return inner_text
            if sib.tag in ("h2", "p") and 20 <= len(text) <= 400 and not cls.strip():
                return text
            break
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "article", "main"):
            break
        node = parent
    return ""


SECTION_CLASS = re.compile(
    r"section|category|kicker|rubri[ck]|eyebrow|overline|topic|ressort|"
    r"label|tag|dachzeile|channel",
    re.IGNORECASE,
)


def find_section(h1: HtmlElement | None) -> str:
    """A short section label ("Politics") just before the headline."""
    node = h1
    for _level in range(3):
        if node is None:
            return ""
        for sib in islice(node.itersiblings(preceding=True), 4):
            if not isinstance(sib.tag, str):
                continue
            text = text_of(sib)
            if not text:
                continue
            labelled = [sib, *sib.iterdescendants()][:6]
            if (
                any(
                    SECTION_CLASS.search(class_words(el))
                    for el in labelled
                    if isinstance(el.tag, str)
                )
                and 2 <= len(text) <= 40
                and len(text.split()) <= 4
            ):
                return text
            if len(text) > 40:
                break
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "main"):
            return ""
        node = parent
    return ""
