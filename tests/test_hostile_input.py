"""Hostile input to the parsers a site controls: property tests (hypothesis) of URL
canonicalization, sitemap/feed/robots parsing and the sites.toml loader, entity expansion in
feeds, and blob keys/paths that must never leave the store.

Each property: no exception but the documented ones, no hang (each example is timed), bounded
memory (peak traced allocation per example). Extraction's own property tests:
tests/test_extract_bad_input.py. Counts go to test-artifacts/faults.md.
"""

from __future__ import annotations

import contextlib
import gzip
import time
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.discovery.documents import maybe_gunzip, parse_feed, parse_sitemap
from archive.discovery.documents import sitemaps_from_robots as robots_sitemaps
from archive.discovery.urls import canonical_url
from archive.errors import DocumentTooLarge, SiteConfigError
from archive.sites import load_sites
from archive.storage import blob_key
from archive.storage.local import LocalBlobStore
from tests.faults.report import record

EXAMPLES = 300
SLOWEST = 5.0  # seconds for one example: more is a hang
MAX_PEAK = 64 * 2**20  # bytes traced while parsing one example

URL_CHARS = st.characters(codec="utf-8", exclude_categories=["Cs"])
url_like = st.one_of(
    st.text(URL_CHARS, max_size=200),
    st.builds(
        lambda scheme, host, port, path, query, frag: f"{scheme}://{host}{port}{path}{query}{frag}",
        st.sampled_from(["http", "HTTPS", "ftp", "javascript", "", "http:/"]),
        st.one_of(
            st.from_regex(r"[A-Za-z0-9.-]{1,30}", fullmatch=True),
            st.sampled_from(
                [
                    "[::1]",
                    "127.0.0.1",
                    "user:pw@h.example",
                    "xn--bcher-kva.ch",
                    "ex%41mple.com",
                    "a..b",
                    "h.example.",
                    "[v1.x]",
                    "[::ffff:1.2.3.4]",
                ]
            ),
            st.text(URL_CHARS, max_size=20),
        ),
        st.sampled_from(["", ":80", ":443", ":0", ":99999", ":-1", ":x", ":"]),
        st.text(URL_CHARS, max_size=40).map(lambda p: "/" + p),
        st.text(URL_CHARS, max_size=40).map(lambda q: "?" + q if q else ""),
        st.text(URL_CHARS, max_size=10).map(lambda f: "#" + f if f else ""),
    ),
)


def fuzz(name: str, strategy: st.SearchStrategy[Any], check: Callable[[Any], None]) -> None:
    """Run `check` on EXAMPLES values of `strategy`, each timed and memory-traced; record."""
    count = 0

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(strategy)
    def run(value: Any) -> None:
        nonlocal count
        count += 1
        tracemalloc.start()
        t0 = time.monotonic()
        try:
            check(value)
        finally:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        assert time.monotonic() - t0 < SLOWEST, f"{name}: {value!r:.200} took too long"
        assert peak < MAX_PEAK, f"{name}: {value!r:.200} used {peak} bytes"

    started = time.monotonic()
    run()
    record(
        "fuzz",
        f"hypothesis: {name}",
        injected=count,
        survived=count,
        started=started,
        note="0 crashes, 0 hangs",
    )


def _canonical(url: str) -> None:
    try:
        out = canonical_url(url)
    except ValueError:
        return  # documented: anything but an absolute http(s) URL
    assert out.startswith(("http://", "https://")), out
    assert "#" not in out, out
    assert canonical_url(out) == out, f"not idempotent: {url!r} -> {out!r}"


def test_canonical_url_properties() -> None:
    fuzz("URL canonicalization", url_like, _canonical)


