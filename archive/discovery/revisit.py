"""When an archived article is worth fetching again.

Articles change most in their first day, so by default a page is re-fetched when it crosses
about +1 h, +24 h and +7 d after publication (`Site.revisit`), or when a sitemap or feed says
it was modified after we last fetched it. Otherwise a crawl skips it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime


def parse_time(value: str) -> datetime | None:
    """An ISO 8601 date or datetime (Z or offset; naive means UTC), or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def due_for_revisit(
    published: str,
    last_fetched: str,
    revisit_seconds: Sequence[float],
    *,
    lastmod: str = "",
    previous_lastmod: str = "",
    now: datetime | None = None,
) -> bool:
    """Whether an archived article should be fetched again now.

    A sitemap `lastmod` newer than the one seen at the last fetch means an edit. Without a
    previous lastmod it is compared with the fetch time (which trusts the site's clock).
    """
    now = now or datetime.now(UTC)
    fetched = parse_time(last_fetched)
    if fetched is None:
        return True
    modified, before = parse_time(lastmod), parse_time(previous_lastmod)
    if modified is not None and modified > (before or fetched):
        return True
    born = parse_time(published)
    if born is None:
        return False
    # due if some revisit point has passed since the last fetch
    for age in revisit_seconds:
        point = born.timestamp() + age
        if fetched.timestamp() < point <= now.timestamp():
            return True
    return False
