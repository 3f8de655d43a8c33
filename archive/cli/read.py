"""Read-side commands of the CLI: search, show, extract."""

from __future__ import annotations

import csv
import difflib
import gzip
import itertools
import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.options import data_option, emit_json, filter_options, friendly_errors, json_option
from archive.db.connection import data_dir, open_db
from archive.db.search import SearchFilters, find_article, search

SEARCH_CSV_COLUMNS = ("id", "published", "site", "section", "title", "authors", "url", "snippet")


@click.command("search")
@click.argument("query")
@data_option
@click.option("--limit", type=int, default=20, show_default=True)
@filter_options
@click.option("--order", type=click.Choice(["relevance", "date"]), default="relevance")
@click.option(
    "--one-per-cluster", is_flag=True, help="Only the best match of each group of copies."
)
@json_option
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV with a header row.")
@friendly_errors
def search_cmd(
    query: str,
    data: str | None,
    limit: int,
    site: str | None,
    author: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    language: str | None,
    order: str,
    one_per_cluster: bool,
    as_json: bool,
    as_csv: bool,
) -> None:
    """Full-text search over titles, subtitles, authors and bodies (SQLite FTS5 syntax).

    Exit code 1 when nothing matches.

    Example:

    \b
        newsarchive search '"city council" budget' --since 2024-05-01 --json
        newsarchive search 'seawall bond' --one-per-cluster
    """
    db = open_db(data_dir(data), create=False)
    filters = SearchFilters(site, author, section, since, until, language)
    rows = search(
        db, query, limit=limit, filters=filters, order=order, one_per_cluster=one_per_cluster
    )
    if as_json:
        emit_json(rows)
    elif as_csv:
        write_csv_rows(rows)
    else:
        for row in rows:
            authors = ", ".join(row["authors"]) or "-"
            click.echo(f"{row['id']:>6}  {row['published'][:10] or '?':10}  {row['title']}")
            click.echo(f"        {authors} · {row['url']}")
            click.echo(f"        {highlight(row['snippet'])}")
    if not rows:
        click.echo(f"No article matches {query!r}.", err=True)
        raise SystemExit(1)


def write_csv_rows(rows: list[dict[str, Any]]) -> None:
    """Search hits as CSV on stdout (authors joined with "; ")."""
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(SEARCH_CSV_COLUMNS)
    for row in rows:
        values = {**row, "authors": "; ".join(row["authors"])}
        out.writerow([values.get(col) for col in SEARCH_CSV_COLUMNS])


def highlight(snippet: str) -> str:
    """The snippet's [matches] in bold on a terminal (click drops the style elsewhere)."""
    return re.sub(r"\[([^\[\]]*)\]", lambda m: click.style(m[0], bold=True), snippet or "")


@click.command()
@click.argument("id_or_url")
@data_option
@click.option("--versions", is_flag=True, help="Show every version with a text diff.")
@json_option
@friendly_errors
def show(id_or_url: str, data: str | None, versions: bool, as_json: bool) -> None:
    """Show one article by id or URL, with its captures (and --versions history).

    Example:

    \b
        newsarchive show 12 --versions
        newsarchive show https://news.example/2024/05/01/story.html --json
    """
    db = open_db(data_dir(data), create=False)
    article = find_article(db, id_or_url)
    if article is None:
        click.echo(f"No article {id_or_url!r} in the archive.", err=True)
        raise SystemExit(1)
    if as_json:
        emit_json(article)
        return
    click.echo(click.style(article["title"] or "(no title)", bold=True))
    if article["subtitle"]:
        click.echo(article["subtitle"])
    click.echo(f"By {', '.join(article['authors']) or '?'} · {article['published'] or '?'}")
    click.echo(f"{article['url']}  [{article['section'] or '-'}] v{article['version']}")
    for image in article["images"]:
        click.echo(
            f"Image: {image['url']}\n  {image['caption']} ({image['credit'] or 'no credit'})"
        )
    click.echo("")
    click.echo(article["body"])
    click.echo(f"\n{len(article['captures'])} capture(s):")
    for cap in article["captures"]:
        click.echo(f"  {cap['fetched_at']}  {cap['status']}  {cap['sha256'][:12]}  {cap['url']}")
    if article["cluster"]:
        click.echo(f"\nAlso published as ({len(article['cluster'])} other article(s)):")
        for other in article["cluster"]:
            how = f"{other['reason']} {other['similarity'] or ''}" if other["reason"] else "cluster"
            click.echo(
                f"  {other['id']:>6}  {other['site'] or '?'}  [{how.strip()}]  {other['url']}"
            )
    if versions:
        olds = article["versions"]
        for before, after in itertools.pairwise(olds):
            click.echo(f"\n--- v{before['version']} ({before['seen_at']})")
            click.echo(f"+++ v{after['version']} ({after['seen_at']})")
            diff = difflib.unified_diff(
                f"{before['title']}\n{before['body']}".splitlines(),
                f"{after['title']}\n{after['body']}".splitlines(),
                lineterm="",
                n=1,
            )
            for line in list(diff)[2:]:
                click.echo(line)


def _pages(paths: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.iterdir() if p.name.endswith((".html", ".html.gz")))
        elif path.is_file():
            found.append(path)
        else:
            raise click.BadParameter(f"No such file or folder: {raw}", param_hint="PAGE")
    return found


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".html.gz", ".htm.gz", ".html", ".htm"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


@click.command("extract")
@click.argument("pages", nargs=-1, required=True)
@click.option("--url", default="", help="The page's URL (default: file:// of the page).")
@click.option("--out", type=click.Path(file_okay=False), help="Write one <name>.json per page.")
@json_option
def extract_cmd(pages: tuple[str, ...], url: str, out: str | None, as_json: bool) -> None:
    """Extract the article of saved pages (.html or .html.gz files, or folders of them).

    Example:

    \b
        newsarchive extract page.html --url https://news.example/a.html --json
        newsarchive extract saved_pages/ --out predictions/
    """
    from archive.jobs.worker import extract_capture

    files = _pages(pages)
    if not out and len(files) > 1:
        raise click.UsageError("Several pages: pass --out DIR to write one JSON per page.")
    with click.progressbar(files, label="Extracting", file=sys.stderr) as bar:
        for path in bar:
            body = path.read_bytes()
            if path.name.endswith(".gz"):
                body = gzip.decompress(body)
            page_url = url or path.resolve().as_uri()
            result = extract_capture(body, page_url)
            record = result.article.to_dict() if result.article else {"url": page_url}
            if result.error:
                record["error"] = result.error
            if out:
                Path(out).mkdir(parents=True, exist_ok=True)
                (Path(out) / f"{_stem(path)}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=1)
                )
            elif as_json:
                emit_json(record)
            else:
                for key in ("title", "authors", "published", "section", "subtitle"):
                    click.echo(f"{key}: {record.get(key)}")
                click.echo(f"\n{record.get('body', '')}")
