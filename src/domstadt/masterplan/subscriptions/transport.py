"""Outgoing transport of subscriptions: SMTP e-mail and signed webhook POSTs (no database).

``DeliveryConfig`` is built from the settings (``DOMSTADT_SMTP_*``, ``DOMSTADT_BASE_URL``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from domstadt.core.config import Settings

SIGNATURE_HEADER = "X-Domstadt-Signature"
WEBHOOK_TIMEOUT_SECONDS = 10.0


class MailNotConfigured(RuntimeError):
    """DOMSTADT_SMTP_HOST is not set."""


@dataclass(frozen=True)
class DeliveryConfig:
    """Where mail goes, how links look and whether webhooks may point at private hosts."""

    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = "domstadt@localhost"
    smtp_starttls: bool = True
    base_url: str = "http://127.0.0.1:8000"
    allow_private_webhooks: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryConfig:
        """The delivery settings; private webhook hosts only outside production."""
        return cls(
            smtp_host=settings.smtp_host,
            smtp_port=settings.smtp_port,
            smtp_user=settings.smtp_user,
            smtp_password=settings.smtp_password.get_secret_value(),
            smtp_from=settings.smtp_from,
            smtp_starttls=settings.smtp_starttls,
            base_url=settings.base_url,
            allow_private_webhooks=settings.environment != "production",
        )

    @property
    def mail_configured(self) -> bool:
        """True when an SMTP server is set."""
        return bool(self.smtp_host)


def send_mail(config: DeliveryConfig, messages: list[EmailMessage]) -> list[str]:
    """Send the messages over one SMTP connection (STARTTLS and login when configured).

    Returns one error text per message ('' when accepted); a connection failure is raised.
    """
    if not config.mail_configured:
        raise MailNotConfigured("DOMSTADT_SMTP_HOST ist nicht gesetzt.")
    errors: list[str] = []
    if not messages:
        return errors
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


def webhook_url_problem(url: str, *, allow_private: bool) -> str | None:
    """Why ``url`` cannot receive webhooks (German), or None when it can."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Die Webhook-Adresse muss mit http:// oder https:// beginnen und einen Host nennen."
    if allow_private:
        return None
    if parts.scheme != "https":
        return "Webhook-Adressen müssen https:// verwenden."
    host = parts.hostname
    if host == "localhost" or host.endswith(".localhost"):
        return "Webhooks an localhost sind nicht erlaubt."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if not address.is_global:
        return "Webhooks an private oder lokale Adressen sind nicht erlaubt."
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post_webhook(url: str, body: bytes, secret: str, event: str) -> tuple[int | None, str]:
    """POST the signed JSON body; (HTTP status or None, error text or '')."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Domstadt-Webhook/1",
            "X-Domstadt-Event": event,
            SIGNATURE_HEADER: signature(body, secret),
        },
    )
    try:
        with _opener.open(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return None, f"Keine Verbindung: {reason}"[:500]
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}"
