"""Schedules: `every` parsing and due-ness, `newsarchive schedule` output checked by a cron parser
and `systemd-analyze`, `run-due` running only due sites, and the per-site lock."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from croniter import croniter

from archive.demo import serve_demo
from archive.errors import SiteBusy, SiteConfigError
from archive.schedule import (
    Schedule,
    cron_expression,
    load_state,
    on_calendar,
    parse_schedule,
    record_run,
    site_lock,
)
from archive.sites import Site, load_sites
from tests.fixtures import ROOT, run_cli

NOW = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)


def site(every: str, name: str = "harbor") -> Site:
    return Site(name=name, url="https://harbor.example/", every=every)


@pytest.mark.parametrize(
    ("every", "last", "due"),
    [
        ("1h", None, True),
        ("1h", NOW - timedelta(minutes=59), False),
        ("1h", NOW - timedelta(minutes=60), True),
        ("15m", NOW - timedelta(minutes=20), True),
        ("0 */6 * * *", NOW - timedelta(hours=1), True),  # 12:00 came after 11:00
        ("0 */6 * * *", NOW, False),  # ran at 12:00: next at 18:00
        ("30 2 * * 1-5", NOW - timedelta(hours=2), False),
    ],
)
def test_due(every: str, last: datetime | None, due: bool) -> None:
    schedule = parse_schedule(site(every))
    assert schedule is not None
    assert schedule.is_due(last, NOW) is due


@pytest.mark.parametrize("every", ["fortnightly", "61 * * * *", "30s", "1h 2m"])
def test_bad_every_is_refused(every: str, tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text(f'[[site]]\nname = "a"\nurl = "https://a.example/"\nevery = "{every}"\n')
    result = run_cli("schedule", "--sites", str(path), "--crontab", check=False)
    assert result.returncode == 2, result.stderr
    assert "'every'" in result.stderr


@pytest.mark.parametrize(
    ("every", "fires"),
    [
        ("15m", 4 * 24),
        ("1h", 24),
        ("6h", 4),
        ("1d", 1),
        ("*/10 * * * *", 6 * 24),
    ],
)
def test_cron_form_fires_as_often_as_the_interval(every: str, fires: int) -> None:
    schedule = parse_schedule(site(every))
    assert schedule is not None
    it = croniter(cron_expression(schedule), NOW)
    end = NOW + timedelta(days=1)
    count = 0
    while it.get_next(datetime) <= end:
        count += 1
    assert count == fires


def test_interval_without_cron_form_says_what_to_do() -> None:
    with pytest.raises(ValueError, match="run-due"):
        cron_expression(Schedule("harbor", seconds=90 * 60))


SITES_TOML = """\
[[site]]
name = "hourly"
url = "{url}"
every = "1h"
delay = 0
allow_private = true

[[site]]
name = "quarter"
url = "{url}"
every = "15m"
delay = 0
allow_private = true

[[site]]
name = "weekdays"
url = "{url}"
every = "30 2 * * 1-5"
delay = 0
allow_private = true

