"""``ics finance pools``: section 75 pooled budgets: create a pool, add partners and lines,
set its risk-share rule, record contributions and spend, show its statement, settle the year.

Amounts are typed in pounds and shown in pounds; ``--json`` prints pence. Each write runs as
the local operator in one unit of work: refused means nothing written.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    parse_date,
    print_json,
)
from integrated_care.errors import InvalidInput
from integrated_care.finance.money import format_gbp, parse_pounds
from integrated_care.services.finance import pool_postings, pools
from integrated_care.services.finance.partnership_dicts import (
    entry_dict,
    percent,
    pool_dict,
    statement_dict,
)
from integrated_care.services.finance.pool_statements import PoolStatement, statement

app = typer.Typer(
    help="Section 75 pooled budgets: partners, lines, contributions, spend, risk share, "
    "year-end settlement.",
    no_args_is_help=True,
)
AmountOption = Annotated[str, typer.Option("--amount", help="Pounds, e.g. 250000 or 1,234.56.")]
OnOption = Annotated[str, typer.Option("--on", help="Date posted, YYYY-MM-DD.")]
KeyOption = Annotated[
    str | None, typer.Option("--key", help="Idempotency key: the same key replays.")
]


def _pairs(values: list[str] | None, option: str) -> dict[str, str]:
    """['QT1=60', 'E06000018=40'] -> {'QT1': '60', 'E06000018': '40'}."""
    found: dict[str, str] = {}
    for value in values or []:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise InvalidInput(
                f"'{value}' is not KEY=VALUE.", input_name=option, expected="e.g. QT1=60"
            )
        found[key.strip()] = rest.strip()
    return found


def _print_statement(s: PoolStatement) -> None:
    pool = s.pool
    console.print(
        f"[bold]{escape(pool.name)}[/] ({pool.code}, {s.fund}): {pool.basis.description}; "
        f"host {pool.host}; risk share {pool.risk_share.basis.value}, underspend "
        f"{pool.risk_share.underspend.value}."
    )
    lines = {x.line: x for x in s.preview.lines}
    table = Table(
        "Line",
        "Kind",
        *[p.organisation for p in pool.partners],
        "Budget",
        "Spent",
        "Variance",
        title="Contributions and spend",
    )
    for x in pool.lines:
        r = lines[x.code]
        table.add_row(
            escape(x.name),
            x.kind.value,
            *[format_gbp(s.by_partner_line(p.organisation, x.code)) for p in pool.partners],
            format_gbp(r.budget),
            format_gbp(r.spent),
            format_gbp(r.variance),
        )
    console.print(table)
    w = s.preview.waterfall
    console.print(
        f"Waterfall: overspend {format_gbp(w.overspend)}, offset {format_gbp(w.offset)}, "
        f"risk pool used {format_gbp(w.risk_pool_used)} of {format_gbp(w.risk_pool)}, "
        f"uncommitted cut {format_gbp(w.uncommitted_cut)}, partners "
        f"{format_gbp(w.to_partners)}, unfunded {format_gbp(w.unfunded)}; retained "
        f"{format_gbp(s.preview.retained)}, returned {format_gbp(s.preview.returned)}."
    )
    table = Table(
        "Partner",
        "Contributed",
        "Cap",
        "Net settlement",
        "Called",
        "Still due",
        title="Settlement" + (" (posted)" if s.settled else " (preview)"),
    )
    for p in s.preview.partners:
        table.add_row(
            p.partner,
            format_gbp(p.contributed),
            "uncapped" if p.cap is None else format_gbp(p.cap),
            format_gbp(p.net),
            format_gbp(s.called.get(p.partner, 0)),
            format_gbp(s.due[p.partner]),
        )
    console.print(table)
    ledger_text = "not open" if s.ledger_balance is None else format_gbp(s.ledger_balance)
    console.print(
        f"Pool balance {format_gbp(s.book_balance)} (ledger: {ledger_text})"
        + ("" if s.reconciled else " [red]does not reconcile[/]")
        + (f"; settled on {s.settled.settled_on.isoformat()}." if s.settled else ".")
    )


@app.command()
@handle_errors
def create(
    code: Annotated[str, typer.Argument(help="Pool code, e.g. city-s75.")],
    name: Annotated[str, typer.Option(help="The pool's name.")],
    year: Annotated[str, typer.Option(help="Financial year, e.g. 2025/26.")],
    host: Annotated[str, typer.Option(help="Host partner (keeps the accounts), e.g. E06000018.")],
    partner: Annotated[
        list[str], typer.Option(help="Another partner (repeat), e.g. QT1; the host is one.")
    ],
    basis: Annotated[str, typer.Option(help="Legal basis: s75 or s65z5.")] = "s75",
    stream: Annotated[str, typer.Option(help="Ledger fund stream: s75 or bcf.")] = "s75",
    aims: Annotated[str, typer.Option(help="Aims and outcomes (SI 2000/617 reg 7(3)).")] = "",
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a pooled fund with its host and partners."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        pool = pools.create_pool(
            uow,
            ws.system,
            code=code,
            name=name,
            year=year,
            host=host,
            partners=partner,
            basis=basis,
            stream=stream,
            aims=aims,
            actor=LOCAL_OPERATOR,
        )
        stored = pools.get(uow, ws.system, pool.code, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(pool_dict(stored.pool, stored.fund))
        return
    console.print(f"Created pool {pool.code} ({stored.fund}), hosted by {pool.host}.")


@app.command("add-partner")
@handle_errors
def add_partner(
    code: str,
    organisation: Annotated[str, typer.Argument(help="ODS or GSS code of the partner.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Add a partner (the ICB, an NHS trust or a council of the system)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        pools.add_partner(uow, ws.system, code, organisation, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Added {organisation} to pool {code}.")


@app.command("add-line")
@handle_errors
def add_line(
    code: str,
    line: Annotated[str, typer.Argument(help="Line code, e.g. reablement.")],
    name: Annotated[str, typer.Option(help="The line's name.")] = "",
    kind: Annotated[str, typer.Option(help="variable, fixed (host's own) or risk-pool.")] = (
        "variable"
    ),
    workspace: WorkspaceOption = None,
) -> None:
    """Add a spend line, a fixed line or the risk pool."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        pools.add_line(uow, ws.system, code, line=line, name=name, kind=kind, actor=LOCAL_OPERATOR)
        uow.commit()
    console.print(f"Added line {line} ({kind}) to pool {code}.")


