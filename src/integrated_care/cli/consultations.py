"""``ics governance consultations``: numbered questions, responses and the aggregated report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

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
    optional_date,
    parse_date,
    print_json,
)
from integrated_care.errors import InvalidInput
from integrated_care.governance.consultations import (
    Consultation,
    Stance,
    report_to_dict,
    report_to_markdown,
)
from integrated_care.services import consultations as service
from integrated_care.services.register_events import attach_signer, signer_for

app = typer.Typer(
    help="Consultations: numbered questions put to partner organisations, their responses "
    "(agree / disagree / neutral) and the aggregated report.",
    no_args_is_help=True,
)

Questions = Annotated[
    list[str] | None,
    typer.Option(
        "--question", "-q", help="A question's text (repeat, in order).", show_default=False
    ),
]


def _consultation_dict(c: Consultation) -> dict[str, Any]:
    return {
        "code": c.code,
        "title": c.title,
        "owner": {"code": c.owner_code, "name": c.owner_name},
        "opens": c.opens.isoformat(),
        "closes": c.closes.isoformat(),
        "description": c.description,
        "questions": [{"number": q.number, "text": q.text} for q in c.questions],
    }


def _print_questions(c: Consultation) -> None:
    table = Table("No.", "Question", title=f"{escape(c.title)} ({c.code})")
    for q in c.questions:
        table.add_row(str(q.number), escape(q.text))
    console.print(table)
    console.print(
        f"Owner: {escape(c.owner_name)}. Open {c.opens.isoformat()} to {c.closes.isoformat()}."
    )


@app.command("list")
@handle_errors
def list_consultations(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """The consultations of the system."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = service.list_all(uow, ws.system)
    if json_output:
        print_json([_consultation_dict(c) for c in found])
        return
    table = Table("Code", "Title", "Owner", "Opens", "Closes", "Questions")
    for c in found:
        table.add_row(
            c.code,
            escape(c.title),
            escape(c.owner_name),
            c.opens.isoformat(),
            c.closes.isoformat(),
            str(len(c.questions)),
        )
    console.print(table)


