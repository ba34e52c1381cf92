"""``ics structure``: the system tree on a date, and the validation report."""

from __future__ import annotations

import typer
from rich.markup import escape
from rich.table import Table
from rich.tree import Tree

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
from integrated_care.services.structure import load_model
from integrated_care.structure.tree import Node, build_tree
from integrated_care.structure.validation import Severity, validate

app = typer.Typer(help="The system's structure: places, PCNs and practices.", no_args_is_help=True)

LEVELS = ("place", "pcn", "practice")


def _label(node: Node) -> str:
    parts = [
        f"[bold]{escape(node.name)}[/] [dim]{escape(node.code)}[/]",
        f"registered {node.registered:,}",
    ]
    if node.resident is not None:
        parts.append(f"residents {node.resident:,}")
    if node.deprivation is not None:
        parts.append(node.deprivation.describe())
    return " · ".join(parts)


def _add(tree: Tree, node: Node, depth: int, max_depth: int) -> None:
    branch = tree.add(_label(node))
    if depth < max_depth:
        for child in node.children:
            _add(branch, child, depth + 1, max_depth)


@app.command("show")
@handle_errors
def show(
    workspace: WorkspaceOption = None,
    as_of: AsOfOption = None,
    depth: str = typer.Option("practice", help="Deepest level: place, pcn or practice."),
    json_output: JsonOption = False,
) -> None:
    """Print the tree ICS → place → PCN → practice with populations and deprivation."""
    day = parse_date(as_of, "--as-of")
    if depth not in LEVELS:
        raise typer.BadParameter(f"expected one of {', '.join(LEVELS)}", param_hint="--depth")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        model = load_model(uow, ws.system)
    root = build_tree(model, day)
    if json_output:
        print_json({"as_of": day.isoformat(), "system": root.to_dict()})
        return
    tree = Tree(_label(root))
    for place in root.children:
        _add(tree, place, 1, LEVELS.index(depth) + 1)
    console.print(f"Structure on {day.isoformat()}")
    console.print(tree)
    console.print(
        "[dim]Registered: GP lists, 1 Dec 2025. Residents: Census 2021. IMD 2025 "
        "score is residents-weighted; Core20 = England's most deprived 20% of "
        "LSOAs.[/]"
    )


@app.command("validate")
@handle_errors
def validate_command(
    workspace: WorkspaceOption = None, as_of: AsOfOption = None, json_output: JsonOption = False
) -> None:
    """Report practices in no place or in two, boundary crossings and population gaps."""
    day = parse_date(as_of, "--as-of")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        model = load_model(uow, ws.system)
    report = validate(model, day)
    if json_output:
        print_json(report.to_dict())
    else:
        colours = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
        console.print(
            f"Validation of {escape(model.icb.name)} on {day.isoformat()}: "
            f"{report.count(Severity.ERROR)} errors, "
            f"{report.count(Severity.WARNING)} warnings, "
            f"{report.count(Severity.INFO)} notes"
        )
        for f in report.findings:
            console.print(
                f"[{colours[f.severity]}]{f.severity.value:7}[/] {f.check}: {escape(f.message)}",
                highlight=False,
            )
        table = Table(
            "Place",
            "Practices",
            "Registered",
            "Resident",
            "Registered/resident",
            title="Registered and resident population per place",
        )
        for p in report.places:
            table.add_row(
                escape(p.name),
                str(p.practices),
                f"{p.registered:,}",
                "-" if p.resident is None else f"{p.resident:,}",
                "-" if p.ratio is None else f"{p.ratio:.3f}",
            )
        console.print(table)
    if not report.ok:
        raise typer.Exit(code=1)
