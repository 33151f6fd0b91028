"""Outgoing e-mail: one function sends a message. Without SMTP (``DOMSTADT_SMTP_HOST`` empty)
every message goes to the outbox ``<data dir>/outbox/`` as one RFC 5322 ``.eml`` file, written
atomically, so sign-up, reset and digest mail can be followed in development and the demo."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
import smtplib
import ssl
import tempfile
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path

from pydantic import BaseModel

from domstadt.core.config import Settings
from domstadt.core.errors import NotFound

SMTP_TIMEOUT_SECONDS = 20.0
_NAME = re.compile(r"^[0-9]{8}T[0-9]{12}-[A-Za-z0-9_-]{8,40}\.eml$")


class OutboxEntry(BaseModel):
    """One message in the outbox, as listed."""

    name: str
    sent_at: dt.datetime
    recipient: str
    subject: str


class OutboxMessage(OutboxEntry):
    """One message in the outbox with its text."""

    body: str


@dataclass(frozen=True)
class Mailer:
    """Sends mail as the settings say: SMTP with STARTTLS, or into the outbox."""

    settings: Settings

    @property
    def outbox(self) -> Path:
        """The outbox folder under the data directory."""
        return self.settings.data_dir / "outbox"

    def send(self, *, to: str, subject: str, body: str) -> str:
        """Send one plain-text message; returns the outbox file name or ``smtp``."""
        message = compose(self.settings.smtp_from, to, subject, body)
        if self.settings.smtp_host:
            _send_smtp(self.settings, message)
            return "smtp"
        return write_outbox(self.outbox, message)

    def list(self, limit: int = 200) -> list[OutboxEntry]:
        """The outbox, newest first."""
        if not self.outbox.is_dir():
            return []
        names = sorted((p.name for p in self.outbox.iterdir() if _NAME.match(p.name)), reverse=True)
        return [self._entry(name) for name in names[:limit]]

    def read(self, name: str) -> OutboxMessage:
        """One outbox message by its file name (only names the outbox itself writes)."""
        if not _NAME.match(name) or not (self.outbox / name).is_file():
            raise NotFound(f"Keine Nachricht {name!r} im Postausgang.")
        message = _parse(self.outbox / name)
        entry = self._entry(name, message)
        return OutboxMessage(**entry.model_dump(), body=message.get_content().replace("\r\n", "\n"))

    def _entry(self, name: str, message: EmailMessage | None = None) -> OutboxEntry:
        message = message or _parse(self.outbox / name)
        return OutboxEntry(
            name=name,
            sent_at=parsedate_to_datetime(str(message["Date"])),
            recipient=str(message["To"]),
            subject=str(message["Subject"]),
        )


def compose(sender: str, to: str, subject: str, body: str) -> EmailMessage:
    """An RFC 5322 message (UTF-8 text, Date and Message-ID set)."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or "localhost")
    message.set_content(body)
    return message


def _parse(path: Path) -> EmailMessage:
    with path.open("rb") as handle:
        parsed = BytesParser(policy=policy.default).parse(handle)
    assert isinstance(parsed, EmailMessage)
    return parsed


def write_outbox(folder: Path, message: EmailMessage) -> str:
    """Write to a temporary file in the same folder, then rename: readers never see half."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    name = f"{stamp}-{secrets.token_urlsafe(9)}.eml"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".eml")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(message.as_bytes())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, folder / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return name


def _send_smtp(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        if settings.smtp_starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password.get_secret_value())
        smtp.send_message(message)
