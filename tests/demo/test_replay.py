"""Replay and simulator arithmetic without I/O: the replayed series keeps its time of day and
ends within the day before "now"; the simulator sends the value of the current 5-minute slot
(or the nearest earlier one) of each stream in turn."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from domstadt.sensors.import_service import _replayed
from domstadt.sensors.mqtt.simulate import messages
from domstadt.sensors.profiles import DailyProfile

UTC = dt.UTC
SERIES = {
    "ST021": [
        (dt.datetime(2014, 2, 3, 0, 0, 1, tzinfo=UTC), 1.0, 1),
        (dt.datetime(2014, 2, 5, 23, 55, 2, tzinfo=UTC), 2.0, 1),
    ]
}


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2026, 12, 6, 0, 0, tzinfo=UTC),
        dt.datetime(2026, 12, 6, 23, 55, 2, tzinfo=UTC),
        dt.datetime(2026, 12, 6, 23, 59, 59, tzinfo=UTC),
        dt.datetime(2027, 3, 1, 12, 30, tzinfo=UTC),
    ],
)
def test_replay_ends_within_the_last_day_and_keeps_the_time_of_day(now: dt.datetime) -> None:
    rows = _replayed(SERIES, now)["ST021"]
    assert dt.timedelta(0) <= now - rows[-1][0] < dt.timedelta(days=1)
    assert [(t.time(), v) for t, v, _ in rows] == [(t.time(), v) for t, v, _ in SERIES["ST021"]]
    assert rows[-1][0] - rows[0][0] == SERIES["ST021"][-1][0] - SERIES["ST021"][0][0]
    assert _replayed(SERIES, None) is SERIES


def test_simulator_sends_the_current_slot_round_robin() -> None:
    a = DailyProfile(datastream_id=1, name="a", values={0: 5.0, 100: 7.0})
    b = DailyProfile(datastream_id=2, name="b", values={101: 3.0})
    at = dt.datetime(2026, 12, 6, 8, 27, 10, tzinfo=UTC)  # slot 101 (08:25-08:30)
    sent = list(itertools.islice(messages([a, b], lambda: at), 4))
    assert [ds for ds, _ in sent] == [1, 2, 1, 2]
    assert [o["result"] for _, o in sent] == [7.0, 3.0, 7.0, 3.0]
    assert sent[0][1]["phenomenonTime"] == "2026-12-06T08:27:10Z"
    early = dt.datetime(2026, 12, 6, 0, 2, tzinfo=UTC)  # slot 0: b falls back across midnight
    first = list(itertools.islice(messages([a, b], lambda: early), 2))
    assert [o["result"] for _, o in first] == [5.0, 3.0]
