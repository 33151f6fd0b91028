"""Checks of dataset metadata before anything is written; every problem names its field."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from domstadt.catalog import vocab
from domstadt.catalog.models import Dataset
from domstadt.core.auth.models import Department, Organisation
from domstadt.core.errors import Invalid
from domstadt.core.weburl import is_web_url, web_url_problem

NAME_RE = re.compile(r"^[a-z0-9_-]{2,100}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def slugify(text: str) -> str:
    """A CKAN-style URL name from a title: lower-case ASCII, digits, hyphens."""
    text = text.replace("ß", "ss").replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    text = text.replace("Ä", "ae").replace("Ö", "oe").replace("Ü", "ue")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:90] or "datensatz"


class Problems:
    """Collects field errors; :meth:`raise_if_any` raises one Invalid naming all of them."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        """Note one problem with ``field``."""
        self.errors.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        """Raise Invalid with every problem in ``details`` (CKAN: field → messages)."""
        if self.errors:
            text = "; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items())
            first = next(iter(self.errors))
            raise Invalid(f"Ungültige Angaben – {text}", field=first, details=self.errors)


def check_vocabularies(values: dict[str, Any], problems: Problems) -> None:
    """Licence, themes, frequency, access rights and restriction reason from their lists."""
    if vocab.license_id_of(values["license_id"]) is None:
        problems.add(
            "license_id",
            f"Unbekannte Lizenz '{values['license_id']}'. Erlaubt sind die Lizenzen der "
            "dcat-ap.de-Lizenzliste, z. B. dl-by-de/2.0 oder cc-by/4.0.",
        )
    for theme in values["themes"]:
        if theme not in vocab.THEMES:
            problems.add(
                "themes", f"Unbekanntes Thema '{theme}'. Erlaubt: {', '.join(vocab.THEMES)}."
            )
    if values["frequency"] and values["frequency"] not in vocab.FREQUENCIES:
        problems.add(
            "frequency",
            f"Unbekannte Aktualisierungsfrequenz '{values['frequency']}'. "
            f"Erlaubt: {', '.join(vocab.FREQUENCIES)}.",
        )
    access = values["access_rights"]
    if access not in vocab.ACCESS_RIGHTS:
        problems.add("access_rights", "Zugriffsrecht muss PUBLIC, RESTRICTED oder NON_PUBLIC sein.")
    reason = values["restriction_reason"]
    if access != "PUBLIC" and reason not in vocab.RESTRICTION_REASONS:
        problems.add(
            "restriction_reason",
            "Nicht offene Datensätze brauchen einen dokumentierten Grund: "
            f"{', '.join(vocab.RESTRICTION_REASONS)}.",
        )
    if access == "PUBLIC" and reason:
        problems.add("restriction_reason", "Ein offener Datensatz hat keinen Einschränkungsgrund.")


def check_fields(values: dict[str, Any], problems: Problems) -> None:
    """Title, name, contact e-mail, temporal coverage."""
    if not values["title"].strip():
        problems.add("title", "Bitte geben Sie einen Titel an.")
    if not NAME_RE.match(values["name"]):
        problems.add(
            "name",
            "Der Name (URL) darf nur Kleinbuchstaben, Ziffern, - und _ enthalten "
            "(2 bis 100 Zeichen).",
        )
    email = values["contact_email"]
    if email and not EMAIL_RE.match(email):
        problems.add("contact_email", f"'{email}' ist keine gültige E-Mail-Adresse.")
    start, end = values["temporal_start"], values["temporal_end"]
    if start and end and end < start:
        problems.add("temporal_end", "Das Ende des Zeitraums liegt vor seinem Beginn.")
    for key in ("landing_page", "spatial_uri", "political_geocoding_uri", "contributor_id"):
        if values[key] and not is_web_url(values[key]):
            problems.add(key, web_url_problem(values[key]))
    check_extras(values.get("extras") or {}, problems)


MAX_EXTRAS = 100
MAX_EXTRA_KEY = 100
MAX_EXTRA_VALUE = 10_000


def check_extras(extras: dict[str, str], problems: Problems) -> None:
    """At most 100 extras; keys 1–100 characters, values at most 10,000."""
    if len(extras) > MAX_EXTRAS:
        problems.add("extras", f"Höchstens {MAX_EXTRAS} Zusatzfelder (extras) je Datensatz.")
    for key, value in extras.items():
        if not key.strip() or len(key) > MAX_EXTRA_KEY:
            problems.add(
                "extras",
                f"Der Schlüssel eines Zusatzfelds muss 1 bis {MAX_EXTRA_KEY} Zeichen lang sein.",
            )
        elif len(value) > MAX_EXTRA_VALUE:
            problems.add(
                "extras",
                f"Der Wert des Zusatzfelds '{key}' ist länger als {MAX_EXTRA_VALUE} Zeichen.",
            )


def check_name_free(session: Session, name: str, own_id: int | None, problems: Problems) -> None:
    """The URL name must be unique across the catalogue."""
    other = session.scalar(select(Dataset.id).where(Dataset.name == name))
    if other is not None and other != own_id:
        problems.add("name", f"Der Name '{name}' ist bereits vergeben.")


def resolve_department(session: Session, code: str | None, problems: Problems) -> int | None:
    """The id of the department with ``code`` (None when no code is given)."""
    if not code:
        return None
    dept_id = session.scalar(select(Department.id).where(Department.code == code))
    if dept_id is None:
        problems.add("department_code", f"Unbekannte Dienststelle '{code}'.")
    return dept_id


def check_organisation(session: Session, organisation_id: int | None, problems: Problems) -> None:
    """A publishing organisation must exist."""
    if organisation_id is not None and session.get(Organisation, organisation_id) is None:
        problems.add("organisation_id", f"Unbekannte Organisation {organisation_id}.")
