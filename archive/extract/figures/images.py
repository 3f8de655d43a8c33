"""Figures: image URL, caption and credit from `<figure>` and figure-like markup."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice

from lxml import etree
from lxml.html import HtmlElement

from archive.extract.figures.cards import link_share, linked_heading, linked_twice, navigates
from archive.extract.figures.credits import (
    clean_credit,
    is_labelled_credit,
    looks_like_credit,
    split_caption,
)
from archive.extract.figures.imageobject import embedded_image_object
from archive.extract.figures.imgsrc import image_url
from archive.extract.figures.leaves import SKIP_TAGS as _SKIP_TAGS
from archive.extract.figures.leaves import leaves as _leaves
from archive.extract.figures.leaves import visible_text as _visible_text
from archive.extract.rules import NONE, Off
from archive.extract.text import class_words, nfkc, text_of

CREDIT_CLASS = re.compile(
    r"credit|copyright|photographer|fotograf|bildautor|bildquelle|urheber|quelle|source|"
    r"byline|author|attribution|rights|courtesy|agency|cite|provider|distributor",
    re.IGNORECASE,
)
CAPTION_CLASS = re.compile(
    r"caption|legend|bildtext|beschreibung|unterschrift|description|"
    r"figcaption|subtitle|text",
    re.IGNORECASE,
)
FIGURE_CLASS = re.compile(
    r"figure|image|photo|picture|media|img|foto|bild|visual|lead|hero", re.IGNORECASE
)
_OUTSIDE = re.compile(
    r"related|by-?line|author|avatar|profile|teaser|recommend|promo|newsletter|"
    r"sidebar|more-|trending|popular|footer|navigation|\bnav\b|advert|\bads?\b|"
    r"sponsor|outbrain|taboola|author-bio|logo|comment|e-?mail|sign-?up|"
    r"subscri|login|reg-?wall|similar|listing",
    re.IGNORECASE,
)
# A figure's own class may say "teaser" for the lead picture of the story itself ("article
# picture--teaser", "teaser-image"); teaser cards of other stories are caught by their links.
_OUTSIDE_OWN = re.compile(_OUTSIDE.pattern.replace("teaser|", ""), re.IGNORECASE)
_OUTSIDE_CREDIT = re.compile(
    _OUTSIDE.pattern.replace("by-?line|author|", "").replace("author-bio|", ""), re.IGNORECASE
)
_TEASER_PICTURE = re.compile(
    r"teaser[\w-]*(?:image|picture|photo|media|img|bild|foto)|"
    r"(?:image|picture|photo|media|img|bild|foto)[\w-]*teaser",
    re.IGNORECASE,
)


# the still of a video player, titled with the video's name rather than a photo caption
_VIDEO_STILL = re.compile(r"video[\w-]*(?:placeholder|poster|thumb)", re.IGNORECASE)


def _outside_own(cls: str) -> bool:
    """Whether a figure's own class marks it as page furniture rather than the story's."""
    if _OUTSIDE_OWN.search(cls) or _VIDEO_STILL.search(cls):
        return True
    return "teaser" in cls and not _TEASER_PICTURE.search(cls)


_DATA_CREDIT = (
    "data-credit",
    "data-copyright",
    "data-photographer",
    "data-author",
    "data-image-credit",
    "data-source",
)
_DATA_CAPTION = ("data-caption", "data-image-caption", "data-description")
MAX_FIGURES = 40


_WRITER_CLASS = re.compile(r"by-?line|author", re.IGNORECASE)


# schema.org ImageObject properties set on visible elements (microdata)
_CREDIT_PROPS = frozenset(("creditText", "copyrightHolder", "copyrightNotice", "author", "creator"))
_CAPTION_PROPS = frozenset(("caption", "description"))


def _is_credit_el(el: HtmlElement, container: HtmlElement | None = None) -> bool:
    prop = el.get("itemprop")
    if prop in _CREDIT_PROPS and el.tag != "meta":
        return True
    if prop in _CAPTION_PROPS:
        return False
    cls = class_words(el)
    if el.tag in ("cite", "small", "footer") and not CAPTION_CLASS.search(cls):
        return True
    if not CREDIT_CLASS.search(cls) or _OUTSIDE_CREDIT.search(cls):
        return False
    if CAPTION_CLASS.search(cls) and any(
        CREDIT_CLASS.search(class_words(d)) for d in islice(el.iterdescendants(), 30)
    ):
        return False  # "caption-credit": the wrapper of both, with its own credit inside
    if not _WRITER_CLASS.search(cls):
        return True
    # "author"/"byline" inside a caption names the photographer; elsewhere, the story's writer
    for anc in el.iterancestors():
        if anc.tag == "figcaption" or CAPTION_CLASS.search(class_words(anc)):
            return True
        if anc is container:
            break
    return False


def _credit_elements(container: HtmlElement) -> list[HtmlElement]:
    """The outermost credit-marked elements of a figure, in document order."""
    found: list[HtmlElement] = []
    for el in islice(container.iter(), 400):
        if el is container or not isinstance(el.tag, str) or el.tag in _SKIP_TAGS:
            continue
        if _is_credit_el(el, container) and not any(f in found for f in el.iterancestors()):
            found.append(el)
    return found


def _data_credit(container: HtmlElement) -> str:
    for el in [container, *islice(container.iter("img"), 3)]:
        for attr in _DATA_CREDIT:
            value = el.get(attr) or ""
            if value and len(value) < 200:
                return value
    return ""


def _microdata(container: HtmlElement, props: tuple[str, ...]) -> str:
    """`<meta itemprop=...>` values inside a figure (schema.org ImageObject markup)."""
    for el in islice(container.iter("meta"), 20):
        if (el.get("itemprop") or "") in props and el.get("content"):
            return nfkc(el.get("content", ""))
    return ""


def alt_credit(container: HtmlElement, off: Off = NONE) -> str:
    """A credit written into the image's alt or title text ("… © Jane Doe", "…=AP")."""
    for img in islice(container.iter("img"), 2):
        for attr in ("alt", "title"):
            text = nfkc(img.get(attr) or "")
            if text and len(text) < 400:
                _head, tail = split_caption(text, labelled_only=True, off=off)
                if tail:
                    return tail
    return ""


