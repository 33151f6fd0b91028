"""CLI of the ecosystem directory: `domstadt ecosystem providers CODE [--csv]` (the market
exploration of a measure) and `domstadt ecosystem tags TAG…` (how free tags map onto the
vocabulary)."""

from __future__ import annotations

import typer

ecosystem_app = typer.Typer(
    help="Competence directory and market exploration.", no_args_is_help=True
)


def _fail(message: object) -> None:
    from rich.console import Console

    Console(stderr=True).print(f"[bold red]Fehler:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(1)


@ecosystem_app.command("providers")
def providers_command(
    code: str = typer.Argument(..., help="The measure's code, e.g. SC-04."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV (as /providers.csv)."),
) -> None:
    """Regional providers of a measure (market exploration, § 28 VgV; no pre-selection)."""
    from domstadt.core.auth.permissions import system_actor
    from domstadt.core.config import get_settings
    from domstadt.core.db import Database
    from domstadt.core.errors import DomainError
    from domstadt.funding import ecosystem_service
    from domstadt.funding.ecosystem import providers

    db = Database(get_settings().database_url)
    actor = system_actor("ecosystem")
    try:
        with db.session() as session:
            measure_id = ecosystem_service.measure_id_of(session, actor=actor, code=code)
            result = ecosystem_service.measure_providers(
                session, actor=actor, measure_id=measure_id, limit=200
            )
    except DomainError as exc:
        _fail(exc)
        return
    finally:
        db.dispose()
    if as_csv:
        typer.echo(providers.to_csv(result), nl=False)
        return
    typer.echo(result.caveat)
    for number, item in enumerate(result.items, start=1):
        named = ", ".join(c.label for c in item.competences) or "–"
        cpv = f"; CPV {', '.join(item.cpv)}" if item.cpv else ""
        typer.echo(f"{number}. {item.organisation.name} ({item.regional_label}): {named}{cpv}")
    if not result.items:
        typer.echo("Keine Organisation mit passenden Kompetenzen im Verzeichnis.")


@ecosystem_app.command("tags")
def tags_command(tags: list[str] = typer.Argument(..., help="Free tags to map.")) -> None:
    """Show which vocabulary concept each free tag maps onto (or that it stays free)."""
    from domstadt.funding.ecosystem import vocabulary

    for tag in tags:
        concept = vocabulary.map_tag(tag)
        target = f"{concept.label_de} ({concept.esco_uri})" if concept else "freies Schlagwort"
        typer.echo(f"{tag} → {target}")


def register(app: typer.Typer) -> None:
    """Add the ecosystem commands."""
    app.add_typer(ecosystem_app, name="ecosystem")
