"""`python -m archive.demo.web serve|build`: the test web from a shell.

    python -m archive.demo.web serve --articles 120 --revision 1 --port 0 --workdir /tmp/web
    {"sites": {"site-a": "http://127.0.3.1:40123/", ...}, "manifest": "...", ...}

`serve` prints one JSON line once the sites answer, then serves until SIGTERM or SIGINT.
`build OUT` writes the pages of the web (placeholder origins) and its manifest under OUT.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from archive.demo.web.build import build_web
from archive.demo.web.serve import WebServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m archive.demo.web",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("command", choices=["serve", "build"])
    parser.add_argument("out", nargs="?", type=Path, help="build: the output folder")
    parser.add_argument("--articles", type=int, default=120)
    parser.add_argument("--sites", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--revision", type=int, default=1, choices=[1, 2])
    parser.add_argument("--crawl-delay", type=float, default=2.0, help="robots.txt Crawl-delay")
    parser.add_argument("--huge-mb", type=int, default=20, help="size of the huge page (0: none)")
    parser.add_argument("--port", type=int, default=0, help="serve: 0 picks a free one")
    parser.add_argument("--workdir", type=Path, help="serve: manifest and access log go here")
    args = parser.parse_args(argv)
    options = {
        "articles": args.articles,
        "seed": args.seed,
        "revision": args.revision,
        "crawl_delay": args.crawl_delay,
        "huge_mb": args.huge_mb,
    }
    if args.command == "build":
        if args.out is None:
            parser.error("build needs an output folder")
        started = time.monotonic()
        web = build_web(sites=args.sites, **options)
        web.write(args.out)
        stats = dict(web.manifest["stats"], build_seconds=round(time.monotonic() - started, 2))
        print(json.dumps(stats))
        return 0
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="testweb-"))
    server = WebServer(workdir, port=args.port, sites=args.sites, **options)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    print(json.dumps(server.info()), flush=True)
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
