"""Per-site schedules (`every` in sites.toml): a duration ("30m", "1h", "1d") or a five-field
cron expression ("0 */6 * * *"), and what runs them: systemd timers, crontab lines, or one
`newsarchive run-due` line that runs whichever sites are due.

State lives in the data folder: `DATA/schedule/state.json` (the last run of each site) and one
lock file per site, held with `flock` for the whole crawl, so two runs of one site never overlap
whoever starts them (a timer, cron, run-due, a person).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shlex
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from croniter import croniter

from archive.errors import ScheduleError, SiteBusy, SiteConfigError
from archive.sites import Site, check_name, parse_duration

CRON_FIELDS = 5
DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


@dataclass(frozen=True)
class Schedule:
    """`seconds` for an interval, `cron` for a cron expression (exactly one is set)."""

    site: str
    seconds: float = 0.0
    cron: str = ""

    def next_after(self, last: datetime) -> datetime:
        if self.cron:
            return croniter(self.cron, last).get_next(datetime)  # type: ignore[no-any-return]
        return last + timedelta(seconds=self.seconds)

    def is_due(self, last: datetime | None, now: datetime) -> bool:
        """Never run: due. Else due once the next time after the last run has come."""
        return last is None or self.next_after(last) <= now


def parse_schedule(site: Site) -> Schedule | None:
    """The site's schedule, None if it has no `every`."""
    value = site.every.strip()
    if not value:
        return None
    if len(value.split()) == CRON_FIELDS:
        value = " ".join(value.split())  # one line, single spaces: it goes into cron and units
        if not croniter.is_valid(value):
            raise ScheduleError(f"Site {site.name!r}: 'every' {value!r} is not a valid cron line")
        return Schedule(site.name, cron=value)
    try:
        seconds = parse_duration(value)
    except ValueError as exc:
        raise ScheduleError(
            f"Site {site.name!r}: 'every' {exc}, or a cron expression like '0 */6 * * *'"
        ) from None
    if seconds < 60:
        raise ScheduleError(f"Site {site.name!r}: 'every' {value!r} is under a minute")
    return Schedule(site.name, seconds=seconds)


def schedules(sites: list[Site]) -> list[Schedule]:
    found = []
    for site in sites:
        try:
            schedule = parse_schedule(site)
        except ScheduleError as exc:
            raise SiteConfigError(str(exc)) from None
        if schedule is not None:
            found.append(schedule)
    return found


# -- state and locks -------------------------------------------------------------------------
def state_dir(data: Path) -> Path:
    return data / "schedule"


def load_state(data: Path) -> dict[str, dict[str, Any]]:
    path = state_dir(data) / "state.json"
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except json.JSONDecodeError:  # a torn write cannot happen (atomic replace); be lenient
        return {}
    return state if isinstance(state, dict) else {}


def record_run(data: Path, site: str, **fields: Any) -> None:
    """Merge `fields` into the site's state, atomically (write a temp file, then rename)."""
    folder = state_dir(data)
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder / STATE_LOCK):
        state = load_state(data)
        state.setdefault(site, {}).update(fields)
        tmp = folder / f".state.{os.getpid()}.tmp"
        tmp.write_text(json.dumps(state, indent=2, sort_keys=True), encoding="utf-8")
        tmp.replace(folder / "state.json")


def last_run(state: dict[str, dict[str, Any]], site: str) -> datetime | None:
    started = state.get(site, {}).get("started_at")
    return datetime.fromisoformat(started) if started else None


def due_sites(sites: list[Site], state: dict[str, dict[str, Any]], now: datetime) -> list[Schedule]:
    return [s for s in schedules(sites) if s.is_due(last_run(state, s.site), now)]


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# '~' is not allowed in a site name: no site's lock can be the state file's lock
STATE_LOCK = "~state.lock"


def lock_path(data: Path, site: str) -> Path:
    """DATA/schedule/SITE.lock: site names are checked (`check_name`), so two sites never
    share a lock file (names differing only in case are refused in one sites.toml)."""
    return state_dir(data) / f"{check_name(site)}.lock"


@contextmanager
def site_lock(data: Path, site: str) -> Iterator[None]:
    """Hold the site's run lock (non-blocking); raises SiteBusy if a run holds it. The lock is
    the kernel's: it goes away with the process, however the process ends."""
    path = lock_path(data, site)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SiteBusy(f"Site {site!r} is being crawled already (lock {path})") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def now_utc() -> datetime:
    return datetime.now(UTC)


# -- output: crontab and systemd -------------------------------------------------------------
def _offset(site: str, modulo: int) -> int:
    """A stable minute/hour offset per site, so sites do not all start at :00."""
    return zlib.crc32(site.encode()) % modulo


