"""The `newsarchive` command line: data on stdout, logs on stderr, exit codes that mean something.

Exit codes: 0 success, 1 the work found a problem (nothing found, a check failed), 2 bad usage
or configuration.
"""

from __future__ import annotations

import logging
import sys

import click

from archive import __version__
from archive.cli import crawl, demo, extract, ops, read, reextract, research, storage
from archive.cli.options import add_verbose_option


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="newsarchive")
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, verbose: int) -> None:
    """Crawl news sites into a raw-first archive, and search, export and re-extract it.

    Example:

    \b
        newsarchive demo --data /tmp/demo
        newsarchive search "harbor council" --data /tmp/demo
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.newsarchive_cli = True  # type: ignore[attr-defined]  # `-v` after a command finds it
    handler.setLevel(max(logging.WARNING - 10 * verbose, logging.DEBUG))
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(min(root.level or logging.WARNING, handler.level))
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = ctx.obj.get("verbose", 0) + verbose


for command in (
    crawl.crawl,
    demo.demo,
    read.search_cmd,
    read.show,
    extract.extract_cmd,
    reextract.reextract_cmd,
    research.export_cmd,
    research.serve_cmd,
    research.stats_cmd,
    storage.sync,
    storage.verify,
    storage.rebuild_cmd,
    storage.recompress,
    ops.schedule,
    ops.run_due,
    ops.ingest,
):
    add_verbose_option(command)
    cli.add_command(command)
