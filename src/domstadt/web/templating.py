"""Jinja2 rendering with the request's language, actor, CSRF token and navigation."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape

from domstadt.core.auth.permissions import ANONYMOUS, Permission
from domstadt.core.weburl import safe_href
from domstadt.web import i18n
from domstadt.web.deps import csrf_token
from domstadt.web.i18n import N_

NAVIGATION = (
    ("/masterplan", N_("Masterplan")),
    ("/beteiligung", N_("Participation")),
    ("/daten", N_("Data")),
    ("/sensoren", N_("Sensors")),
)

_loaders: list[PackageLoader] = [PackageLoader("domstadt.web", "templates")]
_packages: set[str] = set()
environment = Environment(
    loader=ChoiceLoader(_loaders),
    autoescape=select_autoescape(["html", "xml"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def add_template_package(package: str) -> None:
    """Let a domain package contribute its own ``templates/`` directory (once)."""
    if package not in _packages:
        _packages.add(package)
        if (resources.files(package) / "templates").is_dir():
            _loaders.append(PackageLoader(package, "templates"))


def _format_datetime(value: dt.datetime | None, locale: str = "de") -> str:
    """A moment for people, in CET; one too close to the calendar's end to shift (a sensor's
    9999-12-31T23:59:59Z) is shown in UTC and says so."""
    if value is None:
        return "–"
    pattern = "%d.%m.%Y %H:%M" if locale == "de" else "%Y-%m-%d %H:%M"
    try:
        local = value.astimezone(dt.timezone(dt.timedelta(hours=1)))  # display in CET
    except OverflowError:
        return value.strftime(pattern) + " UTC"
    return local.strftime(pattern)


environment.filters["datetime"] = _format_datetime
environment.filters["safe_href"] = safe_href
"""``href="{{ stored_url|safe_href }}"``: every template that links to a stored address uses it,
so rows stored before http(s) was enforced (``javascript:…``) never become a link."""


def locale_of(request: Request) -> str:
    """The request's UI language (set by the locale middleware)."""
    return str(getattr(request.state, "locale", i18n.DEFAULT_LOCALE))


def gettext_for(request: Request) -> Any:
    """The ``_`` function for the request's language."""
    return i18n.translations(locale_of(request)).gettext


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page template with the shared layout context."""
    actor = getattr(request.state, "actor", None) or ANONYMOUS
    locale = locale_of(request)
    full = {
        "request": request,
        "actor": actor,
        "is_admin": actor.can(Permission.AUDIT_READ),
        "csrf_token": csrf_token(request),
        "locale": locale,
        "other_locale": "en" if locale == "de" else "de",
        "_": gettext_for(request),
        "navigation": NAVIGATION,
        "current_path": request.url.path,
    }
    full.update(context or {})
    html = environment.get_template(name).render(full)
    return HTMLResponse(html, status_code=status_code)
