"""Where the story is in the page, and the blocks around it that are not the story:
boilerplate by class and shape, link lists and teaser cards, story parts split over containers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.figures.leaves import visible_text
from archive.extract.rules import NONE, Off
from archive.extract.text import fold, text_of, words

# Class/id words of blocks that are never article text: share bars, newsletter boxes, teasers.
BOILERPLATE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|newsletter|related|recommend\w*|promo|teaser|"
    r"read-?more|more-?stories|also-?read|trending|popular|subscribe|signup|"
    r"advert\w*|ad-?slot|ad-?container|sponsored|outbrain|taboola|tags?|breadcrumbs?|"
    r"comments?|author-?bio|caption|credit|copyright|figcaption|toolbar|print|"
    r"next-?article|scroll-?for-?next)(?:$|[\s_-])",
    re.IGNORECASE,
)
_MAX_BLOCK_TEXT = 600  # longer blocks are kept even if their class says "teaser"
# Blocks that are (nearly) all link text: teasers of other stories, "Read more: <a>…</a>".
_LINK_BLOCKS = ("p", "li", "h2", "h3", "h4", "h5", "h6", "td", "dd", "div")
_BLOCK_CHILDREN = frozenset(("p", "div", "ul", "ol", "li", "table", "section", "article"))
_MAX_LINKY_TEXT = 400
_MIN_LINKY_WORDS = 4
LINK_DENSITY = 0.75  # prose with a linked phrase stays below


def article_scope(tree: HtmlElement, h1: HtmlElement | None) -> HtmlElement:
    """The element holding the article: the densest `<article>`/articleBody, widened to the h1."""
    body = tree.find(".//body")
    root = body if body is not None else tree
    best, best_len = None, 0
    for el in islice(root.iter("article", "main"), 30):
        length = sum(len(text_of(p)) for p in islice(el.iter("p"), 200))
        if length > best_len:
            best, best_len = el, length
    # `.//*[@itemprop='articleBody']` as a walk, which reuses the page's element objects
    marked = (
        el for el in root.iterdescendants(etree.Element) if el.get("itemprop") == "articleBody"
    )
    for el in islice(marked, 3):
        length = sum(len(text_of(p)) for p in islice(el.iter("p"), 200))
        if length >= best_len * 0.8:
            best, best_len = el, length
    if best is None or best_len < 300:
        parents: dict[HtmlElement, int] = {}
        for p in islice(root.iter("p"), 600):
            parent = p.getparent()
            if parent is not None:
                parents[parent] = parents.get(parent, 0) + len(text_of(p))
        if not parents:
            return root
        best = max(parents, key=lambda el: parents[el])
    if h1 is not None and best is not root:
        ancestors = list(islice(best.iterancestors(), 6))
        h1_ancestors = set(h1.iterancestors())
        if best not in h1_ancestors:
            for anc in ancestors:
                if anc in h1_ancestors:
                    if anc.tag != "body":
                        best = anc
                    break
    return best


def _link_list(el: HtmlElement) -> bool:
    """A list whose items are nearly all links: related stories, not article text."""
    items = list(el.iterchildren("li"))
    n_items = len(items)
    if n_items < 2:
        return False
    linked = cards = other = 0
    for li in items:
        text = text_of(li)
        link_text = sum(len(text_of(a)) for a in li.iter("a"))
        if text and link_text >= 0.8 * len(text):
            linked += 1
        elif text and _teaser_card(li, text):
            cards += 1
        else:
            other += 1
        # decided before the last item, as often: lists of links are long
        if n_items >= 3 and linked + cards >= 0.8 * n_items:
            return True
        if other and n_items - other < 0.8 * n_items:
            return False
    return cards == n_items  # even two teaser cards in a row are a related-stories box


def _teaser_card(li: HtmlElement, text: str) -> bool:
    """A list item that opens with a linked headline and adds a short blurb: a story teaser."""
    if len(text) > 300:
        return False
    for a in li.iter("a"):
        head = text_of(a)
        if head:
            return len(words(head)) >= 3 and text.startswith(head) and len(head) >= 0.2 * len(text)
    return False


# BOILERPLATE_CLASS for lower-cased ASCII words: the same matches (the other case variants of
# ASCII letters are not ASCII), at a third of IGNORECASE's cost
_BOILERPLATE_CLASS_ASCII = re.compile(BOILERPLATE_CLASS.pattern)


@lru_cache(maxsize=4096)
def _boilerplate_class(words: str) -> bool:
    """Whether lower-cased class/id words name page furniture; cached, as a page repeats its
    classes (not its ids: about a hundred searches a page still run)."""
    pattern = _BOILERPLATE_CLASS_ASCII if words.isascii() else BOILERPLATE_CLASS
    return bool(words.strip()) and pattern.search(words) is not None


_ALWAYS_BOILERPLATE = frozenset(("figure", "figcaption", "nav", "form", "button", "dialog"))
_NOT_BY_CLASS = frozenset(("p", "h2", "h3", "ul", "ol"))
_KEPT_BLOCKS = frozenset(("body", "html", "article", "main"))  # judged, never removed


def _is_boilerplate_block(el: HtmlElement, off: Off) -> bool:
    tag = el.tag
    if tag in _ALWAYS_BOILERPLATE:
        return True  # (trafilatura drops these itself; here they go before its text search)
    if tag in ("aside", "footer"):
        return len(text_of(el)) <= _MAX_BLOCK_TEXT
    if tag in ("ul", "ol") and "body.link_lists" not in off and _link_list(el):
        return True
    if tag in _NOT_BY_CLASS or "body.boilerplate_class" in off:
        return False
    cls, id_ = el.get("class"), el.get("id")
    if not (cls or id_):
        return False  # most elements: no words to judge (class_words would be " ")
    return _boilerplate_class(f"{cls or ''} {id_ or ''}".lower()) and (
        len(text_of(el)) <= _MAX_BLOCK_TEXT
    )


def _boilerplate_blocks(root: HtmlElement, off: Off) -> list[HtmlElement]:
    """The boilerplate blocks under `root`, in document order.

    The inside of a block that is removed is not looked at: removing its own boilerplate
    would change only the detached block (about half a page's elements go this way).
    """
    doomed: list[HtmlElement] = []
    walk = etree.iterwalk(root, events=("start",))
    for _event, el in walk:
        if isinstance(el.tag, str) and _is_boilerplate_block(el, off):
            doomed.append(el)
            if el.tag not in _KEPT_BLOCKS and el is not root:
                walk.skip_subtree()
    return doomed


@contextmanager
def without_boilerplate(tree: HtmlElement, off: Off = NONE) -> Iterator[HtmlElement]:
    """The page without figures, captions, share bars, teasers and prompts, for the time of the
    `with` block: the blocks are taken out of `tree` itself and put back as they were after it.

    A copy of the page would cost a twentieth of the extraction, and trafilatura, which reads
    the cleaned page, copies what it is given anyway. Only code that does not keep the
    tree's elements may run inside the block.
    """
    # (parent, index, block, the element whose text or tail took the block's tail and which
    # of the two, with the value it had before), in the order the blocks went
    undo: list[tuple[HtmlElement, int, HtmlElement, HtmlElement | None, str, str | None]] = []
    try:
        for el in _boilerplate_blocks(tree, off):
            parent = el.getparent()
            if parent is None or el.tag in _KEPT_BLOCKS:
                continue
            tail = el.tail
            index = parent.index(el)
            parent.remove(el)  # the block's tail goes with it, and comes back with it
            if not (tail and tail.strip()):
                undo.append((parent, index, el, None, "", None))
                continue
            prev = parent[-1] if len(parent) else None
            # keep text that followed the removed block
            if prev is not None:
                undo.append((parent, index, el, prev, "tail", prev.tail))
                prev.tail = (prev.tail or "") + tail
            else:
                undo.append((parent, index, el, parent, "text", parent.text))
                parent.text = (parent.text or "") + tail
        yield tree
    finally:
        for parent, index, el, holder, attr, old in reversed(undo):
            if holder is not None:
                setattr(holder, attr, old)
            parent.insert(index, el)


def linked_blocks(tree: HtmlElement) -> tuple[set[str], str]:
    """Folded texts of short blocks made mostly of link text (teasers, "Read more: <a>").

    Also, joined, the texts of such blocks with several links: a "Don't miss" box set as one
    paragraph with a line per teaser comes out of trafilatura one line at a time.
    """
    found: set[str] = set()
    several: list[str] = []
    for el in tree.iter(*_LINK_BLOCKS):
        if el.tag == "div" and any(c.tag in _BLOCK_CHILDREN for c in el):
            continue  # only leaf-like divs: a container's text is judged by its blocks
        # in-page anchors ("#how-we-tested") are a table of contents, not teasers
        links = [a for a in el.iter("a") if not (a.get("href") or "").startswith("#")]
        if not links:
            continue
        text = text_of(el)
        if not text or len(text) > _MAX_LINKY_TEXT or len(words(text)) < _MIN_LINKY_WORDS:
            continue  # a linked place name or handle ("Madrid", "@name") is text
        linked = sum(len(text_of(a)) for a in links)
        if linked >= LINK_DENSITY * len(text):
            key = fold(text)
            if key:
                found.add(key)
                if len(links) >= 2:
                    several.append(key)
    return found, "\n".join(several)


# Class words of the containers a story's text is split across (between ad rows, paywall parts)
_PART_CLASS = re.compile(r"body|content|text|article|story|entry|paywall", re.IGNORECASE)
_NOT_PART_CLASS = re.compile(r"comment|related|teaser|recirc|widget|sidebar|promo", re.IGNORECASE)
_PART_TEXT = ("p", "h2", "h3", "h4", "blockquote")
_MIN_PART_CHARS = 150


@lru_cache(maxsize=4096)
def _part_class(cls: str) -> bool:
    """Whether a class names a part of a story's text; cached, as a page repeats its classes."""
    return _PART_CLASS.search(cls) is not None and _NOT_PART_CLASS.search(cls) is None


def body_parts(tree: HtmlElement) -> list[list[str]]:
    """The paragraphs of each part of a story split over sibling containers of one class.

    Some templates close the body container before every ad row and open an identical one
    after it; trafilatura then keeps only the first part. Returned only when there are at
    least two such parts, in document order, each a list of paragraph texts.
    """
    body = tree.find(".//body")
    root = body if body is not None else tree
    groups: dict[tuple[str, str], list[HtmlElement]] = {}
    for el in root.iter("div", "section"):
        cls = el.get("class")
        if not cls or not _part_class(cls):
            continue
        paras = [c for c in el if c.tag == "p"]
        if len(paras) >= 2 and sum(len(text_of(c)) for c in paras) >= _MIN_PART_CHARS:
            groups.setdefault((el.tag, cls), []).append(el)
    for members in groups.values():
        if len(members) < 2:
            continue
        if any(m in set(other.iterancestors()) for m in members for other in members):
            continue  # nested: one container inside another, not parts of one story
        if len({next(m.iterancestors("article"), None) for m in members}) > 1:
            continue  # in different <article>s: the next story of an endless page
        parts = []
        for member in members:
            # in reading order: the text is added to the body as it is
            texts = [visible_text(el) for el in member.iter(*_PART_TEXT)]
            parts.append([t for t in texts if t])
        return parts
    return []


PART_KEPT_WORDS = 0.9


def add_missing_parts(lines: list[str], parts: list[list[str]]) -> list[str]:
    """`lines` with the parts trafilatura left out, before or after the part it kept."""
    text = fold(" ".join(lines))
    kept_words = {w.casefold() for line in lines for w in words(line)}
    present = []
    for part in parts:
        keys = [k for k in (fold(t) for t in part) if len(k) >= 20][:3]
        # a part counts as kept when most of its opening paragraphs are (a pull quote repeats one)
        # or nearly all of its words are (trafilatura splits a paragraph at its links)
        part_words = {w.casefold() for t in part for w in words(t)}
        present.append(
            2 * sum(k in text for k in keys) > len(keys)
            or len(part_words & kept_words) >= PART_KEPT_WORDS * len(part_words)
        )
    if not any(present) or all(present):
        return lines
    first = present.index(True)
    last = len(present) - 1 - present[::-1].index(True)
    before = [
        t for part, ok in zip(parts[:first], present[:first], strict=True) if not ok for t in part
    ]
    after = [
        t
        for part, ok in zip(parts[last + 1 :], present[last + 1 :], strict=True)
        if not ok
        for t in part
    ]
    return before + lines + after
