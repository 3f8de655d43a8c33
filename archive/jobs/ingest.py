"""`newsarchive ingest`: the one SQLite writer of a distributed crawl keeps the database in step
with the blob store the crawler nodes mirror to.

Each pass is an incremental `rebuild` (`archive.jobs.rebuild`): list the store, index the objects
whose sha256 has no capture row yet, oldest fetch first. Idempotent: a pass over an unchanged
store reads the object list and changes nothing. `follow` repeats passes until stopped (or
until the store has been quiet for `idle_exit` seconds). After a pass that indexed something
it publishes the snapshot of known URLs crawler nodes read (`archive.jobs.known`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlite_utils import Database

from archive.jobs.known import publish_known
from archive.jobs.rebuild import RebuildReport, plan_rebuild, rebuild
from archive.storage import BlobStore

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 10.0  # seconds between passes with --follow


@dataclass
class IngestReport:
    passes: int = 0
    objects: int = 0  # in the store at the last pass
    indexed: int = 0  # objects indexed by these passes
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: dict[str, str] = field(default_factory=dict)
    published: int = 0  # article URLs in the last snapshot published for crawler nodes

    def add(self, report: RebuildReport) -> None:
        self.passes += 1
        self.objects = report.objects
        self.indexed += sum(report.outcomes.values())
        self.outcomes.update(report.outcomes)
        self.errors.update(report.errors)

    def to_dict(self) -> dict[str, object]:
        return {
            "passes": self.passes,
            "objects": self.objects,
            "indexed": self.indexed,
            "outcomes": dict(self.outcomes),
            "errors": self.errors,
            "published": self.published,
        }


def ingest_pass(
    store: BlobStore,
    db: Database,
    *,
    workers: int = 0,
    overrides: dict[str, dict[str, str]] | None = None,
    progress: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Index what is new in `store` since the last pass."""
    plan = plan_rebuild(store, db)
    # objects that failed before (no 'url' metadata, unreadable) are retried each pass
    return rebuild(store, db, plan, workers=workers, overrides=overrides, progress=progress)


def ingest(
    store: BlobStore,
    db: Database,
    *,
    follow: bool = False,
    interval: float = DEFAULT_INTERVAL,
    idle_exit: float = 0.0,
    workers: int = 0,
    overrides: dict[str, dict[str, str]] | None = None,
    on_pass: Callable[[RebuildReport], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> IngestReport:
    """One pass, or with `follow` a pass every `interval` seconds until interrupted or, when
    `idle_exit` > 0, until no new object arrived for that many seconds."""
    total = IngestReport()
    quiet_since = time.monotonic()
    while True:
        report = ingest_pass(store, db, workers=workers, overrides=overrides)
        total.add(report)
        if report.todo or total.passes == 1:  # crawler nodes read what the archive knows
            total.published = publish_known(store, db)
        if on_pass is not None:
            on_pass(report)
        if report.todo:
            quiet_since = time.monotonic()
        if not follow:
            return total
        if idle_exit and time.monotonic() - quiet_since >= idle_exit:
            log.info("No new objects for %.0fs: ingest stops", idle_exit)
            return total
        sleep(interval)
