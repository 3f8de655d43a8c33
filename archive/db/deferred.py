"""URLs deferred to the next crawl of their site (table `deferred`, migration m005).

A crawl does not wait out a Retry-After longer than the rest of its work, nor retry a URL
that keeps timing out once nothing else is left: it records the URL with why and from when it
may be asked again, and the next crawl of the site picks it up (never before `due_at`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from archive.model import utc_now

KINDS = ("article", "page", "sitemap", "feed")
ASKED_TO_WAIT = "Retry-After"  # in the reason of a URL deferred because its site said so


@dataclass
class Deferred:
    site: str
    url: str
    kind: str  # article | page | sitemap | feed
    reason: str  # e.g. "503 Retry-After 3600s", "timed out twice (8s)"
    due: float  # Unix time from which the site may be asked for it again
    attempts: int = 1  # crawls that tried it and left it for later
    hints: dict[str, Any] = field(default_factory=dict)

    @property
    def due_at(self) -> str:
        return datetime.fromtimestamp(self.due, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def slow(self) -> bool:
        """Deferred for being slow (timed out, or cut to free its slot or end the crawl), not
        because its site asked us to wait: the next crawl asks for it once the rest is done."""
        return ASKED_TO_WAIT not in self.reason

    def summary(self) -> dict[str, Any]:
        return {"url": self.url, "site": self.site, "reason": self.reason, "due_at": self.due_at}


def _timestamp(iso: str) -> float:
    return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


def load_deferred(db: Database, sites: list[str]) -> list[Deferred]:
    """The deferred URLs of these sites, the soonest due first."""
    marks = ",".join("?" * len(sites))
    rows = db.execute(
        f"""SELECT site, url, kind, reason, due_at, attempts, hints FROM deferred
            WHERE site IN ({marks}) ORDER BY due_at, url""",  # noqa: S608 - placeholders only
        sites,
    ).fetchall()
    return [
        Deferred(site, url, kind, reason, _timestamp(due_at), attempts, json.loads(hints or "{}"))
        for site, url, kind, reason, due_at, attempts, hints in rows
    ]


def save_deferred(
    db: Database,
    crawl_id: int | None,
    deferred: Iterable[Deferred],
    settled: Iterable[tuple[str, str]] = (),
) -> None:
    """Forget the (site, url) pairs a crawl picked up, then record what it deferred."""
    with db.atomic():
        for site, url in settled:
            db.execute("DELETE FROM deferred WHERE site = ? AND url = ?", [site, url])
        for d in deferred:
            db.execute(
                """INSERT INTO deferred
                    (site, url, kind, reason, due_at, deferred_at, crawl_id, attempts, hints)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(site, url) DO UPDATE SET kind = excluded.kind,
                    reason = excluded.reason, due_at = max(due_at, excluded.due_at),
                    deferred_at = excluded.deferred_at, crawl_id = excluded.crawl_id,
                    attempts = excluded.attempts, hints = excluded.hints""",
                [
                    d.site,
                    d.url,
                    d.kind,
                    d.reason,
                    d.due_at,
                    utc_now(),
                    crawl_id,
                    d.attempts,
                    json.dumps(d.hints, ensure_ascii=False, sort_keys=True),
                ],
            )
