"""An Excel workbook made with openpyxl is normalised like a CSV and answers datastore_search."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from openpyxl import Workbook

from domstadt.catalog import distribution_service
from domstadt.catalog.schemas import DistributionCreate
from domstadt.core.auth.permissions import system_actor
from domstadt.core.db import Database
from tests.catalog.conftest import make_dataset


def _workbook() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Standorte"
    sheet.append(["Ladesäulen in Köln (Stand 2024)"])
    sheet.append([])
    sheet.append(["Stadtteil", "Anzahl", "Leistung kW", "In Betrieb seit"])
    sheet.append(["Ehrenfeld", 42, 22.5, dt.date(2019, 5, 1)])
    sheet.append(["Kalk", 17, 11.0, dt.date(2021, 3, 15)])
    sheet.append(["Porz", 9, 50.0, dt.date(2023, 11, 30)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_upload_is_normalised_and_queryable(
    db: Database, departments: None, tmp_path: Path
) -> None:
    make_dataset(db, name="ladesaeulen", title="Ladesäulen")
    actor = system_actor("tests")
    with db.session() as session:
        res = distribution_service.distribution_create(
            session,
            actor=actor,
            dataset="ladesaeulen",
            data=DistributionCreate(title="Ladesäulen"),
            data_dir=tmp_path,
            upload=("ladesaeulen.xlsx", _workbook()),
        )
    assert res.format == "XLSX" and res.datastore_active
    types = {f["name"]: f["type"] for f in res.table_schema["fields"]}
    assert types["Stadtteil"] == "string" and types["Anzahl"] == "integer"
    assert types["Leistung kW"] == "number" and res.provenance["sheet"] == "Standorte"
    with db.session() as session:
        rows = distribution_service.datastore_search(
            session, actor=actor, resource_id=res.id, data_dir=tmp_path, sort="Anzahl desc"
        )
    assert rows["total"] == 3 and rows["records"][0]["Stadtteil"] == "Ehrenfeld"
    assert rows["records"][0]["Leistung kW"] == 22.5
