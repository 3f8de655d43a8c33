"""The `demo` command: serve bundled news sites on loopback, crawl them, show what was archived.

By default the demo web (archive/demo/web): three invented news sites, each on a loopback
address of its own (127.0.3.1-3, one port), with sitemaps, feeds, sections, syndicated copies
and traps. `--single` serves the one-site demo of earlier releases (The Harbor Ledger).
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import shlex
import signal
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from archive.cli.crawl import crawl_summary, print_summary, start_crawl
from archive.cli.options import blobs_option, data_option, echo_safe, friendly_errors
from archive.db.connection import data_dir, ensure_writable, open_db
from archive.demo.report import WebReport, web_report
from archive.demo.web import WebServer
from archive.demo.web.traps import HUGE_MB
from archive.sites import Site, site_for_url

DEMO_PORT = 8642  # the demo's default port: one port, the same site names, one set of URLs
DEMO_SITE = "demo"  # the site name of the one-site demo
DEMO_ARTICLES = 120  # stories of the demo web, over its three sites (plus 24 syndicated copies)
DEMO_CONCURRENCY = 8  # requests in flight per demo site (no delay: the sites are ours)


@click.command()
@data_option
@blobs_option
@click.option(
    "--port",
    type=int,
    default=None,
    envvar="NEWSARCHIVE_DEMO_PORT",
    show_envvar=True,
    help=f"Port of the demo sites: all three listen on it, each on its own loopback address "
    f"(default {DEMO_PORT}, or any free one when that is taken; the same port on every run "
    "keeps one set of URLs). With --single, the port of 127.0.0.1.",
)
@click.option(
    "--serve",
    "keep_serving",
    is_flag=True,
    help="Keep the demo sites up after the crawl (Ctrl-C to stop), to try crawl URL/extract URL.",
)
@click.option(
    "--single",
    is_flag=True,
    help="Serve and crawl the one-site demo instead (The Harbor Ledger, 32 articles, "
    "on 127.0.0.1).",
)
@click.option(
    "--revision",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="2: the demo web a day later (stories edited, removed, added). Run it into the "
    "--data of an earlier demo to see an incremental crawl.",
)
@click.pass_context
@friendly_errors
def demo(
    ctx: click.Context,
    data: str | None,
    blobs: str,
    port: int | None,
    keep_serving: bool,
    single: bool,
    revision: int,
) -> None:
    """Serve bundled news sites on loopback and crawl them into an archive.

    Three invented news sites (127.0.3.1-3, one port): discovery through robots.txt, sitemaps,
    feeds and section pages; syndicated copies clustered with their originals; traps avoided;
    slow URLs deferred to the next run. The sites are ours, so the demo crawls them without
    delay (8 requests in flight per site); a real crawl is polite by default. Runs use the same
    port (8642) and site names, so a second run into the same --data is an incremental crawl
    (with --revision 2, of the web a day later). Raw pages go where a crawl's go (--blobs /
    NEWSARCHIVE_BLOBS, else DATA/raw).

    Example:

    \b
        newsarchive demo --data /tmp/demo
        newsarchive demo --data /tmp/demo --revision 2
        newsarchive demo --data /tmp/demo --serve
        newsarchive demo --single --data /tmp/harbor
    """
    folder = data_dir(data)
    ensure_writable(folder)
    verbose = ctx.obj["verbose"] > 0
    if single:
        if revision != 1:
            raise click.UsageError("--revision is for the demo web; --single has one revision.")
        _single(folder, blobs, port, keep_serving, verbose)
        return
    with _demo_web(port, revision) as web:
        _print_sites(web, folder)
        sites = [
            Site(
                name=key,
                url=url,
                delay=0.0,
                concurrency=DEMO_CONCURRENCY,
                allow_private=True,
            )
            for key, url in web.urls.items()
        ]
        stats = start_crawl(
            sites=sites,
            data=folder,
            blobs=blobs,
            urls=list(web.urls.values()),
            allow_private=True,
            verbose=verbose,
            settings={"NEWSARCHIVE_DEMO": True},
        )
        _web_report(stats, folder, web.manifest)
        if keep_serving:
            first = next(a["url"] for a in web.manifest["articles"] if a["status"] == 200)
            click.echo(
                "\nThe demo sites stay up (Ctrl-C to stop): "
                + ", ".join(web.urls.values())
                + f". Try:\n  newsarchive extract {first} --allow-private\n"
                f"  newsarchive crawl {web.urls['site-b']} --allow-private --data /tmp/elsewhere",
                err=True,
            )
            _wait_for_ctrl_c()


@contextlib.contextmanager
def _demo_web(port: int | None, revision: int) -> Iterator[WebServer]:
    """The demo web served by this process (daemon threads), on `port` or DEMO_PORT."""
    options: dict[str, Any] = {"articles": DEMO_ARTICLES, "seed": 1, "revision": revision}
    with contextlib.ExitStack() as stack:
        workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsarchive-demo-")))
        try:
            server = WebServer(workdir, port=DEMO_PORT if port is None else port, **options)
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise click.UsageError(
                    "Cannot serve the demo web: its sites each listen on a loopback address of "
                    "their own (127.0.3.1-3), and this system has only 127.0.0.1 "
                    f"({exc.strerror}). Add them (macOS: sudo ifconfig lo0 alias 127.0.3.1 up, "
                    "then .2 and .3), or run the one-site demo: newsarchive demo --single"
                ) from None
            if port is not None:
                raise click.UsageError(
                    f"Cannot serve the demo web on port {port} ({exc.strerror}): pass --port "
                    "with a free port (0 picks one, at the price of new URLs)."
                ) from None
            click.echo(
                f"Port {DEMO_PORT} is taken (another demo?): serving on a free port; the "
                "articles get new URLs in this archive.",
                err=True,
            )
            server = WebServer(workdir, port=0, **options)
        stack.callback(server.stop)
        yield server


def _print_sites(web: WebServer, folder: Path) -> None:
    click.echo(
        "The demo web: three invented news sites, each on its own loopback address", err=True
    )
    for key, url in web.urls.items():
        click.echo(f"  {key}  {web.manifest['sites'][key]['name']:<24} {url}", err=True)
    click.echo(f"Crawling them into {folder} ...", err=True)


def _web_report(stats: dict[str, Any], folder: Path, manifest: dict[str, Any]) -> None:
    """The crawl's summary, then per site what the archive holds, what the crawl made of the
    web's copies, traps and slow pages, the newest articles, and commands to try next."""
    summary = crawl_summary(stats, folder)
    print_summary(stats, folder)
    if summary["exit_code"]:
        raise SystemExit(summary["exit_code"])
    report = web_report(open_db(folder, readonly=True), manifest)
    click.echo()
    _table(
        ["site", "name", "articles", "stories found", "clustered", "deferred", "trap pages"],
        [
            [
                s.site,
                s.name,
                str(s.articles),
                f"{s.found}/{s.expected}",
                str(s.on_other_sites),
                str(s.deferred),
                str(s.trap_captures),
            ]
            for s in report.sites
        ],
    )
    click.echo()
    for line in _explain(stats, report, manifest):
        click.echo(line)
    click.echo("\nNewest articles of each site:")
    for row in report.newest:
        echo_safe(f"{row['id']:>5}  {row['site']}  {row['title']}  —  {row['authors']}")
    data = f"--data {shlex.quote(str(folder))}"
    words = shlex.quote(str(report.story.get("word") or "harbor"))
    click.echo("\nTry:", err=True)
    for line in (
        f"newsarchive search {words} {data}    # one story, on three sites",
        f"newsarchive search {words} --one-per-cluster {data}",
        f"newsarchive show {report.story.get('id', 1)} {data}",
        f"newsarchive export -o articles.csv {data}",
        f"newsarchive serve {data}    # Datasette on http://127.0.0.1:8001/news",
        f"newsarchive demo {data}     # again: an incremental crawl; deferred URLs once due",
    ):
        click.echo(f"  {line}", err=True)


