"""``ics places``: list, define and reconfigure places, keeping their history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli.common import (
    AsOfOption,
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    parse_date,
    print_json,
)
from integrated_care.errors import InvalidInput
from integrated_care.services.structure import (
    PlaceSpec,
    define_place,
    load_model,
    reconfigure_places,
)
from integrated_care.structure.places import PlaceVersion

app = typer.Typer(
    help="Places: named sets of practices and the area they serve.", no_args_is_help=True
)

Codes = Annotated[list[str] | None, typer.Option(show_default=False)]


def _as_dict(p: PlaceVersion) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "from": p.period.start.isoformat(),
        "to": p.period.end.isoformat() if p.period.end else None,
        "practices": sorted(p.practices),
        "lads": sorted(p.lads),
        "lsoas": len(p.lsoas),
    }


@app.command("list")
@handle_errors
def list_places(
    workspace: WorkspaceOption = None,
    as_of: AsOfOption = None,
    all_versions: bool = typer.Option(False, "--history", help="Every version, past and present."),
    json_output: JsonOption = False,
) -> None:
    """Places in force on a date (or their whole history)."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        model = load_model(uow, ws.system)
    places = list(model.places) if all_versions else model.places_on(day)
    if json_output:
        print_json([_as_dict(p) for p in places])
        return
    table = Table(
        "Code",
        "Name",
        "From",
        "To",
        "Practices",
        "Districts",
        title="Place history" if all_versions else f"Places on {day.isoformat()}",
    )
    for p in places:
        table.add_row(
            p.code,
            escape(p.name),
            p.period.start.isoformat(),
            p.period.end.isoformat() if p.period.end else "",
            str(len(p.practices)),
            ", ".join(sorted(p.lads)),
        )
    console.print(table)


@app.command("define")
@handle_errors
def define(
    code: str,
    name: Annotated[str, typer.Option(help="The place's name.")],
    effective: Annotated[str, typer.Option(help="Start date, YYYY-MM-DD.")],
    practice: Codes = None,
    pcn: Codes = None,
    lad: Codes = None,
    lsoa: Codes = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Define a new place from practices, PCNs, districts (LAD codes) or LSOAs."""
    day = parse_date(effective, "--effective")
    spec = PlaceSpec(
        code,
        name,
        frozenset(practice or []),
        frozenset(pcn or []),
        frozenset(lad or []),
        frozenset(lsoa or []),
    )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        place = define_place(uow, ws.system, spec, day, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(
        f"Defined place {escape(place.name)} ({place.code}) from {day.isoformat()} with "
        f"{len(place.practices)} practices."
    )


def read_specs(path: Path) -> list[PlaceSpec]:
    """Read new places from a JSON file: a list of {code, name, practices, pcns, lads, lsoas}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(
            f"Cannot read places file {path}: {exc.__class__.__name__}.",
            input_name="--new",
            expected="a JSON list of places",
        ) from None
    if not isinstance(data, list):
        raise InvalidInput(
            f"Places file {path} must hold a JSON list.",
            input_name="--new",
            expected='[{"code": ..., "name": ..., "pcns": [...]}, ...]',
        )
    specs = []
    for i, item in enumerate(data, start=1):
        if not isinstance(item, dict) or "code" not in item or "name" not in item:
            raise InvalidInput(
                f"Place {i} in {path} needs a code and a name.",
                input_name="--new",
                expected="objects with code and name",
            )
        lists = {k: item.get(k, []) for k in ("practices", "pcns", "lads", "lsoas")}
        if not all(
            isinstance(v, list) and all(isinstance(c, str) for c in v) for v in lists.values()
        ):
            raise InvalidInput(
                f"Place {i} in {path}: member lists must be lists of codes.",
                input_name="--new",
                expected="lists of code strings",
            )
        specs.append(
            PlaceSpec(str(item["code"]), str(item["name"]), *(frozenset(lists[k]) for k in lists))
        )
    return specs


@app.command("reconfigure")
@handle_errors
def reconfigure(
    effective: Annotated[str, typer.Option(help="Date the change takes effect.")],
    retire: Codes = None,
    new: Annotated[Path | None, typer.Option(help="JSON file listing the new places.")] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Retire places and start new ones on one date; earlier versions are kept."""
    day = parse_date(effective, "--effective")
    specs = read_specs(new) if new else []
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        active = reconfigure_places(uow, ws.system, day, retire or [], specs, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(
        f"From {day.isoformat()} the places are: "
        + ", ".join(f"{escape(p.name)} ({p.code})" for p in active)
    )
