"""Writing what a remote SensorThings service holds into the local tables: each remote
Datastream with its Thing, Locations, Sensor and ObservedProperty in one savepoint (a refused
part refuses the whole Datastream, nothing of it is written), and its new Observations page by
page, each page in one transaction together with the watermark. Entities are found again by
their remote id (``StaHarvestRemote``): unchanged ones are not written, changed ones updated."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session

from domstadt.core.errors import Invalid
from domstadt.sensors import models as m
from domstadt.sensors.harvest import mapping, watermark
from domstadt.sensors.harvest.client import BudgetSpent, HarvestError, StaClient, entity_url
from domstadt.sensors.harvest.mapping import Refused, remote_id
from domstadt.sensors.harvest.models import StaHarvestRemote, StaHarvestSource
from domstadt.sensors.harvest.schemas import Problem, RunReport
from domstadt.sensors.sta import duplicates
from domstadt.sensors.sta.timespans import widen_datastream_times
from domstadt.sensors.sta.writer import feature_for_datastream

MAX_PROBLEMS = 200
_OBSERVATIONS: Any = m.Observation.__table__
THING_EXPAND = "Locations"
DATASTREAM_EXPAND = "Thing($expand=Locations),Sensor,ObservedProperty"


class Stream:
    """A mirrored Datastream whose Observations are fetched next."""

    def __init__(self, raw_id: Any, local_id: int, kind: str) -> None:
        self.raw_id, self.local_id, self.kind = raw_id, local_id, kind
        self.remote_id = str(raw_id)


class Mirror:
    """The writing half of one run; the caller commits and counts the budget."""

    def __init__(self, session: Session, source: StaHarvestSource, report: RunReport) -> None:
        self.session = session
        self.source_id = source.id
        self.department_id = source.department_id
        self.report = report
        self.records_left = 0
        self.done: dict[tuple[str, str], int] = {}
        self.streams: dict[str, Stream] = {}
        self.fetched: dict[str, Any] = {}

    # bookkeeping -------------------------------------------------------------------------
    def count(self, entity_set: str, state: str, n: int = 1) -> None:
        """Count ``n`` outcomes."""
        counts = self.report.counts[entity_set]
        setattr(counts, state, getattr(counts, state) + n)

    def refuse(self, entity_set: str, rid: str, reason: str) -> None:
        """Count a refused entity and keep its reason (the first MAX_PROBLEMS)."""
        self.count(entity_set, "refused")
        if len(self.report.problems) < MAX_PROBLEMS:
            self.report.problems.append(Problem(entity=entity_set, remote_id=rid, reason=reason))

    def spend(self, n: int = 1) -> None:
        """Take ``n`` records from the run's budget (BudgetSpent when it is used up)."""
        if self.records_left < n:
            raise BudgetSpent("Datensätze")
        self.records_left -= n

    # entities ----------------------------------------------------------------------------
    def upsert(self, entity_set: str, model: Any, rid: str, values: dict[str, Any]) -> int:
        """Create or update the local row of a remote entity; returns its local id."""
        key = (entity_set, rid)
        if key in self.done:
            return self.done[key]
        self.spend()
        digest = mapping.content_hash(values)
        link = self.session.scalar(
            select(StaHarvestRemote).where(
                StaHarvestRemote.source_id == self.source_id,
                StaHarvestRemote.entity_set == entity_set,
                StaHarvestRemote.remote_id == rid,
            )
        )
        row = self.session.get(model, link.local_id) if link is not None else None
        if row is not None and link is not None and link.content_hash == digest:
            state = "unchanged"
        elif row is not None:
            for name, value in values.items():
                setattr(row, name, value)
            state = "updated"
        else:
            extra = {"department_id": self.department_id} if hasattr(model, "department_id") else {}
            row = model(**values, **extra)
            self.session.add(row)
            state = "added"
        self.session.flush()
        if link is None:
            link = StaHarvestRemote(
                source_id=self.source_id, entity_set=entity_set, remote_id=rid, local_id=row.id
            )
            self.session.add(link)
        link.local_id, link.content_hash = row.id, digest
        self.count(entity_set, state)
        self.done[key] = row.id
        return int(row.id)

    def _nested(self, client: StaClient, data: dict[str, Any], nav: str, expand: str = "") -> Any:
        """An expanded navigation property, else fetched through its navigationLink."""
        if isinstance(data.get(nav), dict | list):
            return data[nav]
        link = data.get(f"{nav}@iot.navigationLink")
        if not isinstance(link, str):
            raise Refused(f"{nav} fehlt (weder eingebettet noch als navigationLink).")
        url = client.rebase(link)
        if url not in self.fetched:
            if nav == "Locations":
                self.fetched[url] = [v for page in client.pages(url, {}) for v in page]
            else:
                self.fetched[url] = client.get(url, {"$expand": expand} if expand else None)
        found = self.fetched[url]
        if nav != "Locations" and not isinstance(found, dict):
            raise Refused(f"{nav}: keine SensorThings-Entität unter {url[:200]}.")
        return found

    def _part(self, label: str, func: Any, data: Any) -> tuple[str, dict[str, Any]]:
        if not isinstance(data, dict):
            raise Refused(f"{label}: ein JSON-Objekt erwartet.")
        try:
            return remote_id(data), func(data)
        except Refused as exc:
            raise Refused(f"{label} {data.get('@iot.id', '?')}: {exc}") from None

    def _thing(self, client: StaClient, data: Any) -> int:
        rid, values = self._part("Thing", mapping.thing, data)
        places = self._nested(client, data, "Locations")
        if not isinstance(places, list):
            raise Refused(f"Thing {rid}: Locations ist keine Liste.")
        location_ids = []
        for place in places:
            lid, lvalues = self._part("Location", mapping.location, place)
            location_ids.append(self.upsert("Locations", m.Location, lid, lvalues))
        thing_id = self.upsert("Things", m.Thing, rid, values)
        self._link_locations(thing_id, location_ids)
        return thing_id

    def _link_locations(self, thing_id: int, location_ids: list[int]) -> None:
        tl = m.thing_location
        now = set(self.session.scalars(select(tl.c.location_id).where(tl.c.thing_id == thing_id)))
        wanted = set(location_ids)
        if now == wanted:
            return
        self.session.execute(delete(tl).where(tl.c.thing_id == thing_id))
        if wanted:
            self.session.execute(
                insert(tl), [{"thing_id": thing_id, "location_id": i} for i in sorted(wanted)]
            )

    def datastream(self, client: StaClient, data: dict[str, Any]) -> None:
        """Mirror one remote Datastream with its Thing, Locations, Sensor, ObservedProperty."""
        try:
            rid = remote_id(data)
        except Refused as exc:
            self.refuse("Datastreams", "?", str(exc))
            return
        if rid in self.streams or ("Datastreams", rid) in self.done:
            self.refuse("Datastreams", rid, "Die Kennung kommt in der Quelle mehrfach vor.")
            return
        saved = (copy.deepcopy(self.report.counts), dict(self.done), self.records_left)
        try:
            with self.session.begin_nested():
                thing_id = self._thing(client, self._nested(client, data, "Thing", THING_EXPAND))
                sid, svalues = self._part(
                    "Sensor", mapping.sensor, self._nested(client, data, "Sensor")
                )
                sensor_id = self.upsert("Sensors", m.Sensor, sid, svalues)
                op = self._nested(client, data, "ObservedProperty")
                pid, pvalues = self._part("ObservedProperty", mapping.observed_property, op)
                prop_id = self.upsert("ObservedProperties", m.ObservedProperty, pid, pvalues)
                values = {
                    **mapping.datastream(data),
                    "thing_id": thing_id,
                    "sensor_id": sensor_id,
                    "observed_property_id": prop_id,
                }
                local = self.upsert("Datastreams", m.Datastream, rid, values)
        except Refused as exc:
            self.report.counts, self.done, self.records_left = saved
            self.refuse("Datastreams", rid, str(exc))
            return
        except (BudgetSpent, HarvestError):
            self.report.counts, self.done, self.records_left = saved
            raise
        self.streams[rid] = Stream(data["@iot.id"], local, values["observation_type"])

    # observations ------------------------------------------------------------------------
    def observations(self, client: StaClient, stream: Stream, page_size: int) -> None:
        """Fetch and store the Observations after the watermark, one committed page at a time."""
        mark = watermark.get(self.session, self.source_id, stream.remote_id)
        self.session.flush()
        try:
            feature_id = feature_for_datastream(self.session, stream.local_id)
        except Invalid as exc:
            self.refuse("Observations", "", f"Datastream {stream.remote_id}: {exc.message}")
            return
        refuse_dups = duplicates.stream_refuses(self.session, "datastream_id", stream.local_id)
        url = entity_url(client.root, "Datastreams", stream.raw_id, "Observations")
        seen: set[str] = set()
        for page in client.pages(url, watermark.query(mark.phenomenon_time, page_size)):
            self._page(stream, page, mark, feature_id, refuse_dups, seen)
            self.session.commit()

    def _page(
        self,
        stream: Stream,
        page: list[dict[str, Any]],
        mark: Any,
        feature_id: int,
        refuse_dups: bool,
        seen: set[str],
    ) -> None:
        rows: list[dict[str, Any]] = []
        keys: set[Any] = set()
        newest: dt.datetime | None = None
        for item in page:
            rid = str(item.get("@iot.id", "?"))
            try:
                found = mapping.observation(item, stream.kind)
            except Refused as exc:
                self.refuse("Observations", rid, f"Datastream {stream.remote_id}: {exc}")
                newest = _later(newest, _start_of(item))
                continue
            values = found.values
            key = duplicates.time_key(
                refuse_dups, values["phenomenon_time_start"], values["phenomenon_time_end"]
            )
            newest = _later(newest, values["phenomenon_time_start"])
            slot = (values["phenomenon_time_start"], key)
            if found.remote_id in seen or (key is not None and slot in keys):
                why = "doppelte Kennung" if found.remote_id in seen else "doppelter Zeitpunkt"
                self.refuse(
                    "Observations", found.remote_id, f"Datastream {stream.remote_id}: {why}."
                )
                continue
            seen.add(found.remote_id)
            if key is not None:
                keys.add(slot)
            rows.append(
                {
                    **values,
                    "datastream_id": stream.local_id,
                    "phenomenon_time_key": key,
                    "feature_of_interest_id": feature_id,
                }
            )
        self.spend(len(rows))
        with self.session.begin_nested():
            fresh = self._not_stored(stream.local_id, rows)
            if fresh:
                self.session.execute(insert(_OBSERVATIONS), fresh)
                widen_datastream_times(self.session, fresh)
            watermark.advance(mark, newest, len(fresh))
        self.count("Observations", "added", len(fresh))
        self.count("Observations", "unchanged", len(rows) - len(fresh))

    def _not_stored(self, stream_id: int, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The rows whose (start, key) is not in the stream yet (the duplicate rule)."""
        keyed = [(r["phenomenon_time_start"], r["phenomenon_time_key"]) for r in rows]
        keyed = [k for k in keyed if k[1] is not None]
        if not keyed:
            return rows
        o = m.Observation
        found = self.session.execute(
            select(o.phenomenon_time_start, o.phenomenon_time_key).where(
                o.datastream_id == stream_id,
                tuple_(o.phenomenon_time_start, o.phenomenon_time_key).in_(keyed),
            )
        ).all()
        stored = {(_utc(a), _utc(b)) for a, b in found}
        return [
            r
            for r in rows
            if (_utc(r["phenomenon_time_start"]), _utc(r["phenomenon_time_key"])) not in stored
        ]


def _utc(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _later(a: dt.datetime | None, b: dt.datetime | None) -> dt.datetime | None:
    if a is None or b is None:
        return a or b
    return max(a, b)


def _start_of(item: dict[str, Any]) -> dt.datetime | None:
    try:
        return mapping.observation_start(item)
    except Refused:
        return None
