"""Section 75 pools: create a pool, add partners and lines, set its risk-share rule, read it.

Money movements (contributions, spend, risk-share calls, the year-end settlement) are in
``pool_postings``. Writes need ``Permission.POST_FINANCE``. Reads need
``READ_RESTRICTED``; a partner-role user (``actor.organisation_code``) sees only the pools
its organisation belongs to: any other pool is "not found" to them, so its existence is not
revealed. Services never commit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import Any

from integrated_care.access import Actor, Permission, Role, require
from integrated_care.errors import Conflict, InvalidInput, NotFound
from integrated_care.finance.chart import Stream, fund_code
from integrated_care.finance.pools import (
    LegalBasis,
    Line,
    LineKind,
    Partner,
    Pool,
    RiskShare,
    Sector,
    ShareBasis,
    UnderspendRule,
    check_code,
    check_pool,
    check_risk_share,
    parse_percentages,
)
from integrated_care.governance.workflows import parse_year
from integrated_care.persistence.partnership_repository import PoolRepository, StoredPool
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.structure.organisations import Organisation, OrgKind

POOL_STREAMS = (Stream.S75, Stream.BCF)


def repo(uow: UnitOfWork) -> PoolRepository:
    return PoolRepository(uow.session)


def audit(uow: UnitOfWork, actor: Actor, system_code: str, resource: str, **detail: Any) -> None:
    uow.audit.append(
        actor=actor.name,
        role=actor.role.value,
        action="write",
        resource=resource,
        system_code=system_code,
        detail=detail,
    )


def organisation(uow: UnitOfWork, system_code: str, value: str, *, input_name: str) -> Organisation:
    """An organisation of the system by its code (ODS or GSS) or exact name."""
    wanted = value.strip()
    orgs = uow.structure.organisations(system_code)
    for o in orgs:
        if wanted in (o.code, o.ods_code, o.gss_code) or wanted.lower() == o.name.lower():
            return o
    raise NotFound(
        "organisation",
        value,
        input_name=input_name,
        candidates=[o.code for o in orgs if o.kind.is_council or o.kind.is_nhs]
        + [o.name for o in orgs],
        expected="an organisation of the system (ODS or GSS code)",
    )


def icb(uow: UnitOfWork, system_code: str) -> Organisation:
    found = next(
        (o for o in uow.structure.organisations(system_code) if o.kind is OrgKind.ICB), None
    )
    if found is None:
        raise NotFound("system", system_code, input_name="system")
    return found


def _partner(org: Organisation, input_name: str) -> Partner:
    if org.kind.is_council:
        return Partner(org.code, org.name, Sector.LOCAL_AUTHORITY)
    if org.kind in (OrgKind.ICB, OrgKind.NHS_TRUST, OrgKind.FOUNDATION_TRUST):
        return Partner(org.code, org.name, Sector.NHS)
    raise InvalidInput(
        f"{org.name} ({org.kind.value}) cannot be a partner in a pooled fund.",
        input_name=input_name,
        expected="the ICB, an NHS trust or a council",
    )


def can_see(actor: Actor, pool: Pool) -> bool:
    if actor.role is Role.PARTNER:
        return any(p.organisation == actor.organisation_code for p in pool.partners)
    return actor.can(Permission.READ_RESTRICTED)


def get(uow: UnitOfWork, system_code: str, code: str, *, actor: Actor) -> StoredPool:
    """The pool, if the actor may see it (otherwise NotFound, as if it did not exist)."""
    require(actor, Permission.READ_RESTRICTED)
    stored = repo(uow).get(system_code, code.strip())
    visible = [p for p in repo(uow).all(system_code) if can_see(actor, p.pool)]
    if stored is None or not can_see(actor, stored.pool):
        raise NotFound("pool", code, input_name="pool", candidates=[p.pool.code for p in visible])
    return stored


def list_pools(uow: UnitOfWork, system_code: str, *, actor: Actor) -> list[StoredPool]:
    require(actor, Permission.READ_RESTRICTED)
    return [p for p in repo(uow).all(system_code) if can_see(actor, p.pool)]


def parse_rule(
    *,
    basis: str = "pro-rata",
    shares: Mapping[str, str | int | Decimal] | None = None,
    underspend: str = "retain",
    cut_uncommitted: bool = True,
    caps: Mapping[str, int] | None = None,
    uncapped: bool = False,
) -> RiskShare:
    """A risk-share rule from its text form (basis 'pro-rata' or 'fixed-split', shares in
    percent, underspend 'retain' or 'return', caps in pence)."""
    wanted = basis.strip().lower().replace("-", " ").replace("_", " ")
    try:
        share_basis = ShareBasis(wanted)
    except ValueError:
        raise InvalidInput(
            f"Unknown risk-share basis '{basis}'.",
            input_name="basis",
            expected="pro-rata or fixed-split",
        ) from None
    try:
        rule = UnderspendRule(underspend.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"Unknown underspend rule '{underspend}'.",
            input_name="underspend",
            expected="retain (stays in the pool) or return (pro rata to partners)",
        ) from None
    fixed = parse_percentages(shares) if shares else {}
    return RiskShare(share_basis, fixed, rule, cut_uncommitted, dict(caps or {}), uncapped)


def create_pool(
    uow: UnitOfWork,
    system_code: str,
    *,
    code: str,
    name: str,
    year: int | str,
    host: str,
    partners: Sequence[str],
    basis: str = "s75",
    stream: str = "s75",
    aims: str = "",
    rule: RiskShare | None = None,
    lines: Sequence[Line] = (),
    actor: Actor,
) -> Pool:
    """A pool with its host, partners (the host among them), optional lines and rule."""
    require(actor, Permission.POST_FINANCE)
    start = parse_year(year)
    try:
        legal = LegalBasis(basis.strip().lower())
        fund_stream = Stream(stream.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"Unknown legal basis '{basis}' or fund stream '{stream}'.",
            input_name="basis",
            expected="basis s75 or s65z5; stream s75 or bcf",
        ) from None
    if fund_stream not in POOL_STREAMS:
        raise InvalidInput(
            f"A pool's fund is s75 or bcf, not {fund_stream.value}.",
            input_name="stream",
            expected="s75 or bcf",
        )
    host_org = organisation(uow, system_code, host, input_name="host")
    orgs = [organisation(uow, system_code, p, input_name="partner") for p in partners]
    if host_org.code not in {o.code for o in orgs}:
        orgs.insert(0, host_org)
    pool = Pool(
        check_code(code),
        name.strip(),
        legal,
        start,
        host_org.code,
        tuple(_partner(o, "partner") for o in orgs),
        tuple(lines),
        rule or RiskShare(),
        aims.strip(),
    )
    check_pool(pool)
    if repo(uow).get(system_code, pool.code) is not None:
        raise Conflict(
            f"A pool with code {pool.code} already exists.",
            input_name="code",
            expected="a new pool code",
        )
    repo(uow).add(system_code, pool, fund_code(fund_stream, start), actor.name)
    audit(uow, actor, system_code, f"finance/pools/{pool.code}", use_case="create_pool")
    return pool


def parse_kind(value: str) -> LineKind:
    try:
        return LineKind(value.strip().lower().replace("-", " ").replace("_", " "))
    except ValueError:
        raise InvalidInput(
            f"Unknown line kind '{value}'.",
            input_name="kind",
            expected="variable, fixed or risk-pool",
        ) from None


def _writable(uow: UnitOfWork, system_code: str, code: str, actor: Actor) -> StoredPool:
    require(actor, Permission.POST_FINANCE)
    stored = get(uow, system_code, code, actor=actor)
    settled = repo(uow).settlement(system_code, stored.pool.code)
    if settled is not None:
        raise Conflict(
            f"Pool {stored.pool.code} was settled on {settled.settled_on.isoformat()}; it "
            "cannot change.",
            input_name="pool",
            expected="a pool not yet settled (next year's pool for new money)",
        )
    return stored


def add_partner(
    uow: UnitOfWork, system_code: str, code: str, partner: str, *, actor: Actor
) -> Pool:
    stored = _writable(uow, system_code, code, actor)
    org = organisation(uow, system_code, partner, input_name="partner")
    new = _partner(org, "partner")
    if any(p.organisation == new.organisation for p in stored.pool.partners):
        raise Conflict(
            f"{org.name} is already a partner in {stored.pool.code}.",
            input_name="partner",
            expected="a new partner",
        )
    # Under a fixed split the new partner has no share yet: check_pool refuses it (set a
    # pro rata rule first, add the partner, then the new split).
    pool = replace(stored.pool, partners=(*stored.pool.partners, new))
    check_pool(pool)
    repo(uow).add_partner(system_code, pool.code, new, len(stored.pool.partners))
    audit(
        uow,
        actor,
        system_code,
        f"finance/pools/{pool.code}",
        use_case="add_partner",
        partner=new.organisation,
    )
    return pool


def add_line(
    uow: UnitOfWork,
    system_code: str,
    code: str,
    *,
    line: str,
    name: str,
    kind: str = "variable",
    actor: Actor,
) -> Pool:
    stored = _writable(uow, system_code, code, actor)
    line_kind = parse_kind(kind)
    new = Line(check_code(line, "line"), name.strip() or line, line_kind)
    if any(x.code == new.code for x in stored.pool.lines):
        raise Conflict(
            f"Pool {stored.pool.code} already has a line {new.code}.",
            input_name="line",
            expected="a new line code",
        )
    pool = replace(stored.pool, lines=(*stored.pool.lines, new))
    check_pool(pool)
    repo(uow).add_line(system_code, pool.code, new, len(stored.pool.lines))
    audit(uow, actor, system_code, f"finance/pools/{pool.code}", use_case="add_line", line=new.code)
    return pool


def set_rule(
    uow: UnitOfWork, system_code: str, code: str, rule: RiskShare, *, actor: Actor
) -> Pool:
    """Replace the risk-share rule: only before any spend or risk-share call is recorded
    (the rule the money was spent under cannot change afterwards)."""
    stored = _writable(uow, system_code, code, actor)
    check_risk_share(rule, [p.organisation for p in stored.pool.partners])
    pool = replace(stored.pool, risk_share=rule)
    check_pool(pool)
    spent = [e for e in repo(uow).entries(system_code, pool.code) if e.kind in ("spend", "call")]
    if spent:
        raise Conflict(
            f"Pool {pool.code} has spend recorded since {spent[0].posted_on.isoformat()}; its "
            "risk-share rule can no longer change.",
            input_name="pool",
            expected="a rule set before the first spend",
        )
    repo(uow).set_risk_share(system_code, pool.code, rule)
    audit(
        uow,
        actor,
        system_code,
        f"finance/pools/{pool.code}",
        use_case="set_rule",
        basis=rule.basis.value,
    )
    return pool
