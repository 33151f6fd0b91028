"""Budget (S6.4): pools such as the digital and innovation budget with an amount per year,
allocations to measures (planned, approved, spent) and what is left. A pool year can never
approve more than it holds: such a write is refused with the numbers that did not fit."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, Field, PlainSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domstadt.core import audit
from domstadt.core.auth.permissions import Actor, Permission, check_department, public, requires
from domstadt.core.errors import Conflict, Invalid, NotFound
from domstadt.masterplan.models import BudgetAllocation, BudgetPool, BudgetPoolYear, Measure
from domstadt.masterplan.schemas import Ref

Money = Annotated[Decimal, PlainSerializer(float, return_type=float, when_used="json")]


class PoolYearIn(BaseModel):
    """The amount a pool holds in one year."""

    year: int = Field(ge=2000, le=2100)
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=2)


class BudgetPoolUpsert(BaseModel):
    """A budget pool to create or update (by slug), with its yearly amounts."""

    slug: str = Field(pattern=r"^[a-z0-9-]{2,64}$")
    name: str = Field(min_length=1, max_length=300)
    description: str = ""
    years: list[PoolYearIn] = []


class AllocationSet(BaseModel):
    """Money of a pool for a measure in one year (replaces the earlier figures)."""

    pool: str
    measure_id: int
    year: int
    planned: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    approved: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)
    spent: Decimal = Field(default=Decimal(0), max_digits=14, decimal_places=2)


class AllocationPublic(BaseModel):
    """One allocation as shown publicly."""

    pool: Ref
    measure: Ref
    year: int
    planned: Money
    approved: Money
    spent: Money


class PoolYearPublic(BaseModel):
    """A pool's year: what it holds, what is planned, approved and spent, and what is left."""

    year: int
    amount: Money
    planned: Money
    approved: Money
    spent: Money
    left: Money


class BudgetPoolPublic(BaseModel):
    """A pool with its years and allocations."""

    id: int
    slug: str
    name: str
    description: str
    years: list[PoolYearPublic]
    allocations: list[AllocationPublic]


class BudgetOverview(BaseModel):
    """All pools."""

    pools: list[BudgetPoolPublic]


def _euro(value: Decimal) -> str:
    return f"{value:,.2f} €".replace(",", "X").replace(".", ",").replace("X", ".")


def _pool(session: Session, slug: str) -> BudgetPool:
    pool = session.scalar(select(BudgetPool).where(BudgetPool.slug == slug))
    if pool is None:
        raise Invalid(f"Budgettopf '{slug}' gibt es nicht.", field="pool")
    return pool


def _approved(session: Session, pool_id: int, year: int, without: int | None = None) -> Decimal:
    stmt = select(func.coalesce(func.sum(BudgetAllocation.approved), 0)).where(
        BudgetAllocation.pool_id == pool_id, BudgetAllocation.year == year
    )
    if without is not None:
        stmt = stmt.where(BudgetAllocation.id != without)
    return Decimal(session.scalar(stmt) or 0)


@requires(Permission.DEPARTMENT_MANAGE)
def budget_pool_upsert(
    session: Session, *, actor: Actor, data: BudgetPoolUpsert
) -> BudgetPoolPublic:
    """Create or update a pool; a year's amount may not drop below what is already approved."""
    pool = session.scalar(select(BudgetPool).where(BudgetPool.slug == data.slug))
    before = budget_pool_get(session, actor=actor, slug=data.slug) if pool else None
    years = {y.year: y.amount for y in data.years}
    if pool is not None:
        for year, amount in years.items():
            approved = _approved(session, pool.id, year)
            if amount < approved:
                raise Conflict(
                    f"Budget {year}: {_euro(amount)} reicht nicht für die bereits bewilligten "
                    f"{_euro(approved)}.",
                    field="years",
                )
    else:
        pool = BudgetPool(slug=data.slug)
        session.add(pool)
    pool.name, pool.description = data.name, data.description
    session.flush()
    stored = {
        y.year: y
        for y in session.scalars(select(BudgetPoolYear).where(BudgetPoolYear.pool_id == pool.id))
    }
    for year, amount in years.items():
        if year in stored:
            stored[year].amount = amount
        else:
            session.add(BudgetPoolYear(pool_id=pool.id, year=year, amount=amount))
    session.flush()
    result = budget_pool_get(session, actor=actor, slug=data.slug)
    if before is None or before.model_dump() != result.model_dump():
        audit.record(
            session,
            actor=actor,
            action="budget_pool.upsert",
            entity_type="budget_pool",
            entity_id=pool.id,
            before=before,
            after=result,
        )
    return result


def _check_allocation(data: AllocationSet) -> None:
    for name in ("planned", "approved", "spent"):
        if getattr(data, name) < 0:
            raise Invalid("Beträge dürfen nicht negativ sein.", field=name)
    if data.spent > data.approved:
        raise Invalid(
            f"Ausgegeben ({_euro(data.spent)}) übersteigt den bewilligten Betrag "
            f"({_euro(data.approved)}).",
            field="spent",
        )


