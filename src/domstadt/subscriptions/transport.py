"""Outgoing transport of subscriptions: SMTP e-mail and signed webhook POSTs (no database).

``DeliveryConfig`` is built from the settings (``DOMSTADT_SMTP_*``, ``DOMSTADT_BASE_URL``,
``DOMSTADT_OUTBOUND_ALLOWED_HOSTS``). Webhooks go through the outbound guard: the address is
checked when a subscription is made and again, on the connected address, at every delivery.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from domstadt.core.config import Settings
from domstadt.core.mail import write_outbox
from domstadt.core.outbound import OutboundClient, OutboundError, OutboundPolicy

SIGNATURE_HEADER = "X-Domstadt-Signature"
WEBHOOK_TIMEOUT_SECONDS = 10.0
USER_AGENT = "Domstadt-Webhook/1"


class MailNotConfigured(RuntimeError):
    """Neither DOMSTADT_SMTP_HOST nor an outbox is set."""


@dataclass(frozen=True)
class DeliveryConfig:
    """Where mail goes (SMTP, else the outbox under the data directory, as every mail of the
    platform), how links look, whether webhooks need https (production) and which intranet
    hosts webhooks may reach (the outbound guard's allowlist)."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "domstadt@localhost"
    smtp_starttls: bool = True
    base_url: str = "http://127.0.0.1:8000"
    webhooks_https_only: bool = False
    outbound: OutboundPolicy = field(default_factory=OutboundPolicy)
    outbox_dir: Path | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryConfig:
        """The delivery settings; webhooks need https:// in production."""
        return cls(
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_user=settings.smtp_user,
            smtp_password=settings.smtp_password.get_secret_value(),
            smtp_from=settings.smtp_from,
            smtp_starttls=settings.smtp_starttls,
            base_url=settings.base_url,
            webhooks_https_only=settings.environment == "production",
            outbound=OutboundPolicy.from_settings(settings),
            outbox_dir=settings.data_dir / "outbox",
        )

    @property
    def mail_configured(self) -> bool:
        """True when mail can go somewhere: an SMTP server or the outbox."""
        return bool(self.smtp_host) or self.outbox_dir is not None


def send_mail(config: DeliveryConfig, messages: list[EmailMessage]) -> list[str]:
    """Send the messages over one SMTP connection (STARTTLS and login when configured), or
    without an SMTP server into the outbox.

    Returns one error text per message ('' when accepted); a connection failure is raised.
    """
    if not config.mail_configured:
        raise MailNotConfigured("DOMSTADT_SMTP_HOST ist nicht gesetzt.")
    errors: list[str] = []
    if not messages:
        return errors
    if not config.smtp_host and config.outbox_dir is not None:
        for message in messages:
            if not message["From"]:
                message["From"] = config.smtp_from
            if not message["Date"]:
                message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
            write_outbox(config.outbox_dir, message)
        return [""] * len(messages)
    with smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=30) as smtp:
        if config.smtp_starttls:
            smtp.starttls()
        if config.smtp_user:
            smtp.login(config.smtp_user, config.smtp_password)
        for message in messages:
            if not message["From"]:
                message["From"] = config.smtp_from
            try:
                smtp.send_message(message)
                errors.append("")
            except smtplib.SMTPException as exc:
                errors.append(str(exc)[:500])
    return errors


def signature(body: bytes, secret: str) -> str:
    """The value of the X-Domstadt-Signature header: sha256=<hex HMAC of the body>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_url_problem(url: str, config: DeliveryConfig) -> str | None:
    """Why ``url`` cannot receive webhooks (German), or None when it can: http(s) only (https
    in production), and an address the outbound guard would connect to."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Die Webhook-Adresse muss mit http:// oder https:// beginnen und einen Host nennen."
    if config.webhooks_https_only and parts.scheme != "https":
        return "Webhook-Adressen müssen https:// verwenden."
    try:
        config.outbound.check_url(url)
    except OutboundError as exc:
        return str(exc)
    return None


def post_webhook(
    config: DeliveryConfig, url: str, body: bytes, secret: str, event: str
) -> tuple[int | None, str]:
    """POST the signed JSON body through the outbound guard (no redirects; the answer's body
    is not read); (HTTP status or None, error text or '')."""
    headers = {
        "Content-Type": "application/json",
        "X-Domstadt-Event": event,
        SIGNATURE_HEADER: signature(body, secret),
    }
    try:
        with OutboundClient(config.outbound, user_agent=USER_AGENT) as client:
            reply = client.request(
                "POST",
                url,
                content=body,
                headers=headers,
                max_bytes=0,
                seconds=WEBHOOK_TIMEOUT_SECONDS,
                read_body=False,
            )
    except OutboundError as exc:
        return None, str(exc)
    if 200 <= reply.status < 300:
        return reply.status, ""
    return reply.status, f"HTTP {reply.status}"
