"""CLI commands of the sensors domain, added to the `domstadt` command by `register`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import typer

from domstadt.sensors.harvest.cli import harvest_app

sensors_app = typer.Typer(help="Sensor hub (SensorThings API).", no_args_is_help=True)
import_app = typer.Typer(help="Import time series.", no_args_is_help=True)
sensors_app.add_typer(import_app, name="import")
sensors_app.add_typer(harvest_app, name="harvest")


@import_app.command("traffic")
def import_traffic() -> None:
    """Load Cologne's traffic-load series (108 street segments, 5-minute values, 2014)."""
    from rich.console import Console
    from rich.progress import Progress

    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated
    from domstadt.sensors import import_service

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with Progress() as bar, db.session() as session:
            task = bar.add_task("Straßenabschnitte", total=None)

            def step(label: str, done: int, total: int) -> None:
                bar.update(task, description=label, completed=done, total=total)

            report = import_service.import_traffic(
                session, actor=system_actor("sensors import"), progress=step
            )
    except (DomainError, NotMigrated) as exc:
        Console(stderr=True).print(f"[bold red]Fehler:[/] {exc}")
        raise typer.Exit(1) from None
    Console().print(
        f"{report.things} Things, {report.datastreams} Datastreams, "
        f"{report.observations} Observations importiert "
        f"({report.missing_values} Zeilen ohne Wert (Code 16), "
        f"{report.skipped_rows} Zeilen unbekannter Abschnitte übersprungen). "
        f"{import_service.ATTRIBUTION}"
    )


@import_app.command("csv")
def import_csv(
    file: Path = typer.Argument(..., help="CSV file with a time column and value columns"),
    mapping: str = typer.Option(
        ..., help="Column mapping: a JSON file or JSON text (see docs/api.md, Sensors)"
    ),
) -> None:
    """Import other time series from CSV with a column mapping (re-import adds only new rows)."""
    from domstadt.core.errors import Invalid
    from domstadt.sensors import csv_import_service as service

    text = mapping if mapping.lstrip().startswith("{") else _read_text(Path(mapping))
    try:
        spec = service.parse_mapping(text)
    except Invalid as exc:
        _fail(str(exc))
    report = _run(
        lambda session, actor: service.import_csv(session, actor=actor, path=file, mapping=spec)
    )
    print(
        f"Thing {report.thing_id}: {report.datastreams_created} Datastreams neu, "
        f"{report.observations} Observations importiert, {report.skipped_existing} schon "
        f"vorhanden, {report.missing_values} fehlende Werte übersprungen "
        f"({report.rows} Zeilen, {report.repeated_rows} wiederholte Zeilen übersprungen). "
        f"{spec.attribution}".rstrip()
    )


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        _fail(f"Mapping-Datei nicht lesbar: {exc}")


@sensors_app.command("mqtt")
def mqtt_worker(
    client_id: str = typer.Option(
        "", help="Fixed MQTT client id (persistent session); default domstadt-ingest-<host>"
    ),
    group: str = typer.Option("domstadt", help="Shared-subscription group of the workers"),
    batch: int = typer.Option(2000, min=1, help="Observations per transaction at most"),
    metrics_port: int = typer.Option(0, help="Serve Prometheus metrics on this port (0: off)"),
    writer_process: bool = typer.Option(
        True, help="Write in a second process (receiving and writing then use two cores)"
    ),
) -> None:
    """Run an MQTT ingest worker against DOMSTADT_MQTT_URL (start several to split the load)."""
    import socket

    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.logs import configure_logging
    from domstadt.core.migrate import ensure_migrated
    from domstadt.sensors.mqtt.ingest import IngestWorker

    settings = get_settings()
    configure_logging(settings, "ingest")
    if not settings.mqtt_url:
        _fail("DOMSTADT_MQTT_URL ist leer; setzen Sie z. B. mqtt://127.0.0.1:1883.")
    db = Database(settings.database_url)
    ensure_migrated(db)
    if metrics_port:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr="127.0.0.1")
    worker = IngestWorker(
        db,
        settings.mqtt_url,
        client_id=client_id or f"domstadt-ingest-{socket.gethostname()}",
        group=group,
        base=f"{settings.base_url}/sta/v1.1",
        max_batch=batch,
        writer_process=writer_process,
    )
    try:
        worker.start()
    except (OSError, ValueError) as exc:
        _fail(f"MQTT-Broker nicht erreichbar ({settings.mqtt_url}): {exc}")
    try:
        worker.run()
    except KeyboardInterrupt:
        pass
    finally:
        worker.stop()


