"""Operations of the competence and ecosystem directory (S2.1, S2.3) and the market
exploration for procurement (S3.6): search the directory, show an entry with what it takes part
in, people's opt-in profiles, CPV codes of measures and organisations, and the regional
providers that match a measure.

Organisations, their competences (free tags), events, challenges, labs and measures are read
through the participation and masterplan services; this module owns only the people's
profiles and the CPV codes (``funding.ecosystem.models``)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.models import User
from domstadt.core.auth.permissions import Actor, Permission, public, requires
from domstadt.core.auth.schemas import OrganisationPublic
from domstadt.core.db import utcnow
from domstadt.core.errors import Forbidden, NotFound
from domstadt.funding.ecosystem import cpv, places, providers, vocabulary
from domstadt.funding.ecosystem.links import organisation_links
from domstadt.funding.ecosystem.models import CpvAssignment, EcosystemPerson
from domstadt.funding.ecosystem.schemas import (
    ConceptPublic,
    ConceptRef,
    CpvPublic,
    CpvUpdate,
    DirectoryFilter,
    DirectoryList,
    EntryDetail,
    EntryPublic,
    MeasureConcept,
    MeasureRefPublic,
    PersonProfile,
    PersonProfileUpdate,
    ProviderList,
    ProviderMatch,
    VocabularyPublic,
)
from domstadt.masterplan import measure_read_service
from domstadt.participation import lab_service
from domstadt.participation.organisations import service as organisation_service

CAVEAT = (
    "Markterkundung nach § 28 VgV: Diese Liste dient allein der Erkundung des Marktes vor "
    "einem Vergabeverfahren. Sie ist keine Vorauswahl, keine Empfehlung und keine Bevorzugung "
    "regionaler Anbieter; vergeben wird im Wettbewerb und unter Gleichbehandlung aller "
    "Bieter (§ 97 GWB)."
)
"""Shown with every market exploration (page, JSON, CSV)."""


def _ref(concept: vocabulary.Concept) -> ConceptRef:
    return ConceptRef(
        id=concept.id, label=concept.label_de, label_en=concept.label_en, group=concept.group
    )


def _cpv_of(session: Session, kind: str, ids: list[int]) -> dict[int, list[CpvPublic]]:
    found: dict[int, list[CpvPublic]] = {}
    if not ids:
        return found
    rows = session.execute(
        select(CpvAssignment.subject_id, CpvAssignment.code)
        .where(CpvAssignment.subject_kind == kind, CpvAssignment.subject_id.in_(ids))
        .order_by(CpvAssignment.code)
    )
    for subject_id, code in rows:
        found.setdefault(subject_id, []).append(CpvPublic(code=code, label=cpv.label(code)))
    return found


def _org_entry(org: OrganisationPublic, codes: list[CpvPublic]) -> EntryPublic:
    concepts, free = vocabulary.map_tags(list(org.competences or []))
    where = places.position(org.city, org.district)
    return EntryPublic(
        type=str(org.kind), id=org.id, name=org.name, city=org.city, district=org.district,
        website=org.website, description=org.description[:500], verified=org.verified,
        url=f"/oekosystem/organisationen/{org.id}", concepts=[_ref(c) for c in concepts],
        free_tags=free, cpv=codes, lat=where[0] if where else None,
        lon=where[1] if where else None,
    )  # fmt: skip


def _organisation_entries(session: Session, actor: Actor) -> list[EntryPublic]:
    orgs = organisation_service.organisation_search(session, actor=actor)
    codes = _cpv_of(session, "organisation", [o.id for o in orgs])
    return [_org_entry(o, codes.get(o.id, [])) for o in orgs]


def _person_entries(session: Session) -> list[EntryPublic]:
    rows = session.execute(
        select(EcosystemPerson, User.name)
        .join(User, User.id == EcosystemPerson.user_id)
        .where(EcosystemPerson.listed.is_(True))
        .order_by(User.name)
    ).all()
    entries = []
    for person, name in rows:
        concepts, free = vocabulary.map_tags(list(person.competences))
        where = places.position("", person.district)
        entries.append(
            EntryPublic(
                type="person",
                id=person.user_id,
                name=name,
                district=person.district,
                city="Köln" if person.district else "",
                description=person.headline,
                url=f"/oekosystem/personen/{person.user_id}",
                concepts=[_ref(c) for c in concepts],
                free_tags=free,
                lat=where[0] if where else None,
                lon=where[1] if where else None,
            )
        )
    return entries


def _lab_entries(session: Session, actor: Actor) -> list[EntryPublic]:
    overview = lab_service.lab_overview(session, actor=actor)
    entries = []
    for lab in overview.items:
        named = vocabulary.concepts_in_text(f"{lab.title} {lab.description} {lab.service_name}")
        concepts = [vocabulary.vocabulary().concepts[c] for c in named]
        entries.append(
            EntryPublic(
                type="lab",
                id=lab.id,
                name=lab.title,
                city="Köln",
                description=lab.place,
                url=lab.url,
                concepts=[_ref(c) for c in concepts],
                lat=places.COLOGNE[0],
                lon=places.COLOGNE[1],
            )
        )
    return entries


def _matches(entry: EntryPublic, f: DirectoryFilter) -> bool:
    if f.type and entry.type != f.type:
        return False
    if f.district and entry.district != f.district:
        return False
    if f.competence and f.competence not in {c.id for c in entry.concepts}:
        return False
    if f.q:
        needle = vocabulary.key(f.q)
        wanted = {c.id for c in vocabulary.search(f.q)}
        text = vocabulary.key(" ".join([entry.name, entry.description, *entry.free_tags]))
        in_text = needle in text.split() if len(needle) <= 3 else needle in text
        if not (in_text or wanted & {c.id for c in entry.concepts}):
            return False
    return True


@public("organisations, opted-in people and labs are shown publicly")
def directory_search(
    session: Session, *, actor: Actor, filters: DirectoryFilter | None = None
) -> DirectoryList:
    """Organisations, people who opted in and labs, filtered by free text (name, description or
    competence: "KI" finds "Künstliche Intelligenz"), competence concept, Stadtbezirk and
    type; organisations first, then people, then labs, each by name."""
    f = filters or DirectoryFilter()
    if f.competence and vocabulary.concept(f.competence) is None:
        raise NotFound(f"Die Kompetenz '{f.competence}' gibt es im Vokabular nicht.")
    entries = [
        *_organisation_entries(session, actor),
        *_person_entries(session),
        *_lab_entries(session, actor),
    ]
    hits = [e for e in entries if _matches(e, f)]
    return DirectoryList(count=len(hits), items=hits[f.offset : f.offset + f.limit])


@public("the controlled vocabulary is published")
def vocabulary_list(session: Session, *, actor: Actor) -> VocabularyPublic:
    """Every concept of the competence vocabulary with its labels, synonyms and ESCO URI."""
    vocab = vocabulary.vocabulary()
    items = [
        ConceptPublic(
            id=c.id,
            label=c.label_de,
            label_en=c.label_en,
            label_de=c.label_de,
            group=c.group,
            esco_uri=c.esco_uri,
            synonyms_de=list(c.synonyms_de),
            synonyms_en=list(c.synonyms_en),
        )
        for c in vocab.concepts.values()
    ]
    return VocabularyPublic(source=vocab.source, groups=vocab.groups, count=len(items), items=items)


def _may_edit_org(session: Session, actor: Actor, organisation_id: int) -> bool:
    if actor.can(Permission.ORGANISATION_MANAGE):
        return True
    if actor.user_id is None or not actor.can(Permission.ACCOUNT_SELF):
        return False
    mine = organisation_service.my_membership(session, actor=actor, organisation_id=organisation_id)
    return mine is not None and mine.is_admin and mine.state == "accepted"


@public("organisations and what they take part in are shown publicly")
def organisation_entry(session: Session, *, actor: Actor, organisation_id: int) -> EntryDetail:
    """An organisation's directory entry with the measures, challenges and events it takes
    part in, and whether the actor may set its CPV codes."""
    detail = organisation_service.organisation_detail(
        session, actor=actor, organisation_id=organisation_id
    )
    codes = _cpv_of(session, "organisation", [organisation_id]).get(organisation_id, [])
    entry = _org_entry(detail.organisation, codes)
    links = organisation_links(session, actor, detail)
    return EntryDetail(
        entry=entry, links=links, may_edit_cpv=_may_edit_org(session, actor, organisation_id)
    )


@public("people appear only after they opted in; only their name, district and competences")
def person_entry(session: Session, *, actor: Actor, user_id: int) -> EntryDetail:
    """A listed person's directory entry (404 when the person did not opt in)."""
    for entry in _person_entries(session):
        if entry.id == user_id:
            return EntryDetail(entry=entry, links=[])
    raise NotFound(f"Person {user_id} ist nicht im Verzeichnis.")


