"""Which network addresses a crawl may reach: the SSRF guard's rules, pure and testable.

A hostile page can link to, redirect to, or list in its sitemap an address inside the
operator's network (a router, a database, the cloud metadata service). By default the crawler
refuses loopback, private, link-local, shared, multicast, reserved and unspecified addresses;
a site in sites.toml can allow them (`allow_private = true`), and so can `--allow-private`.
"""

from __future__ import annotations

import ipaddress

# Cloud metadata endpoints (AWS/GCP/Azure 169.254.169.254 is link-local already; these are
# the others in use). Source: the providers' instance-metadata documentation.
METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "fd00:ec2::254"})


def parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _embedded_v4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries: mapped (::ffff:a.b.c.d), 6to4 (2002::/16),
    Teredo (2001::/32: the client's address, inverted), NAT64 (64:ff9b::/96)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SHARED = ipaddress.ip_network("100.64.0.0/10")


def forbidden_reason(address: str) -> str:
    """Why an address must not be fetched without permission, or '' if it may be.

    Anything that is not a globally routable address is refused (`not ip.is_global`): besides
    loopback, private, link-local, multicast and reserved, that covers the documentation,
    benchmarking and shared (carrier-grade NAT) ranges. An IPv6 address that embeds an IPv4
    address (mapped, 6to4, Teredo, NAT64) is judged by the embedded address too.
    """
    ip = parse_ip(address)
    if ip is None:
        return "a metadata service" if address.lower().rstrip(".") in METADATA_HOSTS else ""
    if isinstance(ip, ipaddress.IPv6Address):
        if str(ip) in METADATA_HOSTS:
            return "a metadata service"
        inner = _embedded_v4(ip)
        if inner is not None and (why := forbidden_reason(str(inner))):
            return f"{why} inside an IPv6 address"
    checks = (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address (cloud metadata lives there)"),
        (ip.is_private, "a private address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED, "a shared (CGNAT) address"),
        (not ip.is_global, "not a globally routable address"),
    )
    for hit, reason in checks:
        if hit:
            return reason
    return ""


def allowed_scheme(scheme: str) -> bool:
    """Only http and https are ever fetched (file:, s3:, ftp:, data: read local or odd things)."""
    return scheme.lower() in ("http", "https")
