"""Settings: defaults, secret checks and masking."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from domstadt.core.config import ConfigError, Settings


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
        smtp_password=SecretStr("mailpw"),
        secret_key=SecretStr("y" * 40),
    )
    masked = settings.masked()
    assert masked["database_url"] == "postgresql://app:********@db/domstadt"
    assert masked["secret_key"] == "********" and masked["smtp_password"] == "********"
    assert "s3cret" not in str(masked) and "mailpw" not in str(masked)