[[site]]
name = "manual"
url = "{url}"
delay = 0
allow_private = true
"""


def test_crontab_lines_parse(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES_TOML.format(url="http://127.0.0.1:1/"))
    out = run_cli("schedule", "--sites", str(sites), "--data", str(tmp_path / "d"), "--crontab")
    lines = [ln for ln in out.stdout.splitlines() if ln and not ln.startswith("#")]
    assert len(lines) == 3, out.stdout  # the unscheduled site has none
    for line in lines:
        fields = line.split()
        assert croniter.is_valid(" ".join(fields[:5])), line
        assert fields[5].endswith("newsarchive") or fields[5] == sys.executable
        assert "run-due" in fields, line
        assert "--force" in fields, line
    all_sites = [ln for ln in out.stdout.splitlines() if ln.startswith("#   ")]
    assert croniter.is_valid(" ".join(all_sites[0].split()[1:6]))


def test_systemd_units_verify(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(SITES_TOML.format(url="http://127.0.0.1:1/"))
    units = tmp_path / "units"
    out = run_cli(
        "schedule", "--sites", str(sites), "--data", str(tmp_path / "d"), "--systemd", str(units)
    )
    files = sorted(units.iterdir())
    assert [f.name for f in files] == [
        f"newsarchive-{n}.{kind}"
        for n in ("hourly", "quarter", "weekdays")
        for kind in ("service", "timer")
    ]
    assert len(out.stdout.splitlines()) == 6
    weekdays = (units / "newsarchive-weekdays.timer").read_text()
    assert "OnCalendar=Mon..Fri *-*-* 2:30:00" in weekdays
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze not found: run `bash scripts/setup.sh --test` (apt: systemd)")
    verify = subprocess.run(
        [analyze, "verify", *map(str, files)], capture_output=True, text=True, check=False
    )
    assert verify.returncode == 0, verify.stderr
    assert "newsarchive" not in verify.stderr, verify.stderr  # no warnings about our units
    for every in ("15m", "1h", "6h", "1d", "7d", "0 */6 * * *", "30 2 * * 1-5", "0 0 1,15 * *"):
        schedule = parse_schedule(site(every))
        assert schedule is not None
        calendar = subprocess.run(
            [analyze, "calendar", on_calendar(schedule)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert calendar.returncode == 0, f"{every}: {calendar.stderr}"


def test_site_lock_excludes_a_second_holder(tmp_path: Path) -> None:
    with site_lock(tmp_path, "harbor"), pytest.raises(SiteBusy), site_lock(tmp_path, "harbor"):
        pass  # pragma: no cover
    with site_lock(tmp_path, "harbor"):  # released: taken again
        pass


@pytest.fixture(scope="module")
def demo_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with serve_demo() as url:
        path = tmp_path_factory.mktemp("sched") / "sites.toml"
        path.write_text(SITES_TOML.format(url=url))
        yield path


def run_due(sites: Path, data: Path, *args: str) -> dict[str, str]:
    out = run_cli("run-due", "--sites", str(sites), "--data", str(data), "--json", *args)
    return {r["site"]: r["outcome"] for r in json.loads(out.stdout)}


@pytest.mark.crawl
def test_run_due_runs_only_due_sites(demo_sites: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    recent = (datetime.now(UTC) - timedelta(minutes=10)).isoformat()
    long_ago = (datetime.now(UTC) - timedelta(minutes=20)).isoformat()
    record_run(data, "hourly", started_at=recent, status="ok")
    record_run(data, "quarter", started_at=long_ago, status="ok")
    record_run(data, "weekdays", started_at=datetime.now(UTC).isoformat(), status="ok")
    assert run_due(demo_sites, data, "--dry-run") == {
        "hourly": "not_due",
        "quarter": "due",
        "weekdays": "not_due",
        "manual": "unscheduled",
    }
    assert not (data / "news.db").exists(), "a dry run crawls nothing"

    first = run_due(demo_sites, data)
    assert first["quarter"] == "ok"
    assert first["hourly"] == "not_due"
    with sqlite3.connect(data / "news.db") as db:
        crawled = [row[0] for row in db.execute("SELECT sites FROM crawls")]
        (articles,) = db.execute("SELECT count(*) FROM articles").fetchone()
    assert crawled == ["quarter"], "only the due site was crawled"
    assert articles >= 30
    state = load_state(data)
    assert state["quarter"]["status"] == "ok"
    assert state["quarter"]["started_at"] > long_ago
    assert run_due(demo_sites, data)["quarter"] == "not_due", "just ran: not due again"


@pytest.mark.crawl
def test_run_due_never_overlaps_a_running_site(demo_sites: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    with site_lock(data, "quarter"):  # a crawl of this site is running
        busy = run_due(demo_sites, data, "--site", "quarter", "--force")
    assert busy == {"quarter": "busy"}
    assert not (data / "news.db").exists()
    # two run-due processes at once: one crawls, the other finds the site busy
    cmd = [
        sys.executable,
        "-m",
        "archive",
        "run-due",
        "--sites",
        str(demo_sites),
        "--data",
        str(data),
        "--site",
        "quarter",
        "--json",
        "-s",
        "DOWNLOAD_DELAY=0.1",
    ]
    procs = [
        subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for _ in range(2)
    ]
    outcomes = sorted(json.loads(p.communicate(timeout=300)[0])[0]["outcome"] for p in procs)
    assert outcomes in (["busy", "ok"], ["not_due", "ok"]), outcomes
    with sqlite3.connect(data / "news.db") as db:
        assert db.execute("SELECT count(*) FROM crawls").fetchone() == (1,)


def test_sites_toml_every_is_checked_by_load(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"
    path.write_text('[[site]]\nname = "a"\nurl = "https://a.example/"\nevery = "2h"\n')
    assert load_sites(path)[0].every == "2h"
    path.write_text('[[site]]\nname = "a"\nurl = "https://a.example/"\nevery = "often"\n')
    with pytest.raises(SiteConfigError, match="'every'"):
        load_sites(path)  # at load, for every command, not only when scheduling