def _table(header: list[str], rows: list[list[str]]) -> None:
    """Columns padded to their widest cell: the first two left-aligned, numbers right."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [
            cell.ljust(width) if i < 2 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        echo_safe("  ".join(cells).rstrip())


def _explain(stats: dict[str, Any], report: WebReport, manifest: dict[str, Any]) -> list[str]:
    """One line each: discovery, syndication, duplicates, traps, deferred URLs."""

    def stat(key: str) -> int:
        return int(stats.get(f"newsarchive/{key}", 0))

    gzipped = ", ".join(k for k, site in manifest["sites"].items() if site["gzipped_sitemaps"])
    duplicates = stat("skipped/duplicate_canonical") + stat("articles/duplicate")
    trapped = sum(s.trap_captures for s in report.sites)
    return [
        (
            f"Discovery: robots.txt, sitemap indexes ({stat('discovered/sitemap_index')} sitemaps"
            f" listing {stat('discovered/sitemap_urlset')} URLs; gzipped on {gzipped or 'none'}),"
            f" RSS and Atom feeds ({stat('discovered/feed')} entries), home and section pages."
        ),
        (
            f"Syndication: {report.clusters} stories appear on several sites "
            f"({report.clustered} articles); {report.clustered - report.clusters} of the web's "
            f"{report.copies} syndicated copies share a cluster_id with their original, and "
            "each site keeps its own article."
        ),
        (
            f"Duplicates: {duplicates} pages were another address of an archived story "
            "(rel=canonical, identical text): no new article for them."
        ),
        (
            f"Traps: robots.txt kept the crawl out of {stat('skipped/robots')} URLs (endless "
            "calendar, search and session-id spaces, private pages); of the "
            f"{report.junk_traps} trap URLs with nothing worth keeping (redirect loops, errors, "
            f"the endless /catalog/, binaries, a {HUGE_MB} MB page), {trapped} were archived "
            "(the fetch errors above are theirs)."
        ),
        (
            f"Deferred: {len(report.deferred)} slow URLs wait in the table `deferred` (this "
            "run's are listed above): they did not hold the crawl open, and the next crawl of "
            "their site asks for them again once they are due."
        ),
    ]


def _single(folder: Path, blobs: str, port: int | None, keep_serving: bool, verbose: bool) -> None:
    """The one-site demo: The Harbor Ledger on 127.0.0.1."""
    from archive.demo import serve_demo

    with contextlib.ExitStack() as stack:
        try:
            base_url = stack.enter_context(serve_demo(port=DEMO_PORT if port is None else port))
        except OSError as exc:
            if port is not None:
                raise click.UsageError(
                    f"Cannot serve the demo site on 127.0.0.1:{port} ({exc.strerror}): pass "
                    "--port with a free port (0 picks one, at the price of new URLs)."
                ) from None
            click.echo(
                f"Port {DEMO_PORT} is taken (another demo?): serving on a free port; its "
                "articles get new URLs in this archive.",
                err=True,
            )
            base_url = stack.enter_context(serve_demo(port=0))
        click.echo(f"Demo site at {base_url}; crawling it into {folder} ...", err=True)
        home = site_for_url(base_url, allow_private=True, delay=0.0, concurrency=8)
        stats = start_crawl(
            sites=[dataclasses.replace(home, name=DEMO_SITE)],
            data=folder,
            blobs=blobs,
            urls=[base_url],
            allow_private=True,
            verbose=verbose,
            settings={"NEWSARCHIVE_DEMO": True},
        )
        _single_report(stats, folder)
        if keep_serving:
            click.echo(
                f"\nThe demo site stays up at {base_url} (Ctrl-C to stop). Try:\n"
                f"  newsarchive extract {base_url} --allow-private\n"
                f"  newsarchive crawl {base_url} --allow-private --data /tmp/elsewhere",
                err=True,
            )
            _wait_for_ctrl_c()


def _single_report(stats: dict[str, Any], folder: Path) -> None:
    summary = crawl_summary(stats, folder)
    print_summary(stats, folder)
    if summary["exit_code"]:
        raise SystemExit(summary["exit_code"])
    db = open_db(folder, readonly=True)
    rows = list(db.query("SELECT id, title, authors, section FROM articles ORDER BY published"))
    for row in rows:
        echo_safe(f"{row['id']:>4}  {row['title']}  —  {row['authors']}")
    click.echo(f"\n{len(rows)} articles archived. Try:", err=True)
    click.echo(f'  newsarchive search "council" --data {folder}', err=True)
    click.echo(f"  newsarchive show {rows[0]['id'] if rows else 1} --data {folder}", err=True)


def _wait_for_ctrl_c() -> None:
    """Serve until Ctrl-C or SIGTERM. Our own handlers: the finished crawl's are still
    installed, and would only ask a stopped crawl to stop (the sites would never go down)."""
    stop = threading.Event()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in signals}
    try:
        while not stop.wait(1.0):
            pass
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
