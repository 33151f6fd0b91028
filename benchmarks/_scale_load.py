"""The load of the scale-out test (benchmarks/scale_out.py): virtual users (asyncio + httpx,
one request at a time each, so ``--users`` bounds the concurrency) mixing anonymous reads,
token writes, CKAN and SensorThings calls through the proxy, and one MQTT publisher at QoS 1.
Every answer is recorded (kind, start, end, status, which web process answered), every id a
2xx answer returned is kept for the checks. Not a benchmark itself."""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
import random
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import httpx
import paho.mqtt.client as paho

HTTP_VALUE_BASE = 1_000_000_000
"""Results of Observation POSTs start here; MQTT results below it (both unique per run)."""
EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
READS: dict[str, int] = {  # kind: weight
    "page_home": 3,
    "page_measures": 3,
    "page_catalogue": 2,
    "api_measures": 2,
    "ckan_search": 2,
    "sta_read": 3,
    "sta_things": 1,
}
WRITES: dict[str, int] = {
    "measure_create": 1,
    "feedback_submit": 1,
    "package_create": 1,
    "observation_post": 3,
}


@dataclass
class Sample:
    """One HTTP request and its answer (``status`` 0: no answer, ``error`` says why)."""

    kind: str
    start: float
    end: float
    status: int
    error: str = ""
    server: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Fixture:
    """What the load works on: tokens per virtual user, measures to comment on, Datastreams."""

    editor_tokens: list[str]
    member_tokens: list[str]
    measure_ids: list[int]
    datastream_ids: list[int]
    run_id: str


