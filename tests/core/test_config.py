"""Settings: defaults, secret checks and masking."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr
from starlette.testclient import TestClient

from domstadt.core.config import ConfigError, Settings
from domstadt.core.db import Database


def test_default_database_is_sqlite_in_data_dir(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert settings.database_url == f"sqlite:///{tmp_path.as_posix()}/domstadt.sqlite3"
    assert settings.is_sqlite


def test_placeholder_secret_refused_in_production(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="DOMSTADT_SECRET_KEY"):
        Settings(environment="production", data_dir=tmp_path).check_secure()
    Settings(environment="demo", data_dir=tmp_path).check_secure()
    Settings(
        environment="production", data_dir=tmp_path, secret_key=SecretStr("x" * 40)
    ).check_secure()


def test_masked_hides_secrets_and_url_passwords(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url="postgresql://app:s3cret@db/domstadt",
        database_replica_urls="postgresql://app:r1pw@r1/domstadt, postgresql://app:r2pw@r2/d",
        smtp_password=SecretStr("mailpw"),
        secret_key=SecretStr("y" * 40),
    )
    masked = settings.masked()
    assert masked["database_url"] == "postgresql://app:********@db/domstadt"
    assert masked["secret_key"] == "********" and masked["smtp_password"] == "********"
    assert "s3cret" not in str(masked) and "mailpw" not in str(masked)
    assert "r1pw" not in str(masked) and "r2pw" not in str(masked)
    assert settings.replica_url_list == [
        "postgresql://app:r1pw@r1/domstadt",
        "postgresql://app:r2pw@r2/d",
    ]


def test_served_address_names_links_made_outside_a_request(
    settings: Settings, db: Database
) -> None:
    # `domstadt serve --host 0.0.0.0 --port 8123` without DOMSTADT_BASE_URL
    from domstadt.web.app import create_app

    served = settings.served_at("0.0.0.0", 8123)
    assert served.base_url == "http://127.0.0.1:8123"
    with TestClient(create_app(served, db)) as client:
        catalog = client.get("/catalog.ttl").text  # made in a request: follows the request
        assert "http://testserver/catalog" in catalog and ":8000" not in catalog
        landing = client.get("/sta/v1.1/").json()  # SensorThings links follow the request
        assert landing["value"][0]["url"].startswith("http://testserver/sta/v1.1/")
    explicit = settings.model_copy(update={"base_url": "https://daten.example"})
    assert explicit.served_at("0.0.0.0", 8123).base_url == "https://daten.example"
