"""Bad input never crashes or hangs `extract`: it returns an Article, possibly empty."""

from __future__ import annotations

import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.extract import EXTRACTOR_VERSION, extract
from archive.model import Article

PAGE = (Path(__file__).parent / "pages" / "lakesidecourier_2026_03_14.html").read_bytes()
URL = "https://example.test/a"
TAGS = st.sampled_from(
    [
        "p",
        "div",
        "figure",
        "figcaption",
        "h1",
        "script",
        "a",
        "span",
        "time",
        "article",
        "meta",
        "img",
        "table",
        "li",
    ]
)


def _check(article: Article) -> None:
    assert isinstance(article, Article)
    assert article.extractor_version == EXTRACTOR_VERSION
    assert isinstance(article.body, str)
    assert all(isinstance(name, str) for name in article.authors)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    _check(extract(data, URL))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=2000))
def test_random_text(text: str) -> None:
    _check(extract(text, URL))


@settings(max_examples=40, deadline=None)
@given(
    st.recursive(
        st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=40),
        lambda inner: st.builds(
            lambda tag, body, attr: f'<{tag} class="{attr}">{body}</{tag}>',
            TAGS,
            inner,
            st.sampled_from(["", "byline", "caption", "credit"]),
        ),
        max_leaves=30,
    )
)
def test_random_markup(markup: str) -> None:
    _check(extract(f"<html><body>{markup}</body></html>", URL))


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=len(PAGE)))
def test_truncated_page(cut: int) -> None:
    _check(extract(PAGE[:cut], URL))


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["latin-1", "cp1252", "utf-16", "shift_jis", "koi8-r"]))
def test_other_encodings(encoding: str) -> None:
    _check(extract(PAGE.decode("utf-8").encode(encoding, errors="replace"), URL))


def test_empty_and_odd_values() -> None:
    for value in ("", b"", " ", "<html></html>", "\x00" * 100, "<" * 5000, "<?xml?>"):
        _check(extract(value, ""))


def test_huge_document_is_bounded() -> None:
    huge = b"<html><body>" + b"<div><p>word " * 1_700_000 + b"</body></html>"
    assert len(huge) > 20_000_000
    start = time.monotonic()
    article = extract(huge, URL)
    _check(article)
    assert time.monotonic() - start < 10, "20 MB input must be rejected or handled quickly"


def test_deep_nesting() -> None:
    _check(extract("<div>" * 5000 + "text" + "</div>" * 5000, URL))
