"""Pydantic shapes of the ecosystem directory and the market exploration."""

from __future__ import annotations

from pydantic import BaseModel, Field, field_validator

from domstadt.core.names import normalise_competences
from domstadt.funding.ecosystem import cpv, places

DISTRICTS = tuple(places.DISTRICT_CENTRES)

ENTRY_TYPES = ("company", "startup", "association", "research", "public_body", "person", "lab")
"""Directory entry types: the organisation kinds, people and lab sessions."""

MAX_CPV = 20


class ConceptRef(BaseModel):
    """A vocabulary concept as an entry or a match names it."""

    id: str
    label: str
    label_en: str
    group: str


class ConceptPublic(ConceptRef):
    """A concept of the vocabulary with its synonyms and its ESCO source."""

    label_de: str
    esco_uri: str
    synonyms_de: list[str]
    synonyms_en: list[str]


class VocabularyPublic(BaseModel):
    """The controlled vocabulary with its groups and where it comes from."""

    source: str
    groups: dict[str, dict[str, str]]
    count: int
    items: list[ConceptPublic]


class CpvPublic(BaseModel):
    """A CPV code with its label."""

    code: str
    label: str


class EntryPublic(BaseModel):
    """One entry of the directory: an organisation, a person who opted in, or a lab.

    ``concepts``: competences from the vocabulary; ``free_tags``: the entry's own tags that no
    concept matches (kept and shown). ``lat``/``lon``: the Stadtbezirk's centre (approximate).
    """

    type: str
    id: int
    name: str
    city: str = ""
    district: str = ""
    website: str = ""
    description: str = ""
    verified: bool = False
    url: str
    concepts: list[ConceptRef] = []
    free_tags: list[str] = []
    cpv: list[CpvPublic] = []
    lat: float | None = None
    lon: float | None = None


class DirectoryFilter(BaseModel):
    """Search of the directory: ``q`` (name, description or competence, free text),
    ``competence`` (a concept id), ``district`` (Stadtbezirk), ``type``."""

    q: str = Field(default="", max_length=200)
    competence: str | None = Field(default=None, max_length=80)
    district: str | None = Field(default=None, max_length=40)
    type: str | None = Field(default=None, max_length=20)
    limit: int = Field(default=50, ge=1, le=500)
    offset: int = Field(default=0, ge=0, le=100_000)

    @field_validator("district")
    @classmethod
    def _district(cls, value: str | None) -> str | None:
        if value and value not in DISTRICTS:
            raise ValueError("Unbekannter Stadtbezirk; erlaubt sind: " + ", ".join(DISTRICTS))
        return value or None

    @field_validator("type")
    @classmethod
    def _type(cls, value: str | None) -> str | None:
        if value and value not in ENTRY_TYPES:
            raise ValueError("Unbekannter Typ; erlaubt sind: " + ", ".join(ENTRY_TYPES))
        return value or None


class DirectoryList(BaseModel):
    """A page of directory entries (organisations, people, labs) and the total count."""

    count: int
    items: list[EntryPublic]


class LinkPublic(BaseModel):
    """Something an entry takes part in: a measure, a challenge, an event or a lab."""

    kind: str
    title: str
    url: str


class EntryDetail(BaseModel):
    """An entry with the measures, challenges and events it takes part in."""

    entry: EntryPublic
    links: list[LinkPublic]
    may_edit_cpv: bool = False


class CpvUpdate(BaseModel):
    """The CPV codes of a measure or an organisation (replaces the present ones)."""

    codes: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("codes")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        found: list[str] = []
        for raw in value:
            if not raw.strip():
                continue
            code = cpv.normalise(raw)
            if code not in found:
                found.append(code)
        if len(found) > MAX_CPV:
            raise ValueError(f"Höchstens {MAX_CPV} CPV-Codes.")
        return found


class PersonProfileUpdate(BaseModel):
    """A person's own directory profile; ``listed``: show me in the directory."""

    listed: bool = False
    district: str = Field(default="", max_length=40)
    headline: str = Field(default="", max_length=200)
    competences: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("district")
    @classmethod
    def _district(cls, value: str) -> str:
        value = value.strip()
        if value and value not in DISTRICTS:
            raise ValueError("Bitte wählen Sie einen der neun Kölner Stadtbezirke.")
        return value

    @field_validator("competences")
    @classmethod
    def _competences(cls, value: list[str]) -> list[str]:
        return normalise_competences(value)


class PersonProfile(PersonProfileUpdate):
    """A person's own profile as they see it, with the concepts their tags map onto."""

    concepts: list[ConceptRef] = []
    free_tags: list[str] = []


class MeasureRefPublic(BaseModel):
    """The measure a market exploration is for."""

    id: int
    code: str
    title: str


class MeasureConcept(ConceptRef):
    """A concept the measure's text names, with the phrase that names it."""

    evidence: str


class ProviderMatch(BaseModel):
    """An organisation whose competences or CPV codes match the measure."""

    organisation: EntryPublic
    regional: str
    regional_label: str
    competences: list[ConceptRef]
    cpv: list[str]
    score: float
    reasons: list[str]


class ProviderList(BaseModel):
    """The market exploration for a measure: the caveat, what the measure asks for and the
    matching organisations, regional ones first."""

    measure: MeasureRefPublic
    caveat: str
    concepts: list[MeasureConcept]
    cpv: list[CpvPublic]
    count: int
    items: list[ProviderMatch]
