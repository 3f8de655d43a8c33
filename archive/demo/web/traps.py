"""The traps of each test-web site: redirects, errors, flaky and slow pages, endless spaces,
wrong charsets, a huge page, binaries. Each is a route or a file, listed in the manifest's
`traps` with what a crawler should make of it; `service_links` are what the home page links to.
"""

from __future__ import annotations

from archive.demo import images
from archive.demo.web import markup, text
from archive.demo.web.model import Route, Web
from archive.demo.web.plan import WebArticle

SLOW_TTFB = 1.5  # s before the first byte of /slow/ttfb.html
TRICKLE_RATE = 32 * 1024  # bytes/s of /slow/trickle.html
HANG = 600.0  # s of silence at /slow/hang: only DOWNLOAD_TIMEOUT ends it
HUGE_MB = 20  # /huge/full-transcript.html on the first site: above Scrapy's DOWNLOAD_MAXSIZE
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
    b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
CHARSETS = (
    ("charset_cp1251_meta_only", "/intl/cp1251.html", "windows-1251", "cp1251", "text/html"),
    (
        "charset_wrong_header",
        "/intl/cp1251-declared-utf8.html",
        "utf-8",
        "cp1251",
        "text/html; charset=utf-8",
    ),
    (
        "charset_wrong_latin1",
        "/intl/utf8-declared-latin1.html",
        "iso-8859-1",
        "utf-8",
        "text/html; charset=iso-8859-1",
    ),
)


def _redirects(web: Web, site: str, o: str, st: list[WebArticle]) -> list[tuple[str, str]]:
    links = []
    for a in st[30:35]:
        web.route(site, f"/archive/{a.number}", Route("redirect", 301, o + a.path))
        web.url(f"{o}/archive/{a.number}", status=301, type="redirect", redirect_to=o + a.path)
        links.append((f"{o}/archive/{a.number}", "From the archive: " + a.first_title[:40]))
    web.trap(
        site,
        "redirect_301",
        f"{o}/archive/{st[30].number}",
        "301 to an article; stored under the final URL",
        target=o + st[30].path,
    )
    for a in st[10:15]:
        web.route(site, f"/s/{a.number}", Route("redirect", 302, o + a.path))
        web.url(f"{o}/s/{a.number}", status=302, type="redirect", redirect_to=o + a.path)
    web.trap(
        site,
        "redirect_302_shortlink",
        f"{o}/s/{st[10].number}",
        "302 short link",
        target=o + st[10].path,
    )
    chain = [
        ("/chain/1", 301, o + "/chain/2"),
        ("/chain/2", 302, o + "/chain/3"),
        ("/chain/3", 301, o + st[20].path),
    ]
    for path, status, location in chain:
        web.route(site, path, Route("redirect", status, location))
        web.url(o + path, status=status, type="redirect", redirect_to=location)
    web.trap(
        site, "redirect_chain", o + "/chain/1", "3 hops, then an article", target=o + st[20].path
    )
    loops = [
        ("/loop/a", 302, "/loop/b"),
        ("/loop/b", 302, "/loop/a"),
        ("/loop/self", 301, "/loop/self"),
    ]
    for path, status, location in loops:
        web.route(site, path, Route("redirect", status, o + location))
        web.url(o + path, status=status, type="redirect_loop")
    web.trap(site, "redirect_loop", o + "/loop/a", "endless 302 a<->b: give up")
    web.trap(site, "redirect_self", o + "/loop/self", "301 to itself: give up")
    keys = list(web.origins)
    if len(keys) > 1:
        other = keys[(keys.index(site) + 1) % len(keys)]
        target = web.origins[other] + web.plan.stable(other)[5].path
        web.route(site, "/partner/latest", Route("redirect", 302, target))
        web.url(o + "/partner/latest", status=302, type="redirect", redirect_to=target)
        web.trap(
            site, "redirect_cross_site", o + "/partner/latest", "302 to another site", target=target
        )
        links.append((o + "/partner/latest", "Partner story"))
    links += [(o + "/chain/1", "Moved story"), (o + "/loop/a", "Loop"), (o + "/loop/self", "Self")]
    return links