def _caption_element(container: HtmlElement) -> HtmlElement | None:
    for el in container.iter("figcaption"):
        return el
    for el in islice(container.iter(), 200):
        if el.get("itemprop") in _CAPTION_PROPS and el.tag != "meta" and el is not container:
            return el
    for el in container.iter():
        if isinstance(el.tag, str) and el is not container and el.tag not in _SKIP_TAGS:
            cls = class_words(el)
            if (
                CAPTION_CLASS.search(cls)
                and not CREDIT_CLASS.search(cls)
                and not is_labelled_credit(text_of(el))
            ):
                return el  # (a "text-sm" line reading "Foto: Jane Doe" is the credit)
    return None


_DATELINE = re.compile(
    r"\b(?:published|updated|publiziert|veröffentlicht|aktualisiert|"
    r"publicado|actualizado|publié|mis à jour|pubblicato|aggiornato)\b|"
    r"^\W*\d{1,2}\.\d{1,2}\.\d{2,4},?\s+\d{1,2}:\d{2}",
    re.IGNORECASE,
)
_NOT_CAPTION = re.compile(
    r"^(?:vor\s+\d+\s+(?:sekunden|minuten|stunden|tagen)|\d+\s+(?:seconds?|minutes?|hours?|days?)"
    r"\s+ago|il y a \d+|hace \d+)\W*$|^\W*\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\W*$|"
    r"privacy (?:notice|policy)|datenschutz|newsletter|cookie|sign up|subscribe|abonnieren|"
    r"click to play|video starten|video loading|^\W*\d{1,3}\W*$|"
    r"^(?:today|yesterday|heute|gestern)?,?\s*\d{1,2}[:.]\d{2}\s*(?:am|pm|uhr)?$",
    re.IGNORECASE,
)
_FILE_NAME = re.compile(r"^[\w.-]*_[\w.-]*$")  # "dp3_1_en", "IMG_0042.jpg": no caption
_LABELLED_START = re.compile(r"^\W*(?:\w+\s*:|©|\(c\))", re.IGNORECASE)
_BYLINE_CAPTION = re.compile(r"^(?:von|by|par|por|av|af|door)\s+\S", re.IGNORECASE)