@requires(Permission.CONTENT_EDIT)
def allocation_set(session: Session, *, actor: Actor, data: AllocationSet) -> AllocationPublic:
    """Set a measure's planned, approved and spent money from a pool in a year."""
    _check_allocation(data)
    pool = _pool(session, data.pool)
    measure = session.get(Measure, data.measure_id)
    if measure is None:
        raise Invalid(f"Maßnahme {data.measure_id} gibt es nicht.", field="measure_id")
    check_department(actor, measure.lead_department_id)
    year = session.scalar(
        select(BudgetPoolYear).where(
            BudgetPoolYear.pool_id == pool.id, BudgetPoolYear.year == data.year
        )
    )
    if year is None:
        raise Invalid(f"Budgettopf '{pool.name}' hat für {data.year} kein Budget.", field="year")
    row = session.scalar(
        select(BudgetAllocation).where(
            BudgetAllocation.pool_id == pool.id,
            BudgetAllocation.measure_id == measure.id,
            BudgetAllocation.year == data.year,
        )
    )
    others = _approved(session, pool.id, data.year, without=row.id if row else None)
    if others + data.approved > year.amount:
        raise Conflict(
            f"Überbuchung: '{pool.name}' {data.year} hat {_euro(year.amount)}, davon sind "
            f"{_euro(others)} bereits bewilligt; {_euro(data.approved)} passen nicht mehr "
            f"(frei: {_euro(year.amount - others)}).",
            field="approved",
        )
    before = _allocation_public(row, pool, measure) if row else None
    if row is None:
        row = BudgetAllocation(pool_id=pool.id, measure_id=measure.id, year=data.year)
        session.add(row)
    row.planned, row.approved, row.spent = data.planned, data.approved, data.spent
    session.flush()
    result = _allocation_public(row, pool, measure)
    audit.record(
        session,
        actor=actor,
        action="budget_allocation.set",
        entity_type="budget_allocation",
        entity_id=row.id,
        before=before,
        after=result,
    )
    return result


def _allocation_public(row: BudgetAllocation, pool: BudgetPool, m: Measure) -> AllocationPublic:
    return AllocationPublic(
        pool=Ref(id=pool.id, code=pool.slug, name=pool.name),
        measure=Ref(id=m.id, code=m.code, name=m.title),
        year=row.year,
        planned=row.planned,
        approved=row.approved,
        spent=row.spent,
    )


def _pool_public(session: Session, pool: BudgetPool) -> BudgetPoolPublic:
    rows = session.execute(
        select(BudgetAllocation, Measure)
        .join(Measure, Measure.id == BudgetAllocation.measure_id)
        .where(BudgetAllocation.pool_id == pool.id)
        .order_by(BudgetAllocation.year, Measure.code)
    ).all()
    allocations = [_allocation_public(a, pool, m) for a, m in rows]
    years = []
    for y in session.scalars(
        select(BudgetPoolYear)
        .where(BudgetPoolYear.pool_id == pool.id)
        .order_by(BudgetPoolYear.year)
    ):
        mine = [a for a in allocations if a.year == y.year]
        approved = sum((a.approved for a in mine), Decimal(0))
        years.append(
            PoolYearPublic(
                year=y.year,
                amount=y.amount,
                planned=sum((a.planned for a in mine), Decimal(0)),
                approved=approved,
                spent=sum((a.spent for a in mine), Decimal(0)),
                left=y.amount - approved,
            )
        )
    return BudgetPoolPublic(
        id=pool.id,
        slug=pool.slug,
        name=pool.name,
        description=pool.description,
        years=years,
        allocations=allocations,
    )


@public("public money and its use are published (S6.4)")
def budget_pool_get(session: Session, *, actor: Actor, slug: str) -> BudgetPoolPublic:
    """One pool with its years and allocations."""
    pool = session.scalar(select(BudgetPool).where(BudgetPool.slug == slug))
    if pool is None:
        raise NotFound(f"Budgettopf '{slug}' nicht gefunden.")
    return _pool_public(session, pool)


@public("public money and its use are published (S6.4)")
def budget_overview(session: Session, *, actor: Actor) -> BudgetOverview:
    """Every pool with its years, allocations and what is left."""
    pools = session.scalars(select(BudgetPool).order_by(BudgetPool.name))
    return BudgetOverview(pools=[_pool_public(session, p) for p in pools])


@public("public money and its use are published (S6.4)")
def measure_budget(session: Session, *, actor: Actor, measure_id: int) -> list[AllocationPublic]:
    """The allocations of one measure from all pools."""
    rows = session.execute(
        select(BudgetAllocation, BudgetPool, Measure)
        .join(BudgetPool, BudgetPool.id == BudgetAllocation.pool_id)
        .join(Measure, Measure.id == BudgetAllocation.measure_id)
        .where(BudgetAllocation.measure_id == measure_id)
        .order_by(BudgetAllocation.year, BudgetPool.name)
    ).all()
    return [_allocation_public(a, p, m) for a, p, m in rows]
