"""The privacy gate on real German tables (tests/catalog/data/privacy_eval, sources and licences
in SOURCES.md there) and on the cases the issue named: "Hohe Straße 12", names behind a
salutation, addresses split over a street and a house-number column, telephone numbers written
as bare digits, dates of birth, licence plates, and personal data far down a long table."""

from __future__ import annotations

from pathlib import Path

from domstadt.catalog.privacy.evaluate import cases, figures, load, per_kind, stratified_split
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


def test_names_in_running_text_but_not_namesakes_or_builders_of_the_past() -> None:
    text = [
        "Rückfragen bitte an: Pressesprecherin Heike Wilsdorf, Telefon folgt",
        "Foto: Fabian Kamp",
    ]
    assert _kinds(["absatz", "text"], [[1, 2], text]) == {("text", "person_name")}
    namesakes = [
        "Albert Schweitzer-Grundschule",
        "Richard Wagner Str. / Aachener Weiher",
        'Grundschule Rabenstein "Hans Carl von Carlowitz"',
        "St. Katharina Altenzentrum",
        "Landwirtschaftsschule; 1924-25, von Hermann Rohwer; expressionistischer Bau",
        "Neulandhalle; 1935/36, Architekt Richard Brodersen",
    ]
    assert _kinds(["Bezeichnung", "Nr"], [namesakes, list(range(6))]) == set()


def test_who_edited_a_record_and_addresses_split_with_a_prefix() -> None:
    found = _kinds(
        ["last_edited_by", "Creator", "venue_street", "venue_housenumber"],
        [["marian", "AJoNee"], ["GISAdminChemnitz"] * 2, ["Batteriestraße", "Neustadt"], [63, 26]],
    )
    assert found == {("last_edited_by", "person_name"), ("venue_street", "street_address")}


def test_roads_and_guids_are_neither_plates_nor_phones() -> None:
    found = _kinds(
        ["Standort", "GlobalID"],
        [["Heidestr. - L489 / BAB A59"], ["01157163-9a03-451a-81b0-44ebf5a8ad1d"]],
    )
    assert found == set()


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
    corrections: list[dict[str, str]] = meta["corrections"]  # type: ignore[assignment]
    at_split = {n: dict(labels[n]) for n in new}  # the labels as they were when it was drawn
    for fix in corrections:
        if fix["table"] in at_split:
            kinds = [k for k in at_split[fix["table"]][fix["column"]] if k != fix["added"]]
            at_split[fix["table"]][fix["column"]] = kinds
            at_split[fix["table"]] = {c: k for c, k in at_split[fix["table"]].items() if k}
        assert fix["table"] not in split["heldout"]
    development, heldout = stratified_split(at_split, int(str(meta["seed"])))
    assert split["heldout"] == heldout
    assert set(split["development"]) == set(development) | (set(labels) - set(new))
    assert set(retired) <= set(split["development"]) and not set(heldout) & set(retired)
    assert sorted(p.name for p in DATA.glob("*.csv")) == sorted(labels)


def test_recorded_figures_of_the_second_held_out_part() -> None:
    """Guards the held-out figures recorded in docs/catalog.md and docs/benchmarks.md (the
    rules were chosen on the development part only): the issue's target, recall >= 0.95 at
    precision >= 0.8 for personal data, column by column."""
    items = cases(DATA, "heldout")
    result = figures(items)
    assert (result.cases, result.positives) == (169, 18)
    assert result.recall >= 0.95 and result.precision >= 0.8, (result.missed, result.false_alarms)
    by_kind = {k.kind: k for k in per_kind(items)}
    assert all(by_kind[k].recall == 1.0 for k in ("email", "iban", "phone", "street_address"))
    assert by_kind["person_name"].recall == 1.0