@dataclass
class Ledger:
    """Everything the load saw; ``acked[kind]`` holds what 2xx answers returned."""

    samples: list[Sample] = field(default_factory=list)
    acked: dict[str, list[Any]] = field(default_factory=lambda: defaultdict(list))
    feedback: dict[tuple[int, int], list[tuple[str, bool]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    """(member, measure): the comments sent in order, each with whether it got a 2xx."""
    observation_values: list[float] = field(default_factory=list)
    """Results of every Observation POST sent (acknowledged or not)."""


class Load:
    """The virtual users; ``run(seconds)`` returns when the time is up."""

    def __init__(self, base: str, fixture: Fixture, users: int, ledger: Ledger) -> None:
        self.base = base
        self.fx = fixture
        self.users = users
        self.ledger = ledger
        self.counter = itertools.count(1)

    async def run(self, seconds: float) -> None:
        limits = httpx.Limits(max_connections=self.users, max_keepalive_connections=self.users)
        timeout = httpx.Timeout(60.0, connect=5.0)
        async with httpx.AsyncClient(base_url=self.base, limits=limits, timeout=timeout) as http:
            end = time.monotonic() + seconds
            await asyncio.gather(*(self._user(http, u, end) for u in range(self.users)))

    async def _user(self, http: httpx.AsyncClient, user: int, end: float) -> None:
        rng = random.Random(user)
        kinds = [*READS, *WRITES]
        weights = [*READS.values(), *WRITES.values()]
        while time.monotonic() < end:
            kind = rng.choices(kinds, weights)[0]
            await getattr(self, f"_{kind}")(http, user, rng)
            await asyncio.sleep(rng.uniform(0, 0.05))

    async def _call(
        self, http: httpx.AsyncClient, kind: str, method: str, url: str, **kw: Any
    ) -> httpx.Response | None:
        start = time.monotonic()
        try:
            answer = await http.request(method, url, **kw)
        except httpx.HTTPError as exc:
            self.ledger.samples.append(
                Sample(kind, start, time.monotonic(), 0, f"{type(exc).__name__}: {exc}")
            )
            return None
        sample = Sample(kind, start, time.monotonic(), answer.status_code)
        sample.server = answer.headers.get("x-served-by", "")
        if not sample.ok:
            sample.error = answer.text[:200]
        self.ledger.samples.append(sample)
        return answer if sample.ok else None

    def _auth(self, token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    # --- anonymous reads -------------------------------------------------------------------
    async def _page_home(self, http: httpx.AsyncClient, _u: int, _r: random.Random) -> None:
        await self._call(http, "page_home", "GET", "/")

    async def _page_measures(self, http: httpx.AsyncClient, _u: int, rng: random.Random) -> None:
        await self._call(http, "page_measures", "GET", "/massnahmen", params=_page(rng))

    async def _page_catalogue(self, http: httpx.AsyncClient, _u: int, rng: random.Random) -> None:
        await self._call(http, "page_catalogue", "GET", "/daten", params=_page(rng))

    async def _api_measures(self, http: httpx.AsyncClient, _u: int, rng: random.Random) -> None:
        params = {"per_page": 20, **_page(rng)}
        await self._call(http, "api_measures", "GET", "/api/v1/measures", params=params)

    async def _ckan_search(self, http: httpx.AsyncClient, _u: int, rng: random.Random) -> None:
        params = {"q": rng.choice(["Last", "Verkehr", "Daten", ""]), "rows": 10}
        url = "/api/3/action/package_search"
        await self._call(http, "ckan_search", "GET", url, params=params)

    async def _sta_read(self, http: httpx.AsyncClient, _u: int, rng: random.Random) -> None:
        ds = rng.choice(self.fx.datastream_ids)
        params = {"$top": "20", "$orderby": "phenomenonTime desc"}
        url = f"/sta/v1.1/Datastreams({ds})/Observations"
        await self._call(http, "sta_read", "GET", url, params=params)

    async def _sta_things(self, http: httpx.AsyncClient, _u: int, _r: random.Random) -> None:
        params = {"$expand": "Datastreams", "$top": "10"}
        await self._call(http, "sta_things", "GET", "/sta/v1.1/Things", params=params)

    # --- writes with tokens ----------------------------------------------------------------
    async def _measure_create(self, http: httpx.AsyncClient, user: int, _r: random.Random) -> None:
        n = next(self.counter)
        body = {
            "code": f"LAST-{self.fx.run_id[:4]}-{n}",
            "title": f"Lastprobe Maßnahme {n}",
            "lead_department": "69",
        }
        headers = self._auth(self.fx.editor_tokens[user])
        answer = await self._call(
            http, "measure_create", "POST", "/api/v1/measures", json=body, headers=headers
        )
        if answer is not None:
            self.ledger.acked["measure_create"].append(int(answer.json()["id"]))

    async def _feedback_submit(
        self, http: httpx.AsyncClient, user: int, rng: random.Random
    ) -> None:
        measure = rng.choice(self.fx.measure_ids)
        comment = f"Lastprobe {self.fx.run_id} Nr. {next(self.counter)}"
        body = {"relevance": rng.randint(1, 5), "stance": "support", "comment": comment}
        headers = self._auth(self.fx.member_tokens[user])
        url = f"/api/v1/measures/{measure}/feedback"
        answer = await self._call(http, "feedback_submit", "POST", url, json=body, headers=headers)
        self.ledger.feedback[(user, measure)].append((comment, answer is not None))
        if answer is not None:
            self.ledger.acked["feedback_submit"].append(int(answer.json()["id"]))

    async def _package_create(self, http: httpx.AsyncClient, user: int, _r: random.Random) -> None:
        n = next(self.counter)
        body = {
            "name": f"lastprobe-{self.fx.run_id}-{n}",
            "title": f"Lastprobe Datensatz {n}",
            "owner_org": "stadt-koeln-69",
            "notes": "Vom Skalierungstest angelegt.",
        }
        headers = self._auth(self.fx.editor_tokens[user])
        url = "/api/3/action/package_create"
        answer = await self._call(http, "package_create", "POST", url, json=body, headers=headers)
        if answer is not None and answer.json().get("success"):
            self.ledger.acked["package_create"].append(answer.json()["result"]["name"])

    async def _observation_post(
        self, http: httpx.AsyncClient, user: int, rng: random.Random
    ) -> None:
        n = next(self.counter)
        value = float(HTTP_VALUE_BASE + n)
        body = {
            "result": value,
            "phenomenonTime": (EPOCH + dt.timedelta(seconds=HTTP_VALUE_BASE + n)).isoformat(),
            "Datastream": {"@iot.id": rng.choice(self.fx.datastream_ids)},
        }
        headers = self._auth(self.fx.editor_tokens[user])
        self.ledger.observation_values.append(value)
        url = "/sta/v1.1/Observations"
        answer = await self._call(http, "observation_post", "POST", url, json=body, headers=headers)
        if answer is not None:
            self.ledger.acked["observation_post"].append(int(answer.json()["@iot.id"]))


def _page(rng: random.Random) -> dict[str, int]:
    return {"page": rng.choice([1, 1, 1, 2])}


class Publisher:
    """Publishes Observations at QoS 1 at a steady rate in a thread; ``acked`` are the results
    whose PUBACK arrived, ``sent`` every result published."""

    def __init__(self, host: str, port: int, root: str, datastreams: list[int], rate: float):
        self.root = root
        self.datastreams = datastreams
        self.rate = rate
        self.sent: list[float] = []
        self.acked: set[float] = set()
        self._pending: dict[int, float] = {}
        self._early: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._client = paho.Client(
            paho.CallbackAPIVersion.VERSION2, client_id=f"{root}-publisher", clean_session=True
        )
        self._client.max_inflight_messages_set(100)
        self._client.on_publish = self._on_publish
        self._client.connect(host, port)
        self._client.loop_start()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _on_publish(self, _c: Any, _u: Any, mid: int, _rc: Any, _p: Any) -> None:
        with self._lock:  # paho's loop thread; publish() may not have returned the mid yet
            value = self._pending.pop(mid, None)
            if value is None:
                self._early.add(mid)
            else:
                self.acked.add(value)

    def _run(self) -> None:
        began = time.monotonic()
        for n in itertools.count(1):
            if self._stop.is_set():
                return
            ds = self.datastreams[n % len(self.datastreams)]
            value = float(n)
            payload = json.dumps(
                {
                    "result": value,
                    "phenomenonTime": (EPOCH + dt.timedelta(seconds=n)).isoformat(),
                }
            )
            topic = f"{self.root}/v1.1/Datastreams({ds})/Observations"
            # not under self._lock: paho calls on_publish holding its own lock (deadlock)
            info = self._client.publish(topic, payload, qos=1)
            with self._lock:
                self.sent.append(value)
                if info.mid in self._early:
                    self._early.discard(info.mid)
                    self.acked.add(value)
                else:
                    self._pending[info.mid] = value
            delay = began + n / self.rate - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)

    def stop(self, wait_acks: float = 30.0) -> None:
        """Stop publishing, wait for outstanding PUBACKs, disconnect."""
        self._stop.set()
        self._thread.join()
        deadline = time.monotonic() + wait_acks
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    break
            time.sleep(0.1)
        self._client.disconnect()
        self._client.loop_stop()
