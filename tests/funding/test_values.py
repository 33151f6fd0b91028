"""Values as people write them: dates (German, ISO, vague), amounts with decimal commas."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domstadt.funding.values import ROLLING, amount_value, date_value, deadline, list_value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.12.2026", dt.date(2026, 12, 31)),
        ("1.3.26", dt.date(2026, 3, 1)),
        ("2026-12-31", dt.date(2026, 12, 31)),
        ("2027-09-14 00:00:00", dt.date(2027, 9, 14)),
        ("Ende 2026", dt.date(2026, 12, 31)),
        ("Mitte 2026", dt.date(2026, 6, 30)),
        ("Q3 2026", dt.date(2026, 9, 30)),
        ("3. Quartal 2026", dt.date(2026, 9, 30)),
        ("12/2026", dt.date(2026, 12, 31)),
        ("Februar 2028", dt.date(2028, 2, 29)),
        ("März 2027", dt.date(2027, 3, 31)),
        ("", None),
    ],
)
def test_dates_as_people_write_them(text: str, expected: dt.date | None) -> None:
    assert date_value(text) == expected


def test_rolling_deadlines_have_no_date() -> None:
    assert deadline("laufend") == ROLLING
    assert deadline("fortlaufend") == ROLLING
    assert deadline("Jederzeit") == ROLLING


@pytest.mark.parametrize("text", ["31.02.2026", "bald", "Ende 3026", "32.1.2026", "2026-13-01"])
def test_unreadable_dates_name_the_value(text: str) -> None:
    with pytest.raises(ValueError, match=text.split()[0][:4]):
        date_value(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234.567,89 €", 1234567.89),
        ("500000", 500000.0),
        ("900000.0", 900000.0),
        ("2,5 Mio. €", 2_500_000.0),
        ("€6.400.000", 6_400_000.0),
        ("50.000", 50_000.0),
        ("bis zu 50 %", None),
        ("", None),
    ],
)
def test_amounts_with_decimal_commas(text: str, expected: float | None) -> None:
    assert amount_value(text) == expected


def test_lists_from_json_cells_and_separators() -> None:
    assert list_value('["kommune", "unternehmen"]') == ["kommune", "unternehmen"]
    assert list_value("Kommune; KMU, Verein") == ["Kommune", "KMU", "Verein"]


@given(st.text(max_size=40))
def test_any_text_is_a_date_or_a_clear_error(text: str) -> None:
    try:
        date_value(text)
    except ValueError as exc:
        assert "„" in str(exc)


@given(st.text(max_size=40))
def test_any_amount_text_never_raises(text: str) -> None:
    amount_value(text)
