"""The body text: trafilatura on the cleaned page, our line filters, the fallback to
trafilatura's own text when ours keeps too little of it, and the dek not repeated."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.settings import Document

from archive.extract.body.cleanup import MIN_KEPT_SHARE, is_prose, prose_chars, trim
from archive.extract.body.scope import (
    add_missing_parts,
    body_parts,
    linked_blocks,
    without_boilerplate,
)
from archive.extract.rules import NONE, Off
from archive.extract.text import fold, text_of, words

# Whole lines that are page furniture rather than text, in the corpus' languages.
BOILERPLATE_LINE = re.compile(
    r"^(?:scroll (?:for|to) next(?: article| story)?|read (?:more|next|also)|"
    r"advertisement|anzeige|werbung|publicidad|annons|reklame|sponsored|"
    r"share(?: this(?: article| story)?)?|teilen|click here to .{0,60}|"
    r"sign up (?:for|to) .{0,80}|subscribe (?:to|for) .{0,80}|"
    r"(?:related|more)(?: stories| articles| coverage)?:?|lesen sie (?:auch|mehr)(?::.*)?|"
    r"mehr zum thema:?|auch interessant:?|das könnte sie (?:auch )?interessieren:?|"
    r"follow us on .{0,40}|newsletter|continue reading|weiterlesen|"
    r"this article (?:first )?appeared .{0,120})\W*$",
    re.IGNORECASE,
)

NEXT_MARKER = re.compile(
    r"^(?:scroll (?:for|to) next|up next|read next|next (?:article|story)|"
    r"nächster artikel|weiter zum nächsten artikel)\b",
    re.IGNORECASE,
)


# Class/id words of blocks that are never article text: share bars, newsletter boxes, teasers.
# trafilatura's fast mode skips the comparison with readability and jusText, which costs about a
# quarter of its time and changes the text of few pages. When what fast mode finds, after our own
# boilerplate filtering, is shorter than a short news brief, the page gets the full cascade.
FULL_CASCADE_BELOW = 500
# ... and also when fast mode's text is mostly menu entries rather than running text (a portal
# whose navigation sits in the same container as the story): the full cascade compares it with
# readability's and jusText's choice, which leave menus out
MENU_SHARE = 0.5
KEEP_PROSE = 0.8
# The body falls back to trafilatura's own text for the whole page when ours keeps less than
# this share of its running text (lines of 50+ characters or 8+ words). Measured on the 219 dev
# pages: our line rules keep at least 0.65 of the running text trafilatura finds in the cleaned
# page (the lowest: a cut teaser list), and 0.74 of what it finds in the whole page, except on
# two pages where trafilatura also takes comments or a second story (0.22, 0.32) that our block
# rules had removed before it ran; the bodies our clean-up broke on unseen pages keep 0 to 0.25.
# So the whole page is only consulted when the line rules cut over half of the cleaned page's
# text, or the body is short.
FALLBACK_SHARE = MIN_KEPT_SHARE
# Below this much running text the whole page is consulted in any case: our block removal may
# have taken a short story's only container with it (6 dev pages are this short, none fall back).
CHECK_BELOW_CHARS = 600
FALLBACK_LAYER = "trafilatura-fallback"  # the body's provenance when it fell back


def _trafilatura(tree: HtmlElement, url: str, *, fast: bool) -> str:
    try:
        doc = bare_extraction(
            tree,
            url=url or None,
            with_metadata=False,
            include_comments=False,
            include_tables=True,
            fast=fast,
        )
    except Exception:  # noqa: BLE001 - trafilatura on hostile markup: an empty body, never a crash
        return ""
    return (doc.text or "") if isinstance(doc, Document) else ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


_LINK_RULES = frozenset(("body.link_density", "body.linky_multiline"))
# A linked line this long is a paragraph with links, not a teaser headline: a page whose text is
# all teaser headlines (a front page) keeps an empty body
LINKED_PARAGRAPH_CHARS = 200


class _Filters:
    """The line rules of the body, with the page facts they read."""

    def __init__(self, tree: HtmlElement, skip_lines: set[str], off: Off) -> None:
        self.off = off
        self.linky, self.linky_text = linked_blocks(tree)
        if "body.link_density" in off:
            self.linky = set()
        if "body.linky_multiline" in off:
            self.linky_text = ""
        self.parts = [] if "body.parts" in off else body_parts(tree)
        self.skip_lines = set() if "body.skip_lines" in off else skip_lines

    def verdict(self, line: str) -> str:
        """The rule that drops a line, "" if none does."""
        key = fold(line)
        if "body.boilerplate_lines" not in self.off and BOILERPLATE_LINE.match(line):
            return "body.boilerplate_lines"
        if key in self.skip_lines:
            return "body.skip_lines"
        if key in self.linky:
            return "body.link_density"
        # one line of a multi-line teaser block ("DON'T MISS<br><a>…</a><br><a>…</a>")
        if len(key) >= 25 and len(line) <= 200 and key in self.linky_text:
            return "body.linky_multiline"
        return ""

    def keep(self, text: str) -> list[str]:
        """trafilatura's lines without teasers, furniture and the lines the caller names.

        No rule alone may take most of the running text: when one would, it is wrong about this
        page (a story of linked phrases, a caption repeated as a paragraph) and its lines stay.
        """
        lines = _lines(text)
        if not lines:
            return []
        if self.parts:
            lines = add_missing_parts(lines, self.parts)
        verdicts: list[str] = []
        for i, line in enumerate(lines):
            if (
                "body.next_marker" not in self.off
                and NEXT_MARKER.match(line)
                and len(lines) - i <= 4
            ):
                # "SCROLL FOR NEXT" and the teaser of the next story end the article
                verdicts.extend("body.next_marker" for _ in lines[i:])
                break
            verdicts.append(self.verdict(line))
        kept = [line for line, v in zip(lines, verdicts, strict=True) if not v]
        total = prose_chars(lines)
        if "body.guards" in self.off or prose_chars(kept) >= MIN_KEPT_SHARE * total:
            return kept
        taken: dict[str, int] = {}
        for line, v in zip(lines, verdicts, strict=True):
            if v and is_prose(line):
                taken[v] = taken.get(v, 0) + len(line)
        worst = max(taken, key=lambda v: taken[v]) if taken else ""
        return [
            line
            for line, v in zip(lines, verdicts, strict=True)
            if not v
            or (v == worst and (v not in _LINK_RULES or len(line) >= LINKED_PARAGRAPH_CHARS))
        ]

    def support(self, line: str) -> bool:
        """Whether a line trafilatura keeps is one a cut may take: a teaser or furniture."""
        return bool(self.verdict(line))


def body_text(
    tree: HtmlElement,
    url: str,
    *,
    skip_lines: set[str],
    title_keys: list[str] = (),  # type: ignore[assignment]
    author_keys: list[str] = (),  # type: ignore[assignment]
    dek: str = "",
    claims_article: bool = True,
    off: Off = NONE,
) -> tuple[str, str]:
    """(the article text, one paragraph per line pair, without boilerplate lines; its layer).

    The layer is "trafilatura", or FALLBACK_LAYER when our clean-up kept too little of what
    trafilatura finds in the page and the text was taken from trafilatura unfiltered. Only a
    page that `claims_article` falls back: on a front or section page, the teasers our clean-up
    took are what it should take.
    """
    filters = _Filters(tree, skip_lines, off)
    with without_boilerplate(tree, off) as cleaned:  # trafilatura copies it: nothing kept
        raw = _trafilatura(cleaned, url, fast=True)
        keep = filters.keep(raw)
        chars = sum(len(line) for line in keep)
        if "body.full_cascade" not in off and (
            chars < FULL_CASCADE_BELOW or prose_chars(keep) < MENU_SHARE * chars
        ):
            full = _trafilatura(cleaned, url, fast=False)
            full_keep = filters.keep(full) if full else []
            # taken unless it loses running text the fast pass found
            if full_keep and prose_chars(full_keep) >= KEEP_PROSE * prose_chars(keep):
                raw, keep = full, full_keep
    lines = trim(keep, list(title_keys), list(author_keys), off)
    if "body.dek" not in off:
        lines = drop_dek(lines, dek, tree)
    if "body.fallback" not in off and claims_article:
        ours = prose_chars(lines)
        if ours < FALLBACK_SHARE * prose_chars(_lines(raw)) or ours < CHECK_BELOW_CHARS:
            whole = _lines(_trafilatura(tree, url, fast=False))
            # what trafilatura keeps that a cut rule names (a teaser, furniture) supports the cut
            theirs = prose_chars([line for line in whole if not filters.support(line)])
            if ours < FALLBACK_SHARE * theirs:
                return "\n\n".join(whole), FALLBACK_LAYER
    return "\n\n".join(lines), "trafilatura"


MIN_TEXT_PARAGRAPH = 80  # a paragraph of running text, not a one-line dek


_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ASCII_LOWER = str.maketrans(_UPPER, _UPPER.lower())


def _texts_with(tree: HtmlElement, needle: str) -> Iterator[HtmlElement]:
    """For each text node below `tree` holding `needle` once ASCII letters are lower-cased, in
    document order, the element it is the text or the tail of: what the XPath
    `.//text()[contains(translate(., 'A..Z', 'a..z'), $needle)]` gives (its results'
    `getparent()`), walked in Python and lazily.

    libxml2's translate() scans the alphabet for every character of every text node, inline
    scripts too: 15 ms on a large page. `str.lower` finds the needle wherever translate does
    (a lower-case needle's characters are their own lower case), so it sifts the nodes, and
    the exact test runs on the few it passes.
    """
    for event, el in etree.iterwalk(tree, events=("start", "end")):
        if event == "start":
            if not isinstance(el.tag, str):
                continue  # a comment's or a processing instruction's text is no text node
            text = el.text
        elif el is tree:
            continue  # the tail of `tree` is not below it
        else:
            text = el.tail
        if (
            text
            and needle in text.lower()
            and (text.isascii() or needle in text.translate(_ASCII_LOWER))
        ):
            yield el


_DEK_TAGS = frozenset(("p", "h2", "h3", "h4", "div", "span", "strong"))


def shown_apart(tree: HtmlElement, dek: str) -> bool:
    """Whether the page shows `dek` in an element of its own (a standfirst, a heading), not
    as the first plain paragraph of the text that a description merely copies."""
    key = fold(dek)
    # its longest opening word, found by libxml2 in the text nodes, then the element checked
    needle = max(words(dek)[:6], key=len, default="").lower()
    if not key or not needle:
        return False
    for holder in islice(_texts_with(tree, needle), 20):
        chain = [holder, *islice(holder.iterancestors(), 3)]
        # the outermost element showing just the dek, as a reader's eye takes it
        matches = [
            el
            for el in chain
            if el.tag in _DEK_TAGS
            and not (el.tag != "p" and len(el) > 3)
            and fold(text_of(el)) == key
        ]
        if not matches:
            continue
        el = matches[-1]
        if el.tag != "p" or (el.get("class") or "").strip():
            return True
        parent = el.getparent()
        siblings = [] if parent is None else [c for c in parent if c is not el and c.tag == "p"]
        return not any(len(text_of(c)) >= MIN_TEXT_PARAGRAPH for c in siblings[:6])
    return False


def drop_dek(lines: list[str], dek: str, tree: HtmlElement) -> list[str]:
    """The lines without a first paragraph that repeats the subtitle shown above the text."""
    key = fold(dek)
    if key and len(lines) > 1 and fold(lines[0]) == key and shown_apart(tree, dek):
        return lines[1:]
    return lines
