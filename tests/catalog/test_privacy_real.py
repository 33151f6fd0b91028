"""The privacy gate on real German tables (tests/catalog/data/privacy_eval, sources and licences
in SOURCES.md there) and on the cases the issue named: "Hohe Straße 12", names behind a
salutation, addresses split over a street and a house-number column, telephone numbers written
as bare digits, dates of birth, licence plates, and personal data far down a long table."""

from __future__ import annotations

from pathlib import Path

from domstadt.catalog.privacy.evaluate import load, stratified_split
from domstadt.catalog.privacy.scan import scan_table

DATA = Path(__file__).parent / "data" / "privacy_eval"


def _kinds(names: list[str], columns: list[list[object]]) -> set[tuple[str, str]]:
    return {(f.column, f.kind) for f in scan_table(names, columns)}


def test_addresses_written_the_way_cologne_writes_them() -> None:
    found = _kinds(
        ["Ort", "Nr"],
        [
            ["Hohe Straße 12", "Alter Markt 3", "Mailänder Passage 51", "Roncalliplatz 4"],
            [1, 2, 3, 4],
        ],
    )
    assert found == {("Ort", "street_address")}
    times = _kinds(["Öffnungszeiten", "Nr"], [["1.Do im Monat 10:00 - 22:00", "Mo 9:00"], [1, 2]])
    assert times == set()


def test_names_behind_a_salutation_or_title_and_split_addresses() -> None:
    found = _kinds(
        ["Leitung", "Straße", "Hausnummer", "Telefon"],
        [
            ["Frau Droemert", "Herr Mülhausen"],
            ["Parkstraße", "Brahmsstr."],
            ["13", "6"],
            [3132978, 43136],
        ],
    )
    assert found == {
        ("Leitung", "person_name"),
        ("Straße", "street_address"),
        ("Telefon", "phone"),
    }
    # Street names with the ranges of their house numbers are a street list, not addresses.
    streets = _kinds(
        ["strassenname", "hausnr_gerade_von", "hausnr_gerade_bis"],
        [["Aachener Str.", "Aarestr."], ["0002", "0186"], ["0134", "0250"]],
    )
    assert streets == set()


def test_birth_dates_and_licence_plates() -> None:
    found = _kinds(
        ["Geburtsdatum", "Kennzeichen", "Messzeit"],
        [["01.02.1980", "1975-11-30"], ["K-AB 1234", "BN XY 12"], ["2014-04-23T18:02:12Z"] * 2],
    )
    assert found == {("Geburtsdatum", "birth_date"), ("Kennzeichen", "licence_plate")}


def test_every_row_is_read() -> None:
    column: list[object] = ["Köln"] * 250_000 + ["erika.muster@example.org"]
    found = scan_table(["Ort", "Nr"], [column, list(range(len(column)))])
    assert [(f.column, f.kind, f.hits) for f in found] == [("Ort", "email", 1)]


def test_the_held_out_part_is_the_frozen_seeded_split_of_the_new_tables() -> None:
    """The second held-out part was drawn once from the round-2 tables; the first one was
    consumed (reported) and joined the development part."""
    meta = load(DATA)
    labels: dict[str, dict[str, list[str]]] = meta["labels"]  # type: ignore[assignment]
    split: dict[str, list[str]] = meta["split"]  # type: ignore[assignment]
    new: list[str] = meta["new_tables"]  # type: ignore[assignment]
    retired: list[str] = meta["retired_heldout"]  # type: ignore[assignment]
    development, heldout = stratified_split({n: labels[n] for n in new}, int(str(meta["seed"])))
    assert split["heldout"] == heldout
    assert set(split["development"]) == set(development) | (set(labels) - set(new))
    assert set(retired) <= set(split["development"]) and not set(heldout) & set(retired)
    assert sorted(p.name for p in DATA.glob("*.csv")) == sorted(labels)
