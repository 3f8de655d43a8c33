"""A short coverage-guided fuzz run in the suite: bench/fuzz.py (atheris) for a few seconds on
the fast targets; the long run is `bench/fuzz.py --seconds 60`. Rows go to
test-artifacts/faults.md."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest

from tests.faults.report import ARTIFACTS, record
from tests.fixtures import ROOT

TARGETS = ("canonical_url", "sitemap", "feed", "sites_toml", "blob_key")
SECONDS = 3


@pytest.mark.slow
def test_bounded_atheris_run() -> None:
    pytest.importorskip("atheris", reason="atheris has no wheel for this Python")
    started = time.monotonic()
    args = [sys.executable, str(ROOT / "bench" / "fuzz.py"), "--seconds", str(SECONDS)]
    for target in TARGETS:
        args += ["--target", target]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    rows = json.loads((ARTIFACTS / "fuzz.json").read_text())
    for row in rows:
        record(
            "fuzz",
            f"atheris (libFuzzer): {row['target']}",
            injected=row["inputs"],
            survived=row["inputs"] if not row["crashes"] else 0,
            started=started,
            note=f"{row['seconds']} s, {row['crashes']} crashes",
        )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert all(row["inputs"] > 0 for row in rows), rows
