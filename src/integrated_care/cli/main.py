"""The ``ics`` command line: one sub-command group per domain."""

from __future__ import annotations

import getpass
import os
import re
import shutil
import sys
from dataclasses import asdict
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from integrated_care import __version__
from integrated_care.access import LOCAL_OPERATOR
from integrated_care.cli import (
    consultations,
    finance,
    governance,
    members,
    places,
    reference,
    register,
    structure,
    workflows,
)
from integrated_care.cli.common import (
    JsonOption,
    WorkspaceOption,
    console,
    handle_errors,
    open_workspace,
    parse_date,
    print_json,
)
from integrated_care.errors import Conflict, InvalidInput, WorkspaceError
from integrated_care.reference.loader import ReferenceData
from integrated_care.services import users as user_service
from integrated_care.services.structure import ICB_ESTABLISHED, add_organisation, init_system
from integrated_care.structure.organisations import Organisation, OrgKind
from integrated_care.workspace import Workspace, default_path

app = typer.Typer(
    help="Run an English NHS Integrated Care System.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(reference.app, name="reference")
app.add_typer(structure.app, name="structure")
app.add_typer(places.app, name="places")
app.add_typer(members.app, name="members")
# Consultations and plan workflows are part of governance: ics governance consultations|plans.
governance.app.add_typer(consultations.app, name="consultations")
governance.app.add_typer(workflows.app, name="plans")
app.add_typer(governance.app, name="governance")
app.add_typer(register.app, name="register")
app.add_typer(finance.app, name="finance")
orgs_app = typer.Typer(
    help="Partner organisations (trusts, VCSE, Healthwatch, ...).", no_args_is_help=True
)
users_app = typer.Typer(help="Local users, roles and API tokens.", no_args_is_help=True)
app.add_typer(orgs_app, name="orgs")
app.add_typer(users_app, name="users")


@app.command()
def version() -> None:
    """Print the version."""
    console.print(f"integrated-care {__version__}")


@app.command()
@handle_errors
def init(
    icb: Annotated[
        str, typer.Option(help="The ICB: ODS code (QT1), GSS code (E54000060) or name.")
    ],
    workspace: WorkspaceOption = None,
    default_places: Annotated[
        bool, typer.Option(help="Create one place per upper-tier council area.")
    ] = True,
    places_from: Annotated[
        str, typer.Option(help="Date the default places start.")
    ] = ICB_ESTABLISHED.isoformat(),
    json_output: JsonOption = False,
) -> None:
    """Build a workspace for one of England's 42 ICBs from the packaged reference data."""
    start = parse_date(places_from, "--places-from")
    path = workspace or default_path()
    ws = Workspace.at(path)
    if ws.system_code is not None:
        raise Conflict(
            f"{path} is already a workspace for {ws.system_code}.",
            input_name="workspace",
            expected="an empty or new folder",
        )
    ReferenceData.packaged().icb(icb)  # an unknown ICB is refused before anything is made
    if path.exists() and not path.is_dir():
        raise WorkspaceError(
            f"The workspace {path} is a file, not a folder.",
            input_name="workspace",
            expected="an empty or new folder",
        )
    created = not path.exists()
    try:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(
                f"The workspace folder {path} cannot be made ({exc.strerror}).",
                input_name="workspace",
                expected="a folder path that can be created",
            ) from None
        ws.migrate()
        with console.status("Building the system from the reference data..."), ws.uow() as uow:
            summary = init_system(
                uow,
                icb,
                actor=LOCAL_OPERATOR,
                with_default_places=default_places,
                places_from=start,
            )
            uow.commit()
        ws.save_settings(summary.system_code)
    except BaseException:
        if created:  # leave no half-made workspace behind
            if "engine" in vars(ws):  # an unusable URL never made one; don't retry it here
                ws.engine.dispose()
            shutil.rmtree(path, ignore_errors=True)
        raise
    if json_output:
        print_json(asdict(summary) | {"workspace": str(path)})
        return
    console.print(
        f"Initialised {summary.name} ({summary.system_code}, {summary.gss_code}) in "
        f"{path}:\n  {summary.sub_icbs} sub-ICB locations, {summary.pcns} PCNs, "
        f"{summary.practices} practices ({summary.registered_population:,} "
        f"registered patients), {summary.councils} councils, "
        f"{summary.places} places."
    )


@app.command()
@handle_errors
def serve(workspace: WorkspaceOption = None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the web UI and REST API for a workspace."""
    import uvicorn

    from integrated_care.api.app import create_app

    ws = open_workspace(workspace)
    console.print(f"Serving {ws.system} on http://{host}:{port}  (Ctrl+C to stop)")
    uvicorn.run(create_app(ws), host=host, port=port, log_level="warning")


@app.command()
@handle_errors
def demo(
    workspace: WorkspaceOption = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    serve_ui: Annotated[bool, typer.Option("--serve/--no-serve")] = True,
) -> None:
    """Build the Nottingham and Nottinghamshire demo (if absent) and serve it."""
    from integrated_care.demo.build import build_demo

    path = workspace or default_path()
    build_demo(path, progress=console)
    if serve_ui:
        serve(path, host, port)


@orgs_app.command("list")
@handle_errors
def list_orgs(workspace: WorkspaceOption = None, json_output: JsonOption = False) -> None:
    """Organisations in the system (not practices)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        orgs = uow.structure.organisations(ws.system)
    if json_output:
        print_json(
            [
                {
                    "code": o.code,
                    "name": o.name,
                    "kind": o.kind.value,
                    "ods_code": o.ods_code,
                    "gss_code": o.gss_code,
                }
                for o in orgs
            ]
        )
        return
    table = Table("Code", "Name", "Kind")
    for o in orgs:
        table.add_row(o.code, escape(o.name), o.kind.value)
    console.print(table)


_ORG_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_ODS_CODE = re.compile(r"[A-Z0-9]{3,10}")


@orgs_app.command("add")
@handle_errors
def add_org(
    code: str,
    name: Annotated[str, typer.Option()],
    kind: Annotated[str, typer.Option(help="e.g. 'NHS trust', 'Healthwatch'.")],
    workspace: WorkspaceOption = None,
) -> None:
    """Add a partner organisation (a trust, VCSE body, Healthwatch, provider...)."""
    try:
        org_kind = OrgKind(kind)
    except ValueError:
        raise InvalidInput(
            f"Unknown organisation kind '{kind}'.",
            input_name="--kind",
            expected=", ".join(k.value for k in OrgKind),
        ) from None
    if not _ORG_CODE.fullmatch(code):
        raise InvalidInput(
            f"Organisation code '{code}' is not valid.",
            input_name="code",
            expected="1-40 letters, digits, '-' or '_', starting with a letter or digit",
        )
    name = name.strip()
    if not 0 < len(name) <= 200:
        raise InvalidInput(
            f"The name of organisation {code} is {'blank' if not name else 'too long'}.",
            input_name="--name",
            expected="a name of 1 to 200 characters",
        )
    # A slug (e.g. for a VCSE body or Healthwatch) is the platform's key, not an ODS code.
    ods_code = code if _ODS_CODE.fullmatch(code) else None
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        add_organisation(
            uow, ws.system, Organisation(code, name, org_kind, ods_code), actor=LOCAL_OPERATOR
        )
        uow.commit()
    console.print(f"Added {escape(name)} ({code}).")


def _password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    env = os.environ.get("ICS_PASSWORD")
    return env if env else getpass.getpass("Password: ")


@users_app.command("add")
@handle_errors
def add_user(
    username: str,
    role: Annotated[
        str, typer.Option(help="admin, board_secretary, finance, analyst, partner, public")
    ],
    organisation: Annotated[
        str | None, typer.Option(help="The user's organisation code (partners).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option(help="Read the password from standard input.")
    ] = False,
    workspace: WorkspaceOption = None,
) -> None:
    """Add a local user with an argon2-hashed password."""
    ws = open_workspace(workspace)
    password = _password(password_stdin)
    with ws.uow() as uow:
        user_service.add_user(
            uow, username, password, role, actor=LOCAL_OPERATOR, organisation_code=organisation
        )
        uow.commit()
    console.print(f"Added user {username} ({role}).")


@users_app.command("token")
@handle_errors
def user_token(username: str, workspace: WorkspaceOption = None) -> None:
    """Issue a bearer token for the REST API (shown once)."""
    ws = open_workspace(workspace)
    with ws.uow() as uow:
        token = user_service.issue_token_for(uow, username)
        uow.commit()
    sys.stdout.write(token + "\n")


@users_app.command("list")
@handle_errors
def list_users(workspace: WorkspaceOption = None) -> None:
    """Users and their roles."""
    ws = open_workspace(workspace)
    table = Table("Username", "Role", "Organisation", "Disabled")
    with ws.uow() as uow:
        # Read inside the unit of work: rows are expired once it ends.
        for r in user_service.list_users(uow, actor=LOCAL_OPERATOR):
            table.add_row(
                r.username, r.role, r.organisation_code or "", "yes" if r.disabled else ""
            )
        uow.commit()  # the listing is an audited read
    console.print(table)
