"""Near-duplicate detection: MinHash signatures, LSH bands in SQLite, clusters of copies.

Syndicated copies stay separate articles; they are linked (`clusters` rows: the later article,
the earlier one, the similarity and the reason) and share `articles.cluster_id` (the smallest
article id of the group; a story without copies has its own id).

Signals, strongest first:

- a cross-domain `rel=canonical` (the copy names its original): linked even without any text
  similarity, in whichever order the two arrive (`canonical_refs` remembers the pointer);
- the body: MinHash over word 5-gram shingles (datasketch's scheme and values, computed by
  `archive.db.minhash` next to the extraction, in the worker). Copies are compared by their
  estimated overlap (shared shingles / shingles of the shorter text, from the MinHash Jaccard and
  the set sizes), because extraction of a copy in another site's chrome often keeps the whole
  story plus some of that chrome: Jaccard falls to 0.2-0.5 while the overlap stays above 0.85;
- the title: the same headline (every word of the shorter one in the other, five words or
  more) on another site within a few days of publication, for copies whose body came out of
  extraction mangled. (A headline that differs in one word is another story: newsweb has
  such pairs, and they merged distinct originals at a looser rule.)

Two articles of one site are linked only when body (Jaccard) and title agree: a site's
templates leak the same chrome text into the bodies of distinct stories.

Why not `datasketch.MinHashLSH`: its storage is an in-memory dict, Redis or Cassandra. In memory
means loading every signature at start (not lazy, O(N) memory); Redis/Cassandra need a server,
and the archive's default is embedded. So the signatures are datasketch `MinHash` values
(`archive.db.minhash` computes the same numbers without importing datasketch and scipy), bands x
rows are what `datasketch.lsh._optimal_param` picks (the same false-positive/negative trade
MinHashLSH makes), and the bands live in SQLite: `minhash_bands` has the primary key
(band, hash, article_id) in a WITHOUT ROWID table, so a query is one B-tree probe per band
(O(log N), nothing loaded up front) and the index commits in the same transaction as the
article.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from sqlite_utils import Database

from archive.db import minhash
from archive.discovery.urls import host_of, safe_canonical_url

log = logging.getLogger(__name__)

# Body overlap of copies on two sites (Jaccard for two pages of one site). Measured on newsweb
# (tests/dedupe_eval.py): distinct stories reach 0.32, copies 0.54-1.0 (most above 0.78);
# 0.6 keeps a wide margin on the side of precision, headline and canonical catch the rest.
DEFAULT_THRESHOLD = 0.6
NUM_PERM = 128
TITLE_PERM = 32
SEED = 1
SHINGLE_WORDS = 5
# Bands are tuned to find candidates down to this Jaccard: a copy that is 90% contained in a
# text 3x its size has a Jaccard near 0.25. Candidates are then checked against the threshold.
CANDIDATE_JACCARD = 0.25
TITLE_CANDIDATE_JACCARD = 0.5
# (bands, rows) that datasketch's `lsh._optimal_param(threshold, num_perm, 0.3, 0.7)` picks for
# the two thresholds above: the false-positive/negative trade MinHashLSH makes. Written out
# because computing them imports scipy (1 s of CPU); tests/test_dedupe.py recomputes them.
DEFAULT_BANDS = (28, 2)
DEFAULT_TITLE_BANDS = (10, 3)
MIN_SHINGLES = 30  # shorter bodies get no body signature (too little text to compare)
# The overlap estimate scales the Jaccard estimate by the size ratio: below this Jaccard its
# noise (about 0.015 at J=0.03 with 128 permutations) times a 40x ratio reads as "contained".
MIN_JACCARD = 0.15
MIN_TITLE_WORDS = 5
TITLE_AGREE = 0.8  # two pages of one site: their headlines share this much
WINDOW_DAYS = 3  # a headline match links copies published within this many days
TITLE_BODY_OVERLAP = 0.5  # ... or sharing half their text (the copy's date was misread)
MAX_CANDIDATES = 200  # a bucket shared by thousands of pages is boilerplate, not a story
TITLE_BAND_OFFSET = 1000
THRESHOLD_ENV = "NEWSARCHIVE_DEDUPE_THRESHOLD"

_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|[^\W_]+")


def threshold_from_env(value: float | None = None) -> float:
    """The similarity threshold: the argument, else NEWSARCHIVE_DEDUPE_THRESHOLD, else 0.6."""
    if value is None:
        raw = os.environ.get(THRESHOLD_ENV, "").strip()
        if not raw:
            return DEFAULT_THRESHOLD
        try:
            value = float(raw)
        except ValueError:
            raise ValueError(
                f"{THRESHOLD_ENV}={raw!r} is not a number: use a similarity in (0, 1], "
                f"e.g. {DEFAULT_THRESHOLD}"
            ) from None
    if not 0 < value <= 1:
        raise ValueError(f"Dedupe threshold {value} is out of range: use a number in (0, 1]")
    return value


def words(text: str) -> list[str]:
    """Casefolded word tokens; each CJK character is a token of its own."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def shingles(text: str, k: int = SHINGLE_WORDS) -> set[str]:
    tokens = words(text)
    if len(tokens) <= k:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i : i + k]) for i in range(len(tokens) - k + 1)}


