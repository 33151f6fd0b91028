"""Where entries of the directory are shown and how regional a provider is.

Organisations name a Stadtbezirk (one of Cologne's nine districts) and a city; the map puts an
entry at its district's centre (an approximate position, said so on the page), or at the
centre of Cologne when only the city is Köln. The market exploration ranks Köln first (with a
Stadtbezirk before without), then the region around Cologne, then everyone else."""

from __future__ import annotations

from domstadt.core.text.normalize import fold

DISTRICT_CENTRES: dict[str, tuple[float, float]] = {
    "Innenstadt": (50.9375, 6.9603),
    "Rodenkirchen": (50.8900, 6.9900),
    "Lindenthal": (50.9250, 6.8800),
    "Ehrenfeld": (50.9520, 6.9000),
    "Nippes": (50.9700, 6.9500),
    "Chorweiler": (51.0250, 6.8950),
    "Porz": (50.8800, 7.0600),
    "Kalk": (50.9400, 7.0400),
    "Mülheim": (50.9700, 7.0300),
}
"""Approximate centres (lat, lon) of the Stadtbezirke."""

COLOGNE = (50.9375, 6.9603)

REGION = (
    "bonn", "leverkusen", "bergisch gladbach", "bruehl", "huerth", "frechen", "pulheim",
    "kerpen", "bergheim", "erftstadt", "wesseling", "troisdorf", "sankt augustin",
    "siegburg", "niederkassel", "rösrath", "overath", "dormagen", "langenfeld", "monheim",
    "rhein-erft-kreis", "rhein-sieg-kreis", "rheinisch-bergischer kreis", "elsdorf",
)  # fmt: skip
"""Cities and districts of the Cologne/Bonn region (Region Köln/Bonn) counted as regional."""

_REGION_KEYS = frozenset(fold(c) for c in REGION)

RANK_DISTRICT, RANK_CITY, RANK_REGION, RANK_OTHER = 0, 1, 2, 3


def is_cologne(city: str) -> bool:
    """True for Köln, Koeln and Cologne."""
    return fold(city.strip().lower()) in {"koeln", "cologne"}


def regional_rank(city: str, district: str) -> int:
    """0: Köln with a Stadtbezirk, 1: Köln, 2: the region, 3: elsewhere or unknown."""
    if district in DISTRICT_CENTRES:
        return RANK_DISTRICT
    if is_cologne(city):
        return RANK_CITY
    if fold(city.strip().lower()) in _REGION_KEYS:
        return RANK_REGION
    return RANK_OTHER


def position(city: str, district: str) -> tuple[float, float] | None:
    """The map position of an entry (district centre, else Cologne's centre), or None."""
    if district in DISTRICT_CENTRES:
        return DISTRICT_CENTRES[district]
    if is_cologne(city):
        return COLOGNE
    return None
