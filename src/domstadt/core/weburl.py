"""Addresses people store (websites, links, landing pages) and the ones pages may link to.

A stored address must be an absolute http(s) URL: ``javascript:``, ``data:`` and every other
scheme would run or open something other than a web page when clicked. :func:`safe_href` is
the second line for rows stored before the rule: pages put only http(s), ``mailto:`` and
site paths into ``href``.

Addresses of the platform itself are stored as site paths (``/daten/ressource/…/download``)
and made absolute only when shown (:func:`site_base`, :func:`absolute`): the same data is right
wherever the platform runs.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

WEB_SCHEMES = frozenset({"http", "https"})
LINK_SCHEMES = WEB_SCHEMES | {"mailto"}
NOT_A_WEB_URL = (
    "Nur Adressen mit http:// oder https:// sind erlaubt (z. B. https://www.stadt-koeln.de); "
    "„{value}“ ist keine."
)
BLOCKED_HREF = "#"
"""What a page links to instead of a stored address it must not link to."""


def _scheme(text: str) -> str | None:
    """The lower-case scheme of ``text``, "" for none; None when the text is no URL at all
    (white space or control characters inside, which browsers would silently drop)."""
    if not text or any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        return None
    try:
        return urlsplit(text).scheme.lower()
    except ValueError:  # e.g. an unbalanced [ in the host
        return None


def is_web_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host, nothing else."""
    text = value.strip()
    return _scheme(text) in WEB_SCHEMES and bool(urlsplit(text).hostname)


def web_url_problem(value: str) -> str:
    """The German message for an address that is not an http(s) URL."""
    shown = value.strip()
    return NOT_A_WEB_URL.format(value=shown if len(shown) <= 80 else shown[:77] + "…")


def _checked_web_url(value: str) -> str:
    text = value.strip()
    if text and not is_web_url(text):
        raise PydanticCustomError("web_url", web_url_problem(text))
    return text


WebUrl = Annotated[str, AfterValidator(_checked_web_url)]
"""A pydantic field type: "" (none given) or an absolute http(s) URL, trimmed."""


def safe_href(value: object) -> str:
    """``value`` when a page may link to it (http(s) with a host, ``mailto:``, a path on this
    site), else ``#``: whatever was stored, a click never runs script."""
    text = str(value or "").strip()
    scheme = _scheme(text)
    if scheme in WEB_SCHEMES:
        return text if is_web_url(text) else BLOCKED_HREF
    if scheme == "mailto":
        return text
    if scheme == "" and text.startswith("/") and not text.startswith(("//", "/\\")):
        return text
    return BLOCKED_HREF


def site_base(request: Any) -> str:
    """The absolute base of links in an answer to ``request``: DOMSTADT_BASE_URL when it was
    set, else the request's own origin (so a server on any host and port links to itself)."""
    settings = request.app.state.settings
    if "base_url" in settings.model_fields_set:
        return str(settings.base_url).rstrip("/")
    return str(request.base_url).rstrip("/")


def is_site_path(value: str) -> bool:
    """True for a path on this site (``/daten/…``), not a protocol-relative ``//host``."""
    return value.startswith("/") and not value.startswith(("//", "/\\"))


def absolute(base: str, value: str) -> str:
    """``value`` as an absolute URL: a site path gets ``base`` in front, anything else (an
    external URL, "") stays as it is."""
    return f"{base.rstrip('/')}{value}" if is_site_path(value) else value
