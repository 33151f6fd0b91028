"""``core.json_codec``: orjson's speed, the standard library's exact integers. Every JSON text
reads as the standard parser reads it (integers beyond 64 bits included), anything that is
not JSON is refused as orjson refuses it, and what it writes reads back unchanged."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domstadt.core import json_codec

BIG = [2**64, 2**64 - 1, -(2**63) - 1, -(2**63), 10**30, -(10**40)]
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_every_text_reads_as_the_standard_parser_reads_it(value: Any, spaced: bool) -> None:
    text = json.dumps(value, ensure_ascii=spaced, indent=1 if spaced else None)
    assert json_codec.loads(text) == json.loads(text)
    assert json_codec.loads(text.encode()) == json.loads(text)
    written = json_codec.dumps(value)
    assert json.loads(written) == value
    assert json_codec.loads(written) == value


@pytest.mark.parametrize("number", BIG)
def test_integers_beyond_64_bits_stay_exact(number: int) -> None:
    text = f'{{"result": {number}, "list": [1, {number}, "{number}"]}}'
    beyond = number >= 2**64 or number < -(2**63)
    assert isinstance(orjson.loads(text)["result"], float) == beyond  # orjson rounds those
    read = json_codec.loads(text)
    assert read == {"result": number, "list": [1, number, str(number)]}
    assert type(read["result"]) is int and type(read["list"][1]) is int
    moment = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    written = json_codec.dumps({"n": number, "at": moment, 7: None})
    assert json.loads(written) == {"n": number, "at": "2024-03-01T00:00:00+00:00", "7": None}


@pytest.mark.parametrize(
    "raw",
    [b"", b"[1,", b"[NaN]", b"[Infinity]", b'{"a" 1}', b"\xff", b"[12345678901234567890,"],
)
def test_what_is_not_json_is_refused_as_orjson_refuses_it(raw: bytes) -> None:
    with pytest.raises(orjson.JSONDecodeError) as expected:
        orjson.loads(raw)
    with pytest.raises(json_codec.DecodeError) as got:
        json_codec.loads(raw)
    assert str(got.value) == str(expected.value)


def test_what_orjson_cannot_write_for_another_reason_is_still_refused() -> None:
    with pytest.raises(TypeError):
        json_codec.dumps({"x": object()})
