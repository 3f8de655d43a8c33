"""Per-site overrides: CSS selectors from the site config, applied after the generic layers."""

from __future__ import annotations

import logging
from itertools import islice

from lxml.etree import XPath
from lxml.html import HtmlElement

from archive.extract.bylines import split_names
from archive.extract.dates import normalize_date
from archive.extract.figures.credits import clean_credit
from archive.extract.figures.images import figure
from archive.extract.figures.imgsrc import image_url
from archive.extract.text import nfkc, text_of
from archive.model import Article, Image

logger = logging.getLogger(__name__)

TEXT_FIELDS = ("title", "subtitle", "section", "language", "site_name", "canonical_url")
DATE_FIELDS = ("published", "modified")


def _select(tree: HtmlElement, selector: str) -> list[HtmlElement]:
    try:
        from lxml.cssselect import CSSSelector  # cssselect is a Scrapy/parsel dependency

        xpath = XPath(CSSSelector(selector).path)
    except Exception:  # noqa: BLE001 - a bad selector in a site config must not break extraction
        logger.warning("ignoring invalid override selector %r: fix it in the site config", selector)
        return []
    found = xpath(tree)
    return [el for el in found if isinstance(el, HtmlElement)] if isinstance(found, list) else []


def _value(el: HtmlElement) -> str:
    return nfkc(el.get("content") or el.get("datetime") or text_of(el))


def apply_overrides(
    tree: HtmlElement, article: Article, overrides: dict[str, str], base: str
) -> None:
    """Replace fields with what the site's selectors find; a selector that finds nothing
    leaves the generic value in place."""
    for name, selector in overrides.items():
        if not isinstance(selector, str) or not selector.strip():
            continue
        found = _select(tree, selector)[:50]
        if not found:
            continue
        value: str | list[str] | list[Image]
        if name in TEXT_FIELDS:
            value = _value(found[0])
        elif name in DATE_FIELDS:
            value = normalize_date(_value(found[0]))
        elif name == "authors":
            value = list(
                dict.fromkeys(n for el in found for n in split_names(_value(el), trusted=True))
            )
        elif name == "tags":
            value = list(dict.fromkeys(v for el in found if (v := _value(el))))
        elif name == "body":
            value = "\n\n".join(v for el in found if (v := text_of(el)))
        elif name == "images":
            value = [Image(**fig) for el in found if (fig := figure(el, base))]
        elif name in ("caption", "credit"):
            _image_parts(article, name, found, base)
            continue
        else:
            logger.warning("unknown override field %r: use one of the Article fields", name)
            continue
        if value:
            setattr(article, name, value)
            article.provenance[name] = "site"


def _image_parts(article: Article, name: str, found: list[HtmlElement], base: str) -> None:
    """Captions or credits found by a site selector, each given to the image next to it."""
    for el in found:
        text = clean_credit(text_of(el)) if name == "credit" else nfkc(text_of(el))
        if not text:
            continue
        url = ""
        for anc in islice(el.iterancestors(), 5):
            url = image_url(anc, base)
            if url:
                break
        image = next((i for i in article.images if url and i.url == url), None)
        if image is None:
            image = next((i for i in article.images if not getattr(i, name)), None)
        if image is None and url:
            image = Image(url=url)
            article.images.append(image)
        if image is not None:
            setattr(image, name, text)
            article.provenance["images"] = "site"
