"""Crawl configuration from Scrapy settings: which sites, and their download slots."""

from __future__ import annotations

from scrapy.settings import BaseSettings

from archive.sites import Site, load_sites, site_for_url


def sites_from_settings(settings: BaseSettings, site: str = "", urls: str = "") -> list[Site]:
    """The sites to crawl: named ones from NEWSARCHIVE_SITES, or sites derived from URLs."""
    if listed := settings.getlist("NEWSARCHIVE_SITE_LIST"):
        return [Site(**raw) for raw in listed]  # set by `newsarchive crawl`, already checked
    if urls:
        allow_private = settings.getbool("NEWSARCHIVE_ALLOW_PRIVATE")
        return [site_for_url(u, allow_private=allow_private) for u in urls.split(",") if u]
    path = settings.get("NEWSARCHIVE_SITES")
    if not path:
        raise ValueError("No sites: pass -a urls=URL[,URL] or -s NEWSARCHIVE_SITES=sites.toml")
    sites = load_sites(path)
    if site:
        wanted = set(site.split(","))
        missing = wanted - {s.name for s in sites}
        if missing:
            raise ValueError(f"No site named {min(missing)!r} in {path}")
        sites = [s for s in sites if s.name in wanted]
    return sites


def slot_settings(settings: BaseSettings, sites: list[Site]) -> None:
    """Per-site download slots from the sites' delay and concurrency.

    Call it after `-s` settings are applied: a site without its own `delay` gets DOWNLOAD_DELAY
    (raised to robots.txt Crawl-delay at run time) and, with AutoThrottle, starts at
    AUTOTHROTTLE_START_DELAY and is throttled between the two; a site without its own
    `concurrency` gets CONCURRENT_REQUESTS_PER_DOMAIN. A site's own delay is kept as set
    (`crawler.slots.SiteThrottle` leaves it alone). Only when every site was given an
    explicit delay of 0 is AutoThrottle off.
    """
    default = settings.getfloat("DOWNLOAD_DELAY")
    if settings.getbool("AUTOTHROTTLE_ENABLED"):
        default = max(default, settings.getfloat("AUTOTHROTTLE_START_DELAY"))
    concurrency = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
    if concurrency < 1:
        raise ValueError(f"CONCURRENT_REQUESTS_PER_DOMAIN must be at least 1, not {concurrency}")
    slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
    for site in sites:
        slots[f"site:{site.name}"] = {
            "concurrency": concurrency if site.concurrency is None else site.concurrency,
            "delay": default if site.delay is None else site.delay,
            "throttle": site.delay is None,  # read by SiteThrottle; Scrapy ignores the key
        }
    prio = settings.getpriority("DOWNLOAD_SLOTS") or 0
    settings.set("DOWNLOAD_SLOTS", slots, priority=max(prio, 30))
    delays = [s.delay for s in sites]
    if sites and all(d is not None for d in delays):
        settings.set("DOWNLOAD_DELAY", min(d or 0.0 for d in delays), priority=30)
        if not any(delays):
            settings.set("AUTOTHROTTLE_ENABLED", False, priority=30)
