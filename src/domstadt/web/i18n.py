"""German-first UI with an English switch: Babel catalogues read from the package at start.

Source strings are English; ``locale/de/LC_MESSAGES/messages.po`` of the web layer and of each
domain package holds the German. The
catalogue is compiled in memory, so no build step is needed to run from a checkout.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALES = ("de", "en")
DEFAULT_LOCALE = "de"


def catalogue_files(locale: str) -> list[Traversable]:
    """Every ``*.po`` of the web layer and of each domain package, for ``locale``."""
    from domstadt.web.domains import DOMAIN_PACKAGES

    files: list[Traversable] = []
    for package in ("domstadt.web", *DOMAIN_PACKAGES):
        folder = resources.files(package) / "locale" / locale / "LC_MESSAGES"
        if folder.is_dir():
            files.extend(
                sorted(
                    (p for p in folder.iterdir() if p.name.endswith(".po")), key=lambda p: p.name
                )
            )
    return files


@lru_cache(maxsize=4)
def translations(locale: str) -> gettext.NullTranslations:
    """The catalogue for ``locale``; English is the source language (identity)."""
    if locale == "en":
        return gettext.NullTranslations()
    catalog = Catalog(locale=locale)
    for path in catalogue_files(locale):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=locale):
                if message.id and message.string:
                    catalog.add(message.id, message.string)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def negotiate(query_lang: str | None, cookie_lang: str | None) -> str:
    """Pick the locale: explicit ``?lang=``, then the cookie, then German (the default).

    English is always chosen explicitly: the city's first language is German, whatever the
    browser's Accept-Language says.
    """
    for candidate in (query_lang, cookie_lang):
        if candidate in LOCALES:
            return candidate
    return DEFAULT_LOCALE


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message


DYNAMIC_MESSAGES = (
    # enum values shown through _(value) in templates
    N_("admin"),
    N_("editor"),
    N_("moderator"),
    N_("member"),
    N_("company"),
    N_("startup"),
    N_("association"),
    N_("research"),
    N_("public_body"),
    N_("dezernat"),
    N_("amt"),
    N_("stabsstelle"),
)
