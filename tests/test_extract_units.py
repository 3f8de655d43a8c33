"""Unit tests for the byline, credit and date helpers of archive.extract."""

from __future__ import annotations

import pytest

from archive.extract.bylines import drop_publishers, split_names
from archive.extract.dates import normalize_date
from archive.extract.figures.credits import clean_credit, split_caption


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Von Anna Berg, Paul Kern und Lea Wolf", ["Anna Berg", "Paul Kern", "Lea Wolf"]),
        ("Jane Doe, Staff Writer", ["Jane Doe"]),
        ("By JANE DOE | Reuters", ["JANE DOE", "Reuters"]),
        ("https://example.com/authors/jane", []),
        ("Jane Doe & Jane Doe", ["Jane Doe"]),
    ],
)
def test_split_names(raw: str, names: list[str]) -> None:
    assert split_names(raw) == names


def test_last_first() -> None:
    assert split_names("Hansen, Ilka", last_first=True) == ["Ilka Hansen"]


def test_publisher_only_when_alone() -> None:
    assert drop_publishers(["Daily Planet", "Lois Lane"], ["The Daily Planet"]) == ["Lois Lane"]
    assert drop_publishers(["Daily Planet"], ["The Daily Planet"]) == ["Daily Planet"]


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        (
            "Fans at the gate. Photograph: Jane Doe/Reuters",
            ("Fans at the gate.", "Jane Doe/Reuters"),
        ),
        ("Der Platz am Abend. Foto: Max Muster/dpa", ("Der Platz am Abend.", "Max Muster/dpa")),
        ("The old pier (Image: Harbour Trust)", ("The old pier", "Harbour Trust")),
        ("Crowds gathered early. © Jane Doe", ("Crowds gathered early.", "Jane Doe")),
        (
            "Crowds gathered early. John Roe/Getty Images",
            ("Crowds gathered early.", "John Roe/Getty Images"),
        ),
        ("写真\uff1a共同通信", ("", "共同通信")),
        ("A quiet street in the rain.", ("A quiet street in the rain.", "")),
    ],
)
def test_split_caption(caption: str, expected: tuple[str, str]) -> None:
    assert split_caption(caption) == expected


def test_clean_credit_normalizes() -> None:
    assert clean_credit("\uff26\uff4f\uff54\uff4f\uff1a\u3000©\u00a0Jane Doe") == "Jane Doe"
    assert clean_credit("(Photo by John Roe)") == "John Roe"
    assert clean_credit("View 3 Images") == ""


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2024-05-03T17:47:42+02:00", "2024-05-03T17:47:42+02:00"),
        ("2024-05-03T15:47:42.389Z", "2024-05-03T15:47:42+00:00"),
        ("2024-05-03 17:47", "2024-05-03T17:47:00"),
        ("Fri, 03 May 2024 17:47:42 GMT", "2024-05-03T17:47:42+00:00"),
        ("03.05.2024, 17:47", "2024-05-03T17:47:00"),
        ("20240503", "2024-05-03"),
        ("not a date", ""),
        ("1714750062", "2024-05-03T15:27:42+00:00"),
    ],
)
def test_normalize_date(raw: str, iso: str) -> None:
    assert normalize_date(raw) == iso