def figure(container: HtmlElement, base: str, off: Off = NONE) -> dict[str, str] | None:
    url = image_url(container, base)
    if not url:
        return None
    credit_els = _credit_elements(container)
    credit_texts = [t for el in credit_els if (t := _visible_text(el)) and len(t) < 200]
    leaves = [
        (el, t)
        for el, t in _leaves(container)
        if len(t) < 1500
        and not (el in credit_els or any(a in credit_els for a in el.iterancestors()))
    ]
    caption_el = _caption_element(container)
    caption_parts = [
        (el, t)
        for el, t in leaves
        if caption_el is None or el is caption_el or caption_el in el.iterancestors()
    ]
    if not credit_texts and caption_el is not None:
        # a "Foto: Jane Doe" line beside the caption element, marked by its label only
        parts = {el for el, _t in caption_parts}
        credit_texts = [t for el, t in leaves if el not in parts and is_labelled_credit(t)][:1]
    if "figure.teaser_cards" not in off and (
        (caption_parts and link_share([el for el, _t in caption_parts]) > 0.7)
        or linked_twice(container)
        or linked_heading(container)
    ):
        return None  # a teaser card: image and a linked headline to another page
    if not credit_texts and len(caption_parts) > 1:
        # "<p>caption</p><p>AFP</p>": a short trailing block that reads like a credit
        last = caption_parts[-1][1]
        if "figure.credit_block" not in off and (looks_like_credit(last) or len(last.split()) <= 4):
            credit_texts.append(last)
            caption_parts = caption_parts[:-1]
        elif "figure.credit_block" not in off and looks_like_credit(caption_parts[0][1]):
            # "<span>Agency</span><br>caption": the credit placed before the caption
            credit_texts.append(caption_parts[0][1])
            caption_parts = caption_parts[1:]
    caption = nfkc(" ".join(t for _el, t in caption_parts))
    if caption_el is None and caption_parts:
        caption = max((t for _el, t in caption_parts), key=len)
    if _NOT_CAPTION.search(caption):
        return None  # a timestamp, a sign-up prompt or a video player, not a photo caption
    if _FILE_NAME.match(caption):
        caption = ""
    if (_BYLINE_CAPTION.match(caption) and len(caption.split()) <= 8) or (
        _DATELINE.search(caption) and len(caption.split()) <= 16
    ):
        return None  # an author box ("Von Jane Doe, Redakteurin", "Published 12:19"), not a photo
    credit = ", ".join(dict.fromkeys(c for t in credit_texts if (c := clean_credit(t))))
    credit = credit or clean_credit(_data_credit(container))
    if not caption:
        for attr in _DATA_CAPTION:
            if container.get(attr):
                caption = nfkc(container.get(attr, ""))
                break
    shown = caption
    if caption:
        head, tail = split_caption(caption, off=off)
        if tail:
            caption = head
            credit = credit or tail
    if (
        "figure.caption_as_credit" not in off
        and caption
        and not credit
        and looks_like_credit(caption)
        and len(caption.split()) <= 6
    ):
        caption, credit = "", clean_credit(caption)
    if shown and not caption and not _LABELLED_START.match(shown):
        # the whole visible text was taken for a credit by its shape ("Jane Doe/Agency"); an
        # alt text that names the credit with a label ("Photo: X") says it is the caption
        labelled = alt_credit(container, off) if "figure.alt_credit" not in off else ""
        if labelled:
            caption, credit = shown, labelled
    if "figure.structured" not in off:
        caption = caption or _microdata(container, ("caption", "description"))
        credit = credit or clean_credit(
            _microdata(container, ("author", "copyrightHolder", "creditText", "creator"))
        )
        if not credit:
            ld_caption, credit = embedded_image_object(container)
            caption = caption or ld_caption
    if "figure.alt_credit" not in off:
        credit = credit or alt_credit(container, off)
    return {"url": url, "caption": caption.strip(" |\u2013\u2014-"), "credit": credit}


def _other_story(article: HtmlElement, h1: HtmlElement | None) -> bool:
    """An `<article>` that is a story card in a list, or the next story appended below."""
    if h1 is None or h1 in article.iterdescendants():
        return False
    parent = article.getparent()
    if parent is not None and parent.tag == "li":
        return True
    if next(article.iter("h1"), None) is not None:
        return True  # a story with its own headline
    return any(sib.tag == "article" for sib in islice(article.itersiblings(preceding=True), 20))


MIN_TEXT_PARAGRAPHS = 3  # paragraphs of running text: a story, not a card or a sidebar


def _holds_text(el: HtmlElement) -> bool:
    """Whether an element holds the running text itself ("article__teaser" = the preview)."""
    long = (c for c in islice(el, 60) if c.tag == "p" and len(text_of(c)) >= 80)
    return sum(1 for _ in islice(long, MIN_TEXT_PARAGRAPHS)) >= MIN_TEXT_PARAGRAPHS


@lru_cache(maxsize=4096)
def _outside(words: str) -> bool:
    """_OUTSIDE on class words, a slow regex: cached, as a page's figures share ancestors."""
    return _OUTSIDE.search(words) is not None


def excluded(el: HtmlElement, stop: HtmlElement, h1: HtmlElement | None = None) -> bool:
    """Whether a figure sits in navigation, a sidebar, a teaser link or another story."""
    for anc in el.iterancestors():
        if anc is stop:
            return False
        if anc.tag in ("nav", "aside", "footer") or (anc.tag == "a" and navigates(anc)):
            return True
        if (
            _outside(class_words(anc))
            and (h1 is None or h1 not in anc.iterdescendants())
            and not _holds_text(anc)
        ):
            return True  # (a wrapper around the headline or the text is the story's own)
        if anc.tag == "article" and _other_story(anc, h1):
            return True
    return False


