"""Scrapy settings for newsarchive's crawler: polite by default.

Every newsarchive setting starts with NEWSARCHIVE_; all can be set with `-s NAME=VALUE`.
"""

import os

from archive import __version__

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Who we are. Operators should set NEWSARCHIVE_CONTACT to a page or mailbox of their own.
NEWSARCHIVE_CONTACT = "https://github.com/newsarchive/newsarchive#for-site-owners"
USER_AGENT = f"newsarchive/{__version__} (+{NEWSARCHIVE_CONTACT})"

# Where the archive lives (see README): data folder, blob store URI, sites file.
NEWSARCHIVE_DATA = "data"
NEWSARCHIVE_BLOBS = ""  # default: DATA/raw; or s3://bucket/prefix
NEWSARCHIVE_SITES = ""  # path to sites.toml
NEWSARCHIVE_WORKERS = 0  # extraction processes; 0 = one per core
NEWSARCHIVE_BATCH_SIZE = 50  # most captures per SQLite transaction (store.py: group commit)
NEWSARCHIVE_UPLOAD_THREADS = 8  # concurrent blob store writes (S3 uploads)
NEWSARCHIVE_RETRY_AFTER_MAX = 86400  # longest Retry-After (s) honoured; longer gives up
NEWSARCHIVE_PROGRESS = False  # a live status line on stderr

# Distributed mode (crawler/distributed/__init__.py): set REDIS_URL and every crawler process shares one
# scrapy-redis frontier; nodes mirror to NEWSARCHIVE_BLOBS, `newsarchive ingest` writes SQLite.
REDIS_URL = os.environ.get("REDIS_URL", "")
NEWSARCHIVE_JOB = "news"  # redis keys newsarchive:JOB:*; one frontier per job
# shared secret signing every queued request (HMAC); distributed mode refuses to start without
NEWSARCHIVE_REDIS_KEY = os.environ.get("NEWSARCHIVE_REDIS_KEY", "")
NEWSARCHIVE_THROTTLE_LEASE = 10.0  # s a dead node's slot at a site stays taken
NEWSARCHIVE_THROTTLE_MAX_DELAY = 60.0  # s: longest delay/pause a value in redis can impose
NEWSARCHIVE_REDIS_HEARTBEAT = 5.0  # s; a worker silent for 3 beats is dead, its requests requeued
NEWSARCHIVE_REDIS_SEEN_TTL = 7 * 86400  # s an abandoned crawl's fingerprint set lives on
NEWSARCHIVE_NODE_EXTRACT = False  # also extract on crawler nodes (a check; ingest extracts)

# Politeness
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 32
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50% around the delay
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
COOKIES_ENABLED = False

# Nothing to steer the crawl from outside: no telnet console, no remote-control HTTP endpoint.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

# Only http and https are fetched. A hostile robots.txt, sitemap or redirect naming file://,
# s3://, ftp:// or data: gets no handler (the SSRF guard refuses them too).
DOWNLOAD_HANDLERS = {"file": None, "s3": None, "ftp": None, "data": None}
# The SSRF guard's resolver: an answer with a loopback/private/metadata address is refused at
# the lookup the connection uses (crawler/resolver.py), so DNS rebinding gets nowhere.
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"

# Memory: what bounds it when fetching outruns extraction. A response stays in the scraper slot
# until its item is stored; past this many bytes of such responses Scrapy sends no new request
# (CONCURRENT_ITEMS only bounds items per response: one here). In memory at most: this, plus
# CONCURRENT_REQUESTS responses downloading. Large enough that the extraction workers always
# have pages queued while a batch waits for its commit.
SCRAPER_SLOT_MAX_ACTIVE_SIZE = 16 * 2**20
# Scrapy starts this many asyncio tasks for the output of every response (default 100); an
# article yields one item, a listing page requests that are queued at once, so a few are enough.
CONCURRENT_ITEMS = 4

# Memory: a crawl whose process grows past this (MiB) stops cleanly (Scrapy's MemoryUsage
# extension, checked every MEMUSAGE_CHECK_INTERVAL_SECONDS); 0 turns the limit off.
MEMUSAGE_LIMIT_MB = 2048
MEMUSAGE_CHECK_INTERVAL_SECONDS = 15.0

