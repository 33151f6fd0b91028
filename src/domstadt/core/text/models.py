"""Tables of the text services: search documents and stored text embeddings (migration 0002).

Dialect-specific parts (the SQLite FTS5 table and its triggers, the PostgreSQL tsvector column
and GIN index) exist only in the migration and are reached through SQL in ``search.py``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, UTCDateTime, utcnow


class SearchDocument(Base):
    """One searchable entity (kind + id) with the title and body text the index is built from."""

    __tablename__ = "search_document"
    __table_args__ = (UniqueConstraint("kind", "entity_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="de")
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


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

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(100))
    dim: Mapped[int] = mapped_column(Integer)
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    lexical: Mapped[bytes] = mapped_column(LargeBinary)
    text_hash: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
