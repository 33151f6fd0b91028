"""Facet counts over a set of matching datasets, counted in memory in one pass per facet.

For each facet the (dataset id, value) pairs of the whole catalogue are read once into two
integer arrays (numpy) and kept per process while the catalogue is unchanged (the rule and the
check of ``search_cache``). Counting a match set is then a mask of the matching ids, one lookup
of every pair in it and one ``bincount``: exact, and a few milliseconds where one ``GROUP BY``
per facet over a list of thousands of ids took 40–70 ms each (docs/benchmarks.md).

Pairs are distinct per dataset and value (a dataset with two CSV files counts once for CSV);
visibility is the caller's: only ids in the match set are counted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import String, cast, func, select
from sqlalchemy.orm import Session

from domstadt.catalog import search_cache
from domstadt.catalog.convert import department_org_name, organisation_org_name
from domstadt.catalog.models import Dataset, DatasetKeyword, DatasetTheme, Distribution
from domstadt.core.auth.models import Department

KEYS = ("groups", "tags", "res_format", "license_id", "organization")
"""The facets counted here (CKAN names, see ``search_service.FACET_ALIASES``)."""


@dataclass(frozen=True)
class Pairs:
    """Every (dataset, value) of one facet: ``values[codes[i]]`` belongs to dataset ``ids[i]``."""

    ids: np.ndarray
    codes: np.ndarray
    values: list[str]

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str]]) -> Pairs:
        """Pairs from distinct (dataset id, value) rows, empty values left out."""
        index: dict[str, int] = {}
        kept = [(i, v) for i, v in rows if v]
        ids = np.fromiter((i for i, _ in kept), dtype=np.int64, count=len(kept))
        codes = np.fromiter(
            (index.setdefault(v, len(index)) for _, v in kept), dtype=np.int64, count=len(kept)
        )
        return cls(ids=ids, codes=codes.astype(np.int32), values=list(index))


_COLUMNS = {
    "groups": (DatasetTheme.dataset_id, DatasetTheme.theme),
    "tags": (DatasetKeyword.dataset_id, DatasetKeyword.keyword),
    "res_format": (Distribution.dataset_id, Distribution.format),
    "license_id": (Dataset.id, Dataset.license_id),
}


def _grouped(session: Session, key: str) -> Pairs:
    """The pairs of a facet stored as (dataset id, value) columns, grouped by value in the
    database: one row per value with its dataset ids as text, parsed by numpy. At 1,000,000
    datasets a row per pair (4,000,000 keywords) took seconds of Python after every change
    of the catalogue (docs/benchmarks.md)."""
    id_column, value_column = _COLUMNS[key]
    ids_text: Any = cast(id_column, String)
    if key == "res_format":  # a dataset with two CSV files counts once for CSV
        ids_text = ids_text.distinct()
    if session.get_bind().dialect.name == "sqlite":
        joined = func.group_concat(ids_text)  # separator ",": two arguments forbid DISTINCT
    else:
        joined = func.string_agg(ids_text, ",")
    stmt = (
        select(value_column, joined)
        .where(value_column.is_not(None), value_column != "")
        .group_by(value_column)
    )
    values: list[str] = []
    arrays: list[np.ndarray] = []
    for value, ids in session.connection().execute(stmt):
        values.append(value)
        arrays.append(np.fromstring(ids, dtype=np.int64, sep=","))
    sizes = [len(a) for a in arrays]
    return Pairs(
        ids=np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64),
        codes=np.repeat(np.arange(len(values), dtype=np.int32), sizes),
        values=values,
    )


def _publisher_rows(session: Session) -> list[tuple[int, str]]:
    """A dataset's publisher: its organisation, else its department (as in the CKAN output)."""
    stmt = select(Dataset.id, Dataset.organisation_id, Department.code).outerjoin(
        Department, Department.id == Dataset.department_id
    )
    out: list[tuple[int, str]] = []
    for dataset_id, org_id, code in session.connection().execute(stmt):
        if org_id is not None:
            out.append((dataset_id, organisation_org_name(org_id)))
        elif code is not None:
            out.append((dataset_id, department_org_name(code)))
    return out


def pairs(session: Session, state: Any, key: str) -> Pairs:
    """The facet's pairs for the catalogue in ``state`` (``search_cache.catalogue_state``)."""

    def load() -> Pairs:
        return _grouped(session, key) if key in _COLUMNS else Pairs.of(_publisher_rows(session))

    return search_cache.cached(session, state, ("facet-pairs", key), load)


def mask(ids: Sequence[int] | np.ndarray) -> np.ndarray:
    """``mask[i]`` is True for each dataset id ``i`` in ``ids`` (one spare False at the end)."""
    wanted = np.asarray(ids, dtype=np.int64)
    chosen = np.zeros(int(wanted.max()) + 2 if len(wanted) else 1, dtype=bool)
    chosen[wanted] = True
    return chosen


def count(found: Pairs, chosen: np.ndarray, limit: int) -> list[tuple[str, int]]:
    """(value, chosen datasets with it) for the ``limit`` most frequent values, most first,
    ties by value; values no chosen dataset has are left out. ``chosen`` from :func:`mask`."""
    # ids past the mask's end are clipped onto its last entry, which is always False
    hit = np.take(chosen, found.ids, mode="clip")
    counts = np.bincount(found.codes[hit], minlength=len(found.values))
    present = np.nonzero(counts)[0]
    ranked = sorted(((found.values[c], int(counts[c])) for c in present), key=_rank)
    return ranked[:limit]


def _rank(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
