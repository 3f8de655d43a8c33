"""newsarchive against trafilatura's CLI on one served news web (issue 21).

    .venv/bin/python bench/peers.py [--articles 600] [--work /tmp/bench-peers]

Needs ../shared (newsweb.py and the test pages; NEWSARCHIVE_SHARED to point elsewhere) and root
to serve on port 80: trafilatura's sitemap discovery rejects a host with a port. Builds a web of
3 sites with every trap (robots.txt Crawl-delay 0), serves it (`newsweb.py serve --mode ips`),
installs trafilatura's CLI from PyPI into WORK/trafilatura-venv (uv), then runs, alternated:
newsarchive, trafilatura (`--sitemap URL --list` per site, then `-i urls.txt --json`),
newsarchive again (fresh archive), and newsarchive's next run on the first archive (it fetches
the URLs the first run deferred). Every tool runs with a per-site delay of 0 and its other
defaults. Prints wall time, articles found (of the manifest's), CPU per article, peak RSS of the
whole process tree and the ratios, and checks the access log for robots.txt-disallowed
requests. news-please (`--news-please`, on by default) runs after the second newsarchive run with
its shipped configuration (sitemap crawler falling back to a recursive crawl, robots.txt obeyed,
no download delay), installed into WORK/news-please-venv; it ignores a site URL with a port.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import urlopen

from protego import Protego

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from archive.discovery.urls import canonical_url
from bench.newsweb import serve_command
from tests.support import crawl_command, ready_info, stop_process

SHARED = Path(os.environ.get("NEWSARCHIVE_SHARED", ROOT.parent / "shared"))
NEWSWEB = SHARED / "newsweb" / "newsweb.py"
LOG_LINE = re.compile(r'"(?:GET|HEAD) (?P<path>\S+) HTTP/[\d.]+" (?P<status>\d{3})')


@dataclass
class Run:
    tool: str
    wall: float = 0.0
    cpu: float = 0.0
    peak_rss: int = 0  # bytes, whole process tree
    found: int = 0
    requests: int = 0
    disallowed: list[str] = field(default_factory=list)
    deferred: list[dict[str, str]] = field(default_factory=list)
    note: str = ""


def tree_rss(root: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
        except (OSError, ValueError):
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, []))
    return total


def measured(cmd: list[str], run: Run, out: Path, **kwargs: Any) -> int:
    """Run `cmd` (stdout to `out`, stderr to `out`.err), adding its wall time, CPU (its own and
    its children's, from wait4) and the peak RSS of its process tree to `run`; its exit code."""
    started = time.monotonic()
    with out.open("wb") as stdout, out.with_suffix(".err").open("wb") as stderr:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, **kwargs)
        peak, done = [0], threading.Event()

        def sample() -> None:
            while not done.wait(0.2):
                peak[0] = max(peak[0], tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    run.wall += time.monotonic() - started
    run.cpu += usage.ru_utime + usage.ru_stime
    run.peak_rss = max(run.peak_rss, peak[0])
    return proc.returncode


class Newsweb:
    """`newsweb.py serve --mode ips` on port 80 in a subprocess, with its access log."""

    def __init__(self, site_dir: Path, port: int) -> None:
        cmd = serve_command(NEWSWEB, site_dir, port)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        info = ready_info(self.proc)
        if info is None:
            raise SystemExit(
                f"newsweb serve failed (exit {self.proc.returncode}); port {port} busy?"
            )
        self.urls = [u.replace(":80/", "/") for u in info["sites"].values()]
        self.log = Path(info["workdir"]) / "access.log"
        self.manifest = json.loads(Path(info["manifest"]).read_text())

    def offset(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def paths(self, start: int) -> list[tuple[str, int]]:
        time.sleep(1.5)  # nginx writes its log in buffered chunks
        data = self.log.read_bytes()[start:].decode("utf-8", "replace")
        return [(m["path"], int(m["status"])) for m in map(LOG_LINE.search, data.splitlines()) if m]

    def stop(self) -> None:
        stop_process(self.proc)


def expected(manifest: dict[str, Any]) -> set[str]:
    """Canonical URLs of the manifest's articles (originals and syndicated copies)."""
    return {
        canonical_url(a["url"].replace(":80/", "/"))
        for a in manifest["articles"]
        if a["kind"] in ("article", "syndicated_copy") and a["status"] == 200
    }


def robots_of(urls: list[str]) -> Protego:
    with urlopen(urls[0] + "robots.txt", timeout=10) as resp:
        return Protego.parse(resp.read().decode("utf-8", "replace"))


def check_log(run: Run, web: Newsweb, start: int, robots: Protego) -> list[tuple[str, int]]:
    hits = web.paths(start)
    run.requests = len(hits)
    run.disallowed = [p for p, _ in hits if not robots.can_fetch(p, "*")]
    return hits


def build(work: Path, articles: int) -> Path:
    web = work / f"web-{articles}"
    if (web / "manifest.json").exists():
        return web
    testdata = SHARED / "testdata"
    cmd = [
        sys.executable,
        str(NEWSWEB),
        "build",
        "--pages",
        str(testdata / "articles"),
        "--pages",
        str(testdata / "aeb"),
        "--out",
        str(web),
        "--sites",
        "3",
        "--articles",
        str(articles),
        "--seed",
        "1",
        "--crawl-delay",
        "0",
    ]
    subprocess.run(cmd, check=True, capture_output=True, timeout=900)
    return web


def install(venv: Path, packages: list[str]) -> None:
    """`packages` from PyPI into a venv of their own (uv). Compiled at install as pip does (and
    as newsarchive's own venv is: pyproject's [tool.uv]): no tool pays for compiling its imports
    on every run."""
    uv = shutil.which("uv") or str(Path.home() / ".local" / "bin" / "uv")
    subprocess.run([uv, "venv", "-q", "--allow-existing", str(venv)], check=True)
    cmd = [uv, "pip", "install", "-q", "--compile-bytecode", "--python", str(venv)]
    subprocess.run([*cmd, *packages], check=True, capture_output=True, timeout=900)


def trafilatura_cli(work: Path) -> tuple[Path, Path]:
    """trafilatura's CLI in its own venv (from PyPI) and a config with no delay between
    requests to a site and loopback addresses allowed (it refuses them by default)."""
    venv = work / "trafilatura-venv"
    exe = venv / "bin" / "trafilatura"
    if not exe.exists() or not any(
        venv.glob("lib/python*/site-packages/trafilatura/__pycache__/*.pyc")
    ):
        install(venv, ["trafilatura"])
    shipped = next(venv.glob("lib/python*/site-packages/trafilatura/settings.cfg"))
    config = work / "trafilatura.cfg"
    text = re.sub(r"(?m)^SLEEP_TIME = .*$", "SLEEP_TIME = 0", shipped.read_text())
    config.write_text(re.sub(r"(?m)^SSRF_PROTECTION = .*$", "SSRF_PROTECTION = off", text))
    return exe, config


def sites_toml(path: Path, urls: list[str]) -> Path:
    blocks = [
        f'[[site]]\nname = "site-{i}"\nurl = "{url}"\ndelay = 0\nallow_private = true\n'
        for i, url in enumerate(urls, 1)
    ]
    path.write_text("\n".join(blocks))
    return path


def run_newsarchive(
    name: str, data: Path, sites: Path, web: Newsweb, want: set[str], before: Run | None = None
) -> Run:
    """A crawl into `data`; `before`: the earlier run on the same archive, whose deferred URLs
    this one must ask for."""
    import sqlite3

    run, robots = Run(name), robots_of(web.urls)
    start = web.offset()
    cmd = crawl_command(sites, data)
    out = data.parent / (re.sub(r"\W+", "-", name).strip("-") + ".out")
    code = measured(cmd, run, out, cwd=ROOT)
    hits = check_log(run, web, start, robots)
    err = out.with_suffix(".err").read_text(errors="replace")
    if code:
        raise SystemExit(f"{name}: newsarchive crawl exited {code}:\n{err[-3000:]}")
    db = sqlite3.connect(data / "news.db")
    archived: set[str] = set()
    for row in db.execute(
        "SELECT c.url, c.final_url, a.url FROM captures c JOIN articles a ON a.id = c.article_id"
    ):
        archived.update(canonical_url(u) for u in row)
    stats = json.loads(db.execute("SELECT stats FROM crawls ORDER BY id DESC").fetchone()[0])
    db.close()
    run.found = len(want & archived)
    run.deferred = stats.get("newsarchive/deferred_urls") or []
    run.note = f"{len(run.deferred)} deferred"
    if before is not None:  # paths only in the log: count them per path
        asked = Counter(p for p, _ in hits)
        wanted = Counter(urlsplit(d["url"]).path for d in before.deferred)
        picked = sum(min(n, asked[p]) for p, n in wanted.items())
        run.note += f"; asked for {picked} of the {len(before.deferred)} deferred before"
    return run


def run_trafilatura(work: Path, web: Newsweb, want: set[str]) -> Run:
    exe, config = trafilatura_cli(work)
    run, robots = Run("trafilatura"), robots_of(web.urls)
    out = work / "trafilatura"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    start = web.offset()
    listed: list[str] = []
    for i, url in enumerate(web.urls):
        lst = out / f"list-{i}.txt"
        measured([str(exe), "--config-file", str(config), "--sitemap", url, "--list"], run, lst)
        listed += lst.read_text().split()
    (out / "urls.txt").write_text("\n".join(listed) + "\n")
    cmd = [
        str(exe),
        "--config-file",
        str(config),
        "-i",
        str(out / "urls.txt"),
        "--json",
        "-o",
        str(out / "json"),
    ]
    measured(cmd, run, out / "extract.out")
    hits = check_log(run, web, start, robots)
    fetched = {p.split("?")[0] for p, status in hits if status == 200}
    got = {u for u in (canonical_url(x) for x in listed) if urlsplit(u).path in fetched}
    files = len(list((out / "json").glob("*.json"))) if (out / "json").exists() else 0
    # its JSON carries no URL (that needs --with-metadata): an article counts as found when it
    # was listed, fetched with 200, and there are at least as many output files
    run.found = min(len(want & got), files)
    run.note = f"{len(listed)} URLs listed, {files} JSON files"
    return run


# news-please 1.6.16 with today's registry: readability-lxml 0.8.4 sniffs the charset of the
# bytes news-please hands it with str patterns (TypeError on every page), and newspaper4k
# imports nltk and tinysegmenter for the languages it detects without depending on them
NEWS_PLEASE = ["news-please==1.6.16", "readability-lxml==0.8.1", "nltk", "tinysegmenter"]


def news_please_cli(work: Path) -> tuple[Path | None, str]:
    """news-please in its own venv, or (None, why it did not install)."""
    venv = work / "news-please-venv"
    exe = venv / "bin" / "news-please"
    if exe.exists():
        return exe, ""
    try:
        install(venv, NEWS_PLEASE)
    except (OSError, subprocess.SubprocessError) as exc:
        err = getattr(exc, "stderr", b"") or b""
        return None, f"install failed: {exc} {err.decode(errors='replace')[-300:]}"
    return exe, ""


def run_news_please(work: Path, web: Newsweb, want: set[str], exe: Path) -> Run:
    """news-please's shipped configuration, its working folder moved under `work`."""
    run, robots = Run("news-please"), robots_of(web.urls)
    out = work / "news-please"
    shutil.rmtree(out, ignore_errors=True)
    (out / "config").mkdir(parents=True)
    shipped = next(exe.parent.parent.glob("lib/python*/site-packages/newsplease/config"))
    config = (shipped / "config.cfg").read_text()
    config = re.sub(r"(?m)^working_path = .*$", f"working_path = {out / 'repo'}/", config)
    (out / "config" / "config.cfg").write_text(config)
    sites = {"base_urls": [{"url": url} for url in web.urls]}
    (out / "config" / "sitelist.hjson").write_text(json.dumps(sites, indent=2))
    start = web.offset()
    cmd = [str(exe), "-c", str(out / "config"), "-no-confirm"]
    code = measured(cmd, run, out / "news-please.out", cwd=out)
    check_log(run, web, start, robots)
    found: set[str] = set()
    for path in (out / "repo" / "data").rglob("*.json"):
        try:
            url = json.loads(path.read_text())["url"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        found.add(canonical_url(url))  # the served manifest's URLs are on these addresses too
    run.found = len(want & found)
    run.note = f"{len(found)} JSON articles" + (f"; exit {code}" if code else "")
    return run


def settle() -> None:
    """Before each timed run: what the last one wrote (or an install, or the web just built)
    is written back first, so that no run's writes or imports wait for another's (on this VM
    a run right after news-please's install spent 6 s before its first log line; one right
    after trafilatura's 673 JSON files once ended 20 s late, the disk a suspect, not proven)."""
    os.sync()
    time.sleep(2.0)


def ratios(runs: list[Run], peer: Run) -> None:
    """Each fresh newsarchive run (the first and the second) over `peer`."""
    for r in (runs[0], runs[2]):
        print(
            f"{r.tool} / {peer.tool}: wall {r.wall / peer.wall:.2f}x, CPU per article "
            f"{(r.cpu / max(r.found, 1)) / (peer.cpu / max(peer.found, 1)):.2f}x, "
            f"peak RSS {r.peak_rss / max(peer.peak_rss, 1):.2f}x"
        )


def table(runs: list[Run], want: int) -> None:
    print(
        f"\n{'tool':<24}{'wall s':>8}{'found':>9}{'%':>8}{'CPU s':>8}{'ms/art':>8}"
        f"{'peak MiB':>10}{'reqs':>7}{'robots!':>8}  note"
    )
    for r in runs:
        per = 1000 * r.cpu / max(r.found, 1)
        print(
            f"{r.tool:<24}{r.wall:>8.1f}{r.found:>9}{100 * r.found / want:>8.2f}{r.cpu:>8.1f}"
            f"{per:>8.1f}{r.peak_rss / 2**20:>10.0f}{r.requests:>7}{len(r.disallowed):>8}  "
            f"{r.note}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-peers"))
    parser.add_argument("--port", type=int, default=80, help="trafilatura needs 80")
    parser.add_argument(
        "--news-please",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run news-please too (about 90 s)",
    )
    opts = parser.parse_args()
    if not NEWSWEB.exists() or not (SHARED / "testdata" / "articles").is_dir():
        raise SystemExit(
            f"bench/peers.py needs the shared folder with newsweb/newsweb.py and testdata/ at "
            f"{SHARED}, which is missing: set NEWSARCHIVE_SHARED to where it is."
        )
    opts.work.mkdir(parents=True, exist_ok=True)
    print(f"building a {opts.articles}-article web under {opts.work} ...", file=sys.stderr)
    site_dir = build(opts.work, opts.articles)
    trafilatura_cli(opts.work)  # installed before any timing
    np_exe, np_why = news_please_cli(opts.work) if opts.news_please else (None, "--no-news-please")
    load = os.getloadavg()
    web = Newsweb(site_dir, opts.port)
    try:
        want = expected(web.manifest)
        sites = sites_toml(opts.work / "sites.toml", web.urls)
        first, second = opts.work / "na-1" / "data", opts.work / "na-2" / "data"
        for data in (first, second):
            shutil.rmtree(data.parent, ignore_errors=True)
            data.parent.mkdir(parents=True)
        # Only the first run meets the web's `/flaky/` trap (503 with Retry-After 2 to the
        # first two requests since the server started); trafilatura, reading sitemaps only,
        # never asks for it
        settle()
        runs = [run_newsarchive("newsarchive #1", first, sites, web, want)]
        settle()
        runs.append(run_trafilatura(opts.work, web, want))
        settle()
        runs.append(run_newsarchive("newsarchive #2", second, sites, web, want))
        if np_exe is not None:
            settle()
            runs.append(run_news_please(opts.work, web, want, np_exe))
        settle()
        runs.append(run_newsarchive("newsarchive #1 next run", first, sites, web, want, runs[0]))
        load_after = os.getloadavg()
    finally:
        web.stop()
    table(runs, len(want))
    for d in runs[0].deferred:
        print(f"  deferred by #1: {d['url']}  {d['reason']}; due {d['due_at']}")
    ratios(runs, runs[1])
    if np_exe is None:
        print(f"news-please: not run ({np_why})")
    else:
        ratios(runs, next(r for r in runs if r.tool == "news-please"))
    print(
        f"expected articles: {len(want)}; load average before {load[0]:.2f}, "
        f"after {load_after[0]:.2f} (2 cores)"
    )
    print(
        f"robots.txt-disallowed requests: {sum(len(r.disallowed) for r in runs)} "
        f"({', '.join(sorted({p for r in runs for p in r.disallowed})[:5])})"
    )


if __name__ == "__main__":
    main()