@app.command()
@handle_errors
def rule(
    code: str,
    basis: Annotated[str, typer.Option(help="pro-rata or fixed-split.")] = "pro-rata",
    share: Annotated[
        list[str] | None, typer.Option(help="Fixed split: ORG=PERCENT (repeat; total 100).")
    ] = None,
    underspend: Annotated[str, typer.Option(help="retain or return.")] = "retain",
    no_cut: Annotated[
        bool, typer.Option("--no-cut", help="Do not cut uncommitted scheme allocations.")
    ] = False,
    cap: Annotated[
        list[str] | None, typer.Option(help="An agreed cap, ORG=POUNDS (repeat).")
    ] = None,
    uncapped: Annotated[bool, typer.Option(help="The partners agreed no caps.")] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Set the risk-share rule (before any spend is recorded)."""
    caps = {k: parse_pounds(v, input_name="cap") for k, v in _pairs(cap, "cap").items()}
    new = pools.parse_rule(
        basis=basis,
        shares=_pairs(share, "share"),
        underspend=underspend,
        cut_uncommitted=not no_cut,
        caps=caps,
        uncapped=uncapped,
    )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        pools.set_rule(uow, ws.system, code, new, actor=LOCAL_OPERATOR)
        uow.commit()
    shares = ", ".join(f"{k} {percent(v)}%" for k, v in new.fixed_shares.items())
    console.print(
        f"Pool {code}: {new.basis.value}{' (' + shares + ')' if shares else ''}, "
        f"underspend {new.underspend.value}."
    )


@app.command()
@handle_errors
def contribute(
    code: str,
    partner: Annotated[str, typer.Option(help="The contributing partner.")],
    line: Annotated[str, typer.Option(help="The line it funds.")],
    amount: AmountOption,
    on: OnOption,
    description: Annotated[str, typer.Option(help="Journal description.")] = "",
    key: KeyOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record a partner's contribution to a line (posted to the ledger)."""
    pence = parse_pounds(amount, input_name="amount")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        entry = pool_postings.contribute(
            uow,
            ws.system,
            code,
            partner=partner,
            line=line,
            amount=pence,
            on=parse_date(on, "--on"),
            description=description,
            key=key,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json(entry_dict(entry))
        return
    console.print(
        f"Recorded {format_gbp(pence)} from {entry.partner} to {entry.line} "
        f"(journal {entry.journal_id})."
    )


@app.command()
@handle_errors
def spend(
    code: str,
    line: Annotated[str, typer.Option(help="The line spent on.")],
    amount: AmountOption,
    on: OnOption,
    description: Annotated[str, typer.Option(help="Journal description.")] = "",
    under_risk_share: Annotated[
        bool,
        typer.Option(
            "--under-risk-share",
            help="Beyond the pool's balance: call the shortfall from partners by the rule.",
        ),
    ] = False,
    key: KeyOption = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record spend on a line (refused beyond the pool's balance unless under the risk
    share)."""
    pence = parse_pounds(amount, input_name="amount")
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        entries = pool_postings.record_spend(
            uow,
            ws.system,
            code,
            line=line,
            amount=pence,
            on=parse_date(on, "--on"),
            description=description,
            under_risk_share=under_risk_share,
            key=key,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json([entry_dict(e) for e in entries])
        return
    for e in entries:
        what = f"risk-share call on {e.partner}" if e.kind == "call" else f"spend on {e.line}"
        console.print(f"Recorded {what}: {format_gbp(e.amount)} (journal {e.journal_id}).")


@app.command()
@handle_errors
def show(
    code: str,
    forecast: Annotated[
        list[str] | None,
        typer.Option(help="Uncommitted planned spend, LINE=POUNDS (repeat), for the preview."),
    ] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """The pooled fund statement: contributions, spend, variance and the settlement."""
    planned = {
        k: parse_pounds(v, input_name="forecast") for k, v in _pairs(forecast, "forecast").items()
    }
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        s = statement(uow, ws.system, code, actor=LOCAL_OPERATOR, forecast=planned)
    if json_output:
        print_json(statement_dict(s))
        return
    _print_statement(s)


@app.command()
@handle_errors
def settle(
    code: str,
    on: OnOption,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Settle the year: post each partner's remaining share, then close the pool."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        s = pool_postings.settle_year(
            uow, ws.system, code, on=parse_date(on, "--on"), actor=LOCAL_OPERATOR
        )
        uow.commit()
    if json_output:
        print_json(statement_dict(s))
        return
    _print_statement(s)


@app.command("list")
@handle_errors
def list_pools(json_output: JsonOption = False, workspace: WorkspaceOption = None) -> None:
    """Every pool."""
    ws: Path | None = workspace
    opened = open_workspace(ws)
    with opened.uow() as uow:
        found = pools.list_pools(uow, opened.system, actor=LOCAL_OPERATOR)
    if json_output:
        print_json([pool_dict(p.pool, p.fund) for p in found])
        return
    table = Table("Code", "Name", "Year", "Basis", "Host", "Partners")
    for p in found:
        table.add_row(
            p.pool.code,
            escape(p.pool.name),
            p.fund,
            p.pool.basis.value,
            p.pool.host,
            ", ".join(x.organisation for x in p.pool.partners),
        )
    console.print(table if found else "No pools yet.")