def signature(items: Iterable[str], num_perm: int = NUM_PERM, seed: int = SEED) -> np.ndarray:
    """MinHash values (uint32) of a set of strings: datasketch's, without importing it."""
    return minhash.signature(items, num_perm, seed)


def band_hashes(sig: np.ndarray, bands: int, rows: int, offset: int = 0) -> list[tuple[int, int]]:
    """(band, 63-bit hash of the band's rows) for each LSH band of a signature."""
    out = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        out.append((offset + band, int.from_bytes(digest, "big", signed=True)))
    return out


@dataclass(frozen=True)
class LshParams:
    bands: int
    rows: int
    title_bands: int
    title_rows: int

    @classmethod
    def default(cls) -> LshParams:
        return cls(*DEFAULT_BANDS, *DEFAULT_TITLE_BANDS)

    def key(self) -> str:
        return (
            f"num_perm={NUM_PERM} seed={SEED} k={SHINGLE_WORDS} bands={self.bands}x{self.rows} "
            f"title={TITLE_PERM}:{self.title_bands}x{self.title_rows}"
        )


@dataclass
class Doc:
    """What dedupe needs of an article."""

    article_id: int
    url: str
    site: str
    title: str
    body: str
    published: str = ""
    canonical: str = ""  # a rel=canonical pointing to another host, else ""


@dataclass
class Signature:
    body: np.ndarray | None
    shingle_count: int
    title_key: str

    @classmethod
    def of(cls, doc: Doc) -> Signature:
        return cls.of_text(doc.title, doc.body)

    @classmethod
    def of_text(cls, title: str, body: str) -> Signature:
        shingled = shingles(body)
        sig = signature(shingled) if len(shingled) >= MIN_SHINGLES else None
        return cls(sig, len(shingled), " ".join(words(title)))

    def band_rows(self, article_id: int, params: LshParams) -> list[tuple[int, int, int]]:
        rows: list[tuple[int, int]] = []
        if self.body is not None:
            rows += band_hashes(self.body, params.bands, params.rows)
        title = set(self.title_key.split())
        if len(title) >= MIN_TITLE_WORDS:
            title_sig = signature(title, TITLE_PERM)
            rows += band_hashes(title_sig, params.title_bands, params.title_rows, TITLE_BAND_OFFSET)
        return [(band, value, article_id) for band, value in rows]


@dataclass
class Link:
    other_id: int
    similarity: float | None
    reason: str  # minhash | title | canonical


