"""The command line: a thin layer over the Python API (parsing arguments, printing, exit codes)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from . import __version__
from .errors import ConflictlensError
from .records import Claim, Event, Extraction, Problem

if TYPE_CHECKING:
    from .incidents import HistoryEntry, Incident
    from .runner import RunSummary
    from .store import EventFilters

app = typer.Typer(
    name="conflictlens",
    help="Turn conflict news reports into geocoded, source-attributed events.",
    no_args_is_help=True,
    add_completion=False,
)
gazetteer_app = typer.Typer(help="Manage the GeoNames gazetteer index.", no_args_is_help=True)
app.add_typer(gazetteer_app, name="gazetteer")

console = Console()
err_console = Console(stderr=True)

DEFAULT_DB = "conflictlens.sqlite"
DbOption = Annotated[
    str,
    typer.Option(
        "--db", envvar="CONFLICTLENS_DB", help="Store: a SQLite file path (created if missing) or a postgresql:// URL."
    ),
]


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    geojson = "geojson"


class ExportFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    geojson = "geojson"
    parquet = "parquet"


def _parse_date_option(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from exc


def _fail(exc: ConflictlensError) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {exc}")
    return typer.Exit(code=2)


@app.callback()
def _main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what each stage does.")] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """conflictlens: conflict news reports in, events out."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if version:
        console.print(__version__)
        raise typer.Exit()


def _progress(total: int | None) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=total is not None and total <= 1,
    )


def _count_inputs(paths: Sequence[str]) -> int | None:
    """How many documents the inputs hold, when that is cheap to know (files, not stdin)."""
    total = 0
    for raw in paths:
        if raw == "-":
            return None
        path = Path(raw)
        if path.is_dir():
            total += sum(1 for p in path.rglob("*") if p.is_file())
        elif path.suffix == ".jsonl" and path.is_file():
            with path.open("rb") as fh:
                total += sum(1 for line in fh if line.strip())
        else:
            total += 1
    return total


def _with_progress(items: Iterator[Extraction], total: int | None, label: str) -> Iterator[Extraction]:
    with _progress(total) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            yield item
            progress.advance(task)


def _report_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.fatal else "yellow"
        err_console.print(f"[{colour}]{problem.origin}[/]: {problem.reason}")


