"""What every command shares: the workspace option, dates, JSON output and error handling."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from integrated_care.errors import IcsError, InvalidInput
from integrated_care.workspace import Workspace, default_path

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

WorkspaceOption = Annotated[
    Path | None,
    typer.Option(
        "--workspace",
        "-w",
        help="Workspace folder (default: $ICS_WORKSPACE or ./workspace).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON for machines.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Date, YYYY-MM-DD (default: today).", show_default=False),
]


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Print an IcsError as one clear message and exit 2; nothing has been written."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except IcsError as error:
            # Messages echo the user's input: escape it so '[' is text, never Rich markup.
            err_console.print(f"[bold red]Error:[/] {escape(error.message)}", highlight=False)
            if error.expected:
                err_console.print(f"Expected: {escape(error.expected)}", highlight=False)
            raise typer.Exit(code=2) from None

    return wrapper


def parse_date(value: str | None, option: str, *, default_today: bool = True) -> date:
    if value is None:
        if default_today:
            return date.today()
        raise InvalidInput(
            f"{option} is required.", input_name=option, expected="a date as YYYY-MM-DD"
        )
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"Malformed date '{value}' for {option}.",
            input_name=option,
            expected="a calendar date as YYYY-MM-DD, e.g. 2019-04-17",
        ) from None


def optional_date(value: str | None, option: str) -> date | None:
    return None if value is None else parse_date(value, option)


def open_workspace(path: Path | None) -> Workspace:
    return Workspace.open(path or default_path())


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")
