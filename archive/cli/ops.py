"""Operations commands of the CLI: schedule, run-due, ingest."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from archive.cli.options import (
    blobs_option,
    data_option,
    emit_json,
    exit_on_errors,
    friendly_errors,
    json_option,
    split_names,
)
from archive.db.connection import data_dir, ensure_writable, open_db
from archive.errors import ScheduleError, SiteBusy
from archive.schedule import (
    Schedule,
    crontab_lines,
    due_sites,
    last_run,
    load_state,
    now_utc,
    record_run,
    schedules,
    site_lock,
    systemd_units,
)
from archive.sites import Site, load_sites


def newsarchive_command() -> list[str]:
    """How a timer or cron line starts this newsarchive: its script, else `python -m archive`."""
    script = Path(sys.executable).parent / "newsarchive"
    return [str(script)] if script.exists() else [sys.executable, "-m", "archive"]


@click.command()
@click.option(
    "--sites",
    "sites_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The sites.toml whose `every` schedules to install.",
)
@data_option
@click.option(
    "--systemd",
    "systemd_dir",
    type=click.Path(file_okay=False),
    help="Write a .service and a .timer per scheduled site into this folder.",
)
@click.option("--crontab", is_flag=True, help="Print crontab lines on stdout.")
@friendly_errors
def schedule(sites_file: str, data: str | None, systemd_dir: str | None, crontab: bool) -> None:
    """Turn the `every` schedules of a sites.toml into systemd timers or crontab lines.

    Every run goes through `newsarchive run-due --site NAME --force`, which holds the site's
    lock: two runs of one site never overlap.

    Example:

    \b
        newsarchive schedule --sites sites.toml --data /srv/news --systemd ~/.config/systemd/user
        systemctl --user daemon-reload && systemctl --user enable --now newsarchive-harbor.timer
        newsarchive schedule --sites sites.toml --data /srv/news --crontab | crontab -
    """
    if bool(systemd_dir) == crontab:
        raise click.UsageError("Give one of --systemd DIR or --crontab.")
    sites = load_sites(sites_file)
    folder, sites_path = data_dir(data).resolve(), Path(sites_file).resolve()
    try:
        if crontab:
            log = folder / "logs" / "run-due.log"
            for line in crontab_lines(sites, newsarchive_command(), sites_path, folder, log):
                click.echo(line)
            return
        units = systemd_units(sites, newsarchive_command(), sites_path, folder)
    except ScheduleError as exc:
        raise click.UsageError(str(exc)) from None
    assert systemd_dir is not None
    out = Path(systemd_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in units.items():
        (out / name).write_text(text, encoding="utf-8")
        click.echo(out / name)
    if not units:
        click.echo(f"No site in {sites_file} has an `every` schedule.", err=True)


def _crawl_args(
    sites_file: str, site: str, folder: Path, blobs: str, extra: tuple[str, ...]
) -> list[str]:
    args = [
        sys.executable,
        "-m",
        "archive",
        "crawl",
        "--sites",
        sites_file,
        "--site",
        site,
        "--data",
        str(folder),
    ]
    if blobs:
        args += ["--blobs", blobs]
    for item in extra:
        args += ["-s", item]
    return args


def _run_site(
    site: Site, sched: Schedule | None, folder: Path, force: bool, crawl: list[str]
) -> dict[str, Any]:
    """Crawl one site under its lock, if it is (still) due; the outcome as a dict."""
    try:
        with site_lock(folder, site.name):
            now = now_utc()
            state = load_state(folder)  # read under the lock: another run may just have ended
            if (
                not force
                and sched is not None
                and not sched.is_due(last_run(state, site.name), now)
            ):
                return {"site": site.name, "outcome": "not_due"}
            record_run(folder, site.name, started_at=now.isoformat(), status="running")
            click.echo(f"{site.name}: crawling ...", err=True)
            proc = subprocess.run(crawl, check=False)  # noqa: S603  - our own python -m archive
            status = "ok" if proc.returncode == 0 else "failed"
            record_run(
                folder,
                site.name,
                finished_at=now_utc().isoformat(),
                status=status,
                exit_code=proc.returncode,
            )
            return {"site": site.name, "outcome": status, "exit_code": proc.returncode}
    except SiteBusy:
        return {"site": site.name, "outcome": "busy"}


@click.command("run-due")
@click.option(
    "--sites",
    "sites_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The sites.toml with `every` schedules.",
)
@data_option
@blobs_option
@click.option("--site", "only", multiple=True, help="Only these sites (repeat, or a,b).")
@click.option("--force", is_flag=True, help="Run the chosen sites whether due or not.")
@click.option("--dry-run", is_flag=True, help="Only print which sites are due.")
@click.option(
    "-s",
    "--set",
    "extra",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or NEWSARCHIVE_* setting for the crawls.",
)
@json_option
@friendly_errors
def run_due(
    sites_file: str,
    data: str | None,
    blobs: str,
    only: tuple[str, ...],
    force: bool,
    dry_run: bool,
    extra: tuple[str, ...],
    as_json: bool,
) -> None:
    """Crawl every site whose schedule (`every` in sites.toml) says it is due, one after
    another, each under its lock (a site being crawled already is skipped, never run twice).
    The last run of each site is kept in DATA/schedule/state.json. Exit code 1 if a crawl
    failed.

    Example:

    \b
        */5 * * * *  newsarchive run-due --sites /srv/news/sites.toml --data /srv/news
    """
    sites = load_sites(sites_file)
    wanted = split_names(only)
    known = sorted(s.name for s in sites)
    if missing := set(wanted) - set(known):
        raise click.UsageError(
            f"No site named {min(missing)!r} in {sites_file}; its sites: {', '.join(known)}"
        )
    chosen = [s for s in sites if not wanted or s.name in wanted]
    folder = data_dir(data)
    ensure_writable(folder)
    by_name = {s.site: s for s in schedules(chosen)}
    if force:
        todo = chosen
    else:
        due = {s.site for s in due_sites(chosen, load_state(folder), now_utc())}
        todo = [s for s in chosen if s.name in due]
    results: list[dict[str, Any]] = []
    for site in chosen:
        if site not in todo:
            outcome = "not_due" if site.name in by_name else "unscheduled"
            results.append({"site": site.name, "outcome": outcome})
        elif dry_run:
            results.append({"site": site.name, "outcome": "due"})
        else:
            crawl = _crawl_args(str(Path(sites_file).resolve()), site.name, folder, blobs, extra)
            results.append(_run_site(site, by_name.get(site.name), folder, force, crawl))
    if as_json:
        emit_json(results)
    else:
        for result in results:
            code = f" (exit {result['exit_code']})" if "exit_code" in result else ""
            click.echo(f"{result['site']}\t{result['outcome']}{code}")
    if any(r["outcome"] == "failed" for r in results):
        raise SystemExit(1)


@click.command()
@click.option(
    "--from",
    "source",
    required=True,
    metavar="URI",
    help="The blob store the crawler nodes mirror to: s3://bucket/prefix.",
)
@data_option
@click.option(
    "--sites",
    "sites_file",
    type=click.Path(dir_okay=False),
    help="A sites.toml, for per-site extractor overrides.",
)
@click.option("--follow", is_flag=True, help="Keep ingesting new objects until interrupted.")
@click.option(
    "--interval",
    type=float,
    default=10.0,
    show_default=True,
    help="Seconds between passes with --follow.",
)
@click.option(
    "--idle-exit",
    type=float,
    default=0.0,
    help="With --follow: stop once no new object came for this many seconds.",
)
@click.option("--workers", type=int, default=0, help="Extraction processes (default: auto).")
@json_option
@friendly_errors
def ingest(
    source: str,
    data: str | None,
    sites_file: str | None,
    follow: bool,
    interval: float,
    idle_exit: float,
    workers: int,
    as_json: bool,
) -> None:
    """Index new objects of a blob store into the database: the one SQLite writer of a
    distributed crawl. Incremental and idempotent (objects already indexed are skipped).

    Example:

    \b
        newsarchive ingest --from s3://news-raw/raw --data ./data --follow
    """
    from archive.jobs.ingest import ingest as run_ingest  # imports the extractor: only here
    from archive.storage import open_blob_store

    folder = data_dir(data)
    ensure_writable(folder)
    store = open_blob_store(source)
    store.check()
    sites = load_sites(sites_file) if sites_file else []
    overrides = {s.name: s.overrides for s in sites}
    db = open_db(folder, create=True)
    if sites:
        from archive.db.crawlstate import register_sites

        register_sites(db, (s.to_dict() for s in sites))

    def on_pass(report: Any) -> None:
        if report.todo or not follow:
            outcomes = ", ".join(f"{n} {k}" for k, n in sorted(report.outcomes.items()))
            click.echo(
                f"{report.objects} objects, {len(report.todo)} new: {outcomes or 'nothing'}",
                err=True,
            )

    try:
        total = run_ingest(
            store,
            db,
            follow=follow,
            interval=interval,
            idle_exit=idle_exit,
            workers=workers,
            overrides=overrides,
            on_pass=on_pass,
        )
    except KeyboardInterrupt:
        click.echo("Stopped.", err=True)
        return
    if as_json:
        emit_json(total.to_dict())
    else:
        click.echo(
            f"{total.indexed} objects indexed in {total.passes} passes; "
            f"{total.objects} in the store; {len(total.errors)} errors."
        )
    exit_on_errors(total.errors, "Not indexed")