def _xml_doc(kind: str) -> st.SearchStrategy[bytes]:
    item = "url" if kind == "urlset" else "item"
    loc = "loc" if kind == "urlset" else "link"
    entry = st.builds(
        lambda u, extra: f"<{item}><{loc}>{u}</{loc}>{extra}</{item}>",
        url_like.map(lambda u: u.replace("<", "&lt;").replace("&", "&amp;")),
        st.sampled_from(
            [
                "",
                "<lastmod>2024-13-45</lastmod>",
                "<title>&xx;</title>",
                "<![CDATA[<b>]]>",
                ("<news:news><news:title>t</news:title></news:news>"),
                "<?pi x?>",
                "<!-- c -->",
            ]
        ),
    )
    root = "urlset" if kind == "urlset" else "rss><channel"
    end = "urlset" if kind == "urlset" else "channel></rss"
    doc = st.lists(entry, max_size=20).map(
        lambda items: f'<?xml version="1.0"?><{root}>{"".join(items)}</{end}>'.encode()
    )
    return st.one_of(
        doc,
        doc.map(lambda b: b[: len(b) // 2]),
        st.binary(max_size=2000),
        doc.map(lambda b: gzip.compress(b, mtime=0)),
    )


def _entries_ok(entries: list[Any]) -> None:
    for entry in entries:
        assert isinstance(entry.url, str)


def test_sitemap_parsing_properties() -> None:
    def check(body: bytes) -> None:
        kind, entries = parse_sitemap(body, "https://news.example/sitemap.xml")
        assert kind in ("", "index", "urlset")
        _entries_ok(entries)

    fuzz("sitemap parsing (parse_sitemap)", _xml_doc("urlset"), check)


def test_feed_parsing_properties() -> None:
    fuzz(
        "RSS/Atom parsing (parse_feed)",
        _xml_doc("rss"),
        lambda body: _entries_ok(parse_feed(body, "https://news.example/feed")),
    )


def test_robots_and_gzip_properties() -> None:
    def check(body: bytes) -> None:
        for url in robots_sitemaps(body, "https://news.example/robots.txt"):
            assert isinstance(url, str)
        with contextlib.suppress(DocumentTooLarge, zlib.error):  # documented: too large, corrupt
            maybe_gunzip(b"\x1f\x8b" + body, max_size=2**20)

    fuzz("robots.txt Sitemap lines and gzip bodies", st.binary(max_size=3000), check)


def test_gzip_bomb_in_a_sitemap_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 2**20) + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(DocumentTooLarge):
        maybe_gunzip(bomb)
    assert parse_sitemap(bomb, "https://news.example/s.xml") == ("", [])


TOML_VALUE = st.one_of(
    st.text(URL_CHARS, max_size=30),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.lists(st.one_of(st.text(URL_CHARS, max_size=20), st.integers(-5, 5)), max_size=4),
    st.sampled_from(["http://x.example/", "1h", "[", "(?P<", "7x", "-1", "nan"]),
)
KEYS = st.sampled_from(
    [
        "name",
        "url",
        "sitemaps",
        "feeds",
        "sections",
        "allow",
        "deny",
        "article_pattern",
        "revisit",
        "delay",
        "concurrency",
        "allow_private",
        "max_pages",
        "follow_article_links",
        "every",
        "overrides",
        "bogus",
    ]
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return (
            '"'
            + "".join(
                c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}"
                for c in value
                if ord(c) < 0x10000
            )
            + '"'
        )
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


sites_toml = st.one_of(
    st.text(URL_CHARS, max_size=300),
    st.dictionaries(KEYS, TOML_VALUE, min_size=1, max_size=3).map(  # a valid site, one bad key
        lambda d: (
            '[[site]]\nname = "a"\nurl = "https://a.example/"\n'
            + "".join(f"{k} = {_toml_value(v)}\n" for k, v in d.items() if k not in ("name", "url"))
        )
    ),
    st.lists(
        st.dictionaries(KEYS, TOML_VALUE, max_size=8).map(
            lambda d: "[[site]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in d.items())
        ),
        max_size=3,
    ).map("\n".join),
)


def test_sites_toml_loader_properties(tmp_path: Path) -> None:
    path = tmp_path / "sites.toml"

    def check(text: str) -> None:
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            sites = load_sites(path)
        except SiteConfigError:
            return  # documented: names the file, the site and the key
        for site in sites:
            assert isinstance(site.name, str)
            assert site.revisit_seconds is not None

    fuzz("sites.toml loader", sites_toml, check)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "lollollollollollollollollollol">
<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><title>&g;</title><link>https://news.example/a</link>
<description>&x;</description></item></channel></rss>"""


def test_feed_entity_expansion_refused() -> None:
    tracemalloc.start()
    entries = parse_feed(BILLION_LAUGHS, "https://news.example/feed")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    text = repr([e.hints for e in entries])
    assert "lollol" not in text, "entities must not be expanded"
    assert "root:" not in text, "external entities must not be read"
    assert peak < 8 * 2**20
    atom = BILLION_LAUGHS.replace(
        b"<rss><channel><item>", b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
    )
    atom = atom.replace(b"</item></channel></rss>", b"</entry></feed>")
    assert "lollol" not in repr([e.hints for e in parse_feed(atom, "https://news.example/")])


# -- blob keys and local paths never leave the store -------------------------------------------
HOSTILE_KEYS = [
    "../../etc/passwd",
    "/etc/passwd",
    "..",
    "",
    "a" * 64 + "/../x",
    "A" * 64,
    "0" * 63,
    "0" * 65,
    "0" * 64 + "\n",
    "0" * 62 + "..",
    "..%2f" * 13,
    "\\..\\..\\x",
    "0" * 64 + "\x00",
    "https://evil.example/../../x",
]


@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_hostile_blob_keys_refused(key: str, tmp_path: Path) -> None:
    store = LocalBlobStore(tmp_path / "raw")
    with pytest.raises(ValueError, match="sha256"):
        blob_key(key)
    for call in (
        lambda: store.put(key, b"x", {"url": key}),
        lambda: store.get(key),
        lambda: store.meta(key),
        lambda: store.exists(key),
        lambda: store.delete(key),
    ):
        with pytest.raises(ValueError, match="sha256"):
            call()
    assert not any(tmp_path.rglob("*.zst")), "nothing written"


def test_any_key_stays_inside_the_store(tmp_path: Path) -> None:
    root = (tmp_path / "raw").resolve()

    def check(key: str) -> None:
        try:
            rel = blob_key(key)
        except ValueError:
            return
        assert (root / rel).resolve().is_relative_to(root)

    fuzz(
        "blob keys from hostile strings (path escape)",
        st.one_of(st.text(max_size=80), st.from_regex(r"[0-9a-f./\\]{60,70}", fullmatch=True)),
        check,
    )


def test_metadata_from_urls_never_builds_a_path(tmp_path: Path) -> None:
    """URL, content type and headers are stored as JSON metadata, never as file names."""
    store = LocalBlobStore(tmp_path / "raw")
    sha = "ab" * 32
    meta = {
        "url": "http://e.example/../../../../tmp/x",
        "content_type": "../../x",
        "fetched_at": "/etc/passwd",
    }
    store.put(sha, b"body", meta)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == [f"raw/ab/ab/{sha}.json", f"raw/ab/ab/{sha}.zst"]
    assert store.meta(sha) == meta
