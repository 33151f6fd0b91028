"""Reading the mail outbox in tests: every message the platform sends without SMTP lands in
``<data dir>/outbox/`` as an ``.eml`` file (``core.mail``)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from domstadt.core.config import Settings
from domstadt.core.mail import Mailer, OutboxMessage

LINK = re.compile(r"https?://\S+")


def messages_to(settings: Settings | Path, address: str) -> list[OutboxMessage]:
    """Every outbox message to ``address``, newest first (``settings`` or the data dir)."""
    if isinstance(settings, Path):
        settings = Settings(data_dir=settings)  # type: ignore[call-arg]
    mailer = Mailer(settings)
    return [mailer.read(e.name) for e in mailer.list(limit=1000) if e.recipient == address]


def newest_to(settings: Settings | Path, address: str) -> OutboxMessage:
    """The newest message to ``address``; fails the test when there is none."""
    found = messages_to(settings, address)
    assert found, f"no mail to {address} in the outbox"
    return found[0]


def link_in(message: OutboxMessage) -> str:
    """The first link in a message's text."""
    match = LINK.search(message.body)
    assert match, f"no link in mail {message.subject!r}"
    return match.group(0)


def token_in(message: OutboxMessage) -> str:
    """The ``token`` parameter of the first link in a message."""
    return parse_qs(urlsplit(link_in(message)).query)["token"][0]
