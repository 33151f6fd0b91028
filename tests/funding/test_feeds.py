"""RSS/Atom feeds of funding news, polled through the outbound guard: items become
programmes, a second poll changes nothing, a broken or refused feed is recorded, not raised.

The items are real EU calls (tests/funding/data, see SOURCES.md) written as RSS and Atom."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest
from sqlalchemy import select

from domstadt import funding_service
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from domstadt.core.errors import Invalid
from domstadt.core.outbound import OutboundPolicy
from domstadt.funding.feeds import parse_feed
from domstadt.funding.models import FundingFeed, FundingProgramme
from domstadt.funding.schemas import FeedCreate
from tests.catalog.harvest_servers import LOOPBACK, static_server
from tests.funding.conftest import EU

CALLS = json.loads(EU.read_text(encoding="utf-8"))["calls"][:10]


def _rss() -> str:
    items = "".join(
        f"<item><title>{escape(c['name'])}</title><link>{escape(c['link'])}</link>"
        f"<guid>{c['code']}</guid><description>&lt;p&gt;Budget {c.get('budget', '')}&lt;/p&gt;"
        f"</description><pubDate>{format_datetime(datetime.fromisoformat(c['openDate']).replace(tzinfo=UTC))}"
        "</pubDate><category>Horizon Europe</category></item>"
        for c in CALLS
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>EU</title>{items}</channel></rss>'
    )


def _atom() -> str:
    entries = "".join(
        f"<entry><id>{c['code']}</id><title>{escape(c['name'])}</title>"
        f'<link rel="alternate" href="{escape(c["link"])}"/>'
        f"<updated>{c['openDate']}T00:00:00Z</updated><summary>Horizon</summary></entry>"
        for c in CALLS
    )
    return f'<feed xmlns="http://www.w3.org/2005/Atom"><title>EU</title>{entries}</feed>'


def test_rss_and_atom_items_become_raw_programmes() -> None:
    rss, atom = parse_feed(_rss().encode()), parse_feed(_atom().encode())
    assert [i["external_id"] for i in rss] == [c["code"] for c in CALLS]
    assert rss[0]["title"] == CALLS[0]["name"] and rss[0]["url"] == CALLS[0]["link"]
    assert rss[0]["description"].startswith("Budget") and rss[0]["topics"] == ["Horizon Europe"]
    assert rss[0]["call_open"] == CALLS[0]["openDate"]
    assert [i["url"] for i in atom] == [c["link"] for c in CALLS]


@pytest.mark.parametrize(
    "body",
    [b"<html><body>no feed</body></html>", b"<rss", b'<!DOCTYPE x [<!ENTITY a "b">]><rss/>'],
)
def test_what_is_no_feed_is_refused(body: bytes) -> None:
    with pytest.raises(Invalid):
        parse_feed(body)


def _add(db: Database, name: str, url: str) -> None:
    with db.session() as session:
        funding_service.feed_create(
            session, actor=system_actor("tests"),
            data=FeedCreate(name=name, url=url, level="eu", provider="Europäische Kommission"),
        )  # fmt: skip


def _poll(db: Database, policy: OutboundPolicy = LOOPBACK) -> dict[str, object]:
    with db.session() as session:
        return funding_service.feeds_poll(session, actor=system_actor("tests"), outbound=policy)  # type: ignore[return-value]


def test_polling_imports_items_once(db: Database) -> None:
    with static_server() as routes:
        _add(db, "eu-rss", routes.set("/rss.xml", "application/rss+xml", _rss()))
        _add(db, "eu-atom", routes.set("/atom.xml", "application/atom+xml", _atom()))
        _add(db, "kaputt", routes.set("/broken.xml", "text/html", "<html></html>"))
        first = _poll(db)
        second = _poll(db)
    assert first["eu-rss"].added == 10 and first["eu-atom"].added == 10  # type: ignore[attr-defined]
    assert second["eu-rss"].unchanged == 10  # type: ignore[attr-defined]
    assert "weder RSS 2.0 noch Atom" in str(first["kaputt"])
    with db.session() as session:
        rows = session.scalars(
            select(FundingProgramme).where(FundingProgramme.source == "feed:eu-rss")
        ).all()
        assert len(rows) == 10 and all(r.level == "eu" for r in rows)
        feed = session.scalars(select(FundingFeed).where(FundingFeed.name == "kaputt")).one()
        assert "weder RSS" in feed.last_result and feed.last_polled_at is not None


def test_a_feed_on_a_private_address_is_refused_by_the_guard(db: Database) -> None:
    with static_server() as routes:
        _add(db, "intern", routes.set("/rss.xml", "application/rss+xml", _rss()))
        result = _poll(db, OutboundPolicy())
    assert isinstance(result["intern"], str) and result["intern"]
    with db.session() as session:
        assert session.scalars(select(FundingProgramme)).all() == []


def test_feed_names_are_unique_and_addresses_web_urls(db: Database) -> None:
    _add(db, "eu", "https://example.org/feed.xml")
    with pytest.raises(Exception, match="schon"):
        _add(db, "eu", "https://example.org/other.xml")
    with pytest.raises(Invalid):
        _add(db, "ftp", "ftp://example.org/feed.xml")
