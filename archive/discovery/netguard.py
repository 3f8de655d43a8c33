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


def forbidden_reason(address: str) -> str:
    """Why an address must not be fetched without permission, or '' if it may be."""
    ip = parse_ip(address)
    if ip is None:
        return "a metadata service" if address.lower().rstrip(".") in METADATA_HOSTS else ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    checks = (
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address (cloud metadata lives there)"),
        (ip.is_private, "a private address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_reserved, "a reserved address"),
    )
    for hit, reason in checks:
        if hit:
            return reason
    if isinstance(ip, ipaddress.IPv4Address) and ip in ipaddress.ip_network("100.64.0.0/10"):
        return "a shared (carrier-grade NAT) address"
    return ""
