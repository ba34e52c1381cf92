"""``ics finance commit``: commitments (two-phase postings) against budgets."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    optional_date,
    parse_date,
    print_json,
)
from integrated_care.cli.finance_ledger_output import KeyOption, pounds, say_posted, table
from integrated_care.finance.ledger.dicts import commitment_dict, journal_dict
from integrated_care.finance.ledger.model import CommitmentRequest
from integrated_care.finance.money import format_gbp
from integrated_care.services.finance import ledger

app = typer.Typer(
    help="Commitments: reserve funds, then post, void or expire them.", no_args_is_help=True
)


@app.command("reserve")
@handle_errors
def commit_reserve(
    key: KeyOption,
    debit: Annotated[str, typer.Option("--debit", help="Account to debit, e.g. a spend line.")],
    credit: Annotated[str, typer.Option("--credit", help="Account to reserve on, e.g. a budget.")],
    amount: Annotated[str, typer.Option("--amount", help="Pounds, e.g. 1234.56.")],
    description: Annotated[str, typer.Option("--description", help="What it is for.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default today).")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="Last day it may be posted.")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Reserve funds (pending) until posted, voided or expired."""
    request = CommitmentRequest(
        key=key,
        debit_account=debit,
        credit_account=credit,
        amount=pounds(amount, "--amount"),
        reserved_on=parse_date(on, "--on"),
        description=description,
        expires_on=optional_date(expires, "--expires"),
    )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        c = ledger.reserve(uow, ws.system, request, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(commitment_dict(c))
        return
    console.print(
        f"Commitment {c.id} reserves {format_gbp(c.amount)} on {escape(c.credit_account)}.",
        highlight=False,
    )


@app.command("post")
@handle_errors
def commit_post(
    commitment_id: Annotated[int, typer.Argument(help="The commitment id.")],
    key: KeyOption,
    amount: Annotated[
        str | None, typer.Option("--amount", help="Pounds (default: all; the rest is released).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default today).")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Post a pending commitment, in full or in part."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        posted = ledger.post_commitment(
            uow,
            ws.system,
            commitment_id,
            key=key,
            posted_on=parse_date(on, "--on"),
            amount=None if amount is None else pounds(amount, "--amount"),
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json({**journal_dict(posted.journal), "replayed": posted.replayed})
        return
    say_posted(posted)


@app.command("void")
@handle_errors
def commit_void(
    commitment_id: Annotated[int, typer.Argument(help="The commitment id.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Release a pending commitment."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        c = ledger.void_commitment(uow, ws.system, commitment_id, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Commitment {c.id} is {c.state.value}.", highlight=False)


@app.command("expire")
@handle_errors
def commit_expire(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date, YYYY-MM-DD (default today).")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """Expire pending commitments whose last day is before the date."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        expired = ledger.expire_commitments(
            uow, ws.system, parse_date(as_of, "--as-of"), actor=LOCAL_OPERATOR
        )
        uow.commit()
    console.print(f"{len(expired)} commitment(s) expired.", highlight=False)


@app.command("list")
@handle_errors
def commit_list(
    account: Annotated[str | None, typer.Option("--account", help="Only on this account.")] = None,
    pending: Annotated[bool, typer.Option("--pending", help="Only pending ones.")] = False,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Commitments, oldest first."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = ledger.commitments(uow, ws.system, account=account, pending_only=pending)
    if json_output:
        print_json([commitment_dict(c) for c in found])
        return
    rows = table("Id", "Key", "Debit", "Credit", "Amount", "State", "Posted", title="Commitments")
    for c in found:
        rows.add_row(
            str(c.id),
            escape(c.key),
            escape(c.debit_account),
            escape(c.credit_account),
            format_gbp(c.amount),
            c.state.value,
            format_gbp(c.posted_amount) if c.posted_amount else "",
        )
    console.print(rows)
