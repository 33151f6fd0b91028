"""Every service function checks permissions (or says why it is public) and has a docstring."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from types import FunctionType

import domstadt


def _service_modules() -> Iterator[object]:
    for info in pkgutil.walk_packages(domstadt.__path__, "domstadt."):
        if info.name.rsplit(".", 1)[-1].endswith("service"):
            yield importlib.import_module(info.name)


def _service_functions() -> list[tuple[str, FunctionType]]:
    found = []
    for module in _service_modules():
        for name, func in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or func.__module__ != module.__name__:  # type: ignore[attr-defined]
                continue
            found.append((f"{module.__name__}.{name}", func))  # type: ignore[attr-defined]
    return found


def test_service_modules_are_found() -> None:
    names = {n for n, _ in _service_functions()}
    assert "domstadt.core.auth.service.user_create" in names
    assert "domstadt.masterplan.service.taxon_upsert" in names


def test_every_service_function_checks_permission_and_is_documented() -> None:
    missing_permission = [n for n, f in _service_functions() if not hasattr(f, "__permission__")]
    missing_doc = [n for n, f in _service_functions() if not (f.__doc__ or "").strip()]
    assert not missing_permission, f"no @requires/@public: {missing_permission}"
    assert not missing_doc, f"no docstring: {missing_doc}"


def test_every_service_function_takes_keyword_only_actor_or_is_public() -> None:
    offenders = []
    for name, func in _service_functions():
        params = inspect.signature(func).parameters
        if str(func.__permission__).startswith(("public", "internal")):  # type: ignore[attr-defined]
            continue
        actor = params.get("actor")
        if actor is None or actor.kind is not inspect.Parameter.KEYWORD_ONLY:
            offenders.append(name)
    assert not offenders, f"actor must be keyword-only: {offenders}"


def test_internal_service_functions_are_not_called_from_routes_or_cli() -> None:
    import re
    from pathlib import Path

    internal = {
        n.rsplit(".", 1)[1]
        for n, f in _service_functions()
        if str(f.__permission__).startswith("internal")
    }  # type: ignore[attr-defined]
    root = Path(domstadt.__path__[0])
    entry_points = [
        p
        for p in root.rglob("*.py")
        if p.name in {"api.py", "views.py", "cli.py", "routes.py"} or "web" in p.parts
    ]
    offenders = [
        f"{p.relative_to(root)}: {name}"
        for p in entry_points
        for name in internal
        if re.search(rf"\b{name}\(", p.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"internal service functions called from entry points: {offenders}"
