"""``ics reference``: what public reference data ships with the package."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from integrated_care.reference.loader import ReferenceData

# Full publisher names stay in the JSON; the table abbreviates them to fit a terminal.
_SHORT_PUBLISHER = {
    "Office for National Statistics": "ONS",
    "Ministry of Housing, Communities and Local Government": "MHCLG",
}

app = typer.Typer(
    help="The packaged public reference data: ICBs, places, GP practices, deprivation.",
    no_args_is_help=True,
)


@app.callback()
def _group() -> None:
    """The packaged public reference data (Open Government Licence v3.0)."""
    # A callback keeps `info` a named subcommand even while it is the only one.


@app.command()
def info(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List each dataset with its title, vintage, publisher and row count."""
    rows = ReferenceData.packaged().info()
    if as_json:
        payload = [
            {
                "name": d.name,
                "title": d.title,
                "vintage": d.vintage,
                "publisher": d.publisher,
                "licence": d.licence,
                "source": d.source,
                "file": d.file,
                "rows": count,
                "expected_rows": d.expected_rows,
            }
            for d, count in rows
        ]
        typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    table = Table(title="Packaged reference data (Open Government Licence v3.0)")
    table.add_column("Dataset", no_wrap=True)
    for column in ("Title", "Vintage", "Publisher"):
        table.add_column(column)
    table.add_column("Rows", justify="right")
    for d, count in rows:
        publisher = d.publisher
        for full, short in _SHORT_PUBLISHER.items():
            publisher = publisher.replace(full, short)
        table.add_row(d.name, d.title, d.vintage, publisher, f"{count:,}")
    Console().print(table)
    typer.echo("Attribution: see integrated_care/reference/ATTRIBUTION.md")