def _day(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat((value or "")[:10])
    except ValueError:
        return None


def title_overlap(a: str, b: str) -> float:
    """Shared words / words of the shorter title (0 for titles under five words)."""
    wa, wb = set(a.split()), set(b.split())
    if min(len(wa), len(wb)) < MIN_TITLE_WORDS:
        return 1.0 if a and a == b else 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def body_similarity(a: np.ndarray, na: int, b: np.ndarray, nb: int) -> tuple[float, float]:
    """(Jaccard, overlap) estimated from two MinHash signatures and their set sizes."""
    jaccard = float(np.count_nonzero(a == b)) / len(a)  # the MinHash Jaccard estimator
    shared = jaccard * (na + nb) / (1 + jaccard)
    return jaccard, min(1.0, shared / max(min(na, nb), 1))


class Deduper:
    """Links near-duplicate articles as they are ingested; state lives in the database."""

    def __init__(self, db: Database, *, threshold: float | None = None) -> None:
        self.db = db
        self.threshold = threshold_from_env(threshold)
        self._params: LshParams | None = None

    @property
    def params(self) -> LshParams:
        """Loaded on first use; bands written with other parameters are rebuilt once."""
        if self._params is None:
            params = LshParams.default()
            row = self.db.execute("SELECT value FROM dedupe_params WHERE name = 'lsh'").fetchone()
            if row is None or row[0] != params.key():
                if row is not None:
                    log.info(
                        "LSH parameters changed (%s -> %s): rebuilding bands", row[0], params.key()
                    )
                self._rebuild_bands(params)
                self.db.execute(
                    "INSERT OR REPLACE INTO dedupe_params (name, value) VALUES ('lsh', ?)",
                    [params.key()],
                )
            self._params = params
        return self._params

    def _rebuild_bands(self, params: LshParams) -> None:
        self.db.execute("DELETE FROM minhash_bands")
        rows = self.db.execute(
            "SELECT article_id, body, shingles, title_key FROM minhash_signatures"
        ).fetchall()
        for article_id, body, count, title_key in rows:
            sig = Signature(_unpack(body), count, title_key or "")
            self._insert_bands(sig.band_rows(article_id, params))

    def _insert_bands(self, rows: list[tuple[int, int, int]]) -> None:
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO minhash_bands (band, hash, article_id) VALUES (?, ?, ?)", rows
        )

    # -- the write path ------------------------------------------------------------------------
    def add(self, doc: Doc, sig: Signature | None = None) -> list[Link]:
        """Index an article (new or changed) and link it to the copies already archived;
        `sig` is its signature when the extraction worker computed it already."""
        params = self.params
        if sig is None:
            sig = Signature.of(doc)
        old = self.db.execute(
            "SELECT body, shingles, title_key FROM minhash_signatures WHERE article_id = ?",
            [doc.article_id],
        ).fetchone()
        if old is not None:  # a new version: its old bands go
            stale = Signature(_unpack(old[0]), old[1], old[2] or "")
            self.db.conn.executemany(
                "DELETE FROM minhash_bands WHERE band = ? AND hash = ? AND article_id = ?",
                stale.band_rows(doc.article_id, params),
            )
        bands = sig.band_rows(doc.article_id, params)
        links = self._verify(doc, sig, self._candidates(doc.article_id, bands))
        links += self._canonical_links(doc)
        self.db.execute(
            """INSERT OR REPLACE INTO minhash_signatures
               (article_id, body, shingles, title_key, site, published) VALUES (?, ?, ?, ?, ?, ?)""",
            [
                doc.article_id,
                _pack(sig.body),
                sig.shingle_count,
                sig.title_key,
                doc.site,
                (doc.published or "")[:10],
            ],
        )
        self._insert_bands(bands)
        self.db.execute(
            "UPDATE articles SET cluster_id = id WHERE id = ? AND cluster_id IS NULL",
            [doc.article_id],
        )
        for link in links:
            self.link(doc.article_id, link)
        return links

    def _candidates(self, article_id: int, bands: list[tuple[int, int, int]]) -> list[int]:
        if not bands:
            return []
        probe = " UNION ".join(
            ["SELECT article_id FROM minhash_bands WHERE band = ? AND hash = ?"] * len(bands)
        )
        params: list[int] = [v for band, value, _ in bands for v in (band, value)]
        rows = self.db.execute(
            f"SELECT article_id FROM ({probe}) WHERE article_id != ? LIMIT ?",  # noqa: S608
            [*params, article_id, MAX_CANDIDATES],
        ).fetchall()
        return [r[0] for r in rows]

    def _verify(self, doc: Doc, sig: Signature, candidates: list[int]) -> list[Link]:
        if not candidates:
            return []
        marks = ",".join("?" * len(candidates))
        rows = self.db.execute(
            f"""SELECT article_id, body, shingles, title_key, site, published
                FROM minhash_signatures WHERE article_id IN ({marks})""",  # noqa: S608
            candidates,
        ).fetchall()
        day = _day(doc.published)
        links = []
        for other_id, body, count, title_key, site, published in rows:
            jaccard = overlap = 0.0
            other = _unpack(body)
            if sig.body is not None and other is not None:
                jaccard, overlap = body_similarity(sig.body, sig.shingle_count, other, count)
            titles = title_overlap(sig.title_key, title_key or "")
            if site == doc.site:
                if jaccard >= self.threshold and titles >= TITLE_AGREE:
                    links.append(Link(other_id, round(jaccard, 3), "minhash"))
            elif overlap >= self.threshold and jaccard >= MIN_JACCARD:
                links.append(Link(other_id, round(overlap, 3), "minhash"))
            elif titles >= 1.0:
                other_day = _day(published)
                near = (
                    day is None or other_day is None or abs((day - other_day).days) <= WINDOW_DAYS
                )
                if near or (overlap >= TITLE_BODY_OVERLAP and jaccard >= MIN_JACCARD):
                    links.append(Link(other_id, round(overlap, 3), "title"))
        return links

    def _canonical_links(self, doc: Doc) -> list[Link]:
        """Cross-domain rel=canonical, both ways: this copy names an archived original, or
        copies archived earlier named this article."""
        links = [Link(i, None, "canonical") for i in self.referrers(doc.url, doc.article_id)]
        if doc.canonical:
            self.db.execute(
                "INSERT OR IGNORE INTO canonical_refs (url, article_id) VALUES (?, ?)",
                [doc.canonical, doc.article_id],
            )
            row = self.db.execute(
                "SELECT id FROM articles WHERE url = ? UNION ALL "
                "SELECT article_id FROM captures WHERE canonical_url = ? "
                "AND article_id IS NOT NULL LIMIT 1",
                [doc.canonical, doc.canonical],
            ).fetchone()
            if row and row[0] != doc.article_id:
                links.append(Link(row[0], None, "canonical"))
        return links

    def referrers(self, url: str, article_id: int) -> list[int]:
        rows = self.db.execute(
            "SELECT article_id FROM canonical_refs WHERE url = ? AND article_id != ?",
            [url, article_id],
        ).fetchall()
        return [r[0] for r in rows]

    def link(self, article_id: int, link: Link) -> None:
        """Record the pair (later id, earlier id) and put both in one cluster."""
        late, early = max(article_id, link.other_id), min(article_id, link.other_id)
        self.db.execute(
            """INSERT INTO clusters (article_id, member_id, similarity, reason)
               VALUES (?, ?, ?, ?) ON CONFLICT (article_id, member_id) DO UPDATE SET
               similarity = COALESCE(excluded.similarity, similarity),
               reason = CASE WHEN instr(',' || reason || ',', ',' || excluded.reason || ',')
                        THEN reason ELSE reason || ',' || excluded.reason END""",
            [late, early, link.similarity, link.reason],
        )
        rows = self.db.execute(
            "SELECT COALESCE(cluster_id, id) FROM articles WHERE id IN (?, ?)", [late, early]
        ).fetchall()
        clusters = {r[0] for r in rows} | {early}
        keep = min(clusters)
        marks = ",".join("?" * len(clusters))
        self.db.execute(
            f"UPDATE articles SET cluster_id = ? WHERE id IN (?, ?) "  # noqa: S608
            f"OR cluster_id IN ({marks})",
            [keep, late, early, *clusters],
        )


