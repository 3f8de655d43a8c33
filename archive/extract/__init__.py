"""Article extraction: a pure, versioned function from HTML to `Article`."""

from __future__ import annotations

from trafilatura import bare_extraction
from trafilatura.settings import Document

from archive.model import Article

EXTRACTOR_VERSION = "0.1.0"
MIN_ARTICLE_CHARS = 200  # front pages still yield a few words of nav text


def extract(html: str | bytes, url: str, *, overrides: dict[str, str] | None = None) -> Article:
    """The article in a page. Fields it cannot find are left empty; never raises on bad HTML."""
    doc = bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    article = Article(url=url, extractor_version=EXTRACTOR_VERSION)
    if not isinstance(doc, Document):
        return article
    article.title = doc.title or ""
    article.authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
    article.published = doc.date or ""
    article.body = doc.text or ""
    article.canonical_url = doc.url or ""
    article.language = doc.language or ""
    article.site_name = doc.sitename or ""
    article.subtitle = doc.description or ""
    article.tags = [t for t in (doc.tags or []) if t]
    return article


def is_article(article: Article, *, min_chars: int = MIN_ARTICLE_CHARS) -> bool:
    """Whether an extraction looks like an article rather than a front or list page."""
    return bool(article.title) and len(article.body) >= min_chars
