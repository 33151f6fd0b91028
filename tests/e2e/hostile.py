"""Hostile records for the browser tests (probe issue 14, stored XSS): every text a visitor
sees is an HTML or script payload, made through the public APIs as an editor could.

The sensor Location's name replays the probe's attack: an ``<iframe srcdoc>`` whose script is
a JavaScript file uploaded as a distribution of our own origin.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import httpx

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "<script>window.__xss=2</script>"
SVG = '"><svg onload=window.__xss=3>'
PAYLOAD = f"{IMG}{SCRIPT}{SVG}"
"""Markup that runs script wherever it is parsed as HTML (also where the CSP lets it through)."""

UPLOADED_SCRIPT = b"top.__xss = 'uploaded script ran';\n"
UPLOADS = {
    "angriff.js": (UPLOADED_SCRIPT, "application/javascript"),
    "angriff.html": (b"<!doctype html><script>top.__xss = 'html ran';</script>\n", "text/html"),
    "angriff.svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="top.__xss=1"><script>top.__xss=2'
        b"</script></svg>\n",
        "image/svg+xml",
    ),
}
"""Files uploaded with the media type a publisher may declare for them; none may ever run."""

HOSTILE_CSV = (
    f"Datum,Zaehlung {IMG},Ort\n"
    f'2024-03-01,5,"Kalk {SCRIPT}"\n'
    f'2024-03-02,7,"Deutz {IMG}"\n'
    f'2024-03-03,6,"Mülheim {SVG}"\n'
).encode()
HOSTILE_GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [6.95, 50.94]},
                "properties": {"name": f"Geo {PAYLOAD}", "note": IMG},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [6.99, 50.93]},
                "properties": {"name": f"Geo2 {SVG}"},
            },
        ],
    }
).encode()


@dataclass(frozen=True)
class Hostile:
    """What was made: ids and the exact texts the pages must show as text."""

    measure_id: int
    measure_title: str
    dataset_name: str
    dataset_title: str
    location_name: str
    thing_name: str
    datastream_name: str
    datastream_id: int
    uploads: dict[str, str]  # file name -> download path


def iframe_running(script_path: str) -> str:
    """The probe's Location name: an iframe whose script is an upload of our origin."""
    return f'Ort <iframe srcdoc="<script src={script_path}></script>"></iframe>{PAYLOAD}'


def api_client(base_url: str, token: str) -> httpx.Client:
    """An HTTP client of the live server signed in by API token (no proxy, no cookies)."""
    return httpx.Client(
        base_url=base_url,
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
        timeout=60,
    )


def _ok(response: httpx.Response) -> dict[str, object]:
    assert response.is_success, f"{response.request.method} {response.url}: {response.text}"
    body: dict[str, object] = response.json()
    return body


def _ckan(api: httpx.Client, action: str, **kwargs: object) -> dict[str, object]:
    body = _ok(api.post(f"/api/3/action/{action}", **kwargs))  # type: ignore[arg-type]
    result = body["result"]
    assert isinstance(result, dict)
    return result


def make_dataset(api: httpx.Client) -> dict[str, Any]:
    """A dataset with hostile texts, a hostile CSV and GeoJSON, and the script, page and
    image uploads; its name, title and the uploads' download paths."""
    title = f"Datensatz {PAYLOAD}"
    package = _ckan(
        api,
        "package_create",
        json={
            "title": title,
            "name": "feindliche-namen",
            "notes": f"Beschreibung {PAYLOAD}",
            "owner_org": "stadt-koeln-12",
            "license_id": "dl-by-de/2.0",
        },
    )
    name = str(package["name"])
    files = {
        "zaehlung.csv": (HOSTILE_CSV, "text/csv"),
        "orte.geojson": (HOSTILE_GEOJSON, "application/geo+json"),
        **UPLOADS,
    }
    uploads = {}
    for filename, (content, media_type) in files.items():
        resource = _ckan(
            api,
            "resource_create",
            data={"package_id": name, "name": f"Datei {IMG}", "mimetype": media_type},
            files={"upload": (filename, content, media_type)},
        )
        uploads[filename] = "/daten/ressource/" + str(resource["id"]) + "/download"
    return {"dataset_name": name, "dataset_title": title, "uploads": uploads}


def make_measure(api: httpx.Client) -> dict[str, Any]:
    """A measure whose title, description, KPI, milestone and link texts are payloads."""
    title = f"Maßnahme {PAYLOAD}"
    today = dt.date.today()
    body = {
        "code": "XSS-1",
        "title": title,
        "lead_department": "12",
        "summary": f"Kurz {IMG}",
        "description": f"Beschreibung {PAYLOAD}",
        "goals": f"Ziele {SVG}",
        "milestones": [{"title": f"Meilenstein {PAYLOAD}", "planned_date": today.isoformat()}],
        "kpis": [
            {
                "name": f"Kennzahl {PAYLOAD}",
                "unit": IMG,
                "target": 10,
                "values": [
                    {"date": (today - dt.timedelta(days=d)).isoformat(), "value": d, "source": IMG}
                    for d in (30, 20, 10)
                ],
            }
        ],
        "links": [
            {"title": f"Verweis {PAYLOAD}", "url": "https://example.org/", "kind": "website"}
        ],
        "location": {"type": "Point", "coordinates": [6.96, 50.94]},
    }
    created = _ok(api.post("/api/v1/measures", json=body))
    return {"measure_id": int(str(created["id"])), "measure_title": title}


def make_sensor(api: httpx.Client, script_path: str) -> dict[str, Any]:
    """A Thing with a Location named like the probe's attack and a Datastream with hostile
    name and unit and a day of Observations; the three names and the stream's id."""
    location, thing, stream = iframe_running(script_path), f"Ding {PAYLOAD}", f"Strom {PAYLOAD}"
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    observations = [
        {"phenomenonTime": (now - dt.timedelta(hours=h)).isoformat(), "result": h % 7}
        for h in range(24, 0, -1)
    ]
    body = {
        "name": thing,
        "description": f"Beschreibung {PAYLOAD}",
        "Locations": [
            {
                "name": location,
                "description": IMG,
                "encodingType": "application/geo+json",
                "location": {"type": "Point", "coordinates": [7.05, 50.99]},
            }
        ],
        "Datastreams": [
            {
                "name": stream,
                "description": IMG,
                "observationType": "http://www.opengis.net/def/observationType/OGC-OM/2.0/"
                "OM_Measurement",
                "unitOfMeasurement": {"name": IMG, "symbol": IMG, "definition": "urn:x"},
                "Sensor": {
                    "name": f"Sensor {IMG}",
                    "description": IMG,
                    "encodingType": "text/html",
                    "metadata": IMG,
                },
                "ObservedProperty": {
                    "name": f"Größe {IMG}",
                    "definition": "urn:y",
                    "description": IMG,
                },
                "Observations": observations,
            }
        ],
    }
    response = api.post("/sta/v1.1/Things", json=body)
    assert response.status_code == 201, response.text
    streams = _ok(api.get(response.headers["location"] + "/Datastreams"))
    stream_id = int(str(streams["value"][0]["@iot.id"]))  # type: ignore[index]
    return {
        "location_name": location,
        "thing_name": thing,
        "datastream_name": stream,
        "datastream_id": stream_id,
    }


def make_all(base_url: str, token: str) -> Hostile:
    """Every hostile record the browser tests load."""
    with api_client(base_url, token) as api:
        dataset = make_dataset(api)
        sensor = make_sensor(api, dataset["uploads"]["angriff.js"])
        return Hostile(**dataset, **make_measure(api), **sensor)
