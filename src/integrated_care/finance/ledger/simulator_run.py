"""One simulator step: run an operation on the real ledger services and on the model.

The model's expectation decides: an operation it refuses must raise an ``IcsError`` (a
``Conflict`` when the only problem is a reused key or account code) and write nothing; one
it accepts or replays must succeed and return what the model predicts. Anything else, and
any other exception, is a ``Discrepancy``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import TypeVar

from integrated_care.access import Actor
from integrated_care.errors import Conflict, IcsError
from integrated_care.finance.ledger.model import (
    CommitmentState,
    Journal,
    JournalRequest,
    Posted,
)
from integrated_care.finance.ledger.simulator_checks import Checker, Discrepancy
from integrated_care.finance.ledger.simulator_model import (
    Expectation,
    LedgerModel,
    Legs,
    Problem,
    legs_of,
    mirror,
    period_of,
)
from integrated_care.finance.ledger.simulator_records import (
    ClosePeriod,
    EndUnit,
    Expire,
    OpenAccount,
    Operation,
    Post,
    PostCommitment,
    PostMany,
    Reserve,
    Reverse,
    Void,
)
from integrated_care.persistence.uow import UnitOfWork
from integrated_care.services.finance import ledger

T = TypeVar("T")
CONFLICTS = ({Problem.KEY_CONFLICT}, {Problem.ACCOUNT_CONFLICT})


def _fail(message: str) -> None:
    raise Discrepancy(message)


def _same_legs(journal: Journal, legs: Legs) -> bool:
    return Counter((leg.account, leg.amount) for leg in journal.legs) == Counter(legs)


class Runner:
    def __init__(
        self,
        model: LedgerModel,
        checker: Checker,
        system_code: str,
        actor: Actor,
        labels: Counter[str],
        outcomes: Counter[str],
    ) -> None:
        self.model, self.checker, self.system, self.actor = model, checker, system_code, actor
        self.labels, self.outcomes = labels, outcomes
        self._journals_before = self._commitments_before = 0
        self._accounts: set[str] = set()
        self._touched: set[str] = set()

    def run(self, uow: UnitOfWork, op: Operation, used: list[tuple[str, str]]) -> bool | None:
        """Run ``op``; for the end of a unit of work return whether to commit."""
        self.labels[op.label] += 1
        self._journals_before = len(self.model.journal_keys)
        self._commitments_before = len(self.model.commitment_keys)
        self._accounts, self._touched = set(), set()
        if isinstance(op, EndUnit):
            return op.commit
        try:
            self._dispatch(uow, op, used)
        except Discrepancy:
            raise
        except Exception as error:  # a database error or a bug: never an expected refusal
            raise Discrepancy(f"raised {error.__class__.__name__}: {error}") from error
        return None

    def check(self, uow: UnitOfWork) -> None:
        self.checker.step(
            uow,
            new_journals=self.model.journal_keys[self._journals_before :],
            new_commitments=self.model.commitment_keys[self._commitments_before :],
            accounts=self._accounts,
            commitments=self._touched,
        )

    def _attempt(self, expectation: Expectation, call: Callable[[], T]) -> T | None:
        if expectation.refused:
            try:
                call()
            except IcsError as error:
                if set(expectation.problems) in CONFLICTS and not isinstance(error, Conflict):
                    _fail(f"refused with {error.__class__.__name__}, not Conflict: {error}")
                self.outcomes["refused"] += 1
                return None
            problems = ", ".join(sorted(p.value for p in expectation.problems))
            _fail(f"accepted; the model refuses it ({problems})")
        try:
            result = call()
        except IcsError as error:
            wanted = "replayed" if expectation.replay_of else "accepted"
            _fail(f"refused ({error.__class__.__name__}: {error.message}); the model expects "
                  f"it to be {wanted}")  # fmt: skip
            raise
        self.outcomes["replayed" if expectation.replay_of else "accepted"] += 1
        return result

    def _dispatch(self, uow: UnitOfWork, op: Operation, used: list[tuple[str, str]]) -> None:
        model, system, actor = self.model, self.system, self.actor
        if isinstance(op, OpenAccount):
            self._accounts.add(op.account.code)
            opened = self._attempt(
                model.expect_open(op.account),
                lambda: ledger.open_account(uow, system, op.account, actor=actor),
            )
            if opened is not None:
                if opened != op.account:
                    _fail(f"open_account returned {opened}, not {op.account}")
                model.open(op.account)
        elif isinstance(op, Post):
            self._post_many(uow, [op.request], used, single=True)
        elif isinstance(op, PostMany):
            self._post_many(uow, list(op.requests), used, single=False)
        elif isinstance(op, Reverse):
            self._reverse(uow, op, used)
        elif isinstance(op, Reserve):
            self._reserve(uow, op, used)
        elif isinstance(op, PostCommitment):
            self._post_commitment(uow, op, used)
        elif isinstance(op, Void):
            self._void(uow, op)
        elif isinstance(op, Expire):
            self._expire(uow, op)
        elif isinstance(op, ClosePeriod):
            closed = self._attempt(
                model.expect_close(op.period),
                lambda: ledger.close_period(uow, system, op.period, actor=actor),
            )
            if closed is None or closed.period != op.period or not closed.closed:
                _fail(f"close_period returned {closed}")
            model.close(op.period)

    def _post_many(
        self,
        uow: UnitOfWork,
        requests: Sequence[JournalRequest],
        used: list[tuple[str, str]],
        *,
        single: bool,
    ) -> None:
        model = self.model
        expected = model.expect_batch(requests)
        problems = frozenset().union(*(e.problems for e in expected))
        for request in requests:
            self._accounts.update(leg.account for leg in request.legs)
        if single:
            one = self._attempt(
                expected[0],
                lambda: ledger.post(uow, self.system, requests[0], actor=self.actor),
            )
            results = None if one is None else [one]
        else:
            results = self._attempt(
                Expectation(problems),
                lambda: ledger.post_many(uow, self.system, requests, actor=self.actor),
            )
        if results is None:
            return
        if len(results) != len(requests):
            _fail(f"{len(results)} results for {len(requests)} requests")
        for request, expectation, posted in zip(requests, expected, results, strict=True):
            self._posted(request, expectation, posted, used)

    def _posted(
        self,
        request: JournalRequest,
        expectation: Expectation,
        posted: Posted,
        used: list[tuple[str, str]],
    ) -> None:
        model, journal = self.model, posted.journal
        if posted.replayed != (expectation.replay_of is not None):
            _fail(f"'{request.key}' replayed={posted.replayed}; the model expects the opposite")
        if journal.key != request.key or not _same_legs(journal, legs_of(request)):
            _fail(f"'{request.key}' came back as {journal}")
        if journal.period != period_of(request.posted_on):
            _fail(f"'{request.key}' is in period {journal.period}")
        if expectation.replay_of is not None:
            if journal.id != model.journals[request.key].id:
                _fail(f"the replay of '{request.key}' returned journal {journal.id}")
            return
        model.post(request.key, journal.id, request.posted_on, legs_of(request), request)
        used.append(("journal", request.key))

    def _reverse(self, uow: UnitOfWork, op: Reverse, used: list[tuple[str, str]]) -> None:
        model = self.model
        original = model.journals[op.journal_key]
        self._accounts.update(account for account, _ in original.legs)
        posted = self._attempt(
            model.expect_reverse(op.journal_key, op.key, op.posted_on),
            lambda: ledger.reverse(
                uow,
                self.system,
                original.id,
                key=op.key,
                posted_on=op.posted_on,
                reason="simulated correction",
                actor=self.actor,
            ),
        )
        if posted is None:
            return
        legs = mirror(original.legs)
        journal = posted.journal
        if posted.replayed or journal.reverses != original.id or not _same_legs(journal, legs):
            _fail(f"the reversal of '{op.journal_key}' came back as {journal}")
        model.post(op.key, journal.id, op.posted_on, legs, None, reverses=op.journal_key)
        used.append(("journal", op.key))

    def _reserve(self, uow: UnitOfWork, op: Reserve, used: list[tuple[str, str]]) -> None:
        model, request = self.model, op.request
        self._accounts.update((request.debit_account, request.credit_account))
        expectation = model.expect_reserve(request)
        made = self._attempt(
            expectation, lambda: ledger.reserve(uow, self.system, request, actor=self.actor)
        )
        if made is None:
            return
        if expectation.replay_of is not None:
            if made.id != model.commitments[request.key].id:
                _fail(f"the replay of commitment '{request.key}' returned id {made.id}")
            return
        if (made.key, made.amount, made.state, made.debit_account, made.credit_account) != (
            request.key, request.amount, CommitmentState.PENDING,
            request.debit_account, request.credit_account,
        ):  # fmt: skip
            _fail(f"reserve returned {made}")
        model.reserve(request, made.id)
        used.append(("commitment", request.key))

    def _post_commitment(
        self, uow: UnitOfWork, op: PostCommitment, used: list[tuple[str, str]]
    ) -> None:
        model = self.model
        commitment = model.commitments[op.commitment_key]
        request = commitment.request
        self._accounts.update((request.debit_account, request.credit_account))
        self._touched.add(op.commitment_key)
        expectation = model.expect_post_commitment(
            op.commitment_key, op.key, op.posted_on, op.amount
        )
        posted = self._attempt(
            expectation,
            lambda: ledger.post_commitment(
                uow,
                self.system,
                commitment.id,
                key=op.key,
                posted_on=op.posted_on,
                amount=op.amount,
                actor=self.actor,
            ),
        )
        if posted is None:
            return
        amount = request.amount if op.amount is None else op.amount
        legs = ((request.debit_account, amount), (request.credit_account, -amount))
        replay = expectation.replay_of is not None
        if posted.replayed != replay or not _same_legs(posted.journal, legs):
            _fail(f"posting commitment '{op.commitment_key}' returned {posted}")
        if replay:
            if posted.journal.id != model.journals[op.key].id:
                _fail(f"the retry of '{op.key}' returned journal {posted.journal.id}")
            return
        model.post(op.key, posted.journal.id, op.posted_on, legs, None)
        model.settle(op.commitment_key, CommitmentState.POSTED, amount, op.key)
        used.append(("journal", op.key))

    def _void(self, uow: UnitOfWork, op: Void) -> None:
        model = self.model
        commitment = model.commitments[op.commitment_key]
        self._touched.add(op.commitment_key)
        self._accounts.add(commitment.request.credit_account)
        expectation = model.expect_void(op.commitment_key)
        voided = self._attempt(
            expectation,
            lambda: ledger.void_commitment(uow, self.system, commitment.id, actor=self.actor),
        )
        if voided is None:
            return
        if voided.state is not CommitmentState.VOIDED or voided.id != commitment.id:
            _fail(f"void_commitment returned {voided}")
        if expectation.replay_of is None:
            model.settle(op.commitment_key, CommitmentState.VOIDED)

    def _expire(self, uow: UnitOfWork, op: Expire) -> None:
        model = self.model
        due = model.due_to_expire(op.as_of)
        self._touched.update(due)
        expired = self._attempt(
            Expectation(),
            lambda: ledger.expire_commitments(uow, self.system, op.as_of, actor=self.actor),
        )
        got = sorted((c.key, c.state) for c in expired or [])
        if got != sorted((key, CommitmentState.EXPIRED) for key in due):
            _fail(f"expire_commitments({op.as_of}) expired {got}; the model expects {due}")
        for key in due:
            model.settle(key, CommitmentState.EXPIRED)
