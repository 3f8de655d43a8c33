"""What the CLI's commands share: options, error handling, JSON output, one progress bar."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from archive.errors import NewsarchiveError
from archive.storage import BlobStore, open_blob_store
from archive.storage.spool import spool_dir

F = TypeVar("F", bound=Callable[..., Any])


def data_option(func: F) -> F:
    return click.option(
        "--data",
        "data",
        type=click.Path(file_okay=False),
        default=None,
        envvar="NEWSARCHIVE_DATA",
        show_envvar=True,
        help="Data folder holding news.db and raw/ (default ./data).",
    )(func)


def blobs_option(func: F) -> F:
    return click.option(
        "--blobs",
        envvar="NEWSARCHIVE_BLOBS",
        show_envvar=True,
        default="",
        help="Raw store URI: a folder or s3://bucket/prefix (default DATA/raw).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def filter_options(func: F) -> F:
    """The article filters of `search`, `export` and the like (see `archive.db.search`)."""
    options = [
        click.option("--site", default=None, help="Only this site."),
        click.option("--author", default=None, help="Only articles by an author (substring)."),
        click.option("--section", default=None, help="Only this section."),
        click.option("--since", metavar="YYYY-MM-DD", default=None, help="Published on/after."),
        click.option("--until", metavar="YYYY-MM-DD", default=None, help="Published on/before."),
        click.option("--language", default=None, help="Only this language (en matches en-US)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def friendly_errors(func: F) -> F:
    """Turn the archive's own errors into one-line messages with their exit code (2)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except NewsarchiveError as exc:
            raise click.UsageError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def emit_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def open_store(data: Path, blobs: str) -> BlobStore:
    """The data folder's blob store, checked (a missing bucket or bad credentials fail here)."""
    store = open_blob_store(blobs or str(data / "raw"), spool=spool_dir(data))
    store.check()
    return store


@contextmanager
def progress_bar(label: str, length: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal; elsewhere an update that does nothing."""
    if not sys.stderr.isatty():
        yield lambda _n: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield bar.update
