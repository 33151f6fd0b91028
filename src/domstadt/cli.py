"""The ``domstadt`` command: serve, migrate, demo data, accounts, tokens, config, worker,
backups."""

from __future__ import annotations

import json
import logging
import os
import sys
import time

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from domstadt.core.auth import directory_service as directory
from domstadt.core.auth import service as auth
from domstadt.core.auth.models import Role
from domstadt.core.auth.permissions import system_actor
from domstadt.core.auth.schemas import UserCreate, expiry_from_form
from domstadt.core.config import ConfigError, get_settings
from domstadt.core.db import Database, NotMigrated
from domstadt.core.errors import DomainError

app = typer.Typer(
    help="Domstadt – open platform for the Masterplan Digitales Köln.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
demo_app = typer.Typer(help="Cologne demo data.", no_args_is_help=True)
user_app = typer.Typer(help="Accounts.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens.", no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
departments_app = typer.Typer(help="The city's departments.", no_args_is_help=True)
text_app = typer.Typer(help="Search and similarity indexes.", no_args_is_help=True)
mail_app = typer.Typer(help="Outgoing e-mail.", no_args_is_help=True)
search_app = typer.Typer(help="Site search index.", no_args_is_help=True)
for sub, name in (
    (db_app, "db"),
    (demo_app, "demo"),
    (user_app, "user"),
    (token_app, "token"),
    (config_app, "config"),
    (departments_app, "departments"),
    (text_app, "text"),
    (mail_app, "mail"),
    (search_app, "search"),
):
    app.add_typer(sub, name=name)


def _register_domains() -> None:
    from domstadt.backup import cli as backup_cli
    from domstadt.catalog import cli as catalog_cli
    from domstadt.developers import cli as developers_cli
    from domstadt.funding import cli as funding_cli
    from domstadt.funding.ecosystem import cli as ecosystem_cli
    from domstadt.funding.practices import cli as practices_cli
    from domstadt.infrastructure.coverage import cli as coverage_cli
    from domstadt.infrastructure.transit import cli as transit_cli
    from domstadt.masterplan import cli as masterplan_cli
    from domstadt.masterplan.registry import cli as registry_cli
    from domstadt.participation import cli as participation_cli
    from domstadt.sensors import cli as sensors_cli
    from domstadt.subscriptions import cli as subscriptions_cli
    from domstadt.web.domains import register_search_sources

    for module in (
        masterplan_cli,
        subscriptions_cli,
        registry_cli,
        participation_cli,
        catalog_cli,
        sensors_cli,
        developers_cli,
        funding_cli,
        practices_cli,
        ecosystem_cli,
        transit_cli,
        coverage_cli,
        backup_cli,
    ):
        module.register(app)
    register_search_sources()  # writes through the CLI (demo load, imports) keep the index


_register_domains()
console = Console()
err = Console(stderr=True)


def announce(message: str, *, warning: bool = False) -> None:
    """A start-up line of a long-running process: a log line when logs are JSON (so its
    output stays one JSON object per line), else printed for the person at the console."""
    from domstadt.core.logs import active_format

    if active_format() == "json":
        logging.getLogger("domstadt").log(logging.WARNING if warning else logging.INFO, message)
    else:
        (err if warning else console).print(message)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print ``message`` to stderr and return the Exit to raise."""
    err.print(f"[bold red]Fehler:[/] {message}")
    return typer.Exit(code)


def database() -> Database:
    """The configured database."""
    return Database(get_settings().database_url)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create or update the schema to the newest revision; names the oldest code revision
    that can still serve on it (expand, migrate, contract: docs/operations.md)."""
    from domstadt.core.migrate import current_revision, head_revision, oldest_code_revision, upgrade

    db = database()
    before = current_revision(db)
    upgrade(db)
    console.print(
        f"Datenbank {db.engine.url.render_as_string(hide_password=True)}: "
        f"{before or 'leer'} → {head_revision(db)}; darauf laufen Versionen ab Revision "
        f"{oldest_code_revision(db)}"
    )


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database and of the code."""
    from domstadt.core.migrate import current_revision, head_revision

    db = database()
    console.print(
        f"Datenbank: {current_revision(db) or 'nicht migriert'}; Code: {head_revision(db)}"
    )


def _load_demo(db: Database) -> dict[str, dict[str, int]]:
    """Run the demo loaders; progress goes to stderr: a bar on a terminal, otherwise one
    flushed line per step (so `make demo | tee log` and CI logs show it too)."""
    from domstadt.demo.loader import LABELS, LOADERS

    actor = system_actor("demo")
    results: dict[str, dict[str, int]] = {}
    total = len(LOADERS)
    started = time.monotonic()
    with Progress(console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task("Demo-Daten laden", total=total)
        with db.session() as session:
            for number, (name, loader) in enumerate(LOADERS, start=1):
                label = LABELS.get(name, name)
                progress.update(task, description=f"Demo-Daten: {label}")
                if not err.is_terminal:
                    print(f"Demo-Daten {number}/{total}: {label} …", file=sys.stderr, flush=True)
                results[name] = loader(session, actor)
                progress.advance(task)
    seconds = time.monotonic() - started
    print(f"Demo-Daten geladen ({seconds:.0f} s).", file=sys.stderr, flush=True)
    return results


@demo_app.command("load")
def demo_load() -> None:
    """Load the Cologne demo data (idempotent: existing records are kept)."""
    db = _migrated_or_exit(database())
    for name, counts in _load_demo(db).items():
        added = ", ".join(f"{k}: {v}" for k, v in counts.items())
        console.print(f"{name}: {added}")


def _migrated_or_exit(db: Database) -> Database:
    from domstadt.core.migrate import ensure_migrated

    try:
        ensure_migrated(db)
    except NotMigrated as exc:
        raise fail(str(exc)) from None
    return db


@user_app.command("create")
def user_create(
    email: str,
    name: str = typer.Option(..., "--name", help="Full name"),
    role: Role = typer.Option(Role.MEMBER, "--role", help="admin, editor, moderator or member"),
    password: str = typer.Option(..., "--password", help="At least 12 characters"),
    department: str | None = typer.Option(
        None, "--department", help="Department code (editors need one)"
    ),
) -> None:
    """Create an account."""
    db = _migrated_or_exit(database())
    try:
        data = UserCreate(
            email=email, name=name, role=role, password=password, department_code=department
        )
        with db.session() as session:
            user = auth.user_create(session, actor=system_actor(), data=data)
    except ValidationError as exc:
        raise fail(
            "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        ) from None
    except DomainError as exc:
        raise fail(exc.message) from None
    console.print(f"Konto {user.email} ({user.role.value}) angelegt, id {user.id}.")


@mail_app.command("outbox")
def mail_outbox(
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
    limit: int = typer.Option(50, min=1, max=1000, help="How many messages"),
) -> None:
    """List the outbox (mail kept without SMTP), newest first: time, recipient, subject, file."""
    from domstadt.core.mail import Mailer

    mailer = Mailer(get_settings())
    items = mailer.list(limit=limit)
    if as_json:
        typer.echo(json.dumps([i.model_dump(mode="json") for i in items], ensure_ascii=False))
        return
    if not items:
        console.print(f"Der Postausgang {mailer.outbox} ist leer.")
        return
    table = Table("Zeit (UTC)", "Empfänger", "Betreff", "Datei")
    for item in items:
        table.add_row(
            item.sent_at.strftime("%Y-%m-%d %H:%M:%S"),
            item.recipient,
            item.subject,
            str(mailer.outbox / item.name),
        )
    console.print(table)


@user_app.command("list")
def user_list() -> None:
    """List accounts."""
    db = _migrated_or_exit(database())
    with db.session() as session:
        users = auth.user_list(session, actor=system_actor(), limit=10_000)
    table = Table("id", "E-Mail", "Name", "Rolle", "Dienststelle")
    for u in users:
        table.add_row(str(u.id), u.email, u.name, u.role.value, u.department_name or "")
    console.print(table)


@token_app.command("create")
def token_create(
    email: str,
    name: str = typer.Option(..., "--name", help="What the token is for"),
    expires: str = typer.Option("", "--expires", help="Valid through this day (YYYY-MM-DD)"),
) -> None:
    """Create an API token for EMAIL; the token is printed alone on the last line."""
    db = _migrated_or_exit(database())
    try:
        expires_at = expiry_from_form(expires)
        with db.session() as session:
            created = auth.token_create(
                session, actor=system_actor(), name=name, email=email, expires_at=expires_at
            )
    except DomainError as exc:
        raise fail(exc.message) from None
    err.print(f"Token '{created.info.name}' für {email} angelegt. Es wird nur einmal angezeigt:")
    print(created.token)


@config_app.command("show")
def config_show(as_json: bool = typer.Option(False, "--json", help="Print JSON")) -> None:
    """Print the effective settings with secrets masked."""
    masked = get_settings().masked()
    if as_json:
        print(json.dumps(masked, indent=2, default=str))
        return
    table = Table("Einstellung (DOMSTADT_…)", "Wert")
    for key, value in masked.items():
        table.add_row(key.upper(), str(value))
    console.print(table)


@departments_app.command("list")
def departments_list() -> None:
    """List the departments with their codes."""
    db = _migrated_or_exit(database())
    with db.session() as session:
        rows = directory.department_list(session, actor=system_actor())
    table = Table("Kürzel", "Name", "Art")
    for d in rows:
        table.add_row(d.code, d.name, d.kind.value)
    console.print(table)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, help="Port"),
    demo: bool = typer.Option(False, "--demo", help="Migrate and load demo data if empty"),
    workers: int = typer.Option(
        1, min=1, max=64, help="Worker processes (uvicorn); more than one needs no shared state"
    ),
) -> None:
    """Serve the platform with uvicorn (and the embedded MQTT broker unless DOMSTADT_MQTT_URL
    names one or DOMSTADT_MQTT_EMBEDDED=false). With --workers N, N processes share the port;
    they run no embedded broker (notifications need DOMSTADT_MQTT_URL). Ctrl-C stops it
    cleanly (exit code 130)."""
    try:
        if demo:
            _ensure_demo(database())
        if workers > 1:
            _serve_workers(host, port, workers)
        else:
            _serve(host, port, quiet=False)
    except KeyboardInterrupt:
        _interrupted()


def _interrupted() -> typer.Exit:
    err.print("Beendet (Strg+C).")
    raise typer.Exit(130)


def _ensure_demo(db: Database) -> None:
    """Migrate, then load the demo data when the database has no departments yet."""
    from domstadt.core.migrate import upgrade

    upgrade(db)
    with db.session() as session:
        empty = not directory.department_list(session, actor=system_actor())
    if empty:
        _load_demo(db)
    else:
        print("Demo-Daten sind schon geladen.", file=sys.stderr, flush=True)


def _serve(host: str, port: int, *, quiet: bool) -> None:
    """Run uvicorn; ``quiet`` keeps uvicorn's own (English) lines off the console."""
    import uvicorn

    from domstadt.core.logs import configure_logging
    from domstadt.sensors.mqtt import embedded
    from domstadt.web.app import create_app, settle_heap

    settings = get_settings().served_at(host, port)
    configure_logging(settings, "web")
    try:
        application = create_app(settings)
    except (NotMigrated, ConfigError) as exc:
        raise fail(str(exc)) from None
    embedded.enable(application.state)
    settle_heap()
    from domstadt.core.text.embedders import active_embedder_info

    announce(f"Textmodell: {active_embedder_info()['name']}")
    announce(f"Domstadt läuft auf http://{host}:{port} (beenden mit Strg+C)")
    # The app alone decides whom to believe about client addresses (DOMSTADT_TRUSTED_PROXIES,
    # web/app.py); uvicorn's own proxy headers would trust any local peer's X-Forwarded-For.
    uvicorn.run(
        application,
        host=host,
        port=port,
        log_level="warning" if quiet else settings.log_level.lower(),
        proxy_headers=False,
        log_config=None,  # our handlers (core/logs.py) and access lines (web/requestlog.py)
        access_log=False,
    )


WORKER_PING_SECONDS = 60
"""How long the supervisor of ``serve --workers`` waits for a worker's answer before it
restarts the worker."""


def _serve_workers(host: str, port: int, workers: int) -> None:
    """Run ``workers`` uvicorn processes on one port, each building its app
    (``web.app.worker_app``); the supervisor restarts a worker that dies. Checked here first,
    so an unsafe config or an un-migrated database is one clear error, not N tracebacks."""
    from domstadt.core.logs import configure_logging
    from domstadt.core.migrate import ensure_migrated
    from domstadt.web import multiproc
    from domstadt.web.app import SERVED_AT

    settings = get_settings()
    configure_logging(settings, "web")
    db = database()
    try:
        settings.check_secure()
        ensure_migrated(db)
    except (NotMigrated, ConfigError) as exc:
        raise fail(str(exc)) from None
    finally:
        db.dispose()  # the workers open their own pools
    if not settings.mqtt_url:
        announce(
            "Mehrere Prozesse: kein eingebetteter MQTT-Broker; für SensorThings-MQTT "
            "DOMSTADT_MQTT_URL setzen.",
            warning=True,
        )
    os.environ[SERVED_AT] = f"{host}:{port}"
    announce(f"Domstadt läuft mit {workers} Prozessen auf http://{host}:{port}")
    with multiproc.shared_dir():  # /metrics of any worker sums all workers
        _run_workers(host, port, workers, settings.log_level.lower())


def _run_workers(host: str, port: int, workers: int, log_level: str) -> None:
    import uvicorn

    uvicorn.run(
        "domstadt.web.app:worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level=log_level,
        proxy_headers=False,
        log_config=None,
        access_log=False,
        # a worker importing the app on a busy machine may not answer the supervisor's ping
        # for seconds; uvicorn's 5 s default killed such workers before they served
        timeout_worker_healthcheck=WORKER_PING_SECONDS,
    )


@demo_app.command("run")
def demo_run(
    host: str = typer.Option("127.0.0.1", help="Address to listen on"),
    port: int = typer.Option(8000, envvar="PORT", help="Port (or the environment's PORT)"),
) -> None:
    """Migrate, load the demo data if empty and serve it; with DOMSTADT_MQTT_URL also an MQTT
    ingest worker and the traffic simulator (`domstadt sensors simulate`), so the sensor
    values stay minutes old. Ctrl-C stops everything (exit code 130)."""
    from domstadt.demo.live import LiveFeed

    if "DOMSTADT_LOG_LEVEL" not in os.environ:  # the console speaks German: no English INFO logs
        os.environ["DOMSTADT_LOG_LEVEL"] = "WARNING"  # (the children inherit it)
        get_settings.cache_clear()
    feed = LiveFeed(get_settings().mqtt_url)
    try:
        _ensure_demo(database())
        feed.start()
        _serve(host, port, quiet=True)
    except KeyboardInterrupt:
        _interrupted()
    finally:
        feed.stop()


@text_app.command("backfill")
def text_backfill() -> None:
    """Embed every stored text for the active model (after a model change or on a new CPU)."""
    from domstadt.core.text import backfill
    from domstadt.core.text.embedders import active_embedder_info

    db = _migrated_or_exit(database())
    with db.session() as session:
        count = backfill(session)
    console.print(f"{count} Texte mit {active_embedder_info()['name']} eingebettet.")


@search_app.command("rebuild")
def search_rebuild() -> None:
    """Rewrite the site search index from every domain (after bulk changes made in SQL)."""
    from domstadt.search_service import search_rebuild as rebuild

    db = _migrated_or_exit(database())
    with db.session() as session:
        counts = rebuild(session, actor=system_actor())
    for kind, count in counts.items():
        console.print(f"{kind}: {count}")


@app.command()
def worker(workers: int = typer.Option(1, help="Worker threads")) -> None:
    """Run the background job consumer (huey)."""
    from huey.consumer import Consumer

    from domstadt.core.jobs import backend_name, get_huey
    from domstadt.core.logs import configure_logging
    from domstadt.core.text.embedders import active_embedder_info

    configure_logging(get_settings(), "worker")
    queue = get_huey()
    announce(f"Textmodell: {active_embedder_info()['name']}")
    announce(f"Job-Worker startet ({backend_name(queue)}, {workers} Threads)")
    Consumer(queue, workers=workers, worker_type="thread").run()


def main() -> None:
    """Entry point for ``python -m domstadt.cli``."""
    app()


if __name__ == "__main__":
    main()
