"""Measure the privacy gate's scanner on labelled real tables (issue 15).

A labelled set is a folder of CSV files and a ``labels.json`` naming, per table, the columns
that hold personal data and their kinds, and a split into a development and a held-out part.
Each column is one case: the scanner is right when it finds something in a labelled column
(recall) and finds nothing in an unlabelled one (precision). Tables are read with the
catalogue's own CSV reader, exactly as an upload would be.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from domstadt.catalog.normalise import tabular
from domstadt.catalog.privacy.scan import scan_table


@dataclass
class Case:
    """One column of one table: what the labels say and what the scanner found."""

    table: str
    column: str
    expected: frozenset[str]
    found: frozenset[str]


@dataclass
class Figures:
    """Column-level precision and recall; the cases that went wrong, for reading."""

    cases: int
    positives: int
    precision: float
    recall: float
    missed: list[Case] = field(default_factory=list)
    false_alarms: list[Case] = field(default_factory=list)


def load(folder: Path) -> dict[str, object]:
    """The ``labels.json`` of a labelled set."""
    return dict(json.loads((folder / "labels.json").read_text(encoding="utf-8")))


def stratified_split(
    labels: dict[str, dict[str, list[str]]], seed: int, share: float = 0.5
) -> tuple[list[str], list[str]]:
    """Development and held-out tables, drawn once: tables are grouped by stratum (text or
    table, with or without personal data), each stratum is sorted, shuffled with ``seed`` and
    its first ``share`` (rounded down) goes to the held-out part. Same labels and seed, same
    split; the result is frozen in ``labels.json``."""
    strata: dict[tuple[bool, bool], list[str]] = {}
    for name, columns in labels.items():
        strata.setdefault((name.startswith("text_"), bool(columns)), []).append(name)
    development: list[str] = []
    heldout: list[str] = []
    for key in sorted(strata):
        names = sorted(strata[key])
        random.Random(f"{seed}:{key}").shuffle(names)
        cut = int(len(names) * share)
        heldout.extend(sorted(names[:cut]))
        development.extend(sorted(names[cut:]))
    return sorted(development), sorted(heldout)


def cases(folder: Path, part: str) -> list[Case]:
    """Every column of every table of one part (``development`` or ``heldout``)."""
    meta = load(folder)
    split: dict[str, list[str]] = meta["split"]  # type: ignore[assignment]
    labels: dict[str, dict[str, list[str]]] = meta["labels"]  # type: ignore[assignment]
    result: list[Case] = []
    for name in split[part]:
        table = tabular.read_csv((folder / name).read_bytes())
        found: dict[str, set[str]] = {}
        for finding in scan_table(table.names, table.columns):
            found.setdefault(finding.column, set()).add(finding.kind)
        wanted = labels[name]
        for column in table.names:
            result.append(
                Case(
                    name,
                    column,
                    frozenset(wanted.get(column, [])),
                    frozenset(found.get(column, set())),
                )
            )
    return result


def figures(items: list[Case]) -> Figures:
    """Precision and recall over columns (any finding counts as holding the table back)."""
    hits = [c for c in items if c.expected and c.found]
    missed = [c for c in items if c.expected and not c.found]
    alarms = [c for c in items if c.found and not c.expected]
    flagged = len(hits) + len(alarms)
    positives = len(hits) + len(missed)
    return Figures(
        cases=len(items),
        positives=positives,
        precision=len(hits) / flagged if flagged else 1.0,
        recall=len(hits) / positives if positives else 1.0,
        missed=missed,
        false_alarms=alarms,
    )


@dataclass
class KindFigures:
    """Column-level figures for one kind: labelled columns, flagged columns, both."""

    kind: str
    labelled: int
    flagged: int
    hits: int

    @property
    def precision(self) -> float | None:
        """Share of the columns flagged for this kind that hold it (None: none flagged)."""
        return self.hits / self.flagged if self.flagged else None

    @property
    def recall(self) -> float | None:
        """Share of the columns holding this kind that were flagged for it (None: none)."""
        return self.hits / self.labelled if self.labelled else None


def per_kind(items: list[Case]) -> list[KindFigures]:
    """Figures per kind: a column counts for a kind when the labels or the scanner name it."""
    kinds = sorted({k for c in items for k in c.expected | c.found})
    return [
        KindFigures(
            kind,
            labelled=sum(kind in c.expected for c in items),
            flagged=sum(kind in c.found for c in items),
            hits=sum(kind in c.expected and kind in c.found for c in items),
        )
        for kind in kinds
    ]
