"""Feed exports (`scrapy crawl news -O items.jsonl`): one record per article, as Scrapy users
expect: the article's fields, their per-field provenance and the capture they came from (URL,
fetch time, status, sha256, blob key), never the raw bytes. Pages that are not articles are
archived as usual but not exported.

Registered for every built-in format in settings.FEED_EXPORTERS.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exporters import (
    CsvItemExporter,
    JsonItemExporter,
    JsonLinesItemExporter,
    XmlItemExporter,
)

from archive.model import Capture


def article_record(item: Any) -> dict[str, Any] | None:
    """The feed record of an item: an article's fields with provenance, or None."""
    capture = ItemAdapter(item).item
    if not isinstance(capture, Capture):
        return dict(ItemAdapter(item))
    article = capture.article
    if article is None or not capture.hints.get("is_article", True):
        return None
    return {  # flat, so that CSV gets one column per value too
        **article.to_dict(),
        "site": capture.site,
        "captured_at": capture.fetched_at,
        "capture_url": capture.url,
        "final_url": capture.final_url,
        "status": capture.status,
        "content_type": capture.content_type,
        "crawl_id": capture.crawl_id,
        "sha256": capture.sha256,
        "blob_key": capture.blob_key,
    }


class _Articles:
    def export_item(self, item: Any) -> None:
        record = article_record(item)
        if record is not None:
            super().export_item(record)  # type: ignore[misc]


class ArticleJsonLinesExporter(_Articles, JsonLinesItemExporter):
    pass


class ArticleJsonExporter(_Articles, JsonItemExporter):
    pass


class ArticleCsvExporter(_Articles, CsvItemExporter):
    pass


class ArticleXmlExporter(_Articles, XmlItemExporter):
    pass
