"""One pydantic-settings object for the whole platform (environment prefix ``DOMSTADT_``)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from domstadt.core.outbound import allowed_hosts_of
from domstadt.core.ratelimit import Rate, parse_plans

PLACEHOLDER_SECRET = "change-me-domstadt-development-only"

Environment = Literal["development", "demo", "test", "production"]


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which variable to set."""


class Settings(BaseSettings):
    """Effective settings; every value can be set as ``DOMSTADT_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="DOMSTADT_", env_file=".env", extra="ignore")

    environment: Environment = "development"
    data_dir: Path = Path("./var")
    database_url: str = ""
    database_replica_urls: str = ""
    """Comma-separated PostgreSQL streaming replicas for anonymous reads (docs/operations.md)."""
    secret_key: SecretStr = SecretStr(PLACEHOLDER_SECRET)
    base_url: str = "http://127.0.0.1:8000"
    redis_url: str = ""
    mqtt_url: str = ""
    mqtt_embedded: bool = True
    """Run the in-process MQTT broker (amqtt) with `domstadt serve` when mqtt_url is empty."""
    mqtt_embedded_host: str = "127.0.0.1"
    mqtt_embedded_port: int = Field(default=1883, ge=1, le=65535)
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = "domstadt@localhost"
    smtp_starttls: bool = True
    signup_max_per_address: int = Field(default=5, ge=1)
    """Sign-up, confirmation and reset mails one address may request within an hour."""
    signup_max_per_client: int = Field(default=20, ge=1)
    """Sign-up, confirmation and reset requests from one client address within an hour."""
    default_locale: Literal["de", "en"] = "de"
    session_max_age_seconds: int = Field(default=8 * 3600, ge=60)
    max_body_bytes: int = Field(default=10 * 1024 * 1024, ge=1024)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_seconds: int = Field(default=15 * 60, ge=1)
    embedding_model: Literal["auto", "e5", "use", "lexical"] = "auto"
    map_tiles: str = ""
    """Tile URL template for maps (e.g. an own tile server); empty draws on a plain background."""
    log_level: str = "INFO"
    log_format: Literal["", "json", "text"] = ""
    """``json``: one JSON object per log line (for a collector); ``text``: for a console.
    Empty: json in production, text in development, demo and tests (core/logs.py)."""
    participation_publisher: str = "DIG"
    """Code of the department that publishes participation as open data (catalogue datasets
    ``beteiligung-*``; `domstadt participation publish` and its daily job)."""
    transit_snap_tolerance_m: float = Field(default=50.0, gt=0, le=1000)
    """A connectivity measurement farther than this (metres) from every transit segment is
    kept as off-route (issue 12; docs/infrastructure.md)."""
    transit_snap_with_postgis: bool = True
    """Snap in the database where PostgreSQL has PostGIS; false: always in the process with
    shapely's STRtree (faster for bulk uploads; same answers; docs/benchmarks.md)."""
    transit_publisher: str = "DIG"
    """Code of the department that publishes the transit gap map as a catalogue dataset."""
    outbound_allowed_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    """Intranet hosts (names as written, or IP addresses; comma-separated) that harvesting and
    webhooks may reach although they are not public (core/outbound.py)."""

    @field_validator("outbound_allowed_hosts", mode="before")
    @classmethod
    def _allowed_hosts(cls, value: Any) -> tuple[str, ...]:
        return allowed_hosts_of(value)

    # --- sign-in and client addresses (issue 14, low findings) ---
    trusted_proxies: str = ""
    """Comma-separated addresses or CIDR networks of reverse proxies whose X-Forwarded-For and
    X-Forwarded-Proto are believed; empty: none, the peer is the client."""
    login_max_failures_per_client: int = Field(default=30, ge=1)
    """Failed sign-ins from one client address (any accounts) within an hour before a lock."""
    login_slowdown_seconds: float = Field(default=1.0, ge=0, le=10)
    """First wait of an account with many failures; doubles per failure, at most 10 s."""

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        for entry in filter(None, (part.strip() for part in value.split(","))):
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"DOMSTADT_TRUSTED_PROXIES: {entry!r} ist keine IP-Adresse und kein Netz "
                    "(z. B. 10.0.0.5 oder 10.0.0.0/24)."
                ) from None
        return value

    @property
    def replica_url_list(self) -> list[str]:
        """The read replicas' URLs as a list (empty: every read goes to the primary)."""
        return [part.strip() for part in self.database_replica_urls.split(",") if part.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        """The trusted proxies as a list of addresses and networks."""
        return [part.strip() for part in self.trusted_proxies.split(",") if part.strip()]

    # --- API keys, rate limits and usage statistics (issue 12, docs/api.md) ---
    rate_limit_enabled: bool = True
    """Apply the API rate limits (``web/ratelimit.py``); off only for measurements."""
    rate_limit_anonymous: str = "600/minute"
    """Requests to the APIs per client address without key or token (e.g. ``600/minute``;
    ``off``: no limit)."""
    rate_limit_token: str = "3000/minute"
    """Requests per personal API token."""
    rate_limit_plans: str = "standard=3000/minute,partner=30000/minute"
    """Plans of registered apps, ``name=rate`` comma-separated; each app key counts alone."""
    rate_limit_default_plan: str = "standard"
    """The plan of a newly registered app."""
    usage_flush_seconds: float = Field(default=60.0, gt=0, le=3600)
    """How often each process writes its aggregated per-app usage to the database."""
    credential_cache_seconds: float = Field(default=10.0, ge=0, le=300)
    """How long a process trusts what it looked up about a key or token for rate limiting
    (revoking in another worker takes effect after at most this long)."""

    @model_validator(mode="after")
    def _rates(self) -> Settings:
        Rate.parse(self.rate_limit_anonymous, setting="DOMSTADT_RATE_LIMIT_ANONYMOUS")
        Rate.parse(self.rate_limit_token, setting="DOMSTADT_RATE_LIMIT_TOKEN")
        if self.rate_limit_default_plan not in parse_plans(self.rate_limit_plans):
            raise ValueError(
                f"DOMSTADT_RATE_LIMIT_DEFAULT_PLAN: {self.rate_limit_default_plan!r} ist kein "
                "Plan aus DOMSTADT_RATE_LIMIT_PLANS."
            )
        return self

    # Resource bounds (issue 14): every query, request and import has a limit.
    datastore_memory_limit_mb: int = Field(default=512, ge=64)
    """Memory of one DataStore query (DuckDB memory_limit; SQL queries: their process's cap)."""
    datastore_threads: int = Field(default=1, ge=1, le=64)
    datastore_time_limit_seconds: float = Field(default=5.0, gt=0, le=600)
    datastore_max_rows: int = Field(default=10_000, ge=1)
    """Rows of one datastore_search_sql answer; more are cut off (``records_truncated``)."""
    datastore_max_result_mb: int = Field(default=16, ge=1)
    """Size of one DataStore answer; SQL answers are cut off, larger search pages refused."""
    datastore_sql_processes: int = Field(default=2, ge=1, le=64)
    """SQL queries running at once (each in its own process); later ones wait, then 503."""
    db_statement_timeout_seconds: float = Field(default=30.0, ge=0)
    """PostgreSQL statement_timeout of web requests (0: none; the CLI and jobs: none)."""
    db_lock_timeout_seconds: float = Field(default=5.0, ge=0)
    """PostgreSQL lock_timeout of web requests (the CLI and jobs: 60 s)."""
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)
    """Longest wait for a free pooled connection before a request answers 503."""
    db_busy_timeout_seconds: float = Field(default=10.0, ge=0)
    """SQLite: how long a writer waits (with backoff) for the write lock before 503."""
    retry_after_seconds: int = Field(default=5, ge=1)
    """``Retry-After`` of 503 answers (database or DataStore busy, not ready)."""
    readiness_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    """How long ``/readyz`` waits for the database and Redis each before it answers 503."""
    max_json_depth: int = Field(default=64, ge=2, le=1000)
    max_json_number_digits: int = Field(default=100, ge=20, le=4000)
    max_json_string_chars: int = Field(default=100_000, ge=1000)
    """Longest string in a JSON body (in characters); longer ones answer 422."""
    max_import_rows: int = Field(default=1_000, ge=1)
    """Rows of one initiatives import through the web page (the CLI takes up to 20,000)."""

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _defaults(self) -> Settings:
        if not self.database_url:
            self.database_url = f"sqlite:///{(self.data_dir / 'domstadt.sqlite3').as_posix()}"
        return self

    @property
    def effective_log_format(self) -> Literal["json", "text"]:
        """The log format in use: the one set, else json in production and text elsewhere."""
        if self.log_format:
            return self.log_format
        return "json" if self.environment == "production" else "text"

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    def served_at(self, host: str, port: int) -> Settings:
        """These settings for a server listening on ``host:port``: without DOMSTADT_BASE_URL,
        links made outside a request (feeds, DCAT, MQTT notifications) name that address
        instead of the default port. The value still counts as not set, so the SensorThings
        API keeps building its links from each request's origin."""
        if "base_url" in self.model_fields_set:
            return self
        shown = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
        shown = f"[{shown}]" if ":" in shown else shown
        served = self.model_copy(update={"base_url": f"http://{shown}:{port}"})
        served.model_fields_set.discard("base_url")
        return served

    def check_secure(self) -> None:
        """Refuse a placeholder secret outside development, demo and tests."""
        if self.environment == "production" and (
            self.secret_key.get_secret_value() in {"", PLACEHOLDER_SECRET}
            or len(self.secret_key.get_secret_value()) < 32
        ):
            raise ConfigError(
                "DOMSTADT_SECRET_KEY is unset or the placeholder. Set it to a random value of at "
                "least 32 characters, e.g. from "
                "`python -c 'import secrets;print(secrets.token_urlsafe(48))'`."
            )

    def masked(self) -> dict[str, Any]:
        """Settings as a dict with every secret (and the password in URLs) masked."""
        out: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                out[name] = "********" if value.get_secret_value() else ""
            elif name.endswith("_url") and isinstance(value, str):
                out[name] = _mask_url_password(value)
            elif name.endswith("_urls") and isinstance(value, str):
                out[name] = ",".join(_mask_url_password(u) for u in value.split(","))
            else:
                out[name] = str(value) if isinstance(value, Path) else value
        return out


def _mask_url_password(url: str) -> str:
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    if ":" in creds:
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:********@{host}"
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
