"""Article extraction: a pure, versioned function from HTML to `Article`.

Layers, best evidence first: JSON-LD, microdata, meta tags, trafilatura (body), DOM heuristics
(headline, dek, bylines, figures), then per-site CSS overrides. `Article.provenance` records
which layer gave each field.
"""

from __future__ import annotations

import logging
from itertools import islice

from archive.extract.assemble import assemble
from archive.extract.parse import parse_html
from archive.extract.rules import NONE, RULES, Off, check
from archive.extract.sanitize import sanitize_article
from archive.model import Article

EXTRACTOR_VERSION = "0.12.0"
MIN_ARTICLE_CHARS = 200  # front pages still yield a few words of nav text
# element objects held while a page is extracted (about 70 bytes each), at most: a news page
# has a few thousand elements, a page of a million should not cost 70 MB more
HELD_ELEMENTS = 20_000

__all__ = ["EXTRACTOR_VERSION", "MIN_ARTICLE_CHARS", "RULES", "extract", "is_article"]

logger = logging.getLogger(__name__)


def extract(
    html: str | bytes, url: str, *, overrides: dict[str, str] | None = None, off: Off = NONE
) -> Article:
    """The article in a page. Fields it cannot find are left empty; never raises on bad HTML.

    `off` names rules of `RULES` to leave out, for measuring what each one does.
    """
    article = Article(url=url if isinstance(url, str) else "", extractor_version=EXTRACTOR_VERSION)
    tree = parse_html(html)
    if tree is None:
        return article
    # lxml makes the Python object of an element when code reaches it and frees it when no
    # code holds it: the layers walk the page a dozen times, each walk made a thousand objects
    # again. Held for the page, each element's object is made once: 3% less time a page.
    elements = list(islice(tree.iter(), HELD_ELEMENTS))
    try:
        assemble(tree, article, overrides or {}, check(off))
    except RecursionError:  # absurdly deep markup: keep what was found so far
        logger.warning("markup too deeply nested to extract fully: %s", url)
    del elements
    return sanitize_article(article)  # no control or bidi-override characters in any field


def is_article(article: Article, *, min_chars: int = MIN_ARTICLE_CHARS) -> bool:
    """Whether an extraction looks like an article rather than a front or list page."""
    return bool(article.title) and len(article.body) >= min_chars
