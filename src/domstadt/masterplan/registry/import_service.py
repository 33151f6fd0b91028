"""Import of initiatives from CSV, XLSX or JSON: all rows or none.

The file is read, mapped and every row checked (also against the database: codes already
taken, unknown organisations and measures) before anything is written. With errors, or on a
dry run, nothing is written and the report lists every problem by row and column. After the
import every new row is compared with the registry and measures and with the file's other
rows; near duplicates become suggestions in the review queue.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import Organisation
from domstadt.core.auth.permissions import Actor, Permission, requires
from domstadt.core.errors import Invalid
from domstadt.masterplan.registry import batch, duplicates, importer, store
from domstadt.masterplan.registry.importer import Checked, RowError
from domstadt.masterplan.registry.models import Initiative


class ImportProblem(BaseModel):
    """One row-level problem."""

    row: int
    column: str
    problem: str


class ImportReport(BaseModel):
    """What was read, how columns map, the first rows, every problem and what was written."""

    filename: str
    encoding: str
    delimiter: str
    columns: list[str]
    mapping: dict[str, str]
    preview: list[dict[str, str]]
    total_rows: int
    errors: list[ImportProblem]
    dry_run: bool
    imported: int
    ids: list[int]
    suggestions: int


def _taken_codes(session: Session, checked: Checked, mapping: dict[str, str]) -> list[RowError]:
    codes = {r.code: line for line, r in checked.records if r.code}
    if not codes:
        return []
    taken = session.scalars(select(Initiative.code).where(Initiative.code.in_(list(codes))))
    return [
        RowError(codes[c], mapping.get("code", ""), f"Kürzel (code) '{c}' ist bereits vergeben.")
        for c in taken
        if c
    ]


def _unknown_refs(
    session: Session, actor: Actor, checked: Checked, mapping: dict[str, str]
) -> list[RowError]:
    errors: list[RowError] = []
    known_measures: dict[int, bool] = {}
    for line, record in checked.records:
        for measure_id in record.measure_ids:
            if measure_id not in known_measures:
                try:
                    store.check_measure(session, actor, measure_id, "measure_ids")
                    known_measures[measure_id] = True
                except Invalid:
                    known_measures[measure_id] = False
            if not known_measures[measure_id]:
                column = mapping.get("measure_ids", "")
                errors.append(RowError(line, column, f"Maßnahme {measure_id} gibt es nicht."))
        org = record.owner_organisation_id
        if org is not None and session.get(Organisation, org) is None:
            errors.append(RowError(line, "", f"Organisation {org} gibt es nicht."))
    return errors


def _preview(table: importer.Table, mapping: dict[str, str]) -> list[dict[str, str]]:
    return [
        {target: row.get(column, "") for target, column in mapping.items()}
        for row in table.rows[: importer.PREVIEW_ROWS]
    ]


@requires(Permission.CONTENT_EDIT)
def initiatives_import(
    session: Session,
    *,
    actor: Actor,
    content: bytes,
    filename: str,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    max_rows: int = importer.MAX_ROWS,
) -> ImportReport:
    """Check a file and, unless ``dry_run`` or any row fails, import every row at once; a
    file of more than ``max_rows`` rows is refused while it is read."""
    table = importer.read_table(content, filename, max_rows)
    if not table.rows:
        raise Invalid("Die Datei enthält keine Datenzeilen.", field="file")
    detected = importer.detect_mapping(table.columns, mapping)
    checked = importer.check_rows(table, detected)
    errors = checked.errors + _taken_codes(session, checked, detected)
    errors += _unknown_refs(session, actor, checked, detected)
    errors.sort(key=lambda e: (e.row, e.column))
    report: dict[str, Any] = {
        "filename": filename,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "columns": table.columns,
        "mapping": detected,
        "preview": _preview(table, detected),
        "total_rows": len(table.rows),
        "errors": [ImportProblem(row=e.row, column=e.column, problem=e.problem) for e in errors],
        "dry_run": dry_run,
        "imported": 0,
        "ids": [],
        "suggestions": 0,
    }
    if errors or dry_run:
        return ImportReport(**report)
    rows = [store.insert(session, actor, record) for _, record in checked.records]
    texts = [duplicates.text_of(r.title, r.description) for r in rows]
    found = sum(len(duplicates.suggest(session, r.id, t)) for r, t in zip(rows, texts, strict=True))
    found += batch.suggest_within(session, [r.id for r in rows], texts)
    report.update(imported=len(rows), ids=[r.id for r in rows], suggestions=found)
    audit.record(
        session,
        actor=actor,
        action="initiative.import",
        entity_type="initiative",
        entity_id=filename[:100],
        after={"imported": len(rows), "mapping": detected},
    )
    return ImportReport(**report)
