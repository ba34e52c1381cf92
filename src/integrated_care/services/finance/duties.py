"""Financial duties checked before a posting (implemented by the single-pot work).

``check_postings`` is called by the ledger before anything is written; it raises a clear
``Conflict`` naming the duty when a batch would breach one (ICB break-even, the running-cost
limit, the mental health investment standard; rules in ``finance.duties``). With no duties
configured for the system it costs one small query; with duties, at most one more per
batch (every account of the affected years' funds with the sum of its legs), never one per
journal. Duties are configured per system and financial year with ``configure``.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text

from integrated_care.access import Actor, Permission, require
from integrated_care.errors import NotFound
from integrated_care.finance.chart import year_label
from integrated_care.finance.duties import (
    Duty,
    DutyConfig,
    DutyStatus,
    check,
    check_config,
    status,
    year_funds,
)
from integrated_care.finance.ledger.model import JournalRequest
from integrated_care.persistence.delegation_repository import DelegationRepository
from integrated_care.persistence.types import utc_now
from integrated_care.persistence.uow import UnitOfWork


def _repo(uow: UnitOfWork) -> DelegationRepository:
    return DelegationRepository(uow.session)


def check_postings(uow: UnitOfWork, system_code: str, requests: Sequence[JournalRequest]) -> None:
    if not requests:
        return
    repo = _repo(uow)
    configs = repo.duties(system_code)
    if not configs:
        return
    funds = sorted(set().union(*(year_funds(y) for y in {c.year for c in configs})))
    wanted = set(funds)
    # Account codes carry their fund (finance.chart); a batch touching none of the duty years'
    # funds needs no reading of balances.
    if not any(wanted.intersection(leg.account.split(":")) for r in requests for leg in r.legs):
        return
    # Two concurrent batches must not each pass a duty on the same headroom: on PostgreSQL
    # the checks of one system queue behind a transaction-scoped advisory lock (released at
    # commit or rollback). SQLite already has one writer at a time.
    if uow.session.get_bind().dialect.name == "postgresql":
        uow.session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':' || :key))"),
            {"key": f"ics-finance-duties:{system_code}"},
        )
    states = repo.account_states(system_code, funds)
    check(configs, states, [leg for r in requests for leg in r.legs])


def configure(uow: UnitOfWork, system_code: str, config: DutyConfig, *, actor: Actor) -> DutyConfig:
    """Set (or replace) one duty for one financial year."""
    require(actor, Permission.POST_FINANCE)
    checked = check_config(config)
    _repo(uow).set_duty(system_code, checked, at=utc_now(), by=actor.name)
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"finance/duties/{checked.year}/{checked.duty.value}",
        system_code=system_code,
        detail={
            "use_case": "configure_duty",
            "target": checked.target,
            "lines": list(checked.lines),
        },
    )
    return checked


def remove(uow: UnitOfWork, system_code: str, year: int, duty: Duty, *, actor: Actor) -> None:
    require(actor, Permission.POST_FINANCE)
    if not _repo(uow).remove_duty(system_code, year, duty):
        raise NotFound(
            "configured duty",
            f"{duty.value} {year_label(year)}",
            input_name="duty",
            candidates=[f"{c.duty.value} {year_label(c.year)}" for c in duties(uow, system_code)],
        )
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=f"finance/duties/{year}/{duty.value}",
        system_code=system_code,
        detail={"use_case": "remove_duty"},
    )


def duties(uow: UnitOfWork, system_code: str, year: int | None = None) -> list[DutyConfig]:
    return _repo(uow).duties(system_code, year)


def statuses(uow: UnitOfWork, system_code: str, year: int) -> list[DutyStatus]:
    """Each duty configured for ``year`` and where it stands now."""
    configs = duties(uow, system_code, year)
    if not configs:
        return []
    states = _repo(uow).account_states(system_code, sorted(year_funds(year)))
    return [status(c, states) for c in configs]
