"""Check `archive.extract.extract` on a built ../shared/newsweb web (real publisher templates).

    python3 ../shared/newsweb/newsweb.py build --pages ../shared/testdata/articles \
        --pages ../shared/testdata/aeb --out /tmp/nw-x --sites 3 --articles 240 --seed 1
    .venv/bin/python bench/extraction_newsweb.py /tmp/nw-x [--templates ../shared/testdata]
        [--show N] [--jsonl FILE]

Every article page of the manifest (articles and syndicated copies, status 200) is read from
disk and extracted with its placeholder URL. Per page:

- title: exact after NFKC, casefold and whitespace collapsing;
- authors: same set of names (same normalization);
- markers: both `body_markers` in the body (an invented word in the first and in the last
  body paragraph: a complete body contains both); first/last reported apart;
- start: the body begins with the manifest's `body_first_80` (nothing before the story);
- foreign: the body holds another story's marker (a related-story teaser, the next story) or
  the template's own original headline (the page's chrome leaking into the body);
- credit: some image credit contains the manifest's `photo_credit` (label-insensitive).

The summary line gives the share of pages passing each check; `--show N` lists failures.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout
from archive.extract import EXTRACTOR_VERSION, extract

DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "shared" / "testdata"
_SPACE = re.compile(r"\s+")
_LABEL = re.compile(r"^(?:photo|foto|bild|image|credit)s?\s*[:/-]?\s*", re.IGNORECASE)


def norm(value: str | None) -> str:
    value = unicodedata.normalize("NFKC", value or "").casefold()
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"')):
        value = value.replace(a, b)
    for dash in ("\u2013", "\u2014"):
        value = value.replace(dash, "-")
    return _SPACE.sub(" ", value).strip()


def fold(value: str | None) -> str:
    return "".join(ch for ch in norm(value) if ch.isalnum())


def template_titles(folders: list[Path]) -> dict[str, str]:
    """The original headline of every template page, folded, by page id."""
    titles = {}
    for folder in folders:
        for path in folder.glob("*.json"):
            if path.name == "INDEX.json":
                continue
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            title = (record.get("expected") or {}).get("title")
            if title and len(fold(title)) >= 12:
                titles[path.stem] = fold(title)
    return titles


def check(
    entry: dict[str, Any],
    pred: dict[str, Any],
    foreign_markers: dict[str, str],
    own_group: str,
    template_title: str,
) -> dict[str, Any]:
    body = pred.get("body") or ""
    body_words = set(re.findall(r"\w+", body))
    first, last = entry["body_markers"]
    foreign = sorted(
        m for m in body_words if m in foreign_markers and foreign_markers[m] != own_group
    )
    template_leak = bool(template_title) and template_title in fold(body)
    credit = fold(_LABEL.sub("", entry.get("photo_credit") or ""))
    got = [fold(_LABEL.sub("", im.get("credit") or "")) for im in pred.get("images", [])]
    return {
        "id": entry["id"],
        "template": entry["template"],
        "title": norm(pred.get("title")) == norm(entry["title"]),
        "authors": {norm(a) for a in pred.get("authors", [])}
        == {norm(a) for a in entry.get("authors") or []},
        "first": first in body_words,
        "last": last in body_words,
        "markers": first in body_words and last in body_words,
        "start": fold(body).startswith(fold(entry.get("body_first_80"))[:40]),
        "foreign": bool(foreign) or template_leak,
        "foreign_markers": foreign[:5],
        "template_headline": template_leak,
        "credit": (not credit) or any(credit in c for c in got if c),
        "got_title": pred.get("title"),
        "want_title": entry["title"],
        "got_authors": pred.get("authors"),
        "want_authors": entry.get("authors"),
        "body_head": body[:120],
        "body_tail": body[-160:],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("web", type=Path, help="a `newsweb.py build` output folder")
    ap.add_argument("--templates", type=Path, default=DEFAULT_TEMPLATES)
    ap.add_argument("--show", type=int, default=0, help="list up to N failures per check")
    ap.add_argument("--jsonl", type=Path, default=None, help="write per-page results here")
    args = ap.parse_args()
    if not args.templates.is_dir():
        sys.exit(
            f"bench: {args.templates} not found. This benchmark reads real publisher pages from the "
            "team's shared folder, which is not part of the project: put it beside the checkout "
            "or pass its path. The tests need nothing of it (`make test`)."
        )
    manifest = json.loads((args.web / "manifest.json").read_text(encoding="utf-8"))
    titles = template_titles([args.templates / "articles", args.templates / "aeb"])
    entries = [
        a
        for a in manifest["articles"]
        if a["kind"] in ("article", "syndicated_copy") and a["status"] == 200
    ]
    groups = {a["id"]: a.get("duplicate_of") or a["id"] for a in manifest["articles"]}
    foreign_markers = {m: groups[a["id"]] for a in manifest["articles"] for m in a["body_markers"]}
    results = []
    seconds = 0.0
    for entry in entries:
        html = (args.web / entry["file"]).read_bytes().decode("utf-8", errors="replace")
        start = time.process_time()
        pred = extract(html, entry["url"]).to_dict()
        seconds += time.process_time() - start
        results.append(
            check(
                entry,
                pred,
                foreign_markers,
                groups[entry["id"]],
                titles.get(entry["template"], ""),
            )
        )
    n = len(results)
    checks = ["title", "authors", "markers", "first", "last", "start", "credit"]
    print(
        f"extractor {EXTRACTOR_VERSION}, {n} pages of {args.web}, {1000 * seconds / n:.1f} ms/page"
    )
    for name in checks:
        print(f"  {name:<18}{sum(r[name] for r in results) / n:.3f}")
    print(f"  {'no foreign text':<18}{sum(not r['foreign'] for r in results) / n:.3f}")
    print(f"    (template headline in body: {sum(r['template_headline'] for r in results)} pages)")
    if args.jsonl:
        with args.jsonl.open("w", encoding="utf-8") as fh:
            for r in results:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    if args.show:
        for name in [*checks, "foreign"]:
            bad = [r for r in results if (r[name] if name == "foreign" else not r[name])]
            print(
                f"\n== {name}: {len(bad)} failing, by template: "
                f"{Counter(r['template'].rsplit('-', 1)[0] for r in bad).most_common(5)}"
            )
            for r in bad[: args.show]:
                print(f"  {r['id']} {r['template']}")
                if name == "title":
                    print(f"    got {r['got_title']!r}\n    want {r['want_title']!r}")
                elif name == "authors":
                    print(f"    got {r['got_authors']!r} want {r['want_authors']!r}")
                elif name == "foreign":
                    print(f"    markers {r['foreign_markers']} headline {r['template_headline']}")
                else:
                    print(f"    head {r['body_head']!r}\n    tail {r['body_tail']!r}")


if __name__ == "__main__":
    main()
