"""Controlled vocabularies of DCAT-AP.de used by the catalogue: licences (shipped as data),
EU data themes, update frequencies, access rights, restriction reasons, Köln's geocoding."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


def N_(message: str) -> str:
    """Mark a label for extraction; translated where it is shown."""
    return message


THEME_BASE = "http://publications.europa.eu/resource/authority/data-theme/"
FREQUENCY_BASE = "http://publications.europa.eu/resource/authority/frequency/"
ACCESS_RIGHT_BASE = "http://publications.europa.eu/resource/authority/access-right/"
LICENSE_BASE = "http://dcat-ap.de/def/licenses/"
GEOCODING_MUNICIPALITY = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
GEOCODING_LEVEL_MUNICIPALITY = "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
KOELN_MUNICIPALITY_KEY = "05315000"
KOELN_GEOCODING_URI = GEOCODING_MUNICIPALITY + KOELN_MUNICIPALITY_KEY

THEMES: dict[str, str] = {
    "AGRI": N_("Agriculture, fisheries, forestry and food"),
    "ECON": N_("Economy and finance"),
    "EDUC": N_("Education, culture and sport"),
    "ENER": N_("Energy"),
    "ENVI": N_("Environment"),
    "GOVE": N_("Government and public sector"),
    "HEAL": N_("Health"),
    "INTR": N_("International issues"),
    "JUST": N_("Justice, legal system and public safety"),
    "REGI": N_("Regions and cities"),
    "SOCI": N_("Population and society"),
    "TECH": N_("Science and technology"),
    "TRAN": N_("Transport"),
}

FREQUENCIES: dict[str, str] = {
    "CONT": N_("continuously"),
    "DAILY": N_("daily"),
    "WEEKLY": N_("weekly"),
    "MONTHLY": N_("monthly"),
    "QUARTERLY": N_("quarterly"),
    "ANNUAL": N_("annually"),
    "IRREG": N_("irregularly"),
    "NEVER": N_("never"),
    "UNKNOWN": N_("unknown"),
}

ACCESS_RIGHTS: dict[str, str] = {
    "PUBLIC": N_("public"),
    "RESTRICTED": N_("restricted"),
    "NON_PUBLIC": N_("not public"),
}

RESTRICTION_REASONS: dict[str, str] = {
    "personal_data": N_("personal data (GDPR)"),
    "third_party_rights": N_("rights of third parties"),
    "security": N_("public security"),
    "trade_secret": N_("trade or business secrets"),
    "ongoing_procedure": N_("ongoing administrative procedure"),
}

MEDIA_TYPES: dict[str, str] = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "PARQUET": "application/vnd.apache.parquet",
    "PDF": "application/pdf",
    "XML": "application/xml",
    "ZIP": "application/zip",
    "HTML": "text/html",
}


@lru_cache(maxsize=1)
def licenses() -> dict[str, dict[str, object]]:
    """The dcat-ap.de licence list (``data/licenses.json``) by short id (``dl-by-de/2.0``)."""
    path = resources.files("domstadt.catalog") / "data" / "licenses.json"
    rows = json.loads(path.read_text(encoding="utf-8"))["licenses"]
    return {str(r["id"]): r for r in rows}


def license_id_of(value: str) -> str | None:
    """The short licence id for a short id or a licence URI, or None when not on the list."""
    value = (value or "").strip()
    short = value.removeprefix(LICENSE_BASE).removeprefix(LICENSE_BASE.replace("http:", "https:"))
    return short if short in licenses() else None


def license_uri(license_id: str) -> str:
    """The dcat-ap.de URI of a licence id."""
    return LICENSE_BASE + license_id


def license_title(license_id: str) -> str:
    """The German title of a licence id (the id itself when unknown)."""
    row = licenses().get(license_id)
    return str(row["title"]) if row else license_id


def code_of(value: str, base: str) -> str:
    """The code of a vocabulary URI (``…/data-theme/TRAN`` → ``TRAN``); codes pass through."""
    value = (value or "").strip()
    for prefix in (base, base.replace("http:", "https:")):
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value.rsplit("/", 1)[-1] if value.startswith("http") else value
