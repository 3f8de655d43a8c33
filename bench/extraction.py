"""Score `archive.extract.extract` against trafilatura's `bare_extraction` on the dev corpora.

    .venv/bin/python bench/extraction.py [--data ../shared/testdata] [--folders articles aeb]
        [--out DIR] [--limit N] [--ablation [RULE ...]]

For every page both extractors run on the same decoded HTML, one after the other, and their
CPU time (`time.process_time`, so other processes on a shared machine count less) is summed.
Predictions go to `<out>/<extractor>/<folder>/<id>.json` and are scored by the corpus' own
`score.py`, run as a subprocess. The table shows each field for both extractors and the
ms/page ratio, ours / trafilatura.

With `--ablation`, each rule of `archive.extract.rules.RULES` (or the ones named) is then turned
off in turn; for each the report gives the pages whose prediction changed, the change of every
field of the table, and the pages each field moved on (+ better, - worse without the rule). A
rule that moves one page is fitted to that page.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
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
from archive.extract import EXTRACTOR_VERSION, RULES, extract

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


def our_prediction(html: str, url: str, off: frozenset[str] = frozenset()) -> dict[str, Any]:
    return extract(html, url, off=off).to_dict()


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


# per-page values of the score's rows, as score.py's per-page records name them
PAGE_KEYS = {
    "title": "title",
    "authors": "authors",
    "published": "published",
    "body_tok": "body_tok_F1",
    "credit": "credit",
    "caption": "caption_F1",
}


def _page_value(row: dict[str, Any], metric: str) -> float | None:
    value = row.get(PAGE_KEYS.get(metric, ""))
    if isinstance(value, dict):
        value = value.get("F1", value.get("ok"))
    return float(value) if value is not None else None


def _load_score(score_py: Path) -> Any:
    spec = importlib.util.spec_from_file_location("testdata_score", score_py)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ablation(
    corpus: dict[str, list[tuple[str, str, str]]],
    data: Path,
    out: Path,
    rules: list[str],
) -> None:
    """Turn each rule off in turn and print what moves."""
    scorer = _load_score(data / "score.py")
    base_pred: dict[tuple[str, str], dict[str, Any]] = {}
    base: dict[str, tuple[dict[str, Any], dict[str, dict[str, Any]]]] = {}

    def run(off: frozenset[str], name: str) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
        scored = {}
        for folder, items in corpus.items():
            folder_out = out / "ablation" / name / folder
            folder_out.mkdir(parents=True, exist_ok=True)
            for page_id, url, html in items:
                pred = our_prediction(html, url, off)
                if not off:
                    base_pred[folder, page_id] = pred
                (folder_out / f"{page_id}.json").write_text(
                    json.dumps(pred, ensure_ascii=False), encoding="utf-8"
                )
            summary, per_page = scorer.score(data / folder, folder_out)
            scored[folder] = (summary["metrics"], {r["id"]: r for r in per_page})
        return scored

    base = run(frozenset(), "none")
    print(f"\nablation: each rule off in turn ({len(rules)} rules)")
    print("delta = score without the rule minus score with it (negative: the rule helps);")
    print("help/hurt = pages a field gets worse/better without the rule; sites = publishers moved")
    head = "".join(f"{f[:3]}.{m[:8]:<9}" for f, m, _k in ROWS)
    print(f"{'rule':<28}{'pages':>6}{'help':>6}{'hurt':>6}{'sites':>6}  {head}")
    for rule in rules:
        scored = run(frozenset({rule}), rule)
        changed = sum(
            1
            for folder, items in corpus.items()
            for page_id, _url, _html in items
            if json.loads((out / "ablation" / rule / folder / f"{page_id}.json").read_text("utf-8"))
            != base_pred[folder, page_id]
        )
        cells = ""
        helps: set[str] = set()
        hurts: set[str] = set()
        for folder, metric, key in ROWS:
            if folder not in scored:
                cells += f"{'':<13}"
                continue
            now = scored[folder][0].get(metric, {}).get(key)
            was = base[folder][0].get(metric, {}).get(key)
            delta = (now or 0.0) - (was or 0.0)
            cells += f"{delta:+13.4f}" if abs(delta) >= 5e-5 else f"{'.':>13}"
            if metric not in PAGE_KEYS:
                continue
            for page_id, row in scored[folder][1].items():
                a, b = _page_value(row, metric), _page_value(base[folder][1][page_id], metric)
                if a is not None and b is not None and abs(a - b) > 1e-9:
                    (helps if a < b else hurts).add(page_id)
        sites = {_publisher(page_id) for page_id in helps | hurts}
        print(f"{rule:<28}{changed:>6}{len(helps):>6}{len(hurts):>6}{len(sites):>6}  {cells}")
        if 0 < len(helps | hurts) <= 3:
            print(f"{'':<28}pages: {' '.join(sorted(p[:40] for p in helps | hurts))}")


def _publisher(page_id: str) -> str:
    """The publisher of a dev page: "fundus-de-Merkur-2" -> "de-Merkur"; an aeb page is its own."""
    parts = page_id.split("-")
    return "-".join(parts[1:-1]) if parts[0] == "fundus" and len(parts) > 3 else page_id


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--folders", nargs="+", default=["articles", "aeb"])
    ap.add_argument("--out", type=Path, default=None, help="keep predictions here")
    ap.add_argument("--limit", type=int, default=None, help="first N pages of each folder")
    ap.add_argument(
        "--ablation",
        nargs="*",
        metavar="RULE",
        default=None,
        help="then turn each rule (all of archive.extract.rules.RULES if none named) off in turn",
    )
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
    corpus: dict[str, list[tuple[str, str, str]]] = {}
    for folder in args.folders:
        for name in extractors:
            (out / name / folder).mkdir(parents=True, exist_ok=True)
        corpus[folder] = pages(args.data / folder, args.limit)
        for page_id, url, html in corpus[folder]:
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
    if args.ablation is not None:
        ablation(corpus, args.data, out, args.ablation or list(RULES))


if __name__ == "__main__":
    main()
