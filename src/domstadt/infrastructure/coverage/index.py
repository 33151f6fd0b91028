"""Spatial indexes of the coverage (shapely 2 STRtree): sites per network as points in
metres (ETRS89 / UTM 32N) for the nearest-site query, measured cells as WGS84 polygons for
the point-in-cell query. Built once per coverage state and cached per process.

Sites and cells are kept in the order of their feature ids, and a tie (sites within
``TIE_M`` of the nearest distance) goes to the lowest id: the PostGIS path
(``postgis_index``) follows the same rules, so both give the same answers."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from shapely import STRtree

from domstadt.infrastructure.coverage.geo import distance_m, to_metric

TIE_M = 1e-6
"""Sites whose distances differ by less than a micrometre are equally near."""


@dataclass(frozen=True)
class Site:
    """A gateway, site or hotspot."""

    name: str
    layer: str
    lon: float
    lat: float


@dataclass(frozen=True)
class Cell:
    """A measured cell or area: the networks it offers (or none: ``available`` False)."""

    name: str
    layer: str
    kind: str
    networks: tuple[str, ...]
    available: bool | None
    value: float | None
    unit: str


@dataclass
class _Sites:
    sites: list[Site]
    tree: STRtree


@dataclass
class CoverageIndex:
    """Sites per network and cells with the networks their layers measure."""

    sites: dict[str, _Sites] = field(default_factory=dict)
    cells: list[Cell] = field(default_factory=list)
    cell_tree: STRtree | None = None
    measured: dict[str, set[str]] = field(default_factory=dict)
    """Layer name → the networks a measured layer speaks about."""

    def prefetch(self, network: str, lon: float, lat: float) -> None:
        """Nothing here; an index in a database reads both answers for a point at once."""

    def nearest(self, network: str, lon: float, lat: float) -> tuple[Site, float] | None:
        """The nearest site offering ``network`` and its distance in metres."""
        found = self.sites.get(network)
        if found is None:
            return None
        target = shapely.Point(*to_metric().transform(lon, lat))
        _, dists = found.tree.query_nearest(target, return_distance=True)
        near = found.tree.query(target, predicate="dwithin", distance=float(dists.min()) + TIE_M)
        site = found.sites[int(near.min())]
        return site, distance_m(lon, lat, site.lon, site.lat)

    def cells_at(self, lon: float, lat: float) -> list[Cell]:
        """The cells that contain the point (borders included)."""
        if self.cell_tree is None:
            return []
        hits = self.cell_tree.query(shapely.Point(lon, lat), predicate="intersects")
        return [self.cells[int(i)] for i in sorted(hits)]


def build(site_rows: list[Any], cell_rows: list[Any]) -> CoverageIndex:
    """``site_rows``: (layer, name, lon, lat, networks); ``cell_rows``: (layer, kind, name,
    geometry as GeoJSON text, networks, available, value, unit); both in feature id order."""
    index = CoverageIndex()
    by_network: dict[str, list[Site]] = {}
    for layer, name, lon, lat, networks in site_rows:
        for network in networks:
            by_network.setdefault(network, []).append(Site(name, layer, lon, lat))
    for network, sites in by_network.items():
        lons = np.array([s.lon for s in sites])
        lats = np.array([s.lat for s in sites])
        xs, ys = to_metric().transform(lons, lats)
        index.sites[network] = _Sites(sites, STRtree(shapely.points(xs, ys)))
    texts = []
    for layer, kind, name, geometry, networks, available, value, unit in cell_rows:
        index.cells.append(Cell(name, layer, kind, tuple(networks), available, value, unit))
        index.measured.setdefault(layer, set()).update(networks)
        texts.append(geometry)
    if texts:
        index.cell_tree = STRtree(shapely.from_geojson(np.array(texts, dtype=object)))
    return index


_lock = threading.Lock()
_cache: dict[tuple[Any, ...], CoverageIndex] = {}


def cached(token: tuple[Any, ...]) -> CoverageIndex | None:
    """The index built for this coverage state, if any."""
    with _lock:
        return _cache.get(token)


def remember(token: tuple[Any, ...], index: CoverageIndex) -> None:
    """Keep the index of the newest state only."""
    with _lock:
        _cache.clear()
        _cache[token] = index