WorkersOption = Annotated[
    int,
    typer.Option(
        "--workers",
        "-j",
        help="Worker processes that extract (0: one per core; 1: in this process). Only this process writes the store.",
    ),
]
FetchLinksOption = Annotated[
    bool, typer.Option("--fetch-links", help="Read a feed item that has only a summary from the page it links to.")
]
AllowPrivateOption = Annotated[
    bool,
    typer.Option(
        "--allow-private", help="Let URLs reach loopback, private and link-local addresses (refused by default)."
    ),
]
RelevanceFilterOption = Annotated[
    bool,
    typer.Option(
        "--relevance-filter/--no-relevance-filter",
        help="Skip off-topic texts (sport, markets, ...) before parsing; --no-relevance-filter extracts from all.",
    ),
]


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, JSON Lines files, or - for stdin.")],
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every document.")] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name for every document.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
    workers: WorkersOption = 1,
    relevance_filter: RelevanceFilterOption = True,
    fetch_links: FetchLinksOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Extract events from reports and print them (nothing is stored)."""
    from .export import write_events
    from .pipeline import Pipeline
    from .runner import RunSummary, extract_paths

    summary = RunSummary()
    pipeline = Pipeline(relevance_filter=relevance_filter)
    try:
        results = list(
            _with_progress(
                extract_paths(
                    paths,
                    published=_parse_date_option(published),
                    source=source,
                    pipeline=pipeline,
                    summary=summary,
                    workers=workers,
                    fetch_links=fetch_links,
                    allow_private=allow_private,
                ),
                _count_inputs(paths),
                "extracting",
            )
        )
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    events = [e for r in results for e in r.events]
    if fmt is OutputFormat.table:
        for result in results:
            _print_extraction(result)
    elif fmt is OutputFormat.json:
        from .records import to_dict

        console.print_json(json.dumps([to_dict(r) for r in results], ensure_ascii=False))
    else:
        documents = {r.document.id: r.document for r in results}
        write_events(events, fmt.value, sys.stdout, documents=documents)
    _report_problems(summary.problems)
    if summary.problems and not events:
        raise typer.Exit(code=1)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, JSON Lines files, or - for stdin.")],
    db: DbOption = DEFAULT_DB,
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every document.")] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name for every document.")] = None,
    workers: WorkersOption = 1,
    relevance_filter: RelevanceFilterOption = True,
    fetch_links: FetchLinksOption = False,
    allow_private: AllowPrivateOption = False,
) -> None:
    """Extract events from reports and store them (each document once, in one transaction).

    A run that was interrupted (even killed) is finished by running the same command again.
    """
    from .pipeline import Pipeline
    from .runner import ingest_paths
    from .store import open_store

    total = _count_inputs(paths)
    try:
        with open_store(db) as store, _progress(total) as progress:
            task = progress.add_task("ingesting", total=total)
            summary = ingest_paths(
                paths,
                store,
                published=_parse_date_option(published),
                source=source,
                pipeline=Pipeline(relevance_filter=relevance_filter),
                workers=workers,
                on_document=lambda _: progress.advance(task),
                fetch_links=fetch_links,
                allow_private=allow_private,
            )
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    _report_problems(summary.problems)
    console.print(
        f"{summary.documents} documents read: {summary.stored} stored, {summary.duplicates} already stored, "
        f"{summary.events} events, {len(summary.problems)} with problems -> {db}"
    )
    if summary.inputs_skipped:
        console.print(f"{summary.inputs_skipped} input files were finished by an earlier run and not read again")


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@app.command("run")
def run_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, JSON Lines, feeds, WARC files or URLs.")],
    engine: Annotated[Engine, typer.Option(help="local: worker processes here; ray: Ray Data.")] = Engine.local,
    db: Annotated[
        str | None, typer.Option("--db", envvar="CONFLICTLENS_DB", help="Store the results in this store.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the events to this folder as Parquet instead.")
    ] = None,
    workers: WorkersOption = 0,
    address: Annotated[
        str | None,
        typer.Option(envvar="RAY_ADDRESS", help="Ray cluster to join (ray://HEAD:10001); default: start one here."),
    ] = None,
    published: Annotated[str | None, typer.Option(help="Publication date (YYYY-MM-DD) for every document.")] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name for every document.")] = None,
) -> None:
    """Run the pipeline over many inputs, locally in parallel or on Ray, into a store or a Parquet folder.

    --workers is the local engine's process count, or the Ray engine's actor count (0: one per CPU).
    """
    if db is not None and output is not None:
        raise typer.BadParameter("give --db or --output, not both")
    when = _parse_date_option(published)
    try:
        if engine is Engine.ray:
            summary = _run_on_ray(
                paths, db=db, output=output, workers=workers, address=address, when=when, source=source
            )
        else:
            summary = _run_locally(paths, db=db, output=output, workers=workers, when=when, source=source)
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    _report_problems(summary.problems)
    if output is not None:
        console.print(f"{summary.events} events -> {output}")
        return
    console.print(
        f"{summary.documents} documents read: {summary.stored} stored, {summary.duplicates} already stored, "
        f"{summary.events} events, {len(summary.problems)} with problems -> {db or DEFAULT_DB}"
    )


def _run_locally(
    paths: list[str], *, db: str | None, output: Path | None, workers: int, when: dt.date | None, source: str | None
) -> RunSummary:
    from .runner import extract_to_parquet, ingest_paths
    from .store import open_store

    total = _count_inputs(paths)
    with _progress(total) as progress:
        task = progress.add_task("extracting", total=total)
        if output is not None:
            return extract_to_parquet(
                paths,
                output,
                published=when,
                source=source,
                workers=workers,
                on_document=lambda _: progress.advance(task),
            )
        with open_store(db or DEFAULT_DB) as store:
            return ingest_paths(
                paths,
                store,
                published=when,
                source=source,
                workers=workers,
                on_document=lambda _: progress.advance(task),
            )


def _run_on_ray(
    paths: list[str],
    *,
    db: str | None,
    output: Path | None,
    workers: int,
    address: str | None,
    when: dt.date | None,
    source: str | None,
) -> RunSummary:
    from .distributed import ray_ingest, ray_to_parquet
    from .runner import RunSummary
    from .store import open_store

    actors = workers or None
    if output is not None:
        events = ray_to_parquet(paths, output, published=when, source=source, actors=actors, address=address)
        return RunSummary(events=events)
    with open_store(db or DEFAULT_DB) as store:
        return ray_ingest(paths, store, published=when, source=source, actors=actors, address=address)


def _event_filters(
    since: str | None,
    until: str | None,
    country: str | None,
    admin1: str | None,
    event_type: str | None,
    actor: str | None,
    text: str | None,
) -> EventFilters:
    return {
        "since": _parse_date_option(since),
        "until": _parse_date_option(until),
        "country": country,
        "admin1": admin1,
        "event_type": event_type,
        "actor": actor,
        "text": text,
    }


SinceOption = Annotated[str | None, typer.Option(help="Only events on or after this date (YYYY-MM-DD).")]
UntilOption = Annotated[str | None, typer.Option(help="Only events on or before this date (YYYY-MM-DD).")]
CountryOption = Annotated[str | None, typer.Option(help="Only events in this country.")]
Admin1Option = Annotated[str | None, typer.Option(help="Only events in this province / state (admin1).")]
TypeOption = Annotated[str | None, typer.Option("--type", help="Only events of this ACLED event type.")]
ActorOption = Annotated[str | None, typer.Option(help="Only events with an actor whose name contains this.")]
TextOption = Annotated[str | None, typer.Option(help="Only events whose notes or location contain this.")]


@app.command()
def events(
    db: DbOption = DEFAULT_DB,
    since: SinceOption = None,
    until: UntilOption = None,
    country: CountryOption = None,
    admin1: Admin1Option = None,
    event_type: TypeOption = None,
    actor: ActorOption = None,
    text: TextOption = None,
    limit: Annotated[int, typer.Option(help="At most this many events.")] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """List stored events, filtered."""
    from .export import write_events
    from .store import open_store

    filters = _event_filters(since, until, country, admin1, event_type, actor, text)
    try:
        with open_store(_existing_db(db)) as store:
            found = store.events(limit=limit, **filters)
            documents = store.documents_by_id(e.doc_id for e in found)
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    if fmt is OutputFormat.table:
        console.print(_events_table(found, f"{len(found)} events"))
    else:
        write_events(found, fmt.value, sys.stdout, documents=documents)


def _parse_moment_option(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a time; use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+00:00]") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@app.command("incidents")
def incidents_command(
    db: DbOption = DEFAULT_DB,
    since: SinceOption = None,
    until: UntilOption = None,
    country: CountryOption = None,
    admin1: Admin1Option = None,
    event_type: TypeOption = None,
    changed_since: Annotated[
        str | None,
        typer.Option(help="Only incidents created or changed at or after this time (UTC unless an offset is given)."),
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many incidents.")] = 50,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.table,
) -> None:
    """List incidents: reports of one happening merged, with low / best / high tolls across sources.

    Stored events not yet in an incident are attached first. With --changed-since, incidents that no longer
    exist (merged into another) are listed too.
    """
    from .incidents import HistoryKind, update_incidents, write_incidents
    from .store import open_store

    moment = _parse_moment_option(changed_since)
    try:
        with open_store(_existing_db(db)) as store:
            update_incidents(store)
            found = store.incidents(
                since=_parse_date_option(since),
                until=_parse_date_option(until),
                country=country,
                admin1=admin1,
                event_type=event_type,
                changed_since=moment,
                limit=limit,
            )
            removed = []
            if moment is not None:
                removed = [
                    h
                    for h in store.incident_history(since=moment)
                    if h.kind is HistoryKind.MERGED_INTO and store.incident(h.incident_id) is None
                ]
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    if fmt is OutputFormat.table:
        console.print(_incidents_table(found, f"{len(found)} incidents"))
        for h in removed:
            console.print(f"removed {h.incident_id} at {h.at.isoformat()}: {h.reason}")
    elif fmt is OutputFormat.json and moment is not None:
        from .records import to_dict

        payload = {"changed": [to_dict(i) for i in found], "removed": [to_dict(h) for h in removed]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        write_incidents(found, fmt.value, sys.stdout)


@app.command("incident")
def incident_command(
    incident_id: Annotated[str, typer.Argument(help="An incident id (inc-...), as `conflictlens incidents` lists.")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="table or json.")] = OutputFormat.table,
) -> None:
    """Show one incident: each source's figures and claims with the quoted words, and its history."""
    from .incidents import resolve_incident_id, update_incidents
    from .records import to_dict
    from .store import open_store

    if fmt not in (OutputFormat.table, OutputFormat.json):
        raise typer.BadParameter("one incident is shown as table or json")
    try:
        with open_store(_existing_db(db)) as store:
            update_incidents(store)
            current = resolve_incident_id(store, incident_id)
            incident = store.incident(current) if current else None
            history = store.incident_history(incident_id=current) if current else []
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    if incident is None:
        err_console.print(
            f"[bold red]error:[/] no incident {incident_id} in {db}; list them with `conflictlens incidents`"
        )
        raise typer.Exit(code=1)
    if current != incident_id:
        err_console.print(f"{incident_id} was merged into {current}")
    if fmt is OutputFormat.json:
        payload = {**to_dict(incident), "history": [to_dict(h) for h in history]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    _print_incident(incident, history)


def _incidents_table(found: Sequence[Incident], title: str) -> Table:
    table = Table(title=title, show_lines=True)
    for col in ("id", "date", "sub-event type", "where", "actors", "killed low/best/high", "status", "sources"):
        table.add_column(col, overflow="fold")
    for inc in found:
        place = inc.place
        where = "—" if place is None else ", ".join(dict.fromkeys(x for x in (place.name, place.admin1) if x))
        tolls = (
            "—" if inc.fatalities_best is None else f"{inc.fatalities_low}/{inc.fatalities_best}/{inc.fatalities_high}"
        )
        table.add_row(
            inc.id,
            inc.event_date.isoformat() if inc.event_date else "—",
            inc.sub_event_type,
            where,
            "; ".join(inc.actors) or "—",
            tolls,
            inc.status.value,
            str(inc.n_sources),
        )
    return table


def _print_incident(incident: Incident, history: Sequence[HistoryEntry]) -> None:
    console.print(_incidents_table([incident], incident.id))
    estimates = Table(title="Killed, by source and claimant")
    for col in ("outlet", "published", "claimant", "stance", "killed"):
        estimates.add_column(col, overflow="fold")
    for e in incident.estimates:
        published = e.published.isoformat() if e.published else "—"
        estimates.add_row(e.outlet or "—", published, e.claimant or "—", e.stance.value, str(e.killed))
    if estimates.row_count:
        console.print(estimates)
    ledger = Table(title="Claims ledger", show_lines=True)
    for col in ("outlet", "published", "claimant", "stance", "what", "quote"):
        ledger.add_column(col, overflow="fold")
    for entry in incident.ledger:
        what = entry.kind
        if entry.low is not None:
            amount = str(entry.low) if entry.high in (None, entry.low) else f"{entry.low}-{entry.high}"
            what = f"{entry.category} {amount} ({entry.side})"
        published = entry.published.isoformat() if entry.published else "—"
        ledger.add_row(
            entry.outlet or "—", published, entry.claimant or "—", entry.stance.value, what, f"“{entry.quote}”"
        )
    if ledger.row_count:
        console.print(ledger)
    changes = Table(title="History")
    for col in ("at", "what", "why"):
        changes.add_column(col, overflow="fold")
    for h in history:
        changes.add_row(h.at.isoformat(timespec="seconds"), h.kind.value, h.reason)
    console.print(changes)


def _existing_db(db: str) -> str:
    if "://" not in db and db != ":memory:" and not Path(db).exists():
        err_console.print(f"[bold red]error:[/] no store at {db}; create one with `conflictlens ingest PATH --db {db}`")
        raise typer.Exit(code=2)
    return db


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", "-f", help="Export format.")],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: standard output; required for parquet)."),
    ] = None,
    db: DbOption = DEFAULT_DB,
    since: SinceOption = None,
    until: UntilOption = None,
    country: CountryOption = None,
    admin1: Admin1Option = None,
    event_type: TypeOption = None,
    actor: ActorOption = None,
    text: TextOption = None,
) -> None:
    """Export stored events as JSON, JSON Lines, ACLED-column CSV, GeoJSON or Parquet."""
    from .export import write_events
    from .store import open_store

    if fmt is ExportFormat.parquet and output is None:
        raise typer.BadParameter("Parquet is binary: give a file with --output FILE.parquet")
    filters = _event_filters(since, until, country, admin1, event_type, actor, text)
    try:
        with open_store(_existing_db(db)) as store:
            found = store.events(**filters)
            documents = store.documents_by_id(e.doc_id for e in found)
        if output is None:
            write_events(found, fmt.value, sys.stdout, documents=documents)
        else:
            write_events(found, fmt.value, output, documents=documents)
            err_console.print(f"{len(found)} events written to {output}")
    except ConflictlensError as exc:
        raise _fail(exc) from exc


