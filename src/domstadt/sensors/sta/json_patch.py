"""RFC 6902 JSON Patch for SensorThings PATCH requests, with errors that name the operation,
the pointer and the reason in German (the library's own messages name Python types).
Operations are applied one at a time to a copy; the caller writes only the end result, so a
patch is all or nothing.
"""

from __future__ import annotations

from typing import Any

import jsonpatch
import jsonpointer

from domstadt.core.errors import Invalid

PATCH_OPS = ("add", "remove", "replace", "move", "copy", "test")
_PATCH_ERRORS = (
    jsonpatch.JsonPatchException,
    jsonpointer.JsonPointerException,
    TypeError,
    KeyError,
    AttributeError,
)


def apply_json_patch(document: dict[str, Any], operations: list[Any]) -> Any:
    """Apply the operations one by one (all or nothing: only the result is written), so a
    failure names the operation and the pointer that could not be applied, and why."""
    for number, operation in enumerate(operations, 1):
        try:
            document = jsonpatch.apply_patch(document, [operation])
        except _PATCH_ERRORS:
            problem = _patch_problem(document, operation)
            raise Invalid(f"JSON-Patch, Operation {number}: {problem}.") from None
    return document


def _patch_problem(document: Any, operation: Any) -> str:
    """Why ``operation`` cannot be applied to ``document``, in words."""
    if not isinstance(operation, dict) or operation.get("op") not in PATCH_OPS:
        return f'"op" muss eine von {", ".join(PATCH_OPS)} sein'
    op = operation["op"]
    pointers = [("path", operation.get("path"))]
    if op in {"move", "copy"}:
        pointers.insert(0, ("from", operation.get("from")))
    for member, pointer in pointers:
        if not isinstance(pointer, str) or (pointer and not pointer.startswith("/")):
            return f'"{member}" muss ein JSON-Pointer sein, der mit / beginnt'
        missing = _pointer_problem(document, pointer, must_exist=member == "from" or op != "add")
        if missing is not None:
            return f"{op} {pointer}: {missing}"
    if op == "test":
        return f"test {operation['path']}: der Wert ist ein anderer als erwartet"
    if op != "remove" and "value" not in operation and op not in {"move", "copy"}:
        return f'{op} {operation["path"]}: "value" fehlt'
    return f"{op} {operation['path']} ist nicht anwendbar"


def _pointer_problem(document: Any, pointer: str, *, must_exist: bool) -> str | None:
    """What stops ``pointer`` from being resolved in ``document`` (its parent must exist and
    be an object or array; the target itself too when ``must_exist``), or None."""
    parts = jsonpointer.JsonPointer(pointer).parts
    value, reached = document, ""
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if value is None:
            return f"{reached} ist leer (null); setzen Sie zuerst {reached}"
        if not isinstance(value, dict | list):
            return f"{reached} ist weder JSON-Objekt noch Liste"
        reached += "/" + part.replace("~", "~0").replace("/", "~1")
        found = _member(value, part)
        if found is _ABSENT:
            if last and not must_exist:
                return None
            return f"{reached} gibt es nicht"
        value = found
    return None


_ABSENT = object()


def _member(container: dict[str, Any] | list[Any], part: str) -> Any:
    """The member ``part`` of an object or array, or _ABSENT."""
    if isinstance(container, dict):
        return container.get(part, _ABSENT)
    if part.isdecimal() and int(part) < len(container):
        return container[int(part)]
    return _ABSENT
