"""The table the fault and hostile-input suites produce: test-artifacts/faults.md (+ .json).

Every test that injects something calls `record(...)` with what it injected and what survived;
the files are rewritten after each row, so they always hold this run's rows so far.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field

from tests.fixtures import ROOT

ARTIFACTS = ROOT / "test-artifacts"
_ROWS: list[Row] = []


@dataclass
class Row:
    kind: str  # fault | hostile | ssrf | injection | secret | fuzz
    name: str
    injected: int
    survived: int  # survived / harmless / blocked / cut off
    seconds: float
    captures_lost: int = 0
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)


def record(
    kind: str,
    name: str,
    *,
    injected: int,
    survived: int,
    started: float,
    captures_lost: int = 0,
    note: str = "",
    **extra: object,
) -> Row:
    """Add a row (`started` is a time.monotonic() reading) and rewrite the artifacts."""
    row = Row(
        kind,
        name,
        injected,
        survived,
        round(time.monotonic() - started, 1),
        captures_lost,
        note,
        dict(extra),
    )
    _ROWS.append(row)
    write()
    return row


def markdown(rows: list[Row]) -> str:
    lines = [
        (
            "| kind | what was injected | injected | survived / blocked / harmless | "
            "captures lost | time (s) | notes |"
        ),
        "| --- | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.kind} | {r.name} | {r.injected} | {r.survived} | {r.captures_lost} "
            f"| {r.seconds} | {r.note} |"
        )
    return "\n".join(lines) + "\n"


def write() -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "faults.md").write_text(markdown(_ROWS))
    (ARTIFACTS / "faults.json").write_text(
        json.dumps([asdict(r) for r in _ROWS], indent=2, default=str)
    )