SAMPLE_NAME = "sample-report.txt"
SAMPLE_PUBLISHED = dt.date(2025, 3, 4)


def sample_report_path() -> Path:
    """The bundled sample report (our own writing) that `conflictlens demo` extracts."""
    return Path(str(resources.files("conflictlens") / "data" / SAMPLE_NAME))


@app.command()
def demo(
    db: Annotated[
        str, typer.Option("--db", help="Store to write the sample's events into.")
    ] = "conflictlens-demo.sqlite",
) -> None:
    """Extract the bundled sample report, store it in an embedded SQLite file and show its events and claims."""
    from .runner import ingest_paths
    from .store import open_store

    sample = sample_report_path()
    console.print(f"[bold]conflictlens demo[/]: extracting {sample.name} (published {SAMPLE_PUBLISHED})")
    try:
        with open_store(db) as store:
            shown: list[Extraction] = []
            summary = ingest_paths([sample], store, published=SAMPLE_PUBLISHED, on_document=shown.append)
            if not shown:  # stored by an earlier demo run: show what the store holds
                events_found = store.events(limit=100)
                console.print(_events_table(events_found, f"{len(events_found)} events already stored in {db}"))
            for extraction in shown:
                _print_extraction(extraction)
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    _report_problems(summary.problems)
    console.print(
        f"stored in {db}; try `conflictlens events --db {db}` or `conflictlens export --db {db} --format csv`"
    )


