"""Masterplan tables: taxonomy (Handlungsfelder, Sektoren), measures (Maßnahmen) with their
milestones, KPIs, dependencies and version history, budget pools and frozen status reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domstadt.core.auth.models import Department, Organisation
from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class FieldOfAction(Base):
    """Handlungsfeld (field of action): Digitale Verwaltung, Smart City, Datenökonomie."""

    __tablename__ = "field_of_action"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


class Sector(Base):
    """Sektor (sector), e.g. Mobilität or Energie und Umwelt."""

    __tablename__ = "sector"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


def _link(name: str, left: str, right: str) -> Table:
    return Table(
        name,
        Base.metadata,
        Column(f"{left}_id", ForeignKey(f"{left}.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{right}_id", ForeignKey(f"{right}.id", ondelete="CASCADE"), primary_key=True),
    )


measure_field = _link("measure_field", "measure", "field_of_action")
measure_sector = _link("measure_sector", "measure", "sector")
measure_partner_department = _link("measure_partner_department", "measure", "department")
measure_partner_organisation = _link("measure_partner_organisation", "measure", "organisation")


class Measure(Base):
    """Maßnahme (measure) of the masterplan; measures nest under a parent programme."""

    __tablename__ = "measure"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("measure.id", ondelete="RESTRICT"), index=True
    )
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    lead_department_id: Mapped[int] = mapped_column(
        ForeignKey("department.id", ondelete="RESTRICT"), index=True
    )
    contact: Mapped[str] = mapped_column(String(300), default="")
    planned_start: Mapped[dt.date | None] = mapped_column(Date)
    planned_end: Mapped[dt.date | None] = mapped_column(Date, index=True)
    actual_start: Mapped[dt.date | None] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    priority: Mapped[str] = mapped_column(String(16), default="medium")
    status: Mapped[str] = mapped_column(String(32), default="idea", index=True)
    progress_entered: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    rollout_stage: Mapped[str] = mapped_column(String(32), default="idea", index=True)
    success_criteria: Mapped[str] = mapped_column(Text, default="")
    risks: Mapped[str] = mapped_column(Text, default="")
    council_decision: Mapped[str] = mapped_column(String(200), default="")
    location: Mapped[Any] = mapped_column(JSON, nullable=True)
    links: Mapped[Any] = mapped_column(JSON, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    fields: Mapped[list[FieldOfAction]] = relationship(
        secondary=measure_field, order_by=FieldOfAction.position
    )
    sectors: Mapped[list[Sector]] = relationship(secondary=measure_sector, order_by=Sector.position)
    milestones: Mapped[list[Milestone]] = relationship(
        cascade="all, delete-orphan", order_by="Milestone.position"
    )
    kpis: Mapped[list[Kpi]] = relationship(cascade="all, delete-orphan", order_by="Kpi.position")
    lead_department: Mapped[Department] = relationship()
    partner_departments: Mapped[list[Department]] = relationship(
        secondary=measure_partner_department, order_by=Department.code
    )
    partner_organisations: Mapped[list[Organisation]] = relationship(
        secondary=measure_partner_organisation, order_by=Organisation.name
    )
    parent: Mapped[Measure | None] = relationship(remote_side=[id])


class Milestone(Base):
    """A dated step of a measure; ``actual_date`` set when reached."""

    __tablename__ = "measure_milestone"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    planned_date: Mapped[dt.date | None] = mapped_column(Date)
    actual_date: Mapped[dt.date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Kpi(Base):
    """Kennzahl (KPI) of a measure with unit, baseline and target."""

    __tablename__ = "measure_kpi"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    unit: Mapped[str] = mapped_column(String(60), default="")
    baseline: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[list[KpiValue]] = relationship(
        cascade="all, delete-orphan", order_by="KpiValue.date"
    )


class KpiValue(Base):
    """One measured value of a KPI, with its date and source."""

    __tablename__ = "measure_kpi_value"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kpi_id: Mapped[int] = mapped_column(
        ForeignKey("measure_kpi.id", ondelete="CASCADE"), index=True
    )
    date: Mapped[dt.date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(500), default="")


class MeasureDependency(Base):
    """``measure`` requires ``requires`` (equivalently: ``requires`` blocks ``measure``)."""

    __tablename__ = "measure_dependency"

    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True
    )
    requires_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class MeasureVersion(Base):
    """One stored change of a measure: who, when, and each changed field before/after."""

    __tablename__ = "measure_version"
    __table_args__ = (UniqueConstraint("measure_id", "version"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(400))
    changes: Mapped[Any] = mapped_column(JSON)


class BudgetPool(Base):
    """Budgettopf (budget pool), e.g. the digital and innovation budget."""

    __tablename__ = "budget_pool"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")


class BudgetPoolYear(Base):
    """The amount of a pool available in one budget year."""

    __tablename__ = "budget_pool_year"
    __table_args__ = (UniqueConstraint("pool_id", "year"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("budget_pool.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class BudgetAllocation(Base):
    """Money of a pool for a measure in one year: planned, approved and spent."""

    __tablename__ = "budget_allocation"
    __table_args__ = (UniqueConstraint("pool_id", "measure_id", "year"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("budget_pool.id", ondelete="CASCADE"))
    measure_id: Mapped[int] = mapped_column(
        ForeignKey("measure.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    planned: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    approved: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    spent: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))


class StatusReport(Base):
    """A frozen, immutable snapshot of all measures (Statusbericht); rows are never updated."""

    __tablename__ = "status_report"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(400))
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_report.id", ondelete="RESTRICT")
    )
    measures: Mapped[Any] = mapped_column(JSON)
    summary: Mapped[Any] = mapped_column(JSON)


class ReportSchedule(Base):
    """When status reports are frozen without anyone pressing a button: at most one row.
    ``next_due`` only moves forward, by a compare-and-set, so two worker processes that both
    find it due freeze one report, not two."""

    __tablename__ = "status_report_schedule"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    cadence: Mapped[str] = mapped_column(String(20))
    next_due: Mapped[dt.date] = mapped_column(Date)
    last_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_report.id", ondelete="SET NULL")
    )
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(400))
