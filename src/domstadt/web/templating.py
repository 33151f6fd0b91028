"""Jinja2 rendering with the request's language, actor, CSRF token and navigation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from domstadt.core.auth.permissions import ANONYMOUS, Permission
from domstadt.core.weburl import safe_href
from domstadt.web import formatting, i18n
from domstadt.web.deps import csrf_token
from domstadt.web.i18n import N_

NAVIGATION = (
    ("/masterplan", N_("Masterplan")),
    ("/beteiligung", N_("Participation")),
    ("/daten", N_("Data")),
    ("/sensoren", N_("Sensors")),
    ("/foerderung", N_("Funding programmes")),
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


def _in_locale(function: Callable[..., str]) -> Callable[..., str]:
    """A formatting function as a Jinja filter that takes the page's ``locale`` unless given:
    ``{{ value|number }}``, ``{{ value|datetime(locale) }}``."""

    @pass_context
    def wrapped(context: Context, value: Any, locale: str | None = None, *a: Any, **k: Any) -> str:
        return function(value, locale or context.get("locale"), *a, **k)

    wrapped.__doc__ = function.__doc__
    return wrapped


for _name in (
    "number",
    "fixed",
    "percent",
    "money",
    "date",
    "datetime",
    "relative",
    "hours",
    "local_name",
):
    environment.filters[_name] = _in_locale(getattr(formatting, _name))


@pass_context
def _label(context: Context, value: Any, labels: Mapping[Any, str]) -> str:
    """``{{ measure.status|label(STATUS) }}``: the translated display name of an enum value."""
    return formatting.label(value, labels, context.get("locale"))


@pass_context
def _ngettext(context: Context, singular: str, plural: str, count: int) -> str:
    """``{{ ngettext("%(num)s measure", "%(num)s measures", n) }}`` in the page's language."""
    return formatting.plural(singular, plural, count, context.get("locale"))


environment.filters["label"] = _label
environment.globals["ngettext"] = _ngettext
environment.globals["changes"] = formatting.changes
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
