"""Every demo loader has a German label for the progress lines of `domstadt demo load`."""

from __future__ import annotations

from domstadt.demo.loader import LABELS, LOADERS


def test_every_loader_has_a_german_label() -> None:
    assert [name for name, _ in LOADERS if name not in LABELS] == []
