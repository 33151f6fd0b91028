"""Reads a revision file (without running it) and names what breaks its declared phase: no
``phase``, or an expand step whose ``upgrade()`` (and the module's functions it calls) drops,
renames or narrows what code of the release before it uses.

One exception, named in the file: constraints and indexes listed in ``replaced_constraints``
(a tuple of names) may be dropped in an expand step, because the same step puts in a guarantee
the old release cannot tell apart (0047 replaces the Observations' foreign keys by triggers);
the revision's docstring says what replaces them. A unique index named in ``same_rule_keys``
may then be created on an existing table: it enforces the rule of a replaced one (0049: the
same duplicate keys, partial)."""

from __future__ import annotations

import ast
import re

from domstadt.core.migration_policy import PHASES

DROPS = frozenset(
    {"drop_table", "drop_column", "drop_index", "drop_constraint", "rename_table", "drop_view"}
)
"""Operations an expand step never calls: code of the release before it uses what they remove."""
REPLACING_DROPS = frozenset({"drop_constraint", "drop_index"})
"""Drops allowed for the names an expand step lists in ``replaced_constraints``."""
NARROWING_SQL = re.compile(
    r"\b(DROP\s+(TABLE|COLUMN|INDEX|CONSTRAINT|VIEW)|RENAME|SET\s+NOT\s+NULL|UNIQUE)\b", re.I
)
"""The same in SQL handed to ``op.execute`` (widening ``ALTER … TYPE bigint`` passes)."""


def problems(source: str) -> list[str]:
    """Each way ``source`` (a revision file) breaks its phase; empty when it keeps it."""
    tree = ast.parse(source)
    constants = _module_constants(tree)
    phase = constants.get("phase")
    if phase not in PHASES:
        return ['declares no phase = "expand" or "contract"']
    if phase == "contract":
        return []
    calls = _reached_calls(tree, "upgrade")
    created = {_text(c.args[0]) for c in calls if _name(c) == "create_table" and c.args}
    batch_tables = _batch_aliases(tree)
    replaced = _names(tree, "replaced_constraints")
    allowed = _replacing_drops(tree, replaced)
    if replaced:
        keys = _names(tree, "same_rule_keys")
        allowed |= {id(c) for c in calls if _name(c) == "create_index" and _first(c) in keys}
    found: list[str] = []
    for call in calls:
        if id(call) not in allowed:
            found.extend(_call_problems(call, created, batch_tables, constants))
    return found


def _names(tree: ast.Module, variable: str) -> frozenset[str]:
    """The names in a module-level ``variable = ("…", …)`` tuple of literals."""
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == variable for t in node.targets)
            and isinstance(node.value, ast.Tuple)
        ):
            return frozenset(t for t in (_text(e) for e in node.value.elts) if t)
    return frozenset()


def _replacing_drops(tree: ast.Module, replaced: frozenset[str]) -> set[int]:
    """The ``drop_constraint`` and ``drop_index`` calls that drop a replaced constraint or
    index: by its literal name, or by the variable of a ``for name in replaced_constraints``
    loop around them."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.For)
            and isinstance(node.iter, ast.Name)
            and node.iter.id == "replaced_constraints"
            and isinstance(node.target, ast.Name)
        ):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Call) and _name(inner) in REPLACING_DROPS:
                    first = inner.args[0] if inner.args else None
                    if isinstance(first, ast.Name) and first.id == node.target.id:
                        allowed.add(id(inner))
    for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
        if _name(call) in REPLACING_DROPS and _first(call) in replaced:
            allowed.add(id(call))
    return allowed if replaced else set()


def _call_problems(
    call: ast.Call, created: set[str | None], batch: dict[str, str], constants: dict[str, str]
) -> list[str]:
    name, where = _name(call), f"line {call.lineno}"
    keywords = {k.arg: k.value for k in call.keywords}
    if name in DROPS:
        return [f"{where}: {name} in an expand step"]
    if name == "alter_column":
        narrowing = {"new_column_name", "type_"} & set(keywords) or _false(keywords.get("nullable"))
        return [f"{where}: alter_column renames, retypes or narrows"] if narrowing else []
    if name == "add_column":
        return [f"{where}: NOT NULL column without server_default"] if _strict(call) else []
    if name in {"create_index", "create_unique_constraint"}:
        unique = name == "create_unique_constraint" or _true(keywords.get("unique"))
        table = _target_table(call, batch)
        if unique and table not in created:
            return [f"{where}: a unique index on existing table {table}"]
        return []
    if name == "execute":
        sql = " ".join(_strings(call, constants))
        match = NARROWING_SQL.search(sql)
        return [f"{where}: SQL with {match.group(0)!r}"] if match else []
    return []


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to a string literal."""
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and isinstance(node.value.value, str):
                    found[target.id] = node.value.value
    return found


def _reached_calls(tree: ast.Module, entry: str) -> list[ast.Call]:
    """Every call inside ``entry`` and the module functions it calls, transitively."""
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    seen: set[str] = set()
    calls: list[ast.Call] = []
    pending = [entry]
    while pending:
        name = pending.pop()
        if name in seen or name not in functions:
            continue
        seen.add(name)
        for node in ast.walk(functions[name]):
            if isinstance(node, ast.Call):
                calls.append(node)
                if isinstance(node.func, ast.Name):
                    pending.append(node.func.id)
    return calls


def _batch_aliases(tree: ast.Module) -> dict[str, str]:
    """``with op.batch_alter_table("t") as b``: b → t."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.With):
            continue
        for item in node.items:
            expr, alias = item.context_expr, item.optional_vars
            if isinstance(expr, ast.Call) and _name(expr) == "batch_alter_table" and expr.args:
                table = _text(expr.args[0])
                if isinstance(alias, ast.Name) and table:
                    aliases[alias.id] = table
    return aliases


def _target_table(call: ast.Call, batch: dict[str, str]) -> str | None:
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    if isinstance(receiver, ast.Name) and receiver.id in batch:
        return batch[receiver.id]
    table = next((k.value for k in call.keywords if k.arg == "table_name"), None)
    if table is None and len(call.args) > 1:
        table = call.args[1]
    return _text(table) if table is not None else None


def _strict(call: ast.Call) -> bool:
    """An added ``Column(…, nullable=False)`` without ``server_default``."""
    for arg in call.args:
        if isinstance(arg, ast.Call) and _name(arg) == "Column":
            keywords = {k.arg: k.value for k in arg.keywords}
            return _false(keywords.get("nullable")) and "server_default" not in keywords
    return False


def _strings(call: ast.Call, constants: dict[str, str]) -> list[str]:
    """String literals and module string constants in the arguments of ``call``."""
    found: list[str] = []
    for arg in call.args:
        for node in ast.walk(arg):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
            elif isinstance(node, ast.Name) and node.id in constants:
                found.append(constants[node.id])
    return found


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _true(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _first(call: ast.Call) -> str | None:
    """The call's first argument when it is a string literal (a constraint's or index's name)."""
    return _text(call.args[0]) if call.args else None
