"""CPU per page of `archive.extract.extract`, this checkout against another revision, and whether
every output is the same.

    .venv/bin/python bench/extraction_speed.py --against main [--web /tmp/nw-x] [--rounds 8]

The pages: every page of the dev corpora (`../shared/testdata`, articles and aeb) and, with
`--web`, every article page of a built newsweb (`bench/extraction_newsweb.py` says how to build
one). The other revision's `archive/` is exported with `git archive` to a temporary folder. Each
round runs one fresh process per side, the order alternating, each timing one pass over all
pages with `time.process_time` after a few pages of warm-up. Printed: the median ms/page of each
side and their ratio (this checkout / the other). Then both sides extract every page once more
and the full results (`Article.to_dict()`, as JSON with sorted keys) are compared: the pages
that differ are listed, and the exit status is 1 if there is any.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "testdata"
WARM_UP_PAGES = 5


def load_pages(data: Path, web: Path | None) -> list[tuple[str, str, str]]:
    """(key, url, html) of every page, in a fixed order."""
    pages = []
    for folder in ("articles", "aeb"):
        index = json.loads((data / folder / "INDEX.json").read_text(encoding="utf-8"))
        for entry in index["pages"]:
            raw = gzip.decompress((data / folder / f"{entry['id']}.html.gz").read_bytes())
            html = raw.decode("utf-8", errors="replace")
            pages.append((f"{folder}/{entry['id']}", entry["url"], html))
    if web is not None:
        manifest = json.loads((web / "manifest.json").read_text(encoding="utf-8"))
        for entry in manifest["articles"]:
            if entry["kind"] in ("article", "syndicated_copy") and entry["status"] == 200:
                html = (web / entry["file"]).read_bytes().decode("utf-8", errors="replace")
                pages.append((f"newsweb/{entry['id']}", entry["url"], html))
    return pages


def child(args: argparse.Namespace) -> None:
    """One side: time a pass over the pages, or write every result (one JSON line a page)."""
    sys.path.insert(0, str(args.child))
    from archive.extract import extract

    pages = load_pages(args.data, args.web)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            for key, url, html in pages:
                result = json.dumps(extract(html, url).to_dict(), sort_keys=True)
                fh.write(json.dumps([key, result]) + "\n")
        return
    for _key, url, html in pages[:WARM_UP_PAGES]:
        extract(html, url)
    start = time.process_time()
    for _key, url, html in pages:
        extract(html, url)
    print(json.dumps({"ms_per_page": 1000 * (time.process_time() - start) / len(pages)}))


def export(revision: str, into: Path) -> None:
    """The `archive/` package of a git revision, written under `into`."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "archive"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        archive.extractall(into, filter="data")


def run_side(root: Path, args: argparse.Namespace, *extra: str) -> str:
    cmd = [sys.executable, __file__, "--child", str(root), "--data", str(args.data)]
    if args.web is not None:
        cmd += ["--web", str(args.web)]
    return subprocess.run([*cmd, *extra], check=True, capture_output=True, text=True).stdout


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="main", help="git revision to compare with")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--web", type=Path, default=None, help="a `newsweb.py build` output folder")
    ap.add_argument("--rounds", type=int, default=6, help="timed passes of each side")
    ap.add_argument("--child", type=Path, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--dump", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        child(args)
        return
    if not args.data.is_dir():
        sys.exit(
            f"bench: {args.data} not found. This benchmark reads real publisher pages from the "
            "team's shared folder, which is not part of the project: put it beside the checkout "
            "or pass its path. The tests need nothing of it (`make test`)."
        )
    with tempfile.TemporaryDirectory(prefix="extract-speed-") as tmp:
        other = Path(tmp) / "other"
        export(args.against, other)
        sides = {"this checkout": ROOT, args.against: other}
        times: dict[str, list[float]] = {name: [] for name in sides}
        for i in range(args.rounds):
            for name in list(sides)[:: 1 if i % 2 == 0 else -1]:
                out = run_side(sides[name], args)
                times[name].append(json.loads(out.splitlines()[-1])["ms_per_page"])
        results: dict[str, dict[str, str]] = {}
        for name, root in sides.items():
            dump = Path(tmp) / (hashlib.sha256(name.encode()).hexdigest()[:8] + ".jsonl")
            run_side(root, args, "--dump", str(dump))
            lines = dump.read_text(encoding="utf-8").splitlines()
            results[name] = dict(json.loads(line) for line in lines)
    ours, theirs = (statistics.median(times[name]) for name in sides)
    for name, values in times.items():
        cells = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:<16} {statistics.median(values):6.2f} ms/page (median; rounds: {cells})")
    print(f"ratio this checkout / {args.against}: {ours / theirs:.3f}")
    mine, base = results["this checkout"], results[args.against]
    differ = sorted(key for key in mine if mine[key] != base.get(key))
    print(f"{len(mine)} pages compared, {len(differ)} with a different extraction")
    for key in differ[:20]:
        print(f"  {key}")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
