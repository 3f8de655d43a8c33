"""Research commands of the CLI: export, serve (Datasette), stats."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from archive.cli.options import (
    blobs_option,
    data_option,
    emit_json,
    filter_options,
    friendly_errors,
    json_option,
    open_store,
    progress_bar,
)
from archive.db.connection import data_dir, open_db
from archive.db.search import SearchFilters
from archive.research.export import FORMATS, count_rows, export_articles, export_warc


@contextlib.contextmanager
def _output(path: str | None, binary: bool) -> Iterator[IO[bytes]]:
    if path and path != "-":
        tmp = Path(f"{path}.part")
        try:
            with tmp.open("wb") as fh:
                yield fh
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return
    if binary and sys.stdout.isatty():
        raise click.UsageError("Binary output to a terminal: pass -o FILE or redirect stdout.")
    yield sys.stdout.buffer
    sys.stdout.buffer.flush()


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="jsonl", show_default=True)
@click.option("-o", "--output", default=None, help="Output file (default: stdout).")
@click.option("--versions", is_flag=True, help="One row per article version, not per article.")
@filter_options
@click.option("--query", "-q", default="", help="Only articles matching a full-text query.")
@data_option
@blobs_option
@friendly_errors
def export_cmd(
    fmt: str,
    output: str | None,
    versions: bool,
    site: str | None,
    author: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    language: str | None,
    query: str,
    data: str | None,
    blobs: str,
) -> None:
    """Export articles as CSV, JSON lines or Parquet, or their captures as WARC.

    One row per article (or per version with --versions) with provenance columns:
    captured_at, blob_key, sha256, extractor_version, cluster_id. WARC writes one response
    record per capture, with the raw bytes from the blob store. Streams: memory stays flat.

    Example:

    \b
        newsarchive export --format parquet -o articles.parquet --since 2024-05-01
        newsarchive export --format csv --site harbor --versions > versions.csv
        newsarchive export --format warc -o archive.warc.gz
    """
    folder = data_dir(data)
    db = open_db(folder, create=False)
    filters = SearchFilters(site, author, section, since, until, language)
    if fmt == "warc" and versions:
        raise click.UsageError("--versions does not apply to WARC (it has every capture).")
    total = count_rows(db, filters=filters, query=query, versions=versions, captures=fmt == "warc")
    store = open_store(folder, blobs) if fmt == "warc" else None
    with (
        _output(output, binary=fmt in ("parquet", "warc")) as out,
        progress_bar(f"Exporting {fmt}", total) as progress,
    ):
        if store is not None:
            n = export_warc(db, out, store, filters=filters, query=query, progress=progress)
        else:
            n = export_articles(
                db, out, fmt, filters=filters, query=query, versions=versions, progress=progress
            )
    what = "captures" if fmt == "warc" else "versions" if versions else "articles"
    click.echo(f"Exported {n} {what} as {fmt} to {output or 'stdout'}.", err=True)


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port (0: any free).")
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED)
@friendly_errors
def serve_cmd(data: str | None, host: str, port: int, datasette_args: tuple[str, ...]) -> None:
    """Browse and query the archive in Datasette: full-text search on articles, table and
    column descriptions, canned queries (articles per day, top authors, photo credits by
    agency, syndicated clusters). Extra arguments after -- go to `datasette serve`.

    Example:

    \b
        newsarchive serve --data ./data --port 8001
        newsarchive serve -- --setting default_page_size 50
    """
    from archive.research.serve import datasette_argv

    db = open_db(data_dir(data), create=False)  # migrated, so every table is there
    db_path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2])
    db.close()
    argv = datasette_argv(db_path, host=host, port=port, extra=datasette_args)
    click.echo(f"Datasette on http://{host}:{port}/news (Ctrl-C to stop)", err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(argv[0], argv)  # noqa: S606 - our own interpreter running datasette


@click.command("stats")
@data_option
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also draw articles per day per site and fill rates per crawl to a PNG.",
)
@json_option
@friendly_errors
def stats_cmd(data: str | None, plot_path: str | None, as_json: bool) -> None:
    """Fill rates of title, authors, date, body and image credit, per site and per crawl,
    with a warning when a site's rate drops sharply from its previous runs.

    Exit code 1 when a regression is found.

    Example:

    \b
        newsarchive stats --data ./data --plot health.png
    """
    from archive.research.health import FIELDS, crawl_fill_rates, regressions, site_fill_rates

    db = open_db(data_dir(data), create=False)
    sites, runs = site_fill_rates(db), crawl_fill_rates(db)
    found = regressions(runs)
    if plot_path:
        from archive.research.health import plot

        plot(db, plot_path)
        click.echo(f"Plot written to {plot_path}", err=True)
    if as_json:
        emit_json(
            {
                "sites": [s.to_dict() for s in sites],
                "crawls": [r.to_dict() for r in runs],
                "warnings": [w.to_dict() for w in found],
            }
        )
    else:
        header = f"{'site':24} {'crawl':>5} {'articles':>8} " + " ".join(
            f"{name[:12]:>12}" for name in FIELDS
        )

        def pct(value: float | None) -> str:
            return f"{'-' if value is None else f'{value:.0%}':>12}"

        click.echo(header)
        labelled = [(row, "all") for row in sites] + [(r, str(r.crawl_id or "-")) for r in runs]
        for row, crawl in labelled:
            rates = " ".join(pct(row.rates[name]) for name in FIELDS)
            click.echo(f"{row.site[:24]:24} {crawl:>5} {row.articles:>8} {rates}")
    for warning in found:
        click.echo(f"WARNING {warning.message}", err=True)
    if found:
        raise SystemExit(1)
