"""``ics finance`` ledger commands: accounts, journals, balances, commitments, periods.

Amounts are typed in pounds (``1234.56``) and shown in pounds; ``--json`` prints pence.
Every write runs as the local operator in one unit of work: refused means nothing written.
The journal file layout is described in ``finance/ledger/files.py`` and docs/finance-ledger.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli import finance_ledger_commit
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
from integrated_care.cli.finance_ledger_output import KeyOption, say_posted, table
from integrated_care.cli.governance_common import parse_enum
from integrated_care.errors import InvalidInput
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.dicts import (
    account_dict,
    balance_dict,
    journal_dict,
    period_dict,
    trial_balance_dict,
)
from integrated_care.finance.ledger.files import parse_journal_file
from integrated_care.finance.ledger.model import Account, Journal
from integrated_care.finance.money import format_gbp
from integrated_care.services.finance import ledger

PrefixOption = Annotated[
    str | None, typer.Option("--prefix", help="Only accounts whose code starts with this.")
]
FundOption = Annotated[
    str | None, typer.Option("--fund", help="Only this fund, e.g. core-2025-26.")
]


def register(app: typer.Typer) -> None:
    """Add the ledger commands to ``ics finance``."""
    for name, command in (
        ("accounts", accounts),
        ("open-account", open_account),
        ("post", post),
        ("reverse", reverse),
        ("balances", balances),
        ("trial-balance", trial_balance),
        ("journals", journals),
        ("journal", show_journal),
        ("periods", periods),
        ("close-period", close_period),
    ):
        app.command(name)(command)
    app.add_typer(finance_ledger_commit.app, name="commit")


@handle_errors
def accounts(
    prefix: PrefixOption = None,
    fund: FundOption = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """The chart of accounts."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = ledger.list_accounts(uow, ws.system, prefix=prefix, fund=fund)
    if json_output:
        print_json([account_dict(a) for a in found])
        return
    rows = table("Code", "Name", "Type", "Fund", "Guarded", title="Ledger accounts")
    for a in found:
        rows.add_row(
            escape(a.code), escape(a.name), a.type.value, a.fund or "", "yes" if a.guarded else ""
        )
    console.print(rows)


