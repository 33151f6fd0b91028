"""The pitch deck check: a PDF (by name and by its first bytes) up to the attachment size
limit of challenges."""

from __future__ import annotations

from pathlib import PurePosixPath

from domstadt.core.errors import Invalid
from domstadt.participation.challenges import files

DECK_RULE = "Das Pitch-Deck muss eine PDF-Datei sein (.pdf, höchstens 10 MiB)."


def checked_deck(filename: str, content: bytes) -> str:
    """The deck's safe file name after checking it is a non-empty PDF within the limit."""
    if not filename:
        raise Invalid(f"Bitte laden Sie ein Pitch-Deck hoch. {DECK_RULE}", field="deck")
    name = files.safe_name(filename)
    if PurePosixPath(name).suffix.lower() != ".pdf":
        raise Invalid(f"{name}: {DECK_RULE}", field="deck")
    files.checked_type(name, content)
    return name
