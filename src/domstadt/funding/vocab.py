"""Closed vocabularies of the funding radar: the codes we store, their UI labels (English
message ids, German in the catalogue) and the spellings a file may use for them."""

from __future__ import annotations

from domstadt.core.text.normalize import fold
from domstadt.web.i18n import N_

LEVELS = {
    "eu": N_("European Union"),
    "bund": N_("Federal"),
    "land": N_("State of NRW"),
    "kommune": N_("Cologne"),
    "privat": N_("Private"),
}
"""Funding levels, broadest first."""

FUNDING_TYPES = {
    "grant": N_("Grant"),
    "loan": N_("Loan"),
    "prize": N_("Prize"),
    "guarantee": N_("Guarantee"),
    "equity": N_("Equity"),
    "advice": N_("Advice"),
    "other": N_("Other"),
}

APPLICANTS = {
    "kommune": N_("Municipality"),
    "kmu": N_("SME"),
    "startup": N_("Startup"),
    "forschung": N_("Research"),
    "verein": N_("Association"),
    "buerger": N_("Citizens"),
    "unternehmen": N_("Company"),
    "bildung": N_("Education"),
}

STATUSES = {
    "open": N_("open"),
    "rolling": N_("rolling"),
    "upcoming": N_("upcoming"),
    "closed": N_("closed"),
}

_LEVEL_WORDS = {
    "eu": "eu europa europaeisch europaeische european ec horizon",
    "bund": "bund bundesweit bundesebene federal national deutschland",
    "land": "land nrw nordrhein westfalen landesebene",
    "kommune": "kommune koeln stadt kommunal municipal city",
    "privat": "privat private stiftung foundation",
}
_TYPE_WORDS = {
    "grant": "zuschuss zuschuesse zuwendung grant foerderung beihilfe",
    "loan": "darlehen kredit loan",
    "prize": "preis wettbewerb prize award",
    "guarantee": "buergschaft garantie guarantee",
    "equity": "beteiligung equity",
    "advice": "beratung advice",
    "other": "sonstige other",
}
_APPLICANT_WORDS = {
    "kommune": "kommune kommunen gemeinde gemeinden stadt staedte kreis municipality "
    "oeffentliche_einrichtung oeffentliche",
    "kmu": "kmu sme mittelstand kleinstunternehmen",
    "startup": "startup start existenzgruender existenzgruenderin gruender",
    "forschung": "forschung forschungseinrichtung hochschule hochschulen universitaet research",
    "verein": "verein vereine verband verband_vereinigung ngo",
    "buerger": "buerger buergerinnen privatperson privatpersonen citizens",
    "unternehmen": "unternehmen company companies",
    "bildung": "bildungseinrichtung schule schulen bildung",
}
_STATUS_WORDS = {
    "open": "offen open geoeffnet",
    "rolling": "laufend fortlaufend jederzeit rolling ongoing staendig",
    "upcoming": "demnaechst geplant upcoming forthcoming",
    "closed": "geschlossen abgelaufen beendet closed",
}


def _index(words: dict[str, str]) -> dict[str, str]:
    return {w: code for code, text in words.items() for w in text.split()}


LEVEL_BY_WORD = _index(_LEVEL_WORDS)
TYPE_BY_WORD = _index(_TYPE_WORDS)
APPLICANT_BY_WORD = _index(_APPLICANT_WORDS)
STATUS_BY_WORD = _index(_STATUS_WORDS)


def key(text: str) -> str:
    """A value as compared with the spellings: folded, punctuation and spaces to '_'."""
    folded = fold(text.strip().lower())
    return "".join(ch if ch.isalnum() else "_" for ch in folded).strip("_")


def lookup(text: str, by_word: dict[str, str]) -> str | None:
    """The code for ``text``: the whole value, else its first word that is a known spelling."""
    whole = key(text)
    if whole in by_word:
        return by_word[whole]
    for part in whole.replace("-", "_").split("_"):
        if part in by_word:
            return by_word[part]
    return None
