"""Research commands of the CLI: export, serve (Datasette), stats."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
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
    open_read_db,
    progress_bar,
    raw_csv_option,
    split_names,
)
from archive.db.connection import data_dir, db_path, needs_immutable
from archive.db.search import SearchFilters, check_sites
from archive.research.export import FORMATS, count_rows, export_articles, export_warc
from archive.storage import open_blob_store

EXTENSIONS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".jsonlines": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".warc": "warc",
    ".warc.gz": "warc",
}


def format_for(output: str | None, fmt: str | None) -> str:
    """--format, else the one -o's extension names, else jsonl; a mismatch is refused."""
    name = (output or "").lower()
    implied = next((f for ext, f in EXTENSIONS.items() if name.endswith(ext)), None)
    if fmt and implied and fmt != implied:
        raise click.UsageError(
            f"--format {fmt} does not match {output!r}, which names a {implied} file: "
            f"drop --format, or name the file for {fmt}."
        )
    return fmt or implied or "jsonl"


def output_folder(path: str | Path) -> Path:
    """The folder a file is to be written in, created if missing (a clear error if not)."""
    folder = Path(path).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise click.UsageError(f"Cannot create the folder {folder}: {exc.strerror}.") from None
    return folder


@contextlib.contextmanager
def _output(path: str | None, binary: bool) -> Iterator[IO[bytes]]:
    if path and path != "-":
        folder = output_folder(path)
        # a new file of our own (O_EXCL, a random name): a symlink planted beside the target
        # is never followed; the export appears under its name only once complete
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{Path(path).name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as fh:
                yield fh
            tmp.chmod(0o666 & ~_umask())  # as an open() would have made it
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        return
    if binary and sys.stdout.isatty():
        raise click.UsageError("Binary output to a terminal: pass -o FILE or redirect stdout.")
    yield sys.stdout.buffer
    sys.stdout.buffer.flush()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: from -o's extension, else jsonl).",
)
@click.option(
    "-o", "--output", default=None, help="Output file (default: stdout); its folder is created."
)
@click.option("--versions", is_flag=True, help="One row per article version, not per article.")
@filter_options
@click.option("--query", "-q", default="", help="Only articles matching a full-text query.")
@data_option
@blobs_option
@raw_csv_option
@friendly_errors
def export_cmd(
    fmt: str | None,
    output: str | None,
    versions: bool,
    site: tuple[str, ...],
    author: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    language: str | None,
    query: str,
    data: str | None,
    blobs: str,
    raw_csv: bool,
) -> None:
    """Export articles as CSV, JSON lines or Parquet, or their captures as WARC.

    One row per article (or per version with --versions) with provenance columns:
    captured_at, blob_key, sha256, extractor_version, cluster_id. WARC writes one response
    record per capture, with the raw bytes from the blob store. Streams: memory stays flat.
    The format follows -o's extension unless --format says otherwise. CSV cells that start
    like a spreadsheet formula (= + - @) get a leading ' (--raw-csv keeps them as stored).

    Example:

    \b
        newsarchive export --format parquet -o articles.parquet --since 2024-05-01
        newsarchive export --format csv --site harbor --versions > versions.csv
        newsarchive export --format warc -o archive.warc.gz
    """
    folder = data_dir(data)
    fmt = format_for(output, fmt)
    db = open_read_db(folder)
    sites = split_names(site)
    check_sites(db, sites)
    filters = SearchFilters(sites, author, section, since, until, language)
    if fmt == "warc" and versions:
        raise click.UsageError("--versions does not apply to WARC (it has every capture).")
    total = count_rows(db, filters=filters, query=query, versions=versions, captures=fmt == "warc")
    store = open_blob_store(blobs or str(folder / "raw")) if fmt == "warc" else None
    with (
        _output(output, binary=fmt in ("parquet", "warc")) as out,
        progress_bar(f"Exporting {fmt}", total) as progress,
    ):
        if store is not None:
            n = export_warc(db, out, store, filters=filters, query=query, progress=progress)
        else:
            n = export_articles(
                db,
                out,
                fmt,
                filters=filters,
                query=query,
                versions=versions,
                progress=progress,
                raw_csv=raw_csv,
            )
    what = "captures" if fmt == "warc" else "versions" if versions else "articles"
    click.echo(f"Exported {n} {what} as {fmt} to {output or 'stdout'}.", err=True)


@click.command("serve")
@data_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port (0: any free).")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="A DNS name browsers may use to reach the server (IP addresses and localhost always).",
)
@click.argument("datasette_args", nargs=-1, type=click.UNPROCESSED)
@friendly_errors
def serve_cmd(
    data: str | None,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    datasette_args: tuple[str, ...],
) -> None:
    """Browse and query the archive in Datasette: full-text search on articles, table and
    column descriptions, canned queries (articles per day, top authors, photo credits by
    agency, syndicated clusters). Extra arguments after -- go to `datasette serve`.

    The archive is opened read-only (a read-only copy works). Requests must name the
    server by an IP address, localhost or an --allow-host name, so that a web page whose
    DNS name is rebound to this address cannot read the archive.

    Example:

    \b
        newsarchive serve --data ./data --port 8001
        newsarchive serve -- --setting default_page_size 50
    """
    from archive.research.serve import HOSTS_ENV, datasette_argv, is_loopback

    folder = data_dir(data)
    open_read_db(folder).close()  # exists and is readable; nothing is created or migrated
    path = db_path(folder).resolve()
    argv = datasette_argv(
        path, host=host, port=port, extra=datasette_args, immutable=needs_immutable(folder)
    )
    if not is_loopback(host):
        click.echo(
            f"WARNING: serving on {host}: anyone who can reach this address can read the "
            "whole archive and run read-only SQL on it. Use --host 127.0.0.1 (the default) "
            "unless that is what you want.",
            err=True,
        )
    click.echo(f"Datasette on http://{host}:{port}/news (Ctrl-C to stop)", err=True)
    os.environ[HOSTS_ENV] = ",".join(allow_hosts)  # read by the guard plugin
    from datasette.cli import cli as datasette_cli

    datasette_cli.main(args=argv[3:], prog_name="datasette")  # in this process: `serve ...`


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

    db = open_read_db(data)
    sites, runs = site_fill_rates(db), crawl_fill_rates(db)
    found = regressions(runs)
    if plot_path:
        from archive.research.health import plot

        output_folder(plot_path)
        plot(db, plot_path, title=str(data_dir(data)))
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
