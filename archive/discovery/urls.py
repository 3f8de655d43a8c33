"""URL canonicalization: one spelling per page, so the same article is fetched and stored once."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only track a click and never select content. Sources: Google Analytics
# campaign parameters (utm_*), ad-click ids of the big ad platforms, newsletter tools.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "src",
        "cmpid",
        "ocid",
        "ito",
        "smid",
        "smtyp",
        "share",
        "shared",
        "soc_src",
        "soc_trk",
        "at_medium",
        "at_campaign",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "spm",
        "sr_share",
        "wt_mc",
        "wt.mc_id",
        "cid",
        "s_cid",
        "trk",
        "trkcampaign",
        "sh",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "outputtype",
        "amp",
        # session ids: a new value per visit turns one page into endless URLs (Apache Nutch's
        # default regex-normalize.xml strips jsessionid, phpsessid and sessionid the same way)
        "jsessionid",
        "phpsessid",
        "aspsessionid",
        "sessionid",
        "session_id",
    }
)
# `;jsessionid=...` (Java servlet containers) rides in the path, before the query
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sessionid)=[^/;?]*", re.IGNORECASE)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_", "__hs", "_hs")
DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_param(name: str) -> bool:
    low = name.lower()
    return low in TRACKING_PARAMS or low.startswith(TRACKING_PREFIXES)


def _norm_path(path: str) -> str:
    # decode what needs no encoding, encode what must be; collapse duplicate slashes
    path = _PATH_SESSION.sub("", path)
    path = re.sub(r"/{2,}", "/", path) or "/"
    return quote(unquote(path), safe="/:@!$&'()*+,;=-._~%")


def canonical_url(url: str, *, keep_params: frozenset[str] = frozenset()) -> str:
    """The canonical spelling of a URL.

    Lower-cases scheme and host, drops default ports, the fragment and tracking parameters
    (unless named in `keep_params`), sorts the remaining query parameters and normalizes
    percent-encoding. Raises ValueError for anything but an absolute http(s) URL.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"Not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"Bad port in URL {url!r}") from exc
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k in keep_params or not is_tracking_param(k)
    ]
    query.sort()
    return urlunsplit((scheme, netloc, _norm_path(parts.path), urlencode(query), ""))


def safe_canonical_url(url: str) -> str:
    """`canonical_url`, or the URL unchanged if it cannot be parsed."""
    try:
        return canonical_url(url)
    except ValueError:
        return url


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