@handle_errors
def open_account(
    code: str,
    type_: Annotated[
        str, typer.Option("--type", help="asset, liability, equity, income or expenditure.")
    ],
    name: Annotated[str, typer.Option("--name", help="What the account is for.")],
    fund: Annotated[str | None, typer.Option("--fund", help="Fund, e.g. core-2025-26.")] = None,
    organisation: Annotated[
        str | None, typer.Option("--organisation", help="ODS/GSS code of the owner.")
    ] = None,
    guarded: Annotated[
        bool, typer.Option("--guarded", help="Never below zero, counting commitments.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Open an account (opening the same account again changes nothing)."""
    account = Account(
        code=code,
        name=name,
        type=parse_enum(type_, AccountType, "--type"),
        fund=fund,
        organisation_code=organisation,
        guarded=guarded,
    )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        ledger.open_account(uow, ws.system, account, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Account {escape(code)} is open ({account.type.value}).", highlight=False)


@handle_errors
def post(
    file: Annotated[Path, typer.Option("--file", help="A JSON or CSV journal file.")],
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Post every journal in a file, all or nothing (replays of earlier keys are reported)."""
    try:
        content = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(
            f"Cannot read the journal file {file} ({exc.__class__.__name__}).",
            input_name="--file",
            expected="a readable UTF-8 JSON or CSV journal file",
        ) from None
    requests = parse_journal_file(file.name, content)
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        posted = ledger.post_many(uow, ws.system, requests, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json([{**journal_dict(p.journal), "replayed": p.replayed} for p in posted])
        return
    for p in posted:
        say_posted(p)


@handle_errors
def reverse(
    journal_id: Annotated[int, typer.Argument(help="The journal to reverse.")],
    key: KeyOption,
    reason: Annotated[str, typer.Option("--reason", help="Why it is reversed.")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date, YYYY-MM-DD (default today).")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Post the mirror image of a journal (a journal can be reversed once)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        posted = ledger.reverse(
            uow,
            ws.system,
            journal_id,
            key=key,
            posted_on=parse_date(on, "--on"),
            reason=reason,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json({**journal_dict(posted.journal), "replayed": posted.replayed})
        return
    say_posted(posted)


@handle_errors
def balances(
    prefix: PrefixOption = None,
    fund: FundOption = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date, YYYY-MM-DD (default: everything).")
    ] = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Balances in each account's normal direction, with pending commitments."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = ledger.balances(
            uow, ws.system, prefix=prefix, fund=fund, as_of=optional_date(as_of, "--as-of")
        )
    if json_output:
        print_json([balance_dict(b) for b in found])
        return
    rows = table("Account", "Type", "Balance", "Pending", "Available", title="Balances")
    for b in found:
        rows.add_row(
            escape(b.account),
            b.type.value,
            format_gbp(b.posted),
            format_gbp(b.pending),
            format_gbp(b.available),
        )
    console.print(rows)


@handle_errors
def trial_balance(
    fund: FundOption = None,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Every account's net balance as a debit or a credit; the two columns must agree."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        tb = ledger.trial_balance(uow, ws.system, fund=fund)
    if json_output:
        print_json(trial_balance_dict(tb))
        return
    rows = table("Account", "Debit", "Credit", title="Trial balance")
    for b in tb.balances:
        net = b.debits - b.credits
        rows.add_row(
            escape(b.account),
            format_gbp(net) if net > 0 else "",
            format_gbp(-net) if net < 0 else "",
        )
    rows.add_row("Total", format_gbp(tb.debits), format_gbp(tb.credits))
    console.print(rows)
    console.print("Balanced." if tb.balanced else "[bold red]NOT BALANCED[/]", highlight=False)


@handle_errors
def journals(
    account: Annotated[str | None, typer.Option("--account", help="Only journals on it.")] = None,
    fund: FundOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (1-1000).")] = 20,
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """Journals, newest first."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = ledger.journals(uow, ws.system, account=account, fund=fund, limit=limit)
    if json_output:
        print_json([journal_dict(j) for j in found])
        return
    rows = table("Id", "Date", "Key", "Description", "Amount", "Legs", title="Journals")
    for j in found:
        rows.add_row(
            str(j.id),
            j.posted_on.isoformat(),
            escape(j.key),
            escape(j.description),
            format_gbp(sum(g.amount for g in j.legs if g.amount > 0)),
            str(len(j.legs)),
        )
    console.print(rows)


@handle_errors
def show_journal(
    journal_id: Annotated[int, typer.Argument(help="The journal id.")],
    workspace: WorkspaceOption = None,
    json_output: JsonOption = False,
) -> None:
    """One journal with its legs."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = ledger.journal(uow, ws.system, journal_id)
    if json_output:
        print_json(journal_dict(found))
        return
    _print_journal(found)


def _print_journal(j: Journal) -> None:
    title = f"Journal {j.id} '{escape(j.key)}' {j.posted_on.isoformat()}: {escape(j.description)}"
    rows = table("Account", "Debit", "Credit", "Memo", title=title)
    for g in j.legs:
        rows.add_row(
            escape(g.account),
            format_gbp(g.amount) if g.amount > 0 else "",
            format_gbp(-g.amount) if g.amount < 0 else "",
            escape(g.memo),
        )
    console.print(rows)
    if j.reverses:
        console.print(f"Reverses journal {j.reverses}.", highlight=False)


@handle_errors
def periods(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """Accounting periods with journals, and which are closed."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = ledger.periods(uow, ws.system)
    if json_output:
        print_json([period_dict(p) for p in found])
        return
    for p in found:
        state = f"closed {p.closed_at:%Y-%m-%d} by {p.closed_by}" if p.closed_at else "open"
        console.print(f"{p.period}  {escape(state)}", highlight=False)


@handle_errors
def close_period(
    period: Annotated[str, typer.Argument(help="YYYY-MM")],
    workspace: WorkspaceOption = None,
) -> None:
    """Close a month: journals dated in it are refused from now on (no reopening)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        closed = ledger.close_period(uow, ws.system, period, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Period {closed.period} is closed.", highlight=False)
