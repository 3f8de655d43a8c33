"""What the CLI's commands share: options, error handling, JSON output, one progress bar."""

from __future__ import annotations

import functools
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from sqlite_utils import Database

from archive.db.connection import data_dir, open_db
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


def split_names(values: tuple[str, ...] | list[str] | str | None) -> list[str]:
    """`--site a,b --site c` -> ["a", "b", "c"] (order kept, duplicates dropped)."""
    if not values:
        return []
    parts = [values] if isinstance(values, str) else list(values)
    names = [name.strip() for part in parts for name in part.split(",")]
    return list(dict.fromkeys(name for name in names if name))


def site_names_option(help_text: str) -> Callable[[F], F]:
    """`--site NAME`, repeatable and comma-separated, the same in every command."""
    return click.option("--site", "site_names", multiple=True, metavar="NAME", help=help_text)


def filter_options(func: F) -> F:
    """The article filters of `search`, `export` and the like (see `archive.db.search`)."""
    options = [
        click.option(
            "--site", multiple=True, metavar="NAME", help="Only these sites (repeat, or a,b)."
        ),
        click.option("--author", default=None, help="Only articles by an author (substring)."),
        click.option("--section", default=None, help="Only this section."),
        click.option("--since", metavar="YYYY-MM-DD", default=None, help="Published on/after."),
        click.option("--until", metavar="YYYY-MM-DD", default=None, help="Published on/before."),
        click.option("--language", default=None, help="Only this language (en matches en-US)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


# C0/C1 controls (not newline or tab), and the bidi embeddings, overrides and isolates that
# can make a terminal show text in another order than it is stored
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_safe(value: object) -> str:
    """Text from the archive (that is, from web pages) as it may be printed: control
    characters and bidi overrides shown as escapes (\\x1b, \\u202e), never acted on."""
    text = "" if value is None else str(value)
    return _UNSAFE.sub(lambda m: m[0].encode("unicode_escape").decode("ascii"), text)


def echo_safe(value: object = "", **kwargs: Any) -> None:
    click.echo(terminal_safe(value), **kwargs)


def _more_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    """`-v` after a subcommand means what it means before it."""
    if not value:
        return
    root = ctx.find_root()
    root.ensure_object(dict)
    root.obj["verbose"] = root.obj.get("verbose", 0) + value
    level = max(logging.WARNING - 10 * root.obj["verbose"], logging.DEBUG)
    logger = logging.getLogger()
    for handler in logger.handlers:
        if getattr(handler, "newsarchive_cli", False):
            handler.setLevel(level)
    logger.setLevel(min(logger.level or logging.WARNING, level))


def add_verbose_option(command: click.Command) -> None:
    command.params.append(
        click.Option(
            ["-v", "--verbose"],
            count=True,
            expose_value=False,
            callback=_more_verbose,
            help="More log output on stderr (-vv for debug).",
        )
    )


def one_output_format(**flags: bool) -> None:
    """--json, --csv, --nl ...: at most one."""
    given = [f"--{name}" for name, on in flags.items() if on]
    if len(given) > 1:
        raise click.UsageError(f"{' and '.join(given)} exclude each other: pick one output.")


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


def exit_on_errors(errors: Mapping[str, str], label: str, *, hint: str = "") -> None:
    """The tail of a command over many bodies: each error on stderr as `LABEL SHA: REASON`,
    sorted, then `hint` and exit code 1 if there was any."""
    for sha, reason in sorted(errors.items()):
        click.echo(f"{label} {sha}: {reason}", err=True)
    if errors:
        if hint:
            click.echo(hint, err=True)
        raise SystemExit(1)


def open_read_db(data: str | Path | None) -> Database:
    """The archive opened read-only, for the read-side commands: they work on a read-only
    copy, and never create or migrate an archive."""
    return open_db(data_dir(data), readonly=True)


def raw_csv_option(func: F) -> F:
    return click.option(
        "--raw-csv",
        is_flag=True,
        help="Keep CSV cells as stored (by default a cell starting with = + - @ gets a ').",
    )(func)


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
