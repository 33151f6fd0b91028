"""The platform's own data services (dcat:DataService) that serve catalogue datasets.

The CKAN Action API serves every dataset of the catalogue (package_show, datastore_search);
the OGC SensorThings API serves the datasets linked to its Datastreams.
"""

from __future__ import annotations

from domstadt.catalog.schemas import DataServicePublic, DatasetPublic

CKAN_DOCS = "https://docs.ckan.org/en/2.10/api/index.html"
STA_STANDARD = "http://www.opengis.net/doc/is/sensorthings/1.1"


def catalog_services(base: str, datasets: list[DatasetPublic]) -> list[DataServicePublic]:
    """The CKAN Action API and the SensorThings API, each with the datasets it serves."""
    return [
        DataServicePublic(
            id="ckan-api",
            title="CKAN Action API des Open-Data-Katalogs",
            description=(
                "Metadaten aller Datensätze (package_search, package_show) und Abfragen der "
                "tabellarischen Daten im DataStore (datastore_search, datastore_search_sql)."
            ),
            endpoint_url=f"{base}/api/3/action",
            endpoint_description=CKAN_DOCS,
            serves=[d.name for d in datasets],
        ),
        DataServicePublic(
            id="sensorthings",
            title="OGC SensorThings API (Sensordaten)",
            description=(
                "Messreihen (Datastreams) und Beobachtungen der Sensoren der Stadt Köln nach "
                "OGC SensorThings API 1.1."
            ),
            endpoint_url=f"{base}/sta/v1.1",
            endpoint_description=f"{base}/sta/v1.1",
            conforms_to=STA_STANDARD,
            serves=[d.name for d in datasets if d.datastreams],
        ),
    ]