def _replace_cpv(
    session: Session, actor: Actor, kind: str, subject_id: int, codes: list[str]
) -> list[CpvPublic]:
    before = [c.code for c in _cpv_of(session, kind, [subject_id]).get(subject_id, [])]
    session.execute(
        delete(CpvAssignment).where(
            CpvAssignment.subject_kind == kind, CpvAssignment.subject_id == subject_id
        )
    )
    session.add_all(CpvAssignment(subject_kind=kind, subject_id=subject_id, code=c) for c in codes)
    session.flush()
    audit.record(
        session, actor=actor, action=f"{kind}.cpv", entity_type=kind, entity_id=subject_id,
        before={"cpv": before}, after={"cpv": codes},
    )  # fmt: skip
    return [CpvPublic(code=c, label=cpv.label(c)) for c in codes]


@requires(Permission.ACCOUNT_SELF)
def organisation_cpv_set(
    session: Session, *, actor: Actor, organisation_id: int, data: CpvUpdate
) -> list[CpvPublic]:
    """Replace an organisation's CPV codes (its admins and platform admins only)."""
    organisation_service.organisation_detail(session, actor=actor, organisation_id=organisation_id)
    if not _may_edit_org(session, actor, organisation_id):
        raise Forbidden(
            "Nur Administratorinnen und Administratoren der Organisation dürfen ihre CPV-Codes "
            "ändern."
        )
    return _replace_cpv(session, actor, "organisation", organisation_id, data.codes)


