"""The crawl command of the CLI, and what `demo` shares with it. The only face of `archive` that
starts a crawl (Scrapy is imported lazily, inside `start_crawl`)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.options import (
    blobs_option,
    data_option,
    friendly_errors,
    json_option,
    open_store,
    site_names_option,
    split_names,
)
from archive.db.connection import data_dir, ensure_writable
from archive.sites import load_sites, site_for_url


@click.command()
@click.argument("urls", nargs=-1)
@click.option("--sites", "sites_file", type=click.Path(dir_okay=False), help="A sites.toml.")
@site_names_option("Only these sites of --sites (repeat, or a,b).")
@data_option
@blobs_option
@click.option("--allow-private", is_flag=True, help="Allow loopback/private addresses.")
@click.option("--workers", type=int, default=0, help="Extraction processes (default: cores).")
@click.option("--jobdir", default="", help="Scrapy JOBDIR for a resumable crawl.")
@click.option(
    "-s",
    "--set",
    "extra",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or NEWSARCHIVE_* setting.",
)
@json_option
@click.pass_context
@friendly_errors
def crawl(
    ctx: click.Context,
    urls: tuple[str, ...],
    sites_file: str | None,
    site_names: tuple[str, ...],
    data: str | None,
    blobs: str,
    allow_private: bool,
    workers: int,
    jobdir: str,
    extra: tuple[str, ...],
    as_json: bool,
) -> None:
    """Crawl sites (home-page URLs, or a sites.toml) into the archive.

    Exit code 1 when the crawl archived nothing because every fetch failed or was refused;
    130 after Ctrl-C (143 after SIGTERM), once the pages in flight are indexed.

    Example:

    \b
        newsarchive crawl https://news.example/ --data ./data
        newsarchive crawl --sites sites.toml --site harbor
    """
    if bool(urls) == bool(sites_file):
        raise click.UsageError("Give home-page URLs or --sites sites.toml (not both).")
    if sites_file:
        sites = load_sites(sites_file)
        if wanted := set(split_names(site_names)):
            known = sorted(s.name for s in sites)
            if missing := wanted - set(known):
                raise click.UsageError(
                    f"No site named {min(missing)!r} in {sites_file}; its sites: {', '.join(known)}"
                )
            sites = [s for s in sites if s.name in wanted]
    else:
        try:
            sites = [site_for_url(u, allow_private=allow_private) for u in urls]
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    settings: dict[str, Any] = {}
    for item in extra:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"-s takes NAME=VALUE, got {item!r}")
        settings[name] = value
    stats = start_crawl(
        data=data_dir(data),
        blobs=blobs,
        sites_file=sites_file or "",
        urls=list(urls),
        allow_private=allow_private,
        workers=workers,
        jobdir=jobdir,
        verbose=ctx.obj["verbose"] > 0,
        settings=settings,
        sites=sites,
    )
    finish(stats, data_dir(data), as_json=as_json)


def finish(stats: dict[str, Any], data: Path, *, as_json: bool = False) -> None:
    """Print the crawl's summary (JSON on stdout with --json) and exit with its code."""
    summary = crawl_summary(stats, data)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    print_summary(stats, data)
    code = summary["exit_code"]
    if stats.get("newsarchive/forced") or stats.get("newsarchive/interrupted"):
        # a second Ctrl-C: committed work stays, the rest is fetched next time. After a first
        # one, all is stored and closed by now: leave at once, so that a second Ctrl-C during
        # the interpreter's clean-up (which restores the default handlers) cannot end the
        # process by the signal instead of with its exit code
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        raise SystemExit(code)


def _count(stats: dict[str, Any], prefix: str) -> int:
    return sum(int(v) for k, v in stats.items() if k.startswith(prefix))


