"""links built when shown: stored links of the platform itself become site paths (issue 13)

Revision ID: 0016_site_paths
Revises: 0015_catalog_extras
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0016_site_paths"
down_revision = "0015_catalog_extras"
branch_labels = None
depends_on = None
# Contract step: rewrites stored download addresses to site paths, a form code before it never
# wrote.
phase = "contract"

OWN_DOWNLOAD = re.compile(
    r"^https?://[^/?#\s]+(?:/[^?#\s]*)?(/daten/ressource/([^/?#\s]+)/download)$"
)
"""An absolute download address of a file this platform stores, on any host and port (old
rows were written with the address of the server at the time, e.g. ``127.0.0.1:8000``)."""
COLUMNS = ("download_url", "access_url")


def site_path(value: str, dist_uuid: str) -> str | None:
    """The site path of ``value`` when it is the absolute download address of the distribution
    ``dist_uuid`` itself, else None (external addresses, other distributions' links stay)."""
    found = OWN_DOWNLOAD.match(value or "")
    return found.group(1) if found and found.group(2) == dist_uuid else None


def upgrade() -> None:
    """Rewrite each distribution's own absolute download address to its site path."""
    table = sa.table(
        "catalog_distribution",
        sa.column("id", sa.Integer),
        sa.column("uuid", sa.String),
        sa.column("download_url", sa.String),
        sa.column("access_url", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(table.c.id, table.c.uuid, table.c.download_url, table.c.access_url).where(
            sa.or_(*(table.c[c].like("%/daten/ressource/%/download") for c in COLUMNS))
        )
    ).all()
    for row in rows:
        changes = {}
        for column in COLUMNS:
            path = site_path(getattr(row, column), row.uuid)
            if path is not None:
                changes[column] = path
        if changes:
            bind.execute(sa.update(table).where(table.c.id == row.id).values(**changes))


def downgrade() -> None:
    """Nothing to undo: site paths stay (older code shows them as links on this site)."""
