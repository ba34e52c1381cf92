"""Build the Nottingham and Nottinghamshire demo workspace: real structure, replayed history.

The history it replays: two place partnerships from April 2018 (Greater Nottingham and Mid
Nottinghamshire); Nottingham City Council suspending its ICS membership in December 2018
for six months over a lack of democratic oversight; three place partnerships from April
2019 (the city's own, South and Mid Nottinghamshire); the council rejoining in April 2019
subject to unanimous voting on proposals that may lead to privatisation or outsourcing;
Bassetlaw joining the system on 1 July 2022 when the ICB was established.
"""

from __future__ import annotations

import json
import secrets
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from rich.console import Console

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.demo.finance import build_finance
from integrated_care.demo.governance import (
    BOARD_MEMBER,
    SECRETARY,
    build_governance,
    credentials_text,
)
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services import governance_queries, membership
from integrated_care.services import users as user_service
from integrated_care.services.register_events import attach_signer, signer_for
from integrated_care.services.structure import (
    SYSTEM_BODY,
    PlaceSpec,
    add_organisation,
    define_place,
    init_system,
    reconfigure_places,
    rename_organisation,
)
from integrated_care.structure.membership import Action
from integrated_care.structure.organisations import Organisation, OrgKind
from integrated_care.workspace import Workspace

TWO_PLACES = date(2018, 4, 1)
THREE_PLACES = date(2019, 4, 1)
SUSPENDED = date(2018, 12, 1)
SUSPENSION_PLANNED_END = date(2019, 6, 1)
REJOINED = date(2019, 4, 17)
ICB_ESTABLISHED = date(2022, 7, 1)
CITY = "E06000018"
COUNTY = "E10000024"
CONDITION = (
    "Unanimous voting on proposals that may result in privatisation or outsourcing "
    "of NHS services at ICS and ICP level"
)
CREDENTIALS_FILE = "demo-credentials.txt"


