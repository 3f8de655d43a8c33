"""The archive's own items: a raw `Capture` (one fetch) and the `Article` extracted from it.

Both are plain dataclasses so that Scrapy (through itemadapter), the CLI and a notebook all
handle the same objects.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

# Object metadata keys carried with every blob; `rebuild` needs nothing else.
META_KEYS = ("url", "final_url", "fetched_at", "status", "content_type", "sha256", "site")


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds precision, e.g. 2026-01-02T03:04:05Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_SPACE = re.compile(r"\s+")


def content_hash(article: Article) -> str:
    """A hash of what a reader sees: title and body, Unicode- and whitespace-normalized."""
    text = unicodedata.normalize("NFKC", f"{article.title}\n{article.body}")
    text = _SPACE.sub(" ", text).strip().casefold()
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class TextKeys:
    """What the store derives from an article's text, computed beside the extraction (in the
    worker process) so that the one writer does not have to: the content hash and the
    near-duplicate signature (an `archive.db.dedupe.Signature`)."""

    content_hash: str
    signature: Any = None


@dataclass
class Capture:
    """One HTTP fetch, stored raw before anything else runs."""

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    fetched_at: str = field(default_factory=utc_now)
    site: str = ""
    crawl_id: int | None = None
    # What discovery knew before the fetch (sitemap lastmod, news:publication_date, feed title).
    hints: dict[str, Any] = field(default_factory=dict)
    # Filled by the pipelines as the capture moves on.
    sha256: str = ""
    blob_key: str = ""
    mirrored: bool = False
    article: Article | None = None
    extract_error: str = ""
    text_keys: TextKeys | None = None  # of `article`, set together with it

    def __post_init__(self) -> None:
        if not self.sha256:
            self.sha256 = sha256_hex(self.body)

    @property
    def size(self) -> int:
        return len(self.body)

    def __repr__(self) -> str:
        # never a page body in a log line or a traceback
        return (
            f"Capture(url={self.url!r}, status={self.status}, size={len(self.body)}, "
            f"sha256={self.sha256[:12]!r}, site={self.site!r})"
        )

    def meta(self) -> dict[str, str]:
        """Blob metadata: enough to rebuild the capture row from the blob store alone."""
        return {
            "url": self.url,
            "final_url": self.final_url,
            "fetched_at": self.fetched_at,
            "status": str(self.status),
            "content_type": self.content_type,
            "sha256": self.sha256,
            "site": self.site,
        }


@dataclass
class Image:
    url: str
    caption: str = ""
    credit: str = ""


@dataclass
class Article:
    """The fields extracted from one article page, with per-field provenance."""

    url: str
    canonical_url: str = ""
    title: str = ""
    subtitle: str = ""
    section: str = ""
    authors: list[str] = field(default_factory=list)
    published: str = ""
    modified: str = ""
    language: str = ""
    site_name: str = ""
    body: str = ""
    tags: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    extractor_version: str = ""
    # field name -> layer that supplied it ("jsonld", "meta", "trafilatura", "dom", "site")
    provenance: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:
        return f"Article(url={self.url!r}, title={self.title[:80]!r}, body={len(self.body)} chars)"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = set(cls.__dataclass_fields__)
        values = {k: v for k, v in data.items() if k in known}
        values["images"] = [
            img if isinstance(img, Image) else Image(**img) for img in values.get("images", [])
        ]
        return cls(**values)

    @property
    def identity(self) -> str:
        """The URL this article is known by: its canonical URL, else the fetched URL."""
        return self.canonical_url or self.url