# Limits and traps
DOWNLOAD_TIMEOUT = 20
DOWNLOAD_MAXSIZE = 16 * 2**20
DOWNLOAD_WARNSIZE = 4 * 2**20
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]  # 429/503 go through Retry-After below
# Requests of one priority go first in, first out (Scrapy's default is last in, first out):
# links found on the entry pages are fetched in the order found, not after every sitemap entry
# queued since. A retry goes ahead of its priority class (Scrapy's default -1 queues it behind
# every pending request). Both keep a slow or failing page from holding the crawl open at its
# end: on a 2,000-article newsweb, 38.7 -> 33.4 s, its three 4 s timeouts settled mid-crawl.
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
RETRY_PRIORITY_ADJUST = 1
HTTPERROR_ALLOWED_CODES = [304, 404, 410]  # 304: conditional sitemap/feed; 404/410: gone
URLLENGTH_LIMIT = 2083
DEPTH_PRIORITY = 0
# What one site's sitemaps and feeds may add to a crawl (crawler/spiders/discovery.py): at most
# 50,000 entries read per sitemap file (the sitemaps.org limit), sitemap indexes nested this
# deep, this many sitemap/feed documents per site, this many requests queued per site.
NEWSARCHIVE_MAX_SITEMAP_ENTRIES = 50_000
NEWSARCHIVE_MAX_SITEMAP_DEPTH = 3
NEWSARCHIVE_MAX_DISCOVERY_DOCS = 500
NEWSARCHIVE_MAX_QUEUED_PER_SITE = 100_000
NEWSARCHIVE_EXTRACT_TIMEOUT = 30.0  # s one page may take in an extraction worker

NEWSARCHIVE_ALLOW_PRIVATE = False  # --allow-private: loopback/private addresses for all sites
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.SSRFGuardMiddleware": 50,
    "crawler.later.LaterMiddleware": 560,
}
# Slow URLs never starve a site nor hold a crawl open (crawler/slots.py, crawler/later.py):
# a slot keeps one transfer for articles; pages that are not articles time out sooner and are
# retried less; timeouts and Retry-After are retried later, outside the download slots; what
# is still not due once nothing else is left goes to the next crawl (table `deferred`).
DOWNLOADER = "crawler.slots.SiteDownloader"
NEWSARCHIVE_PAGE_TIMEOUT = 8.0  # s; download timeout of pages that are not articles
NEWSARCHIVE_PAGE_RETRIES = 1  # retries of pages that are not articles (articles: RETRY_TIMES)
NEWSARCHIVE_WAIT_AT_END = 5.0  # s; at the end, shorter waits are waited out, longer deferred
NEWSARCHIVE_STRAGGLER_AFTER = 3.0  # s; then a download gives way to others waiting for its slot
NEWSARCHIVE_DEFER_MAX = 3  # crawls a URL may be deferred by before it is given up
# URLs deferred for being slow are asked by the next crawl once its own work is done, and
# waited for up to their timeout; none is started after this many seconds of that (s)
NEWSARCHIVE_SLOW_BEFORE_BUDGET = 10.0
# s of an empty scheduler after which (and as often) the log says what the end waits for
NEWSARCHIVE_REPORT_AFTER = 10.0
ITEM_PIPELINES = {
    "pipelines.mirror.MirrorPipeline": 100,
    "pipelines.extract.ExtractPipeline": 200,
    "pipelines.store.StorePipeline": 300,
}
EXTENSIONS = {
    "scrapy.extensions.throttle.AutoThrottle": None,
    "crawler.slots.SiteThrottle": 0,  # AutoThrottle that keeps a site's own delay and floors
    "crawler.extensions.Progress": 110,
}

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
# `scrapy crawl news -O items.jsonl`: one record per article (fields + provenance, no bytes)
FEED_EXPORTERS = {
    "json": "crawler.feeds.ArticleJsonExporter",
    "jsonlines": "crawler.feeds.ArticleJsonLinesExporter",
    "jsonl": "crawler.feeds.ArticleJsonLinesExporter",
    "csv": "crawler.feeds.ArticleCsvExporter",
    "xml": "crawler.feeds.ArticleXmlExporter",
}
LOG_LEVEL = "INFO"
