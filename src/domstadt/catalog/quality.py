"""Metadata quality score of a dataset, 0–100 points (documented in docs/catalog.md):

=====================================================  ======
criterion                                              points
=====================================================  ======
description of at least 100 characters (30+: 7)        15
licence from the dcat-ap.de list                       10
contact e-mail                                         10
at least 3 keywords (1–2: 5)                           10
at least one EU data theme                             10
temporal coverage (start or end)                       10
spatial coverage or political geocoding                 5
update frequency                                       10
at least one distribution                              10
every distribution has a format and a media type       10
=====================================================  ======
"""

from __future__ import annotations

from domstadt.catalog import vocab
from domstadt.catalog.schemas import DatasetPublic


def N_(message: str) -> str:
    """Mark a label for extraction."""
    return message


CRITERIA: dict[str, tuple[int, str]] = {
    "description": (15, N_("description of at least 100 characters")),
    "license": (10, N_("licence from the dcat-ap.de list")),
    "contact": (10, N_("contact e-mail")),
    "keywords": (10, N_("at least 3 keywords")),
    "themes": (10, N_("at least one theme")),
    "temporal": (10, N_("temporal coverage")),
    "spatial": (5, N_("spatial coverage")),
    "frequency": (10, N_("update frequency")),
    "distributions": (10, N_("at least one distribution")),
    "formats": (10, N_("formats and media types of all distributions")),
}


def points(ds: DatasetPublic) -> dict[str, int]:
    """Points per criterion."""
    length = len(ds.description.strip())
    described = 15 if length >= 100 else 7 if length >= 30 else 0
    keywords = 10 if len(ds.keywords) >= 3 else 5 if ds.keywords else 0
    dists = ds.distributions
    return {
        "description": described,
        "license": 10 if ds.license_id in vocab.licenses() else 0,
        "contact": 10 if ds.contact_email else 0,
        "keywords": keywords,
        "themes": 10 if ds.themes else 0,
        "temporal": 10 if ds.temporal_start or ds.temporal_end else 0,
        "spatial": 5 if ds.spatial_uri or ds.political_geocoding_uri else 0,
        "frequency": 10 if ds.frequency else 0,
        "distributions": 10 if dists else 0,
        "formats": 10 if dists and all(d.format and d.media_type for d in dists) else 0,
    }


def missing(ds: DatasetPublic) -> list[str]:
    """Criteria (keys) that did not earn their full points."""
    got = points(ds)
    return [key for key, (full, _label) in CRITERIA.items() if got[key] < full]


def score(ds: DatasetPublic) -> int:
    """The total, 0–100."""
    return sum(points(ds).values())