@public("the CPV codes of a measure are published with the measure")
def measure_cpv(session: Session, *, actor: Actor, measure_id: int) -> list[CpvPublic]:
    """The CPV codes set on a measure."""
    measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    return _cpv_of(session, "measure", [measure_id]).get(measure_id, [])


@requires(Permission.CONTENT_EDIT)
def measure_cpv_set(
    session: Session, *, actor: Actor, measure_id: int, data: CpvUpdate
) -> list[CpvPublic]:
    """Replace a measure's CPV codes (editors of its lead department and admins only)."""
    measure = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    if not actor.can_edit_department(measure.lead_department.id):
        raise Forbidden(
            f"Nur die Redaktion von {measure.lead_department.name} darf die CPV-Codes der "
            f"Maßnahme {measure.code} ändern."
        )
    return _replace_cpv(session, actor, "measure", measure_id, data.codes)


@public("an editor may ask whether they may set a measure's CPV codes; reveals nothing else")
def may_edit_measure_cpv(session: Session, *, actor: Actor, measure_id: int) -> bool:
    """True when the actor may set the measure's CPV codes."""
    if not actor.can(Permission.CONTENT_EDIT):
        return False
    measure = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    return actor.can_edit_department(measure.lead_department.id)


def _profile(row: EcosystemPerson | None) -> PersonProfile:
    if row is None:
        return PersonProfile()
    concepts, free = vocabulary.map_tags(list(row.competences))
    return PersonProfile(
        listed=row.listed, district=row.district, headline=row.headline,
        competences=list(row.competences), concepts=[_ref(c) for c in concepts], free_tags=free,
    )  # fmt: skip