def cron_expression(schedule: Schedule) -> str:
    """The schedule as a cron expression; intervals must divide an hour or a day evenly."""
    if schedule.cron:
        return schedule.cron
    minutes = int(schedule.seconds // 60)
    if schedule.seconds % 60 == 0:
        if minutes < 60 and 60 % minutes == 0:
            return f"{_offset(schedule.site, minutes)}-59/{minutes} * * * *"
        hours, rest = divmod(minutes, 60)
        if rest == 0 and hours == 1:
            return f"{_offset(schedule.site, 60)} * * * *"
        if rest == 0 and hours < 24 and 24 % hours == 0:
            return f"{_offset(schedule.site, 60)} {_offset(schedule.site, hours)}-23/{hours} * * *"
        if rest == 0 and hours == 24:
            return f"{_offset(schedule.site, 60)} {_offset(schedule.site, 24)} * * *"
        if rest == 0 and hours == 24 * 7:
            return f"{_offset(schedule.site, 60)} {_offset(schedule.site, 24)} * * 0"
    raise ScheduleError(
        f"Site {schedule.site!r}: every {minutes} minutes has no exact cron form; use a cron "
        "expression, or one `newsarchive run-due` line every few minutes"
    )


def _calendar_field(value: str, first: int, last: int, names: list[str] | None = None) -> str:
    """One cron field in systemd's OnCalendar syntax: `a-b` is `a..b`, `*/n` is `first/n`,
    `a-last/n` is `a/n`, day numbers become names."""
    if value == "*":
        return "*"
    parts = []
    for part in value.split(","):
        base, _, step = part.partition("/")
        low, _, high = base.partition("-")
        if low == "*":
            low = str(first)
        if step and high and int(high) >= last:
            high = ""
        if names is not None:
            low = names[int(low)] if low.isdigit() else low.title()
            high = names[int(high)] if high.isdigit() else high.title()
        text = f"{low}..{high}" if high else low
        parts.append(f"{text}/{step}" if step else text)
    return ",".join(parts)


def on_calendar(schedule: Schedule) -> str:
    """A systemd OnCalendar= value for the schedule (via its cron form)."""
    minute, hour, dom, month, dow = cron_expression(schedule).split()
    if dom != "*" and dow != "*":
        raise ScheduleError(
            f"Site {schedule.site!r}: a cron line restricting both day of month and day of "
            "week means either in cron, both in systemd; split it into two sites' schedules"
        )
    if "/" in dow:
        raise ScheduleError(f"Site {schedule.site!r}: list the days of the week, not a step")
    day = "" if dow == "*" else _calendar_field(dow, 0, 7, DAY_NAMES) + " "
    return (
        f"{day}*-{_calendar_field(month, 1, 12)}-{_calendar_field(dom, 1, 31)} "
        f"{_calendar_field(hour, 0, 23)}:{_calendar_field(minute, 0, 59)}:00"
    )


def run_command(newsarchive: list[str], sites_file: Path, data: Path, site: str) -> list[str]:
    return [
        *newsarchive,
        "run-due",
        "--sites",
        str(sites_file),
        "--data",
        str(data),
        "--site",
        site,
        "--force",
    ]


def crontab_lines(
    sites: list[Site], newsarchive: list[str], sites_file: Path, data: Path, log: Path
) -> list[str]:
    run_due = [*newsarchive, "run-due", "--sites", str(sites_file), "--data", str(data)]
    lines = [
        "# newsarchive: one line per scheduled site (generated by `newsarchive schedule`).",
        "# Each run holds the site's lock, so runs of one site never overlap.",
        "# Or instead, one line for all sites:",
        (
            f"#   */5 * * * * {cron_escape(shlex.join(run_due))} >> "
            f"{cron_escape(shlex.quote(str(log)))} 2>&1"
        ),
    ]
    for schedule in schedules(sites):
        command = shlex.join(run_command(newsarchive, sites_file, data, schedule.site))
        line = f"{cron_expression(schedule)} {cron_escape(command)} >> "
        lines.append(f"{line}{cron_escape(shlex.quote(str(log)))} 2>&1")
    return lines


def cron_escape(command: str) -> str:
    """A command fit for a crontab line: cron turns an unescaped `%` into a newline (and what
    follows into the command's stdin), and a newline would start a line of its own."""
    if "\n" in command or "\r" in command:
        raise ScheduleError(f"A newline cannot go into a crontab line: {command[:120]!r}")
    return command.replace("%", "\\%")


def systemd_units(
    sites: list[Site], newsarchive: list[str], sites_file: Path, data: Path
) -> dict[str, str]:
    """File name -> content: a oneshot service and a timer per scheduled site."""
    units = {}
    for schedule in schedules(sites):
        name = f"newsarchive-{check_name(schedule.site)}"  # one unit per name, nothing escaped
        command = " ".join(
            _systemd_quote(arg) for arg in run_command(newsarchive, sites_file, data, schedule.site)
        )
        units[f"{name}.service"] = (
            "[Unit]\n"
            f"Description=newsarchive crawl of {schedule.site}\n"
            "Wants=network-online.target\nAfter=network-online.target\n\n"
            "[Service]\nType=oneshot\n"
            f"ExecStart={command}\n"
            f"WorkingDirectory={_unit_value(str(data.parent))}\n"
            "Nice=10\n"
        )
        units[f"{name}.timer"] = (
            "[Unit]\n"
            f"Description=newsarchive schedule of {schedule.site} ({_describe(schedule)})\n\n"
            "[Timer]\n"
            f"OnCalendar={on_calendar(schedule)}\n"
            "Persistent=true\nRandomizedDelaySec=60\n\n"
            "[Install]\nWantedBy=timers.target\n"
        )
    return units


def _describe(schedule: Schedule) -> str:
    return schedule.cron or f"every {schedule.seconds / 60:g} minutes"


def _unit_value(text: str) -> str:
    """A value for a unit file line: no newline (it would start a directive of its own), `%`
    doubled (systemd expands %-specifiers)."""
    if "\n" in text or "\r" in text:
        raise ScheduleError(f"A newline cannot go into a systemd unit: {text[:120]!r}")
    return text.replace("%", "%%")


def _systemd_quote(arg: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_@+=:,./-]+", arg):
        return arg
    if "\n" in arg or "\r" in arg:
        raise ScheduleError(f"A newline cannot go into a systemd unit: {arg[:120]!r}")
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"'
