"""Open by default: the privacy gate's findings (list, clear with a reason, fix by removing
the file) and the editors' dashboard (open / restricted / waiting per department, quality)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import quality, store
from domstadt.catalog.convert import dataset_public
from domstadt.catalog.models import Dataset, Distribution, PrivacyFinding, PrivacyScan
from domstadt.catalog.privacy import gate
from domstadt.catalog.schemas import (
    Dashboard,
    DepartmentCounts,
    FindingPublic,
    QualityRow,
    ScanPublic,
)
from domstadt.core import audit
from domstadt.core.auth.models import Department
from domstadt.core.auth.permissions import Actor, Permission, check_department, requires
from domstadt.core.db import utcnow
from domstadt.core.errors import Invalid, NotFound

MIN_REASON = 10


def _file_of(session: Session, distribution_id: int) -> dict[str, str]:
    """The id and title of the file a finding or scan belongs to."""
    dist = session.get(Distribution, distribution_id)
    return {
        "distribution_id": dist.uuid if dist else "",
        "distribution_title": (dist.title or dist.format) if dist else "",
    }


def _public(session: Session, finding: PrivacyFinding) -> FindingPublic:
    return FindingPublic(
        id=finding.id,
        **_file_of(session, finding.distribution_id),
        kind=finding.kind,
        column=finding.column,
        hits=finding.hits,
        example=finding.example,
        status=finding.status,
        reason=finding.reason,
        decided_by=finding.decided_by,
        decided_at=finding.decided_at,
    )


def _editable(session: Session, actor: Actor, dataset: str) -> Dataset:
    ds = store.visible_dataset(session, actor, dataset)
    check_department(actor, ds.department_id)
    return ds


@requires(Permission.CONTENT_EDIT)
def finding_list(session: Session, *, actor: Actor, dataset: str) -> list[FindingPublic]:
    """The privacy findings of a dataset (editors of its department)."""
    ds = _editable(session, actor, dataset)
    rows = session.scalars(
        select(PrivacyFinding).where(PrivacyFinding.dataset_id == ds.id).order_by(PrivacyFinding.id)
    ).all()
    return [_public(session, f) for f in rows]


def _scan_public(session: Session, scan: PrivacyScan) -> ScanPublic:
    total = max(scan.rows_total, 1)
    return ScanPublic(
        id=scan.id,
        **_file_of(session, scan.distribution_id),
        status=scan.status,
        rows_total=scan.rows_total,
        rows_done=scan.rows_done,
        percent=min(100, scan.rows_done * 100 // total),
        findings=scan.findings,
        error=scan.error,
        created=scan.created,
        started=scan.started,
        finished=scan.finished,
    )


@requires(Permission.CONTENT_EDIT)
def scan_list(session: Session, *, actor: Actor, dataset: str) -> list[ScanPublic]:
    """The privacy scans of the dataset's large tables (jobs) with their progress (editors of
    its department)."""
    ds = _editable(session, actor, dataset)
    rows = session.scalars(
        select(PrivacyScan).where(PrivacyScan.dataset_id == ds.id).order_by(PrivacyScan.id)
    ).all()
    return [_scan_public(session, s) for s in rows]


def _finding(session: Session, ds: Dataset, finding_id: int) -> PrivacyFinding:
    finding = session.get(PrivacyFinding, finding_id)
    if finding is None or finding.dataset_id != ds.id:
        raise NotFound(f"Befund {finding_id} nicht gefunden.")
    return finding


@requires(Permission.CONTENT_EDIT)
def finding_clear(
    session: Session, *, actor: Actor, dataset: str, finding_id: int, reason: str
) -> FindingPublic:
    """Clear a finding (the data may be published) with a reason of at least 10 characters;
    the dataset is published once no finding is open."""
    ds = _editable(session, actor, dataset)
    finding = _finding(session, ds, finding_id)
    reason = reason.strip()
    if len(reason) < MIN_REASON:
        raise Invalid(
            "Bitte begründen Sie die Freigabe (mindestens 10 Zeichen), z. B. "
            "„dienstliche Funktionsadressen, keine Privatpersonen“.",
            field="reason",
        )
    before = _public(session, finding)
    finding.status, finding.reason = "cleared", reason
    finding.decided_by, finding.decided_at = actor.label[:200], utcnow()
    gate.release_if_done(session, ds)
    result = _public(session, finding)
    audit.record(
        session,
        actor=actor,
        action="privacy.clear",
        entity_type="dataset",
        entity_id=ds.uuid,
        before=before,
        after=result,
    )
    return result


@requires(Permission.CONTENT_EDIT)
def finding_fix(session: Session, *, actor: Actor, dataset: str, finding_id: int) -> int:
    """Fix a finding by removing the file that holds the data (with its normalised copies
    and their findings); returns how many findings are still open."""
    ds = _editable(session, actor, dataset)
    finding = _finding(session, ds, finding_id)
    dist = session.get_one(Distribution, finding.distribution_id)
    removed = [d for d in ds.distributions if d.id == dist.id or d.derived_from_id == dist.id]
    before = _public(session, finding)
    for item in session.scalars(
        select(PrivacyFinding).where(PrivacyFinding.distribution_id == dist.id)
    ):
        session.delete(item)
    session.flush()
    for gone in sorted(removed, key=lambda d: d.id == dist.id):
        ds.distributions.remove(gone)
        session.flush()
    ds.metadata_modified = utcnow()
    gate.release_if_done(session, ds)
    audit.record(
        session,
        actor=actor,
        action="privacy.fix",
        entity_type="dataset",
        entity_id=ds.uuid,
        before=before,
        after={"removed_distributions": [d.uuid for d in removed]},
    )
    return gate.open_count(session, ds.id)


def _counts(session: Session, datasets: list[Dataset]) -> list[DepartmentCounts]:
    departments = {d.id: d for d in session.scalars(select(Department))}
    rows: dict[int | None, DepartmentCounts] = {}
    for ds in datasets:
        dept = departments.get(ds.department_id) if ds.department_id else None
        row = rows.setdefault(
            ds.department_id,
            DepartmentCounts(
                department_code=dept.code if dept else None,
                department_name=dept.name if dept else "—",
            ),
        )
        if ds.state == "waiting":
            row.waiting += 1
        elif ds.access_rights != "PUBLIC":
            row.restricted += 1
            reason = ds.restriction_reason or "unknown"
            row.restricted_reasons[reason] = row.restricted_reasons.get(reason, 0) + 1
        else:
            row.open += 1
    return sorted(rows.values(), key=lambda r: r.department_code or "~")


@requires(Permission.CONTENT_EDIT)
def dashboard(session: Session, *, actor: Actor) -> Dashboard:
    """Per department: open, restricted (by reason) and waiting datasets; quality scores of
    the datasets the actor may edit, weakest first."""
    datasets = list(
        session.scalars(select(Dataset).where(Dataset.state.in_(["active", "waiting"]))).all()
    )
    quality_rows = []
    for ds in datasets:
        if not actor.can_edit_department(ds.department_id):
            continue
        public_ds = dataset_public(session, ds)
        quality_rows.append(
            QualityRow(
                name=ds.name,
                title=ds.title,
                department_code=public_ds.department_code,
                state=ds.state,
                access_rights=ds.access_rights,
                score=quality.score(public_ds),
                missing=quality.missing(public_ds),
            )
        )
    quality_rows.sort(key=lambda r: (r.score, r.name))
    average = sum(r.score for r in quality_rows) / len(quality_rows) if quality_rows else 0.0
    return Dashboard(
        departments=_counts(session, datasets),
        datasets=quality_rows,
        average_score=round(average, 1),
    )