def _print_extraction(result: Extraction) -> None:
    doc = result.document
    title = f"{doc.origin}" + (f" — {doc.outlet}" if doc.outlet else "")
    if result.problem is not None:
        console.print(f"[yellow]{title}[/]: {result.problem.reason}")
        return
    console.print(_events_table(list(result.events), f"{title}: {len(result.events)} events"))
    claims = Table(title="Claims", show_lines=False)
    for col in ("event", "kind", "stance", "claimant", "what", "evidence"):
        claims.add_column(col, overflow="fold")
    for event in result.events:
        for claim in event.claims:
            claims.add_row(event.id.rsplit("-", 1)[-1], *_claim_cells(claim))
    for claim in result.claims:
        claims.add_row("doc", *_claim_cells(claim))
    if claims.row_count:
        console.print(claims)


def _claim_cells(claim: Claim) -> tuple[str, str, str, str, str]:
    claimant = " / ".join(x for x in (claim.claimant_person, claim.claimant_org) if x) or "—"
    what = ""
    if claim.figure is not None:
        f = claim.figure
        amount = str(f.low) if f.high is None or f.high == f.low else f"{f.low}-{f.high}"
        what = f"{f.category.value} {amount} ({f.qualifier.value}, {f.side.value})"
    span = claim.evidence.spans[0].text if claim.evidence.spans else ""
    return claim.kind.value, claim.stance.value, claimant, what, f"“{span}”"


