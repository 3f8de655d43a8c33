"""SIGKILL the crawl at 20 random moments and restart it each time: the archive it ends with is
the uninterrupted crawl's (no capture lost, no fetch stored twice), the database passes
`PRAGMA integrity_check` and `newsarchive verify` exits 0.

Moments: a few during start-up and discovery (by wall time), the rest when the archive holds a
random share of the reference crawl's captures (drawn once, sorted, so the kills walk through
the whole crawl). FAULT_SEED=N replays a run.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path
from typing import Any

import pytest

from tests.faults.conftest import (
    Crawl,
    archive_state,
    captures_count,
    crawl_cmd,
    integrity,
    lost,
    story_difference,
    temp_leftovers,
)
from tests.faults.report import record
from tests.fixtures import run_cli

pytestmark = [pytest.mark.crawl, pytest.mark.slow]

KILLS = int(os.environ.get("FAULT_KILLS", "20"))
EARLY = 0.2  # share of the kills aimed at start-up and discovery
# commits every few captures (default 50): more kills land between or inside write batches
SMALL_BATCHES = ("-s", "NEWSARCHIVE_BATCH_SIZE=4")


def _moments(rng: random.Random, total: int) -> list[tuple[str, float]]:
    """(kind, value): ('time', seconds after start) or ('captures', new rows to wait for)."""
    early = max(1, round(KILLS * EARLY))
    late = KILLS - early
    out = [("time", rng.uniform(0.05, 3.0)) for _ in range(early)]
    # new captures to wait for in each run: on average an equal part of the crawl
    return out + [("captures", rng.uniform(0.1, 0.8) * total / (late + 2)) for _ in range(late)]


def _kill_at(
    crawl: Crawl, data: Path, kind: str, value: float, rng: random.Random, total: int
) -> bool:
    deadline = time.monotonic() + 120
    if kind == "time":
        time.sleep(value)
    else:
        # `value` is the share of what is left: the kills walk through the whole crawl, and
        # each lands after this run committed something of its own, amid writes
        start = captures_count(data)
        if start >= total:  # all archived: kill the re-crawl (discovery, revisits, closing)
            time.sleep(rng.uniform(0.3, 2.5))
            return crawl.kill()
        value = start + max(1.0, value)
        # a run with little left (what is left is deferred until due, or slow) can end before it
        # reaches the target: it is killed by a random moment of its first seconds instead
        give_up = time.monotonic() + rng.uniform(0.5, 2.5)
        while crawl.running() and captures_count(data) < value and time.monotonic() < give_up:
            assert time.monotonic() < deadline, "no progress towards the kill moment"
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.1))  # between batches, inside one, or in extraction
    return crawl.kill()


def test_sigkill_twenty_times_loses_nothing(
    reference: dict[str, Any], fault_sites: Path, tmp_path: Path
) -> None:
    seed = int(os.environ.get("FAULT_SEED", str(random.SystemRandom().randrange(2**32))))
    rng = random.Random(seed)
    ref = reference["state"]
    data, log = tmp_path / "data", tmp_path / "crawl.err"
    started = time.monotonic()
    kills: list[dict[str, Any]] = []
    for kind, value in _moments(rng, ref.rows):
        crawl = Crawl(crawl_cmd(fault_sites, data, *SMALL_BATCHES), log)
        t0 = time.monotonic()
        alive = _kill_at(crawl, data, kind, value, rng, ref.rows)
        kills.append(
            {
                "at": kind,
                "target": round(value, 2),
                "alive": alive,
                "after_s": round(time.monotonic() - t0, 2),
                "captures": captures_count(data),
            }
        )
    final = Crawl(crawl_cmd(fault_sites, data), log)
    code = final.wait()
    assert code == 0, f"the crawl after {len(kills)} kills failed ({code}):\n{final.stderr()}"
    got = archive_state(data)
    missing = lost(ref, got)
    killed = sum(k["alive"] for k in kills)
    check = integrity(data)
    verify = run_cli("verify", "--data", str(data), check=False)
    leftovers = temp_leftovers(data)
    record(
        "fault",
        f"SIGKILL of the crawl at {KILLS} random moments, restarted each time",
        injected=killed,
        survived=killed if not missing and check == "ok" else 0,
        started=started,
        captures_lost=len(missing),
        note=f"seed {seed}; {got.rows} captures vs {ref.rows} uninterrupted; "
        f"{len(got.urls - ref.urls)} more URLs found; {got.duplicates} duplicated fetches; integrity {check}; verify exit "
        f"{verify.returncode}; {len(leftovers)} temp files left",
        kills=kills,
    )
    assert killed >= KILLS * 0.8, f"only {killed} kills landed mid-crawl: {kills}"
    assert not missing, f"captures lost (seed {seed}): {sorted(missing)[:5]}"
    # the same story under two URLs: whichever is fetched first is the article, the other
    # a duplicate capture, so compare stories by content and captures by URL
    differ = story_difference(ref, got)
    assert not differ, f"stories differ (seed {seed}): {differ}"
    # discovery of the test web's trap copies (/flaky/, /slow/) depends on timing, so a crawl may
    # find more than the reference; it must not have less
    assert ref.fetches <= got.fetches, (
        f"fetches lost or changed (seed {seed}): {sorted(ref.fetches - got.fetches)[:3]}"
    )
    assert got.duplicates == ref.duplicates == 0, f"the same fetch stored twice (seed {seed})"
    assert check == "ok", check
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    assert got.unfinished <= killed, "only a killed crawl is left unfinished"
