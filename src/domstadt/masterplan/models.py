"""Taxonomy of the masterplan: Handlungsfelder (fields of action) and Sektoren (sectors)."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base


class FieldOfAction(Base):
    """Handlungsfeld (field of action): Digitale Verwaltung, Smart City, Datenökonomie."""

    __tablename__ = "field_of_action"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Sector(Base):
    """Sektor (sector), e.g. Mobilität or Energie und Umwelt."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