def _pack(sig: np.ndarray | None) -> bytes | None:
    return None if sig is None else sig.astype("<u4").tobytes()


def _unpack(blob: bytes | None) -> np.ndarray | None:
    return None if blob is None else np.frombuffer(blob, dtype="<u4")


def cross_host(url: str, canonical: str | None) -> str:
    """The rel=canonical if it names another host (a syndication pointer), else ""."""
    canonical = safe_canonical_url(canonical) if canonical else ""
    return canonical if canonical and host_of(canonical) != host_of(url) else ""


def doc_of(article_id: int, url: str, site: str, article: Any) -> Doc:
    """A `Doc` from an `archive.model.Article` stored under `url`."""
    return Doc(
        article_id,
        url,
        site or "",
        article.title or "",
        article.body or "",
        article.published or "",
        cross_host(url, article.canonical_url),
    )


def backfill(db: Database, threshold: float | None = None) -> int:
    """Index the articles archived before dedupe existed (oldest first); returns how many."""
    deduper = Deduper(db, threshold=threshold)
    rows = db.execute(
        """SELECT a.id, a.url, a.site, a.title, a.body, a.published,
                  json_extract(e.fields, '$.canonical_url')
           FROM articles a LEFT JOIN extractions e ON e.id = a.extraction_id
           WHERE a.id NOT IN (SELECT article_id FROM minhash_signatures) ORDER BY a.id"""
    ).fetchall()
    for article_id, url, site, title, body, published, canonical in rows:
        doc = Doc(article_id, url, site or "", title or "", body or "", published or "")
        doc.canonical = cross_host(url, canonical)
        deduper.add(doc)
    return len(rows)
