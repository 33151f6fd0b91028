"""`domstadt sensors import csv`: DWD daily weather of Köln/Bonn with its German columns and
-999 markers, idempotent re-import, and errors that name row and column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from typer.testing import CliRunner

from domstadt.core.db import Database
from domstadt.sensors import csv_import_service, import_service
from domstadt.sensors.cli import sensors_app
from tests.sensors.conftest import STA

MAPPING = import_service._data_file("koeln_bonn_dwd_02667_mapping.json")
WEATHER = import_service._data_file("koeln_bonn_dwd_02667_daily_weather.csv")


def _weather(tmp_path: Path, rows: int, edit: tuple[int, str, str] | None = None) -> Path:
    """The first ``rows`` days of the shipped file; ``edit`` = (file line, column, new text)."""
    lines = WEATHER.read_text("utf-8").splitlines()[: rows + 1]
    if edit:
        line, column, text = edit
        header = lines[0].split(",")
        cells = lines[line - 1].split(",")
        cells[header.index(column)] = text
        lines[line - 1] = ",".join(cells)
    path = tmp_path / f"weather_{rows}.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(sensors_app, ["import", "csv", *args])
    return result.exit_code, result.output


def test_field_over_the_csv_limit_names_its_line(tmp_path: Path, cli_env: None) -> None:
    """A field of 200 KiB (the csv module stops at 128 KiB): the row and the limit, exit 1."""
    code, out = cli(
        str(_weather(tmp_path, 5, (4, "LUFTTEMPERATUR", "9" * 200 * 1024))),
        "--mapping",
        str(MAPPING),
    )
    assert code == 1 and "Zeile 4: ein Feld ist länger als 128 KiB" in " ".join(out.split())


def _stream(client: TestClient, name: str) -> dict[str, object]:
    found = client.get(f"{STA}/Datastreams", params={"$filter": f"name eq '{name}'"}).json()
    return dict(found["value"][0])


def test_dwd_weather_import_and_idempotent_reimport(
    client: TestClient, tmp_path: Path, cli_env: None
) -> None:
    code, out = cli(str(_weather(tmp_path, 30)), "--mapping", str(MAPPING))
    assert code == 0, out
    assert "7 Datastreams neu" in out and "Quelle: Deutscher Wetterdienst" in out
    assert "30 fehlende Werte übersprungen" in out  # no sunshine duration in 1957

    thing = client.get(f"{STA}/Things?$expand=Locations,Datastreams").json()["value"][0]
    assert thing["name"] == "Wetterstation Köln/Bonn (DWD 02667)"
    assert thing["properties"]["source"] == "Quelle: Deutscher Wetterdienst"
    assert thing["Locations"][0]["location"]["coordinates"] == [7.1575, 50.8645]
    assert len(thing["Datastreams"]) == 7

    temp = _stream(client, "Lufttemperatur Tagesmittel Köln/Bonn")
    assert temp["unitOfMeasurement"] == {
        "name": "Grad Celsius",
        "symbol": "°C",
        "definition": "http://unitsofmeasure.org/ucum.html#para-30",
    }
    first = client.get(
        f"{STA}/Datastreams({temp['@iot.id']})/Observations",
        params={"$orderby": "phenomenonTime asc", "$top": 1, "$count": "true"},
    ).json()
    assert first["@iot.count"] == 30
    assert first["value"][0]["result"] == 14.4
    assert first["value"][0]["phenomenonTime"] == "1957-09-01T00:00:00Z/1957-09-02T00:00:00Z"
    sun = _stream(client, "Sonnenscheindauer Tagessumme Köln/Bonn")
    assert "phenomenonTime" not in sun or sun["phenomenonTime"] is None

    code, out = cli(str(_weather(tmp_path, 35)), "--mapping", str(MAPPING))
    assert code == 0, out
    assert "0 Datastreams neu" in out and "35 Observations importiert" in out  # 5 days × 7
    assert "180 schon vorhanden" in out  # 30 days × 6 streams with values
    assert len(client.get(f"{STA}/Things").json()["value"]) == 1


def test_errors_name_row_and_column_and_nothing_is_written(
    client: TestClient, db: Database, tmp_path: Path, cli_env: None
) -> None:
    bad_value = _weather(tmp_path, 10, (4, "LUFTTEMPERATUR", "warm"))
    code, out = cli(str(bad_value), "--mapping", str(MAPPING))
    assert code == 1
    assert "Zeile 4, Spalte LUFTTEMPERATUR: „warm“ ist keine Zahl" in " ".join(out.split())
    assert client.get(f"{STA}/Things").json()["value"] == []

    mapping = csv_import_service.parse_mapping(MAPPING.read_text("utf-8"))
    bad_date = _weather(tmp_path, 12, (3, "Mess_Datum", "1957-09-02"))
    with pytest.raises(csv_import_service.Invalid) as caught:
        csv_import_service.read_rows(bad_date, mapping)
    assert "Zeile 3, Spalte Mess_Datum: „1957-09-02“ passt nicht zum Zeitformat %Y%m%d" in str(
        caught.value
    )
    assert caught.value.details[0] == {
        "row": 3,
        "column": "Mess_Datum",
        "message": "Zeile 3, Spalte Mess_Datum: „1957-09-02“ passt nicht zum Zeitformat %Y%m%d.",
    }

    lines = _weather(tmp_path, 3).read_text("utf-8").splitlines()
    repeated = tmp_path / "repeated.csv"
    repeated.write_text("\n".join([*lines, lines[1]]) + "\n", "utf-8")  # the same day again
    parsed = csv_import_service.read_rows(repeated, mapping)
    assert len(parsed.rows) == 3 and parsed.repeated == 1
    repeated.write_text("\n".join([*lines, lines[1].replace(",14.4,", ",15.0,")]) + "\n", "utf-8")
    with pytest.raises(csv_import_service.Invalid) as caught:
        csv_import_service.read_rows(repeated, mapping)
    assert "Zeile 5, Spalte Mess_Datum: Zeitpunkt doppelt mit anderen Werten (wie Zeile 2)" in str(
        caught.value
    )

    wrong_column = json.loads(MAPPING.read_text("utf-8"))
    wrong_column["datastreams"][0]["column"] = "TEMPERATUR"
    code, out = cli(str(_weather(tmp_path, 5)), "--mapping", json.dumps(wrong_column))
    assert code == 1 and "Spalte „TEMPERATUR“ fehlt in der CSV-Datei" in " ".join(out.split())

    no_unit = json.loads(MAPPING.read_text("utf-8"))
    del no_unit["datastreams"][1]["unit"]
    code, out = cli(str(_weather(tmp_path, 5)), "--mapping", json.dumps(no_unit))
    assert code == 1 and "datastreams.1.unit" in out
    code, out = cli(str(_weather(tmp_path, 5)), "--mapping", "{nope")
    assert code == 1 and "kein gültiges JSON" in out
    assert client.get(f"{STA}/Things").json()["value"] == []