def _events_table(found: Sequence[Event], title: str) -> Table:
    table = Table(title=title, show_lines=True)
    for col in ("#", "date", "sub-event type", "where", "actor 1 (unit)", "actor 2", "killed", "toll status"):
        table.add_column(col, overflow="fold")
    for event in found:
        place = event.place
        where = (
            "—"
            if place is None
            else ", ".join(dict.fromkeys(x for x in (place.name, place.admin1, place.country) if x))
            + f" (p{place.geo_precision})"
        )
        a1 = (
            "—"
            if event.actor1 is None
            else event.actor1.name + (f" ({event.actor1.unit})" if event.actor1.unit else "")
        )
        table.add_row(
            event.id.rsplit("-", 1)[-1],
            event.time.event_date.isoformat() if event.time else "—",
            event.sub_event_type,
            where,
            a1,
            event.actor2.name if event.actor2 else "—",
            str(event.toll.fatalities) if event.toll.fatalities_low is not None else "—",
            event.toll.status.value,
        )
    return table


@gazetteer_app.command("import")
def gazetteer_import(
    file: Annotated[Path, typer.Argument(help="A GeoNames dump: allCountries.zip, PK.zip, cities500.zip or a .txt.")],
) -> None:
    """Load a GeoNames dump into the gazetteer index, so more places resolve."""
    from .gazetteer import import_geonames

    try:
        count = import_geonames(file)
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    console.print(f"{count} places imported from {file}")


def _register_eval() -> None:
    """`conflictlens eval` lives with the harness (conflictlens.evaluation.cli); importing it is cheap."""
    from .evaluation.cli import eval_command

    app.command("eval")(eval_command)


_register_eval()


@app.command()
def serve(
    db: Annotated[
        str, typer.Option("--db", help="The event store: a SQLite file or a postgresql:// URL.")
    ] = "events.db",
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it local.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    write_token_env: Annotated[
        str, typer.Option(help="Environment variable holding the ingest token; unset refuses all writes.")
    ] = "CONFLICTLENS_WRITE_TOKEN",
    read_token_env: Annotated[
        str, typer.Option(help="Environment variable holding a read token; unset makes reading public.")
    ] = "CONFLICTLENS_READ_TOKEN",
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json). Tokens come from the environment, never the command line."""
    import uvicorn

    from .api import create_app

    try:
        api = create_app(
            str(db),
            write_token=os.environ.get(write_token_env) or None,
            read_token=os.environ.get(read_token_env) or None,
        )
    except ConflictlensError as exc:
        raise _fail(exc) from exc
    uvicorn.run(api, host=host, port=port)


def main() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    app()
