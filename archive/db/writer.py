"""Writing captures, extractions and articles into the archive database, never losing history.

`Archive.ingest` is the one write path used by the crawl, `rebuild` and `reextract`:

- a capture row per fetch (idempotent on url + fetch time + body hash);
- an extraction row per capture and extractor version;
- an article per canonical URL; a changed body or title makes a new `article_versions` row,
  an unchanged re-fetch only moves `last_seen`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from archive.db.dedupe import Deduper, Link, doc_of
from archive.discovery.classify import choose_identity
from archive.discovery.urls import safe_canonical_url
from archive.model import Article, Capture, TextKeys, content_hash, utc_now
from archive.storage import blob_key

GONE_STATUSES = (404, 410)


def article_identity(capture: Capture, article: Article) -> str:
    """The URL an article is stored under (see `archive.discovery.classify.choose_identity`)."""
    fetched = safe_canonical_url(capture.final_url or capture.url)
    canonical = safe_canonical_url(article.canonical_url) if article.canonical_url else ""
    return choose_identity(fetched, canonical)


def _keys(capture: Capture, article: Article) -> TextKeys:
    """The article's content hash and signature: the worker's when it computed them."""
    keys = capture.text_keys
    if keys is not None and article is capture.article:
        return keys
    return TextKeys(content_hash(article))


@dataclass
class IngestResult:
    capture_id: int
    article_id: int | None = None
    outcome: str = ""  # new | changed | unchanged | not_article | gone | error | duplicate
    version: int = 0


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


class IndexWriter:
    """The write side of an archive database."""

    def __init__(self, db: Database, *, dedupe_threshold: float | None = None) -> None:
        self.db = db
        self.dedupe = Deduper(db, threshold=dedupe_threshold)  # lazy: nothing loaded yet

    # -- captures ----------------------------------------------------------------------------
    def add_capture(self, capture: Capture) -> tuple[int, bool]:
        """Insert the capture row; (id, created). An identical fetch already stored is kept."""
        row = self.db.execute(
            "SELECT id FROM captures WHERE url = ? AND fetched_at = ? AND sha256 = ?",
            [capture.url, capture.fetched_at, capture.sha256],
        ).fetchone()
        if row:
            return int(row[0]), False
        cur = self.db.execute(
            """INSERT INTO captures (url, final_url, site, crawl_id, fetched_at, status,
                content_type, headers, hints, sha256, size, blob_key, mirrored)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                capture.url,
                capture.final_url,
                capture.site,
                capture.crawl_id,
                capture.fetched_at,
                capture.status,
                capture.content_type,
                _json(capture.headers),
                _json(capture.hints),
                capture.sha256,
                capture.size,
                capture.blob_key or blob_key(capture.sha256),
                int(capture.mirrored),
            ],
        )
        assert cur.lastrowid is not None
        return cur.lastrowid, True

    def mark_mirrored(self, sha256s: Iterable[str]) -> None:
        with self.db.atomic():
            for sha in sha256s:
                self.db.execute("UPDATE captures SET mirrored = 1 WHERE sha256 = ?", [sha])

    # -- the one write path ------------------------------------------------------------------
    def ingest(
        self, capture: Capture, article: Article | None, *, is_article: bool
    ) -> IngestResult:
        """Store a capture and what was extracted from it, in one transaction."""
        with self.db.atomic():
            capture_id, _ = self.add_capture(capture)
            result = IngestResult(capture_id)
            if capture.status in GONE_STATUSES:
                result.outcome = "gone"
                self._mark_gone(capture, capture_id)
            elif article is None:
                result.outcome = "error" if capture.extract_error else "not_article"
                self._record_extraction(capture_id, None, False, capture.extract_error)
            else:
                extraction_id = self._record_extraction(capture_id, article, is_article, "")
                if not is_article:
                    result.outcome = "not_article"
                else:
                    self._store_article(capture, capture_id, article, extraction_id, result)
            self.db.execute(
                "UPDATE captures SET outcome = ?, article_id = ?, canonical_url = ? WHERE id = ?",
                [
                    result.outcome,
                    result.article_id,
                    article_identity(capture, article) if article else None,
                    capture_id,
                ],
            )
        return result

    def record_reextraction(
        self,
        capture: Capture,
        capture_id: int,
        article_id: int | None,
        article: Article | None,
        *,
        is_article: bool,
        error: str = "",
        version: str,
        replace: bool = False,
    ) -> str:
        """Record a re-extraction of a stored capture (`reextract`); the outcome:
        done (this version was recorded already), error, not_article, new or linked (the
        capture now yields an article it did not before: a new one, or one already stored
        under its canonical URL), updated (the article's current capture: its fields are
        refreshed) or history (an older capture of the article: its version row is refreshed).

        Not a new edit of the page: no version is added, `articles.version` stays; the old
        fields stay in the old extraction rows. `replace` (`reextract --force`): a row of this
        very version is rewritten rather than kept.
        """
        with self.db.atomic():
            if (
                not replace
                and self.db.execute(
                    "SELECT 1 FROM extractions WHERE capture_id = ? AND extractor_version = ?",
                    [capture_id, article.extractor_version if article else version],
                ).fetchone()
            ):
                return "done"
            extraction_id = self._record_extraction(
                capture_id, article, is_article, error, version, replace=replace
            )
            if article is None or not is_article:
                return "error" if error else "not_article"
            if article_id is None:
                result = IngestResult(capture_id)
                self._store_article(capture, capture_id, article, extraction_id, result)
                self.db.execute(
                    "UPDATE captures SET outcome = ?, article_id = ?, canonical_url = ? "
                    "WHERE id = ?",
                    [
                        result.outcome,
                        result.article_id,
                        article_identity(capture, article),
                        capture_id,
                    ],
                )
                return "new" if result.outcome == "new" else "linked"
            keys = _keys(capture, article)
            digest = keys.content_hash
            self.db.execute(
                """UPDATE article_versions SET extraction_id = ?, content_hash = ?, title = ?,
                    subtitle = ?, authors = ?, published = ?, modified = ?, body = ?
                   WHERE article_id = ? AND capture_id = ?""",
                [
                    extraction_id,
                    digest,
                    article.title,
                    article.subtitle,
                    "; ".join(article.authors),
                    article.published,
                    article.modified,
                    article.body,
                    article_id,
                    capture_id,
                ],
            )
            current = self.db.execute(
                "SELECT url, content_hash FROM articles WHERE id = ? AND capture_id = ?",
                [article_id, capture_id],
            ).fetchone()
            if not current:
                return "history"
            fields = self._article_fields(article)
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(
                f"UPDATE articles SET {sets}, content_hash = ?, extraction_id = ? WHERE id = ?",  # noqa: S608
                [*fields.values(), digest, extraction_id, article_id],
            )
            self._replace_people_and_images(article_id, article)
            if current[1] != digest:  # new text: its near-duplicate signature follows
                doc = doc_of(article_id, current[0], capture.site, article)
                self.dedupe.add(doc, keys.signature)
            return "updated"

    def _record_extraction(
        self,
        capture_id: int,
        article: Article | None,
        is_article: bool,
        error: str,
        version: str = "",  # of a failed extraction (a successful one carries its own)
        *,
        replace: bool = False,
    ) -> int:
        version = article.extractor_version if article else version
        fields = article.to_dict() if article else None
        provenance = fields.pop("provenance") if fields else None
        values = [
            utc_now(),
            int(is_article),
            _json(fields) if fields else None,
            _json(provenance) if provenance is not None else None,
            error or None,
            version.partition("+site.")[2] or None,  # the overrides' hash
        ]
        row = self.db.execute(
            "SELECT id FROM extractions WHERE capture_id = ? AND extractor_version = ?",
            [capture_id, version],
        ).fetchone()
        if row:
            if replace:
                self.db.execute(
                    "UPDATE extractions SET extracted_at = ?, is_article = ?, fields = ?, "
                    "provenance = ?, error = ?, overrides_hash = ? WHERE id = ?",
                    [*values, row[0]],
                )
            return int(row[0])
        cur = self.db.execute(
            """INSERT INTO extractions (extracted_at, is_article, fields, provenance, error,
                overrides_hash, capture_id, extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            [*values, capture_id, version],
        )
        assert cur.lastrowid is not None
        return cur.lastrowid

    def _mark_gone(self, capture: Capture, capture_id: int) -> None:
        url = safe_canonical_url(capture.url)
        self.db.execute(
            "UPDATE articles SET gone_at = COALESCE(gone_at, ?) WHERE url = ?",
            [capture.fetched_at, url],
        )

    def _store_article(
        self,
        capture: Capture,
        capture_id: int,
        article: Article,
        extraction_id: int,
        result: IngestResult,
    ) -> None:
        url = article_identity(capture, article)
        keys = _keys(capture, article)
        digest = keys.content_hash
        row = self.db.execute(
            "SELECT id, content_hash, version, last_seen FROM articles WHERE url = ?", [url]
        ).fetchone()
        fields = self._article_fields(article)
        if row is None and self._same_story(capture, url, digest, result):
            return
        if row is None:
            cur = self.db.execute(
                f"""INSERT INTO articles (url, site, first_seen, last_seen, content_hash,
                    version, capture_id, extraction_id, {", ".join(fields)})
                    VALUES (?, ?, ?, ?, ?, 1, ?, ?, {", ".join("?" * len(fields))})""",  # noqa: S608
                [
                    url,
                    capture.site,
                    capture.fetched_at,
                    capture.fetched_at,
                    digest,
                    capture_id,
                    extraction_id,
                    *fields.values(),
                ],
            )
            assert cur.lastrowid is not None
            article_id, version, result.outcome = cur.lastrowid, 1, "new"
        else:
            article_id, old_hash, version, last_seen = row
            if old_hash == digest:
                result.outcome = "unchanged"
                self.db.execute(
                    "UPDATE articles SET last_seen = max(COALESCE(last_seen, ''), ?), "
                    "gone_at = NULL WHERE id = ?",
                    [capture.fetched_at, article_id],
                )
                result.article_id, result.version = article_id, version
                return
            if last_seen and capture.fetched_at < last_seen:
                # an older fetch arriving late (rebuild order): keep it as history only
                result.outcome = "changed"
                result.article_id = article_id
                self._add_version(
                    article_id, None, capture, capture_id, extraction_id, article, digest
                )
                return
            version += 1
            result.outcome = "changed"
            sets = ", ".join(f"{k} = ?" for k in fields)
            self.db.execute(
                f"""UPDATE articles SET {sets}, content_hash = ?, version = ?, last_seen = ?,
                    gone_at = NULL, capture_id = ?, extraction_id = ? WHERE id = ?""",  # noqa: S608
                [
                    *fields.values(),
                    digest,
                    version,
                    capture.fetched_at,
                    capture_id,
                    extraction_id,
                    article_id,
                ],
            )
        result.article_id, result.version = article_id, version
        self._add_version(article_id, version, capture, capture_id, extraction_id, article, digest)
        self._replace_people_and_images(article_id, article)
        self.dedupe.add(doc_of(article_id, url, capture.site, article), keys.signature)

    def _same_story(self, capture: Capture, url: str, digest: str, result: IngestResult) -> bool:
        """Exact copy: the same title and body already archived under another canonical URL
        of the same site is one article; this fetch becomes one more capture of it."""
        if not capture.site:
            return False
        row = self.db.execute(
            "SELECT id, version FROM articles WHERE content_hash = ? AND site = ? AND url != ? "
            "ORDER BY id LIMIT 1",
            [digest, capture.site, url],
        ).fetchone()
        if row is None:
            return False
        result.outcome, (result.article_id, result.version) = "duplicate", row
        self.db.execute(
            "UPDATE articles SET last_seen = max(COALESCE(last_seen, ''), ?) WHERE id = ?",
            [capture.fetched_at, row[0]],
        )
        for referrer in self.dedupe.referrers(url, row[0]):  # copies naming this URL
            self.dedupe.link(row[0], Link(referrer, None, "canonical"))
        return True

    def _add_version(
        self,
        article_id: int,
        version: int | None,
        capture: Capture,
        capture_id: int,
        extraction_id: int,
        article: Article,
        digest: str,
    ) -> None:
        exists = self.db.execute(
            "SELECT 1 FROM article_versions WHERE article_id = ? AND content_hash = ?",
            [article_id, digest],
        ).fetchone()
        if exists:
            return
        if version is None:  # late arrival: number it after the others
            (top,) = self.db.execute(
                "SELECT COALESCE(max(version), 0) FROM article_versions WHERE article_id = ?",
                [article_id],
            ).fetchone()
            version = int(top) + 1
        self.db.execute(
            """INSERT INTO article_versions (article_id, version, capture_id, extraction_id,
                content_hash, title, subtitle, authors, published, modified, body, seen_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                article_id,
                version,
                capture_id,
                extraction_id,
                digest,
                article.title,
                article.subtitle,
                "; ".join(article.authors),
                article.published,
                article.modified,
                article.body,
                capture.fetched_at,
            ],
        )

    @staticmethod
    def _article_fields(article: Article) -> dict[str, Any]:
        lead = article.images[0] if article.images else None
        return {
            "title": article.title,
            "subtitle": article.subtitle,
            "section": article.section,
            "authors": "; ".join(article.authors),
            "published": article.published,
            "modified": article.modified,
            "language": article.language,
            "site_name": article.site_name,
            "body": article.body,
            "tags": _json(article.tags),
            "lead_image_url": lead.url if lead else None,
            "lead_image_caption": lead.caption if lead else None,
            "lead_image_credit": lead.credit if lead else None,
            "extractor_version": article.extractor_version,
        }

    def _replace_people_and_images(self, article_id: int, article: Article) -> None:
        self.db.execute("DELETE FROM article_authors WHERE article_id = ?", [article_id])
        seen: set[str] = set()
        for position, name in enumerate(article.authors):
            if name in seen:
                continue
            seen.add(name)
            self.db.execute("INSERT OR IGNORE INTO authors (name) VALUES (?)", [name])
            (author_id,) = self.db.execute(
                "SELECT id FROM authors WHERE name = ?", [name]
            ).fetchone()
            self.db.execute(
                "INSERT INTO article_authors (article_id, author_id, position) VALUES (?, ?, ?)",
                [article_id, author_id, position],
            )
        self.db.execute("DELETE FROM images WHERE article_id = ?", [article_id])
        for position, image in enumerate(article.images):
            self.db.execute(
                "INSERT INTO images (article_id, position, url, caption, credit) "
                "VALUES (?, ?, ?, ?, ?)",
                [article_id, position, image.url, image.caption, image.credit],
            )
