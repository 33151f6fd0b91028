"""The $filter parser and compiler: precedence, literals, clear errors on any input."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from domstadt.sensors.odata.compiler import compile_filter, compile_orderby
from domstadt.sensors.odata.options import parse_options
from domstadt.sensors.odata.parser import Binary, FilterError, Literal, Path, parse_filter
from domstadt.sensors.sta.entities import ENTITY_TYPES

OBSERVATIONS = ENTITY_TYPES["Observations"]
THINGS = ENTITY_TYPES["Things"]


def test_precedence_of_logical_comparison_and_arithmetic() -> None:
    tree = parse_filter("a eq 1 or b add 2 mul 3 gt 4 and not c eq 'x'")
    assert isinstance(tree, Binary) and tree.op == "or"
    right = tree.right
    assert isinstance(right, Binary) and right.op == "and"
    comparison = right.left
    assert isinstance(comparison, Binary) and comparison.op == "gt"
    assert isinstance(comparison.left, Binary) and comparison.left.op == "add"
    assert isinstance(comparison.left.right, Binary) and comparison.left.right.op == "mul"


def test_literals_keep_their_types() -> None:
    assert parse_filter("x eq 'it''s'").right == Literal("it's", "string", 6)  # type: ignore[union-attr]
    assert parse_filter("x eq -2.5").right.kind == "float"  # type: ignore[union-attr]
    moment = parse_filter("x gt 2014-02-03T10:00:00+01:00").right.value  # type: ignore[union-attr]
    assert moment == dt.datetime(2014, 2, 3, 9, tzinfo=dt.UTC)
    assert parse_filter("Datastream/Thing/name eq null").left == Path(
        ("Datastream", "Thing", "name"), 1
    )
    assert parse_filter("x eq 2014-02-04").right == Literal(dt.date(2014, 2, 4), "date", 6)  # type: ignore[union-attr]
    for text, value in (
        ("10:30", dt.time(10, 30)),
        ("10:30:05", dt.time(10, 30, 5)),
        ("23:59:59.1234567", dt.time(23, 59, 59, 123456)),
    ):
        assert parse_filter(f"x eq {text}").right == Literal(value, "time", 6)  # type: ignore[union-attr]
    for bad in ("24:00", "10:60", "2014-13-01"):
        with pytest.raises(FilterError, match="ungültige"):
            parse_filter(f"x eq {bad}")


def test_compiled_sql_is_parameterised_on_both_dialects() -> None:
    clause = compile_filter(THINGS, "name eq 'x''; DROP TABLE sta_thing; --'")
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        sql = str(clause.compile(dialect=dialect))
        assert "DROP" not in sql
    json_sql = str(
        compile_filter(THINGS, "properties/lanes gt 1").compile(dialect=sqlite.dialect())
    )
    assert "JSON_EXTRACT" in json_sql.upper()


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("result eq", "Position 10"),
        ("foo eq 1", "unbekannte Eigenschaft 'foo' von Observation"),
        ("Datastream/Thing/nope eq 1", "'nope'"),
        ("phenomenonTime gt 'gestern'", "Zeitpunkt erwartet"),
        ("year(result) eq 2014", "Zeitpunkt erwartet"),
        ("frobnicate(result)", "unbekannte Funktion"),
        ("result eq 1 2", "unerwartetes '2'"),
        ("(result eq 1", "')' erwartet"),
        ("result eq 1 # x", "unerwartetes Zeichen '#'"),
    ],
)
def test_errors_name_the_problem(expression: str, message: str) -> None:
    with pytest.raises(FilterError) as caught:
        compile_filter(OBSERVATIONS, expression)
    assert message in str(caught.value)


def test_orderby_any_case_and_options() -> None:
    keys = compile_orderby(OBSERVATIONS, "phenomenonTime DeSc, result AsC")
    # result, of open type, sorts by three keys: type rank, number, text
    assert [k[1] for k in keys] == [True, False, False, False]
    opts = parse_options([("$expand", "Datastreams($top=1;$expand=Observations($select=result))")])
    assert opts.expand[0].options.top == 1
    assert opts.expand[0].options.expand[0].options.select == ["result"]
    with pytest.raises(FilterError):
        parse_options([("$expand", "Datastreams($top=1")])


ALPHABET = st.sampled_from(
    [*list("abcnotequlgdr()',/-0123456789 .:TZ"), "eq", " and ", " or ", "result", "name", "'x'"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=30).map("".join))
def test_arbitrary_input_parses_or_fails_clearly(text: str) -> None:
    for entity in (OBSERVATIONS, THINGS):
        try:
            compile_filter(entity, text)
        except FilterError as exc:
            assert str(exc).startswith("$filter: ")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_unicode_never_crashes(text: str) -> None:
    try:
        compile_filter(THINGS, text)
        compile_orderby(THINGS, text)
    except FilterError:
        pass