_WIDE_RENDITION = re.compile(r"\s(?:[4-9]\d\d|\d{4,})w\b")


def _tiny(img: HtmlElement) -> bool:
    """Icons and avatars: images declared smaller than 100 px, with no wide rendition."""
    if _WIDE_RENDITION.search(img.get("srcset") or img.get("data-srcset") or ""):
        return False  # a placeholder size on a picture offered 1000 px wide
    for attr in ("width", "height"):
        value = (img.get(attr) or "").strip().removesuffix("px")
        if value.isdigit() and 0 < int(value) < 100:
            return True
    return False


def image_container(img: HtmlElement, scope: HtmlElement) -> HtmlElement | None:
    """The nearest ancestor of an image that also holds a short text (its caption/credit)."""
    node = img
    level = 0
    while level < 4:
        parent = node.getparent()
        if parent is not None and parent.tag in ("source", "picture") and parent is not scope:
            node = parent  # libxml2 nests an <img> inside the unclosed <source>s before it
            continue
        level += 1
        if parent is None or parent is scope or parent.tag in ("body", "article", "main"):
            return None
        if sum(1 for _ in islice(parent.iter("img"), 3)) > 2:
            return None
        length = len(_visible_text(parent)) if len(parent) < 40 else 10_000
        if length > 600:
            return None
        if length >= 2:
            return parent
        node = parent
    return None


def _caption_wrapper(fig: HtmlElement, scope: HtmlElement) -> HtmlElement | None:
    """The parent of a caption-less `<figure>` when it also holds the figure's caption."""
    parent = fig.getparent()
    for _ in range(2):  # "<div><div><figure/></div><figcaption/></div>": skip bare wrappers
        if parent is None or parent is scope or len(parent) != 1 or (parent.text or "").strip():
            break
        parent = parent.getparent()
    if parent is None or parent is scope or parent.tag in ("body", "article", "main"):
        return None
    if sum(1 for _ in islice(parent.iter("figure"), 2)) > 1 or len(parent) > 6:
        return None
    others = [
        c
        for c in parent
        if c is not fig
        and fig not in c.iterdescendants()
        and isinstance(c.tag, str)
        and c.tag not in _SKIP_TAGS
    ]
    if not any(
        c.tag == "figcaption"
        or CAPTION_CLASS.search(class_words(c))
        or CREDIT_CLASS.search(class_words(c))
        for c in others
    ):
        return None
    return parent if len(_visible_text(parent)) <= 600 else None


# <figure>s and images, also image web components ("<lazy-image data-src=…>"), in document order
_FIGURE_OR_IMAGE = etree.XPath(
    "descendant::figure | descendant::img[not(ancestor::noscript)] | descendant::amp-img | "
    "descendant::*[contains(local-name(), '-') and @data-src and (contains(local-name(), 'im') "
    "or contains(local-name(), 'pic') or contains(local-name(), 'photo'))]"
)


def _inside(el: HtmlElement, taken: set[HtmlElement]) -> bool:
    # no walk up to the root before the first figure is taken
    return bool(taken) and any(a in taken for a in el.iterancestors())


def figures(
    scope: HtmlElement, base: str, h1: HtmlElement | None = None, off: Off = NONE
) -> list[tuple[HtmlElement, dict[str, str]]]:
    """Figures inside the article scope, in document order, teasers and sidebars left out."""
    out: list[tuple[HtmlElement, dict[str, str]]] = []
    taken: set[HtmlElement] = set()
    for el in islice(_FIGURE_OR_IMAGE(scope), 600):
        if el.tag == "figure":
            container = el
        else:
            if next(el.iterancestors("figure"), None) is not None or _inside(el, taken):
                continue
            container = image_container(el, scope)
            if container is None:
                continue
        if container in taken or _inside(container, taken):
            continue
        if excluded(container, scope, h1) or _outside_own(class_words(container)):
            continue
        if _tiny(el):
            continue
        taken.add(container)
        found = figure(container, base, off)
        if el.tag == "figure" and found and not (found["caption"] or found["credit"]):
            # "<div><figure><img></figure><figcaption>…</figcaption></div>": a wrapper holds both
            wrapper = _caption_wrapper(container, scope)
            if wrapper is not None:
                taken.add(wrapper)
                found = figure(wrapper, base, off) or found
        if found:
            out.append((container, found))
        if len(out) >= MAX_FIGURES:
            break
    return out
