"""Analysis across sources (S4.4): cross-sensor correlation with lag and seasonal anomaly
detection, with explanations a person can read. The statistics live in ``analysis.py``.
"""

from __future__ import annotations

import datetime as dt
import itertools

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.core.auth.permissions import Actor, public
from domstadt.core.errors import Invalid, NotFound
from domstadt.sensors import analysis as st
from domstadt.sensors import analytics_service
from domstadt.sensors import models as m

MAX_STREAMS = 10
MAX_LAG_BUCKETS = 288
MAX_POINTS = 200_000


class PairCorrelation(BaseModel):
    """Correlation of two datastreams' bucket means; ``lag_seconds`` > 0: b follows a."""

    a: int
    b: int
    a_name: str
    b_name: str
    r_at_zero: float | None
    n_at_zero: int
    lag_buckets: int
    lag_seconds: int
    r: float | None
    n: int
    summary: str
    flags: list[str] = []
    """What makes the figure meaningless or doubtful: ``copy`` (the same values in every
    common bucket), ``constant`` (one series never changes), ``lag_at_edge`` (the strongest
    lag is the largest one searched: the true lag may lie beyond)."""


class Correlation(BaseModel):
    """All pairs of the requested datastreams, strongest first."""

    bucket_seconds: int
    max_lag_buckets: int
    start: dt.datetime
    end: dt.datetime
    pairs: list[PairCorrelation]


def _names(session: Session, ids: list[int]) -> dict[int, str]:
    rows = session.execute(
        select(m.Datastream.id, m.Datastream.name).where(m.Datastream.id.in_(ids))
    ).all()
    names = {i: n for i, n in rows}
    missing = [i for i in ids if i not in names]
    if missing:
        raise NotFound(f"Datastream {missing[0]} gibt es nicht.")
    return names


