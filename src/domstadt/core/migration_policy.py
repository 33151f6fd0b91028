"""Expand, migrate, contract: on which schema revisions a release's code can serve.

Every revision file declares ``phase = "expand"`` (additive: new tables, nullable or defaulted
columns, new plain indexes; code of the releases before it keeps working) or
``phase = "contract"`` (drops, renames, narrowing, rewritten data: only once no release that
needs the old shape serves). Code can serve on a schema newer than it knows when every revision
it does not know is an expand step. The newest contract step at or below a schema revision is
therefore the oldest code revision that can serve on it; each upgrade records it in
``schema_policy``, so that older code, which lacks the newer revision files, can read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from domstadt.core.db import Base, UTCDateTime

PHASES = ("expand", "contract")

schema_policy = sa.Table(
    "schema_policy",
    Base.metadata,
    sa.Column("schema_revision", sa.String(64), primary_key=True),
    sa.Column("oldest_code_revision", sa.String(64), nullable=False),
    sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
)
"""One row: the schema's revision and the oldest code revision that can serve on it."""


def phase_of(scripts: ScriptDirectory, revision: str) -> str:
    """The declared phase of ``revision``; a missing or unknown phase is an error."""
    phase = getattr(scripts.get_revision(revision).module, "phase", None)
    if phase not in PHASES:
        raise ValueError(f"revision {revision} declares no phase (expand or contract)")
    return str(phase)


def lineage(scripts: ScriptDirectory, revision: str) -> list[str]:
    """``revision`` and every revision below it, newest first."""
    return [script.revision for script in scripts.walk_revisions("base", revision)]


def oldest_code_revision(scripts: ScriptDirectory, revision: str) -> str:
    """The oldest code revision that can serve on a schema at ``revision``: the newest
    contract step at or below it, or the first revision when there is none."""
    chain = lineage(scripts, revision)
    for name in chain:
        if phase_of(scripts, name) == "contract":
            return name
    return chain[-1]


def record(connection: Connection, scripts: ScriptDirectory, revision: str | None) -> None:
    """Write the schema's revision and its oldest code revision into ``schema_policy`` (when
    the table exists at this revision)."""
    if revision is None or not sa.inspect(connection).has_table(schema_policy.name):
        return
    connection.execute(schema_policy.delete())
    connection.execute(
        schema_policy.insert().values(
            schema_revision=revision,
            oldest_code_revision=oldest_code_revision(scripts, revision),
            recorded_at=datetime.now(UTC),
        )
    )


def recorded_oldest(connection: Connection, revision: str) -> str | None:
    """The oldest code revision recorded for a schema at ``revision`` (None: no record)."""
    if not sa.inspect(connection).has_table(schema_policy.name):
        return None
    query = sa.select(schema_policy.c.oldest_code_revision).where(
        schema_policy.c.schema_revision == revision
    )
    return connection.execute(query).scalar_one_or_none()


@dataclass(frozen=True)
class SchemaStatus:
    """Whether this code can serve on the database's schema, and why (German, for operators)."""

    ok: bool
    ahead: bool
    message: str
    blocking: str | None = None
    """The contract revision this code does not know, when that is why it may not serve."""


def status(
    scripts: ScriptDirectory, current: str | None, oldest: str | None, where: str
) -> SchemaStatus:
    """The verdict for code at ``scripts``' head on a schema at ``current`` whose recorded
    oldest code revision is ``oldest``; ``where`` names the database in messages."""
    head = scripts.get_current_head()
    if current == head:
        return SchemaStatus(True, False, f"Schema auf Revision {head}")
    known = {script.revision for script in scripts.walk_revisions()}
    if current is None or current in known:
        state = "ist noch nicht migriert" if current is None else f"steht auf Revision {current}"
        return SchemaStatus(
            False,
            False,
            f"Die Datenbank {where} {state}; diese Version von Domstadt braucht Revision {head}. "
            "Führen Sie zuerst `domstadt db upgrade` aus.",
        )
    return _ahead(scripts, head, current, oldest, where)


def _ahead(
    scripts: ScriptDirectory, head: str | None, current: str, oldest: str | None, where: str
) -> SchemaStatus:
    """The verdict on a schema newer than the code (``current`` is unknown to it)."""
    if oldest is None:
        return SchemaStatus(
            False,
            False,
            f"Die Datenbank {where} steht auf Revision {current}, die diese Version "
            f"(Revision {head}) nicht kennt, und es ist nicht verzeichnet, welche Versionen "
            "darauf laufen können. Starten Sie die Version, die das Schema migriert hat.",
        )
    if head is not None and oldest in lineage(scripts, head):
        return SchemaStatus(
            True,
            True,
            f"Die Datenbank {where} steht auf Revision {current}, neuer als diese Version "
            f"(Revision {head}); alle Revisionen danach sind Expand-Schritte (älteste "
            f"verträgliche Revision: {oldest}). Rollen Sie die neue Version bald aus.",
        )
    return SchemaStatus(
        False,
        False,
        f"Die Datenbank {where} steht auf Revision {current}. Revision {oldest} ist ein "
        f"Contract-Schritt, den diese Version (Revision {head}) nicht kennt: sie kann auf "
        f"diesem Schema nicht laufen. Starten Sie eine Version ab Revision {oldest}.",
        blocking=oldest,
    )
