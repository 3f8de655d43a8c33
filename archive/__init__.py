"""newsarchive's core: a Scrapy-free library to open, query and re-extract a news archive.

    >>> import archive
    >>> db = archive.open_db("data", create=False)
    >>> hits = archive.search(db, "seawall")
    >>> article = archive.extract(html, "https://news.example/story")

Names are imported on first use, so `import archive` stays cheap (the extractor pulls in
trafilatura, the store boto3).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "archive.model",
    "Capture": "archive.model",
    "Image": "archive.model",
    "NewsarchiveError": "archive.errors",
    "open_db": "archive.db.connection",
    "data_dir": "archive.db.connection",
    "IndexWriter": "archive.db.writer",
    "SearchFilters": "archive.db.search",
    "search": "archive.db.search",
    "find_article": "archive.db.search",
    "extract": "archive.extract",
    "EXTRACTOR_VERSION": "archive.extract",
    "open_blob_store": "archive.storage",
    "load_sites": "archive.sites",
    "reextract": "archive.jobs.reextract",
    "rebuild": "archive.jobs.rebuild",
    "export_articles": "archive.research.export",
}
__all__ = [
    "EXTRACTOR_VERSION",
    "Article",
    "Capture",
    "Image",
    "IndexWriter",
    "NewsarchiveError",
    "SearchFilters",
    "__version__",
    "data_dir",
    "export_articles",
    "extract",
    "find_article",
    "load_sites",
    "open_blob_store",
    "open_db",
    "rebuild",
    "reextract",
    "search",
]

if TYPE_CHECKING:
    from archive.db.connection import data_dir, open_db
    from archive.db.search import SearchFilters, find_article, search
    from archive.db.writer import IndexWriter
    from archive.errors import NewsarchiveError
    from archive.extract import EXTRACTOR_VERSION, extract
    from archive.jobs.rebuild import rebuild
    from archive.jobs.reextract import reextract
    from archive.model import Article, Capture, Image
    from archive.research.export import export_articles
    from archive.sites import load_sites
    from archive.storage import open_blob_store


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'archive' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
