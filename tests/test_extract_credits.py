"""Credit and caption text: a credit split out of a caption, what a credit element holds
cleaned. Figures found in pages are in tests/test_extract_figures.py."""

from __future__ import annotations

import pytest

from archive.extract.figures.credits import clean_credit, split_caption


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        # Japanese: "=AP" after the caption, "(Name撮影)" = photographed by Name
        ("港に停泊する船(横浜で、3日)=AP", ("港に停泊する船(横浜で、3日)", "AP")),
        (
            "会見する社長=13日、東京都内で(山田太郎撮影)",
            ("会見する社長=13日、東京都内で", "山田太郎"),
        ),
        ("国旗=同国で2019年5月", ("国旗=同国で2019年5月", "")),  # a date, not a credit
        # Korean: the agency or "Name 기자" after the last sentence
        ("시민들이 광장에 모여 있다. 연합뉴스", ("시민들이 광장에 모여 있다", "연합뉴스")),
        ("시민들이 광장에 모여 있다. 홍길동 기자", ("시민들이 광장에 모여 있다", "홍길동")),
        ("시민들이 모였다. 그는 말했다", ("시민들이 모였다. 그는 말했다", "")),
        ("시민들이 광장에 모여 있다. 뉴스1", ("시민들이 광장에 모여 있다", "뉴스1")),  # News1
        ("시민들이 모였다. 12일", ("시민들이 모였다. 12일", "")),  # a date, not an agency
        # a bracketed source after the last sentence, but not a note about the picture
        (
            "The old lighthouse at dusk. (Harbour Trust)",
            ("The old lighthouse at dusk.", "Harbour Trust"),
        ),
        ("Rates may fall. (Symbolfoto)", ("Rates may fall. (Symbolfoto)", "")),
    ],
)
def test_split_caption_conventions(caption: str, expected: tuple[str, str]) -> None:
    assert split_caption(caption) == expected


def test_labelled_only_ignores_bare_slash_tails() -> None:
    assert split_caption("Boats in the bay. Jane Doe/Reuters", labelled_only=True)[1] == ""
    assert (
        split_caption("Boats in the bay © Port Authority Foto: Jane Doe", labelled_only=True)[1]
        == "Jane Doe"
    )


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        # Zulu "Isithombe:" and Swahili "Picha:" label a credit like "Photo:"
        ("Umhlangano wabantu. Isithombe: Jane Doe", ("Umhlangano wabantu.", "Jane Doe")),
        ("Mkutano wa wakazi. Picha: Jane Doe", ("Mkutano wa wakazi.", "Jane Doe")),
        # Indonesian "(Dok. X)": a handout from X's documentation
        ("Wisuda angkatan ke-XV(Dok.Harbour Trust )", ("Wisuda angkatan ke-XV", "Harbour Trust")),
        ("The clinic doctor (Doc Smith)", ("The clinic doctor (Doc Smith)", "")),
        # an agency in brackets needs no full stop before it; a note or a side does not count
        ("Harbour founder Jane Doe (AFP)", ("Harbour founder Jane Doe", "AFP")),
        ("Die Hafenchefin (dpa)", ("Die Hafenchefin", "dpa")),
        ("Mayor Jane Doe (the left)", ("Mayor Jane Doe (the left)", "")),
        ("Der alte Hafen (Archiv)", ("Der alte Hafen (Archiv)", "")),
        # German compound labels: a symbolic or archive picture
        ("Der Hafen. (Symbolfoto: Hafen AG | Jane Doe)", ("Der Hafen.", "Hafen AG | Jane Doe")),
        ("Der Hafen im Mai. Archivbild: Jane Doe/dpa", ("Der Hafen im Mai.", "Jane Doe/dpa")),
        ("Der Hafen. | Bildquelle: Hafen TV/Jane Doe", ("Der Hafen.", "Hafen TV/Jane Doe")),
    ],
)
def test_split_caption_more_labels(caption: str, expected: tuple[str, str]) -> None:
    assert split_caption(caption) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Image credit: Harbour Trust", "Harbour Trust"),  # a two-word label
        ("Photo credits: Jane Doe", "Jane Doe"),
        ("Nov 18, 2019", ""),  # a date, not a credit
        ("chevron_left", ""),  # an icon font's ligature
        ("Who is Jane Doe?", ""),  # a video's title, not a credit
    ],
)
def test_clean_credit_labels_dates_and_icons(raw: str, expected: str) -> None:
    assert clean_credit(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("'Harbour plans move ahead, council says after the vote'", ""),  # a quoted title
        ("«Harbour News»", "«Harbour News»"),  # a quoted paper's name is a credit
        (
            (
                "Add Harbour News as a preferred source on your search engine to see more of "
                "our stories in your results"
            ),
            "",
        ),  # a sentence
    ],
)
def test_clean_credit_titles_and_sentences(raw: str, expected: str) -> None:
    assert clean_credit(raw) == expected
