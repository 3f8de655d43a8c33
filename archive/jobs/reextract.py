"""Re-running the current extractor on the raw captures of an archive (`newsarchive reextract`).

Which captures: every status-200 capture without an extraction row for the current
`EXTRACTOR_VERSION` (optionally only some sites, fetch days, or captures whose newest
extraction is older than a given version). The extraction rows are the checkpoint: a run
killed midway leaves committed batches behind, and the next run selects only the rest; a
second run with the same extractor version selects nothing.

How fast: bodies are read from the blob store by a thread pool ahead of the workers
(`extract_stream`), extracted in spawned worker processes, and written by this thread in
batched transactions. At most `window` captures are in flight, so memory stays flat whatever
the archive's size. A body stored under several captures (an unchanged re-fetch of one URL)
is extracted once.

What a re-extraction changes (see `Archive.record_reextraction`): a new `extractions` row per
capture, never an overwritten one. It is not a new edit of the page, so no article version is
added and `articles.version` stays: the article's current fields, content hash and
authors/images are refreshed from its current capture, and each `article_versions` row is
refreshed from its own capture. The old text stays in the old extraction rows.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlite_utils import Database

import archive.extract as extractor
from archive.db.connection import write_transaction
from archive.db.writer import IndexWriter
from archive.jobs.pool import WINDOW_PER_WORKER, Done, Job, extract_stream, open_pool
from archive.jobs.worker import Extracted, effective_version
from archive.model import Article, Capture
from archive.storage import BlobStore

log = logging.getLogger(__name__)
T = TypeVar("T")

BATCH = 64  # captures per transaction
BATCH_SECONDS = 1.0  # ... or this long, whichever comes first
PAGE = 512  # capture rows read per query
EXAMPLES = 3  # examples per changed field in the summary
DIFF_FIELDS = (
    "is_article",
    "title",
    "subtitle",
    "section",
    "authors",
    "published",
    "modified",
    "language",
    "site_name",
    "canonical_url",
    "body",
    "tags",
    "images",
)


# -- selecting captures ------------------------------------------------------------------------
def version_key(version: str) -> tuple[int, ...]:
    """'0.10.2' -> (0, 10, 2); anything unparsable (an error row's '') sorts first. A local
    label ('+site.HASH': the site overrides it ran with) does not count."""
    return tuple(int(n) for n in re.findall(r"\d+", (version or "").split("+")[0]))


@dataclass
class Selection:
    """Which captures to re-extract. Dates are YYYY-MM-DD (or ISO times) of the fetch;
    `until` includes its day."""

    sites: list[str] = field(default_factory=list)
    since: str = ""
    until: str = ""
    older_than: str = ""  # only captures with no extraction at this version or newer
    # site -> the version its extractions are recorded under (with its overrides' hash)
    versions: dict[str, str] = field(default_factory=dict)
    force: bool = False  # also captures already extracted so

    def where(self, db: Database, version: str) -> tuple[str, list[Any]]:
        clauses = ["c.status = 200"]
        args: list[Any] = []
        if not self.force:  # already extracted: by this version, with the overrides in force
            cases = " ".join("WHEN ? THEN ?" for _ in self.versions)
            wanted = f"CASE c.site {cases} ELSE ? END" if self.versions else "?"
            done = "NOT EXISTS (SELECT 1 FROM extractions e WHERE e.capture_id = c.id AND "
            clauses.append(f"{done}e.extractor_version = {wanted})")  # values bound
            args += [v for pair in self.versions.items() for v in pair] + [version]
        if self.sites:
            clauses.append(f"c.site IN ({', '.join('?' * len(self.sites))})")
            args += self.sites
        if self.since:
            clauses.append("c.fetched_at >= ?")
            args.append(self.since)
        if self.until:
            clauses.append("c.fetched_at <= ?")
            args.append(self.until + ("T99" if len(self.until) == 10 else ""))
        if self.older_than:
            versions = [
                row[0] for row in db.execute("SELECT DISTINCT extractor_version FROM extractions")
            ]
            newer = [v for v in versions if version_key(v) >= version_key(self.older_than)]
            if newer:
                marks = ", ".join("?" * len(newer))
                newer_sql = "NOT EXISTS (SELECT 1 FROM extractions e2 WHERE e2.capture_id = c.id "
                clauses.append(newer_sql + f"AND e2.extractor_version IN ({marks}))")
                args += newer
        return " AND ".join(clauses), args


_COLUMNS = (
    "c.id, c.url, c.final_url, c.status, c.content_type, c.fetched_at, c.site, c.sha256, "
    "c.article_id"
)


def count_selected(db: Database, selection: Selection, version: str = "") -> int:
    where, args = selection.where(db, version or extractor.EXTRACTOR_VERSION)
    (count,) = db.execute(f"SELECT count(*) FROM captures c WHERE {where}", args).fetchone()  # noqa: S608
    return int(count)


def _capture_pages(
    db: Database, selection: Selection, version: str
) -> Iterator[list[tuple[Any, ...]]]:
    """The selected capture rows in id (= fetch) order, a page at a time (keyset on id, so rows
    written meanwhile never shift the pages)."""
    where, args = selection.where(db, version)
    last = 0
    while True:
        rows = db.execute(
            f"SELECT {_COLUMNS} FROM captures c WHERE {where} AND c.id > ? "  # noqa: S608
            "ORDER BY c.id LIMIT ?",
            [*args, last, PAGE],
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


@dataclass
class Row:
    """A selected capture: its row id, the article it belongs to, and the capture itself."""

    capture_id: int
    article_id: int | None
    capture: Capture


def site_versions(version: str, overrides: dict[str, dict[str, str]]) -> dict[str, str]:
    """Per site with overrides, the version its extractions are recorded under."""
    return {site: effective_version(version, found) for site, found in overrides.items() if found}


def _jobs(
    db: Database, selection: Selection, version: str, overrides: dict[str, dict[str, str]]
) -> Iterator[Job[list[Row]]]:
    for page in _capture_pages(db, selection, version):
        groups: dict[tuple[str, str, str, str], list[Row]] = {}
        for cid, url, final, status, ctype, fetched, site, sha, article_id in page:
            capture = Capture(
                url=url,
                final_url=final,
                status=status,
                body=b"",
                content_type=ctype or "",
                fetched_at=fetched,
                site=site or "",
                sha256=sha,
            )
            key = (sha, final, ctype or "", site or "")
            groups.setdefault(key, []).append(Row(cid, article_id, capture))
        for (sha, final, ctype, site), rows in groups.items():
            yield Job(rows, sha, final, ctype, overrides.get(site))


def site_overrides(db: Database) -> dict[str, dict[str, str]]:
    """Per-site extractor selectors, as the crawl registered them in the sites table."""
    out: dict[str, dict[str, str]] = {}
    for name, config in db.execute("SELECT name, config FROM sites"):
        try:
            found = json.loads(config or "{}").get("overrides") or {}
        except (ValueError, AttributeError):
            continue
        if found:
            out[name] = dict(found)
    return out


# -- the report --------------------------------------------------------------------------------
@dataclass
class ReextractReport:
    version: str = field(default_factory=lambda: extractor.EXTRACTOR_VERSION)
    selected: int = 0  # captures selected at the start
    extracted: int = 0  # bodies extracted (a body shared by captures counts once)
    captures: int = 0  # captures given an extraction row now
    outcomes: Counter[str] = field(default_factory=Counter)
    changed: int = 0  # captures whose fields differ from their previous extraction
    first: int = 0  # captures with no earlier usable extraction to compare with
    fields: Counter[str] = field(default_factory=Counter)  # field -> captures changed
    examples: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # sha256 -> why it was not read
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.extracted / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "extractor_version": self.version,
            "selected": self.selected,
            "extracted": self.extracted,
            "captures": self.captures,
            "outcomes": dict(self.outcomes),
            "changed": self.changed,
            "first": self.first,
            "fields": dict(self.fields.most_common()),
            "examples": self.examples,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "pages_per_second": round(self.rate, 2),
        }

    def note_diff(self, url: str, old: dict[str, Any] | None, new: dict[str, Any]) -> None:
        if old is None:
            self.first += 1
            return
        changed = [f for f in DIFF_FIELDS if _norm(old.get(f)) != _norm(new.get(f))]
        if changed:
            self.changed += 1
        for name in changed:
            self.fields[name] += 1
            examples = self.examples.setdefault(name, [])
            if len(examples) < EXAMPLES:
                examples.append(
                    {
                        "url": url,
                        "old": _short(name, old.get(name)),
                        "new": _short(name, new.get(name)),
                    }
                )


def _norm(value: Any) -> Any:
    return value if value not in (None, "", [], {}) else None


def _short(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "(empty)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = re.sub(r"\s+", " ", text)
    if name == "body":
        return f"{len(value)} chars: {text[:60]}…" if len(text) > 60 else text
    return text if len(text) <= 100 else text[:99] + "…"


def _fields(article: Article, is_article: bool) -> dict[str, Any]:
    """The compared fields, as stored in an extraction row (without `asdict`'s deep copy)."""
    fields = {name: getattr(article, name) for name in DIFF_FIELDS[1:]}
    fields["images"] = [vars(image) for image in article.images]
    return {**fields, "is_article": is_article}


def _previous(db: Database, capture_id: int, version: str) -> dict[str, Any] | None:
    """The newest earlier extraction of a capture that produced fields, as a diff baseline."""
    row = db.execute(
        "SELECT is_article, fields FROM extractions WHERE capture_id = ? AND "
        "extractor_version != ? AND fields IS NOT NULL ORDER BY id DESC LIMIT 1",
        [capture_id, version],
    ).fetchone()
    if row is None:
        return None
    return {**json.loads(row[1]), "is_article": bool(row[0])}


# -- the command -------------------------------------------------------------------------------
def reextract(
    store: BlobStore,
    db: Database,
    selection: Selection | None = None,
    *,
    workers: int = 0,
    progress: Callable[[int], None] | None = None,
    report: ReextractReport | None = None,
    overrides: dict[str, dict[str, str]] | None = None,
) -> ReextractReport:
    """Re-extract the selected captures of `db` from `store` with the current extractor.

    `overrides`: per-site selectors (default: those the crawls registered in the sites
    table). A capture counts as extracted already when it has a row of this extractor
    version with the overrides now in force; `selection.force` takes those too.
    `progress(n)` is called as captures are recorded. Safe to interrupt at any point: what
    was committed stays, and the next run continues with the rest.
    """
    version = extractor.EXTRACTOR_VERSION  # read now: tests patch it
    selection = selection or Selection()
    overrides = site_overrides(db) if overrides is None else overrides
    selection.versions = site_versions(version, overrides)
    report = report or ReextractReport(version)
    report.version = version
    report.selected = count_selected(db, selection, version)
    workers = workers or os.cpu_count() or 1
    started = time.perf_counter()
    writer = IndexWriter(db)
    batch: list[Done[list[Row]]] = []
    flushed = time.monotonic()
    jobs = _jobs(db, selection, version, overrides)
    write = functools.partial(_write, writer, selection=selection, report=report)
    with open_pool(workers, report.selected) as pool:
        for done in extract_stream(store, jobs, pool, window=max(workers, 2) * WINDOW_PER_WORKER):
            batch.append(done)
            if len(batch) >= BATCH or time.monotonic() - flushed > BATCH_SECONDS:
                write(batch, version, progress=progress)
                batch, flushed = [], time.monotonic()
        write(batch, version, progress=progress)
    report.seconds = time.perf_counter() - started
    return report


def _write(
    writer: IndexWriter,
    batch: list[Done[list[Row]]],
    version: str,
    *,
    selection: Selection,
    report: ReextractReport,
    progress: Callable[[int], None] | None,
) -> None:
    """Record a batch in one transaction (the checkpoint of a resumed run)."""
    recorded = 0
    with write_transaction(writer.db):  # waits for a lock a reader or the crawl holds
        for done in batch:
            recorded += len(done.job.tag)
            if done.error:
                report.errors[done.job.sha256] = done.error
                continue
            result = done.result or Extracted(None, False, "not extracted")
            report.extracted += 1
            new = _fields(result.article, result.is_article) if result.article else None
            for row in done.job.tag:
                mine = selection.versions.get(row.capture.site, version)
                old = _previous(writer.db, row.capture_id, mine) if new else None
                result.apply(row.capture)
                outcome = writer.record_reextraction(
                    row.capture,
                    row.capture_id,
                    row.article_id,
                    result.article,
                    is_article=result.is_article,
                    error=result.error,
                    version=mine,
                    replace=selection.force,
                )
                report.outcomes[outcome] += 1
                if outcome == "done":
                    continue  # already recorded (another run got there first)
                report.captures += 1
                if new is not None:
                    report.note_diff(row.capture.final_url, old, new)
    if progress and recorded:
        progress(recorded)
