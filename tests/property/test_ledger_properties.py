"""Ledger invariants under random sequences of posts, replays, reversals and commitments,
checked after every step against an independent model written from the definitions:

- the trial balance agrees (Σ debits = Σ credits, from the legs themselves);
- every balance equals the model's sum of the postings accepted so far;
- a guarded account is never below zero, counting pending commitments;
- a replay changes nothing; a refused operation changes nothing.

Each example gets a fresh system in one database per backend, so examples never interfere.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from integrated_care.access import LOCAL_OPERATOR
from integrated_care.errors import Conflict, IcsError, InvalidInput
from integrated_care.finance.chart import AccountType
from integrated_care.finance.ledger.model import (
    Account,
    CommitmentRequest,
    JournalRequest,
    Leg,
    Posted,
)
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger
from integrated_care.workspace import Workspace

DAY = date(2025, 4, 1)
FUNDING, POT, BUDGET, SPEND = "icb:f:funding", "icb:f:pot", "place:p:f:budget", "place:p:f:spend"
CHART = {
    FUNDING: AccountType.EQUITY,
    POT: AccountType.ASSET,
    BUDGET: AccountType.ASSET,  # guarded
    SPEND: AccountType.EXPENDITURE,
}
GUARDED = {BUDGET}
SYSTEMS = itertools.count(1)


@dataclass
class Model:
    """What the ledger should hold, from the definitions alone."""

    legs: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # signed sum
    debits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    journals: dict[str, tuple[JournalRequest, int | None]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)  # key -> journal id
    reversed: set[int] = field(default_factory=set)
    reversals: set[int] = field(default_factory=set)  # ids of journals that are reversals
    pending: dict[int, int] = field(default_factory=dict)  # commitment id -> amount on BUDGET

    def posted(self, account: str) -> int:
        signed = self.legs[account]
        return signed if CHART[account] in (AccountType.ASSET, AccountType.EXPENDITURE) else -signed

    def available(self, account: str) -> int:
        held = sum(self.pending.values()) if account == BUDGET else 0
        return self.posted(account) - held

    def allows(self, legs: tuple[Leg, ...], released: int = 0) -> bool:
        """No guarded account may end below zero after a journal that reduces it."""
        for account in GUARDED:
            change = sum(g.amount for g in legs if g.account == account)  # asset: debit = up
            if change < 0 and self.available(account) + released + change < 0:
                return False
        return True

    def apply(self, legs: tuple[Leg, ...]) -> None:
        for g in legs:
            self.legs[g.account] += g.amount
            if g.amount > 0:
                self.debits[g.account] += g.amount


accounts = st.sampled_from(sorted(CHART))
amounts = st.integers(1, 5_000).flatmap(lambda n: st.sampled_from([n, -n]))


@st.composite
def legs(draw: st.DrawFn) -> tuple[Leg, ...]:
    first = [Leg(draw(accounts), draw(amounts)) for _ in range(draw(st.integers(1, 3)))]
    rest = -sum(g.amount for g in first)
    if rest == 0:
        return tuple(first)  # already balanced (and no zero leg)
    return (*first, Leg(draw(accounts), rest))


operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), st.integers(0, 6), legs()),
        st.tuples(st.just("fund"), st.integers(0, 6), st.integers(1, 20_000)),
        st.tuples(st.just("reverse"), st.integers(0, 6), st.integers(0, 6)),
        st.tuples(st.just("reserve"), st.integers(0, 6), st.integers(1, 8_000)),
        st.tuples(st.just("settle"), st.integers(0, 6), st.integers(0, 8_000)),
        st.tuples(st.just("void"), st.integers(0, 6), st.just(0)),
    ),
    min_size=1,
    max_size=25,
)


def fresh_system(ws: Workspace) -> str:
    code = f"P{next(SYSTEMS):05d}"
    with ws.uow() as uow:
        uow.structure.add_system(code, f"X{code}", "property test", "t")
        uow.commit()
    with ws.uow() as uow:
        ledger.ensure_accounts(
            uow,
            code,
            [Account(c, c, t, guarded=c in GUARDED) for c, t in CHART.items()],
            actor=LOCAL_OPERATOR,
        )
        uow.commit()
    return code


def run(ws: Workspace, system: str, model: Model, op: tuple[str, int, object]) -> None:
    """Apply one operation to the ledger and, when the definitions say it succeeds, to the
    model; a refusal must be the one the definitions predict."""
    kind, n, arg = op
    with ws.uow() as uow:
        try:
            if kind in ("post", "fund"):
                if isinstance(arg, int):
                    body: tuple[Leg, ...] = (Leg(BUDGET, arg), Leg(FUNDING, -arg))
                else:
                    assert isinstance(arg, tuple)
                    body = arg
                request = JournalRequest(f"j{n}", DAY, "p", body)
                expect_post(uow, system, model, request, None)
            elif kind == "reverse":
                key = f"j{arg}"
                if key not in model.ids:
                    return
                target = model.ids[key]
                original = model.journals[key][0]
                mirror = tuple(Leg(g.account, -g.amount, g.memo) for g in original.legs)
                desc = f"Reversal of journal {target}: r"
                request = JournalRequest(f"r{n}", DAY, desc, mirror, original.reference)
                expect_post(uow, system, model, request, target)
            elif kind == "reserve":
                assert isinstance(arg, int)
                expect_reserve(uow, system, model, n, arg)
            elif kind in ("settle", "void"):
                assert isinstance(arg, int)
                expect_resolution(uow, system, model, kind, n, arg)
            uow.commit()
        except _Expected:
            pass


class _Expected(Exception):
    pass


def expect_post(
    uow: UnitOfWork, system: str, model: Model, request: JournalRequest, reverses: int | None
) -> None:
    seen = model.journals.get(request.key)
    if seen is not None:
        if seen == (request, reverses):
            posted = _post(uow, system, request, reverses)
            assert posted.replayed
            assert posted.journal.id == model.ids[request.key]
            return
        with pytest.raises(Conflict):
            _post(uow, system, request, reverses)
        raise _Expected
    if reverses is not None and (reverses in model.reversed or reverses in model.reversals):
        with pytest.raises(Conflict):
            _post(uow, system, request, reverses)
        raise _Expected
    if not model.allows(request.legs):
        with pytest.raises(InvalidInput, match="available"):
            _post(uow, system, request, reverses)
        raise _Expected
    posted = _post(uow, system, request, reverses)
    assert not posted.replayed
    model.apply(request.legs)
    model.journals[request.key] = (request, reverses)
    model.ids[request.key] = posted.journal.id
    if reverses is not None:
        model.reversed.add(reverses)
        model.reversals.add(posted.journal.id)


def _post(uow: UnitOfWork, system: str, request: JournalRequest, reverses: int | None) -> Posted:
    if reverses is None:
        return ledger.post(uow, system, request, actor=LOCAL_OPERATOR)
    reason = request.description.rsplit(": ", 1)[1]
    return ledger.reverse(
        uow,
        system,
        reverses,
        key=request.key,
        posted_on=request.posted_on,
        reason=reason,
        actor=LOCAL_OPERATOR,
    )


COMMITMENTS: dict[tuple[str, int], int] = {}  # (system, n) -> commitment id


def expect_reserve(uow: UnitOfWork, system: str, model: Model, n: int, amount: int) -> None:
    request = CommitmentRequest(f"c{n}", SPEND, BUDGET, amount, DAY, "c")
    if (system, n) in COMMITMENTS:
        return  # each slot reserves once (key replays are covered by the post replays)
    if model.available(BUDGET) < amount:
        with pytest.raises(InvalidInput, match="available"):
            ledger.reserve(uow, system, request, actor=LOCAL_OPERATOR)
        raise _Expected
    made = ledger.reserve(uow, system, request, actor=LOCAL_OPERATOR)
    COMMITMENTS[(system, n)] = made.id
    model.pending[made.id] = amount


def expect_resolution(
    uow: UnitOfWork, system: str, model: Model, kind: str, n: int, amount: int
) -> None:
    cid = COMMITMENTS.get((system, n))
    if cid is None:
        return
    if cid not in model.pending:
        # Resolved already: posting it again (under a new key) is refused.
        with pytest.raises(Conflict):
            ledger.post_commitment(
                uow, system, cid, key=f"s{cid}-again", posted_on=DAY, actor=LOCAL_OPERATOR
            )
        raise _Expected
    reserved = model.pending[cid]
    if kind == "void":
        ledger.void_commitment(uow, system, cid, actor=LOCAL_OPERATOR)
        del model.pending[cid]
        return
    value = min(max(amount, 1), reserved)
    posted = ledger.post_commitment(
        uow, system, cid, key=f"s{cid}", posted_on=DAY, amount=value, actor=LOCAL_OPERATOR
    )
    del model.pending[cid]
    model.apply(posted.journal.legs)
    model.journals[posted.journal.key] = (
        JournalRequest(posted.journal.key, DAY, "c", posted.journal.legs, f"commitment:{cid}"),
        None,
    )
    model.ids[posted.journal.key] = posted.journal.id


def check(ws: Workspace, system: str, model: Model) -> None:
    with ws.uow() as uow:
        tb = ledger.trial_balance(uow, system)
        debit_total, credit_total = ledger.leg_totals(uow, system)
        found = {b.account: b for b in ledger.balances(uow, system)}
    assert tb.balanced
    assert debit_total == credit_total == sum(model.debits.values())
    for account in CHART:
        b = found[account]
        assert b.posted == model.posted(account), account
        assert b.debits == model.debits[account], account
        assert b.debits - b.credits == model.legs[account], account
    assert found[BUDGET].pending == sum(model.pending.values())
    assert found[BUDGET].available >= 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_operations_keep_every_invariant(
    workspace: Workspace, ops: list[tuple[str, int, object]]
) -> None:
    system = fresh_system(workspace)
    model = Model()
    for op in ops:
        try:
            run(workspace, system, model, op)
        except IcsError as error:  # a refusal the model did not predict
            raise AssertionError(f"{op}: unexpected refusal: {error.message}") from None
        check(workspace, system, model)