@app.command()
@handle_errors
def create(
    code: Annotated[str, typer.Argument(help="A short code, e.g. place-plan-2026.")],
    title: Annotated[str, typer.Option(help="The consultation's title.")],
    owner: Annotated[
        str,
        typer.Option(
            help="Owner: an organisation or body code of the system, or an outside "
            "owner's code with --owner-name."
        ),
    ],
    opens: Annotated[str, typer.Option(help="First day responses are accepted, YYYY-MM-DD.")],
    closes: Annotated[str, typer.Option(help="Last day responses are accepted, YYYY-MM-DD.")],
    question: Questions = None,
    owner_name: Annotated[
        str | None, typer.Option(help="Name of an outside owner, e.g. NHS England.")
    ] = None,
    description: Annotated[str | None, typer.Option(help="What is being consulted on.")] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Create a consultation with its numbered questions."""
    start = parse_date(opens, "--opens", default_today=False)
    end = parse_date(closes, "--closes", default_today=False)
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        made = service.create(
            uow,
            ws.system,
            code=code,
            title=title,
            owner=owner,
            owner_name=owner_name,
            opens=start,
            closes=end,
            questions=question or [],
            description=description,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json(_consultation_dict(made))
        return
    console.print(f"Created consultation {made.code} with {len(made.questions)} question(s).")


@app.command()
@handle_errors
def questions(
    code: str,
    add: Annotated[
        list[str] | None,
        typer.Option("--add", help="Add a question (repeat); numbered after the last one."),
    ] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """List a consultation's numbered questions, or add some before the first response."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        if add:
            service.add_questions(uow, ws.system, code, add, actor=LOCAL_OPERATOR)
        found = service.get(uow, ws.system, code)
        uow.commit()
    if json_output:
        print_json(_consultation_dict(found))
        return
    _print_questions(found)


@app.command()
@handle_errors
def respond(
    code: str,
    org: Annotated[str, typer.Option("--org", help="The responding organisation's code.")],
    question: Annotated[int, typer.Option("--question", "-q", help="The question number.")],
    stance: Annotated[str, typer.Option(help="agree, disagree or neutral.")],
    text: Annotated[str, typer.Option(help="The organisation's words.")] = "",
    on: Annotated[
        str | None,
        typer.Option(help="Date the response was given, YYYY-MM-DD (default: today)."),
    ] = None,
    external_name: Annotated[
        str | None, typer.Option(help="Name of an organisation outside the system.")
    ] = None,
    external_kind: Annotated[
        str | None, typer.Option(help="Its kind, e.g. 'district council'.")
    ] = None,
    external_gss: Annotated[str | None, typer.Option(help="Its ONS GSS code.")] = None,
    json_output: JsonOption = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Record an organisation's response to one question (again to revise it)."""
    day = optional_date(on, "--on")
    external = None
    if external_name is not None or external_kind is not None:
        if not (external_name and external_kind):
            raise InvalidInput(
                "An outside organisation needs both --external-name and --external-kind.",
                input_name="--external-kind" if external_name else "--external-name",
                expected="both options",
            )
        external = service.ExternalOrganisation(
            org, external_name, external_kind, gss_code=external_gss
        )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        response = service.respond(
            uow,
            ws.system,
            code,
            organisation=org,
            question=question,
            stance=stance,
            text=text,
            on=day,
            external=external,
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    if json_output:
        print_json(
            {
                "consultation": code,
                "organisation": response.organisation_code,
                "question": response.question,
                "version": response.version,
                "stance": response.stance.value,
                "text": response.text,
                "responded_on": response.responded_on.isoformat(),
            }
        )
        return
    revised = f" (revision, version {response.version})" if response.version > 1 else ""
    console.print(
        f"Recorded: {response.organisation_code} answered question {response.question} of "
        f"{escape(code)}: {response.stance.value}{revised}."
    )


@app.command()
@handle_errors
def report(
    code: str,
    json_output: JsonOption = False,
    markdown: Annotated[bool, typer.Option("--markdown", help="Print Markdown.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    workspace: WorkspaceOption = None,
) -> None:
    """The aggregated report: per question, counts and respondents under each stance."""
    if json_output and markdown:
        raise InvalidInput(
            "Choose one of --json and --markdown.", input_name="--markdown", expected="one"
        )
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        found = service.report(uow, ws.system, code)
    if output is not None and not (json_output or markdown):
        markdown = output.suffix.lower() in (".md", ".markdown")
        json_output = not markdown
    if json_output or markdown:
        text = (
            json.dumps(report_to_dict(found), indent=2, ensure_ascii=False) + "\n"
            if json_output
            else report_to_markdown(found)
        )
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            console.print(f"Wrote the report of {found.consultation.code} to {output}.")
        return
    c = found.consultation
    console.print(
        f"[bold]{escape(c.title)}[/] ({c.code}), {escape(c.owner_name)}, "
        f"open {c.opens.isoformat()} to {c.closes.isoformat()}; "
        f"{len(found.respondents)} respondent(s)."
    )
    for q in found.questions:
        table = Table("Stance", "Count", "Respondents", title=f"Q{q.number}. {escape(q.text)}")
        for s in Stance:
            table.add_row(s.value, str(q.counts[s]), escape(", ".join(q.respondents[s])))
        console.print(table)
        for line in q.lines:
            console.print(
                f"  [bold]{escape(line.organisation_name)}[/] ({line.stance.value}): "
                f"{escape(line.text) or '(no text)'}"
            )


@app.command("load-fixture")
@handle_errors
def load_fixture(json_output: JsonOption = False, workspace: WorkspaceOption = None) -> None:
    """Load NHS England's 'Integrating care' (2020) consultation, its four questions and
    the answers of Colchester Borough Council and Nottinghamshire County Council."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        attach_signer(uow, signer_for(ws))
        summary = service.load_fixture(uow, ws.system, actor=LOCAL_OPERATOR)
        uow.commit()
    if json_output:
        print_json(
            {
                "consultation": summary.consultation.code,
                "questions": len(summary.consultation.questions),
                "respondents": [
                    {"code": r.organisation_code, "name": r.name, "external": r.external}
                    for r in summary.respondents
                ],
                "responses": summary.responses,
            }
        )
        return
    names = ", ".join(
        f"{r.name}{' (outside the system)' if r.external else ''}" for r in summary.respondents
    )
    console.print(
        f"Loaded {summary.consultation.code}: {len(summary.consultation.questions)} questions, "
        f"{summary.responses} responses from {escape(names)}."
    )
