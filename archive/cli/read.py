"""Read-side commands of the CLI: search, show, extract."""

from __future__ import annotations

import csv
import difflib
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.options import (
    blobs_option,
    data_option,
    echo_safe,
    emit_json,
    filter_options,
    friendly_errors,
    json_option,
    one_output_format,
    open_read_db,
    raw_csv_option,
    split_names,
    terminal_safe,
)
from archive.db.connection import data_dir
from archive.db.search import SearchFilters, check_sites, find_article, search
from archive.research.export import csv_cell

SEARCH_CSV_COLUMNS = ("id", "published", "site", "section", "title", "authors", "url", "snippet")


@click.command("search")
@click.argument("query", required=False, default="")
@data_option
@click.option("--limit", type=int, default=20, show_default=True)
@filter_options
@click.option("--order", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option(
    "--one-per-cluster", is_flag=True, help="Only the best match of each group of copies."
)
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row.")
@click.option("--nl", "as_nl", is_flag=True, help="Print JSON lines (one hit per line).")
@raw_csv_option
@friendly_errors
def search_cmd(
    query: str,
    data: str | None,
    limit: int,
    site: tuple[str, ...],
    author: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    language: str | None,
    order: str,
    one_per_cluster: bool,
    as_json: bool,
    as_csv: bool,
    as_nl: bool,
    raw_csv: bool,
) -> None:
    """Full-text search over titles, subtitles, authors and bodies.

    Plain words just work, punctuation and all (O'Brien, harbor-master, $14.2, C++); FTS5
    syntax too: "exact phrases", AND/OR/NOT, prefix*, title:word. Without a query, lists
    the articles the filters select, newest first. Exit code 1 when nothing matches.

    Example:

    \b
        newsarchive search '"city council" budget' --since 2024-05-01 --json
        newsarchive search 'seawall bond' --one-per-cluster
        newsarchive search --site harbor,ledger --section politics --nl
    """
    one_output_format(json=as_json, csv=as_csv, nl=as_nl)
    db = open_read_db(data)
    sites = split_names(site)
    check_sites(db, sites)
    filters = SearchFilters(sites, author, section, since, until, language)
    rows = search(
        db, query, limit=limit, filters=filters, order=order, one_per_cluster=one_per_cluster
    )
    if as_json:
        emit_json(rows)
    elif as_nl:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
    elif as_csv:
        write_csv_rows(rows, raw=raw_csv)
    else:
        for row in rows:
            authors = ", ".join(row["authors"]) or "-"
            echo_safe(f"{row['id']:>6}  {row['published'][:10] or '?':10}  {row['title']}")
            echo_safe(f"        {authors} · {row['url']}")
            if row["snippet"]:
                click.echo(f"        {highlight(terminal_safe(row['snippet']))}")
    if not rows:
        what = f"matches {query!r}" if query.strip() else "matches these filters"
        click.echo(f"No article {what}.", err=True)
        raise SystemExit(1)


def write_csv_rows(rows: list[dict[str, Any]], *, raw: bool = False) -> None:
    """Search hits as CSV on stdout (authors joined with "; "; formula-like cells quoted
    unless `raw`)."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(SEARCH_CSV_COLUMNS)
    for row in rows:
        values = {**row, "authors": "; ".join(row["authors"])}
        out.writerow([csv_cell(values.get(col), raw=raw) for col in SEARCH_CSV_COLUMNS])


def highlight(snippet: str) -> str:
    """The snippet's [matches] in bold on a terminal (click drops the style elsewhere)."""
    return re.sub(r"\[([^\[\]]*)\]", lambda m: click.style(m[0], bold=True), snippet or "")


@click.command()
@click.argument("id_or_url")
@data_option
@click.option("--versions", is_flag=True, help="Show every version with a text diff.")
@json_option
@click.option(
    "--raw",
    "raw_path",
    metavar="FILE",
    default=None,
    help="Write the stored HTML of the article's current capture to FILE (- for stdout).",
)
@blobs_option
@friendly_errors
def show(
    id_or_url: str,
    data: str | None,
    versions: bool,
    as_json: bool,
    raw_path: str | None,
    blobs: str,
) -> None:
    """Show one article by id or URL, with its captures (and --versions history).

    Text from the pages is printed with control characters and bidi overrides escaped.

    Example:

    \b
        newsarchive show 12 --versions
        newsarchive show https://news.example/2024/05/01/story.html --json
        newsarchive show 12 --raw page.html
    """
    db = open_read_db(data)
    article = find_article(db, id_or_url)
    if article is None:
        click.echo(f"No article {id_or_url!r} in the archive.", err=True)
        raise SystemExit(1)
    if raw_path:
        _write_raw(article, data_dir(data), blobs, raw_path)
        return
    if as_json:
        emit_json(article)
        return
    click.echo(click.style(terminal_safe(article["title"] or "(no title)"), bold=True))
    if article["subtitle"]:
        echo_safe(article["subtitle"])
    echo_safe(f"By {', '.join(article['authors']) or '?'} · {article['published'] or '?'}")
    echo_safe(f"{article['url']}  [{article['section'] or '-'}] v{article['version']}")
    for image in article["images"]:
        echo_safe(f"Image: {image['url']}\n  {image['caption']} ({image['credit'] or 'no credit'})")
    echo_safe("")
    echo_safe(article["body"])
    echo_safe(f"\n{len(article['captures'])} capture(s):")
    for cap in article["captures"]:
        echo_safe(f"  {cap['fetched_at']}  {cap['status']}  {cap['sha256'][:12]}  {cap['url']}")
    if article["cluster"]:
        echo_safe(f"\nAlso published as ({len(article['cluster'])} other article(s)):")
        for other in article["cluster"]:
            how = f"{other['reason']} {other['similarity'] or ''}" if other["reason"] else "cluster"
            echo_safe(
                f"  {other['id']:>6}  {other['site'] or '?'}  [{how.strip()}]  {other['url']}"
            )
    if versions:
        olds = article["versions"]
        for before, after in itertools.pairwise(olds):
            echo_safe(f"\n--- v{before['version']} ({before['seen_at']})")
            echo_safe(f"+++ v{after['version']} ({after['seen_at']})")
            diff = difflib.unified_diff(
                f"{before['title']}\n{before['body']}".splitlines(),
                f"{after['title']}\n{after['body']}".splitlines(),
                lineterm="",
                n=1,
            )
            for line in list(diff)[2:]:
                echo_safe(line)


def _write_raw(article: dict[str, Any], folder: Path, blobs: str, raw_path: str) -> None:
    """The stored body of the article's current capture, as fetched (decompressed)."""
    from archive.storage import open_blob_store

    current = [c for c in article["captures"] if c["id"] == article.get("capture_id")]
    capture = (current or article["captures"] or [None])[-1]
    if capture is None or not capture["sha256"]:
        raise click.ClickException(f"Article {article['id']} has no stored capture.")
    store = open_blob_store(blobs or str(folder / "raw"))
    body = store.get(capture["sha256"])
    if raw_path == "-":
        sys.stdout.buffer.write(body)
        sys.stdout.buffer.flush()
        return
    Path(raw_path).write_bytes(body)
    click.echo(
        f"Wrote {len(body)} bytes of capture {capture['id']} ({capture['url']}) to {raw_path}",
        err=True,
    )
