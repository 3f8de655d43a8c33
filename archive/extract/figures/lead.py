"""The lead picture when it sits outside the article scope (above the headline, in a hero
band): found by the URL the page's metadata gives for it, then read like any figure."""

from __future__ import annotations

from itertools import islice
from urllib.parse import urljoin

from lxml.html import HtmlElement

from archive.extract.figures.cards import navigates
from archive.extract.figures.images import alt_credit, figure, image_container
from archive.extract.figures.imgsrc import picture_key, srcset_urls
from archive.extract.rules import NONE, Off

MAX_IMAGES = 300  # the lead picture comes early; a long page's tail holds only teasers


def url_key(url: str, base: str) -> str:
    """An image URL without query, fragment or trailing slash: renditions often differ there."""
    try:
        url = urljoin(base, url.strip())
    except ValueError:
        return ""
    return url.split("#")[0].split("?")[0].rstrip("/")


def _picture(img: HtmlElement) -> HtmlElement | None:
    # libxml2 nests an <img> inside the unclosed <source>s before it
    return next((a for a in islice(img.iterancestors(), 4) if a.tag == "picture"), None)


def _keys(img: HtmlElement, base: str) -> set[str]:
    values = [img.get(a) or "" for a in ("src", "data-src", "data-lazy-src", "data-original")]
    for attr in ("srcset", "data-srcset"):
        values.extend(srcset_urls(img.get(attr) or ""))
    picture = _picture(img)
    if picture is not None:
        for source in islice(picture.iter("source"), 8):
            values.extend(srcset_urls(source.get("srcset") or source.get("data-srcset") or ""))
    return {url_key(v, base) for v in values if v and not v.startswith("data:")}


def shown_img(tree: HtmlElement, lead_url: str, base: str) -> HtmlElement | None:
    """The first `<img>` of the page that shows the picture of `lead_url`, in any rendition."""
    key = url_key(lead_url, base)
    picture = picture_key(key)
    if not key or not picture:
        return None
    name = picture.rsplit("/", 1)[-1]  # a cheap test before parsing
    for img in islice(tree.iter("img"), MAX_IMAGES):
        raw = " ".join(str(v) for v in img.values())
        frame = _picture(img)
        if frame is not None:
            raw += " ".join(str(s.get("srcset")) for s in islice(frame.iter("source"), 8))
        if name not in raw.lower():
            continue
        keys = _keys(img, base)
        if key in keys or picture in {picture_key(k) for k in keys}:
            return img
    return None


def lead_figure(
    tree: HtmlElement,
    scope: HtmlElement,
    lead_url: str,
    base: str,
    h1: HtmlElement | None,
    off: Off = NONE,
    img: HtmlElement | None = None,
) -> dict[str, str] | None:
    """Caption and credit of the `<img>` that shows `lead_url` (or of `img`), if any."""
    img = img if img is not None else shown_img(tree, lead_url, base)
    if img is None:
        return None
    container = image_container(img, tree)
    if container is not None and _furniture(container):
        return None
    found = figure(container, base, off) if container is not None else None
    if found and (found["caption"] or found["credit"]):
        return found
    credit = alt_credit(img, off)  # a bare hero picture: "A meteorite © NDR Foto: Jane Doe"
    return {"url": lead_url, "caption": "", "credit": credit} if credit else None


def _furniture(container: HtmlElement) -> bool:
    """Whether the lead picture's copy sits in navigation, a footer or a link to another page.

    Class names are not trusted here: the page's metadata names this picture as its own, so a
    layout class such as "ps-sidebar" around it does not make it another story's.
    """
    return any(
        a.tag in ("nav", "footer") or (a.tag == "a" and navigates(a))
        for a in [container, *container.iterancestors()]
    )
