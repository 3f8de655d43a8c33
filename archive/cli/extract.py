"""The `extract` command: the article of saved pages, or of a URL fetched as a crawl would."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.options import echo_safe, emit_json, friendly_errors, json_option

URL_SCHEMES = ("http://", "https://")


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


def _read(path: Path) -> bytes:
    body = path.read_bytes()
    return gzip.decompress(body) if path.name.endswith(".gz") else body


@click.command("extract")
@click.argument("pages", nargs=-1, required=True)
@click.option("--url", default="", help="The page's URL (default: file:// of the page).")
@click.option("--out", type=click.Path(file_okay=False), help="Write one <name>.json per page.")
@click.option("--allow-private", is_flag=True, help="Let a URL reach loopback/private addresses.")
@json_option
@friendly_errors
def extract_cmd(
    pages: tuple[str, ...], url: str, out: str | None, allow_private: bool, as_json: bool
) -> None:
    """Extract the article of saved pages (.html or .html.gz files, or folders of them), or
    of a URL, fetched as a crawl fetches: through the SSRF guard, obeying robots.txt, with
    the crawl's User-Agent and size, time and redirect limits.

    Text mode prints the fields, the lead image with its caption and credit, and says when
    a page does not look like an article (exit code 1 then).

    Example:

    \b
        newsarchive extract https://news.example/2024/05/01/story.html
        newsarchive extract page.html --url https://news.example/a.html --json
        newsarchive extract saved_pages/ --out predictions/
    """
    from archive.jobs.worker import extract_capture

    urls = [p for p in pages if p.startswith(URL_SCHEMES)]
    if urls:
        if len(pages) > 1 or out:
            raise click.UsageError("Give one URL (no --out), or saved pages.")
        from archive.discovery.fetch import FetchError, fetch_page

        try:
            page = fetch_page(urls[0], allow_private=allow_private)
        except FetchError as exc:
            click.echo(f"Error: {exc}", err=True)
            raise SystemExit(exc.exit_code) from None
        result = extract_capture(page.body, page.final_url, page.content_type)
        _print(_record(result, page.final_url), result.is_article, as_json)
        if not result.is_article:
            raise SystemExit(1)
        return
    files = _pages(pages)
    if not out and len(files) > 1:
        raise click.UsageError("Several pages: pass --out DIR to write one JSON per page.")
    with click.progressbar(files, label="Extracting", file=sys.stderr) as bar:
        for path in bar:
            page_url = url or path.resolve().as_uri()
            result = extract_capture(_read(path), page_url)
            record = _record(result, page_url)
            if out:
                Path(out).mkdir(parents=True, exist_ok=True)
                (Path(out) / f"{_stem(path)}.json").write_text(
                    json.dumps(record, ensure_ascii=False, indent=1)
                )
            else:
                _print(record, result.is_article, as_json)


def _record(result: Any, page_url: str) -> dict[str, Any]:
    record: dict[str, Any] = result.article.to_dict() if result.article else {"url": page_url}
    if result.error:
        record["error"] = result.error
    return record


def _print(record: dict[str, Any], is_article: bool, as_json: bool) -> None:
    if as_json:
        emit_json({**record, "is_article": is_article})
        return
    if not is_article:
        echo_safe(
            f"Note: {record.get('url')} does not look like an article (no article-length "
            "text, or the markup of a front or section page); the fields below are a guess."
        )
    for key in ("title", "authors", "published", "section", "subtitle"):
        value = record.get(key)
        text = ", ".join(value) if isinstance(value, list) else value
        echo_safe(f"{key}: {text or '-'}")
    images = record.get("images") or []
    if images:
        lead = images[0]
        echo_safe(f"lead image: {lead.get('url')}")
        echo_safe(f"  caption: {lead.get('caption') or '-'}")
        echo_safe(f"  credit: {lead.get('credit') or '-'}")
    else:
        echo_safe("lead image: -")
    echo_safe(f"\n{record.get('body', '')}")
