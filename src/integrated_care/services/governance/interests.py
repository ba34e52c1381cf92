"""The register of interests: declarations under the NHS conflicts-of-interest regime and the
Localism Act 2011 disclosable pecuniary interests regime, and the recusals they cause.

A member declares their own interests (their seat is linked to their username); a board
secretary records declarations for anyone. Each declaration goes to the public register. At
vote time ``recusals_for`` applies every declaration in force on the meeting day to the
item's organisations and topics (``governance.interests.recusals``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import Forbidden, InvalidInput, NotFound
from integrated_care.governance.interests import (
    KINDS,
    Declaration,
    InterestKind,
    Regime,
    recusals,
)
from integrated_care.governance.model import Seat, SeatType
from integrated_care.persistence.governance_models import (
    GovDeclarationRow,
    GovProposalRow,
    GovSeatRow,
)
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.governance.common import audit, repo
from integrated_care.services.register_events import record_event
from integrated_care.structure.dates import Period

REGIME_NAMES = {
    "nhs": Regime.NHS_CONFLICTS,
    "nhs_conflicts": Regime.NHS_CONFLICTS,
    "dpi": Regime.LOCALISM_DPI,
    "localism": Regime.LOCALISM_DPI,
    "localism_dpi": Regime.LOCALISM_DPI,
}


@dataclass(frozen=True, slots=True)
class DeclarationRecord:
    declaration_id: int
    declaration: Declaration
    recorded_at: datetime
    recorded_by: str


def parse_regime(value: str) -> Regime:
    text = value.strip().lower().replace("-", "_").replace(" ", "_")
    for regime in Regime:
        if text in (regime.name.lower(), regime.value.lower().replace(" ", "_")):
            return regime
    if text in REGIME_NAMES:
        return REGIME_NAMES[text]
    raise InvalidInput(
        f"Unknown interests regime '{value}'.",
        input_name="regime",
        expected="nhs (NHS conflicts of interest) or dpi (Localism Act 2011 DPI)",
    )


def parse_kind(value: str, regime: Regime) -> InterestKind:
    text = value.strip().lower()
    for kind in InterestKind:
        if text in (kind.value, kind.name.lower(), kind.value.split(",")[0]):
            return kind
    raise InvalidInput(
        f"Unknown kind of interest '{value}'.",
        input_name="kind",
        expected="one of: "
        + ", ".join(sorted(k.value for k in InterestKind if _allowed(k, regime))),
    )


def _allowed(kind: InterestKind, regime: Regime) -> bool:
    return kind in KINDS[regime]


def _declaration(row: GovDeclarationRow) -> Declaration:
    return Declaration(
        seat_id=row.seat_id,
        person=row.person,
        regime=Regime[row.regime],
        kind=InterestKind(row.kind),
        description=row.description,
        related_organisations=frozenset(row.organisations),
        topics=frozenset(row.topics),
        period=Period(row.valid_from, row.valid_to),
    )


def _declarant_seats(
    uow: UnitOfWork, system_code: str, declaration: Declaration
) -> list[GovSeatRow]:
    """The seat rows a declaration is about; refuses an unknown seat or person."""
    gov = repo(uow)
    if declaration.seat_id is not None:
        rows = gov.seat_rows_by_seat_id(system_code, declaration.seat_id)
        if not rows:
            raise NotFound(
                "seat",
                declaration.seat_id,
                input_name="seat",
                candidates=gov.all_seat_ids(system_code),
            )
        return rows
    assert declaration.person is not None
    holders = {s.holder: s for b in gov.bodies(system_code) for s in gov.seat_rows(b.id)}
    wanted = " ".join(declaration.person.split()).casefold()
    rows = [s for name, s in holders.items() if " ".join(name.split()).casefold() == wanted]
    if not rows:
        raise NotFound(
            "seat holder",
            declaration.person,
            input_name="person",
            candidates=list(holders),
            expected="the name of a person holding a seat, as recorded",
        )
    return rows


def declare(
    uow: UnitOfWork, system_code: str, declaration: Declaration, *, actor: Actor
) -> DeclarationRecord:
    """Record a declaration (and its register entry); refused ones write nothing."""
    if not (actor.can(Permission.MANAGE_GOVERNANCE) or actor.can(Permission.RECORD_DECLARATION)):
        require(actor, Permission.RECORD_DECLARATION)
    seats = _declarant_seats(uow, system_code, declaration)
    if not actor.can(Permission.MANAGE_GOVERNANCE) and all(s.username != actor.name for s in seats):
        raise Forbidden(
            f"{actor.name} may declare only their own interests.",
            input_name="seat",
            expected="your own seat or name",
        )
    orgs = {o.code: o.name for o in uow.structure.organisations(system_code)}
    for code in sorted(declaration.related_organisations):
        if code not in orgs:
            raise NotFound(
                "organisation",
                code,
                input_name="organisations",
                candidates=[*orgs, *orgs.values()],
            )
    if not declaration.related_organisations and not declaration.topics:
        raise InvalidInput(
            "A declaration needs the organisations or topics it relates to, or it can never "
            "be matched to an agenda item.",
            input_name="organisations",
            expected="at least one organisation code or topic",
        )
    row = repo(uow).add(
        GovDeclarationRow(
            system_code=system_code,
            seat_id=declaration.seat_id,
            person=" ".join(declaration.person.split()) if declaration.person else None,
            regime=declaration.regime.name,
            kind=declaration.kind.value,
            description=declaration.description.strip(),
            organisations=sorted(declaration.related_organisations),
            topics=sorted(" ".join(t.split()) for t in declaration.topics),
            valid_from=declaration.period.start,
            valid_to=declaration.period.end,
            recorded_at=utc_now(),
            recorded_by=actor.name,
        )
    )
    record_event(
        uow,
        system_code,
        "declaration",
        {
            "declaration_id": row.id,
            "seat_id": row.seat_id,
            "holder": row.person or seats[-1].holder,
            "regime": "localism" if declaration.regime is Regime.LOCALISM_DPI else "nhs",
            "kind": row.kind,
            "interest": row.description,
            "organisations": list(row.organisations),
            "topics": list(row.topics),
            "declared_on": row.recorded_at.date().isoformat(),
            "valid_from": row.valid_from.isoformat(),
            "valid_to": row.valid_to.isoformat() if row.valid_to else None,
        },
    )
    audit(uow, actor, system_code, f"governance/declarations/{row.id}", use_case="declare")
    return DeclarationRecord(row.id, _declaration(row), row.recorded_at, row.recorded_by)


def list_declarations(
    uow: UnitOfWork, system_code: str, *, seat_id: str | None = None, on: date | None = None
) -> list[DeclarationRecord]:
    """Declarations (of one seat, and those in force ``on`` a day, if given)."""
    gov = repo(uow)
    rows = gov.declarations(system_code)
    records = [DeclarationRecord(r.id, _declaration(r), r.recorded_at, r.recorded_by) for r in rows]
    if seat_id is not None:
        seats = gov.seat_rows_by_seat_id(system_code, seat_id)
        if not seats:
            raise NotFound(
                "seat", seat_id, input_name="seat", candidates=gov.all_seat_ids(system_code)
            )
        holders = [s.holder for s in seats]
        records = [
            r
            for r in records
            if r.declaration.seat_id == seat_id
            or any(r.declaration.applies_to(_named(seat_id, h)) for h in holders)
        ]
    if on is not None:
        records = [r for r in records if r.declaration.period.contains(on)]
    return records


def _named(seat_id: str, holder: str) -> Seat:
    return Seat(seat_id, "", SeatType.MEMBER, "", holder, None)


def recusals_for(
    uow: UnitOfWork, system_code: str, proposal: GovProposalRow, seats: list[Seat], day: date
) -> dict[str, str]:
    """Seat id -> why it is recused from the proposal's item on ``day``."""
    declarations = [_declaration(r) for r in repo(uow).declarations(system_code)]
    return recusals(
        seats,
        declarations,
        item_organisations=proposal.organisations,
        item_topics=proposal.topics,
        day=day,
    )