@requires(Permission.ACCOUNT_SELF)
def person_profile_get(session: Session, *, actor: Actor) -> PersonProfile:
    """The signed-in person's own directory profile (empty and unlisted when never saved)."""
    if actor.user_id is None:
        raise Forbidden("Nur angemeldete Personen haben ein Profil.")
    return _profile(session.get(EcosystemPerson, actor.user_id))


@requires(Permission.ACCOUNT_SELF)
def person_profile_set(
    session: Session, *, actor: Actor, data: PersonProfileUpdate
) -> PersonProfile:
    """Save the signed-in person's own profile; ``listed`` puts them into the directory."""
    if actor.user_id is None:
        raise Forbidden("Nur angemeldete Personen haben ein Profil.")
    row = session.get(EcosystemPerson, actor.user_id)
    before = _profile(row).model_dump(include={"listed", "district", "headline", "competences"})
    if row is None:
        row = EcosystemPerson(user_id=actor.user_id)
        session.add(row)
    row.listed, row.district, row.headline = data.listed, data.district, data.headline
    row.competences = list(data.competences)
    row.updated_at = utcnow()
    session.flush()
    audit.record(
        session, actor=actor, action="ecosystem.profile", entity_type="user",
        entity_id=actor.user_id, before=before, after=data,
    )  # fmt: skip
    return _profile(row)


@public("measure codes are published (S1.3)")
def measure_id_of(session: Session, *, actor: Actor, code: str) -> int:
    """The id of the measure with this code (NotFound names the code)."""
    return measure_read_service.measure_get_by_code(session, actor=actor, code=code).id


@public("the market exploration lists public organisation profiles for a public measure")
def measure_providers(
    session: Session, *, actor: Actor, measure_id: int, limit: int = 50
) -> ProviderList:
    """Organisations whose competences (and CPV codes) match the measure, regional first, each
    with the matching competences named; with the § 28 VgV caveat."""
    measure = measure_read_service.measure_get(session, actor=actor, measure_id=measure_id)
    text = " ".join([measure.title, measure.summary, measure.description, measure.goals])
    named = vocabulary.concepts_in_text(text)
    codes = _cpv_of(session, "measure", [measure_id]).get(measure_id, [])
    entries = _organisation_entries(session, actor)
    found = providers.rank(list(named), [c.code for c in codes], entries, measure_text=text)
    items = []
    for f in found[: max(1, min(limit, 200))]:
        regional, label = providers.regional_label(f)
        concepts = [_ref(vocabulary.vocabulary().concepts[c]) for c in f.concepts]
        reasons = [f"Kompetenz: {c.label}" for c in concepts] + [f"CPV: {p}" for p in f.cpv]
        if f.similarity >= 0.1:
            reasons.append(f"Textähnlichkeit mit der Beschreibung: {f.similarity:.2f}")
        items.append(
            ProviderMatch(
                organisation=f.entry,
                regional=regional,
                regional_label=label,
                competences=concepts,
                cpv=f.cpv,
                score=f.score,
                reasons=reasons,
            )
        )
    concepts_ = [
        MeasureConcept(**_ref(vocabulary.vocabulary().concepts[c]).model_dump(), evidence=e)
        for c, e in named.items()
    ]
    return ProviderList(
        measure=MeasureRefPublic(id=measure.id, code=measure.code, title=measure.title),
        caveat=CAVEAT, concepts=concepts_, cpv=codes, count=len(found), items=items,
    )  # fmt: skip