def _errors(web: Web, site: str, o: str) -> list[tuple[str, str]]:
    errors = [
        ("/error/500.html", 500, {}),
        ("/busy/", 503, {"Retry-After": "30"}),
        ("/gone/old-story.html", 410, {}),
    ]
    for path, status, headers in errors:
        web.route(site, path, Route("status", status, headers=headers))
        web.url(o + path, status=status, type="error")
    web.trap(site, "http_500", o + "/error/500.html", "500: retried, then dropped")
    web.trap(site, "http_503_retry_after", o + "/busy/", "503 with Retry-After: 30, always")
    web.trap(site, "http_410", o + "/gone/old-story.html", "410 Gone")
    web.url(o + "/missing/1.html", status=404, type="error")
    web.trap(site, "http_404", o + "/missing/1.html", "a dead link")
    for art in web.plan.articles:
        if art.site == site and art.removed:
            web.route(site, art.path, Route("status", 410))
            web.url(o + art.path, status=410, type="removed_article", article_id=art.id)
    return [(o + p, p) for p, _, _ in errors] + [(o + "/missing/1.html", "Dead link")]


def _slow(web: Web, site: str, o: str, st: list[WebArticle]) -> list[tuple[str, str]]:
    flaky, slow = st[21], st[22]
    web.route(
        site,
        "/flaky/story.html",
        Route("flaky", target=flaky.path, fail_first=2, headers={"Retry-After": "2"}),
    )
    web.trap(
        site,
        "flaky_503_then_200",
        o + "/flaky/story.html",
        "503 (Retry-After: 2) for the "
        "first 2 requests since the server started, then a copy of an article",
        article_copy_of=flaky.id,
    )
    web.route(site, "/slow/ttfb.html", Route("slow", target=slow.path, delay=SLOW_TTFB))
    web.trap(
        site,
        "slow_ttfb",
        o + "/slow/ttfb.html",
        f"{SLOW_TTFB} s before the first byte, then a copy of an article",
        article_copy_of=slow.id,
    )
    web.route(site, "/slow/trickle.html", Route("trickle", target=slow.path, rate=TRICKLE_RATE))
    web.trap(
        site,
        "slow_trickle",
        o + "/slow/trickle.html",
        f"an article copy at {TRICKLE_RATE // 1024} KB/s",
        article_copy_of=slow.id,
    )
    web.route(site, "/slow/hang", Route("hang", delay=HANG))
    web.trap(site, "hang", o + "/slow/hang", "sends nothing for 600 s: needs DOWNLOAD_TIMEOUT")
    for path in ("/flaky/story.html", "/slow/ttfb.html", "/slow/trickle.html"):
        web.url(o + path, status=200, type="trap_article_copy")
    web.url(o + "/slow/hang", status=200, type="hang")
    return [
        (o + p, p)
        for p in ("/flaky/story.html", "/slow/ttfb.html", "/slow/trickle.html", "/slow/hang")
    ]


def _endless(web: Web, site: str, o: str) -> list[tuple[str, str]]:
    web.prefix(site, "/calendar/", Route("calendar"))
    web.trap(
        site,
        "infinite_calendar",
        o + "/calendar/",
        "day pages link to the days around them forever (robots.txt disallows /calendar/)",
    )
    web.prefix(site, "/catalog/", Route("catalog"))
    web.url(o + "/catalog/", status=200, type="trap_hub")
    web.trap(
        site,
        "infinite_relative",
        o + "/catalog/",
        "relative href=more/ resolves to /catalog/more/more/... forever",
    )
    web.prefix(site, "/search", Route("search"))
    web.trap(
        site,
        "endless_pagination",
        o + "/search?q=harbor&page=1",
        "every results page links to a next one (robots.txt disallows /search)",
    )
    web.prefix(site, "/members/", Route("members"))
    web.trap(
        site,
        "session_ids",
        o + "/members/?sessionid=0",
        "each page hands out links with a new session id (robots.txt disallows /members/)",
    )
    private = markup.e("Drafts")
    web.put(
        site,
        "/private/drafts.html",
        f"<html><body><h1>{private}</h1>Not for crawlers.</body></html>",
        web.plan.now.timestamp(),
    )
    web.url(o + "/private/drafts.html", status=200, type="disallowed")
    web.trap(
        site,
        "robots_disallowed",
        o + "/private/drafts.html",
        "exists, but robots.txt disallows /private/",
    )
    return [
        (o + "/calendar/", "Calendar"),
        (o + "/catalog/", "Catalog"),
        (o + "/search?q=harbor", "Search"),
        (o + "/members/?sessionid=0", "Members"),
        (o + "/private/drafts.html", "Drafts"),
    ]


