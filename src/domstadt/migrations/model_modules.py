"""The modules whose models make up the one schema (imported by the Alembic environment and by
tests that inspect the whole metadata)."""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "domstadt.core.auth.models",
    "domstadt.core.audit",
    "domstadt.core.text.models",
    "domstadt.core.migration_policy",
    "domstadt.masterplan.models",
    "domstadt.catalog.models",
    "domstadt.sensors.models",
    "domstadt.sensors.harvest.models",
    "domstadt.masterplan.registry.models",
    "domstadt.masterplan.screening.models",
    "domstadt.participation.feedback.models",
    "domstadt.subscriptions.models",
    "domstadt.developers.models",
    "domstadt.participation.challenges.models",
    "domstadt.participation.events.models",
    "domstadt.participation.labs.models",
    "domstadt.participation.pitches.models",
    "domstadt.participation.moderation.models",
    "domstadt.search.models",
    "domstadt.funding.models",
    "domstadt.funding.practices.models",
    "domstadt.funding.ecosystem.models",
    "domstadt.infrastructure.transit.models",
    "domstadt.infrastructure.coverage.models",
]


def load() -> None:
    """Import every model module, so ``Base.metadata`` holds the whole schema."""
    for name in MODEL_MODULES:
        importlib.import_module(name)
