"""The request-body check (``json_limits.refusal``, orjson first) reaches exactly the verdict
of ``parse_json`` (the standard parser with a hook per number): the same limit broken, with
the same message, or none."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from domstadt.core.errors import Invalid
from domstadt.core.json_limits import JsonLimits, JsonTooLarge, parse_json, refusal

SMALL = JsonLimits(depth=4, digits=6, string_chars=8)
"""Limits small enough that generated documents break each of them often."""


def _verdict(raw: bytes, limits: JsonLimits) -> str | None:
    try:
        parse_json(raw, limits=limits)
    except JsonTooLarge as exc:
        return exc.message
    except Invalid:
        return None
    return None


def _same(raw: bytes, limits: JsonLimits = SMALL) -> None:
    found = refusal(raw, limits)
    assert (found.message if found else None) == _verdict(raw, limits), raw[:200]


_numbers = st.one_of(
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=200).map(lambda n: int("1" * max(n, 1))),
)
_scalars = st.one_of(st.none(), st.booleans(), _numbers, st.text(max_size=12))
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(_documents)
def test_generated_documents_get_the_same_verdict(document: object) -> None:
    _same(json.dumps(document, ensure_ascii=False).encode())
    _same(json.dumps(document).encode())  # \\u escapes: raw longer than the text


def test_awkward_texts_get_the_same_verdict() -> None:
    texts = [
        b"",
        b"   ",
        b"{bad",
        b"[NaN]",
        b"[Infinity]",
        b"[-Infinity]",
        b"[1e400]",
        b"[1.7976931348623157e308]",
        b"[1234567]",
        b"[123456]",
        b"[-123456]",
        b"[1.23456]",
        b"[1.234567]",
        b"[12345e1]",
        b'["2030-01-01T00:00:00+00:00"]',  # a long run of number characters inside text
        b'["eeeeeeeeeeeeeeee"]',
        b'"\\ud800"',  # a lone surrogate: the standard parser keeps it, orjson refuses
        b'{"a": [[[[[1]]]]], "a": 1}',  # the deep value is replaced by the second key
        b"[[[[1]]]]",
        b"[[[[[1]]]]]",
        b'{"123456789": 1}',
        b'"\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4"',  # 8 characters, 48 bytes
        b'"\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4\\u00e4"',
        b"\xef\xbb\xbf[1]",  # a UTF-8 byte order mark
        '[1, "ä"]'.encode("utf-16"),
        b"[" * 2000 + b"]" * 2000,
        b"[1]x",
    ]
    for raw in texts:
        _same(raw)
        _same(raw, JsonLimits())


def test_a_large_sensor_body_passes_and_one_long_number_in_it_is_refused() -> None:
    rows = [[f"2030-01-01T{h % 24:02d}:00:00Z", h + 0.5] for h in range(5000)]
    body = [{"Datastream": {"@iot.id": 1}, "components": ["phenomenonTime", "result"]}]
    body[0]["dataArray"] = rows
    raw = json.dumps(body).encode()
    assert refusal(raw, JsonLimits()) is None
    broken = raw.replace(b"4999.5", b"4" * 101 + b".5")
    found = refusal(broken, JsonLimits())
    assert found is not None and "höchstens 100 Ziffern" in found.message
