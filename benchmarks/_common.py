"""Helpers the benchmark scripts share: a free port, waiting for a server, a SensorThings
Thing with one Datastream, and p50/p95 of repeated calls. Not a benchmark itself."""

from __future__ import annotations

import socket
import statistics
import subprocess
import time
from collections.abc import Callable
from typing import Any

import httpx

MEASUREMENT = "http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], seconds: float = 120) -> None:
    """Wait until ``url`` answers below 500; stop when the server process ended or timed out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {url}")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server did not answer: {url}")


def sta_thing(i: int = 0) -> dict[str, Any]:
    """A Thing with a Location and one Datastream (Sensor and ObservedProperty inline)."""
    return {
        "name": f"Bench {i}",
        "description": "bench",
        "Locations": [
            {
                "name": "L",
                "description": "L",
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [6.9, 50.9]},
            }
        ],
        "Datastreams": [
            {
                "name": f"DS {i}",
                "description": "d",
                "observationType": MEASUREMENT,
                "unitOfMeasurement": {"name": "x", "symbol": "x", "definition": "x"},
                "Sensor": {
                    "name": "S",
                    "description": "s",
                    "encodingType": "text/html",
                    "metadata": "https://example.org",
                },
                "ObservedProperty": {
                    "name": "P",
                    "definition": "https://example.org/p",
                    "description": "p",
                },
            }
        ],
    }


def p50_p95(fn: Callable[[], Any], repeat: int = 50) -> tuple[float, float]:
    """Median and 95th percentile in milliseconds of ``repeat`` calls of ``fn``."""
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def spread(samples_ms: list[float]) -> str:
    """``min / median / p95 / max`` of samples in milliseconds, as one line."""
    ordered = sorted(samples_ms)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return f"{ordered[0]:.1f} / {statistics.median(ordered):.1f} / {p95:.1f} / {ordered[-1]:.1f} ms"