def _documents(web: Web, site: str, o: str) -> list[tuple[str, str]]:
    now = web.plan.now.timestamp()
    web.put(site, "/files/annual-report-2025.pdf", PDF, now)
    web.put(site, "/media/view/1", images.photo_for(site), now, "image/png")
    web.url(o + "/files/annual-report-2025.pdf", status=200, type="binary")
    web.url(o + "/media/view/1", status=200, type="binary")
    web.trap(site, "pdf", o + "/files/annual-report-2025.pdf", "a PDF: not an article")
    web.trap(site, "image_no_extension", o + "/media/view/1", "an image behind a bare URL")
    return [
        (o + "/files/annual-report-2025.pdf", "Annual report"),
        (o + "/media/view/1", "Picture"),
    ]


def _charsets(web: Web, site: str, o: str) -> list[tuple[str, str]]:
    rng = text.rng(f"{web.plan.seed}:cyrillic:{site}")
    title = f"{text.CYRILLIC_NEWS} {site[-1].upper()}: {text.cyrillic_title(rng)}"
    paras = [text.cyrillic_paragraph(rng) for _ in range(8)]
    for name, path, declared, encoding, ctype in CHARSETS:
        body = markup.cyrillic_page(title, paras, declared, text.CYRILLIC_BYLINE).encode(encoding)
        web.put(site, path, body, web.plan.now.timestamp(), ctype)
        web.url(o + path, status=200, type="trap_article")
        web.trap(
            site,
            name,
            o + path,
            f"{encoding} bytes declared {declared} ({ctype})",
            expected_title=title,
        )
    return [(o + path, "International") for _, path, _, _, _ in CHARSETS]


def _huge(web: Web, site: str, o: str, st: list[WebArticle], huge_mb: int) -> list[tuple[str, str]]:
    source = st[25]
    paras = source.paragraphs * max(
        1, huge_mb * 2**20 // sum(len(p) + 8 for p in source.paragraphs)
    )
    body = "".join(f"<p>{markup.e(p)}</p>\n" for p in paras)
    html = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Full transcript: "
        f"{markup.e(source.first_title)}</title></head><body><article><h1>Full transcript</h1>"
        f"{body}</article></body></html>"
    )
    web.put(site, "/huge/full-transcript.html", html, web.plan.now.timestamp())
    web.url(o + "/huge/full-transcript.html", status=200, type="trap_article")
    web.trap(
        site,
        "huge_page",
        o + "/huge/full-transcript.html",
        f"{huge_mb} MB of HTML: enforce a download size limit",
    )
    return [(o + "/huge/full-transcript.html", "Full transcript")]


def build_traps(web: Web, site: str, huge_mb: int = HUGE_MB) -> list[tuple[str, str]]:
    """Add every trap of `site` to the web; the (url, label) links of its service box."""
    o, st = web.origins[site], web.plan.stable(site)
    links = _redirects(web, site, o, st) + _errors(web, site, o) + _slow(web, site, o, st)
    links += _endless(web, site, o) + _documents(web, site, o) + _charsets(web, site, o)
    if site == next(iter(web.origins)) and huge_mb > 0:
        links += _huge(web, site, o, st, huge_mb)
    return links
