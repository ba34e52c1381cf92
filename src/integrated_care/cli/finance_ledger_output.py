"""Output and option helpers shared by the ``ics finance`` ledger command modules."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.cli.common import console
from integrated_care.finance.ledger.model import Posted
from integrated_care.finance.money import format_gbp, parse_pounds

KeyOption = Annotated[
    str, typer.Option("--key", help="Idempotency key: the same key and request replay.")
]


def table(*columns: str, title: str) -> Table:
    """A table whose first column (an account code or id) wraps rather than being cut."""
    result = Table(*columns, title=title)
    result.columns[0].overflow = "fold"
    return result


def pounds(value: str, option: str) -> int:
    return parse_pounds(value, input_name=option)


def say_posted(p: Posted) -> None:
    j = p.journal
    total = sum(g.amount for g in j.legs if g.amount > 0)
    verb = "already posted (replay)" if p.replayed else "posted"
    console.print(
        f"Journal {j.id} '{escape(j.key)}' {verb}: {format_gbp(total)} on "
        f"{j.posted_on.isoformat()}, {len(j.legs)} legs.",
        highlight=False,
    )
