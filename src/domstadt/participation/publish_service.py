"""Participation as open data (issue 10): serve the published tables fresh (built at request
time, see ``opendata/``) and create or update their catalogue datasets through the
catalogue's own services, each with a CSV and a JSON distribution that point at
``/api/v1/open-data/beteiligung/<table>.<csv|json>`` (site paths: links are made absolute when
shown). Publishing again changes nothing that is already right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import distribution_service as distributions
from domstadt.catalog import service as catalog
from domstadt.catalog.schemas import DatasetCreate, DatasetPublic, DistributionCreate
from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.errors import NotFound
from domstadt.masterplan import measure_read_service
from domstadt.participation import challenge_service, lab_service
from domstadt.participation.challenges.models import Challenge
from domstadt.participation.challenges.phases import Phase
from domstadt.participation.challenges.store import phase_of
from domstadt.participation.opendata import rows
from domstadt.participation.opendata.formats import LICENCE
from domstadt.participation.opendata.tables import (
    BY_NAME,
    FORMATS,
    PRIVACY_RULE,
    TableSpec,
    table_path,
)

THEMES = ["GOVE", "SOCI"]


class TableLink(BaseModel):
    """One published table with its catalogue dataset and download addresses."""

    name: str
    title: str
    dataset: str
    csv: str
    json_url: str


class PublishReport(BaseModel):
    """What a publish run did, by dataset name."""

    created: list[str] = []
    updated: list[str] = []
    unchanged: list[str] = []
    distributions_added: int = 0


def _spec(name: str) -> TableSpec:
    spec = BY_NAME.get(name)
    if spec is None:
        known = ", ".join(sorted(BY_NAME))
        raise NotFound(f"Die Tabelle '{name}' gibt es nicht; veröffentlicht sind: {known}.")
    return spec


@public("lists the published tables; they carry no personal data (tables.PRIVACY_RULE)")
def open_data_index(session: Session, *, actor: Actor, base: str) -> list[TableLink]:
    """The published tables with their dataset names and absolute download addresses."""
    return [
        TableLink(
            name=spec.name,
            title=spec.title,
            dataset=spec.dataset_name,
            csv=base + table_path(spec.name, "csv"),
            json_url=base + table_path(spec.name, "json"),
        )
        for spec in BY_NAME.values()
    ]


@public("participation open data carries no personal data (tables.PRIVACY_RULE)")
def open_data_table(
    session: Session, *, actor: Actor, name: str, base: str
) -> tuple[TableSpec, list[dict[str, Any]]]:
    """The rows of one published table now; links in it start with ``base``."""
    spec = _spec(name)
    builders = {
        "wettbewerbe": lambda: rows.challenges(session, base),
        "beitraege": lambda: rows.submissions(session, base),
        "abstimmungen": lambda: _vote_rows(session, actor),
        "veranstaltungen": lambda: rows.events(session, base),
        "ux-tests": lambda: _sus_rows(session, actor),
        "rueckmeldungen": lambda: _feedback_rows(session, actor, base),
    }
    return spec, builders[spec.name]()


def _vote_rows(session: Session, actor: Actor) -> list[dict[str, Any]]:
    """Vote totals of every challenge whose public vote has closed (hidden entries left out)."""
    out: list[dict[str, Any]] = []
    closed = [
        c.id
        for c in session.scalars(select(Challenge).order_by(Challenge.id))
        if phase_of(c) == Phase.RESULTS
    ]
    for challenge_id in closed:
        result = challenge_service.results(session, actor=actor, challenge_id=challenge_id)
        hidden = rows.hidden_submission_ids(session, challenge_id)
        out.extend(
            {
                "wettbewerb_id": challenge_id,
                "beitrag_id": r.submission_id,
                "titel": r.title,
                "platz": r.place,
                "jury_wertung": r.jury_score,
                "stimmen": r.votes,
            }
            for r in result.rows
            if r.submission_id not in hidden
        )
    return out


def _sus_rows(session: Session, actor: Actor) -> list[dict[str, Any]]:
    services = lab_service.lab_overview(session, actor=actor).services
    return [
        {
            "dienst": s.service_name,
            "termine": len(s.trend),
            "antworten": s.sus.count,
            "sus_mittelwert": s.sus.mean,
            "ki_unten": s.sus.ci_low,
            "ki_oben": s.sus.ci_high,
        }
        for s in services
        if s.sus.count
    ]


def _feedback_rows(session: Session, actor: Actor, base: str) -> list[dict[str, Any]]:
    out = []
    for row in rows.feedback_counts(session):
        try:
            measure = measure_read_service.measure_get(
                session, actor=actor, measure_id=row["massnahme_id"]
            )
        except NotFound:
            continue
        out.append(
            {
                **row,
                "massnahme_code": measure.code,
                "massnahme": measure.title,
                "seite": f"{base}/massnahmen/{measure.id}",
            }
        )
    return out


def _dataset_data(spec: TableSpec, department_code: str) -> DatasetCreate:
    columns = "\n".join(f"- {name}: {meaning}" for name, meaning in spec.columns)
    return DatasetCreate(
        name=spec.dataset_name,
        title=spec.title,
        description=f"{spec.description}\n\n{PRIVACY_RULE}\n\nSpalten:\n{columns}",
        department_code=department_code,
        license_id=LICENCE,
        themes=THEMES,
        keywords=list(spec.keywords),
        frequency="CONT",
    )


def _differs(existing: DatasetPublic, wanted: DatasetCreate) -> bool:
    keys = ("title", "description", "license_id", "frequency", "department_code")
    return (
        any(getattr(existing, k) != getattr(wanted, k) for k in keys)
        or sorted(existing.themes) != sorted(wanted.themes)
        or sorted(existing.keywords) != sorted(wanted.keywords)
    )


def _publish_one(
    session: Session,
    actor: Actor,
    spec: TableSpec,
    department_code: str,
    data_dir: Path,
    report: PublishReport,
) -> None:
    wanted = _dataset_data(spec, department_code)
    try:
        existing: DatasetPublic | None = catalog.dataset_get(
            session, actor=actor, id_or_name=spec.dataset_name
        )
    except NotFound:
        existing = None
    if existing is None:
        existing = catalog.dataset_create(session, actor=actor, data=wanted)
        report.created.append(spec.dataset_name)
    elif _differs(existing, wanted):
        existing = catalog.dataset_update(
            session, actor=actor, id_or_name=spec.dataset_name, data=wanted
        )
        report.updated.append(spec.dataset_name)
    else:
        report.unchanged.append(spec.dataset_name)
    have = {d.download_url for d in existing.distributions}
    for fmt in FORMATS:
        path = table_path(spec.name, fmt)
        if path in have:
            continue
        distributions.distribution_create(
            session,
            actor=actor,
            dataset=spec.dataset_name,
            data=DistributionCreate(
                title=f"{spec.title} ({fmt.upper()}, tagesaktuell)",
                download_url=path,
                format=fmt.upper(),
            ),
            data_dir=data_dir,
        )
        report.distributions_added += 1


@requires(Permission.CONTENT_EDIT)
def open_data_publish(
    session: Session, *, actor: Actor, department_code: str, data_dir: Path
) -> PublishReport:
    """Create or update the catalogue datasets of every published table for the department
    ``department_code`` (the publisher); idempotent: a second run reports all unchanged.
    ``data_dir`` is the catalogue's (the distributions are links and store no file)."""
    report = PublishReport()
    for spec in BY_NAME.values():
        _publish_one(session, actor, spec, department_code, data_dir, report)
    audit.record(
        session,
        actor=actor,
        action="participation.open_data_publish",
        entity_type="department",
        entity_id=department_code,
        after=report,
    )
    return report
