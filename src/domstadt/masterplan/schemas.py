"""Pydantic shapes of the masterplan taxonomy."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TaxonUpsert(BaseModel):
    """A field of action or sector to create or update (by slug)."""

    slug: str = Field(pattern=r"^[a-z0-9-]{2,64}$")
    name: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    description: str = ""
    position: int = 0


class TaxonPublic(BaseModel):
    """A field of action or sector as shown publicly."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    name: str
    name_en: str
    description: str
    position: int


class Taxonomy(BaseModel):
    """All fields of action and sectors."""

    fields_of_action: list[TaxonPublic]
    sectors: list[TaxonPublic]