def crawl_summary(stats: dict[str, Any], data: Path) -> dict[str, Any]:
    """The figures of a finished crawl and what its exit code is.

    1 when nothing was archived because every fetch failed or was refused: no page (robots.txt
    aside) answered with a status below 400, no capture was stored, and fetches failed or
    were refused. 128 + the signal after
    Ctrl-C or SIGTERM. Else 0 (an incremental crawl with nothing new is a success).
    """
    ok = sum(
        int(v)
        for k, v in stats.items()
        if k.startswith("downloader/response_status_count/") and int(k.rsplit("/", 1)[1]) < 400
    )
    ok -= sum(
        int(v)
        for k, v in stats.items()
        if k.startswith("robotstxt/response_status_count/") and int(k.rsplit("/", 1)[1]) < 400
    )
    archived = _count(stats, "newsarchive/mirrored") + _count(stats, "newsarchive/spooled")
    summary: dict[str, Any] = {
        "finish_reason": stats.get("finish_reason", ""),
        "crawl_id": stats.get("newsarchive/crawl_id"),
        "pages_fetched": int(stats.get("response_received_count", 0)),
        "captures_archived": archived,
        "articles": {
            kind: int(stats.get(f"newsarchive/articles/{kind}", 0))
            for kind in ("new", "changed", "unchanged", "not_article", "gone")
        },
        "known_skipped": int(stats.get("newsarchive/skipped/archived", 0)),
        "fetch_errors": _count(stats, "newsarchive/errors/"),
        "http_errors": _count(stats, "newsarchive/dropped/status_"),
        "refused_ssrf": int(stats.get("newsarchive/blocked/ssrf", 0)),
        "refused_robots": int(stats.get("newsarchive/skipped/robots", 0)),
        # left to the next crawl of their site: [{url, site, reason, due_at}]
        "deferred": list(stats.get("newsarchive/deferred_urls") or []),
        "archive": str(data / "news.db"),
        "log": str(data / "logs" / "crawl.log"),
    }
    if signum := int(stats.get("newsarchive/interrupted", 0)):
        summary["exit_code"] = 128 + signum
        summary["interrupted"] = signum
    else:
        failed = sum(
            summary[k] for k in ("fetch_errors", "http_errors", "refused_ssrf", "refused_robots")
        )
        # a distributed node that found the shared queue empty failed nothing: 0
        summary["exit_code"] = 1 if archived == 0 and ok <= 0 and failed else 0
    return summary


class _CrawlLogOnly(logging.Filter):
    """Without -v, the crawl's own log (Scrapy's, the spider's, the pipelines') goes to
    DATA/logs/crawl.log only: the terminal gets the status line and the summary, never a
    traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.name.startswith(CRAWL_LOGGERS)


CRAWL_LOGGERS = ("scrapy", "twisted", "crawler", "pipelines", "scrapy_redis", "py.warnings")


def start_crawl(sites: Any, **options: Any) -> dict[str, Any]:
    from crawler.run import CrawlOptions, run_crawl

    if not options.get("verbose"):
        for handler in logging.getLogger().handlers:
            if getattr(handler, "newsarchive_cli", False):
                handler.addFilter(_CrawlLogOnly())
    data = Path(options["data"])
    ensure_writable(data)
    open_store(data, options.get("blobs", ""))  # a missing bucket or bad credentials: exit 2
    options.setdefault("progress", sys.stderr.isatty())
    return run_crawl(CrawlOptions(**options), sites)


def print_summary(stats: dict[str, Any], data: Path) -> None:
    def get(key: str) -> int:
        return int(stats.get(key, 0))

    summary = crawl_summary(stats, data)
    errors = summary["fetch_errors"] + summary["http_errors"]
    click.echo(
        f"Crawl finished ({stats.get('finish_reason', '?')}): "
        f"{get('response_received_count')} pages fetched, "
        f"{get('newsarchive/articles/new')} new articles, "
        f"{get('newsarchive/articles/changed')} changed, "
        f"{get('newsarchive/articles/unchanged')} unchanged, "
        f"{get('newsarchive/articles/not_article')} not articles, "
        f"{summary['known_skipped']} known articles skipped, {errors} fetch errors.",
        err=True,
    )
    if summary["exit_code"] == 1:
        click.echo(
            "Nothing was archived: every fetch failed or was refused (see the log). Check the "
            "URL, the network, and robots.txt.",
            err=True,
        )
    if blocked := get("newsarchive/blocked/ssrf"):
        click.echo(
            f"{blocked} requests refused: they resolve to loopback/private addresses. Pass "
            "--allow-private (or allow_private = true for the site) if that is intended.",
            err=True,
        )
    print_deferred(stats)
    click.echo(f"Archive: {data / 'news.db'}  (log: {data / 'logs' / 'crawl.log'})", err=True)


def print_deferred(stats: dict[str, Any], shown: int = 20) -> None:
    """The URLs left to the next crawl of their site, with why and from when."""
    deferred = list(stats.get("newsarchive/deferred_urls") or [])
    if not deferred:
        return
    click.echo(
        f"{len(deferred)} URLs deferred to the next crawl (slow, or the site asked us to wait):",
        err=True,
    )
    for item in deferred[:shown]:
        click.echo(f"  {item['url']}  {item['reason']}; due {item['due_at']}", err=True)
    if len(deferred) > shown:
        click.echo(f"  ... and {len(deferred) - shown} more (table `deferred`)", err=True)
