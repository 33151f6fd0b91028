"""The planning verdict: default radii per network (urban, documented in
docs/infrastructure.md), a measured cell before a modelled radius, and the reason in German
and English."""

from __future__ import annotations

from dataclasses import dataclass

from domstadt.infrastructure.coverage.index import Cell, CoverageIndex, Site

NETWORKS = ("lorawan", "nb-iot", "lte-m", "wlan")
LABELS = {"lorawan": "LoRaWAN", "nb-iot": "NB-IoT", "lte-m": "LTE-M", "wlan": "WLAN"}
DEFAULT_RADIUS_M = {"lorawan": 2000.0, "nb-iot": 3000.0, "lte-m": 2000.0, "wlan": 100.0}
"""Urban planning radii: LoRaWAN 2 km (SF7–SF12 in built-up areas), NB-IoT 3 km and LTE-M
2 km around a mobile site, WLAN 100 m around an outdoor access point."""
SITE_WORD = {
    "lorawan": ("LoRaWAN-Gateway", "LoRaWAN gateway"),
    "nb-iot": ("Mobilfunkstandort mit NB-IoT", "mobile site with NB-IoT"),
    "lte-m": ("Mobilfunkstandort mit LTE-M", "mobile site with LTE-M"),
    "wlan": ("WLAN-Hotspot", "WLAN hotspot"),
}
EDGE_SHARE = 0.75
"""Beyond this share of the radius a point is at the edge of the modelled coverage."""
RISK = {"gap": 0, "unknown": 1, "edge": 2, "covered": 3}


@dataclass
class Verdict:
    """covered, edge, gap or unknown, with the evidence and the reason in both languages."""

    status: str
    reason_de: str
    reason_en: str
    basis: str  # measured, modelled or none
    nearest: Site | None = None
    distance_m: float | None = None
    radius_m: float = 0.0
    cell: Cell | None = None


def km(metres: float, german: bool) -> str:
    """850 m, 1,8 km / 1.8 km."""
    if metres < 1000:
        return f"{metres:.0f} m"
    text = f"{metres / 1000:.1f} km"
    return text.replace(".", ",") if german else text


def judge(index: CoverageIndex, network: str, lon: float, lat: float, radius_m: float) -> Verdict:
    """A measured cell of a layer that speaks about ``network`` decides; else the nearest site
    against ``radius_m``; else unknown."""
    index.prefetch(network, lon, lat)
    measured = _measured(index, network, lon, lat)
    if measured is not None:
        return measured
    label = LABELS[network]
    word_de, word_en = SITE_WORD[network]
    found = index.nearest(network, lon, lat)
    if found is None:
        return Verdict(
            "unknown",
            f"keine Abdeckungsdaten für {label} importiert",
            f"no coverage data for {label} imported",
            "none",
            radius_m=radius_m,
        )
    site, distance = found
    r_de, r_en, d_de, d_en = (
        km(radius_m, True),
        km(radius_m, False),
        km(distance, True),
        km(distance, False),
    )
    if distance > radius_m:
        status = "gap"
        de = f"kein {word_de} im Umkreis von {r_de} (nächstes: {site.name} in {d_de})"
        en = f"no {word_en} within {r_en} (nearest: {site.name} at {d_en})"
    elif distance > EDGE_SHARE * radius_m:
        status = "edge"
        de = f"{word_de} {site.name} in {d_de}, am Rand des Radius von {r_de}"
        en = f"{word_en} {site.name} at {d_en}, at the edge of the {r_en} radius"
    else:
        status = "covered"
        de = f"{word_de} {site.name} in {d_de} (Radius {r_de})"
        en = f"{word_en} {site.name} at {d_en} ({r_en} radius)"
    return Verdict(status, de, en, "modelled", site, distance, radius_m)


def _measured(index: CoverageIndex, network: str, lon: float, lat: float) -> Verdict | None:
    label = LABELS[network]
    speaking = [c for c in index.cells_at(lon, lat) if network in index.measured.get(c.layer, ())]
    if not speaking:
        return None
    good = next((c for c in speaking if network in c.networks and c.available is not False), None)
    if good is not None:
        value = f" ({good.value:g} {good.unit})".replace(".", ",") if good.value else ""
        value_en = f" ({good.value:g} {good.unit})" if good.value else ""
        return Verdict(
            "covered",
            f"gemessene Abdeckung: Zelle {good.name} bietet {label}{value}",
            f"measured coverage: cell {good.name} offers {label}{value_en}",
            "measured",
            cell=good,
        )
    cell = speaking[0]
    return Verdict(
        "gap",
        f"gemessene Abdeckung: in Zelle {cell.name} kein {label}",
        f"measured coverage: no {label} in cell {cell.name}",
        "measured",
        cell=cell,
    )
