"""The `reextract` command: the current extractor over the archive's raw captures."""

from __future__ import annotations

import sys
import time
from datetime import date

import click

from archive.cli.options import (
    blobs_option,
    data_option,
    emit_json,
    exit_on_errors,
    friendly_errors,
    json_option,
    open_store,
    split_names,
)
from archive.db.connection import data_dir, open_db
from archive.db.search import check_sites
from archive.sites import load_sites


def _day(value: str | None, name: str) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a day: use YYYY-MM-DD", param_hint=name
        ) from None


@click.command("reextract")
@click.option(
    "--site",
    "sites",
    multiple=True,
    metavar="NAME",
    help="Only captures of this site (repeat, or a,b).",
)
@click.option("--since", metavar="YYYY-MM-DD", help="Only captures fetched on or after this day.")
@click.option("--until", metavar="YYYY-MM-DD", help="Only captures fetched on or before this day.")
@click.option(
    "--older-than-version",
    "older_than",
    metavar="V",
    help="Only captures whose newest extraction is older than extractor version V.",
)
@click.option("--workers", type=int, default=0, help="Extraction processes (default: cores).")
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(dir_okay=False),
    help="A sites.toml whose [site.overrides] to use (and record) instead of the crawl's.",
)
@click.option("--force", is_flag=True, help="Also captures already extracted by this version so.")
@data_option
@blobs_option
@json_option
@friendly_errors
def reextract_cmd(
    sites: tuple[str, ...],
    since: str | None,
    until: str | None,
    older_than: str | None,
    workers: int,
    sites_file: str | None,
    force: bool,
    data: str | None,
    blobs: str,
    as_json: bool,
) -> None:
    """Re-run the current extractor on stored raw captures and record new extraction rows.

    Old extraction rows are never overwritten; articles' current fields follow the new
    extraction without a new version (a re-extraction is not an edit of the page). Captures
    already extracted by this extractor version with the site overrides now in force are
    skipped (--force takes them too), so a second run does nothing and an interrupted run
    continues where it stopped; changing a site's [site.overrides] (given with --sites, or
    by a crawl with the new sites.toml) makes its pages due again. Prints how many pages
    changed, per field, with examples. Exit code 1 if some bodies could not be read.

    Example:

    \b
        newsarchive reextract --data ./data --site harbor --since 2024-05-01
        newsarchive reextract --sites sites.toml --site harbor
        newsarchive reextract --blobs s3://news-raw/raw --older-than-version 0.9.0 --json
    """
    from archive.db.crawlstate import register_sites
    from archive.jobs.reextract import (
        ReextractReport,
        Selection,
        count_selected,
        reextract,
        site_overrides,
        site_versions,
    )

    folder = data_dir(data)
    db = open_db(folder)
    check_sites(db, split_names(sites), captures=True)
    overrides = site_overrides(db)
    if sites_file:
        configured = load_sites(sites_file)
        overrides.update({s.name: dict(s.overrides) for s in configured})
        register_sites(db, (s.to_dict() for s in configured))  # the overrides now in force
    store = open_store(folder, blobs)
    selection = Selection(
        sites=split_names(sites),
        since=_day(since, "--since"),
        until=_day(until, "--until"),
        older_than=older_than or "",
        force=force,
    )
    report = ReextractReport()
    selection.versions = site_versions(report.version, overrides)
    total = count_selected(db, selection, report.version)
    click.echo(f"{total} captures to re-extract with extractor {report.version}.", err=True)
    started = time.monotonic()
    done = 0

    def rate(_: object) -> str:
        seconds = time.monotonic() - started
        return f"{done / seconds:.1f} pages/s" if seconds > 0 and done else ""

    with click.progressbar(
        length=total, label="Re-extracting", file=sys.stderr, show_eta=True, item_show_func=rate
    ) as bar:

        def progress(n: int) -> None:
            nonlocal done
            done += n
            bar.update(n, done)

        reextract(
            store,
            db,
            selection,
            workers=workers,
            progress=progress,
            report=report,
            overrides=overrides,
        )
    in_force = {
        site: selection.versions[site]
        for site in overrides
        if site in selection.versions and (not selection.sites or site in selection.sites)
    }
    if as_json:
        emit_json({**report.to_dict(), "overrides": in_force})
    else:
        _summary(report)
        for site, version in sorted(in_force.items()):
            names = ", ".join(sorted(overrides[site]))
            click.echo(f"Site overrides in force for {site}: {names} (recorded as {version}).")
    exit_on_errors(report.errors, "Not read")


def _summary(report: object) -> None:
    from archive.jobs.reextract import ReextractReport

    assert isinstance(report, ReextractReport)
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items())) or "nothing"
    click.echo(
        f"{report.captures} captures re-extracted with {report.version} "
        f"({report.extracted} bodies in {report.seconds:.1f} s, {report.rate:.1f} pages/s): "
        f"{outcomes}."
    )
    compared = report.captures - report.first
    click.echo(f"{report.changed} of {compared} pages changed against their previous extraction.")
    for name, count in report.fields.most_common():
        click.echo(f"  {name}: {count} pages")
        for example in report.examples.get(name, []):
            click.echo(f"    {example['url']}")
            click.echo(f"      - {example['old']}")
            click.echo(f"      + {example['new']}")
