"""The SSRF guard at the lookup the connection uses: a Scrapy DNS resolver that refuses answers
pointing into the operator's network (TWISTED_DNS_RESOLVER in crawler/settings.py).

The downloader middleware (`SSRFGuardMiddleware`) checks a request before it is sent, but a
name can resolve to a public address for that check and to 127.0.0.1 a moment later, when the
downloader connects (DNS rebinding). Here the address handed to the connection is the address
checked. Host names of sites with `allow_private` (or every name, with --allow-private) may
resolve to private addresses; the middleware makes sure only those sites' own requests use them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scrapy.resolver import CachingThreadedResolver
from scrapy.statscollectors import StatsCollector
from twisted.internet.defer import Deferred
from twisted.internet.error import DNSLookupError

from archive.discovery.netguard import forbidden_reason, parse_ip

log = logging.getLogger(__name__)


class ForbiddenAddress(DNSLookupError):
    """A name resolved to an address the crawl may not reach."""


@dataclass
class GuardPolicy:
    """What the resolver allows; filled by the middleware when the crawl starts. Empty (the
    middleware off, or before it runs) means nothing private resolves: closed by default."""

    allow_all: bool = False
    private_hosts: set[str] = field(default_factory=set)
    stats: StatsCollector | None = None
    refused: set[str] = field(default_factory=set)  # names refused in this process

    def refuse(self, name: str, address: str, reason: str) -> None:
        if self.stats is not None:
            self.stats.inc_value("newsarchive/blocked/ssrf")
            self.stats.inc_value("newsarchive/blocked/ssrf_dns")
        if name not in self.refused:
            self.refused.add(name)
            log.warning(
                "Refused to connect to %s: it resolved to %s, %s. Allow it with "
                "allow_private = true for the site in sites.toml, or --allow-private.",
                name,
                address,
                reason,
            )


POLICY = GuardPolicy()


def check_answer(name: str, address: str, policy: GuardPolicy = POLICY) -> str:
    """The address if `name` may connect to it; raises ForbiddenAddress otherwise."""
    host = name.lower().rstrip(".")
    if policy.allow_all or host in policy.private_hosts or parse_ip(host) is not None:
        return address  # an IP literal is judged by the middleware, per site and origin
    reason = forbidden_reason(address) or forbidden_reason(host)
    if reason:
        policy.refuse(host, address, reason)
        raise ForbiddenAddress(f"{name} resolves to {address}, {reason}")
    return address


class GuardedResolver(CachingThreadedResolver):
    """Scrapy's default resolver (threaded, cached, DNS_TIMEOUT), every answer checked — the
    cached ones too, so an answer refused once is refused every time."""

    def getHostByName(self, name: str, timeout: Sequence[int] = ()) -> Deferred[str]:
        deferred: Deferred[Any] = super().getHostByName(name, timeout)
        deferred.addCallback(lambda address: check_answer(name, str(address)))
        return deferred
