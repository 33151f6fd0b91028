"""Values of open type in $filter and $orderby: JSON properties and Observation results.

Such a value has no SQL type of its own. A *builder* gives it as the kind it is wanted in:
``number``, ``bool``, ``string`` (for a comparison with a literal of that kind or a text
function), ``null`` (an expression that is NULL exactly when the value is null or missing),
``rank`` (the rank of its JSON type, see ``sqlfunctions.JsonRank``) and ``text`` (any value as
text, only for ordering). Only values of the wanted JSON type become a number, boolean or
string, others become NULL (PostgreSQL refuses to cast other text; SQLite would read ``true``
as ``'1'``): so ``properties/owner gt 1`` matches no text and ``result eq true`` no number or
string, on both databases. As in OData, where a comparison of values of different types is not
true, the NULL makes every comparison false, ``ne`` included: ``result ne 1`` matches only
numbers other than 1. One exception, as FROST-Server and the OGC test suite have it: an
Observation's numeric result compared with text is compared as its text (``result gt '3'``
matches 4 … 9 but not 10, which as text sorts before '3'; ``result eq '6'`` matches 6;
``result ne '1'`` matches strings and numbers other than ``'1'``).

Null: JSON ``null`` and a missing key are null. An Observation's result is stored as
``result_number`` (numbers) or ``result_json`` (anything else; numeric results keep JSON
``null`` or SQL NULL there); it is null when ``result_number`` is NULL and ``result_json``
holds SQL NULL or JSON ``null`` (a dataArray row with a null result).

Ordering ($orderby) by three keys (:data:`ORDER_KINDS`), all in the requested direction: the
type's rank, the number, the text. Ascending: numbers first, ordered numerically; then
strings, ordered as text (the database's collation); then booleans, false before true; then
objects and arrays (by their JSON text); null or missing values last. ``desc`` reverses the
whole order, so null comes first. The same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import String, case, cast, func

from domstadt.sensors.odata.sqlfunctions import (
    RANK_BOOL,
    RANK_NUMBER,
    RANK_STRING,
    JsonRank,
    NumberText,
)

Builder = Callable[[str], Any]
ORDER_KINDS = ("rank", "number", "text")
"""The $orderby keys of an open value, in order."""


def json_builder(column: Any, keys: tuple[str, ...]) -> Builder:
    """Builder of the value at ``keys`` inside the JSON ``column`` (``properties/owner``;
    no keys: the column's whole value)."""

    def build(kind: str) -> Any:
        ref = column[keys[0]] if len(keys) == 1 else column[keys]
        if kind == "number":
            return case((JsonRank(ref) == RANK_NUMBER, ref.as_float()))
        if kind == "bool":
            return case((JsonRank(ref) == RANK_BOOL, ref.as_boolean()))
        if kind == "string":
            return case((JsonRank(ref) == RANK_STRING, ref.as_string()))
        if kind == "rank":
            return JsonRank(ref)
        return ref.as_string()

    return build


def result_builder(model: Any) -> Builder:
    """Builder of an Observation's result (``result_number`` or ``result_json``)."""
    stored = json_builder(model.result_json, ())

    def build(kind: str) -> Any:
        if kind == "number":
            return model.result_number
        if kind == "rank":
            return case((model.result_number.is_not(None), RANK_NUMBER), else_=stored("rank"))
        if kind == "null":
            return func.coalesce(cast(model.result_number, String), stored("null"))
        if kind == "string":  # a number compared with text is compared as its text (FROST)
            number = model.result_number
            return case((number.is_not(None), NumberText(number)), else_=stored("string"))
        return stored(kind)

    return build


def wrapped(build: Builder, wrap: Callable[[Any], Any]) -> Builder:
    """``build`` with every expression passed through ``wrap`` (a relation step)."""
    return lambda kind: wrap(build(kind))
