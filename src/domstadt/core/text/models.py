"""Tables of the text services: search documents and stored text embeddings (migration 0002),
and the log of changed search documents (migration 0050).

Dialect-specific parts (the SQLite FTS5 table and its triggers, the PostgreSQL tsvector column
and GIN index) exist only in the migration and are reached through SQL in ``search.py``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class SearchDocument(Base):
    """One searchable entity (kind + id) with the title and body text the index is built from."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "entity_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(IdType)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="de")
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SearchChange(Base):
    """A search document written or removed (migration 0050's triggers add the rows, in the
    writing transaction): what an index kept outside the database reads to follow the
    documents (``tantivy_index``). ``xid`` is the writing transaction's id on PostgreSQL
    (NULL on SQLite, where ids rise in commit order); ``created`` is seconds since 1970."""

    __tablename__ = "search_change"
    __table_args__ = (
        Index("ix_search_change_xid", "xid"),
        Index("ix_search_change_created", "created"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(IdType)
    xid: Mapped[int | None] = mapped_column(BigInteger)
    created: Mapped[int] = mapped_column(BigInteger)


class TextEmbedding(Base):
    """A text's vector under one model plus its lexical signature, computed when it was written.

    A changed text gets a new row (new id), so caches detect any change from ids and timestamps.
    """

    __tablename__ = "text_embedding"
    __table_args__ = (
        UniqueConstraint("kind", "entity_id", "model"),
        Index("ix_text_embedding_model_id", "model", "id", "updated"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(IdType)
    model: Mapped[str] = mapped_column(String(100))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    lexical: Mapped[bytes] = mapped_column(LargeBinary)
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


DIALECT_ONLY_TABLE_PREFIX = "search_fts"
"""The SQLite FTS5 table and its shadow tables; created by migration 0002, not by metadata."""

DIALECT_ONLY_NAMES = frozenset({"search_vector", "ix_search_document_search_vector"})
"""PostgreSQL-only column and index of ``search_document`` (migration 0002)."""


POSTGIS_TABLES = frozenset(
    {"spatial_ref_sys", "coverage_site_geo", "coverage_cell_geo", "transit_segment_geo"}
)
"""PostGIS's own table and the side tables kept beside the data where PostgreSQL has PostGIS
(``domstadt.infrastructure.postgis``; migration 0045 and the app create them, not metadata)."""


def autogenerate_include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Alembic ``include_name`` hook: hide the FTS5 tables and the PostGIS tables (outside
    the metadata) from autogenerate comparisons."""
    if type_ == "table" and name in POSTGIS_TABLES:
        return False
    return not (type_ == "table" and (name or "").startswith(DIALECT_ONLY_TABLE_PREFIX))


def autogenerate_include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic ``include_object`` hook: hide the tsvector column and its GIN index."""
    return not (reflected and type_ in {"column", "index"} and name in DIALECT_ONLY_NAMES)