@sensors_app.command("simulate")
def simulate(
    rate: float = typer.Option(5.0, min=0.1, help="Messages per second"),
    count: int = typer.Option(0, min=0, help="Stop after this many messages (0: until Ctrl-C)"),
    streams: int = typer.Option(0, min=0, help="Only the first N traffic datastreams (0: all)"),
    url: str = typer.Option("", help="MQTT broker URL; default DOMSTADT_MQTT_URL"),
) -> None:
    """Publish the traffic series live over MQTT to the platform's ingest topic, time-stamped
    now and continuing each segment's daily profile, until Ctrl-C."""
    from domstadt.core.config import get_settings
    from domstadt.sensors import simulate_service
    from domstadt.sensors.mqtt import simulate as engine

    target = url or get_settings().mqtt_url
    if not target:
        _fail("Kein MQTT-Broker: setzen Sie DOMSTADT_MQTT_URL (z. B. mqtt://127.0.0.1:1883).")
    profiles = _run(
        lambda session, actor: simulate_service.traffic_profiles(
            session, actor=actor, limit=streams
        )
    )
    if not profiles:
        _fail("Keine Verkehrsdaten: laden Sie zuerst die Demo (domstadt demo load).")
    print(
        f"Simulator: {len(profiles)} Verkehrsreihen, {rate:g} Nachrichten/s an {target}.",
        flush=True,
    )
    sent = 0

    def report(n: int) -> None:
        nonlocal sent
        sent = n
        if n % 100 == 0:
            print(f"Simulator: {n} Beobachtungen gesendet.", flush=True)

    try:
        engine.run(target, profiles, rate=rate, count=count, on_sent=report)
    except (engine.SimulatorError, ValueError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        pass
    print(f"Simulator beendet: {sent} Beobachtungen gesendet.", flush=True)


@sensors_app.command("retention")
def retention(
    dry_run: bool = typer.Option(False, "--dry-run", help="Only count what would be deleted"),
) -> None:
    """Delete observations older than each datastream's retention (see set-retention)."""
    from domstadt.sensors import retention_service

    report = _run(
        lambda session, actor: retention_service.apply_retention(
            session, actor=actor, dry_run=dry_run
        )
    )
    verb = "würden gelöscht" if dry_run else "gelöscht"
    for item in report.datastreams:
        print(
            f"{item.datastream_id}\t{item.name}\t{item.retention_days} Tage\t"
            f"vor {item.cutoff:%Y-%m-%d %H:%M}\t{item.deleted} {verb}"
        )
    print(f"{report.deleted} Beobachtungen {verb}.")


@sensors_app.command("set-retention")
def set_retention(
    datastream_id: int,
    days: int = typer.Option(0, min=0, help="Keep observations this many days (0: keep all)"),
) -> None:
    """Set how long a datastream keeps its observations."""
    from domstadt.sensors import retention_service

    setting = _run(
        lambda session, actor: retention_service.set_retention(
            session, actor=actor, datastream_id=datastream_id, days=days or None
        )
    )
    kept = f"{setting.retention_days} Tage" if setting.retention_days else "unbegrenzt"
    print(f"{setting.datastream_id}\t{setting.name}\t{kept}")


partitions_app = typer.Typer(
    help="Time partitions of the observations (PostgreSQL).", no_args_is_help=True
)
sensors_app.add_typer(partitions_app, name="partitions")


@partitions_app.command("list")
def partitions_list() -> None:
    """List the partitions: name, first and end day, rows (estimated), size."""
    from domstadt.sensors import partition_service

    found = _run(lambda session, actor: partition_service.partitions_list(session, actor=actor))
    if not found:
        print("Die Beobachtungen sind nicht partitioniert (SQLite).")
    for p in found:
        span = f"{p.start:%Y-%m-%d}\t{p.end:%Y-%m-%d}" if p.start and p.end else "default\t"
        print(f"{p.name}\t{span}\t~{p.rows_estimated}\t{p.size_bytes // 1024} KiB")


@partitions_app.command("ensure")
def partitions_ensure(
    ahead: int = typer.Option(3, min=0, help="Months to create after the current one"),
) -> None:
    """Create the month partitions ahead (and for months waiting in the default partition)."""
    from domstadt.sensors import partition_service

    created = _run(
        lambda session, actor: partition_service.partitions_ensure(
            session, actor=actor, ahead=ahead
        )
    )
    for name in created:
        print(name)
    print(f"{len(created)} Partitionen angelegt.")


@partitions_app.command("drop-before")
def partitions_drop_before(
    date: str = typer.Argument(..., help="YYYY-MM-DD; whole months before its month go"),
    yes: bool = typer.Option(False, "--yes", help="Really drop (otherwise only list)"),
) -> None:
    """Drop every whole month of observations before DATE's month (retention)."""
    import datetime as dt

    from domstadt.sensors import partition_service

    try:
        cutoff = dt.datetime.fromisoformat(date).replace(tzinfo=dt.UTC)
    except ValueError:
        _fail(f"{date!r} ist kein Datum (YYYY-MM-DD).")
    if not yes:
        found = _run(lambda session, actor: partition_service.partitions_list(session, actor=actor))
        for p in found:
            if p.end is not None and p.end <= cutoff.replace(day=1):
                print(f"{p.name}\t~{p.rows_estimated}")
        print("Nichts gelöscht; mit --yes werden diese Partitionen gelöscht.")
        return
    result = _run(
        lambda session, actor: partition_service.partitions_drop_before(
            session, actor=actor, cutoff=cutoff
        )
    )
    for p in result.dropped:
        print(f"{p.name}\t~{p.rows_estimated}")
    print(
        f"{len(result.dropped)} Partitionen vor {result.cutoff:%Y-%m-%d} gelöscht, "
        f"{result.default_rows_deleted} Beobachtungen aus der Default-Partition."
    )


@sensors_app.command("owner")
def owner(
    department: str = typer.Argument(..., help="Department code, e.g. 69"),
    thing: list[int] = typer.Option(
        [], "--thing", help="Only this Thing (repeatable); default: every entity without owner"
    ),
) -> None:
    """Hand SensorThings entities to a department, whose editors may then change them."""
    from domstadt.sensors import ownership_service

    result = _run(
        lambda session, actor: ownership_service.assign_owner(
            session, actor=actor, department_code=department, thing_ids=thing or None
        )
    )
    for table, count in result.rows.items():
        print(f"{table}\t{count}")


select_app = typer.Typer(help="MQTT $select notification topics.", no_args_is_help=True)
sensors_app.add_typer(select_app, name="select-topic")


@select_app.command("add")
def select_add(topic: str) -> None:
    """Publish notifications on TOPIC, e.g. 'v1.1/Observations?$select=result,phenomenonTime'."""
    from domstadt.sensors import mqtt_service

    added = _run(
        lambda session, actor: mqtt_service.select_topic_add(session, actor=actor, topic=topic)
    )
    print(f"{added.id}\t{added.topic}")


@select_app.command("list")
def select_list() -> None:
    """List the registered $select topics."""
    from domstadt.sensors import mqtt_service

    for item in _run(lambda session, _actor: mqtt_service.select_topics(session)):
        print(f"{item.id}\t{item.topic}")


@select_app.command("remove")
def select_remove(topic_id: int) -> None:
    """Stop publishing the $select topic with this id."""
    from domstadt.sensors import mqtt_service

    _run(
        lambda session, actor: mqtt_service.select_topic_remove(
            session, actor=actor, topic_id=topic_id
        )
    )


def _run(operation: Any) -> Any:
    """Run ``operation(session, actor)`` in one transaction as the operator."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database, NotMigrated
    from domstadt.core.errors import DomainError
    from domstadt.core.migrate import ensure_migrated

    db = Database(get_settings().database_url)
    try:
        ensure_migrated(db)
        with db.session() as session:
            return operation(session, system_actor("sensors cli"))
    except (DomainError, NotMigrated) as exc:
        _fail(str(exc))
    finally:
        db.dispose()


def _fail(message: str) -> NoReturn:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Fehler:[/] {message}")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add this domain's commands to the root CLI (and its background jobs to the worker)."""
    import domstadt.sensors.tasks  # noqa: F401  (registers the daily retention job with huey)

    app.add_typer(sensors_app, name="sensors")