@public("sensor data is open data")
def correlate(
    session: Session,
    *,
    actor: Actor,
    datastream_ids: list[int],
    start: dt.datetime,
    end: dt.datetime,
    bucket_seconds: int = 3600,
    max_lag_buckets: int = 6,
) -> Correlation:
    """Pearson's r between every pair of datastreams on aligned bucket means, at lag 0 and at
    the lag (within ±``max_lag_buckets``) where |r| is largest."""
    ids = list(dict.fromkeys(datastream_ids))
    if not 2 <= len(ids) <= MAX_STREAMS:
        raise Invalid(
            f"Für eine Korrelation sind 2 bis {MAX_STREAMS} verschiedene Datastreams nötig.",
            field="datastream",
        )
    if not 0 <= max_lag_buckets <= MAX_LAG_BUCKETS:
        raise Invalid(f"max_lag muss zwischen 0 und {MAX_LAG_BUCKETS} liegen.", field="max_lag")
    names = _names(session, ids)
    agg = analytics_service.aggregate(
        session,
        actor=actor,
        datastream_ids=ids,
        start=start,
        end=end,
        bucket_seconds=bucket_seconds,
    )
    series: dict[int, dict[int, float]] = {i: {} for i in ids}
    for b in agg.buckets:
        if b.mean is not None:
            series[b.datastream_id][int(b.start.timestamp()) // bucket_seconds] = b.mean
    pairs = [
        _pair(a, b, names, series, bucket_seconds, max_lag_buckets)
        for a, b in itertools.combinations(ids, 2)
    ]
    pairs.sort(key=lambda p: -abs(p.r) if p.r is not None else 1.0)
    return Correlation(
        bucket_seconds=bucket_seconds,
        max_lag_buckets=max_lag_buckets,
        start=start,
        end=end,
        pairs=pairs,
    )


def _pair(
    a: int,
    b: int,
    names: dict[int, str],
    series: dict[int, dict[int, float]],
    bucket_seconds: int,
    max_lag: int,
) -> PairCorrelation:
    zero, best = st.best_lag(series[a], series[b], max_lag)
    flags = _flags(series[a], series[b], best, max_lag)
    summary = _summary(names[a], names[b], best, bucket_seconds)
    if "copy" in flags:
        summary = (
            f"„{names[a]}“ und „{names[b]}“ haben in allen {zero.n} gemeinsamen Zeitabschnitten "
            "dieselben Werte: wohl dieselbe Messung zweimal; eine Korrelation sagt hier nichts."
        )
    elif "constant" in flags:
        summary = (
            f"„{names[a]}“ und „{names[b]}“: mindestens eine der Reihen ist im Zeitraum konstant; "
            "eine Korrelation ist nicht bestimmbar."
        )
    elif "lag_at_edge" in flags:
        summary += (
            f" Vorsicht: der Versatz liegt am Rand des durchsuchten Bereichs (±{max_lag} "
            "Zeitabschnitte); der wahre Versatz kann größer sein."
        )
    return PairCorrelation(
        a=a,
        b=b,
        a_name=names[a],
        b_name=names[b],
        r_at_zero=zero.r,
        n_at_zero=zero.n,
        lag_buckets=best.lag,
        lag_seconds=best.lag * bucket_seconds,
        r=best.r,
        n=best.n,
        summary=summary,
        flags=flags,
    )


def _flags(a: dict[int, float], b: dict[int, float], best: st.LagResult, max_lag: int) -> list[str]:
    common = [t for t in a if t in b]
    flags = []
    if len(common) >= 3 and all(a[t] == b[t] for t in common):
        flags.append("copy")
    if len(set(a.values())) == 1 or len(set(b.values())) == 1:
        flags.append("constant")
    if best.r is not None and abs(best.r) >= 0.3 and max_lag > 0 and abs(best.lag) == max_lag:
        flags.append("lag_at_edge")
    return flags


def _summary(a: str, b: str, best: st.LagResult, bucket_seconds: int) -> str:
    if best.r is None:
        return (
            f"„{a}“ und „{b}“: zu wenige gemeinsame Zeitabschnitte mit wechselnden Werten "
            f"(n = {best.n}) für eine Korrelation."
        )
    text = (
        f"„{a}“ und „{b}“ hängen {st.strength(best.r)} zusammen "
        f"(r = {st.german_number(best.r)}, n = {best.n} Zeitabschnitte)"
    )
    if abs(best.r) < 0.3:
        return text + "; ein Zeitversatz lässt sich daraus nicht ablesen."
    if best.lag == 0:
        return text + ", am stärksten ohne Zeitversatz."
    lag = st.duration_text(best.lag * bucket_seconds)
    leader, follower = (a, b) if best.lag > 0 else (b, a)
    return text + f"; „{follower}“ folgt „{leader}“ mit {lag} Versatz."


class Anomaly(BaseModel):
    """An observation far outside the usual range of its seasonal slot, with the reason."""

    observation_id: int
    time: dt.datetime
    observed: float
    expected_median: float
    expected_low: float
    expected_high: float
    deviation_mads: float
    slot: str
    slot_values: int
    basis: str
    explanation: str


class AnomalyReport(BaseModel):
    """Anomalies of one datastream, largest deviation first."""

    datastream_id: int
    name: str
    threshold_mads: float
    observations: int
    anomalies: list[Anomaly]


@public("sensor data is open data")
def anomalies(
    session: Session,
    *,
    actor: Actor,
    datastream_id: int,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    threshold: float = 5.0,
    min_slot: int = 8,
    limit: int = 100,
) -> AnomalyReport:
    """Numeric observations more than ``threshold`` MADs from the median of their slot (hour of
    day × weekday/weekend, local time; month of the year for daily series); slots with fewer
    than ``min_slot`` values or no spread use the median/MAD of the whole series instead."""
    if threshold <= 0:
        raise Invalid("threshold muss größer als 0 sein.", field="threshold")
    if min_slot < 1:
        raise Invalid("min_slot muss mindestens 1 sein.", field="min_slot")
    name = _names(session, [datastream_id])[datastream_id]
    rows = _numeric_points(session, datastream_id, start, end)
    report = AnomalyReport(
        datastream_id=datastream_id,
        name=name,
        threshold_mads=threshold,
        observations=len(rows),
        anomalies=[],
    )
    if len(rows) < 3:
        return report
    slot_of = st.slot_function([t for _, t, _ in rows])
    slots, overall = st.seasonal_profiles([(t, v) for _, t, v in rows], min_slot, slot_of)
    found = []
    for obs_id, moment, value in rows:
        slot = slot_of(moment)
        prof = slots.get(slot)
        basis = "slot" if prof else "global"
        prof = prof or overall
        if prof.mad <= 0:
            continue
        deviation = (value - prof.median) / prof.mad
        if abs(deviation) > threshold:
            found.append(_anomaly(obs_id, moment, value, prof, deviation, slot, basis, threshold))
    found.sort(key=lambda a: -abs(a.deviation_mads))
    report.anomalies = found[:limit]
    return report


def _numeric_points(
    session: Session, ds_id: int, start: dt.datetime | None, end: dt.datetime | None
) -> list[tuple[int, dt.datetime, float]]:
    o = m.Observation
    stmt = select(o.id, o.phenomenon_time_start, o.result_number).where(
        o.datastream_id == ds_id, o.result_number.is_not(None)
    )
    if start:
        stmt = stmt.where(o.phenomenon_time_start >= start)
    if end:
        stmt = stmt.where(o.phenomenon_time_start < end)
    rows = session.execute(stmt.order_by(o.phenomenon_time_start).limit(MAX_POINTS + 1)).all()
    if len(rows) > MAX_POINTS:
        raise Invalid(
            f"Mehr als {MAX_POINTS} Beobachtungen; bitte start/end enger wählen.", field="start"
        )
    return [(i, t, float(v or 0.0)) for i, t, v in rows]


def _anomaly(
    obs_id: int,
    moment: dt.datetime,
    value: float,
    prof: st.Profile,
    deviation: float,
    slot: st.Slot,
    basis: str,
    threshold: float,
) -> Anomaly:
    low, high = prof.median - threshold * prof.mad, prof.median + threshold * prof.mad
    where = (
        f"im Zeitfenster {slot.label} ({prof.n} Werte)"
        if basis == "slot"
        else f"in der ganzen Reihe ({prof.n} Werte; das Zeitfenster {slot.label} hat zu "
        "wenige oder gleichförmige Werte)"
    )
    g = st.german_number
    explanation = (
        f"Beobachtet {g(value)}, erwartet {g(low)} bis {g(high)} (Median {g(prof.median)} "
        f"{where}); {g(abs(deviation), 1)} MAD {'über' if deviation > 0 else 'unter'} dem Median."
    )
    return Anomaly(
        observation_id=obs_id,
        time=moment,
        observed=value,
        expected_median=prof.median,
        expected_low=low,
        expected_high=high,
        deviation_mads=round(deviation, 3),
        slot=slot.label,
        slot_values=prof.n,
        basis=basis,
        explanation=explanation,
    )


BUCKET_CHOICES = (300, 900, 3600, 6 * 3600, 86400, 7 * 86400)
DASHBOARD_BUCKETS = 1500
ONE_SECOND = dt.timedelta(seconds=1)
LAST_MOMENT = dt.datetime.max.replace(tzinfo=dt.UTC)
"""The last stored moment: a span ending there cannot be widened by a second."""


class PairAnalysis(BaseModel):
    """What the dashboard shows for two chosen datastreams."""

    correlation: Correlation | None
    anomalies: list[AnomalyReport]


@public("sensor data is open data")
def analyse_pair(session: Session, *, actor: Actor, a: int, b: int | None) -> PairAnalysis:
    """Correlation of ``a`` and ``b`` over the span both cover (finest bucket that keeps the
    count below 1,500), and the anomalies of each in that span."""
    ids = [a] if b is None or b == a else [a, b]
    streams = [session.get(m.Datastream, i) for i in ids]
    if any(s is None for s in streams):
        raise NotFound("Diesen Datastream gibt es nicht.")
    starts = [s.phenomenon_time_start for s in streams if s and s.phenomenon_time_start]
    ends = [s.phenomenon_time_end or s.phenomenon_time_start for s in streams if s]
    if len(starts) < len(ids):
        return PairAnalysis(correlation=None, anomalies=[])
    last = min(min(e for e in ends if e), LAST_MOMENT - ONE_SECOND)  # 9999-12-31 has no after
    start, end = max(starts), last + ONE_SECOND
    reports = [
        anomalies(session, actor=actor, datastream_id=i, start=start, end=end, limit=20)
        for i in ids
    ]
    if len(ids) < 2 or end <= start:
        return PairAnalysis(correlation=None, anomalies=reports)
    span = (end - start).total_seconds()
    bucket = next((c for c in BUCKET_CHOICES if span / c <= DASHBOARD_BUCKETS), BUCKET_CHOICES[-1])
    start = dt.datetime.fromtimestamp(start.timestamp() // bucket * bucket, dt.UTC)
    found = correlate(
        session,
        actor=actor,
        datastream_ids=ids,
        start=start,
        end=end,
        bucket_seconds=bucket,
        max_lag_buckets=6,
    )
    return PairAnalysis(correlation=found, anomalies=reports)
