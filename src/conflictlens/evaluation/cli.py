"""``conflictlens eval``: a thin command over :func:`conflictlens.evaluation.evaluate`.

The main CLI registers it with ``app.command("eval")(eval_command)``; it only parses options, shows
progress on stderr and prints the table or the one JSON object.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import ConflictlensError
from . import DEFAULT_SEED, SUITES, evaluate, render_table, report_json
from .floors import committed_floors

SUITE_HELP = f"The gold suite: {', '.join(SUITES)}."


def eval_command(
    suite: Annotated[str, typer.Argument(help=SUITE_HELP)],
    data: Annotated[Path, typer.Option("--data", help="Folder of the suite's *.jsonl files (all are read).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print exactly one JSON object.")] = False,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help="Score a seeded sample of N records (acled: N groups of rows sharing a note)."),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the --limit sample.")] = DEFAULT_SEED,
    errors: Annotated[
        Path | None,
        typer.Option("--errors", help="Write each mismatch (gold, prediction, evidence) as JSON Lines."),
    ] = None,
) -> None:
    """Score the pipeline against a gold suite (docs/evaluation.md gives every metric's rule)."""
    err = Console(stderr=True)
    try:
        with Progress(
            TextColumn(f"[progress.description]eval {suite}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=err,
            transient=True,
        ) as progress:
            task = progress.add_task(suite, total=None)

            def advance(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            report = evaluate(suite, data, limit=limit, errors_path=errors, seed=seed, on_progress=advance)
    except ConflictlensError as exc:
        err.print(f"[bold red]error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    if as_json:
        typer.echo(report_json(report))
        return
    floors = committed_floors().get(report.suite)
    Console().print(render_table(report, floors.floors if floors else None))
    if errors is not None:
        err.print(f"{report.mismatches} mismatches written to {errors}")
