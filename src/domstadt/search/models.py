"""Index tables of the site search (migration 0021_site_search).

``site_search_entry`` holds one row per public item (what a result shows),
``site_search_term`` its folded words (weight 3 in the title, 1 elsewhere), and
``site_search_word`` every term ever indexed: it only grows, so its highest id tells a
process when its in-memory vocabulary is out of date (a stale word matches nothing).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domstadt.core.db import Base, IdType, UTCDateTime, utcnow


class SiteSearchEntry(Base):
    """One public item of one kind, as a result shows it."""

    __tablename__ = "site_search_entry"
    __table_args__ = (UniqueConstraint("kind", "entity_id"),)

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    entity_id: Mapped[int] = mapped_column(IdType)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(String(500))
    updated: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class SiteSearchTerm(Base):
    """A plain word of an entry; ``weight`` 3 when it is in the title. ``kind`` repeats the
    entry's so a query reads this table alone (on SQLite a WITHOUT ROWID table: the rows of a
    term lie together in the primary key)."""

    __tablename__ = "site_search_term"
    __table_args__ = {"sqlite_with_rowid": False}

    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("site_search_entry.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    weight: Mapped[int] = mapped_column(SmallInteger, default=1)


class SiteSearchWord(Base):
    """Every term ever indexed (the vocabulary; only grows)."""

    __tablename__ = "site_search_word"

    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    word: Mapped[str] = mapped_column(String(64), unique=True)