def _config() -> dict[str, Any]:
    text = (resources.files("integrated_care.demo") / "nottingham.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _place(code: str, name: str, cfg: dict[str, Any], *groups: str) -> PlaceSpec:
    pcns = frozenset(p for g in groups for p in cfg["pcns"][g])
    lads = frozenset(c for g in groups for c in cfg["lads"][g])
    return PlaceSpec(code, name, pcns=pcns, lads=lads)


def _join(uow: UnitOfWork, system: str, body: str, orgs: list[str], day: date) -> None:
    for org in orgs:
        membership.record(
            uow,
            system,
            body_code=body,
            org_code=org,
            action=Action.JOIN,
            effective=day,
            actor=LOCAL_OPERATOR,
        )


def _history(uow: UnitOfWork, system: str, cfg: dict[str, Any]) -> None:
    districts = {g: [c for c in cfg["lads"][g] if c.startswith("E07")] for g in cfg["lads"]}
    # 2018: the ICS partnership and two place partnerships.
    _join(
        uow,
        system,
        SYSTEM_BODY,
        [CITY, COUNTY, "RX1", "RK5", "RHA", "RX9", "healthwatch-nn"],
        TWO_PLACES,
    )
    _join(
        uow,
        system,
        "greater-nottingham-partnership",
        [CITY, COUNTY, *districts["south"], "RX1"],
        TWO_PLACES,
    )
    _join(uow, system, "mid-notts-partnership", [COUNTY, *districts["mid"], "RK5"], TWO_PLACES)
    membership.record(
        uow,
        system,
        body_code=SYSTEM_BODY,
        org_code=CITY,
        action=Action.SUSPEND,
        effective=SUSPENDED,
        planned_end=SUSPENSION_PLANNED_END,
        reason="Lack of democratic oversight",
        actor=LOCAL_OPERATOR,
    )
    # April 2019: three place partnerships replace two; the city rejoins on a condition.
    reconfigure_places(
        uow,
        system,
        THREE_PLACES,
        ["greater-nottingham"],
        [
            _place("nottingham-city", "Nottingham City", cfg, "city"),
            _place("south-notts", "South Nottinghamshire", cfg, "south"),
        ],
        actor=LOCAL_OPERATOR,
    )
    for org in [CITY, COUNTY, *districts["south"], "RX1"]:
        membership.record(
            uow,
            system,
            body_code="greater-nottingham-partnership",
            org_code=org,
            action=Action.WITHDRAW,
            effective=THREE_PLACES,
            reason="Place partnership replaced by Nottingham City and South Nottinghamshire",
            actor=LOCAL_OPERATOR,
        )
    _join(uow, system, "nottingham-city-partnership", [CITY, "RX1", "RHA"], THREE_PLACES)
    _join(
        uow, system, "south-notts-partnership", [COUNTY, *districts["south"], "RX1"], THREE_PLACES
    )
    membership.record(
        uow,
        system,
        body_code=SYSTEM_BODY,
        org_code=CITY,
        action=Action.REJOIN,
        effective=REJOINED,
        conditions=(CONDITION,),
        actor=LOCAL_OPERATOR,
    )
    # July 2022: the ICB is established and Bassetlaw joins the system.
    define_place(
        uow,
        system,
        _place("bassetlaw", "Bassetlaw", cfg, "bassetlaw"),
        ICB_ESTABLISHED,
        actor=LOCAL_OPERATOR,
    )
    _join(uow, system, SYSTEM_BODY, [system, "E07000171", "RP5"], ICB_ESTABLISHED)
    _join(uow, system, "bassetlaw-partnership", [COUNTY, "E07000171", "RP5"], ICB_ESTABLISHED)


def build_demo(path: Path, progress: Console | None = None) -> Workspace:
    """Create the demo workspace at ``path`` unless it already holds it; return it."""
    console = progress or Console(quiet=True)
    ws = Workspace.at(path)
    if ws.system_code is not None:
        console.print(f"Using the existing demo workspace in {path} ({ws.system_code}).")
        ws.migrate()
        return ws
    cfg = _config()
    path.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(12)
    with console.status("Building the Nottingham and Nottinghamshire demo..."):
        ws.migrate()
        with ws.uow() as uow:
            summary = init_system(uow, cfg["icb"], actor=LOCAL_OPERATOR, with_default_places=False)
            system = summary.system_code
            for code, name in cfg["council_names"].items():
                rename_organisation(uow, system, code, name, actor=LOCAL_OPERATOR)
            for org in cfg["organisations"]:
                add_organisation(
                    uow,
                    system,
                    Organisation(
                        org["code"],
                        org["name"],
                        OrgKind(org["kind"]),
                        ods_code=org["code"] if org["kind"] != "Healthwatch" else None,
                    ),
                    actor=LOCAL_OPERATOR,
                )
            define_place(
                uow,
                system,
                _place("greater-nottingham", "Greater Nottingham", cfg, "city", "south"),
                TWO_PLACES,
                actor=LOCAL_OPERATOR,
            )
            define_place(
                uow,
                system,
                _place("mid-notts", "Mid Nottinghamshire", cfg, "mid"),
                TWO_PLACES,
                actor=LOCAL_OPERATOR,
            )
            _history(uow, system, cfg)
            user_service.add_user(uow, "demo-admin", password, "admin", actor=LOCAL_OPERATOR)
            uow.commit()
        ws.save_settings(system)
        with ws.uow() as uow:  # the ICB board, its latest meeting, a consultation
            passwords = {u: secrets.token_urlsafe(12) for u in (BOARD_MEMBER, SECRETARY)}
            board = build_governance(uow, ws, passwords)
            uow.commit()
        with ws.uow() as uow:  # the 2025/26 single pot, places' budgets, pools and partners
            attach_signer(uow, signer_for(ws))
            build_finance(uow, system)
            # BCF sign-offs go to the register: checkpoint them like the governance demo.
            governance_queries.sign_tree_head(uow, system, signer_for(ws), actor=LOCAL_OPERATOR)
            uow.commit()
    credentials = path / CREDENTIALS_FILE
    credentials.write_text(
        f"username: demo-admin\npassword: {password}\n{credentials_text(board)}", encoding="utf-8"
    )
    credentials.chmod(0o600)
    console.print(
        f"Built the demo for {summary.name}: {summary.practices} practices, "
        f"{summary.pcns} PCNs, four places, the ICB board and its latest meeting. Sign in as "
        f"demo-admin, or as {BOARD_MEMBER} to vote on the open proposal, with the passwords "
        f"in {credentials}."
    )
    return ws
