"""Fetching one page outside a crawl (`newsarchive extract URL`), with a crawl's manners: the
SSRF guard on every hop (the address connected to is the one checked), robots.txt, an honest
User-Agent, and limits on time, size and redirects. The standard library only.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from archive import __version__
from archive.discovery.netguard import forbidden_reason
from archive.errors import NewsarchiveError

DEFAULT_CONTACT = "https://github.com/newsarchive/newsarchive#for-site-owners"
MAX_BYTES = 16 * 2**20  # the crawl's DOWNLOAD_MAXSIZE
TIMEOUT = 20.0  # seconds, the crawl's DOWNLOAD_TIMEOUT
MAX_REDIRECTS = 5  # the crawl's REDIRECT_MAX_TIMES
ROBOTS_MAX_BYTES = 512 * 1024


class FetchError(NewsarchiveError):
    """A page could not (or must not) be fetched; the message says why."""

    exit_code = 1


def user_agent() -> str:
    """The crawl's User-Agent (NEWSARCHIVE_CONTACT names the operator's contact page)."""
    contact = os.environ.get("NEWSARCHIVE_CONTACT") or DEFAULT_CONTACT
    return f"newsarchive/{__version__} (+{contact})"


@dataclass
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


def checked_address(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: the first one `host` resolves to, once every address it
    resolves to has passed the SSRF guard (a name that also points inside is refused)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"Cannot resolve {host!r}: {exc}. Check the URL.") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in [host, *addresses]:
            if reason := forbidden_reason(address):
                raise FetchError(
                    f"Refused: {host} resolves to {address}, {reason}. Pass --allow-private "
                    "if that is intended (a local test site)."
                )
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address checked beforehand, with the host's name for SNI and certificate."""

    def __init__(self, address: str, host: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _get(url: str, *, allow_private: bool, timeout: float, max_bytes: int) -> Fetched:
    """One GET, no redirect followed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"Not an http(s) URL: {url!r}.")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = checked_address(parts.hostname, port, allow_private=allow_private)
    conn: http.client.HTTPConnection
    if parts.scheme == "https":
        conn = _PinnedHTTPS(address, parts.hostname, port, timeout)
    else:
        conn = http.client.HTTPConnection(address, port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.netloc.rpartition("@")[2]
    headers = {
        "Host": host,
        "User-Agent": user_agent(),
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        "Accept-Encoding": "identity",
    }
    try:
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read(max_bytes + 1)
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(f"Fetching {url} failed: {exc}.") from None
    finally:
        conn.close()
    if len(body) > max_bytes:
        raise FetchError(f"{url} is larger than {max_bytes} bytes: not fetched.")
    found = {k.lower(): v for k, v in resp.getheaders()}
    return Fetched(url, url, resp.status, found.get("content-type", ""), body, found)


def _follow(url: str, *, allow_private: bool, timeout: float, max_bytes: int) -> Fetched:
    """GET with redirects followed by hand, each hop through the guard."""
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        page = _get(current, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
        location = page.headers.get("location")
        if page.status in (301, 302, 303, 307, 308) and location:
            current = urljoin(current, location)
            continue
        page.url, page.final_url = url, current
        return page
    raise FetchError(f"More than {MAX_REDIRECTS} redirects from {url}.")


def robots_allow(url: str, *, allow_private: bool, timeout: float = TIMEOUT) -> bool:
    """Whether the site's robots.txt lets our User-Agent fetch `url` (401/403: no; a
    missing or broken robots.txt: yes, as in a crawl)."""
    parts = urlsplit(url)
    robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
    parser = urllib.robotparser.RobotFileParser(robots_url)
    try:
        page = _follow(
            robots_url, allow_private=allow_private, timeout=timeout, max_bytes=ROBOTS_MAX_BYTES
        )
    except FetchError:
        return True
    if page.status in (401, 403):
        return False
    if page.status >= 400:
        return True
    parser.parse(page.body.decode("utf-8", "replace").splitlines())
    return parser.can_fetch("newsarchive", url)


def fetch_page(
    url: str,
    *,
    allow_private: bool = False,
    obey_robots: bool = True,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
) -> Fetched:
    """One page as a crawl would fetch it; FetchError says why not."""
    if obey_robots and not robots_allow(url, allow_private=allow_private, timeout=timeout):
        raise FetchError(f"robots.txt of {urlsplit(url).netloc} disallows {url} for newsarchive.")
    page = _follow(url, allow_private=allow_private, timeout=timeout, max_bytes=max_bytes)
    if page.status >= 400:
        raise FetchError(f"{page.final_url} answered HTTP {page.status}.")
    return page
