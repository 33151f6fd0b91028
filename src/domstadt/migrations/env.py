"""Alembic environment: runs against the URL handed in by domstadt.core.migrate."""

from __future__ import annotations

import importlib

from alembic import context

from domstadt.core.db import Base, make_engine
from domstadt.migrations import model_modules

model_modules.load()

target_metadata = Base.metadata
text_models = importlib.import_module("domstadt.core.text.models")


def run_migrations_online() -> None:
    """Migrate with a live connection (given by the caller or built from the URL)."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=text_models.autogenerate_include_name,
        include_object=text_models.autogenerate_include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
