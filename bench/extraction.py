"""Score `archive.extract.extract` against trafilatura's `bare_extraction` on the dev corpora.

    .venv/bin/python bench/extraction.py [--data ../shared/testdata] [--folders articles aeb]
        [--out DIR] [--limit N] [--per-page]

For every page both extractors run on the same decoded HTML, one after the other, and their
CPU time (`time.process_time`, so other processes on a shared machine count less) is summed.
Predictions go to `<out>/<extractor>/<folder>/<id>.json` and are scored by the corpus' own
`score.py`, run as a subprocess. The table shows each field for both extractors and the
ms/page ratio, ours / trafilatura.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from trafilatura import bare_extraction
from trafilatura.settings import Document

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
from archive.extract import EXTRACTOR_VERSION, extract

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"
# (folder, metric, key) rows of the table, in order
ROWS = [
    ("articles", "title", "exact"),
    ("articles", "authors", "F1"),
    ("articles", "published", "same_day"),
    ("articles", "body_tok", "F1"),
    ("articles", "credit", "F1"),
    ("articles", "caption", "F1"),
    ("articles", "img_url", "F1"),
    ("aeb", "body_tok", "F1"),
    ("aeb", "body_aeb4", "F1"),
]


def trafilatura_prediction(html: str, url: str) -> dict[str, Any]:
    doc = bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    if not isinstance(doc, Document):
        return {}
    return {
        "title": doc.title,
        "authors": [a.strip() for a in (doc.author or "").split(";") if a.strip()],
        "published": doc.date,
        "body": doc.text,
        "images": [{"url": doc.image}] if doc.image else [],
    }


def our_prediction(html: str, url: str) -> dict[str, Any]:
    return extract(html, url).to_dict()


def pages(folder: Path, limit: int | None) -> list[tuple[str, str, str]]:
    index = json.loads((folder / "INDEX.json").read_text(encoding="utf-8"))
    out = []
    for entry in index["pages"][:limit]:
        raw = gzip.decompress((folder / f"{entry['id']}.html.gz").read_bytes())
        out.append((entry["id"], entry["url"], raw.decode("utf-8", errors="replace")))
    return out


def score(score_py: Path, expected: Path, predicted: Path) -> dict[str, Any]:
    summary = predicted.with_suffix(".summary.json")
    cmd = [
        sys.executable,
        str(score_py),
        "--expected",
        str(expected),
        "--predicted",
        str(predicted),
        "--json",
        str(summary),
        "--quiet",
        "--per-page",
        str(predicted.with_suffix(".pages.jsonl")),
    ]
    subprocess.run(cmd, check=True)
    metrics: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8"))["metrics"]
    return metrics


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--folders", nargs="+", default=["articles", "aeb"])
    ap.add_argument("--out", type=Path, default=None, help="keep predictions here")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each folder")
    args = ap.parse_args()
    if not args.data.is_dir():
        sys.exit(
            f"bench: {args.data} not found. This benchmark reads real publisher pages from the "
            "team's shared folder, which is not part of the project: put it beside the checkout "
            "or pass its path. The tests need nothing of it (`make test`)."
        )
    out = args.out or Path(tempfile.mkdtemp(prefix="extract-bench-"))
    extractors = {"ours": our_prediction, "trafilatura": trafilatura_prediction}
    seconds = dict.fromkeys(extractors, 0.0)
    n_pages = 0
    results: dict[tuple[str, str], dict[str, Any]] = {}
    for folder in args.folders:
        for name in extractors:
            (out / name / folder).mkdir(parents=True, exist_ok=True)
        for page_id, url, html in pages(args.data / folder, args.limit):
            n_pages += 1
            for name, run in extractors.items():
                start = time.process_time()
                pred = run(html, url)
                seconds[name] += time.process_time() - start
                path = out / name / folder / f"{page_id}.json"
                path.write_text(json.dumps(pred, ensure_ascii=False), encoding="utf-8")
        for name in extractors:
            results[name, folder] = score(
                args.data / "score.py", args.data / folder, out / name / folder
            )

    print(f"extractor {EXTRACTOR_VERSION}, {n_pages} pages, predictions in {out}")
    print(f"{'folder':<10}{'field':<12}{'metric':<10}{'ours':>8}{'trafilatura':>13}")
    for folder, metric, key in ROWS:
        if folder not in args.folders:
            continue
        vals = [results[name, folder].get(metric, {}).get(key) for name in extractors]
        cells = "".join(f"{v:>8.3f}" if v is not None else f"{'-':>8}" for v in vals[:1])
        cells += f"{vals[1]:>13.3f}" if vals[1] is not None else f"{'-':>13}"
        print(f"{folder:<10}{metric:<12}{key:<10}{cells}")
    ms = {name: 1000 * s / max(n_pages, 1) for name, s in seconds.items()}
    print(f"{'':<10}{'time':<12}{'ms/page':<10}{ms['ours']:>8.1f}{ms['trafilatura']:>13.1f}")
    print(f"ratio ours/trafilatura: {ms['ours'] / max(ms['trafilatura'], 1e-9):.2f}")


if __name__ == "__main__":
    main()
