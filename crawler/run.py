"""Starting a crawl from Python, in this process.

Imported lazily by `archive.cli` (the `crawl` and `demo` commands) so that `import archive`
never pulls in Scrapy or Twisted.
"""

from __future__ import annotations

import os
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


def run_crawl(opts: CrawlOptions, sites: list[Site]) -> dict[str, Any]:
    """Run the `news` spider in this process until it finishes; returns the crawl's stats."""
    from scrapy.crawler import CrawlerProcess
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
    slot_settings(settings, sites)
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
    settings.set("LOG_INSTALL_ROOT_HANDLER", not opts.verbose, priority="cmdline")
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler)
    process.start()
    assert crawler.stats is not None
    stats = dict(crawler.stats.get_stats())
    if stats.get("finish_reason") == DISK_FULL:
        raise DataDirError(
            f"The disk holding {stats.get('newsarchive/disk_full') or opts.data} is full: the "
            "crawl stopped. What was stored is complete. Free space (or choose another "
            "--data) and run the crawl again: it goes on where it stopped."
        )
    return stats
