"""Starting a crawl from Python, in this process.

Imported lazily by `archive.cli` (the `crawl` and `demo` commands) so that `import archive`
never pulls in Scrapy or Twisted.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.db.connection import DISK_FULL, ensure_writable
from archive.errors import DataDirError
from archive.sites import Site


@dataclass
class CrawlOptions:
    data: Path
    blobs: str = ""
    sites_file: str = ""
    urls: list[str] = field(default_factory=list)
    allow_private: bool = False
    verbose: bool = False
    progress: bool = False
    workers: int = 0
    jobdir: str = ""
    settings: dict[str, Any] = field(default_factory=dict)


INTERRUPTED = "newsarchive/interrupted"  # the signal number that stopped the crawl
FORCED = "newsarchive/forced"  # 1 when a second signal stopped it without waiting


def _process(settings: Any) -> Any:
    """A CrawlerProcess whose signal handling speaks to the person at the terminal.

    First SIGINT/SIGTERM: one line on stderr ("stopping: N in flight, Ctrl-C again to force"),
    no new requests, and the pages in flight are fetched, mirrored and indexed before the
    process exits. Second: the reactor stops at once; what was committed stays, the rest is
    fetched again by the next crawl. The extraction workers ignore both signals (they are in
    the terminal's process group too): the parent decides.
    """
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.ossignal import install_shutdown_handlers

    class Process(CrawlerProcess):
        signum = 0
        forced = False

        def _signal_shutdown(self, signum: int, _: Any) -> None:
            from twisted.internet import reactor  # the one CrawlerProcess installed

            self.signum = signum
            install_shutdown_handlers(self._signal_kill)
            reactor.callFromThread(self._announce)
            reactor.callFromThread(self._graceful_stop_reactor)

        def _signal_kill(self, signum: int, _: Any) -> None:
            from twisted.internet import reactor

            self.forced = True
            install_shutdown_handlers(signal.SIG_IGN)
            reactor.callFromThread(self._stop_reactor)

        def _announce(self) -> None:
            in_flight = 0
            for crawler in self.crawlers:
                dropped = _drop_queued_downloads(crawler)
                slot = getattr(crawler.engine, "_slot", None)
                in_flight += max(len(getattr(slot, "inprogress", ()) or ()) - dropped, 0)
            again = "Ctrl-C again" if self.signum == signal.SIGINT else "signal again"
            sys.stderr.write(f"\nstopping: {in_flight} in flight, {again} to force\n")
            sys.stderr.flush()

    return Process(settings)


def _drop_queued_downloads(crawler: Any) -> int:
    """Requests waiting in the downloader's per-site queues (for their politeness delay) are
    not fetched once a stop is asked for: they fail with IgnoreRequest, which the spider
    takes quietly; the next crawl discovers them again. Those being transferred finish, and
    their pages go through the pipelines. The number dropped."""
    from scrapy.exceptions import IgnoreRequest

    if crawler.settings.get("REDIS_URL"):
        return 0  # distributed: leased requests go back to the shared queue on close instead
    downloader = getattr(crawler.engine, "downloader", None)
    dropped = 0
    for slot in list(getattr(downloader, "slots", {}).values()):
        while slot.queue:
            request, deferred = slot.queue.popleft()
            deferred.errback(IgnoreRequest(f"stopping: {request.url} not fetched"))
            dropped += 1
    if crawler.stats is not None and dropped:
        crawler.stats.inc_value("newsarchive/stopping/not_fetched", dropped)
    return dropped


def run_crawl(opts: CrawlOptions, sites: list[Site]) -> dict[str, Any]:
    """Run the `news` spider in this process until it finishes; returns the crawl's stats.

    A crawl stopped by a signal says so in its stats: `INTERRUPTED` (the signal number) and
    `FORCED` (a second signal cut it short)."""
    from scrapy.utils.project import get_project_settings

    from crawler.config import slot_settings
    from crawler.spiders.news import NewsSpider

    ensure_writable(opts.data)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    settings.set("NEWSARCHIVE_DATA", str(opts.data), priority="cmdline")
    if opts.blobs:
        settings.set("NEWSARCHIVE_BLOBS", opts.blobs, priority="cmdline")
    if opts.sites_file:
        settings.set("NEWSARCHIVE_SITES", opts.sites_file, priority="cmdline")
    settings.set("NEWSARCHIVE_SITE_LIST", [s.to_dict() for s in sites], priority="cmdline")
    settings.set("NEWSARCHIVE_ALLOW_PRIVATE", opts.allow_private, priority="cmdline")
    settings.set("NEWSARCHIVE_PROGRESS", opts.progress, priority="cmdline")
    if opts.workers:
        settings.set("NEWSARCHIVE_WORKERS", opts.workers, priority="cmdline")
    if opts.jobdir:
        settings.set("JOBDIR", opts.jobdir, priority="cmdline")
    if not opts.verbose:
        logs = opts.data / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        settings.set("LOG_FILE", str(logs / "crawl.log"), priority="cmdline")
    for key, value in opts.settings.items():
        settings.set(key, value, priority="cmdline")
    slot_settings(settings, sites)  # after -s: DOWNLOAD_DELAY and the like apply to sites
    settings.set("LOG_INSTALL_ROOT_HANDLER", not opts.verbose, priority="cmdline")
    process = _process(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    stats = dict(crawler.stats.get_stats())
    if process.signum:
        stats[INTERRUPTED] = process.signum
        stats[FORCED] = int(process.forced)
    if stats.get("finish_reason") == DISK_FULL:
        raise DataDirError(
            f"The disk holding {stats.get('newsarchive/disk_full') or opts.data} is full: the "
            "crawl stopped. What was stored is complete. Free space (or choose another "
            "--data) and run the crawl again: it goes on where it stopped."
        )
    return stats
