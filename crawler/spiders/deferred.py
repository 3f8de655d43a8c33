"""Requests for the URLs an earlier crawl deferred to this one (`archive.db.deferred`).

Each is built as the spider builds it when discovered (an article request is skipped if the
archive has it by now), and carries `not_before`: `crawler.later.LaterMiddleware` holds it until
then, so a site that asked us to wait is not asked again sooner. A URL deferred for being slow
carries `slow_before`: it is asked once the rest of the crawl is done, and waited for up to its
download timeout (cut early again, it would never be captured).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Request

from archive.db.deferred import Deferred
from crawler.slots import WAIT
from crawler.spiders.discovery import hub_priority


def deferred_requests(spider: Any, items: list[Deferred]) -> Iterator[Request]:
    by_name = spider.sites_by_name()
    for item in items:
        site = by_name.get(item.site)
        if site is None:
            continue
        request: Request | None
        if item.kind == "article":
            request = spider.article_request(item.url, site, item.hints)
        elif item.kind == "sitemap":
            request = spider._discovery(item.url, spider.parse_sitemap, site)
        elif item.kind == "feed":
            request = spider._discovery(item.url, spider.parse_feed, site)
        else:
            request = spider._request(item.url, spider.parse_page, site, hub_priority(site))
        if request is None:  # archived since, or past the site's page budget
            spider.settled_deferred.add((item.site, item.url))
            continue
        request.meta.update(
            not_before=item.due, deferred_reason=item.reason, deferred_attempts=item.attempts
        )
        if item.slow:
            request.meta["slow_before"] = WAIT
        yield request
